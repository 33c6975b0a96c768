"""The report's resource bars and cards against a named device, and the II and backpressure
lines by architecture (rendered from reports; the real-run checks are in test_waveforms.py)."""

from __future__ import annotations

import re
from pathlib import Path

from shared_schemas.synthesis import Architecture, LatencyReport, ResourceReport, SynthTarget
from tests.synth.test_reports import _card, _max_report
from toolchain.synth.devices import report_utilisation
from toolchain.synth.html import render_report_body

OUT = Path("/ws/out")


def _bar_widths(section: str) -> dict[str, float]:
    return {
        name: float(width)
        for width, name in re.findall(
            r'<rect x="150" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^:<]+):', section
        )
    }


def test_resource_bars_are_shares_of_the_named_device() -> None:
    resources = ResourceReport(
        target=SynthTarget.xilinx, source="yosys synth_xilinx", lut=18, ff=26
    )
    report = _max_report(resources=resources, utilisation=report_utilisation(resources))
    page = render_report_body(report, OUT).html
    section = page.split("<h2>Resources: xc7a35t</h2>")[1].split("<h2>")[0]
    widths = _bar_widths(section)
    # 26 FF of 41,600 is a sliver of the bar (it used to be the full 330 px: the largest count)
    assert 0 < widths["FF"] <= 1.0 and 0 < widths["LUT"] <= 1.0  # 1 px: the least drawn
    assert "26 of 41,600 (0.06%)" in section
    assert _card(page, "ff") == ("FF", "26", "0.06% of xc7a35t")
    # without a device the bars stay counts, and say so
    plain = render_report_body(_max_report(resources=resources, utilisation=[]), OUT).html
    assert "cell counts (no device to scale them to)" in plain


def test_ii_and_backpressure_by_architecture() -> None:
    pipeline = render_report_body(_max_report(), OUT).html
    assert _card(pipeline, "ii")[1] == "1"
    assert "Backpressure: none. The pipeline ignores <code>out_ready</code>" in pipeline
    fsm = render_report_body(
        _max_report(
            architecture=Architecture.fsm,
            latency=LatencyReport(
                measured_min_cycles=1,
                measured_max_cycles=21_847,
                estimate_cycles=131_072,
                initiation_interval=131_072,
            ),
        ),
        OUT,
    ).html
    _, value, detail = _card(fsm, "ii")
    assert value == "one result at a time" and "131,072" not in value
    assert "up to 21,847 cycles measured" in detail
    assert "Backpressure: honoured" in fsm
