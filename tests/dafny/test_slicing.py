"""Sliced verification (toolchain.dafny.slicing): what is blanked, and real Dafny on the corpora."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_schemas.verification import MethodStatus, VerificationStatus, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.dafny.slicing import slice_for
from toolchain.dafny.symbols import find_symbols
from toolchain.dafny.warm import WarmVerifier

PROGRAM = """\
function Double(x: int): int { x * 2 }

lemma DoubleIsEven(x: int)
  ensures Double(x) % 2 == 0
{
  assert Double(x) == x * 2;
}

method UsesLemma(x: int) returns (y: int)
  ensures y % 2 == 0
{
  DoubleIsEven(x);
  y := Double(x);
}

method Unrelated(a: array<int>)
  requires a.Length > 0
  modifies a
{
  var first := 1;
  a[0] := first;
}

method Even(n: nat) returns (b: bool)
  decreases n
{
  if n == 0 { return true; }
  b := Odd(n - 1);
}

method Odd(n: nat) returns (b: bool)
  decreases n
{
  if n == 0 { return false; }
  b := Even(n - 1);
}
"""


def test_stubs_the_bodies_the_selection_needs_and_removes_what_it_cannot_reach() -> None:
    sliced = slice_for(PROGRAM, ["UsesLemma"])
    assert sliced is not None
    # offsets and lines unchanged: the verifier's positions are positions in the user's text
    assert len(sliced.text) == len(PROGRAM)
    assert sliced.text.count("\n") == PROGRAM.count("\n")
    assert sliced.dropped == {"DoubleIsEven"}  # called: its contract stays, its body goes
    assert sliced.removed == {"Unrelated", "Even", "Odd"}  # not reachable: blanked whole
    assert "function Double(x: int): int { x * 2 }" in sliced.text  # functions stay whole
    assert "y := Double(x);" in sliced.text  # the selection stays whole
    # a dropped body becomes `{ assume false; }` on the same lines, never no body at all
    assert sliced.text.count("assume false;") == 1
    assert "ensures Double(x) % 2 == 0" in sliced.text  # the callee's contract stays
    assert "Unrelated" not in sliced.text and "a[0] := first;" not in sliced.text


def test_without_removal_every_unneeded_body_is_stubbed_and_signatures_stay() -> None:
    sliced = slice_for(PROGRAM, ["UsesLemma"], remove_unreached=False)
    assert sliced is not None and not sliced.removed
    assert sliced.dropped == {"DoubleIsEven", "Unrelated", "Even", "Odd"}
    assert "method Unrelated(a: array<int>)" in sliced.text
    assert "requires a.Length > 0" in sliced.text
    assert sliced.text.count("assume false;") == 4


def test_what_the_text_outside_declarations_mentions_is_never_removed() -> None:
    # the subset type needs IsSmall even though no selected declaration mentions it
    text = (
        "predicate IsSmall(x: int) { 0 <= x < 10 }\n"
        "type Small = x: int | IsSmall(x) witness 0\n"
        "method UseSmall(s: Small) returns (t: int)\n  ensures t < 10\n{\n  t := s;\n}\n" + PROGRAM
    )
    sliced = slice_for(text, ["UseSmall"])
    assert sliced is not None
    assert "predicate IsSmall(x: int) { 0 <= x < 10 }" in sliced.text
    assert "Unrelated" in sliced.removed


def test_class_members_and_what_they_mention_stay() -> None:
    text = (
        PROGRAM
        + "class C {\n  method M(x: int) returns (y: int)\n  {\n    y := Double(x);\n  }\n}\n"
    )
    sliced = slice_for(text, ["Unrelated"])
    assert sliced is not None
    assert "C.M" not in sliced.removed and "method M(x: int)" in sliced.text
    assert "function Double(x: int): int { x * 2 }" in sliced.text  # C.M mentions it


def test_keeps_mutual_recursion_through_the_selection_whole() -> None:
    # Dropping Odd's body would take Even out of its call-graph cycle, and with it the
    # termination check of Even's call
    sliced = slice_for(PROGRAM, ["Even"])
    assert sliced is not None
    assert "Even" not in sliced.dropped and "Odd" not in sliced.dropped
    assert "b := Even(n - 1);" in sliced.text


@pytest.mark.parametrize(
    "header",
    ['include "other.dfy"\n', "module B refines A {}\n", "class {:autocontracts} C {}\n"],
)
def test_does_not_slice_files_whose_meaning_crosses_bodies(header: str) -> None:
    assert slice_for(header + PROGRAM, ["UsesLemma"]) is None


def test_nothing_to_drop_is_no_slice() -> None:
    assert slice_for("method M() { }\n", ["M"]) is None
    # a body with no line long enough for the stub stays whole
    short = "method N() {\n  var x;\n}\nmethod P() { N(); }\n"
    assert slice_for(short, ["P"]) is None
    # unreachable, N goes whole whatever its length
    removed = slice_for("method M() { }\n" + short, ["M"])
    assert removed is not None and removed.removed == {"N", "P"}


@pytest.fixture
def warm() -> Iterator[WarmVerifier]:
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    if engine.info.major >= 3:
        pytest.fail("these tests need Dafny 2.x (DafnyServer.exe); scripts/setup installs it")
    verifier = WarmVerifier(engine)  # slices by default
    assert verifier.available
    yield verifier
    verifier.close()


def test_a_sliced_run_verifies_the_selection_and_reports_nothing_for_dropped_bodies(
    warm: WarmVerifier,
) -> None:
    broken = PROGRAM.replace("a[0] := first;", "a[1] := first;")  # index out of range in Unrelated
    whole = warm.verify_source(broken, "p.dfy", VerifyRequest())
    assert {m.name: m.status for m in whole.methods}["Unrelated"] == MethodStatus.errors
    part = warm.verify_source(broken, "p.dfy", VerifyRequest(procedures=["UsesLemma"]))
    got = {m.name: m.status for m in part.methods}
    assert got["UsesLemma"] == MethodStatus.verified
    # Unrelated's body was blanked: it must not read as verified (nor carry the error)
    assert got["Unrelated"] == MethodStatus.skipped
    assert got["DoubleIsEven"] == MethodStatus.skipped
    assert part.status == VerificationStatus.verified


def _corpus_sample(datasets_dir: Path, count: int) -> list[Path]:
    """The first `count` small DafnyBench files (sorted by name) with two or more methods or
    lemmas: chosen by rule, not by outcome."""
    chosen: list[Path] = []
    for f in sorted((datasets_dir / "dafnybench" / "ground_truth").glob("*.dfy")):
        text = f.read_text(encoding="utf-8", errors="replace")
        if len(text) > 3000:
            continue
        if sum(s.kind in ("method", "lemma") for s in find_symbols(text)) < 2:
            continue
        chosen.append(f)
        if len(chosen) == count:
            break
    return chosen


def test_sliced_verdicts_equal_whole_file_verdicts_on_a_corpus_sample(
    datasets_dir: Path, warm: WarmVerifier
) -> None:
    request = VerifyRequest(timeout_s=120, vc_time_limit_s=20)
    compared = sliced_runs = 0
    for f in _corpus_sample(datasets_dir, 6):
        text = f.read_text(encoding="utf-8", errors="replace")
        whole = warm.verify_source(text, f.name, request)
        if whole.status in (VerificationStatus.parse_error, VerificationStatus.resolution_error):
            continue
        verdicts = {m.name: m.status for m in whole.methods}
        for sym in find_symbols(text):
            if sym.kind not in ("method", "lemma") or verdicts.get(sym.qualified) not in (
                MethodStatus.verified,
                MethodStatus.errors,
            ):
                continue
            sliced = slice_for(warm.engine.shim_for(text).text, [sym.qualified])
            sliced_runs += sliced is not None
            part = warm.verify_source(
                text, f.name, request.model_copy(update={"procedures": [sym.qualified]})
            )
            got = {m.name: m.status for m in part.methods}
            assert got[sym.qualified] == verdicts[sym.qualified], (f.name, sym.qualified)
            others = {n: s for n, s in got.items() if n != sym.qualified}
            assert MethodStatus.verified not in others.values(), (f.name, sym.qualified, others)
            compared += 1
    assert compared >= 10 and sliced_runs >= 5, (compared, sliced_runs)
