"""Readers of tool reports (yosys stat -json, nextpnr logs, Vitis/Vivado HLS csynth.xml) and the
report writers (JSON schema round trip, self-contained HTML)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared_schemas.settings import HlsBackend, SynthTarget
from shared_schemas.synthesis import (
    Architecture,
    CosimMismatch,
    CosimReport,
    CosimVerdict,
    SynthesisReport,
    TimingReport,
)
from toolchain.errors import ToolCrashedError
from toolchain.hls.vitis.csynth import parse_csynth_xml
from toolchain.synth.html import render_report
from toolchain.synth.nextpnr import parse_fmax
from toolchain.synth.yosys import classify_cells, parse_stat_json

DATA = Path(__file__).parent / "data"


def test_yosys_xilinx_stat_json() -> None:
    r = parse_stat_json(
        (DATA / "stat_xilinx_satadd_yosys0.23.json").read_text(),
        SynthTarget.xilinx,
        "SaturatingAdd",
    )
    assert (r.lut, r.ff, r.carry, r.dsp, r.bram) == (18, 26, 3, 0, 0)
    assert r.source == "yosys 0.23 synth_xilinx"
    assert r.total_cells == sum(r.cells.values())


def test_yosys_ice40_stat_json_of_the_whole_design() -> None:
    r = parse_stat_json(
        (DATA / "stat_ice40_wrapped_satadd_yosys0.23.json").read_text(), SynthTarget.ice40
    )
    assert r.lut == r.cells["SB_LUT4"]
    assert r.ff == sum(n for k, n in r.cells.items() if k.startswith("SB_DFF"))
    assert r.carry == r.cells.get("SB_CARRY", 0)


def test_cell_classes() -> None:
    x = classify_cells(
        {
            "LUT6": 3,
            "LUT6_2": 1,
            "FDRE": 4,
            "FDSE": 1,
            "DSP48E1": 2,
            "RAMB36E1": 1,
            "RAMB18E1": 1,
            "CARRY4": 5,
            "MUXF7": 9,
        },
        SynthTarget.xilinx,
        "t",
    )
    assert (x.lut, x.ff, x.dsp, x.bram, x.carry) == (4, 5, 2, 3, 5)
    i = classify_cells(
        {"SB_LUT4": 7, "SB_DFFER": 2, "SB_DFF": 1, "SB_RAM40_4K": 1, "SB_MAC16": 1},
        SynthTarget.ice40,
        "t",
    )
    assert (i.lut, i.ff, i.dsp, i.bram) == (7, 3, 1, 1)


def test_broken_stat_json_is_a_tool_error() -> None:
    with pytest.raises(ToolCrashedError):
        parse_stat_json("{not json", SynthTarget.xilinx)


def test_nextpnr_fmax_takes_the_routed_figure() -> None:
    log = (
        "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 283.93 MHz (PASS at 100.00 MHz)\n"
        "Info: Routing..\n"
        "Warning: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 30.32 MHz (FAIL at 100.00 MHz)\n"
    )
    assert parse_fmax(log) == pytest.approx(30.32)
    assert parse_fmax("no timing here") is None


def test_csynth_vitis_2022_sample() -> None:
    r = parse_csynth_xml((DATA / "csynth_vitis_2022_1.xml").read_text())
    assert (r.version, r.top, r.part) == ("2022.1", "division_hls", "xc7z020-clg484-1")
    assert (r.target_clock_ns, r.estimated_clock_ns) == (10.0, 6.075)
    assert (r.best_latency, r.worst_latency, r.interval_min, r.interval_max) == (15, 15, 16, 16)
    res = r.resource_report()
    assert (res.lut, res.ff, res.dsp, res.bram) == (81, 16, 0, 0)
    assert res.target == SynthTarget.xilinx and "2022.1" in res.source
    assert r.fmax_mhz == pytest.approx(1000 / 6.075)
    assert r.available["LUT"] == 53200


def test_csynth_vivado_hls_2018_sample_with_unknown_latency_parts() -> None:
    r = parse_csynth_xml((DATA / "csynth_vivado_hls_2018_3.xml").read_text())
    assert r.top == "hls_sobel" and r.version == "2018.3"
    assert (r.best_latency, r.worst_latency) == (160, 2089114)
    res = r.resource_report()
    assert (res.lut, res.ff, res.dsp, res.bram) == (4546, 1680, 0, 9)  # DSP48E tag


def test_csynth_question_marks_are_unknown() -> None:
    text = (
        (DATA / "csynth_vitis_2022_1.xml")
        .read_text()
        .replace(
            "<Worst-caseLatency>15</Worst-caseLatency>", "<Worst-caseLatency>?</Worst-caseLatency>"
        )
    )
    assert parse_csynth_xml(text).worst_latency is None
    with pytest.raises(ToolCrashedError):
        parse_csynth_xml("<profile></profile>")


def _report() -> SynthesisReport:
    return SynthesisReport(
        method="M<script>",
        source_file="m.dfy",
        backend=HlsBackend.xls,
        target=SynthTarget.xilinx,
        top_module="M",
        architecture=Architecture.pipeline,
        timing=TimingReport(clock_target_ns=10, scheduler_fmax_mhz=250.0),
        cosim=CosimReport(
            verdict=CosimVerdict.failed,
            vectors_run=3,
            vectors_passed=2,
            first_mismatch=CosimMismatch(
                vector=2, inputs={"a": 1}, output="s", expected=3, actual=4
            ),
        ),
        warnings=["w1"],
    )


def test_report_json_round_trip() -> None:
    r = _report()
    assert SynthesisReport.model_validate_json(r.model_dump_json()) == r


def test_html_report_is_self_contained_and_escaped() -> None:
    page = render_report(_report(), latencies=[2, 2, 3])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # the method name is escaped, and there are no scripts
    urls = re.findall(r"(?:src|href)\s*=\s*['\"]([^'\"]+)", page)
    assert urls == []
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert page.count("<svg") >= 1
    assert "expected <code>3</code>, got <code>4</code>" in page
