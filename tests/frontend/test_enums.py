"""Enumeration datatypes in the front end: a value is its constructor's index in the fewest
unsigned bits (Dafny's type keeps it in range, so no obligation compares it with an int);
`match` over constructor names is an if chain; records, tagged unions, recursive and generic
datatypes are refused where they are written, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interp import run_method
from toolchain.frontend.parser import parse_program

ENUMS = (Path(__file__).parent.parent / "synth" / "data" / "enums.dfy").read_text()


def test_enum_ports_are_constructor_indices(dafny: DafnyEngine) -> None:
    r = lower(ENUMS, "NextLight", filename="enums.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    types = {p.name: p.type for p in r.method.ports}
    # four lights: indices 0..3 in 2 bits
    assert types["l"] == ir.IntType(width=2, signed=False)
    assert types["next"] == ir.IntType(width=2, signed=False)
    status = {w.name: w.status for w in r.method.widths}
    assert status["l"] == status["next"] == ir.WidthStatus.DECLARED
    assert status["ticks"] == ir.WidthStatus.PROVEN
    # Red -> RedAmber -> Green -> Amber -> Red, with their durations; an emergency forces Red
    expect = {0: (1, 2), 1: (2, 20), 2: (3, 3), 3: (0, 25)}
    for light, (nxt, ticks) in expect.items():
        out = run_method(r.method, {"l": light, "emergency": False})
        assert (out["next"], out["ticks"]) == (nxt, ticks)
        out = run_method(r.method, {"l": light, "emergency": True})
        assert (out["next"], out["ticks"]) == (0, 30)


def test_match_expression_and_discriminators() -> None:
    r = lower(ENUMS, "Alu", filename="enums.dfy")
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    assert {p.name: p.type for p in r.method.ports}["op"] == ir.IntType(width=3, signed=False)
    results = [run_method(r.method, {"op": op, "a": 200, "b": 100})["r"] for op in range(5)]
    assert results == [(200 + 100) % 256, 100, 200 & 100, 200 | 100, 200 ^ 100]
    r = lower(ENUMS, "Classify", filename="enums.dfy")
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    out = run_method(r.method, {"x": -5, "y": 3})
    assert (out["s"], out["same"], out["code"]) == (0, True, 0)
    out = run_method(r.method, {"x": 7, "y": 7})
    assert (out["s"], out["same"], out["code"]) == (1, False, 1)


def test_match_over_constructor_names_parses_as_an_if_chain() -> None:
    text = """datatype T = A | B | C
method M(t: T) returns (n: int) {
  match t { case A => n := 1; case T.B => n := 2; case _ => n := 3; }
}"""
    r = lower(text, "M", filename="m.dfy")
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    assert [run_method(r.method, {"t": t})["n"] for t in range(3)] == [1, 2, 3]
    body = parse_program(text).methods()[0].body
    assert body is not None and type(body.body[0]).__name__ == "IfStmt"


@pytest.mark.parametrize(
    ("decl", "why"),
    [
        ("datatype P = P(x: int, y: int)", "record"),
        ("datatype P = Q(x: int) | R", "constructors with fields"),
        ("datatype P = Nil | Cons(h: int, t: P)", "recursive"),
        ("datatype P<X> = Q | R", "type parameters"),
    ],
)
def test_datatypes_with_data_are_refused_at_the_parameter(decl: str, why: str) -> None:
    text = f"{decl}\nmethod M(p: P) returns (n: int) {{ n := 0; }}"
    r = lower(text, "M", filename="d.dfy")
    assert r.method is None
    hits = [d for d in r.diagnostics if d.code == "HW111"]
    assert hits and why in hits[0].message, [(d.code, d.message) for d in r.diagnostics]
    assert (hits[0].range.start.line, hits[0].range.start.character) == (1, 9)


def test_a_case_that_is_not_a_constructor_is_refused_where_written() -> None:
    # (a last case needs no test: a variable there matches what is left, as Dafny reads it)
    text = """datatype T = A | B
method M(t: T) returns (n: int) {
  match t { case other => n := 1; case A => n := 2; }
}"""
    r = lower(text, "M", filename="m.dfy")
    assert r.method is None
    hits = [d for d in r.diagnostics if d.code == "HW111"]
    assert hits and "other is not a constructor of T" in hits[0].message
    assert (hits[0].range.start.line, hits[0].range.start.character) == (2, 17)


def test_arrays_of_enumerations_are_refused() -> None:
    text = "datatype T = A | B\nmethod M(a: array<T>) returns (n: int) { n := 0; }"
    r = lower(text, "M", filename="m.dfy")
    assert r.method is None
    assert any(
        d.code == "HW111" and "collections of datatype values" in d.message for d in r.diagnostics
    )


def test_constructors_with_fields_and_field_patterns_are_refused_where_written() -> None:
    text = """datatype Opt = None | Some(v: int)
method M(x: int) returns (n: int)
  requires 0 <= x < 10
{
  var o := if x > 0 then Some(x) else None;
  match o { case None => n := 0; case Some(v) => n := v; }
}"""
    r = lower(text, "M", filename="m.dfy")
    assert r.method is None
    where = {
        d.code: (d.range.start.line, d.range.start.character, d.message) for d in r.diagnostics
    }
    assert (
        where["HW111"][:2] == (4, 25)
        and "datatype Opt has constructors with fields" in (where["HW111"][2])
    )
    assert where["HW108"][:2] == (5, 2) and "bind fields" in where["HW108"][2]
