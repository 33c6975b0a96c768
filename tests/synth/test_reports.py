"""Readers of tool reports (yosys stat -json, nextpnr logs, Vitis/Vivado HLS csynth.xml) and the
report writers (JSON schema round trip, self-contained HTML)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shared_schemas.settings import HlsBackend, SynthTarget
from shared_schemas.synthesis import (
    Architecture,
    CosimMismatch,
    CosimReport,
    CosimVerdict,
    LatencyReport,
    PortRole,
    ResourceReport,
    RtlPort,
    SynthesisReport,
    TimingReport,
)
from toolchain.errors import ToolCrashedError
from toolchain.hls.vitis.csynth import parse_csynth_xml
from toolchain.synth.html import bar_chart, render_report, render_report_body
from toolchain.synth.nextpnr import parse_fmax
from toolchain.synth.yosys import classify_cells, parse_stat_json
from toolchain.synthesize import result_for

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
    # LUTs used as memory are LUTs (Vivado's Slice LUTs): a RAM64M takes 4, an SRL 1
    m = classify_cells(
        {"LUT2": 3, "RAM64M": 2, "RAM64X1D": 1, "SRLC32E": 1}, SynthTarget.xilinx, "t"
    )
    assert (m.lut, m.bram) == (3 + 8 + 2 + 1, 0)
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
    page = render_report(_report(), Path("/w/out"), latencies=[2, 2, 3])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # the method name is escaped, and there are no scripts
    urls = re.findall(r"(?:src|href)\s*=\s*['\"]([^'\"]+)", page)
    assert urls == []
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert page.count("<svg") >= 1
    assert "expected <code>3</code>, got <code>4</code>" in page


# The editor's panel shows the engine's report body (toolchain/synth/html.py); these are the facts
# the panel showed when it rendered the report itself (extension/test/unit/synthesisView.test.ts).
OUT = Path("/ws/max.dfy.p2s/Max")
RECORDED = Path(__file__).parents[2] / "extension/test/unit/fixtures/saturating_add.report.json"


def _max_report(**overrides: object) -> SynthesisReport:
    fields: dict[str, object] = dict(
        method="Max",
        source_file="/ws/max.dfy",
        backend=HlsBackend.xls,
        target=SynthTarget.xilinx,
        top_module="p2s_Max",
        architecture=Architecture.pipeline,
        ports=[
            RtlPort(name="a", direction="input", width=32, role=PortRole.data_in, source="a"),
            RtlPort(name="out", direction="output", width=32, role=PortRole.data_out, source="m"),
        ],
        latency=LatencyReport(
            measured_min_cycles=2, measured_max_cycles=2, estimate_cycles=2, initiation_interval=1
        ),
        timing=TimingReport(
            clock_target_ns=10,
            scheduler_fmax_mhz=412.5,
            nextpnr_fmax_mhz=187.3,
            nextpnr_device="up5k",
            meets_target=True,
        ),
        resources=ResourceReport(
            target=SynthTarget.xilinx, source="yosys synth_xilinx", lut=48, ff=96, carry=8
        ),
        cosim=CosimReport(
            verdict=CosimVerdict.passed, vectors_run=64, vectors_passed=64, log_file="cosim.log"
        ),
        warnings=["a <script>warning</script>"],
        tool_versions={"yosys": "0.23", "xls": "0.1.9934"},
        rtl_files=["rtl/p2s_Max.v"],
    )
    fields.update(overrides)
    return SynthesisReport.model_validate(fields)


def _card(page: str, metric: str) -> tuple[str, str, str]:
    """(label, value, detail) of the card with this data-metric."""
    m = re.search(
        rf'data-metric="{metric}"><div class="label">([^<]*)</div><div class="value">([^<]*)</div>'
        r'(?:<div class="detail">(.*?)</div>)?</div>',
        page,
    )
    assert m is not None, f"no {metric} card"
    return m.group(1), m.group(2), m.group(3) or ""


def test_report_body_cards_verdict_and_links() -> None:
    body = render_report_body(_max_report(), OUT)
    page = body.html
    assert _card(page, "latency")[1:] == ("2 cyc", "measured; estimate 2")
    assert _card(page, "ii")[1] == "1"
    # the chosen target is Xilinx: no Xilinx timing here, so its Fmax is "–"; the iCE40 place and
    # route and the delay model's figure are other devices, said so apart
    assert _card(page, "fmax") == (
        "Fmax (xilinx)",
        "–",
        "no timing analysis for this target here (yosys counts cells only)",
    )
    assert _card(page, "fmax-other")[2].split("<br>") == [
        "nextpnr place and route on up5k: 187.3 MHz",
        "scheduler delay model (XLS scheduler, gates not an FPGA): 412.5 MHz",
    ]
    assert [_card(page, k)[:2] for k in ("lut", "ff", "dsp", "bram")] == [
        ("LUT", "48"),
        ("FF", "96"),
        ("DSP", "0"),
        ("BRAM", "0"),
    ]
    assert _card(page, "clock")[1] == "10 ns"
    assert 'data-verdict="pass">PASS: the RTL matches the verified Dafny on 64 vectors' in page
    assert "64 of 64 vectors match" in page
    assert "<script" not in page and "a &lt;script&gt;warning&lt;/script&gt;" in page
    assert "XLS → xilinx · pipeline · top module p2s_Max · /ws/max.dfy" in page
    assert "cached" not in page
    # every file the page links is in `links` (the panel opens only those), the log included
    assert body.links == [
        "/ws/max.dfy.p2s/Max/cosim.log",
        "/ws/max.dfy.p2s/Max/rtl/p2s_Max.v",
        "/ws/max.dfy.p2s/Max/report.json",
        "/ws/max.dfy.p2s/Max/manifest.json",
        "/ws/max.dfy.p2s/Max/report.html",
    ]
    opened = re.findall(r'data-open="([^"]+)"', page)
    assert opened[0] == body.links[0], "the verdict's co-simulation log link comes first"
    assert sorted(set(opened)) == sorted(body.links), "every link is openable, nothing else"
    assert re.search(r'<ul class=\'files\'><li><a data-open="[^"]+p2s_Max.v">p2s_Max.v</a>', page)
    assert "<svg" in page and "<code>p2s_Max</code>" in page


def test_report_body_ice40_names_and_a_mismatch() -> None:
    page = render_report_body(
        _max_report(
            target=SynthTarget.ice40,
            resources=ResourceReport(
                target=SynthTarget.ice40, source="yosys synth_ice40", lut=70, ff=40, dsp=1, bram=2
            ),
            timing=TimingReport(clock_target_ns=4, scheduler_fmax_mhz=200.0, meets_target=False),
            latency=LatencyReport(estimate_cycles=3),
            cosim=CosimReport(
                verdict=CosimVerdict.failed,
                vectors_run=5,
                first_mismatch=CosimMismatch(
                    vector=4, inputs={"a": 1, "b": 2}, output="m", expected=2, actual=1
                ),
            ),
            warnings=[],
        ),
        OUT,
        cached=True,
    ).html
    assert [_card(page, k)[:2] for k in ("lut", "ff", "dsp", "bram")] == [
        ("LUT4", "70"),
        ("DFF", "40"),
        ("DSP", "1"),
        ("RAM", "2"),
    ]
    assert _card(page, "latency")[1:] == ("3 cyc", "scheduler estimate")
    assert _card(page, "fmax") == ("Fmax (ice40)", "–", "place and route not run")
    assert _card(page, "fmax-other")[2] == (
        "scheduler delay model (XLS scheduler, gates not an FPGA): 200.0 MHz"
    )
    assert (
        'data-verdict="fail">FAIL: the RTL differs from the verified Dafny (5 vectors run)' in page
    )
    assert "vector 4, output <code>m</code>: expected <code>2</code>, got <code>1</code>" in page
    assert "co-simulation log" not in page  # no log file, no link
    assert "<h2>Warnings</h2><p class='muted'>None.</p>" in page
    assert page.split("</p>")[0].endswith(" · cached")


def test_a_recorded_report_renders_its_numbers_and_the_result_carries_the_body() -> None:
    recorded = SynthesisReport.model_validate_json(RECORDED.read_text(encoding="utf-8"))
    assert recorded.resources is not None and recorded.latency.measured_max_cycles is not None
    result = result_for(recorded, Path("/w/out"), cached=False)
    assert result.report_body == render_report_body(recorded, Path("/w/out")).html
    assert _card(result.report_body, "lut")[1] == f"{recorded.resources.lut:,}"
    assert _card(result.report_body, "latency")[1] == f"{recorded.latency.measured_max_cycles} cyc"
    assert [p for p in result.report_links if p.endswith(".v")] == [
        f"/w/out/{f}" for f in recorded.rtl_files
    ]
    page = render_report(recorded, Path("/w/out"))
    assert result.report_body in page, "report.html and the panel show one rendering"


def test_the_editors_recorded_result_is_what_the_renderer_gives_today() -> None:
    """extension/test/unit reads this recording; a renderer change must regenerate it."""
    recorded = SynthesisReport.model_validate_json(RECORDED.read_text(encoding="utf-8"))
    result = result_for(recorded, Path("/w/out"), cached=False)
    on_disk = json.loads(RECORDED.with_name("saturating_add.result.json").read_text("utf-8"))
    assert on_disk == result.model_dump(mode="json")


def test_bars_scale_to_the_largest_value() -> None:
    svg = bar_chart([("LUT", 100.0), ("FF", 50.0), ("DSP", 0.0)], width=560)
    widths = [float(w) for w in re.findall(r'<rect x="150" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths == [330.0, 165.0, 0.0]
    assert "<title>FF: 50</title>" in svg
    assert bar_chart([]) == "<p class='muted'>no data</p>"
