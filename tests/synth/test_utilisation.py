"""Utilisation against named parts: real yosys cell counts set against xc7a35t and iCE40 HX8K, in
the report model and in the report's HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import ResourceReport, SynthTarget
from toolchain.synth.devices import DEVICES, report_utilisation, utilisation
from toolchain.synth.utilisation_html import utilisation_html
from toolchain.synth.yosys import synthesize

COUNTER = """
module counter(input clk, input rst, input [15:0] step, output reg [15:0] q);
  reg [15:0] mem [0:1023];
  reg [9:0] addr;
  reg [15:0] rd;
  always @(posedge clk) begin
    mem[addr] <= q;
    rd <= mem[addr + 10'd1];
  end
  always @(posedge clk) begin
    if (rst) begin q <= 0; addr <= 0; end
    else begin q <= rd + step; addr <= addr + 10'd1; end
  end
endmodule
"""


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> dict[SynthTarget, ResourceReport]:
    folder = tmp_path_factory.mktemp("util")
    rtl = folder / "counter.v"
    rtl.write_text(COUNTER, encoding="utf-8")
    return {
        t: synthesize([rtl], "counter", t, Path(folder / t.value)).resources
        for t in (SynthTarget.xilinx, SynthTarget.ice40)
    }


def test_xilinx_counts_against_xc7a35t(counts: dict[SynthTarget, ResourceReport]) -> None:
    r = counts[SynthTarget.xilinx]
    u = utilisation(r)
    assert u.device == "xc7a35t" and u.fits
    items = {i.resource: i for i in u.items}
    assert items["LUT"].used == r.lut and items["LUT"].available == 20800
    assert items["FF"].available == 41600 and items["DSP48E1"].available == 90
    # the 1,024 x 16-bit memory is block RAM: RAMB18 halves of the part's 50 RAMB36
    assert items["RAMB18"].used == r.bram >= 1 and items["RAMB18"].available == 100
    assert items["LUT"].percent == round(100 * r.lut / 20800, 2)


def test_ice40_counts_against_hx8k(counts: dict[SynthTarget, ResourceReport]) -> None:
    r = counts[SynthTarget.ice40]
    u = utilisation(r)
    items = {i.resource: i for i in u.items}
    assert u.device == "iCE40 HX8K" and set(items) == {"LUT4", "DFF", "SB_RAM40_4K"}
    assert items["LUT4"].available == 7680 and items["SB_RAM40_4K"].available == 32
    assert items["SB_RAM40_4K"].used == r.bram >= 1


def test_a_design_too_big_does_not_fit(counts: dict[SynthTarget, ResourceReport]) -> None:
    big = counts[SynthTarget.ice40].model_copy(update={"lut": 8000})
    assert not utilisation(big).fits
    with pytest.raises(ValueError):
        utilisation(big, DEVICES["xc7a35t"])


def test_report_lists_each_target_once_and_renders(
    counts: dict[SynthTarget, ResourceReport],
) -> None:
    rows = report_utilisation(counts[SynthTarget.xilinx], counts[SynthTarget.ice40], None)
    assert [r.device for r in rows] == ["xc7a35t", "iCE40 HX8K"]
    page = utilisation_html(rows)
    assert "data-device='xc7a35t'" in page and "data-device='iCE40 HX8K'" in page
    assert f"<td>{counts[SynthTarget.xilinx].lut:,}</td><td>20,800</td>" in page
