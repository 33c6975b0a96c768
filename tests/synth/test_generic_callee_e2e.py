"""A generic method called with concrete types is inlined with its type parameters bound to them
(toolchain/frontend/lowering/generics.py): `swap<T>` on an `array<bool>` (vstte2012 two-way
sort), then XLS -> RTL co-simulated against Dafny's compiled program (real Dafny, XLS, iverilog).
An integer T stays refused: its width proofs cannot be stated in the generic text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
method swap<T>(a: array<T>, i: int, j: int)
  requires 0 <= i < j < a.Length
  modifies a
  ensures a[i] == old(a[j])
  ensures a[j] == old(a[i])
  ensures forall m :: 0 <= m < a.Length && m != i && m != j ==> a[m] == old(a[m])
  ensures multiset(a[..]) == old(multiset(a[..]))
{
  var t := a[i];
  a[i] := a[j];
  a[j] := t;
}

method two_way_sort(a: array<bool>)
  requires a.Length <= 8
  modifies a
  ensures forall m, n :: 0 <= m < n < a.Length ==> (!a[m] || a[n])
  ensures multiset(a[..]) == old(multiset(a[..]))
{
  var i := 0;
  var j := a.Length - 1;
  while (i <= j)
    invariant 0 <= i <= j + 1 <= a.Length
    invariant forall m :: 0 <= m < i ==> !a[m]
    invariant forall n :: j < n < a.Length ==> a[n]
    invariant multiset(a[..]) == old(multiset(a[..]))
  {
    if (!a[i]) {
      i := i + 1;
    } else if (a[j]) {
      j := j - 1;
    } else {
      swap(a, i, j);
      i := i + 1;
      j := j - 1;
    }
  }
}

method Reverse2(a: array<int>)
  requires 2 <= a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  modifies a
{
  swap(a, 0, a.Length - 1);
}

method Pick<T>(x: T, y: T, first: bool) returns (r: T)
  ensures r == if first then x else y
{
  r := if first then x else y;
}

method Larger(x: int, y: int) returns (r: int)
  requires 0 <= x <= 1000 && 0 <= y <= 1000
  ensures r >= x && r >= y
{
  r := Pick(x, y, x >= y);
}

method Choose(x: bool, y: bool, first: bool) returns (r: bool)
  ensures r == if first then x else y
{
  r := Pick(x, y, first);
}
"""

METHODS = ["two_way_sort", "Choose"]


@pytest.mark.parametrize("method", METHODS)
def test_generic_callee_takes_the_argument_types(method: str) -> None:
    result = lower(PROGRAM, method)
    assert result.method is not None and not result.errors, [d.message for d in result.diagnostics]


@pytest.mark.parametrize("method", METHODS)
def test_generic_callee_cosimulates(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "generic.dfy", method, dafny, tmp_path)


@pytest.mark.parametrize("method", ["Reverse2", "Larger"])
def test_an_integer_type_argument_stays_refused(method: str) -> None:
    result = lower(PROGRAM, method)
    assert result.method is None
    assert any(d.code == "HW111" and "generic" in d.message for d in result.errors)
