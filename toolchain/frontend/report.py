"""The front end's result as the shared `HardwareIrReport` (JSON for the CLI and the editor)."""

from __future__ import annotations

from shared_schemas.hardware import HardwareIrReport, HwObligation, HwPort, HwWidth, HwWidthStatus
from toolchain.frontend import ir
from toolchain.frontend.api import LoweringResult
from toolchain.frontend.printer import format_method


def build_report(
    result: LoweringResult, file: str, method: str, duration_s: float = 0.0
) -> HardwareIrReport:
    m = result.method
    # what every report says, lowered or not; the IR's own sections are added below when it exists
    report = HardwareIrReport(
        file=file,
        method=method,
        lowered=m is not None,
        widths_proven=m is not None and m.widths_proven,
        ok=result.ok,
        diagnostics=result.diagnostics,
        duration_s=duration_s,
    )
    if m is None:
        return report
    report.ports = [HwPort(name=p.name, direction=p.direction, type=str(p.type)) for p in m.ports]
    report.widths = _widths(m)
    report.obligations = [_obligation(o) for o in m.obligations]
    report.inlined = list(m.inlined)
    report.ir_text = format_method(m)
    report.verifier_ran = result.obligation_program is not None
    return report


def _widths(m: ir.HardwareMethod) -> list[HwWidth]:
    # a width points at its variable's declaration when there is one (ports and locals)
    locs = {p.name: p.loc for p in m.ports} | {v.name: v.loc for v in m.locals}
    out = []
    for w in m.widths:
        loc = locs.get(w.name, w.loc)
        out.append(
            HwWidth(
                name=w.name,
                lo=w.lo,
                hi=w.hi,
                type=str(w.type),
                width=w.type.width,
                signed=w.type.signed,
                status=HwWidthStatus(w.status.value),
                range=loc.to_range() if loc is not ir.UNKNOWN_SPAN else None,
            )
        )
    return out


def _obligation(o: ir.Obligation) -> HwObligation:
    return HwObligation(
        variable=o.variable,
        lo=o.lo,
        hi=o.hi,
        where=o.where,
        proven=o.proven,
        range=o.loc.to_range(),
    )
