"""Termination measures of `while` loops, in the IR, for the trip-count bounds of the ranges.

A loop's `decreases` clause (or Dafny's own guess when there is none) bounds how many times the
body runs; the width analysis uses it to bound the variables the loop counts with.
"""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.facts import conjuncts
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.scope import Abort


def loop_measure(exprs: ExpressionLowerer, s: A.WhileStmt) -> tuple[ir.Expr | None, int]:
    """The loop's termination measure in the IR, and a lower bound it has in the body."""
    dec = [x for x in s.specs if x.kind == "decreases"]
    if dec:
        if len(dec[0].exprs) != 1:
            return None, 0  # lexicographic: no simple trip bound
        e = dec[0].exprs[0]
    else:
        guessed = guessed_decreases(s.cond)
        if guessed is None:
            return None, 0
        e = guessed
    pre: list[ir.Stmt] = []
    # the measure is only a hint for the ranges: a measure that cannot be lowered reports nothing
    diags = exprs.ctx.diags
    saved = len(diags)
    try:
        d = exprs.expr(e, pre)
    except Abort:
        return None, 0
    finally:
        del diags[saved:]
    return (d if not pre else None), strict_guard_min(exprs.ctx.text, s.cond, e)


def strict_guard_min(text: str, cond: A.Expr | None, measure: A.Expr) -> int:
    """1 when the guard `A < B` makes the measure `B - A` at least 1 in the body."""
    if not isinstance(measure, A.BinaryExpr) or measure.op != "-":
        return 0

    def same(x: A.Expr, y: A.Expr) -> bool:
        return text[x.start : x.end].strip("() ") == text[y.start : y.end].strip("() ")

    for c in conjuncts(cond) if cond is not None else []:
        if not isinstance(c, A.BinaryExpr):
            continue
        if c.op == "<" and same(c.rhs, measure.lhs) and same(c.lhs, measure.rhs):
            return 1
        if c.op == ">" and same(c.lhs, measure.lhs) and same(c.rhs, measure.rhs):
            return 1
    return 0


def guessed_decreases(cond: A.Expr | None) -> A.Expr | None:
    """Dafny's own guess for a loop without `decreases`: B - A for guards A < B, A <= B."""
    if not isinstance(cond, A.BinaryExpr):
        return None
    c = cond
    if c.op == "&&":
        return guessed_decreases(c.lhs) or guessed_decreases(c.rhs)
    if c.op in ("<", "<="):
        lo, hi = c.lhs, c.rhs
    elif c.op in (">", ">="):
        lo, hi = c.rhs, c.lhs
    else:
        return None
    return A.BinaryExpr(op="-", lhs=hi, rhs=lo, start=c.start, end=c.end)
