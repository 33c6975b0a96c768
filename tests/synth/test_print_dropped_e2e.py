"""`print` changes no result: the hardware leaves it out with a located warning (HW108), and the
design co-simulates against Dafny's compiled program, whose prints (even ones that leave a line
open) do not confuse the harness (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

from shared_schemas.verification import Severity
from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
predicate SortedBetween(A: array<int>, lo: int, hi: int)
  reads A
{
  forall i, j :: 0 <= i <= j < A.Length && lo <= i <= j <= hi ==> A[i] <= A[j]
}

// the bubble sort of Dafny-programs (Algorithms + sorting), which prints as it sorts
method BubbleSort(A: array<int>)
  requires A.Length <= 6
  requires forall k :: 0 <= k < A.Length ==> -50 <= A[k] <= 50
  modifies A
  ensures SortedBetween(A, 0, A.Length - 1)
  ensures multiset(A[..]) == multiset(old(A[..]))
{
  var N := A.Length;
  var i := N - 1;
  while 0 < i
    invariant multiset(A[..]) == multiset(old(A[..]))
    invariant SortedBetween(A, i, N - 1)
    invariant forall n, m :: 0 <= n <= i < m < N ==> A[n] <= A[m]
    decreases i
  {
    print A[..], "\\n";
    var j := 0;
    while j < i
      invariant 0 < i < N
      invariant 0 <= j <= i
      invariant multiset(A[..]) == multiset(old(A[..]))
      invariant SortedBetween(A, i, N - 1)
      invariant forall n, m :: 0 <= n <= i < m < N ==> A[n] <= A[m]
      invariant forall n :: 0 <= n <= j ==> A[n] <= A[j]
      decreases i - j
    {
      if A[j] > A[j + 1] {
        A[j], A[j + 1] := A[j + 1], A[j];
        print "swap ", j;  // leaves the line open
      }
      j := j + 1;
    }
    i := i - 1;
  }
}

method Twice(x: int) returns (y: int)
  requires 0 <= x <= 1000
  ensures y == 2 * x
{
  print x;  // no newline: the harness's own lines must still be read
  y := x + x;
}
"""


def test_print_is_a_located_warning_not_an_error() -> None:
    result = lower(PROGRAM, "BubbleSort")
    assert result.method is not None and not result.errors
    prints = [d for d in result.diagnostics if d.code == "HW108"]
    bubble = PROGRAM.split("method Twice")[0].splitlines()
    wanted = [k for k, ln in enumerate(bubble) if ln.strip().startswith("print ")]
    assert len(wanted) == 2
    assert [d.range.start.line for d in prints] == wanted
    assert all(d.severity == Severity.warning for d in prints)


def test_a_bubble_sort_that_prints_cosimulates(dafny: DafnyEngine, tmp_path: Path) -> None:
    r = passes_cosimulation(PROGRAM, "bubble.dfy", "BubbleSort", dafny, tmp_path)
    assert any("print has no hardware meaning" in w for w in r.warnings)


def test_a_print_without_newline_does_not_hide_results(dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "twice.dfy", "Twice", dafny, tmp_path)
