"""Read Vitis HLS / Vivado HLS `csynth.xml` into the project's report models.

Latencies of loops with unknown trip counts appear as `?` or `undef`: they become None.
Vivado HLS (up to 2019) calls the DSP count `DSP48E`; Vitis HLS calls it `DSP`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from shared_schemas.settings import SynthTarget
from shared_schemas.synthesis import ResourceReport
from toolchain.errors import ToolCrashedError

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class CsynthReport:
    version: str | None
    top: str | None
    part: str | None
    target_clock_ns: float | None
    estimated_clock_ns: float | None
    best_latency: int | None
    worst_latency: int | None
    interval_min: int | None
    interval_max: int | None
    resources: dict[str, int] = field(default_factory=dict)
    available: dict[str, int] = field(default_factory=dict)

    @property
    def fmax_mhz(self) -> float | None:
        if not self.estimated_clock_ns:
            return None
        return 1000.0 / self.estimated_clock_ns

    def resource_report(self) -> ResourceReport:
        r = self.resources
        return ResourceReport(
            target=SynthTarget.xilinx,
            source=f"vitis_hls {self.version or ''} estimate".replace("  ", " ").strip(),
            lut=r.get("LUT", 0),
            ff=r.get("FF", 0),
            dsp=r.get("DSP", r.get("DSP48E", 0)),
            bram=r.get("BRAM_18K", 0),
            cells=dict(sorted(r.items())),
            total_cells=sum(r.values()),
        )


def _text(root: ET.Element, path: str) -> str | None:
    node = root.find(path)
    if node is None or node.text is None:
        return None
    return node.text.strip()


def _number(value: str | None, kind: Callable[[str], N]) -> N | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return None  # "?", "undef": a loop without a known trip count


def _int(value: str | None) -> int | None:
    return _number(value, int)


def _float(value: str | None) -> float | None:
    return _number(value, float)


def _counts(root: ET.Element, path: str) -> dict[str, int]:
    node = root.find(path)
    found: dict[str, int] = {}
    if node is None:
        return found
    for child in node:
        value = _int((child.text or "").strip())
        if value is not None:
            found[child.tag] = value
    return found


def parse_csynth_xml(text: str) -> CsynthReport:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ToolCrashedError(f"unreadable csynth.xml: {exc}") from exc
    perf = "PerformanceEstimates"
    latency = f"{perf}/SummaryOfOverallLatency"
    if root.find(perf) is None:
        raise ToolCrashedError("csynth.xml has no PerformanceEstimates section")
    return CsynthReport(
        version=_text(root, "ReportVersion/Version"),
        top=_text(root, "UserAssignments/TopModelName"),
        part=_text(root, "UserAssignments/Part"),
        target_clock_ns=_float(_text(root, "UserAssignments/TargetClockPeriod")),
        estimated_clock_ns=_float(
            _text(root, f"{perf}/SummaryOfTimingAnalysis/EstimatedClockPeriod")
        ),
        best_latency=_int(_text(root, f"{latency}/Best-caseLatency")),
        worst_latency=_int(_text(root, f"{latency}/Worst-caseLatency")),
        interval_min=_int(_text(root, f"{latency}/Interval-min")),
        interval_max=_int(_text(root, f"{latency}/Interval-max")),
        resources=_counts(root, "AreaEstimates/Resources"),
        available=_counts(root, "AreaEstimates/AvailableResources"),
    )
