"""Incremental verification: re-verify only the declarations an edit can have affected.

For each document the last complete result is kept with the outline of its text (per
declaration: exact text, a layout-insensitive fingerprint, the names it mentions). A new text is
planned against it:

- everything is verified when there is no usable previous result, the options changed, the file
  includes other files, or the text outside methods/functions/lemmas (datatypes, fields,
  constants, imports) changed in more than layout and comments;
- otherwise a declaration is verified again when its own text changed, it is new, or it mentions,
  directly or through other declarations, one whose meaning changed or that appeared or vanished;
- every other declaration keeps its previous per-method outcome and diagnostics, moved to where
  its text now is. When nothing is left to verify, no verifier runs at all.

The selected declarations go to the verifier as `VerifyRequest.procedures` (Dafny 2.x `/proc:`,
4.x `--filter-symbol`), through the cold CLI (`DafnyEngine`) or the warm server (`WarmVerifier`).
Parsing and resolution always cover the whole file, so a parse or resolution error is reported as
usual and never merged with older results.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    MethodOutcome,
    MethodStatus,
    Severity,
    VerificationStatus,
    VerifyRequest,
)
from toolchain.dafny.cache import ResultCache
from toolchain.dafny.engine import DafnyEngine, SourceVerifier
from toolchain.dafny.outline import Declaration, Outline, PositionMap, affected, dependency_key
from toolchain.dafny.soundness import qualify_verdict, soundness_issues
from toolchain.dafny.text import LineIndex
from toolchain.dafny.warm import WarmVerifier
from toolchain.proc import CancelToken

_REUSABLE = (
    MethodStatus.verified,
    MethodStatus.partial,
    MethodStatus.errors,
    MethodStatus.timed_out,
)
# Findings of the verifier proper; resolution warnings and soundness notes are recomputed by
# every run over the whole file.
_VERIFIER_CATEGORIES = (DiagnosticCategory.verification, DiagnosticCategory.timeout)


# -- planning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What one verification of a text will do."""

    full: bool  # verify the whole file
    verify: frozenset[str]  # declarations to verify (qualified names; all of them when full)
    reuse: frozenset[str]  # declarations whose previous outcome carries over
    reason: str


@dataclass
class Snapshot:
    outline: Outline
    result: FileVerification
    options: str


@dataclass
class _Planned:
    plan: Plan
    previous: Snapshot | None = None
    moves: PositionMap | None = None
    moved: dict[str, list[Diagnostic]] = field(default_factory=dict)  # reused, by declaration
    moved_other: list[Diagnostic] = field(default_factory=list)  # reused, outside declarations
    moved_whole_file: list[Diagnostic] = field(default_factory=list)  # kept when nothing runs
    # Declarations reused from an older result than `previous` (an edit undone): their outcome
    outcomes: dict[str, MethodOutcome] = field(default_factory=dict)


def _full(outline: Outline, reason: str) -> _Planned:
    return _Planned(Plan(True, frozenset(outline.declarations), frozenset(), reason))


def _from_history(
    name: str, current: Outline, options: str, filename: str, older: Sequence[Snapshot]
) -> tuple[MethodOutcome, list[Diagnostic]] | None:
    """The outcome and verifier findings an older result gave `name`, when that result saw the
    same declaration with the same dependencies (`dependency_key`), moved to the current text;
    None when no older result qualifies or one of its findings cannot be placed."""
    key = dependency_key(current, name)
    for snapshot in reversed(older):  # newest first
        outline = snapshot.outline
        if (
            snapshot.options != options
            or outline.includes
            or outline.ambiguous
            or name not in outline.declarations
            or dependency_key(outline, name) != key
        ):
            continue
        outcome = next((m for m in snapshot.result.methods if m.name == name), None)
        if outcome is None or outcome.status not in _REUSABLE:
            continue
        moves = PositionMap(outline, current)
        found: list[Diagnostic] = []
        for d in snapshot.result.diagnostics:
            if d.symbol != name or d.category not in _VERIFIER_CATEGORIES:
                continue
            moved = moves.diagnostic(d, snapshot.result.file, filename)
            if moved is None:
                break
            found.append(moved)
        else:
            return outcome, found
    return None


def plan_against(
    previous: Snapshot | None,
    current: Outline,
    options: str,
    filename: str,
    older: Sequence[Snapshot] = (),
) -> _Planned:
    """What to verify of `current` given the document's last result (`previous`) and a few
    results before it (`older`, oldest first), which serve declarations an edit brought back to
    a text they had then (an undo) with the outcome they had then."""
    if previous is None:
        return _full(current, "no earlier result for this document")
    if previous.options != options:
        return _full(current, "verification options changed")
    if current.includes or previous.outline.includes:
        return _full(current, "the file includes other files")
    if current.ambiguous or previous.outline.ambiguous:
        return _full(current, "two declarations share a name")
    if previous.outline.context != current.context:
        return _full(current, "declarations outside methods and functions changed")
    dirty = affected(previous.outline, current)
    outcomes = {m.name: m for m in previous.result.methods}
    for name in current.declarations:
        m = outcomes.get(name)
        if m is None or m.status not in _REUSABLE:
            dirty.add(name)
    moves = PositionMap(previous.outline, current)
    old_file = previous.result.file
    planned = _Planned(Plan(False, frozenset(), frozenset(), ""), previous, moves)
    unmoved_whole_file = False
    for d in previous.result.diagnostics:
        if d.category == DiagnosticCategory.soundness:
            continue
        owner = d.symbol if d.symbol in current.declarations else None
        if owner is not None and owner in dirty:
            continue
        moved = moves.diagnostic(d, old_file, filename)
        if d.category not in _VERIFIER_CATEGORIES:
            # Whole-file findings (resolution warnings): a run reports them afresh; they are
            # only carried over when nothing runs.
            if moved is None:
                unmoved_whole_file = True
            else:
                planned.moved_whole_file.append(moved)
            continue
        if moved is None:
            if owner is None:
                return _full(current, "an earlier finding outside declarations moved")
            dirty.add(owner)
            continue
        if owner is None:
            planned.moved_other.append(moved)
        else:
            planned.moved.setdefault(owner, []).append(moved)
    for name in dirty:
        planned.moved.pop(name, None)
    recalled: dict[str, tuple[MethodOutcome, list[Diagnostic]]] = {}
    for name in sorted(dirty):
        earlier = _from_history(name, current, options, filename, older)
        if earlier is not None:
            recalled[name] = earlier
    if recalled and dirty - recalled.keys():
        # Only while something else still runs: that run reports the whole file's resolution
        # warnings afresh; with nothing run they would come from `previous` alone.
        for name, (outcome, findings) in recalled.items():
            planned.outcomes[name] = outcome
            planned.moved[name] = findings
        dirty -= recalled.keys()
    if dirty >= set(current.declarations) and current.declarations:
        return _full(current, "every declaration is affected")
    if not dirty and unmoved_whole_file:
        return _full(current, "an earlier warning moved")
    reuse = frozenset(current.declarations) - dirty
    reason = (
        f"{len(dirty)} of {len(current.declarations)} declarations affected"
        if dirty
        else "no declaration affected"
    )
    if planned.outcomes:
        reason += f", {len(planned.outcomes)} back to a text verified before"
    planned.plan = Plan(False, frozenset(dirty), reuse, reason)
    return planned


# -- merging ---------------------------------------------------------------------------------


def _merge(
    planned: _Planned,
    current: Outline,
    filename: str,
    fresh: FileVerification | None,
) -> FileVerification:
    previous = planned.previous
    assert previous is not None
    reuse = planned.plan.reuse
    diagnostics: list[Diagnostic] = []
    if fresh is not None:
        diagnostics.extend(
            d
            for d in fresh.diagnostics
            if not (d.category in _VERIFIER_CATEGORIES and d.symbol in reuse)
        )
    else:
        diagnostics.extend(soundness_issues(current.text, filename))
        diagnostics.extend(planned.moved_whole_file)
    for name in reuse:
        diagnostics.extend(planned.moved.get(name, []))
    diagnostics.extend(planned.moved_other)
    unique: dict[str, Diagnostic] = {}
    for d in diagnostics:
        unique.setdefault(d.model_dump_json(), d)
    diagnostics = sorted(
        unique.values(), key=lambda d: (d.range.start.line, d.range.start.character)
    )

    index = LineIndex.of(current.text)
    old_outcomes = {m.name: m for m in previous.result.methods}
    new_outcomes = {m.name: m for m in fresh.methods} if fresh is not None else {}
    methods: list[MethodOutcome] = []
    for name in current.order:
        decl = current.declarations[name]
        source = (
            planned.outcomes.get(name, old_outcomes.get(name))
            if name in reuse
            else new_outcomes.get(name)
        )
        if source is None:
            source = MethodOutcome(name=name, kind=decl.symbol.kind, status=MethodStatus.skipped)
        outcome = source.model_copy(deep=True)
        outcome.range = index.range(decl.symbol.start, decl.symbol.end)
        methods.append(outcome)

    errors = [
        d
        for d in diagnostics
        if d.severity == Severity.error
        and d.category not in (DiagnosticCategory.soundness, DiagnosticCategory.tool)
        and d.category != DiagnosticCategory.timeout
    ]
    timed_out = [m for m in methods if m.status == MethodStatus.timed_out]
    if errors or any(m.status == MethodStatus.errors for m in methods):
        status = VerificationStatus.errors
    elif timed_out or any(d.category == DiagnosticCategory.timeout for d in diagnostics):
        status = VerificationStatus.timeout
    elif fresh is not None and fresh.status == VerificationStatus.tool_error:
        status = VerificationStatus.tool_error
    elif any(d.category == DiagnosticCategory.soundness for d in diagnostics):
        status = VerificationStatus.unsound
    else:
        status = VerificationStatus.verified
    reused_verified = sum(
        1 for m in methods if m.name in reuse and m.status == MethodStatus.verified
    )
    reused_timeouts = sum(1 for m in timed_out if m.name in reuse)
    base = fresh if fresh is not None else previous.result
    merged = FileVerification(
        file=filename,
        status=status,
        diagnostics=diagnostics,
        methods=methods,
        # Dafny counts Boogie units; a reused declaration counts as one.
        verified_count=(fresh.verified_count if fresh is not None else 0) + reused_verified,
        error_count=len(errors),
        timeout_count=(fresh.timeout_count if fresh is not None else 0) + reused_timeouts,
        shimmed=base.shimmed,
        dafny=base.dafny,
        raw_output=fresh.raw_output if fresh is not None else None,
    )
    return qualify_verdict(merged, current.text)  # partial correctness, nothing to verify


def _reusable(result: FileVerification) -> bool:
    if result.status in (
        VerificationStatus.verified,
        VerificationStatus.partial,
        VerificationStatus.errors,
        VerificationStatus.unsound,
    ):
        return True
    # A per-proof time limit leaves a usable result; a killed run does not.
    return result.status == VerificationStatus.timeout and not any(
        m.status == MethodStatus.not_verified for m in result.methods
    )


# -- the verifier ----------------------------------------------------------------------------


@dataclass
class IncrementalResult:
    verification: FileVerification
    plan: Plan
    ran_verifier: bool
    duration_s: float

    @property
    def verified(self) -> frozenset[str]:
        return self.plan.verify

    @property
    def reused(self) -> frozenset[str]:
        return self.plan.reuse


@dataclass
class Prepared:
    """A planned verification of one text, ready for `IncrementalVerifier.run`."""

    key: str
    text: str
    filename: str
    request: VerifyRequest
    outline: Outline
    planned: _Planned

    @property
    def plan(self) -> Plan:
        return self.planned.plan


class IncrementalVerifier:
    """Per-document incremental verification over any `verify_source` (engine or warm server).

    `key` names a document (e.g. its URI); thread-safe. With `reuse=False` it verifies whole
    files every time (the baseline the editor benchmark compares against).
    """

    def __init__(
        self,
        verifier: SourceVerifier,
        *,
        default_request: VerifyRequest | None = None,
        reuse: bool = True,
        capacity: int = 64,
        history: int = 4,
    ) -> None:
        self.verifier = verifier
        self.default_request = default_request or VerifyRequest()
        self.reuse = reuse
        self.capacity = capacity
        # Per document, its last `history` complete results, newest last: the last one is what
        # an edit is planned against; the older ones serve declarations an undo brought back.
        self.history = max(history, 1)
        self._snapshots: OrderedDict[str, list[Snapshot]] = OrderedDict()
        self._lock = threading.Lock()
        self.warm: WarmVerifier | None = verifier if isinstance(verifier, WarmVerifier) else None
        self.engine: DafnyEngine = verifier.engine

    @classmethod
    def for_settings(
        cls,
        settings: DafnySettings,
        *,
        reuse: bool = True,
        warm: bool = True,
        cache: ResultCache | None = None,
    ) -> IncrementalVerifier:
        """The verifier an editor wants: the warm server where Dafny has one, else the CLI.

        Raises ToolNotFoundError (with an install hint) when Dafny is missing.
        """
        engine = DafnyEngine.discover(settings, cache)
        server = WarmVerifier(engine) if warm else None
        verifier: SourceVerifier = server if server is not None and server.available else engine
        made = cls(
            verifier,
            default_request=VerifyRequest(
                timeout_s=settings.timeout_s, vc_time_limit_s=settings.vc_time_limit_s
            ),
            reuse=reuse,
        )
        made.engine = engine
        made.warm = server if server is not None and server.available else None
        return made

    def close(self) -> None:
        """Stop the warm server, if any (the next verification would start it again)."""
        if self.warm is not None:
            self.warm.close()

    def forget(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._snapshots.clear()
            else:
                self._snapshots.pop(key, None)

    def _options(self, request: VerifyRequest) -> str:
        return request.model_dump_json(exclude={"procedures"})

    def prepare(
        self,
        key: str,
        text: str,
        filename: str = "input.dfy",
        request: VerifyRequest | None = None,
        *,
        force: Iterable[str] = (),
        full: bool = False,
    ) -> Prepared:
        """Plan the verification of `text` (cheap, no verifier): `.plan` says what will run.

        `force` names declarations to verify even when unaffected; `full` verifies everything.
        """
        request = request or self.default_request
        outline = Outline.of(text)
        with self._lock:
            kept = list(self._snapshots.get(key, ()))
        previous = kept[-1] if kept else None
        if full:
            planned = _full(outline, "a full verification was asked for")
        elif not self.reuse:
            planned = _full(outline, "incremental verification is off")
        else:
            planned = plan_against(
                previous, outline, self._options(request), filename, older=kept[:-1]
            )
        forced = frozenset(force) & planned.plan.reuse
        if forced and not planned.plan.full:
            p = planned.plan
            planned.plan = Plan(False, p.verify | forced, p.reuse - forced, p.reason)
            for name in forced:
                planned.moved.pop(name, None)
                planned.outcomes.pop(name, None)
        return Prepared(key, text, filename, request, outline, planned)

    def verify(self, key: str, text: str, filename: str = "input.dfy") -> IncrementalResult:
        """Plan and run in one step with the default request (the server plans first, to show
        the plan and to cancel, and then runs)."""
        return self.run(self.prepare(key, text, filename))

    def run(self, prepared: Prepared, cancel: CancelToken | None = None) -> IncrementalResult:
        """Carry out a prepared plan and remember the result for the document's next edit."""
        started = time.monotonic()
        text, filename, request = prepared.text, prepared.filename, prepared.request
        outline, planned = prepared.outline, prepared.planned
        plan = planned.plan
        if plan.full:
            result = self.verifier.verify_source(
                text, filename, request.model_copy(update={"procedures": None}), cancel
            )
            ran = True
        elif plan.verify:
            partial = request.model_copy(update={"procedures": sorted(plan.verify)})
            fresh = self.verifier.verify_source(text, filename, partial, cancel)
            ran = True
            if _reusable(fresh):
                result = _merge(planned, outline, filename, fresh)
            else:
                result = fresh  # parse/resolution/tool errors speak for the whole file
        else:
            result = _merge(planned, outline, filename, None)
            ran = False
        elapsed = time.monotonic() - started
        result.duration_s = elapsed
        if _reusable(result):
            with self._lock:
                kept = self._snapshots.setdefault(prepared.key, [])
                kept.append(Snapshot(outline, result, self._options(request)))
                del kept[: -self.history]
                self._snapshots.move_to_end(prepared.key)
                while len(self._snapshots) > self.capacity:
                    self._snapshots.popitem(last=False)
        return IncrementalResult(result, plan, ran, elapsed)


__all__ = [
    "Declaration",
    "IncrementalResult",
    "IncrementalVerifier",
    "Outline",
    "Plan",
    "PositionMap",
    "Prepared",
    "SourceVerifier",
]
