"""Array allocation: `new T[n]`, and the loop that runs an initialiser `new T[n](i => e)`."""

from __future__ import annotations

import copy

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dtypes import INT
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.results import AllocSite, AssignSite
from toolchain.frontend.lowering.scope import Scalar


def new_array(
    exprs: ExpressionLowerer,
    ir_name: str,
    r: A.NewArray,
    source: str,
    stmt_end: int,
    length: str | None = None,
    stmt_start: int = -1,
) -> list[ir.Stmt]:
    """Record the allocation size of `ir_name` (the array `source` of the user's text, in the
    statement ending at `stmt_end`); an initialiser becomes a loop over the indices. A result
    array has a run-time `length` local (see `buffers`): the allocation sets it."""
    ctx = exprs.ctx
    if len(r.sizes) != 1:
        raise ctx.fail(r, "HW113", "multi-dimensional arrays are not supported yet")
    pre: list[ir.Stmt] = []
    size = exprs.expr(r.sizes[0], pre)
    size_node = r.sizes[0]
    ctx.array_alloc.setdefault(ir_name, []).append(
        AllocSite(
            ir_name,
            size,
            source,
            stmt_end,
            ctx.decl_stack[-1],
            stmt_start=stmt_start,
            size_text=ctx.text[size_node.start : size_node.end],
        )
    )
    out = list(pre)
    if length is not None:
        out.append(
            ir.Assign(
                targets=[ir.VarTarget(name=length, loc=ctx.loc(r))],
                values=[copy.deepcopy(size)],
                loc=ctx.loc(r),
            )
        )
        if stmt_end >= 0:
            ctx.assign_sites.append(AssignSite(stmt_end, length, ctx.decl_stack[-1]))
    if r.init_text is not None:
        init = r.init
        if not isinstance(init, A.Comprehension) or init.kind != "lambda":
            raise ctx.fail(r, "HW103", "only `new T[n](i => e)` initialisers are supported")
        out.extend(_lambda_init(exprs, ir_name, init, size, r))
    return out


def _lambda_init(
    exprs: ExpressionLowerer, ir_name: str, lam: A.Comprehension, size: ir.Expr, r: A.NewArray
) -> list[ir.Stmt]:
    from toolchain.frontend.parser import Parser

    ctx = exprs.ctx

    p = Parser(lam.text)
    if p.tok.kind.value != "ident" or not p.peek().is_op("=>"):
        raise ctx.fail(r, "HW106", "only a simple `i => e` initialiser is supported")
    var = p.advance().text
    p.advance()
    body = p.expression()
    shift = lam.start

    def relocate(e: A.Node) -> None:
        e.start += shift
        e.end += shift
        for c in A.child_nodes(e):
            relocate(c)

    relocate(body)
    idx_name = ctx.new_local(
        f"{ir_name}_init_{var}", ir.UNSIZED_NAT, ctx.loc(r), origin="initialiser"
    )
    ctx.scopes.append({var: Scalar(idx_name, INT)})
    try:
        pre: list[ir.Stmt] = []
        value = exprs.expr(body, pre)
    finally:
        ctx.scopes.pop()
    loop = ir.For(
        var=idx_name,
        lo=ir.Const(value=0, type=ir.UNSIZED_NAT, loc=ctx.loc(r)),
        hi=size,
        body=[
            *pre,
            ir.Assign(
                targets=[
                    ir.IndexTarget(
                        array=ir_name,
                        index=ir.Var(name=idx_name, type=ir.UNSIZED_NAT, loc=ctx.loc(r)),
                        loc=ctx.loc(r),
                    )
                ],
                values=[value],
                loc=ctx.loc(r),
            ),
        ],
        loc=ctx.loc(r),
    )
    return [loop]
