"""Untyped, uninitialised locals get the type of the first value assigned when the syntax makes
it evident (toolchain/frontend/lowering/untyped_locals.py); otherwise the located refusal stays."""

from __future__ import annotations

from toolchain.frontend import ir, lower

SOURCE = """
method M(a: array<int>, n: nat, b: bv8) returns (r: int)
  requires a.Length == 4 && n < 10
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 100
{
  var i, k: int;
  var flag, e, m, w;
  i := 0;
  k := 1;
  flag := i < n;
  e := a[2];
  m := n;
  w := b + 1;
  r := if flag then e + m else k;
  if w == 0 {
    r := 0;
  }
}
"""


def _local_types(source: str, method: str) -> dict[str, ir.HwType]:
    result = lower(source, method)
    assert result.method is not None, [d.message for d in result.diagnostics]
    return {v.name: v.type for v in result.method.locals}


def test_untyped_locals_take_the_first_assigned_type() -> None:
    types = _local_types(SOURCE, "M")
    assert isinstance(types["flag"], ir.BoolType)
    for name in ("i", "e", "m"):
        t = types[name]
        assert isinstance(t, ir.IntType) and not t.wraps, name
    w = types["w"]
    assert isinstance(w, ir.IntType) and w.wraps and w.width == 8  # bv8 + 1 stays a bv8


def test_nat_source_gives_int_not_nat() -> None:
    # `m := n` with n: nat: the local is an int (no fact the program does not state); its
    # range [0, 9] still comes from the range analysis of what is assigned
    types = _local_types(SOURCE, "M")
    m = types["m"]
    assert isinstance(m, ir.IntType) and m.width is not None and m.width <= 4


def test_call_results_type_locals() -> None:
    source = """
function Twice(x: int): int { 2 * x }
method DivMod(x: int, y: int) returns (q: int, r: int)
  requires 0 <= x < 100 && 0 < y < 10
{
  q := x / y;
  r := x % y;
}
method N(y: int) returns (s: int)
  requires 1 <= y < 10
{
  var t, q, r;
  t := Twice(y);
  q, r := DivMod(t, y);
  s := t + q + r;
}
"""
    types = _local_types(source, "N")
    for name in ("t", "q", "r"):
        assert isinstance(types[name], ir.IntType), name


def test_type_not_evident_stays_a_located_refusal() -> None:
    source = """
method N(y: int, m: map<int, int>) returns (r: int)
  requires 0 <= y < 10 && y in m
{
  var t;
  t := m[y];
  r := t;
}
"""
    result = lower(source, "N")
    assert result.method is None
    d = next(d for d in result.diagnostics if d.code == "HW114")
    assert "cannot infer the type of t" in d.message
    assert d.range.start.line == 4  # the declaration `var t;` (0-based lines)
