"""The Dafny subset parser: expressions, declarations, both Dafny 2 and Dafny 4 spellings."""

from __future__ import annotations

from pathlib import Path

from toolchain.frontend import ast as A
from toolchain.frontend.facts import facts_from
from toolchain.frontend.parser import parse_expression, parse_program

# The public corpora lie beside the repository (CI lays shared/ there too): a required input.
DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"


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
