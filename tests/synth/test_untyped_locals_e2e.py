"""Locals declared without a type or value (`var i;`, the `i` of `var i, k: int;`), typed from
the first value assigned (toolchain/frontend/lowering/untyped_locals.py) -> XLS -> RTL,
co-simulated against Dafny's own compiled program (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = """
// locals declared without a type or a value, as in findMax of the pancake sort exercise: Dafny
// infers each type from the first value assigned
method FindMax(a: array<int>, n: int) returns (r: int)
  requires 0 < n <= a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -1000 <= a[k] <= 1000
  ensures 0 <= r < n
  ensures forall k :: 0 <= k < n ==> a[r] >= a[k]
{
  var mi;
  var i;
  mi := 0;
  i := 0;
  while i < n
    invariant 0 <= i <= n
    invariant 0 <= mi < n
    invariant forall k :: 0 <= k < i ==> a[mi] >= a[k]
  {
    if a[i] > a[mi] {
      mi := i;
    }
    i := i + 1;
  }
  r := mi;
}

// `var i, k: int;` types k only; i and the flag are inferred
method CountOdd(n: int) returns (c: int)
  requires 0 <= n <= 100
  ensures 0 <= c <= n
{
  var i, k: int;
  var odd;
  c := 0;
  i := 0;
  odd := false;
  while i < n
    invariant 0 <= i <= n
    invariant 0 <= c <= i
  {
    k := i % 2;
    odd := k == 1;
    if odd {
      c := c + 1;
    }
    i := i + 1;
  }
}
"""


@pytest.mark.parametrize("method", ["FindMax", "CountOdd"])
def test_untyped_locals_pass_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "untyped.dfy", method, dafny, tmp_path)
