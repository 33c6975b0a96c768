"""The Vitis back end's C simulation (g++) on programs a sweep of corpus methods that pass XLS
co-simulation broke: a result past its checked range (DafnyBench `Cube`: the self-checking
testbench compared the parked result with Dafny's 4298942376 and exited 1), and a method called
`main` (DafnyBench `Fine_Tune_Examples_50_examples_28`: g++ rejected `void main(...)`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from shared_schemas.synthesis import HlsBackend, SynthTarget
from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.hls.interface import module_name

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is part of the setup")

VITIS = {"backend": HlsBackend.vitis, "target": SynthTarget.xilinx}

# 3^n of a 32-bit n, kept in 32 checked bits
POWER = """
method Pow3(n: nat) returns (p: nat)
  ensures p >= 1
{
  p := 1;
  var i := 0;
  while i < n
    invariant 0 <= i <= n && p >= 1
  {
    p := p * 3;
    i := i + 1;
  }
}
"""

MAIN = """
method main(x: int, y: int) returns (m: int)
  requires -100 <= x <= 100 && -100 <= y <= 100
  ensures m >= x && m >= y
{
  if x < y { m := y; } else { m := x; }
}
"""


def test_past_an_overflow_the_testbench_checks_only_the_flag(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = passes_cosimulation(
        POWER, "power.dfy", "Pow3", dafny, tmp_path,
        assume_input_bits=32, overflow_check_bits=32, **VITIS,
    )  # fmt: skip
    over = re.search(r"\((\d+) of them leave a checked range", r.cosim.message)
    assert over is not None and 0 < int(over.group(1)) < 24, r.cosim.message
    # the testbench still prints what the design returned there; it compares only the flag
    log = (tmp_path / "out" / "hls" / "csim.log").read_text(encoding="utf-8")
    assert '"overflow": true' in log and '{"mismatches": 0}' in log


def test_a_method_called_main_is_a_legal_cpp_top(dafny: DafnyEngine, tmp_path: Path) -> None:
    assert module_name("main") == "main_p" and module_name("delete") == "delete_p"
    passes_cosimulation(MAIN, "main.dfy", "main", dafny, tmp_path, **VITIS)
    cpp = (tmp_path / "out" / "hls" / "main_p.cpp").read_text(encoding="utf-8")
    assert re.search(r"\bvoid main_p\(", cpp), cpp
