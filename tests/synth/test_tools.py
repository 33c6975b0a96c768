"""The tool wrappers on a small hand-written design with the stable port interface: yosys for
both targets, nextpnr's Fmax through the pin-saving wrapper, iverilog + cocotb with the
project's testbench, and the comparison that turns simulation results into a verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.settings import SynthTarget
from shared_schemas.synthesis import PortRole, RtlPort
from toolchain.cosim.run import first_mismatch
from toolchain.cosim.simulate import OUT_OF_TIME, simulate
from toolchain.errors import ToolCrashedError
from toolchain.frontend.interp import run_method
from toolchain.synth.nextpnr import WRAPPER_TOP, estimate_fmax, fmax_wrapper
from toolchain.synth.versions import tool_versions
from toolchain.synth.yosys import synthesize

from . import ir_builders as irb

ADDER = """
module Adder(
  input wire clk, input wire rst,
  input wire in_valid, output wire in_ready,
  input wire [7:0] a, input wire [7:0] b,
  output wire out_valid, input wire out_ready,
  output wire [8:0] s
);
  reg v;
  reg [8:0] r;
  assign in_ready = 1'b1;
  always @(posedge clk) begin
    if (rst) v <= 1'b0; else v <= in_valid;
    r <= a OP b;
  end
  assign out_valid = v;
  assign s = r;
endmodule
"""

PORTS = [
    RtlPort(name="clk", direction="input", width=1, role=PortRole.clock),
    RtlPort(name="rst", direction="input", width=1, role=PortRole.reset),
    RtlPort(name="in_valid", direction="input", width=1, role=PortRole.handshake),
    RtlPort(name="in_ready", direction="output", width=1, role=PortRole.handshake),
    RtlPort(name="a", direction="input", width=8, role=PortRole.data_in),
    RtlPort(name="b", direction="input", width=8, role=PortRole.data_in),
    RtlPort(name="out_valid", direction="output", width=1, role=PortRole.handshake),
    RtlPort(name="out_ready", direction="input", width=1, role=PortRole.handshake),
    RtlPort(name="s", direction="output", width=9, role=PortRole.data_out),
]


def _adder(tmp_path: Path, op: str = "+") -> Path:
    path = tmp_path / f"adder_{'add' if op == '+' else 'sub'}.v"
    path.write_text(ADDER.replace("OP", op))
    return path


def test_yosys_counts_cells_for_both_targets(tmp_path: Path) -> None:
    src = _adder(tmp_path)
    x = synthesize([src], "Adder", SynthTarget.xilinx, tmp_path / "x").resources
    assert x.ff == 10 and x.lut >= 1 and x.carry >= 1
    i = synthesize([src], "Adder", SynthTarget.ice40, tmp_path / "i").resources
    assert i.ff == 10 and i.lut >= 8
    assert i.source.endswith("synth_ice40")


def test_yosys_failure_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.v"
    bad.write_text("module Broken(input wire a); assign b = ; endmodule\n")
    with pytest.raises(ToolCrashedError, match="yosys failed"):
        synthesize([bad], "Broken", SynthTarget.ice40, tmp_path / "b")


def test_fmax_through_the_nine_pin_wrapper(tmp_path: Path) -> None:
    wrapper = fmax_wrapper("Adder", PORTS)
    assert f"module {WRAPPER_TOP}(" in wrapper and "dut(" in wrapper
    result = estimate_fmax([_adder(tmp_path)], "Adder", PORTS, tmp_path / "f", target_mhz=100)
    assert result.fmax_mhz is not None and 20 < result.fmax_mhz < 2000
    assert "HX8K" in result.device


def test_cocotb_bench_measures_outputs_and_latency(tmp_path: Path) -> None:
    vectors = [[1, 2], [255, 255], [0, 0], [200, 100]]
    sim = simulate([_adder(tmp_path)], "Adder", ["a", "b"], ["s"], vectors, tmp_path / "sim")
    assert sim.status == "ok"
    assert [r["outputs"]["s"] for r in sim.results] == [3, 510, 0, 300]
    assert {r["latency"] for r in sim.results} == {1}
    # back to back: one vector per cycle
    assert [r["accepted"] for r in sim.results] == [1, 2, 3, 4]


def test_a_wrong_design_is_caught_by_the_comparison(tmp_path: Path) -> None:
    method = irb.saturating_add()
    vectors = [{"a": 1, "b": 2}, {"a": 9, "b": 0}]
    expected = [run_method(method, v) for v in vectors]
    sim = simulate(
        [_adder(tmp_path, "-")], "Adder", ["a", "b"], ["s"], [[1, 2], [9, 0]], tmp_path / "s"
    )
    actual = [{"s": r["outputs"]["s"]} for r in sim.results]
    passed, mismatch = first_mismatch(method, vectors, expected, actual)  # type: ignore[arg-type]
    assert passed == 1
    assert mismatch is not None and mismatch.vector == 0 and mismatch.output == "s"
    assert (mismatch.expected, mismatch.actual) == (3, (1 - 2) % 512)


def test_a_design_that_never_answers_times_out(tmp_path: Path) -> None:
    silent = tmp_path / "silent.v"
    silent.write_text(
        ADDER.replace("OP", "+").replace("assign out_valid = v;", "assign out_valid = 1'b0;")
    )
    sim = simulate([silent], "Adder", ["a", "b"], ["s"], [[1, 2]], tmp_path / "t", max_cycles=50)
    assert sim.status.startswith("no result within 50 cycles")


def test_the_bench_stops_at_its_deadline_and_keeps_what_finished(tmp_path: Path) -> None:
    # a design that answers the first vector and then never again: with a cycle limit beyond
    # reach, the wall clock ends the run, and the bench (not the kill) writes the first result
    # (the limit leaves room for cocotb's start on a loaded machine)
    once = tmp_path / "once.v"
    once.write_text(
        ADDER.replace("OP", "+").replace(
            "assign out_valid = v;",
            "reg seen = 0; always @(posedge clk) if (v) seen <= 1;\n"
            "  assign out_valid = v & !seen;",
        )
    )
    sim = simulate(
        [once], "Adder", ["a", "b"], ["s"], [[1, 2], [3, 4]], tmp_path / "t",
        max_cycles=10**12, timeout_s=20,
    )  # fmt: skip
    assert sim.status.startswith(OUT_OF_TIME), sim.status
    assert [r["outputs"]["s"] for r in sim.results] == [3]


def test_tool_versions_are_reported() -> None:
    found = tool_versions(["yosys", "nextpnr-ice40", "iverilog", "xls", "cocotb", "no-such-tool"])
    assert found["yosys"].startswith("Yosys")
    assert found["xls"].startswith("xls-python")
    assert "no-such-tool" not in found
