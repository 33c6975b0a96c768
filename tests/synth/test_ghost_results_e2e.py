"""A method with a ghost result (CloverBench online_max: `returns (ghost m: int, p: int)`): the
reference harness declares a ghost result ghost and prints only the compiled results (main's
ae08486); the design then co-simulates against Dafny's compiled program
(real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.cosim.reference import harness
from toolchain.dafny import DafnyEngine
from toolchain.frontend import ast as A
from toolchain.frontend.parser import parse_program

PROGRAM = """
method MaxIndex(a: array<int>) returns (ghost m: int, p: int)
  requires 1 <= a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  ensures 0 <= p < a.Length
  ensures m == a[p]
  ensures forall k :: 0 <= k < a.Length ==> a[k] <= m
{
  p := 0;
  var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
    invariant 0 <= p < a.Length
    invariant forall k :: 0 <= k < i ==> a[k] <= a[p]
  {
    if a[i] > a[p] {
      p := i;
    }
    i := i + 1;
  }
  m := a[p];
}
"""


def test_harness_keeps_ghost_results_ghost() -> None:
    decl = parse_program(PROGRAM).find("MaxIndex")
    assert isinstance(decl, A.MethodDecl)
    text = harness(decl, "MaxIndex", [{"a": [1, 5, 2]}], "a.Length >= 1")
    assert "ghost var m" in text
    assert "m, p := MaxIndex(a);" in text
    assert 'print "P2S 0 p "' in text and 'print "P2S 0 m "' not in text


def test_ghost_result_method_passes_cosimulation(dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "ghost_result.dfy", "MaxIndex", dafny, tmp_path)
