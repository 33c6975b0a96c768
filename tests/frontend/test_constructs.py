"""Dafny constructs real corpus programs use: alternative `if` / `while` (case arms) and `forall`
statements over arrays. Each lowers to existing IR forms and the real Dafny proves its widths;
the shapes that cannot keep Dafny's meaning are refused at the right place."""

from __future__ import annotations

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interp import run_method

TRUSTED = {ir.WidthStatus.PROVEN, ir.WidthStatus.PRECONDITION, ir.WidthStatus.DECLARED}

ALTERNATIVES = """
method Abs(x: int) returns (y: int)
  requires -1000 <= x <= 1000
  ensures y >= 0 && (y == x || y == -x)
{
  if {
    case x >= 0 => y := x;
    case x <= 0 => y := -x;
  }
}

method Gcd(a: int, b: int) returns (g: int)
  requires 0 < a <= 255 && 0 < b <= 255
  ensures 0 < g <= 255
{
  var x, y := a, b;
  while
    invariant 0 < x <= 255 && 0 < y <= 255
    decreases x + y
  {
    case x > y => x := x - y;
    case y > x => y := y - x;
  }
  g := x;
}

method Sign(b: bool, x: int) returns (s: int)
  requires -5 <= x <= 5
  ensures -1 <= s <= 1
{
  s := 0;
  if case b => s := 1;
     case !b && x < 0 => s := -1;
     case !b && x >= 0 => s := 0;
}
"""

FORALLS = """
method Clamp(a: array<int>)
  requires a.Length == 8
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  modifies a
  ensures forall k :: 0 <= k < a.Length ==> a[k] == if old(a[k]) < 0 then 0 else old(a[k])
{
  forall i | 0 <= i < a.Length && a[i] < 0 {
    a[i] := 0;
  }
}

method Fill(a: array<int>, v: int)
  requires a.Length == 6 && 0 <= v < 10
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 20
  modifies a
  ensures forall k :: 1 <= k <= 4 ==> a[k] == v + k
{
  forall i | 1 <= i <= 4 { a[i] := v + i; }
}

lemma Zero(k: int) ensures k * 0 == 0 {}

method Proof(a: array<bv8>) returns (s: int)
  requires a.Length == 4
  ensures s == 0
{
  forall k | 0 <= k < 4 ensures k * 0 == 0 { Zero(k); }
  s := 0;
}

method Shift(a: array<int>)
  modifies a
{
  forall i | 0 <= i < a.Length - 1 { a[i] := a[i + 1]; }
}
"""


def _widths_trusted(m: ir.HardwareMethod) -> None:
    """Every width is proven by Dafny or fixed by the contract; only array contents and `for`
    counters (ranged by the loop's bounds) may be derived, as in the kernel corpus."""
    assert m.widths
    counters = {s.var for s in ir.walk_stmts(m.body) if isinstance(s, ir.For)}
    for w in m.widths:
        if w.name.endswith("[..]") or w.name in counters:
            assert w.status in TRUSTED | {ir.WidthStatus.DERIVED}, w
        else:
            assert w.status in TRUSTED, w
    assert all(o.proven is True for o in m.obligations)


def test_alternative_if_is_an_ordered_chain(dafny: DafnyEngine) -> None:
    r = lower(ALTERNATIVES, "Abs", filename="alt.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    top = r.method.body[0]
    assert isinstance(top, ir.If) and isinstance(top.otherwise[0], ir.If)
    _widths_trusted(r.method)
    # x == 0 satisfies both guards: the first arm runs, as in Dafny's compiled program
    for x in (-1000, -3, 0, 7, 1000):
        assert run_method(r.method, {"x": x})["y"] == abs(x)


def test_alternative_if_without_braces(dafny: DafnyEngine) -> None:
    r = lower(ALTERNATIVES, "Sign", filename="alt.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    _widths_trusted(r.method)
    got = {(b, x): run_method(r.method, {"b": b, "x": x})["s"] for b in (0, 1) for x in (-5, 0, 5)}
    assert got == {(1, -5): 1, (1, 0): 1, (1, 5): 1, (0, -5): -1, (0, 0): 0, (0, 5): 0}


def test_alternative_while_is_a_guarded_loop(dafny: DafnyEngine) -> None:
    r = lower(ALTERNATIVES, "Gcd", filename="alt.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    loop = next(s for s in r.method.body if isinstance(s, ir.While))
    assert isinstance(loop.cond, ir.Binary) and loop.cond.op == ir.BinOp.OR
    assert loop.max_trips is not None and loop.max_trips <= 511
    _widths_trusted(r.method)
    for a, b, g in ((12, 18, 6), (255, 1, 1), (7, 7, 7), (240, 135, 15)):
        assert run_method(r.method, {"a": a, "b": b})["g"] == g


def test_forall_update_with_a_filter_is_a_guarded_for_loop(dafny: DafnyEngine) -> None:
    r = lower(FORALLS, "Clamp", filename="fa.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    loop = r.method.body[0]
    assert isinstance(loop, ir.For) and isinstance(loop.body[0], ir.If)
    _widths_trusted(r.method)
    a = [-100, 5, -1, 0, 100, -7, 3, -50]
    out = run_method(r.method, {"a": a})["a"]
    assert out == [max(0, v) for v in a]


def test_forall_inclusive_bound(dafny: DafnyEngine) -> None:
    r = lower(FORALLS, "Fill", filename="fa.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    out = run_method(r.method, {"a": [9, 9, 9, 9, 9, 9], "v": 3})["a"]
    assert out == [9, 4, 5, 6, 7, 9]


def test_proof_forall_is_ghost() -> None:
    r = lower(FORALLS, "Proof", filename="fa.dfy")
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    assert not any(isinstance(s, ir.For | ir.While) for s in ir.walk_stmts(r.method.body))


@pytest.mark.parametrize(
    ("src", "method", "code", "at"),
    [
        (FORALLS, "Shift", "HW108", "a[i + 1]"),
        (
            "method M(a: array<int>) modifies a { forall i | 0 <= i < a.Length { a[i] := a[0]; } }",
            "M",
            "HW108",
            "a[0]",
        ),
        (
            "method M(a: array<int>) modifies a { forall i | i in {1, 2} { a[i] := 0; } }",
            "M",
            "HW108",
            "i in {1, 2}",
        ),
    ],
)
def test_forall_that_is_not_an_ordered_loop_is_refused(
    src: str, method: str, code: str, at: str
) -> None:
    r = lower(src, method, filename="fa.dfy")
    found = [d for d in r.diagnostics if d.code == code]
    assert found, [(d.code, d.message) for d in r.diagnostics]
    off = src.index(at)
    line = src.count("\n", 0, off)
    col = off - (src.rfind("\n", 0, off) + 1)
    assert (found[0].range.start.line, found[0].range.start.character) == (line, col)


RECURSION = """
function gcd(a: nat, b: nat): nat
  decreases b
{ if b == 0 then a else gcd(b, a % b) }

method Gcd(a: int, b: int) returns (r: int)
  requires 0 < a <= 1000 && 0 <= b <= 1000
  ensures r == gcd(a, b)
  decreases b
{
  if b == 0 {
    r := a;
  } else {
    r := Gcd(b, a % b);
    assert r == gcd(a, b);
  }
}

method Search(a: array<int>, i: int, x: int) returns (k: int)
  requires a.Length == 8 && 0 <= i <= a.Length
  requires forall q :: 0 <= q < a.Length ==> -100 <= a[q] <= 100
  requires -100 <= x <= 100
  ensures -1 <= k < a.Length
  ensures k >= 0 ==> a[k] == x
  decreases a.Length - i
{
  if i == a.Length { return -1; }
  if a[i] == x { return i; }
  k := Search(a, i + 1, x);
}

method Sum(n: int) returns (s: int)
  requires 0 <= n <= 10
  decreases n
{
  if n == 0 { s := 0; } else { var t := Sum(n - 1); var u := Sum(n / 2); s := t + u; }
}

method Late(n: int) returns (s: int)
  requires 0 <= n <= 10
  decreases n
{
  s := 0;
  if n > 0 { s := Late(n - 1); s := s + 1; }
  while s > 100 decreases s { s := s - 1; }
}
"""


def _copies_derived(m: ir.HardwareMethod, derived_ok: frozenset[str] = frozenset()) -> None:
    """Users' variables are proven; the loop's parameter copies (`p_rec`, not source
    variables) are derived by the interval analysis over the loop, as are results set only by
    `return e` (the front end proves no range at a `return`, recursive or not)."""
    for w in m.widths:
        if w.name.endswith("_rec") or w.name.endswith("[..]") or w.name in derived_ok:
            assert w.status in TRUSTED | {ir.WidthStatus.DERIVED}, w
        else:
            assert w.status in TRUSTED, w
    assert all(o.proven is True for o in m.obligations)


def test_tail_recursive_method_is_a_loop(dafny: DafnyEngine) -> None:
    r = lower(RECURSION, "Gcd", filename="rec.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    assert any(isinstance(s, ir.While) for s in r.method.body)
    _copies_derived(r.method)
    widths = {w.name: w for w in r.method.widths}
    assert widths["a_rec"].hi <= 1000 and widths["b_rec"].hi <= 1000
    for a, b, g in ((12, 18, 6), (7, 0, 7), (1000, 999, 1), (840, 36, 12)):
        assert run_method(r.method, {"a": a, "b": b})["r"] == g


def test_tail_recursion_with_early_returns_and_an_array(dafny: DafnyEngine) -> None:
    r = lower(RECURSION, "Search", filename="rec.dfy", engine=dafny)
    assert not r.diagnostics, [(d.code, d.message) for d in r.diagnostics]
    assert r.method is not None
    _copies_derived(r.method, frozenset({"k"}))
    loop = next(s for s in r.method.body if isinstance(s, ir.While))
    # the trip bound comes from `decreases a.Length - i`: at most 8 recursing trips + the last
    assert loop.max_trips is not None and loop.max_trips <= 10
    a = [3, -1, 7, 7, 100, -100, 0, 2]
    for i, x, k in ((0, 7, 2), (3, 7, 3), (4, 7, -1), (0, 2, 7), (8, 3, -1), (0, 5, -1)):
        assert run_method(r.method, {"a": a, "i": i, "x": x})["k"] == k


# linear recursion of a method that reads as a function runs on a stack
# (tests/frontend/test_recursive_methods.py); tree recursion (two calls with different
# arguments) and bodies with loops do not
@pytest.mark.parametrize(("method", "at"), [("Sum", "Sum(n / 2)"), ("Late", "Late(n - 1)")])
def test_recursion_outside_tail_position_is_refused(method: str, at: str) -> None:
    r = lower(RECURSION, method, filename="rec.dfy")
    found = [d for d in r.diagnostics if d.code == "HW101"]
    assert found, [(d.code, d.message) for d in r.diagnostics]
    off = RECURSION.index(at)
    assert found[0].range.start.line == RECURSION.count("\n", 0, off)
