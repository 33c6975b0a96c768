"""The Dafny subset parser: expressions, declarations, both Dafny 2 and Dafny 4 spellings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from shared_schemas.verification import VerificationStatus
from tests.watchdog import cpu_limit
from toolchain.commands import hw_ir
from toolchain.dafny import DafnyEngine
from toolchain.frontend import ast as A
from toolchain.frontend.facts import facts_from
from toolchain.frontend.parser import ParseError, parse_expression, parse_program

# The public corpora lie beside the repository (CI lays shared/ there too): a required input.


def test_chained_comparison_becomes_a_conjunction() -> None:
    e = parse_expression("0 <= i < |s|")
    assert isinstance(e, A.BinaryExpr) and e.op == "&&"
    assert isinstance(e.rhs, A.BinaryExpr) and isinstance(e.rhs.rhs, A.Cardinality)


def test_precedence_and_shifts() -> None:
    e = parse_expression("a + b * c << 2 & m")
    # bit operators bind tighter than *, shifts looser than +
    assert isinstance(e, A.BinaryExpr) and e.op == "<<"
    assert isinstance(e.rhs, A.BinaryExpr) and e.rhs.op == "&"
    assert isinstance(e.lhs, A.BinaryExpr) and e.lhs.op == "+"


def test_cardinality_bars_and_bitwise_or() -> None:
    e = parse_expression("|a| + |b| > (x | y)")
    assert isinstance(e, A.BinaryExpr) and e.op == ">"
    assert isinstance(e.rhs, A.BinaryExpr) and e.rhs.op == "|"


def test_quantifier_membership_slices_and_lambdas() -> None:
    q = parse_expression("forall k :: 0 <= k < a.Length ==> a[k] !in s[1..]")
    assert isinstance(q, A.Quantifier) and q.vars[0].name == "k"
    assert isinstance(q.body, A.BinaryExpr) and q.body.op == "==>"
    assert isinstance(q.body.rhs, A.BinaryExpr) and q.body.rhs.op == "!in"
    lam = parse_expression("seq(n, i => i * 2)")
    assert isinstance(lam, A.Apply) and isinstance(lam.args[1], A.Comprehension)


def test_declarations_in_both_dialects() -> None:
    text = """
module M {
  datatype D = A | B(x: int)
  newtype u8 = x | 0 <= x < 256
  const N := 4
  function method F(x: int): int { x + 1 }
  function G(x: int): (r: int) ensures r > x { x + 1 }
  ghost predicate P(x: int) { x > 0 }
  method {:hw_width "y", 8} Loop(a: array<int>) returns (y: int)
    requires a.Length == N
  {
    y := 0;
    for i := 0 to a.Length invariant true { y := y + F(a[i]); }
    for j := 4 downto 0 { y := y - 1; }
  }
}
"""
    p = parse_program(text)
    assert not p.errors
    names = {d.name: d for d in p.decls}
    assert {"D", "u8", "N", "F", "G", "P", "Loop"} <= set(names)
    f, g, pred = names["F"], names["G"], names["P"]
    assert isinstance(f, A.FunctionDecl) and f.compiled
    assert isinstance(g, A.FunctionDecl) and g.compiled and g.result_name == "r"
    assert isinstance(pred, A.FunctionDecl) and pred.ghost and not pred.compiled
    loop = names["Loop"]
    assert isinstance(loop, A.MethodDecl) and loop.body is not None
    first, second = loop.body.body[1], loop.body.body[2]
    assert isinstance(first, A.ForStmt) and not first.descending
    assert isinstance(second, A.ForStmt) and second.descending
    # `for j := 4 downto 0` walks [0, 4) downwards
    assert isinstance(second.lo, A.IntLit) and second.lo.value == 0
    assert p.find("M.Loop") is loop


def test_broken_declaration_is_reported_and_the_rest_parsed() -> None:
    p = parse_program("method A( { }\nmethod B() { }\n")
    assert p.errors
    assert p.find("B") is not None


def test_facts_from_preconditions() -> None:
    exprs = [
        parse_expression("a.Length <= 16 && 0 < n"),
        parse_expression("forall k :: 0 <= k < a.Length ==> -5 <= a[k] < 10"),
        parse_expression("forall k :: 0 <= k < 3 ==> b[k] < 0"),  # b's length is unknown
        parse_expression("n <= a.Length"),
    ]
    facts = facts_from(exprs, {})
    assert facts.get(("len", "a")).hi == 16
    assert (facts.get(("elem", "a")).lo, facts.get(("elem", "a")).hi) == (-5, 9)
    assert facts.get(("elem", "b")).hi is None  # does not cover the whole array
    assert facts.get(("var", "n")).hi == 16 and facts.get(("var", "n")).lo == 1


def test_parses_the_public_corpora(datasets_dir: Path) -> None:
    files = sorted((datasets_dir / "dafnybench" / "ground_truth").glob("*.dfy"))[:300]
    assert len(files) == 300
    failed = 0
    for f in files:
        p = parse_program(f.read_text(encoding="utf-8", errors="replace"))
        if p.errors or any(getattr(d, "body_error", None) for d in p.decls):
            failed += 1
    assert failed <= 12, failed


# -- issue #11: inputs that hung or raised --------------------------------------------------------

# Each spun at 100% CPU: the loop over type parameters (or an arrow type, or a calc header) did not
# stop at the end of the file, where consuming a token had silently done nothing.
TRUNCATED = {
    "method M<": "expected '>' closing the type parameters",
    "method<": "expected '>' closing the type parameters",
    "lemma<": "expected '>' closing the type parameters",
    "method M<T": "expected '>' closing the type parameters",
    "class C<T, U": "expected '>' closing the type parameters",
    "function F(): int --": "expected '>' of an arrow type",
    "method M() { calc ": "expected '{' of the calc body",
}


@pytest.mark.parametrize("text", TRUNCATED, ids=list(TRUNCATED))
def test_truncated_headers_are_located_errors_not_hangs(text: str) -> None:
    with cpu_limit(2.0):
        p = parse_program(text)
    errors = p.errors + [
        (d.body_error[0], d.body_error[1], d.body_error[1] + 1)
        for d in p.decls
        if isinstance(d, A.MethodDecl) and d.body_error
    ]
    [(message, start, end)] = errors
    assert message.startswith(TRUNCATED[text]) and "end of file" in message
    assert (start, end) == (len(text), len(text) + 1)


def test_hw_ir_on_a_truncated_header_reports_the_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `p2s hw-ir` (and `p2s synth` without --method) never returned on this file
    f = tmp_path / "t.dfy"
    f.write_text("method M<")
    parser = argparse.ArgumentParser()
    hw_ir.add_parser(parser.add_subparsers())
    args = parser.parse_args(["hw-ir", str(f), "--method", "M", "--no-prove"])
    with cpu_limit(10.0):
        code = args.func(args)
    out = capsys.readouterr()
    assert code != 0
    assert f"{f}:1:10: error: cannot read this: expected '>'" in out.out + out.err


# Dafny 2.3's own readings: `assert LITERAL == VALUE` verifies for each (test below).
LITERALS = {"08": 8, "0256": 256, "00": 0, "0_8": 8, "1_000": 1000, "0x1_0000": 65536}
LITERALS |= {"0x0F_ff": 4095, "0xA": 10}


def test_integer_literals_follow_dafny() -> None:
    for text, value in LITERALS.items():
        e = parse_expression(text)
        assert isinstance(e, A.IntLit) and e.value == value, text
    # a keyword may touch a number, as in Dafny's scanner
    e = parse_expression("2in s")
    assert isinstance(e, A.BinaryExpr) and e.op == "in"


MALFORMED = {
    "0x": "0x must be followed by a hexadecimal digit",
    "0x_1": "0x must be followed by a hexadecimal digit",
    "1__0": "'_' may only stand between two digits",
    "1_": "'_' may only stand between two digits",
    "0X10": "lowercase 0x",
    "0xG": "0x must be followed by a hexadecimal digit",
    "0x1G": "not a hexadecimal digit",
    "1e5": "no exponent notation",
    "12ab": "cannot run into letters",
}


@pytest.mark.parametrize("literal", MALFORMED)
def test_malformed_literals_are_located_parse_errors(literal: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_expression(f"x + {literal} + 1")
    assert MALFORMED[literal] in str(info.value)
    assert (info.value.start, info.value.end) == (4, 4 + len(literal))
    text = f"method M() returns (r: int) {{\n  r := {literal};\n}}\n"
    [m] = parse_program(text).methods()
    assert m.body is None and m.body_error is not None
    assert MALFORMED[literal] in m.body_error[0] and m.body_error[1] == text.index(literal)


def test_overlong_literals_and_deep_nesting_are_errors_not_tracebacks() -> None:
    # int() refuses over 4300 decimal digits; Python's stack refuses deep recursion
    with pytest.raises(ParseError, match="up to 4000 digits"):
        parse_expression("9" * 5000)
    with pytest.raises(ParseError, match="up to 4000 digits"):
        parse_expression("0x" + "f" * 5000)
    assert parse_expression("9" * 4000) == A.IntLit(value=int("9" * 4000), start=0, end=4000)
    deep = "(" * 3000 + "1" + ")" * 3000
    with pytest.raises(ParseError, match="nesting too deep"):
        parse_expression(deep)
    p = parse_program(f"method M() returns (r: int) {{ r := {deep}; }}\nmethod N() {{ }}\n")
    assert p.find("N") is not None
    assert any("nesting too deep" in m for m, _, _ in p.errors) or any(
        d.body_error and "nesting too deep" in d.body_error[0] for d in p.methods()
    )


def test_dafny_agrees_with_the_literal_rules(dafny: DafnyEngine) -> None:
    asserts = "".join(f"  assert {t} == {v};\n" for t, v in LITERALS.items())
    ok = dafny.verify_source(f"method M() {{\n{asserts}}}\n", "literals.dfy")
    assert ok.status == VerificationStatus.verified, ok.raw_output
    for literal in ("0x", "1__0", "0X10"):
        bad = dafny.verify_source(f"method M() {{ var x := {literal}; }}\n", "bad.dfy")
        assert bad.status == VerificationStatus.parse_error, (literal, bad.raw_output)
