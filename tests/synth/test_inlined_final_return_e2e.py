"""A callee's final `return e;` reads the callee's own locals (`var m, n := ...; return m - 1;`
of the quicksort partition in Program Proofs ch. 15): inlined, it is lowered in the scope of the
callee's body (toolchain/frontend/lowering/calls.py), then XLS -> RTL co-simulated against Dafny's
compiled program (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
method Partition(a: array<int>, lo: int, hi: int) returns (p: int)
  requires 0 <= lo < hi <= a.Length <= 8
  modifies a
  ensures lo <= p < hi
{
  var pivot := a[lo];
  var m, n := lo + 1, hi;
  while m < n
    invariant lo + 1 <= m <= n <= hi
    invariant a[lo] == pivot
  {
    if a[m] < pivot {
      m := m + 1;
    } else {
      a[m], a[n - 1] := a[n - 1], a[m];
      n := n - 1;
    }
  }
  a[lo], a[m - 1] := a[m - 1], a[lo];
  return m - 1;
}

method PartitionAll(a: array<int>) returns (p: int)
  requires 0 < a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  modifies a
  ensures 0 <= p < a.Length
{
  p := Partition(a, 0, a.Length);
}
"""


def test_the_final_return_of_a_callee_reads_its_locals() -> None:
    result = lower(PROGRAM, "PartitionAll")
    assert result.method is not None and not result.errors, [d.message for d in result.diagnostics]


def test_partition_through_an_inlined_call_cosimulates(dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "partition.dfy", "PartitionAll", dafny, tmp_path)
