"""Preconditions random inputs rarely meet (a strictly sorted array and a key between its ends
that it does not hold; an array that must hold another's prefix sums) -> XLS -> RTL, co-simulated
against Dafny's own compiled program (real Dafny, XLS, iverilog) on a full set of vectors: the
candidates shaped by the precondition (toolchain/cosim/shaped.py) pass Dafny's compiled check,
which still judges every candidate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = """
predicate StrictlySorted(a: array<int>)
  reads a
{
  forall i, j :: 0 <= i < j < a.Length ==> a[i] < a[j]
}

// where `key` goes in a strictly sorted array that does not hold it (BPTree-style insertion)
method InsertPosition(a: array<int>, key: int) returns (pos: int)
  requires 4 <= a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 1000
  requires StrictlySorted(a)
  requires 0 <= key <= 1000 && key !in a[..]
  requires a[0] < key < a[a.Length - 1]
  ensures 0 < pos < a.Length
  ensures forall k :: 0 <= k < pos ==> a[k] < key
  ensures forall k :: pos <= k < a.Length ==> a[k] > key
{
  pos := 0;
  while pos < a.Length && a[pos] < key
    invariant 0 <= pos <= a.Length
    invariant forall k :: 0 <= k < pos ==> a[k] < key
  {
    pos := pos + 1;
  }
}

// a range sum read off prefix sums (the CVS handout's queryFast): c must be a's prefix sums
method RangeSum(a: array<int>, c: array<int>, i: int, j: int) returns (r: int)
  requires a.Length + 1 == c.Length && c.Length <= 9 && c[0] == 0
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 100
  requires forall k :: 0 <= k < c.Length ==> 0 <= c[k] <= 800
  requires forall k :: 0 <= k < a.Length ==> c[k + 1] == c[k] + a[k]
  requires 0 <= i <= j <= a.Length
  ensures r == c[j] - c[i]
{
  r := c[j] - c[i];
}
"""


@pytest.mark.parametrize("method", ["InsertPosition", "RangeSum"])
def test_tight_precondition_gets_every_vector(
    method: str, dafny: DafnyEngine, tmp_path: Path
) -> None:
    # 24 vectors, all accepted by Dafny's compiled precondition and all matching; the plain
    # candidates alone give 7 (InsertPosition) and 0 (RangeSum) of the 96 drawn
    r = passes_cosimulation(PROGRAM, "shaped.dfy", method, dafny, tmp_path)
    assert r.cosim.rejected_candidates > 0  # the plain candidates were still offered and judged
