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
    if m is None:
        return HardwareIrReport(
            file=file,
            method=method,
            lowered=False,
            widths_proven=False,
            ok=False,
            diagnostics=result.diagnostics,
            duration_s=duration_s,
        )
    widths = []
    locs = {p.name: p.loc for p in m.ports} | {v.name: v.loc for v in m.locals}
    for w in m.widths:
        loc = locs.get(w.name, w.loc)
        widths.append(
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
    return HardwareIrReport(
        file=file,
        method=method,
        lowered=True,
        widths_proven=m.widths_proven,
        ok=result.ok,
        ports=[HwPort(name=p.name, direction=p.direction, type=str(p.type)) for p in m.ports],
        widths=widths,
        obligations=[
            HwObligation(
                variable=o.variable,
                lo=o.lo,
                hi=o.hi,
                where=o.where,
                proven=o.proven,
                range=o.loc.to_range(),
            )
            for o in m.obligations
        ],
        inlined=list(m.inlined),
        diagnostics=result.diagnostics,
        ir_text=format_method(m),
        verifier_ran=result.obligation_program is not None,
        duration_s=duration_s,
    )
