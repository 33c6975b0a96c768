"""Sequences and arrays as values (issue #16 item 1): built sequences, returned sequences and
fresh arrays, slices, updates and `|s|` lower to fixed-capacity buffers with a run-time length.
The capacity is the range of the length, proven by the real Dafny as an obligation of the
obligation program (`assert lo <= |r| <= hi` after each statement that changes it); what
cannot be bounded is refused at the statement that grows the sequence."""

from __future__ import annotations

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interp import run_method
from toolchain.frontend.ranges import Options
from toolchain.hls.interface import build_interface, describe

PROGRAM = """
method Evens(a: array<int>) returns (r: seq<int>)
  requires a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 256
{
  r := [];
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant |r| <= i
  {
    if a[i] % 2 == 0 {
      r := r + [a[i]];
    }
    i := i + 1;
  }
}

method Reverse(s: seq<int>) returns (r: seq<int>)
  requires |s| <= 6
  requires forall k :: 0 <= k < |s| ==> -50 <= s[k] <= 50
{
  r := [];
  var i := 0;
  while i < |s|
    invariant 0 <= i <= |s|
    invariant |r| == i
  {
    r := [s[i]] + r;
    i := i + 1;
  }
}

method Splice(s: seq<int>, t: seq<int>, i: int) returns (r: seq<int>, n: int)
  requires |s| <= 4 && 1 <= |t| <= 4 && 0 <= i < |s|
  requires forall k :: 0 <= k < |s| ==> 0 <= s[k] < 100
  requires forall k :: 0 <= k < |t| ==> 0 <= t[k] < 100
{
  var u := s[i := 7] + t[1..] + [3];
  r, n := u[..|u| - 1], |u|;
}

method Squares(n: int) returns (a: array<int>)
  requires 0 <= n <= 8
{
  a := new int[n];
  var i := 0;
  while i < n
    invariant 0 <= i <= n
  {
    a[i] := i * i;
    i := i + 1;
  }
}

method Pairs(s: seq<int>) returns (r: seq<int>)
  requires |s| <= 5
  requires forall k :: 0 <= k < |s| ==> 0 <= s[k] < 10
{
  r := [];
  for i := 0 to |s|
  {
    r := r + [s[i], s[i] + 1];
  }
}

method Odds(arr: array<int>) returns (odd: seq<int>)
  requires arr.Length <= 8
{
  odd := [];
  for i := 0 to arr.Length
    invariant 0 <= |odd| <= i
  {
    if arr[i] % 2 != 0 {
      odd := odd + [arr[i]];
    }
  }
}

method Distinct(a: seq<int>, b: seq<int>) returns (r: seq<int>)
  requires |a| <= 6 && 1 <= |b| <= 6
  requires forall k :: 0 <= k < |a| ==> 0 <= a[k] < 8
  requires forall k :: 0 <= k < |b| ==> 0 <= b[k] < 8
{
  r := [];
  var i := 0;
  while i < |a|
    invariant 0 <= i <= |a|
    invariant |r| <= i
  {
    if a[i] !in b[1..] && a[i] !in r {
      r := r + [a[i]];
    }
    i := i + 1;
  }
}

method Upto(n: int) returns (r: seq<int>)
  requires 0 <= n
{
  r := [];
  var i := 0;
  while i < n
    invariant 0 <= i <= n
  {
    r := r + [i];
    i := i + 1;
  }
}
"""

TRUSTED = {
    ir.WidthStatus.PROVEN,
    ir.WidthStatus.PRECONDITION,
    ir.WidthStatus.DECLARED,
    ir.WidthStatus.DERIVED,
}


def _port(m: ir.HardwareMethod, name: str) -> ir.Port:
    return next(p for p in m.ports if p.name == name)


def _capacity(m: ir.HardwareMethod, name: str) -> int | None:
    t = _port(m, name).type
    assert isinstance(t, ir.ArrayType)
    return t.capacity


def _width(m: ir.HardwareMethod, name: str) -> ir.WidthFact:
    return next(w for w in m.widths if w.name == name)


def test_a_filtered_sequence_gets_a_proven_capacity(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Evens", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None
    out = _port(m, "r")
    assert isinstance(out.type, ir.ArrayType) and out.length_var is not None
    # the capacity is the proven range of |r|: Dafny checked `assert 0 <= |r| <= 8` after the
    # append and as a loop invariant
    assert out.type.capacity == 8
    length = _width(m, out.length_var)
    assert (length.lo, length.hi, length.status) == (0, 8, ir.WidthStatus.PROVEN)
    claims = [o for o in m.obligations if "|r|" in o.where]
    assert claims and all(o.proven for o in claims), claims
    assert any("after assignment" in o.where for o in claims)
    assert any("loop head" in o.where for o in claims)
    assert all(w.status in TRUSTED for w in m.widths), m.widths
    got = run_method(m, {"a": [4, 3, 8, 255, 0, 7]})
    assert got["r"] == [4, 8, 0]
    assert run_method(m, {"a": []})["r"] == []


def test_capacity_from_the_trip_count_without_a_user_invariant(dafny: DafnyEngine) -> None:
    # no invariant speaks of |r|: the obligation program carries the accumulator bound
    # (|r| grows by at most 2 a trip) and Dafny proves it
    r = lower(PROGRAM, "Pairs", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None
    cap = _capacity(m, "r")
    assert cap is not None and 10 <= cap <= 12
    helpers = [o for o in m.obligations if "accumulator" in o.where and "|r|" in o.where]
    assert helpers and all(o.proven for o in helpers), m.obligations
    got = run_method(m, {"s": [1, 9, 0]})
    assert got["r"] == [1, 2, 9, 10, 0, 1]


def test_a_for_invariant_bounds_the_length_with_the_exit_value(dafny: DafnyEngine) -> None:
    # `invariant |odd| <= i` holds at the head with i up to arr.Length (after the last trip):
    # read with the body's i <= 7 it claimed |odd| <= 7, and Dafny refuted it (MBPP 426)
    opts = Options(assume_input_bits=32, assume_max_length=16)
    r = lower(PROGRAM, "Odds", filename="seqs.dfy", engine=dafny, options=opts)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    assert r.method is not None and _capacity(r.method, "odd") == 8
    got = run_method(r.method, {"arr": [1, 2, 3, 4, 5, 6, 7, 9]})
    assert got["odd"] == [1, 3, 5, 7, 9]


def test_membership_in_a_sequence_is_a_search(dafny: DafnyEngine) -> None:
    # `x in s`, `x !in s[lo..]` and `x in r` of the buffer being built: a search loop over the
    # elements in range (the run-time length for a buffer)
    r = lower(PROGRAM, "Distinct", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None and _capacity(m, "r") == 6
    got = run_method(m, {"a": [1, 2, 2, 3, 1, 4], "b": [2, 3, 5]})
    # b[1..] == [3, 5]: 3 is left out, repeats are left out
    assert got["r"] == [1, 2, 4]
    assert run_method(m, {"a": [5, 2], "b": [5]})["r"] == [5, 2]


def test_the_interface_documents_buffer_and_length(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Evens", filename="seqs.dfy", engine=dafny)
    assert r.method is not None
    iface = build_interface(r.method)
    outs = [(s.rtl_name, s.kind, s.elements, s.width) for s in iface.outputs]
    assert outs == [("r", "array", 8, 64), ("r_len", "length", 8, 4)]
    assert "r_len [4 bits] <- length of r, capacity 8" in describe(iface)


def test_prepend_goes_through_a_scratch_buffer(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Reverse", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None
    # the range analysis bounds |r| by the trip count plus the one prepended element (the
    # tighter `|r| == i` is a relation it does not carry through the scratch copy); Dafny proves
    # the bound it is given, and a looser capacity is still a sound one
    assert _capacity(m, "r") in (6, 7)
    assert run_method(m, {"s": [1, -2, 3, 50]})["r"] == [50, 3, -2, 1]
    assert run_method(m, {"s": []})["r"] == []


def test_update_slice_and_concatenation(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Splice", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None
    # |u| <= 4 + 3 + 1, |r| = |u| - 1
    assert _capacity(m, "r") == 7
    got = run_method(m, {"s": [1, 2, 3], "t": [10, 11, 12], "i": 1})
    # u = [1, 7, 3] + [11, 12] + [3]
    assert got["r"] == [1, 7, 3, 11, 12] and got["n"] == 6
    got = run_method(m, {"s": [5], "t": [9], "i": 0})
    assert got["r"] == [7] and got["n"] == 2


def test_a_returned_new_array_carries_its_length(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Squares", filename="seqs.dfy", engine=dafny)
    assert not r.errors, [(d.code, d.message) for d in r.errors]
    m = r.method
    assert m is not None
    a = _port(m, "a")
    assert a.length_var is not None and _capacity(m, "a") == 8
    assert _width(m, a.length_var).status == ir.WidthStatus.PROVEN
    assert run_method(m, {"n": 3})["a"] == [0, 1, 4]


def test_an_unbounded_buffer_is_refused_at_the_append(dafny: DafnyEngine) -> None:
    # a 32-bit contract bounds n, so |r| is bounded too, but by 2**31: no such memory is built
    opts = Options(assume_input_bits=32, assume_max_length=16)
    r = lower(PROGRAM, "Upto", filename="seqs.dfy", engine=dafny, options=opts)
    found = [d for d in r.errors if d.code == "HW202" and "|r|" in d.message]
    assert found, [(d.code, d.message) for d in r.errors]
    append = PROGRAM.index("r := r + [i];")
    assert found[0].range.start.line == PROGRAM.count("\n", 0, append)
    assert "requires n <= 64" in found[0].message


def test_without_any_bound_the_input_is_named(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Upto", filename="seqs.dfy", engine=dafny)
    assert r.method is None or r.errors
    assert any(d.code == "HW202" for d in r.errors), [(d.code, d.message) for d in r.errors]


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        (
            "method M(s: seq<int>) returns (r: seq<int>) requires |s| <= 4 "
            "{ r := s; r := r + [|s|]; var t := {1}; }",
            "{1}",
        ),
    ],
)
def test_sets_stay_refused(text: str, marker: str) -> None:
    r = lower(text, "M", filename="s.dfy")
    found = [d for d in r.errors if d.code == "HW103"]
    assert found and found[0].range.start.character == text.index(marker)


FLAGS = """method M(a: array<int>) returns (r: seq<bool>) requires a.Length <= 4 {{
  var t{decl} := [];
  var i := 0;
  while i < a.Length invariant 0 <= i <= a.Length invariant |t| == i {{
    t := t + [a[i] > 0];
    i := i + 1;
  }}
  r := t;
}}"""


def test_an_untyped_empty_sequence_is_not_taken_for_booleans() -> None:
    # `var t := [];` is read as integers; a boolean element is refused where it is appended
    text = FLAGS.format(decl="")
    r = lower(text, "M", filename="s.dfy", options=Options(assume_input_bits=8))
    found = [d for d in r.errors if d.code == "HW114"]
    assert found, [(d.code, d.message) for d in r.errors]
    assert found[0].range.start.line == 4 and "seq<bool>" in found[0].message
    typed = lower(
        FLAGS.format(decl=": seq<bool>"),
        "M",
        filename="s.dfy",
        options=Options(assume_input_bits=8),
    )
    assert not typed.errors, [(d.code, d.message) for d in typed.errors]
    assert typed.method is not None
    assert run_method(typed.method, {"a": [3, -1, 0, 7]})["r"] == [True, False, False, True]
