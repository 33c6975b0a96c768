"""Dafny names that are Verilog or SystemVerilog keywords, or names the wrapper declares, become
ports with a `_p` suffix: GPT-4's MBPP 281 reply returns `unique` (a SystemVerilog keyword),
whose generated Verilog the simulator rejected as a syntax error."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = """
method Distinct(core_out: int, alias: int) returns (unique: bool)
  requires 0 <= core_out < 100 && 0 <= alias < 100
  ensures unique <==> core_out != alias
{
  unique := core_out != alias;
}
"""


def test_keyword_and_wrapper_names_become_suffixed_ports(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    report = passes_cosimulation(PROGRAM, "names.dfy", "Distinct", dafny, tmp_path)
    top = (tmp_path / "out" / "rtl" / "Distinct.v").read_text(encoding="utf-8")
    for port in ("input wire [6:0] core_out_p", "input wire [6:0] alias_p", "output wire unique_p"):
        assert port in top, top
    assert report.cosim.vectors_passed == report.cosim.vectors_run > 0
