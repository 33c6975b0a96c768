"""Methods that return a freshly allocated array or a built sequence, called from another
method: the callee's result is a buffer of its own whose capacity Dafny proves in the callee
(toolchain/frontend/lowering/returned_buffers.py), then XLS -> RTL co-simulated against Dafny's
compiled program (real Dafny, XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
// copyArr of QS_BoilerPlate1 Ex2: a fresh array holding a[l..r]
method CopyArr(a: array<int>, l: int, r: int) returns (ret: array<int>)
  requires 0 <= l < r <= a.Length
  ensures ret.Length == r - l
  ensures ret[..] == a[l..r]
  ensures fresh(ret)
{
  var size := r - l;
  ret := new int[size];
  var i := 0;
  while i < size
    invariant 0 <= i <= size
    invariant ret[..i] == a[l..l + i]
  {
    ret[i] := a[i + l];
    i := i + 1;
  }
}

method Ends(a: array<int>) returns (s: int)
  requires 2 <= a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
{
  var m := a.Length / 2;
  var right := CopyArr(a, m, a.Length);
  right[0] := right[0] + 1;  // the copy is fresh: a stays as it was
  s := right[0] + right[right.Length - 1] + a[m];
}

method Pair(x: int, y: int) returns (r: seq<int>)
  requires 0 <= x <= 100 && 0 <= y <= 100
  ensures |r| == 2 && r[0] == y && r[1] == x
{
  r := [y, x];
}

// a returned sequence taken by a declaration, then copied into the result
method Twice(x: int, y: int) returns (out: seq<int>)
  requires 0 <= x <= 100 && 0 <= y <= 100
  ensures |out| == 2
{
  var p := Pair(x, y);
  out := Pair(p[0] / 2, p[1]);
}

// the caller goes on to build the sequence it was given: its capacity is the caller's fact
method Grow(x: int, y: int) returns (out: seq<int>)
  requires 0 <= x <= 100 && 0 <= y <= 100
  ensures |out| == 3
{
  var p := Pair(x, y);
  p := p + [x + y];
  out := p;
}
"""


@pytest.mark.parametrize("method", ["Ends", "Twice", "Grow"])
def test_returned_buffers_lower(method: str) -> None:
    result = lower(PROGRAM, method)
    assert result.method is not None and not result.errors, [d.message for d in result.diagnostics]


@pytest.mark.parametrize("method", ["Ends", "Twice", "Grow"])
def test_returned_buffers_cosimulate(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "returned.dfy", method, dafny, tmp_path)
