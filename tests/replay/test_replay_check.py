"""A slice of real published replies through extraction, the guard rails and the real Dafny."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.replay import (
    MbppTask,
    RecordedReply,
    ReplayModelName,
    ReplayOutcome,
    ReplayStrategy,
)
from shared_schemas.verification import VerificationStatus
from toolchain.dafny import DafnyEngine
from toolchain.datasets.hardware_probe import (
    COLUMNS,
    FrontendProbe,
    HardwareVerdict,
    SynthesisOptions,
)
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.datasets.replay_check import CheckRun, ReplayChecker, summarise
from toolchain.llm.extract import extract_dafny
from toolchain.synthesize import synthesize_candidate

M, S = ReplayModelName, ReplayStrategy

SLICE = [
    ("2", M.gpt4, S.dynamic_few_shot),  # verified by both
    ("20", M.gpt4, S.contextless),  # the model declined; the authors' empty code "verified"
    ("57", M.gpt4, S.dynamic_few_shot),  # only a comment in a dafny block
    ("14", M.gpt4, S.signature),  # the reply's own test harness is dropped, as the authors did
    ("2", M.palm2, S.contextless),  # PaLM-2 pseudo-Dafny: a parse error
    ("17", M.palm2, S.contextless),
]


@pytest.fixture(scope="module")
def run(corpus: MbppDfy, dafny: DafnyEngine) -> CheckRun:
    replies = [corpus.reply(t, m, s) for t, m, s in SLICE]
    return ReplayChecker(dafny).check(replies, corpus.tasks)


def _get(
    run: CheckRun, task: str, model: ReplayModelName, strategy: ReplayStrategy
) -> ReplayOutcome:
    [o] = [o for o in run.outcomes if (o.task_id, o.model, o.strategy) == (task, model, strategy)]
    return o


def test_a_reply_both_sides_verify(run: CheckRun) -> None:
    o = _get(run, "2", M.gpt4, S.dynamic_few_shot)
    assert o.extracted and o.guard_reasons == []
    assert o.dafny_status == VerificationStatus.verified
    assert o.verified and o.authors_verified and o.disagreement is None
    assert o.same_code_as_authors


def test_the_authors_counted_programs_with_no_code_as_verified(run: CheckRun) -> None:
    declined = _get(run, "20", M.gpt4, S.contextless)
    assert not declined.extracted and declined.extraction_failure == "no_code"
    assert declined.authors_verified and not declined.verified
    assert declined.disagreement == "authors_only/authors-code-has-no-program"
    comment = _get(run, "57", M.gpt4, S.dynamic_few_shot)
    assert comment.extracted and comment.guard_reasons == ["no_code"]
    assert comment.dafny_status is None  # nothing to verify
    assert comment.disagreement == "authors_only/authors-code-has-no-program"


def test_the_replys_own_test_harness_is_dropped_so_it_verifies_like_the_authors(
    run: CheckRun,
) -> None:
    o = _get(run, "14", M.gpt4, S.signature)
    assert o.authors_verified and o.verified and o.same_code_as_authors
    assert o.dafny_status == VerificationStatus.verified and o.disagreement is None
    assert o.signature_kept is not None  # only the signature strategy fixes one


def test_an_extraction_difference_is_told_from_a_verifier_difference(
    corpus: MbppDfy, dafny: DafnyEngine
) -> None:
    """The real reply with a second, unlinked answer that does not resolve put first: ours
    takes the broken block, the authors' code verifies, and the row says the code differs."""
    real = corpus.reply("14", M.gpt4, S.signature)
    broken = "```dafny\nmethod Helper() { var x := Undeclared(); }\n```\n\n"
    reply = real.model_copy(update={"reply": broken + real.reply})
    [o] = ReplayChecker(dafny).check([reply], corpus.tasks).outcomes
    assert o.authors_verified and not o.verified and not o.same_code_as_authors
    assert o.dafny_status == VerificationStatus.resolution_error
    assert o.disagreement == "authors_only/dafny:resolution_error/other-code"
    assert o.authors_code_status == VerificationStatus.verified


def test_palm2_pseudo_dafny_fails_to_parse(run: CheckRun) -> None:
    o = _get(run, "17", M.palm2, S.contextless)
    assert o.extracted and o.dafny_status == VerificationStatus.parse_error
    assert not o.verified and not o.authors_verified and o.disagreement is None
    assert o.dafny_first_error is not None and o.dafny_first_error.startswith("line ")


def test_rows_add_up(run: CheckRun) -> None:
    rows = summarise(run.outcomes, run.missing)
    assert sum(r.replies for r in rows) == len(SLICE)
    for r in rows:
        assert r.agree + r.ours_only + r.authors_only == r.replies
        assert r.verified_both + r.ours_only == r.verified_ours
        assert r.verified_both + r.authors_only == r.verified_authors
        assert r.verified_ours <= r.replies - r.guard_rejected
    few_shot = next(r for r in rows if (r.model, r.strategy) == (M.gpt4, S.dynamic_few_shot))
    assert few_shot.guard_by_reason == {"no_code": 1}
    assert few_shot.verified_ours == 1 and few_shot.verified_authors == 2


def test_identical_code_is_verified_once(corpus: MbppDfy, fresh_dafny: DafnyEngine) -> None:
    base = corpus.reply("2", M.gpt4, S.dynamic_few_shot)
    copies = [
        base.model_copy(update={"task_id": t, "strategy": s})
        for t, s in [("2", S.contextless), ("3", S.signature), ("7", S.dynamic_few_shot)]
    ]
    result = ReplayChecker(fresh_dafny).check(copies, corpus.tasks)
    assert result.unique_programs == 1 and result.verifier_runs == 1
    assert all(o.verified for o in result.outcomes)


class _FirstLetterProbe:
    """A probe with a rule simple enough to check the plumbing against."""

    def missing(self) -> dict[str, str]:
        return {"cosim_passed": "not in this test"}

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict:
        plausible = "seq<" not in code
        return HardwareVerdict(plausible, method="m", reaches_rtl=plausible, cosim_passed=True)


def test_hardware_columns_count_among_the_verified_and_missing_ones_stay_empty(
    corpus: MbppDfy, dafny: DafnyEngine
) -> None:
    replies: list[RecordedReply] = [corpus.reply(t, m, s) for t, m, s in SLICE]
    result = ReplayChecker(dafny, hardware=_FirstLetterProbe()).check(replies, corpus.tasks)
    rows = summarise(result.outcomes, result.missing)
    verified = [o for o in result.outcomes if o.verified]
    assert verified
    for o in result.outcomes:
        if o.verified:
            assert o.hardware_plausible is not None and o.cosim_passed is None
        else:
            assert o.hardware_plausible is None
    assert sum(r.hardware_plausible or 0 for r in rows) == sum(
        1 for o in verified if o.hardware_plausible
    )
    assert all(r.cosim_passed is None for r in rows)
    assert all(r.reaches_rtl is not None for r in rows)


def test_the_real_probe_names_what_it_cannot_measure() -> None:
    missing = FrontendProbe().missing()
    assert set(missing) <= set(COLUMNS)
    for why in missing.values():
        assert "issue #" in why or "not requested" in why
    assert FrontendProbe(synthesis=None).missing().get("cosim_passed") == "synthesis not requested"


def test_front_end_judgements_on_real_replies(corpus: MbppDfy) -> None:
    probe = FrontendProbe()
    if "hardware_plausible" in probe.missing():
        pytest.fail("the front end (toolchain.frontend.driver) is part of this checkout")

    def judge(task: str) -> HardwareVerdict:
        code = extract_dafny(corpus.reply(task, M.gpt4, S.dynamic_few_shot).reply).code
        return probe.classify(code, corpus.tasks[task])

    # RemoveChars over strings: strings are char sequences now, but with no length bound
    strings = judge("18")
    assert strings.plausible and not strings.lowers and strings.method == "RemoveChars"
    assert strings.reason is not None and strings.reason.startswith("HW202")
    assert "requires |s1| <= N" in strings.reason
    unbounded = judge("17")  # SquarePerimeter on an unbounded int: needs a `requires` bound
    assert unbounded.plausible and not unbounded.lowers
    assert unbounded.reason is not None and unbounded.reason.startswith("HW2")
    bits = judge("799")  # RotateLeftBits on bv32: lowers as is
    assert bits.plausible and bits.lowers and bits.method == "RotateLeftBits"


@pytest.mark.slow
def test_a_replayed_program_reaches_rtl_and_passes_cosimulation(
    corpus: MbppDfy, dafny: DafnyEngine, tmp_path: Path
) -> None:
    """Real GPT-4 text -> real Dafny -> front end -> XLS Verilog -> yosys -> cocotb/iverilog."""
    code = extract_dafny(corpus.reply("799", M.gpt4, S.dynamic_few_shot).reply).code
    assert dafny.verify_source(code, "candidate.dfy").ok
    options = SynthesisOptions(tmp_path, vectors=8, synthesize=synthesize_candidate)
    probe = FrontendProbe(dafny, options)
    assert probe.missing() == {}
    verdict = probe.classify(code, corpus.tasks["799"])
    assert probe.crashes == []
    assert verdict.lowers and verdict.reaches_rtl, verdict.reason
    assert verdict.cosim_passed, verdict.reason
    assert probe.synthesized == 1
    assert list(tmp_path.glob("*/rtl/*.v"))


class _CrashingProbe:
    def missing(self) -> dict[str, str]:
        return {}

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict:
        return HardwareVerdict(False, reason="front end crashed: KeyError: x", crashed=True)


def test_a_front_end_crash_is_unknown_not_a_no(corpus: MbppDfy, dafny: DafnyEngine) -> None:
    replies = [corpus.reply(t, m, s) for t, m, s in SLICE]
    result = ReplayChecker(dafny, hardware=_CrashingProbe()).check(replies, corpus.tasks)
    verified = [o for o in result.outcomes if o.verified]
    assert verified
    assert all(o.hardware_plausible is None and o.lowers_to_ir is None for o in verified)
    assert all(o.hardware_reason == "front end crashed: KeyError: x" for o in verified)
    rows = summarise(result.outcomes, result.missing)
    assert sum(r.hardware_unjudged or 0 for r in rows) == len(verified)
    assert sum(r.hardware_plausible or 0 for r in rows) == 0
