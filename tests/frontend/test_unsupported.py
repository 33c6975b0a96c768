"""Each construct that cannot become hardware is diagnosed at the right place, with its reason."""

from __future__ import annotations

import pytest

from toolchain.frontend import lower

# (method source, method name, expected code, the text the diagnostic must start at)
CASES = [
    (
        # two pending calls per level (tree recursion): more than a stack of arguments
        """function method Fib(n: nat): nat { if n < 2 then n else Fib(n - 1) + Fib(n - 2) }
method UseFib(x: nat) returns (y: nat) requires x < 8 { y := Fib(x); }""",
        "UseFib",
        "HW101",
        "Fib(n - 2)",
    ),
    (
        # (linear recursion of a method runs on a stack: test_recursive_methods.py)
        """method Down(n: nat) returns (r: nat) {
  if n > 0 { var t := Down(n - 1); var u := Down(n / 2); r := t + u; } else { r := 0; }
}""",
        "Down",
        "HW101",
        "Down(n / 2)",
    ),
    (
        """class Counter { var c: int
  method Inc() modifies this { c := c + 1; } }""",
        "Inc",
        "HW102",
        "Inc",
    ),
    (
        """class Cell { var v: int }
method Make() returns (x: int) { var o := new Cell; x := 0; }""",
        "Make",
        "HW102",
        "new Cell",
    ),
    (
        """method Build(x: int) returns (n: int) {
  var s := {x};
  n := 0;
}""",
        "Build",
        "HW103",
        "{x}",
    ),
    ("method Keys(m: map<int, int>) returns (n: int) { n := 0; }", "Keys", "HW103", "m: map"),
    ('method Str() returns (n: int) { var s := "abc"; n := 0; }', "Str", "HW104", '"abc"'),
    ("method Re() returns (n: int) { var r := 1.5; n := 0; }", "Re", "HW105", "1.5"),
    ("method Ho() returns (n: int) { var f := x => x + 1; n := 0; }", "Ho", "HW106", "x => x"),
    ("method Any() returns (n: int) { n := *; }", "Any", "HW107", "*"),
    (
        "method While(x: nat) returns (n: nat) { n := x; while * { n := n + 1; } }",
        "While",
        "HW107",
        "while *",
    ),
    # `if *` and `print` become hardware with a warning: tests/synth/test_arbitrary_if_e2e.py and
    # tests/synth/test_print_dropped_e2e.py
    (
        """method Spin(x: nat) returns (n: nat) {
  n := x;
  while n != 1 decreases * { n := if n % 2 == 0 then n / 2 else 3 * n + 1; }
}""",
        "Spin",
        "HW109",
        "while n != 1",
    ),
    (
        # an enumeration is hardware data (tests/frontend/test_enums.py); a record is not yet
        """datatype Point = Point(x: int, y: int)
method Paint(c: Point) returns (n: int) { n := 0; }""",
        "Paint",
        "HW111",
        "c: Point",
    ),
    (
        "method Grid(g: array2<int>) returns (n: int) { n := 0; }",
        "Grid",
        "HW113",
        "g: array2",
    ),
    ("lemma L(x: int) ensures x + 0 == x {}", "L", "HW100", "L"),
]


@pytest.mark.parametrize(
    ("source", "method", "code", "at"), CASES, ids=[c[2] + "-" + c[1] for c in CASES]
)
def test_construct_is_diagnosed_at_its_place(source: str, method: str, code: str, at: str) -> None:
    result = lower(source, method, filename="case.dfy")
    assert result.method is None
    matching = [d for d in result.diagnostics if d.code == code]
    assert matching, [(d.code, d.message) for d in result.diagnostics]
    offset = source.index(at)
    line = source.count("\n", 0, offset)
    col = offset - (source.rfind("\n", 0, offset) + 1)
    starts = [(d.range.start.line, d.range.start.character) for d in matching]
    assert (line, col) in starts, (starts, (line, col), matching[0].message)
    assert all(d.file == "case.dfy" and d.message for d in matching)


def test_every_problem_of_a_method_is_reported_at_once() -> None:
    source = """method Many(x: int) returns (n: int) {
  print x;
  var r := 2.5;
  n := *;
}"""
    result = lower(source, "Many")
    assert {d.code for d in result.diagnostics} >= {"HW108", "HW105", "HW107"}


def test_tail_recursion_and_ghost_code_are_fine() -> None:
    source = """function method Count(n: nat, acc: nat): nat
  requires n <= 100 && acc <= 100
  decreases n
{ if n == 0 then acc else Count(n - 1, if acc < 100 then acc + 1 else acc) }

lemma Helper(x: nat) ensures x >= 0 {}

method Use(n: nat) returns (r: nat)
  requires n <= 100
{
  ghost var g := n;
  Helper(n);
  assert g == n;
  r := Count(n, 0);
}"""
    result = lower(source, "Use")
    assert result.method is not None, [d.message for d in result.diagnostics]
    assert not result.diagnostics
    assert result.method.inlined == ["Count"]


def test_unknown_method_lists_the_methods() -> None:
    result = lower("method A() {}\nmethod B() {}", "C")
    assert result.method is None
    assert result.diagnostics[0].code == "HW100"
    assert "A, B" in result.diagnostics[0].message


def test_parse_error_inside_the_method_is_located() -> None:
    source = "method Bad(x: int) returns (y: int) {\n  y := x + ;\n}\n"
    result = lower(source, "Bad")
    assert result.method is None
    d = result.diagnostics[0]
    assert d.code == "HW110"
    assert d.range.start.line == 1
