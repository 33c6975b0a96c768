"""Hardware status of a verified file, cheaply: which methods the front end can lower, why the
others cannot, and the range and width of every integer it found.

This runs the front end's parse, lowering and range analysis only (no Dafny run, no synthesis),
so an editor can show it right after each verification: a method is `ready` when it lowers with
no error finding; its findings (HW1xx, HW2xx) are located at the construct that causes them and
end with a way forward. `prove_widths` is the expensive follow-up: the same front end with the
Dafny engine, so that ranges are `proven` rather than merely derived.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared_schemas.verification import Diagnostic, Position, Range
from toolchain.dafny.symbols import Symbol, find_symbols
from toolchain.errors import ToolchainError
from toolchain.frontend import lower
from toolchain.frontend.ir import UNKNOWN_SPAN, For, IntType, While, WidthStatus, walk_stmts
from toolchain.frontend.result import LoweringResult

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ast import Program

log = logging.getLogger("proof2silicon.hardware")

# What to do about each kind of finding, appended to messages that do not already say.
WAY_FORWARD: dict[str, str] = {
    "HW100": "give the method a body, or synthesize another method",
    "HW101": "rewrite the recursion as a loop (tail recursion is accepted)",
    "HW102": "pass the data as arrays and scalars instead of objects",
    "HW103": "use an array whose length the precondition bounds (`requires a.Length <= N`) "
    "and write elements by index",
    "HW104": "encode characters as integers (bv8 or a bounded int)",
    "HW105": "use bounded integers (fixed point) instead of real numbers",
    "HW106": "call a named method or function instead of a lambda",
    "HW107": "make the choice deterministic (an if/else on a condition)",
    "HW108": "express it with if, while or assignments",
    "HW109": "give the loop a `decreases` clause Dafny can prove",
    "HW110": "simplify this code to the subset the front end reads",
    "HW111": "use integers, booleans and arrays of them",
    "HW112": "bound the allocation size in the precondition",
    "HW113": "flatten to a one-dimensional array",
    "HW114": "use only names and calls declared in this file",
    "HW201": "add the suggested `requires` bound (quick fix: Ctrl+.)",
    "HW202": "bound the inputs with `requires` (quick fix: Ctrl+.)",
    "HW203": "strengthen the invariants or the precondition so Dafny can prove the range",
    "HW204": "fix the verification errors first",
}
HARDWARE_KINDS = ("method",)
UNBOUNDED_CODE = "HW202"


@dataclass(frozen=True)
class VariableWidth:
    """One integer of a method as the hardware would hold it."""

    name: str
    lo: int | None
    hi: int | None
    type: str  # u8, s17, bv32, int (unbounded)
    status: WidthStatus
    range: Range | None  # where it is declared


@dataclass(frozen=True)
class LoopBound:
    """A loop of the method (or of a callee inlined into it) and its iteration bound."""

    range: Range  # the loop's header
    max_trips: int | None  # None: no bound derived
    kind: str  # while, for (tail recursion becomes a while loop)


@dataclass
class MethodHardware:
    """The front end's verdict on one method."""

    name: str
    ready: bool
    reason: str | None = None  # the first blocking finding, when not ready
    code: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    widths: list[VariableWidth] = field(default_factory=list)
    loops: list[LoopBound] = field(default_factory=list)
    proven: bool = False  # widths came from a run with the Dafny verifier

    def width_of(self, name: str) -> VariableWidth | None:
        for w in self.widths:
            if w.name == name:
                return w
        return None


def with_way_forward(d: Diagnostic) -> Diagnostic:
    """The finding, its message ending with what to do (unless it already proposes an edit)."""
    hint = WAY_FORWARD.get(d.code or "")
    proposes = ("add `requires", "way forward", "(e.g. `decreases")  # an edit (a quick fix)
    if hint is None or any(p in d.message for p in proposes):
        return d
    return d.model_copy(update={"message": f"{d.message} (way forward: {hint})"})


def root_causes(diagnostics: list[Diagnostic], body: Position | None) -> list[Diagnostic]:
    """The findings worth a squiggle. An unbounded input makes every value computed from it
    unbounded too, and the front end reports each (a 20-method file of plain Dafny had 80): when
    an HW202 sits on a parameter (before the body), the HW202s inside the body follow from it
    and are left out; the fix is the same `requires`."""
    if body is None:
        return diagnostics

    def in_body(d: Diagnostic) -> bool:
        return (d.range.start.line, d.range.start.character) >= (body.line, body.character)

    if not any(d.code == UNBOUNDED_CODE and not in_body(d) for d in diagnostics):
        return diagnostics
    return [d for d in diagnostics if d.code != UNBOUNDED_CODE or not in_body(d)]


def _body_start(text: str, name: str) -> Position | None:
    sym = next((s for s in hardware_methods(text) if name in (s.qualified, s.name)), None)
    if sym is None or sym.body_start is None:
        return None
    from toolchain.dafny.text import LineIndex

    line, character = LineIndex.of(text).position(sym.body_start)
    return Position(line=line, character=character)


def _verdict(
    name: str, result: LoweringResult, proven: bool, body: Position | None = None
) -> MethodHardware:
    errors = result.errors
    diagnostics = [
        with_way_forward(d).model_copy(update={"symbol": d.symbol or name})
        for d in root_causes(result.diagnostics, body)
    ]
    widths: list[VariableWidth] = []
    if result.method is not None:
        for w in result.method.widths:
            loc = None if w.loc is UNKNOWN_SPAN else w.loc.to_range()
            widths.append(
                VariableWidth(
                    name=w.name,
                    lo=w.lo,
                    hi=w.hi,
                    type=str(w.type) if isinstance(w.type, IntType) else "int",
                    status=w.status,
                    range=loc,
                )
            )
    loops: list[LoopBound] = []
    if result.method is not None:
        for st in walk_stmts(result.method.body):
            if isinstance(st, While | For) and st.loc is not UNKNOWN_SPAN:
                kind = "for" if isinstance(st, For) else "while"
                loops.append(LoopBound(st.loc.to_range(), st.max_trips, kind))
    first = errors[0] if errors else None
    ready = result.method is not None and first is None
    reason: str | None = None
    if first is not None:
        reason = first.message.split(";")[0].split(" (way")[0]
    elif result.method is None:
        reason = "the front end cannot lower it"
    return MethodHardware(
        name=name,
        ready=ready,
        reason=reason,
        code=None if first is None else first.code,
        diagnostics=diagnostics,
        widths=widths,
        loops=loops,
        proven=proven,
    )


def carry_proof(earlier: MethodHardware, now: MethodHardware) -> MethodHardware:
    """`now` (the cheap pass on the new text) with the widths Dafny proved for `earlier`, for a
    method whose text and callees are unchanged (only its position may differ): ranges and
    statuses by variable name, locations from `now`. `now` as it is when there is no proof."""
    if not (earlier.proven and earlier.ready and now.ready):
        return now
    proven = {w.name: w for w in earlier.widths}
    widths = [
        VariableWidth(w.name, p.lo, p.hi, p.type, p.status, w.range) if p is not None else w
        for w in now.widths
        for p in [proven.get(w.name)]
    ]
    return dataclasses.replace(now, widths=widths, proven=True)


def hardware_methods(text: str) -> list[Symbol]:
    """The declarations that could become hardware: compiled methods with a body."""
    return [
        s for s in find_symbols(text) if s.kind in HARDWARE_KINDS and not s.ghost and not s.bodiless
    ]


def method_hardware(
    text: str, name: str, filename: str, engine: DafnyEngine | None = None
) -> MethodHardware:
    """One method through the front end: without `engine` no verifier runs (ranges derived);
    with one, the width obligations go to Dafny (ranges proven)."""
    try:
        result = lower(text, name, filename=filename, engine=engine)
    except ToolchainError as exc:  # e.g. a constant the IR cannot hold
        return MethodHardware(name=name, ready=False, reason=str(exc), code="HW110")
    except Exception as exc:
        # A front-end defect on one method must not hide the file's verification result (this
        # runs after every edit): logged with its traceback, and the method is not offered.
        log.exception("the front end failed on %s", name)
        return MethodHardware(
            name=name, ready=False, reason=f"the front end failed ({type(exc).__name__})"
        )
    return _verdict(name, result, proven=engine is not None, body=_body_start(text, name))


def _cheap_lowering(program: Program, name: str, filename: str) -> LoweringResult:
    """`toolchain.frontend.lower` without an engine, on a program parsed once for the whole
    file (parsing is most of the cost: a 20-method file took 2 s parsed once per method)."""
    # imported here, as `toolchain.frontend.lower` does: the parser and lowering take about
    # half a second to import, which the language server should not pay before its first answer
    from toolchain.frontend.driver import run_parsed

    return run_parsed(program, name, filename=filename)


def hardware_status(
    text: str, filename: str, methods: list[str] | None = None
) -> dict[str, MethodHardware]:
    """Every hardware-capable method of `text` (or those named) through the cheap front end:
    the file parsed once, each method lowered and its ranges analysed, no verifier run."""
    from toolchain.dafny.text import LineIndex

    index = LineIndex.of(text)
    bodies = {
        s.qualified: Position(line=line, character=character)
        for s in hardware_methods(text)
        if methods is None or s.qualified in methods
        for line, character in [index.position(s.body_start or s.start)]
    }
    wanted = list(bodies)
    if not wanted:
        return {}
    from toolchain.frontend.parser import parse_program

    program = parse_program(text)
    found: dict[str, MethodHardware] = {}
    for name in wanted:
        try:
            result = _cheap_lowering(program, name, filename)
        except ToolchainError as exc:  # e.g. a constant the IR cannot hold
            found[name] = MethodHardware(name=name, ready=False, reason=str(exc), code="HW110")
            continue
        except Exception as exc:
            log.exception("the front end failed on %s", name)  # see method_hardware
            found[name] = MethodHardware(
                name=name, ready=False, reason=f"the front end failed ({type(exc).__name__})"
            )
            continue
        found[name] = _verdict(name, result, proven=False, body=bodies[name])
    return found


__all__ = [
    "UNBOUNDED_CODE",
    "WAY_FORWARD",
    "LoopBound",
    "MethodHardware",
    "VariableWidth",
    "carry_proof",
    "hardware_methods",
    "hardware_status",
    "method_hardware",
    "root_causes",
    "with_way_forward",
]
