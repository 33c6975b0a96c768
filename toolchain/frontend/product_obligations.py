"""Obligations for nonlinear products (see `ranges.products`): the proven lemma, declared once per
scope, and its calls next to every statement that multiplies two non-constant factors.

Where a call goes matters to the solver. Right after the statement is best when the statement
changes none of the product's variables (`res := n * (3 * n - 2)`): the lemma then still speaks
of the values the statement used, the range assertion that follows has it at hand, and the
statement itself is checked in the very context of the user's verified program. Adding the
lemma's facts before it can cost Z3 a proof it found alone (MBPP 59, GPT-4: `res: nat` no longer
proven once the lemma's corner bounds were in scope). A statement that assigns one of its own
factors (`x := x * x`) gets its calls before it, where the factors still hold their old values.
Either way every call's preconditions are Dafny's to prove: nothing is assumed.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Protocol

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges import RangeResult
from toolchain.frontend.ranges.products import (
    LEMMA_NAME,
    ProductBounds,
    has_product,
    lemma_text,
    names_in,
    right_hand_sides,
    statements,
)

SourceKey = tuple[str, str, int]  # declaration, name, declaration offset

# a lemma call placed after its statement comes before that statement's range assertion
AFTER = "call_after"


class ObligationBuilder(Protocol):
    """What these helpers use of `obligations.ObligationBuilder` (which imports this module)."""

    low: Lowered
    ranges: RangeResult
    decls: dict[str, A.MethodDecl | A.FunctionDecl]
    program_text: str

    @property
    def obs(self) -> Sized: ...

    def add(self, **kw: object) -> None: ...

    def span(self, start: int, end: int) -> ir.SourceSpan: ...


def calls_go_after(stmt: A.Stmt) -> bool:
    """Whether the lemma calls for `stmt`'s products may follow it: an assignment or declaration
    that changes none of the variables its right-hand sides read."""
    if isinstance(stmt, A.VarDecl):
        if stmt.such_that is not None:
            return False
        assigned = {v.name for v in stmt.vars}
    elif isinstance(stmt, A.AssignStmt):
        if stmt.such_that is not None:
            return False
        assigned = set()
        for t in stmt.targets:
            root = t
            while isinstance(root, A.IndexExpr | A.Member):
                root = root.seq if isinstance(root, A.IndexExpr) else root.obj
            if not isinstance(root, A.Name):
                return False  # a target we cannot name: keep the calls before it
            assigned.add(root.name)
    else:
        return False
    read: set[str] = set()
    for e in stmt.rhs:
        read |= names_in(e)
    return not (assigned & read)


def products(b: ObligationBuilder, ranges: dict[SourceKey, tuple[Interval, list[str]]]) -> None:
    """Next to each statement that multiplies two non-constant factors, calls of the product
    lemma that bound every such product from its factors' ranges (see ranges/products.py)."""
    top = b.low.decl.name
    by_name: dict[tuple[str, str], Interval] = {}
    for (decl_name, name, _), (iv, _names) in ranges.items():
        old = by_name.get((decl_name, name))
        by_name[(decl_name, name)] = iv if old is None else old.join(iv)
    lemma_at: dict[tuple[str | None, str | None], tuple[int, int]] = {}  # scope -> ob, offset
    pending: list[tuple[A.MethodDecl, int, bool, list[str], list[tuple[int, int]]]] = []
    for decl_name in dict.fromkeys([top, *b.low.method.inlined]):
        decl = b.decls.get(decl_name)
        if not isinstance(decl, A.MethodDecl) or decl.body is None:
            continue
        for stmt in statements(decl.body):
            rhs = [e for e in right_hand_sides(stmt) if has_product(e)]
            if not rhs:
                continue
            pb = _product_bounds(b, decl_name, decl_name == top, by_name)
            for e in rhs:
                pb.expr(e)
            if pb.calls:
                texts = [c.text for c in pb.calls]
                bounds = [(c.lo, c.hi) for c in pb.calls]
                after = calls_go_after(stmt)
                pending.append((decl, stmt.end if after else stmt.start, after, texts, bounds))
    if not pending:
        return
    for decl, _, _, _, _ in pending:
        scope = (decl.module, decl.container)
        first = min(
            (d.start for d in b.decls.values() if (d.module, d.container) == scope),
            default=decl.start,
        )
        if scope not in lemma_at:
            lemma_at[scope] = (len(b.obs), first)
            b.add(
                kind="lemma",
                text=f"{LEMMA_NAME}(a, b, al, ah, bl, bh, lo, hi) ensures lo <= a * b <= hi",
                declaration=lemma_text(static=decl.container is not None),
                offset=first,
                key=None,
                lo=0,
                hi=0,
                where="product bound (lemma)",
                loc=b.span(decl.name_start, decl.name_end),
                helper=True,
            )
    for decl, offset, after, texts, bounds in pending:
        lemma_id = lemma_at[(decl.module, decl.container)][0]
        for text, (lo, hi) in zip(texts, bounds, strict=True):
            b.add(
                kind=AFTER if after else "call",
                text=text,
                offset=offset,
                key=None,
                lo=lo,
                hi=hi,
                where="product bound",
                loc=b.span(offset - 1 if after else offset, offset if after else offset + 1),
                helper=True,
                needs=lemma_id,
            )


def _product_bounds(
    b: ObligationBuilder, decl_name: str, is_top: bool, by_name: dict[tuple[str, str], Interval]
) -> ProductBounds:
    def var(name: str) -> Interval | None:
        iv = by_name.get((decl_name, name))
        if iv is None and is_top:
            iv = b.ranges.inputs.get(name)
        return iv

    def length(name: str) -> Interval | None:
        # IR array names are the source names only in the top method (inlining renames)
        return b.ranges.lens.get(name) if is_top else None

    def element(name: str) -> Interval | None:
        return b.ranges.elems.get(name) if is_top else None

    def node(e: A.Expr) -> Interval | None:
        span = b.span(e.start, e.end)
        return spans.get((span.start_line, span.start_col, span.end_line, span.end_col))

    # an inlined callee is verified on its own, from the `requires` its call sites give it: the
    # ranges its body reaches at those sites may be tighter than Dafny can derive there
    spans = _node_ranges(b) if is_top else {}
    return ProductBounds(b.program_text, var, length, element, node)


def _node_ranges(b: ObligationBuilder) -> dict[tuple[int, int, int, int], Interval]:
    """The analysis's range of every IR expression, by the source span it was lowered from
    (joined where several nodes share one span: each holds the values of that source text)."""
    out: dict[tuple[int, int, int, int], Interval] = {}
    for e in ir.stmt_exprs(b.low.method.body):
        iv = b.ranges.nodes.get(id(e))
        loc = e.loc
        if iv is None or loc is ir.UNKNOWN_SPAN:
            continue
        key = (loc.start_line, loc.start_col, loc.end_line, loc.end_col)
        old = out.get(key)
        out[key] = iv if old is None else old.join(iv)
    return out


__all__ = ["AFTER", "calls_go_after", "lemma_text", "products"]
