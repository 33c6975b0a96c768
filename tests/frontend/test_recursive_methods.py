"""Linearly recursive methods in the front end: a method with one result whose body is
straight-line code and `if`s reads as the function it computes and runs on a stack; the stack's
depth and the result's range per level are claims on the method that real Dafny proves. A method
that writes the heap, or returns before its end, keeps the HW101 refusal at the call."""

from __future__ import annotations

from pathlib import Path

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interp import run_method

PROGRAM = (Path(__file__).parent.parent / "synth" / "data" / "recursive_methods.dfy").read_text()


def test_recursive_method_runs_on_a_proven_stack(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Mult", filename="rm.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    status = {w.name: w.status for w in r.method.widths}
    assert status["Mult_result"] == ir.WidthStatus.PROVEN
    assert r.obligation_program is not None
    # the stack holds x + 1 levels: x < 16 at every call, proven by Dafny on the method
    assert "requires x < 16" in r.obligation_program
    assert "ensures 0 <= r <= 16983" in r.obligation_program
    for x, y in ((0, 7), (1, 999), (15, 999), (9, 13)):
        assert run_method(r.method, {"x": x, "y": y})["r"] == x * y


def test_returns_on_every_path_read_as_results() -> None:
    r = lower(PROGRAM, "AddUp", filename="rm.dfy")
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    assert [run_method(r.method, {"n": n, "m": 5})["res"] for n in (0, 1, 20)] == [5, 6, 25]


def test_a_recursive_method_that_writes_an_array_is_refused_at_the_call() -> None:
    text = """method Fill(a: array<int>, k: int) returns (c: int)
  requires 0 <= k <= a.Length <= 8
  modifies a
  decreases k
{
  if k == 0 { c := 0; } else { var d := Fill(a, k - 1); a[k - 1] := d; c := d + 1; }
}"""
    r = lower(text, "Fill", filename="f.dfy")
    assert r.method is None
    hits = [d for d in r.diagnostics if d.code == "HW101"]
    assert hits and "recursive call to Fill" in hits[0].message
    assert (hits[0].range.start.line, hits[0].range.start.character) == (5, 40)


def test_an_early_return_before_more_code_is_refused() -> None:
    text = """method Down(n: nat) returns (r: nat)
  requires n < 8
  decreases n
{
  if n == 0 { return 0; }
  var s := Down(n - 1);
  r := s + 1;
}"""
    r = lower(text, "Down", filename="d.dfy")
    assert r.method is None
    assert any(d.code == "HW101" for d in r.diagnostics)


# the shape of GPT-4's reply to MBPP task 93 (power by squaring: `var temp := Power(a, b / 2);
# result := temp * temp`): one call whose result is read twice, which reading the method as a
# function writes as two identical calls; was refused as tree recursion
DOUBLING = """method Double(n: nat) returns (r: nat)
  requires n < 10
  decreases n
{
  if n == 0 { r := 1; } else { var t := Double(n - 1); r := t + t; }
}"""


def test_a_result_read_twice_is_one_pending_call(dafny: DafnyEngine) -> None:
    r = lower(DOUBLING, "Double", filename="d.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    assert {w.name: w.status for w in r.method.widths}["Double_result"] == ir.WidthStatus.PROVEN
    assert [run_method(r.method, {"n": n})["r"] for n in range(10)] == [2**n for n in range(10)]


def test_calls_with_different_arguments_stay_tree_recursion() -> None:
    text = """function Fib(n: nat): nat decreases n { if n < 2 then n else Fib(n - 1) + Fib(n - 1 - 1) }
method UseFib(x: nat) returns (y: nat) requires x < 8 { y := Fib(x); }"""
    r = lower(text, "UseFib", filename="f.dfy")
    hits = [d for d in r.diagnostics if d.code == "HW101"]
    assert r.method is None and hits and "different arguments" in hits[0].message
