"""`continue` (Dafny 4): the rest of the trip is skipped and the loop goes on. Lowered as a
one-trip wrapper loop around the body that `continue` breaks out of; a `break` in such a body
still leaves the source loop it names. Dafny 2.3 (the verifier here) does not parse `continue`,
so these run the IR interpreter on lowering without a verifier."""

from __future__ import annotations

import pytest

from toolchain.frontend import lower
from toolchain.frontend.interp import run_method

PROGRAM = """
method OddSum(n: int) returns (s: int)
  requires 0 <= n <= 20
{
  s := 0;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
  {
    i := i + 1;
    if i % 2 == 0 { continue; }
    s := s + i;
  }
}

method SkipAndStop(a: array<int>) returns (s: int)
  requires a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
{
  // negatives are skipped, a zero ends the scan: `break` still leaves the source loop
  s := 0;
  for i := 0 to a.Length {
    if a[i] < 0 { continue; }
    if a[i] == 0 { break; }
    s := s + a[i];
  }
}

method Pairs(n: int) returns (c: int)
  requires 0 <= n <= 6
{
  // a labelled continue from the inner loop goes on with the outer one
  c := 0;
  var i := 0;
  label outer: while i < n
    invariant 0 <= i <= n
  {
    i := i + 1;
    var j := 0;
    while j < n
      invariant 0 <= j <= n
    {
      j := j + 1;
      if j > i { continue outer; }
      c := c + 1;
    }
  }
}
"""


def _run(method: str, inputs: dict[str, object]) -> object:
    r = lower(PROGRAM, method, filename="k.dfy")
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.errors]
    return run_method(r.method, inputs)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, 1, 2, 7, 20])
def test_continue_skips_the_rest_of_the_trip(n: int) -> None:
    assert _run("OddSum", {"n": n})["s"] == sum(k for k in range(1, n + 1) if k % 2)  # type: ignore[index]


@pytest.mark.parametrize(
    "a", [[], [1, -2, 3], [4, -1, 0, 5], [-1, -1, -1], [0, 9], [7, 8, 9, -9, 1, 2, 0, 3]]
)
def test_break_in_a_loop_with_continue_leaves_the_source_loop(a: list[int]) -> None:
    want = 0
    for v in a:
        if v < 0:
            continue
        if v == 0:
            break
        want += v
    assert _run("SkipAndStop", {"a": a})["s"] == want  # type: ignore[index]


@pytest.mark.parametrize("n", [0, 1, 3, 6])
def test_labelled_continue_goes_on_with_the_outer_loop(n: int) -> None:
    assert _run("Pairs", {"n": n})["c"] == n * (n + 1) // 2  # type: ignore[index]
