"""An `if` whose guard reads a ghost variable is a ghost statement (Dafny allows only ghost
updates in it): the hardware leaves it out (toolchain/frontend/lowering/ghost_code.py) instead of
refusing "ghost variable used in executable code". The selection sort around such proof
bookkeeping co-simulates against Dafny's compiled program (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
predicate Ordered(a: array<int>, lo: int, hi: int)
  requires 0 <= lo <= hi <= a.Length
  reads a
{
  forall i, j :: lo <= i < j < hi ==> a[i] <= a[j]
}

// the selection sort of dafny examples/SelectionSort.dfy: minValue only tells the proof what
// a[i] holds
method SelectionSort(a: array<int>)
  requires a.Length <= 6
  requires forall k :: 0 <= k < a.Length ==> -50 <= a[k] <= 50
  modifies a
  ensures Ordered(a, 0, a.Length)
  ensures multiset(a[..]) == multiset(old(a[..]))
{
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant Ordered(a, 0, i)
    invariant forall p, q :: 0 <= p < i <= q < a.Length ==> a[p] <= a[q]
    invariant multiset(a[..]) == multiset(old(a[..]))
  {
    ghost var minValue := a[i];
    var j := i + 1;
    while j < a.Length
      invariant i + 1 <= j <= a.Length
      invariant a[i] == minValue
      invariant forall q :: i <= q < j ==> a[i] <= a[q]
      invariant Ordered(a, 0, i)
      invariant forall p, q :: 0 <= p < i <= q < a.Length ==> a[p] <= a[q]
      invariant multiset(a[..]) == multiset(old(a[..]))
    {
      if a[j] < minValue {
        minValue := a[j];
      }
      if a[j] < a[i] {
        a[i], a[j] := a[j], a[i];
      }
      j := j + 1;
    }
    i := i + 1;
  }
}
"""


def test_an_if_on_a_ghost_guard_is_ghost() -> None:
    result = lower(PROGRAM, "SelectionSort")
    assert result.method is not None and not result.errors, [d.message for d in result.diagnostics]
    assert not any("minValue" in v.name for v in result.method.locals)


def test_selection_sort_with_ghost_bookkeeping_cosimulates(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    passes_cosimulation(PROGRAM, "selection.dfy", "SelectionSort", dafny, tmp_path)
