"""Methods that take no inputs compute a constant: the hardware is a ROM that answers on every
start, co-simulated with the one vector there is against Dafny's compiled program (real Dafny,
XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams
from tests.synth.cosim_check import cosim_params
from toolchain.dafny import DafnyEngine
from toolchain.errors import ToolchainError
from toolchain.synthesize import run_synthesis

PROGRAM = """
// the quotient and remainder of 191 by 7, by repeated subtraction (CloverBench cal_ans CalDiv)
method CalDiv() returns (x: int, y: int)
  ensures x == 191 / 7
  ensures y == 191 % 7
{
  x, y := 0, 191;
  while 7 <= y
    invariant 0 <= y && 7 * x + y == 191
  {
    x := x + 1;
    y := 191 - 7 * x;
  }
}

method Answer() returns (r: int, b: bool)
  ensures r == 42 && !b
{
  r := 42;
  b := false;
}

method Nothing()
{
  var i := 0;
  while i < 3
  {
    i := i + 1;
  }
}
"""


def _params(tmp_path: Path, method: str) -> SynthesizeParams:
    return cosim_params(PROGRAM, "constants.dfy", method, tmp_path)


@pytest.mark.parametrize("method", ["CalDiv", "Answer"])
def test_a_method_without_inputs_is_a_constant_that_cosimulates(
    method: str, dafny: DafnyEngine, tmp_path: Path
) -> None:
    out = run_synthesis(_params(tmp_path, method), engine=dafny)
    r = out.report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.reference == "dafny-compiled"
    # every start computes the same answer: one vector says all there is
    assert r.cosim.vectors_run == 1 and r.cosim.vectors_passed == 1
    verilog = "".join((Path(out.out_dir) / f).read_text() for f in r.rtl_files)
    assert "core_in = 1'b0" in verilog  # the core's one input bit, tied off


def test_a_method_without_inputs_or_results_is_still_refused(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    with pytest.raises(ToolchainError, match="no results and modifies no array"):
        run_synthesis(_params(tmp_path, "Nothing"), engine=dafny)
