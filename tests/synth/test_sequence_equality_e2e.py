"""`s == t` on sequences and slices in executable code is a loop over the elements
(toolchain/frontend/lowering/sequence_equality.py), then XLS -> RTL co-simulated against Dafny's
compiled program (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
// MBPP 576 (is a list a sublist of another), with the search that the task asks for; the
// co-simulation compares the result with Dafny's compiled program
method IsSublist(sub: seq<bool>, main: seq<bool>) returns (result: bool)
  requires |sub| <= 3 && |main| <= 6 && |sub| <= |main|
{
  result := false;
  var i := 0;
  while i <= |main| - |sub|
    invariant 0 <= i <= |main| - |sub| + 1
  {
    if sub == main[i..i + |sub|] {
      result := true;
    }
    i := i + 1;
  }
}

method SameHalves(a: array<int>) returns (same: bool, differ: bool)
  requires a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 1
  ensures same == (a[..a.Length / 2] == a[a.Length / 2..a.Length / 2 * 2])
  ensures differ == !same
{
  var h := a.Length / 2;
  same := a[..h] == a[h..2 * h];
  differ := a[..h] != a[h..2 * h];
}
"""


@pytest.mark.parametrize("method", ["IsSublist", "SameHalves"])
def test_sequence_equality_lowers(method: str) -> None:
    result = lower(PROGRAM, method)
    assert result.method is not None and not result.errors, [d.message for d in result.diagnostics]


@pytest.mark.parametrize("method", ["IsSublist", "SameHalves"])
def test_sequence_equality_cosimulates(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "equal.dfy", method, dafny, tmp_path)
