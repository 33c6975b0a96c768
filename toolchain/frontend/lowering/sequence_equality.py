"""`s == t` and `s != t` on sequences in executable code (`sub == main[i..i + |sub|]`): a loop
over the elements, as Dafny's value equality means. Each side is a sequence in scope or a slice
of a sequence or array (`a[..]`, `a[lo..hi]`); a bare array name is a reference, and comparing
references is left to the refusal. Elements are read only when the lengths agree, so every read
is inside the slice Dafny proved in bounds."""

from __future__ import annotations

from typing import Protocol

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering.scope import ArrayRef, LoweringContext


class ExpressionLowerer(Protocol):
    """What this module needs of `lowering.expressions.ExpressionLowerer` (which calls it)."""

    ctx: LoweringContext

    def expr(self, e: A.Expr, pre: list[ir.Stmt]) -> ir.Expr: ...


def _operand(
    ctx: LoweringContext, e: A.Expr
) -> tuple[ArrayRef, A.Expr | None, A.Expr | None] | None:
    if isinstance(e, A.Name):
        b = ctx.lookup(e.name)
        if isinstance(b, ArrayRef) and b.dtype.kind == "seq" and b.dtype.element is not None:
            return b, None, None
    if isinstance(e, A.SliceExpr) and isinstance(e.seq, A.Name):
        b = ctx.lookup(e.seq.name)
        if isinstance(b, ArrayRef) and b.dtype.element is not None:
            return b, e.lo, e.hi
    return None


def _hold(ctx: LoweringContext, value: ir.Expr, pre: list[ir.Stmt], loc: ir.SourceSpan) -> ir.Var:
    name = ctx.temp(ir.UNSIZED_INT, loc)
    pre.append(ir.Assign(targets=[ir.VarTarget(name=name)], values=[value], loc=loc))
    return ir.Var(name=name, type=ir.UNSIZED_INT, loc=loc)


def _length(ref: ArrayRef, loc: ir.SourceSpan) -> ir.Expr:
    if ref.length is not None:  # a buffer: its length local
        return ir.Var(name=ref.length, type=ir.UNSIZED_NAT, loc=loc)
    return ir.Length(array=ref.ir_name, type=ir.UNSIZED_NAT, loc=loc)


def _sub(a: ir.Expr, b: ir.Expr, loc: ir.SourceSpan) -> ir.Expr:
    return ir.Binary(op=ir.BinOp.SUB, lhs=a, rhs=b, type=ir.UNSIZED_INT, loc=loc)


def _add(a: ir.Expr, b: ir.Expr, loc: ir.SourceSpan) -> ir.Expr:
    return ir.Binary(op=ir.BinOp.ADD, lhs=a, rhs=b, type=ir.UNSIZED_INT, loc=loc)


def sequence_equality(
    exprs: ExpressionLowerer, e: A.BinaryExpr, pre: list[ir.Stmt]
) -> ir.Expr | None:
    """The lowered `e` when both sides are sequences (None: not a sequence comparison)."""
    ctx = exprs.ctx
    left, right = _operand(ctx, e.lhs), _operand(ctx, e.rhs)
    if left is None or right is None:
        return None
    sides = [left, right]
    loc = ctx.loc(e)
    kinds = {s[0].dtype.element.kind == "bool" for s in sides if s[0].dtype.element is not None}
    if len(kinds) != 1:
        return None  # bool against int elements: Dafny rejects it, the refusal stays
    starts: list[ir.Var] = []
    counts: list[ir.Expr] = []
    for ref, lo, hi in sides:
        start = (
            exprs.expr(lo, pre)
            if lo is not None
            else ir.Const(value=0, type=ir.UNSIZED_NAT, loc=loc)
        )
        end = exprs.expr(hi, pre) if hi is not None else _length(ref, loc)
        held = _hold(ctx, start, pre, loc)
        starts.append(held)
        counts.append(_hold(ctx, _sub(end, held, loc), pre, loc))
    res = ctx.temp(ir.BOOL, loc)
    same_length = ir.Binary(op=ir.BinOp.EQ, lhs=counts[0], rhs=counts[1], type=ir.BOOL, loc=loc)
    pre.append(ir.Assign(targets=[ir.VarTarget(name=res)], values=[same_length], loc=loc))
    k = ctx.new_local("eq_k", ir.UNSIZED_INT, loc, origin="sequence equality")
    ctx.declared[k] = Interval(None, None)
    kv = ir.Var(name=k, type=ir.UNSIZED_INT, loc=loc)
    elements: list[ir.Expr] = []
    for (ref, _, _), start in zip(sides, starts, strict=True):
        assert ref.dtype.element is not None
        elements.append(
            ir.Index(
                array=ref.ir_name,
                index=_add(start, kv, loc),
                type=ref.dtype.element.to_ir(),
                loc=loc,
            )
        )
    differs = ir.Binary(op=ir.BinOp.NE, lhs=elements[0], rhs=elements[1], type=ir.BOOL, loc=loc)
    unequal = ir.Assign(
        targets=[ir.VarTarget(name=res)],
        values=[ir.Const(value=False, type=ir.BOOL, loc=loc)],
        loc=loc,
    )
    zero = ir.Const(value=0, type=ir.UNSIZED_NAT, loc=loc)
    scan = ir.For(
        var=k, lo=zero, hi=counts[0], body=[ir.If(cond=differs, then=[unequal], loc=loc)], loc=loc
    )
    pre.append(ir.If(cond=ir.Var(name=res, type=ir.BOOL, loc=loc), then=[scan], loc=loc))
    result: ir.Expr = ir.Var(name=res, type=ir.BOOL, loc=loc)
    if e.op == "!=":
        result = ir.Unary(op=ir.UnOp.NOT, operand=result, type=ir.BOOL, loc=loc)
    return result
