"""Re-check published model replies with our pipeline: extraction -> guard rails -> real Dafny.

Each distinct program is verified once (many replies share code, and the result cache carries
verdicts across runs); the verifier runs `jobs` programs at a time. Our verdict is compared
with the authors' flag, and every disagreement gets a reason.
"""

from __future__ import annotations

import hashlib
import queue
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from shared_schemas.generation import ExtractionResult, GuardReason
from shared_schemas.replay import (
    HardwareRegime,
    MbppTask,
    RecordedReply,
    RegimeCounts,
    RegimeOutcome,
    ReplayOutcome,
    ReplayRow,
    ReplayStrategy,
)
from shared_schemas.verification import (
    FileVerification,
    Severity,
    VerifyRequest,
)
from toolchain.dafny import DafnyEngine
from toolchain.dafny.engine import SourceVerifier
from toolchain.datasets.hardware_probe import COLUMNS, HardwareProbe, HardwareVerdict
from toolchain.datasets.replay_tasks import verify_program
from toolchain.executor import Executor, WorkItem, run_tasks
from toolchain.llm.extract import extract_dafny
from toolchain.llm.guard import check_candidate, check_signature

CANDIDATE_FILE = "candidate.dfy"
Progress = Callable[[int, int], None]


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def same_program(a: str, b: str) -> bool:
    """Equal up to layout: the authors stripped and re-indented what they extracted."""
    return " ".join(a.split()) == " ".join(b.split())


@dataclass
class _Prepared:
    reply: RecordedReply
    extraction: ExtractionResult
    guard: list[str]
    signature_kept: bool | None


@dataclass
class CheckRun:
    outcomes: list[ReplayOutcome]
    unique_programs: int
    verifier_runs: int
    missing: dict[str, str] = field(default_factory=dict)
    verdicts: dict[str, FileVerification] = field(default_factory=dict)


def first_error(result: FileVerification) -> str | None:
    for d in result.diagnostics:
        if d.severity == Severity.error:
            line = d.range.start.line + 1
            return f"line {line}: {d.message}"[:200]
    return None


def _prepare(reply: RecordedReply, task: MbppTask | None) -> _Prepared:
    extraction = extract_dafny(reply.reply)
    guard: list[str] = []
    kept: bool | None = None
    if extraction.ok:
        guard = sorted({v.reason.value for v in check_candidate(extraction.code)})
        # Only the signature prompt fixed a signature; the authors did not hold the replies to it,
        # so a changed one is counted, not rejected.
        if (
            reply.strategy == ReplayStrategy.signature
            and task is not None
            and task.method_signature.strip()
            and GuardReason.no_code.value not in guard
        ):
            kept = not check_signature(extraction.code, task.method_signature)
    return _Prepared(reply, extraction, guard, kept)


def _no_program(code: str) -> bool:
    return any(v.reason == GuardReason.no_code for v in check_candidate(code))


def _disagreement(o: ReplayOutcome, reply: RecordedReply, ours_code: str | None) -> str | None:
    """A short reason code for a disagreement with the authors' flag; `/other-code` marks the
    ones where our extraction differs from theirs (their code is then verified too)."""
    if o.verified == reply.authors_verified:
        return None
    differs = ours_code is None or not same_program(ours_code, reply.authors_code)
    suffix = "/other-code" if differs else ""
    if reply.authors_verified:
        if _no_program(reply.authors_code):
            # Dafny accepts a file with no declarations (empty, or only a comment): the authors'
            # extraction found no program and it "verified"
            return "authors_only/authors-code-has-no-program"
        if not o.extracted:
            return f"authors_only/no-code-extracted{suffix}"
        if o.guard_reasons:
            return f"authors_only/guard:{'+'.join(o.guard_reasons)}{suffix}"
        status = o.dafny_status.value if o.dafny_status else "not-run"
        return f"authors_only/dafny:{status}{suffix}"
    return f"ours_only{suffix}"


# What the checker needs of a verifier: the engine, or a warm DafnyServer in front of it.
Verifier = SourceVerifier


class ReplayChecker:
    def __init__(
        self,
        engine: DafnyEngine,
        request: VerifyRequest | None = None,
        hardware: HardwareProbe | None = None,
        verifiers: Sequence[Verifier] | None = None,
        regimes: Mapping[HardwareRegime, HardwareProbe] | None = None,
        executor: Executor | None = None,
        journal: Path | None = None,
        resume: bool = False,
        cold: bool = False,
    ) -> None:
        # regimes: the hardware columns again, each probe under its own hardware contract
        # executor: verify on it (its workers run their own Dafny; journal + resume keep the
        # verdicts an interrupted run reached) instead of on this process's verifiers
        self.executor = executor
        self.infrastructure_errors: dict[str, str] = {}  # program digest -> why it has no verdict
        self.journal = journal
        self.resume = resume
        self.cold = cold
        self.engine = engine
        self.request = request or VerifyRequest(
            timeout_s=engine.settings.timeout_s, vc_time_limit_s=engine.settings.vc_time_limit_s
        )
        self.hardware = hardware
        self.regimes = dict(regimes or {})
        # One verifier per concurrent job: the engine is thread-safe (its own job slots); a warm
        # server answers one request at a time, so each job gets its own.
        self.verifiers: list[Verifier] = (
            list(verifiers) if verifiers else [engine] * engine.settings.jobs
        )
        self._runs = 0

    def _verify_all(
        self, programs: Iterable[str], progress: Progress | None, journal: Path | None = None
    ) -> dict[str, FileVerification]:
        # longest first: the slow proofs start early instead of trailing at the end
        todo = sorted(dict.fromkeys(programs), key=len, reverse=True)
        if self.executor is not None:
            return self._verify_on_executor(self.executor, todo, journal)
        done: dict[str, FileVerification] = {}
        free: queue.SimpleQueue[Verifier] = queue.SimpleQueue()
        for v in self.verifiers:
            free.put(v)

        def one(code: str) -> tuple[str, FileVerification]:
            verifier = free.get()
            try:
                return code, verifier.verify_source(code, CANDIDATE_FILE, self.request)
            finally:
                free.put(verifier)

        with ThreadPoolExecutor(max_workers=len(self.verifiers)) as pool:
            for future in as_completed([pool.submit(one, code) for code in todo]):
                code, result = future.result()
                done[code] = result
                if not result.cached:
                    self._runs += 1
                if progress is not None:
                    progress(len(done), len(todo))
        return done

    def _verify_on_executor(
        self, executor: Executor, todo: list[str], journal: Path | None
    ) -> dict[str, FileVerification]:
        items = [
            WorkItem(
                code_digest(code),
                {
                    "code": code,
                    "timeout_s": self.request.timeout_s,
                    "vc_time_limit_s": self.request.vc_time_limit_s,
                    "cold": self.cold,
                },
            )
            for code in todo
        ]
        outcomes = run_tasks(
            executor,
            verify_program,
            items,
            journal=journal,
            resume=self.resume,
            label="verify",
        )
        done: dict[str, FileVerification] = {}
        for code, outcome in zip(todo, outcomes, strict=True):
            if not outcome.ok:
                # infrastructure error: the program has no verdict (never a failure of its own)
                self.infrastructure_errors[code_digest(code)] = outcome.error or "unknown"
                continue
            result = FileVerification.model_validate(outcome.value)
            done[code] = result
            if not result.cached:
                self._runs += 1
        return done

    def check(
        self,
        replies: list[RecordedReply],
        tasks: dict[str, MbppTask],
        progress: Progress | None = None,
    ) -> CheckRun:
        self._runs = 0
        self.infrastructure_errors = {}
        prepared = [_prepare(r, tasks.get(r.task_id)) for r in replies]
        runnable = [
            p.extraction.code
            for p in prepared
            if p.extraction.ok and GuardReason.no_code.value not in p.guard
        ]
        verdicts = self._verify_all(runnable, progress, self.journal)
        lost = self.infrastructure_errors
        if lost:
            # A program whose verification kept failing for infrastructure reasons has no
            # verdict: its replies are left out of every count, and said so.
            unjudged = [p for p in prepared if code_digest(p.extraction.code) in lost]
            prepared = [p for p in prepared if code_digest(p.extraction.code) not in lost]
        outcomes = [self._outcome(p, verdicts) for p in prepared]
        # Where our extraction differs from the authors' and we disagree, verify their code too:
        # it tells an extraction difference from a verifier difference.
        recheck = [
            p.reply.authors_code
            for p, o in zip(prepared, outcomes, strict=True)
            if o.authors_code_status is None
            and o.disagreement
            and "/other-code" in o.disagreement
            and not _no_program(p.reply.authors_code)
        ]
        theirs = self._verify_all(recheck, None)
        for p, o in zip(prepared, outcomes, strict=True):
            if o.disagreement and "/other-code" in o.disagreement:
                found = theirs.get(p.reply.authors_code)
                o.authors_code_status = found.status if found else None
        missing = self._classify_hardware(prepared, outcomes, tasks)
        if lost:
            first = next(iter(lost.values()))
            missing["verdicts"] = (
                f"{len(unjudged)} replies ({len(lost)} programs) left out: infrastructure errors "
                f"after retries, e.g. {first} (run again with --resume)"
            )
        unique = len(set(runnable))
        return CheckRun(outcomes, unique, self._runs, missing, verdicts)

    def _outcome(self, p: _Prepared, verdicts: dict[str, FileVerification]) -> ReplayOutcome:
        r = p.reply
        code = p.extraction.code if p.extraction.ok else None
        result = verdicts.get(code) if code is not None else None
        verified = bool(code is not None and not p.guard and result is not None and result.ok)
        o = ReplayOutcome(
            task_id=r.task_id,
            model=r.model,
            strategy=r.strategy,
            extracted=p.extraction.ok,
            extraction_failure=p.extraction.failure.value if p.extraction.failure else None,
            blocks_found=p.extraction.blocks_found,
            code_sha=code_digest(code) if code is not None else None,
            same_code_as_authors=same_program(code, r.authors_code) if code is not None else None,
            guard_reasons=p.guard,
            signature_kept=p.signature_kept,
            dafny_status=result.status if result is not None else None,
            dafny_first_error=first_error(result) if result is not None else None,
            verified=verified,
            authors_verified=r.authors_verified,
        )
        o.disagreement = _disagreement(o, r, code)
        return o

    def _classify_hardware(
        self,
        prepared: list[_Prepared],
        outcomes: list[ReplayOutcome],
        tasks: dict[str, MbppTask],
    ) -> dict[str, str]:
        if self.hardware is None:
            return {c: "not requested" for c in COLUMNS}
        missing = self.hardware.missing()
        if "hardware_plausible" in missing:
            return missing
        memo: dict[str, HardwareVerdict] = {}
        for p, o in zip(prepared, outcomes, strict=True):
            if not o.verified:
                continue
            code = p.extraction.code
            task = tasks.get(o.task_id)
            key = f"{code_digest(code)}:{task.method_signature if task else ''}"
            if key not in memo:
                memo[key] = self.hardware.classify(code, task)
            v = memo[key]
            o.hardware_reason = v.reason
            if v.crashed:
                continue  # unknown: counted apart, never as "not hardware"
            o.hardware_plausible = v.plausible
            o.lowers_to_ir = v.lowers
            o.hardware_method = v.method
            o.reaches_rtl = None if "reaches_rtl" in missing else v.reaches_rtl
            o.cosim_passed = None if "cosim_passed" in missing else v.cosim_passed
        for regime, probe in self.regimes.items():
            self._classify_regime(regime, probe, prepared, outcomes, tasks)
        return missing

    def _classify_regime(
        self,
        regime: HardwareRegime,
        probe: HardwareProbe,
        prepared: list[_Prepared],
        outcomes: list[ReplayOutcome],
        tasks: dict[str, MbppTask],
    ) -> None:
        missing = probe.missing()
        memo: dict[str, HardwareVerdict] = {}
        for p, o in zip(prepared, outcomes, strict=True):
            if not o.verified:
                continue
            task = tasks.get(o.task_id)
            key = f"{code_digest(p.extraction.code)}:{task.method_signature if task else ''}"
            if key not in memo:
                memo[key] = probe.classify(p.extraction.code, task)
            v = memo[key]
            if v.crashed:
                continue
            o.regimes[regime] = RegimeOutcome(
                lowers_to_ir=v.lowers,
                reaches_rtl=None if "reaches_rtl" in missing else v.reaches_rtl,
                cosim_passed=None if "cosim_passed" in missing else v.cosim_passed,
                reason=v.reason,
            )


def summarise(outcomes: list[ReplayOutcome], missing: Iterable[str] = ()) -> list[ReplayRow]:
    """Counts per model and strategy; a column named in `missing` stays None (not measured)."""
    absent = set(missing)
    groups: dict[tuple[str, str], list[ReplayOutcome]] = {}
    for o in outcomes:
        groups.setdefault((o.model.value, o.strategy.value), []).append(o)
    order = {s.value: i for i, s in enumerate(ReplayStrategy)}
    rows: list[ReplayRow] = []
    for (_, strategy), group in sorted(groups.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        guard = Counter(reason for o in group for reason in o.guard_reasons)
        rejected = sum(1 for o in group if o.extracted and o.guard_reasons)
        no_code = sum(1 for o in group if not o.extracted)
        guard_by_reason = dict(sorted(guard.items()))
        if no_code:
            guard_by_reason["no_code"] = guard_by_reason.get("no_code", 0) + no_code
        verified = [o for o in group if o.verified]

        def count(
            column: str,
            flag: Callable[[ReplayOutcome], bool | None],
            among: list[ReplayOutcome] = verified,
        ) -> int | None:
            if column in absent:
                return None
            return sum(1 for o in among if flag(o))

        sig = [o.signature_kept for o in group if o.signature_kept is not None]
        rows.append(
            ReplayRow(
                model=group[0].model,
                strategy=group[0].strategy,
                replies=len(group),
                code_extracted=sum(1 for o in group if o.extracted),
                guard_rejected=rejected + no_code,
                guard_by_reason=guard_by_reason,
                signature_changed=(
                    sum(1 for k in sig if not k) if strategy == ReplayStrategy.signature else None
                ),
                dafny_by_status=dict(
                    sorted(Counter(o.dafny_status.value for o in group if o.dafny_status).items())
                ),
                verified_ours=len(verified),
                verified_authors=sum(1 for o in group if o.authors_verified),
                verified_both=sum(1 for o in group if o.verified and o.authors_verified),
                agree=sum(1 for o in group if o.verified == o.authors_verified),
                ours_only=sum(1 for o in group if o.verified and not o.authors_verified),
                authors_only=sum(1 for o in group if o.authors_verified and not o.verified),
                hardware_unjudged=(
                    None
                    if "hardware_plausible" in absent
                    else sum(1 for o in verified if o.hardware_plausible is None)
                ),
                hardware_plausible=count("hardware_plausible", lambda o: o.hardware_plausible),
                lowers_to_ir=count("lowers_to_ir", lambda o: o.lowers_to_ir),
                reaches_rtl=count("reaches_rtl", lambda o: o.reaches_rtl),
                cosim_passed=count("cosim_passed", lambda o: o.cosim_passed),
                regimes=_regime_counts(verified),
            )
        )
    return rows


def _regime_counts(verified: list[ReplayOutcome]) -> dict[HardwareRegime, RegimeCounts]:
    counts: dict[HardwareRegime, RegimeCounts] = {}
    for regime in HardwareRegime:
        seen = [o.regimes[regime] for o in verified if regime in o.regimes]
        if not seen:
            continue
        rtl = [r.reaches_rtl for r in seen]
        cosim = [r.cosim_passed for r in seen]
        counts[regime] = RegimeCounts(
            lowers_to_ir=sum(r.lowers_to_ir for r in seen),
            reaches_rtl=None if all(x is None for x in rtl) else sum(bool(x) for x in rtl),
            cosim_passed=None if all(x is None for x in cosim) else sum(bool(x) for x in cosim),
        )
    return counts


__all__ = [
    "CANDIDATE_FILE",
    "CheckRun",
    "ReplayChecker",
    "code_digest",
    "same_program",
    "summarise",
]
