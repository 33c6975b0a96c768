"""The front end's hardware verdicts of the previous text, carried to the new one where an edit
cannot have changed them.

After every edit the server runs the cheap front end (`toolchain.hardware_status`) beside
Dafny. Lowering and range analysis are most of its cost (about 15 ms a method, 0.3 s on a
20-method file), and a method whose text is unchanged and whose callees, functions and the text
outside declarations are unchanged in meaning gets the same verdict again. Such a method keeps
its previous verdict, the widths Dafny proved for it included, moved to where its text now is;
only the others go through the front end. A verdict that cannot be placed (a finding inside
text that changed) is computed again.
"""

from __future__ import annotations

import dataclasses

from shared_schemas.verification import Range
from toolchain.dafny.outline import Outline, PositionMap, unaffected
from toolchain.hardware_status import LoopBound, MethodHardware, VariableWidth, hardware_status
from toolchain.hls.directive_findings import DIRECTIVE_CODE, directive_findings

DIRECTIVE_MARK = "{:hls_"


def _moved_range(moves: PositionMap, r: Range | None) -> tuple[bool, Range | None]:
    if r is None:
        return True, None
    moved = moves.range(r)
    return moved is not None, moved


def moved_verdict(
    found: MethodHardware, moves: PositionMap, old_file: str, new_file: str
) -> MethodHardware | None:
    """`found` with every position moved to the new text, or None when one cannot be."""
    diagnostics = []
    for d in found.diagnostics:
        moved = moves.diagnostic(d, old_file, new_file)
        if moved is None:
            return None
        diagnostics.append(moved)
    widths: list[VariableWidth] = []
    for w in found.widths:
        ok, r = _moved_range(moves, w.range)
        if not ok:
            return None
        widths.append(dataclasses.replace(w, range=r))
    loops: list[LoopBound] = []
    for loop in found.loops:
        r = moves.range(loop.range)
        if r is None:
            return None
        loops.append(dataclasses.replace(loop, range=r))
    return dataclasses.replace(found, diagnostics=diagnostics, widths=widths, loops=loops)


def carry_hardware(
    previous: Outline | None,
    verdicts: dict[str, MethodHardware],
    current: Outline,
    old_file: str,
    new_file: str,
) -> dict[str, MethodHardware]:
    """The verdicts of `previous` (the text `verdicts` are about) that hold for `current`,
    moved there; the front end needs to run only for the methods missing from the answer."""
    if previous is None or not verdicts:
        return {}
    kept = unaffected(previous, current)
    moves: PositionMap | None = None
    carried: dict[str, MethodHardware] = {}
    for name, found in verdicts.items():
        if name not in kept:
            continue
        if moves is None:
            moves = PositionMap(previous, current)
        moved = moved_verdict(found, moves, old_file, new_file)
        if moved is not None:
            carried[name] = moved
    return carried


def front_end_pass(
    text: str, filename: str, methods: list[str] | None = None
) -> dict[str, MethodHardware]:
    """`hardware_status` of `methods` (all when None), each verdict with the warnings about
    its `{:hls_*}` directives that synthesis would ignore (HW301) among its findings."""
    found = hardware_status(text, filename, methods)
    if not found or DIRECTIVE_MARK not in text:
        return found  # no directive anywhere: no second parse
    try:
        warnings = directive_findings(text, filename)
    except Exception:  # a text the front end read but this reader cannot: no warnings
        return found
    for name, verdict in found.items():
        extra = warnings.get(name.rpartition(".")[2], [])
        if extra:
            extra = [d.model_copy(update={"symbol": name}) for d in extra]
            found[name] = dataclasses.replace(verdict, diagnostics=[*verdict.diagnostics, *extra])
    return found


def with_directive_findings(verdict: MethodHardware, earlier: MethodHardware) -> MethodHardware:
    """`verdict` (e.g. from the width proof) with the directive warnings `earlier` carried."""
    extra = [d for d in earlier.diagnostics if d.code == DIRECTIVE_CODE]
    if not extra:
        return verdict
    return dataclasses.replace(verdict, diagnostics=[*verdict.diagnostics, *extra])


__all__ = ["carry_hardware", "front_end_pass", "moved_verdict", "with_directive_findings"]
