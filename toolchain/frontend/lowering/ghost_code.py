"""Ghost statements Dafny recognises by their guard: an `if` whose condition reads a ghost
variable is itself ghost (Dafny then allows only ghost updates in it), so it has no hardware.
`ghost var minValue := a[i]; ... if a[j] < minValue { minValue := a[j]; }` is proof bookkeeping
of the executable sort around it."""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend.lowering.scope import GhostVar, LoweringContext


def reads_ghost(ctx: LoweringContext, e: A.Node, bound: frozenset[str] = frozenset()) -> bool:
    """Does `e` read a ghost variable in scope (names a quantifier or `var ... :=` binds inside
    `e` itself are not the outer variables)?"""
    if isinstance(e, A.Name):
        return e.name not in bound and isinstance(ctx.lookup(e.name), GhostVar)
    if isinstance(e, A.Quantifier):
        bound = bound | {v.name for v in e.vars}
    elif isinstance(e, A.LetExpr):
        if any(reads_ghost(ctx, v, bound) for v in e.values):
            return True
        return reads_ghost(ctx, e.body, bound | set(e.names))
    return any(reads_ghost(ctx, c, bound) for c in A.child_nodes(e))


def is_ghost_if(ctx: LoweringContext, s: A.IfStmt) -> bool:
    return s.cond is not None and reads_ghost(ctx, s.cond)
