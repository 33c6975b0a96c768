"""The Vitis back end's C simulation (g++) on programs a sweep of corpus methods that pass XLS
co-simulation broke: a result past its checked range (DafnyBench `Cube`: the self-checking
testbench compared the parked result with Dafny's 4298942376 and exited 1), and a method called
`main` (DafnyBench `Fine_Tune_Examples_50_examples_28`: g++ rejected `void main(...)`); and
results built at run time (11 of the 60, MBPP `FindEvenNumbers` among them), which the back end
refused for want of a length output; and integers past 64 bits (MBPP `CubeVolume`, 93 bits),
which the C simulation header could not hold."""

from __future__ import annotations

import json
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


# results whose length the method decides: a sequence grown in a loop (and returned early), and
# a new array as long as the input
PREFIX = """
method PrefixBefore(a: array<int>, stop: int) returns (r: seq<int>)
  requires a.Length <= 12
  ensures |r| <= a.Length && forall k :: 0 <= k < |r| ==> r[k] == a[k] && r[k] != stop
{
  r := [];
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length && |r| == i
    invariant forall k :: 0 <= k < i ==> r[k] == a[k] && r[k] != stop
  {
    if a[i] == stop {
      return;
    }
    r := r + [a[i]];
    i := i + 1;
  }
}
"""

NEGATED = """
method Negated(a: array<int>) returns (b: array<int>)
  requires a.Length <= 12 && forall k :: 0 <= k < a.Length ==> -1000 <= a[k] <= 1000
  ensures b.Length == a.Length && forall k :: 0 <= k < a.Length ==> b[k] == -a[k]
{
  b := new int[a.Length];
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant forall k :: 0 <= k < i ==> b[k] == -a[k]
  {
    b[i] := -a[i];
    i := i + 1;
  }
}
"""


@pytest.mark.parametrize(
    ("program", "method", "result"), [(PREFIX, "PrefixBefore", "r"), (NEGATED, "Negated", "b")]
)
def test_a_result_built_at_run_time_has_a_length_output(
    dafny: DafnyEngine, tmp_path: Path, program: str, method: str, result: str
) -> None:
    passes_cosimulation(
        program, "built.dfy", method, dafny, tmp_path, assume_input_bits=32, **VITIS
    )
    hls = tmp_path / "out" / "hls"
    cpp = (hls / f"{method}.cpp").read_text(encoding="utf-8")
    length = re.search(rf"ap_uint<\d+> &(\w*v_{result}_len)\b", cpp)
    assert length is not None, cpp
    # set wherever the function leaves it: at its end, and before each early return
    assert cpp.count(f"{length.group(1)} = ") == cpp.count("return;") + 1, cpp
    lengths = [
        len(row[result])
        for row in map(json.loads, (hls / "csim.log").read_text(encoding="utf-8").splitlines())
        if "vector" in row
    ]
    assert len(lengths) == 24 and len(set(lengths)) > 1, lengths


# a product of three 32-bit inputs: 96 bits, past the C integers (MBPP `CubeVolume`, 93 bits)
VOLUME = """
method Volume(a: int, b: int, c: int) returns (v: int)
  requires 0 <= a < 0x1_0000_0000 && 0 <= b < 0x1_0000_0000 && -0x8000_0000 <= c < 0x8000_0000
  ensures v == a * b * c
{
  v := a * b * c;
}
"""


def test_results_wider_than_64_bits_are_simulated(dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(VOLUME, "volume.dfy", "Volume", dafny, tmp_path, **VITIS)
    hls = tmp_path / "out" / "hls"
    assert re.search(r"ap_int<\d{2,3}> &v_v\b", (hls / "Volume.cpp").read_text(encoding="utf-8"))
    # constants past 64 bits are decimal strings, results are read back as decimal text
    bench = (hls / "Volume_tb.cpp").read_text(encoding="utf-8")
    assert re.search(r'ap_int<\d+>\("-?\d{20,}", 10\)', bench), bench
    results = [
        json.loads(line)["v"]
        for line in (hls / "csim.log").read_text(encoding="utf-8").splitlines()
        if '"vector"' in line
    ]
    assert any(abs(v) >= 1 << 64 for v in results), results
