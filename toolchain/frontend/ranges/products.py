"""Bounds on nonlinear products that Dafny's solver cannot find alone, given as proven lemmas.

Z3 bounds `a * b` from bounds on `a` and `b` only with help: the product is nonlinear. The
obligation program therefore carries one lemma, `P2S_MulBounds`, whose body Dafny verifies
(it reduces the product to two linear-in-one-factor steps, each split on the sign of the other
factor), and, before every statement whose right-hand side multiplies two non-constant factors,
one call per product, innermost first, with the factors' bounds and the four corner products.
A call's preconditions are Dafny's to prove from what it knows at that point (the range
assertions and invariants the obligation program adds), so a call that does not hold is an
error like any other obligation: nothing is assumed.

The factors' bounds come from the source ranges the analysis found (the same ranges the
obligation program asserts), evaluated over the user's expression with interval arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from toolchain.frontend import ast as A
from toolchain.frontend import interval as I
from toolchain.frontend.interval import Interval

LEMMA_NAME = "P2S_MulBounds"
SIDE_NAME = "P2S_MulSide"
LEMMA_NAMES = (LEMMA_NAME, SIDE_NAME)


def lemma_text(static: bool) -> str:
    """The two lemmas, as Dafny 2.3 text; `static` inside a class or trait, so that static
    methods may call them."""
    s = "static " if static else ""
    return f"""{s}lemma {LEMMA_NAME}(a: int, b: int, al: int, ah: int, bl: int, bh: int, lo: int, hi: int)
  requires al <= a <= ah && bl <= b <= bh
  requires lo <= al * bl && lo <= al * bh && lo <= ah * bl && lo <= ah * bh
  requires al * bl <= hi && al * bh <= hi && ah * bl <= hi && ah * bh <= hi
  ensures lo <= a * b <= hi
{{
  {SIDE_NAME}(a, al, ah, b);
  {SIDE_NAME}(b, bl, bh, al);
  {SIDE_NAME}(b, bl, bh, ah);
}}
{s}lemma {SIDE_NAME}(x: int, xl: int, xh: int, c: int)
  requires xl <= x <= xh
  ensures if c >= 0 then xl * c <= x * c <= xh * c else xh * c <= x * c <= xl * c
{{
  if c >= 0 {{
    assert (x - xl) * c >= 0;
    assert (xh - x) * c >= 0;
  }} else {{
    assert (x - xl) * (-c) >= 0;
    assert (xh - x) * (-c) >= 0;
  }}
}}
"""


@dataclass
class ProductCall:
    """One lemma call that bounds the product `lhs * rhs` (text spans of the user's source)."""

    text: str
    lo: int
    hi: int


RangeOf = Callable[[str], Interval | None]  # a variable's range by source name


@dataclass(eq=False)
class ProductBounds:
    """Interval evaluation of source expressions, recording a lemma call for every product of
    two non-constant factors whose factors are both bounded."""

    text: str
    var: RangeOf
    length: RangeOf
    element: RangeOf
    # the analysis's range of the same source expression where the statement runs (a loop
    # guard narrows a factor there: `i < n` in `s := s + (2*i)*(2*i)`); the hull of a
    # variable over the whole method would make the lemma's bound looser than the per-trip
    # growth the accumulator invariant claims
    node: Callable[[A.Expr], Interval | None] | None = None
    calls: list[ProductCall] = field(init=False, default_factory=list)

    def source(self, e: A.Expr) -> str:
        return f"({self.text[e.start : e.end]})"

    def expr(self, e: A.Expr) -> Interval:
        iv = self._expr(e)
        there = self.node(e) if self.node is not None else None
        if there is None:
            return iv
        both = iv.meet(there)  # both hold every value e takes here: so does their meet
        return iv if both.empty else both

    def _expr(self, e: A.Expr) -> Interval:
        top = Interval(None, None)
        if isinstance(e, A.Quantifier | A.Comprehension | A.LetExpr | A.MatchExpr):
            return top  # bound variables: no call before the statement could name them
        if isinstance(e, A.IntLit):
            return Interval.point(e.value)
        if isinstance(e, A.Name):
            return self.var(e.name) or top
        if isinstance(e, A.Member) and e.member == "Length" and isinstance(e.obj, A.Name):
            return self.length(e.obj.name) or top
        if isinstance(e, A.Cardinality) and isinstance(e.operand, A.Name):
            return self.length(e.operand.name) or top
        if isinstance(e, A.IndexExpr):
            for i in e.indices:
                self.expr(i)
            if isinstance(e.seq, A.Name) and len(e.indices) == 1:
                return self.element(e.seq.name) or top
            return top
        if isinstance(e, A.UnaryExpr) and e.op == "-":
            return I.neg(self.expr(e.operand))
        if isinstance(e, A.BinaryExpr) and e.op in ("+", "-", "*"):
            a = self.expr(e.lhs)
            b = self.expr(e.rhs)
            if e.op == "+":
                return I.add(a, b)
            if e.op == "-":
                return I.sub(a, b)
            out = I.mul(a, b)
            if a.bounded and b.bounded and not _constant(e.lhs) and not _constant(e.rhs):
                assert a.lo is not None and a.hi is not None
                assert b.lo is not None and b.hi is not None
                assert out.lo is not None and out.hi is not None
                args = [self.source(e.lhs), self.source(e.rhs)]
                args += [str(x) for x in (a.lo, a.hi, b.lo, b.hi, out.lo, out.hi)]
                self.calls.append(ProductCall(f"{LEMMA_NAME}({', '.join(args)})", out.lo, out.hi))
            return out
        for sub in A.child_exprs(e):
            self.expr(sub)
        return top


def _constant(e: A.Expr) -> bool:
    # a product with a literal factor is linear: the solver bounds it without help
    if isinstance(e, A.IntLit):
        return True
    if isinstance(e, A.UnaryExpr) and e.op == "-":
        return _constant(e.operand)
    return False


def has_product(e: A.Expr) -> bool:
    """Whether `e` multiplies two non-constant factors anywhere (outside quantifiers and lets,
    whose bound variables no call before the statement could name)."""
    if isinstance(e, A.Quantifier | A.Comprehension | A.LetExpr | A.MatchExpr):
        return False
    if isinstance(e, A.BinaryExpr) and e.op == "*":
        if not _constant(e.lhs) and not _constant(e.rhs):
            return True
    return any(has_product(c) for c in A.child_exprs(e))


def names_in(e: A.Expr) -> set[str]:
    """Every variable name `e` mentions (bound variables of quantifiers included: an over-count
    only ever keeps a lemma call where it was)."""
    out = {e.name} if isinstance(e, A.Name) else set()
    for c in A.child_exprs(e):
        out |= names_in(c)
    return out


def statements(body: A.BlockStmt | None) -> Iterator[A.Stmt]:
    """Every statement of a method body, nested ones included."""
    if body is None:
        return
    for s in body.body:
        yield s
        if isinstance(s, A.BlockStmt):
            yield from statements(s)
        elif isinstance(s, A.IfStmt):
            yield from statements(s.then)
            other = s.otherwise
            if isinstance(other, A.BlockStmt):
                yield from statements(other)
            elif other is not None:
                yield from statements(A.BlockStmt(start=other.start, end=other.end, body=[other]))
        elif isinstance(s, A.WhileStmt | A.ForStmt):
            yield from statements(s.body)


def right_hand_sides(s: A.Stmt) -> list[A.Expr]:
    """The values a statement computes into variables (the ones a range assertion follows)."""
    if isinstance(s, A.VarDecl | A.AssignStmt):
        return [e for e in s.rhs if not isinstance(e, A.Apply | A.NewArray)]
    if isinstance(s, A.ReturnStmt):
        return list(s.values)
    return []


__all__ = [
    "LEMMA_NAME",
    "LEMMA_NAMES",
    "ProductBounds",
    "ProductCall",
    "has_product",
    "lemma_text",
    "names_in",
    "right_hand_sides",
    "statements",
]
