"""Pieces of the synthesis report that need more than formatting (toolchain/synth/html.py puts
them together): the latency histogram over every vector, the initiation interval as an engineer
reads it, Fmax for the chosen target apart from the other estimates, what the design does with
`out_ready`, and the co-simulation waveforms."""

from __future__ import annotations

import html
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.synthesis import (
    Architecture,
    CosimReport,
    DeviceUtilisation,
    SynthesisReport,
    SynthTarget,
)

MAX_BARS = 24  # histogram bars; more distinct latencies share bins


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def latency_bins(latencies: list[int]) -> list[tuple[str, int]]:
    """(label, vectors) bars that together count every vector: one bar per latency when there
    are few distinct ones, else equal-width ranges from the fastest to the slowest."""
    if not latencies:
        return []
    hist = Counter(latencies)
    if len(hist) <= MAX_BARS:
        return [(f"{c:,} cycles", n) for c, n in sorted(hist.items())]
    low, high = min(latencies), max(latencies)
    step = math.ceil((high - low + 1) / MAX_BARS)
    counts = Counter((c - low) // step for c in latencies)
    bars: list[tuple[str, int]] = []
    for b in range(MAX_BARS):
        start = low + b * step
        if start > high:
            break
        end = min(start + step - 1, high)
        bars.append((f"{start:,}–{end:,} cycles", counts.get(b, 0)))
    return bars


def initiation_interval(report: SynthesisReport) -> tuple[str, list[str]]:
    """The II card: a state machine takes its next input only after it gave a result, so its
    interval is the latency of each vector, not a number the scheduler can give."""
    ii = report.latency.initiation_interval
    if report.architecture == Architecture.fsm:
        detail = ["a state machine: the next input is taken after the result"]
        if report.latency.measured_max_cycles is not None:
            detail.append(f"up to {report.latency.measured_max_cycles:,} cycles measured")
        return "one result at a time", detail
    return ("–" if ii is None else f"{ii:,}"), ["cycles between accepted inputs"]


@dataclass(frozen=True)
class FmaxView:
    """The Fmax card (the chosen target's figure) and the other estimates, each named."""

    value: str
    label: str
    detail: list[str]
    others: list[str]


def fmax_view(report: SynthesisReport) -> FmaxView:
    tim = report.timing
    target_mhz = 1000 / tim.clock_target_ns
    device = tim.nextpnr_device or "iCE40 HX8K"
    others: list[str] = []
    if tim.scheduler_fmax_mhz is not None:
        others.append(
            f"{tim.scheduler_delay_model or 'scheduler'} delay model (XLS scheduler, gates not "
            f"an FPGA): {tim.scheduler_fmax_mhz:,.1f} MHz"
        )
    if report.target == SynthTarget.ice40 and tim.nextpnr_fmax_mhz is not None:
        fmax = tim.nextpnr_fmax_mhz
        detail = [f"nextpnr place and route, {device}", f"target {target_mhz:,.1f} MHz"]
        if fmax < target_mhz:
            detail.append("misses the target")
        return FmaxView(f"{fmax:,.1f} MHz", f"Fmax ({device})", detail, others)
    if tim.nextpnr_fmax_mhz is not None:
        # a different device than the one the resources are counted for: said so, apart
        others.insert(0, f"nextpnr place and route on {device}: {tim.nextpnr_fmax_mhz:,.1f} MHz")
    reason = (
        "no timing analysis for this target here (yosys counts cells only)"
        if report.target == SynthTarget.xilinx
        else "place and route not run"
    )
    return FmaxView("–", f"Fmax ({report.target.value})", [reason], others)


def backpressure(report: SynthesisReport) -> str:
    """What the design does when the consumer is not ready (read from the wrapper the back end
    generates: toolchain/hls/wrapper.py ties in_ready high and leaves out_ready unconnected for a
    pipeline; a state machine's output channel waits for out_ready)."""
    if report.architecture == Architecture.pipeline:
        return (
            "Backpressure: none. The pipeline ignores <code>out_ready</code> and never stalls "
            "(<code>in_ready</code> is always 1): each result is on the outputs for the one "
            "cycle <code>out_valid</code> is high and is lost if the consumer is not ready then. "
            "Keep <code>out_ready</code> high or put a FIFO of the pipeline's depth after it."
        )
    if report.architecture == Architecture.fsm:
        return (
            "Backpressure: honoured. The state machine holds its result (and "
            "<code>out_valid</code>) until <code>out_ready</code> is high, and takes no new "
            "input meanwhile (<code>in_ready</code> low)."
        )
    return "Backpressure: as the HLS tool generated it (see its interface report)."


def utilisation_for(report: SynthesisReport, target: SynthTarget) -> DeviceUtilisation | None:
    return next((u for u in report.utilisation if u.target == target), None)


def waveforms_html(cos: CosimReport, out: Path, report: SynthesisReport, link: LinkFn) -> str:
    """Each kept VCD drawn as a waveform, with a link that opens the file."""
    from toolchain.vcd.parse import parse_vcd
    from toolchain.vcd.svg import waveform_svg

    if not cos.waveforms:
        return ""
    ports = [p.name for p in report.ports]
    parts = ["<h2>Waveforms</h2>"]
    m = cos.first_mismatch
    for wave in cos.waveforms:
        path = out / wave.vcd_file
        head = f"vector {wave.vector}: " + ("matches Dafny" if wave.passed else "differs")
        if not wave.passed and m is not None and m.vector == wave.vector:
            head += f" (output {m.output}: expected {m.expected}, got {m.actual})"
        try:
            svg = waveform_svg(
                parse_vcd(path.read_text(encoding="utf-8", errors="replace")),
                report.top_module,
                ports,
                wave,
            )
        except OSError:
            svg = "<p class='muted'>the VCD file is gone</p>"
        state = "pass" if wave.passed else "fail"
        parts.append(
            f"<div class='waveform {state}' data-waveform='{state}'><p>{_e(head)}; "
            f"{link(str(path), path.name)}</p><div class='wave-scroll'>{svg}</div></div>"
        )
    parts.append(
        "<p class='muted'>ports of the top module and the core's state registers, one column "
        "per clock cycle, the values just before the rising edge that ends it (what a flip-flop "
        "takes); blue: the vector taken, red: the mismatched result, green: a matching one.</p>"
    )
    return "".join(parts)


class LinkFn:
    """Makes `<a data-open>` links and remembers every path it linked, so the page's list of
    openable files is exactly the set of its links."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str, text: str) -> str:
        if path not in self.paths:
            self.paths.append(path)
        return f'<a data-open="{_e(path)}">{_e(text)}</a>'


__all__ = [
    "FmaxView",
    "LinkFn",
    "backpressure",
    "fmax_view",
    "initiation_interval",
    "latency_bins",
    "utilisation_for",
    "waveforms_html",
]
