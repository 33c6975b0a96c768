"""Dafny chars and strings in the front end: a char is its code point (21 bits, Dafny's type keeps
it in range, so no obligation compares a char with an int), literals and escapes read as code
points, a `string` parameter is a read-only sequence; what has no fixed size is refused where it
is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.chars import char_value, string_value
from toolchain.frontend.interp import run_method

CHARS = (Path(__file__).parent.parent / "synth" / "data" / "chars.dfy").read_text()


@pytest.mark.parametrize(
    ("text", "point"),
    [("'a'", 97), ("'\\n'", 10), ("'\\''", 39), ("'\\u00e9'", 0xE9), ("'\\U{1F600}'", 0x1F600)],
)
def test_char_literals_are_code_points(text: str, point: int) -> None:
    assert char_value(text) == point


def test_string_literals_are_code_points() -> None:
    assert string_value('"a\\tb"') == [97, 9, 98]
    assert string_value('@"say ""hi"""') == [ord(c) for c in 'say "hi"']
    assert char_value("'\\q'") is None


def test_char_ports_are_21_bit_code_points(dafny: DafnyEngine) -> None:
    r = lower(CHARS, "ToLower", filename="chars.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    types = {p.name: p.type for p in r.method.ports}
    assert types["c"] == ir.IntType(width=21, signed=False)
    assert types["d"] == ir.IntType(width=21, signed=False)
    assert all(p.chars for p in r.method.ports)
    assert {w.name: w.status for w in r.method.widths} == {
        "c": ir.WidthStatus.DECLARED,
        "d": ir.WidthStatus.DECLARED,
    }
    for c, d in ((ord("A"), ord("a")), (ord("Z"), ord("z")), (ord("!"), ord("!")), (0x10FFFF,) * 2):
        assert run_method(r.method, {"c": c})["d"] == d


def test_string_parameter_is_a_char_sequence(dafny: DafnyEngine) -> None:
    r = lower(CHARS, "CountVowels", filename="chars.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    s = next(p for p in r.method.ports if p.name == "s")
    assert isinstance(s.type, ir.ArrayType) and s.type.kind == "seq" and s.chars
    assert s.type.element == ir.IntType(width=21, signed=False) and s.type.max_length == 16
    # the local char `c` has no obligation: only n and i are proven
    assert {o.variable for o in r.method.obligations} <= {"n", "i"}
    assert all(o.proven is True for o in r.method.obligations)
    word = [ord(x) for x in "Hello\n\u00e9'x"]
    assert run_method(r.method, {"s": word})["n"] == 5


@pytest.mark.parametrize(
    ("src", "code", "at"),
    [
        # no bound on |s|: hardware would need an unbounded buffer
        (
            "method M(s: string) returns (n: int) ensures n == |s| { n := |s|; }",
            "HW202",
            "s: string",
        ),
        # a string built in code has no fixed size
        (
            'method M(c: char) returns (b: bool) { var t := "ab"; b := c == t[0]; }',
            "HW104",
            '"ab"',
        ),
    ],
)
def test_unbounded_or_built_strings_are_refused_where_written(
    src: str, code: str, at: str, dafny: DafnyEngine
) -> None:
    r = lower(src, "M", filename="s.dfy", engine=dafny)
    assert r.method is None or r.errors
    found = [d for d in r.diagnostics if d.code == code]
    assert found, [(d.code, d.message) for d in r.diagnostics]
    off = src.index(at)
    assert found[0].range.start.character == off
