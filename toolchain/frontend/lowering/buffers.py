"""Sequences (and result arrays) built at run time: fixed-capacity buffers with a length.

A buffer is an IR array plus an integer local holding its run-time length (`ArrayRef.length`,
`Port.length_var` / `Local.length_var`). Its capacity is the proven upper bound of that length:
the length local is a variable of the user's program for the width proof, spelled `|r|` (or
`a.Length`), so the obligation program asserts `lo <= |r| <= hi` after every statement that
changes it and carries the bound as a loop invariant, and Dafny checks it like any other width.

A sequence-valued right-hand side is a `+` chain of pieces: displays `[e, f]`, whole sequences
or arrays (`s`, `a[..]`), slices `s[lo..hi]` and updates `s[i := v]`. Every index, bound and
displayed element is evaluated first (Dafny evaluates the whole right-hand side before it
assigns), then the pieces are appended one element at a time at the running length:

* `r := r + pieces`: the old contents stay, appending starts at `|r|`;
* `r := pieces` where only the first piece reads `r` (`r := r[1..]`, `r := r[..k] + [x]`): the
  length restarts at 0; element k is always read before position k is written, since a copy
  writes at the running length, which never passes the index it reads;
* `r := r[i := v]`: one element is written in place;
* any other piece that reads `r` (`r := [x] + r`): the pieces go to a fresh buffer first, which
  is then copied into `r`.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dtypes import DType
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.results import SourceVar
from toolchain.frontend.lowering.scope import ArrayRef, LoweringContext


def length_subject(source: str, dtype: DType) -> str:
    """How Dafny spells the length of the collection `source` (the obligation program's name)."""
    return f"|{source}|" if dtype.kind == "seq" else f"{source}.Length"


def add_length_var(
    ctx: LoweringContext,
    ir_name: str,
    source: str,
    dtype: DType,
    decl_offset: int,
    kind: str,
    loc: ir.SourceSpan,
) -> str:
    """The length local of the buffer `ir_name` (the user's `source`), registered as a source
    variable `|source|` so that the obligation program proves its range (the capacity)."""
    name = ctx.new_local(f"{ir_name}_len", ir.UNSIZED_NAT, loc, origin="length")
    ctx.declared[name] = Interval(0, None)
    ctx.var_source[name] = SourceVar(
        ctx.decl_stack[-1], length_subject(source, dtype), decl_offset, kind
    )
    return name


@dataclass
class _Items:
    """`[e, f, ...]`"""

    items: list[A.Expr]


@dataclass
class _Range:
    """`s`, `s[..]`, `s[lo..]`, `s[..hi]`, `s[lo..hi]` of an array or sequence in scope."""

    ref: ArrayRef
    lo: A.Expr | None
    hi: A.Expr | None


@dataclass
class _Updated:
    """`s[i := v]`"""

    ref: ArrayRef
    index: A.Expr
    value: A.Expr


_Piece = _Items | _Range | _Updated


@dataclass
class _Push:
    """Append these values (already evaluated)."""

    values: list[ir.Expr]


@dataclass
class _Copy:
    """Append `ref[lo..hi]` (bounds already evaluated)."""

    ref: ArrayRef
    lo: ir.Expr
    hi: ir.Expr


@dataclass
class _Put:
    """Append all of `ref` (of length `hi`), with element `index` replaced by `value`."""

    ref: ArrayRef
    index: ir.Expr
    value: ir.Expr
    hi: ir.Expr


def is_sequence_value(ctx: LoweringContext, e: A.Expr) -> bool:
    """Does `e` denote a sequence (or a whole array) rather than a scalar?"""
    if isinstance(e, A.Display):
        return e.kind == "seq"
    if isinstance(e, A.SliceExpr | A.UpdateExpr):
        return True
    if isinstance(e, A.Name):
        return isinstance(ctx.lookup(e.name), ArrayRef)
    if isinstance(e, A.BinaryExpr) and e.op == "+":
        return is_sequence_value(ctx, e.lhs) or is_sequence_value(ctx, e.rhs)
    return False


class BufferLowerer:
    """Assignments of sequence values to buffers (see the module docstring)."""

    def __init__(self, ctx: LoweringContext, exprs: ExpressionLowerer) -> None:
        self.ctx = ctx
        self.exprs = exprs

    # -- pieces ------------------------------------------------------------------------------

    def _pieces(self, e: A.Expr) -> list[_Piece]:
        ctx = self.ctx
        if isinstance(e, A.BinaryExpr) and e.op == "+":
            return self._pieces(e.lhs) + self._pieces(e.rhs)
        if isinstance(e, A.Display) and e.kind == "seq":
            return [_Items(e.items)]
        if isinstance(e, A.Name):
            return [_Range(self._ref(e), None, None)]
        if isinstance(e, A.SliceExpr) and isinstance(e.seq, A.Name):
            return [_Range(self._ref(e.seq), e.lo, e.hi)]
        if isinstance(e, A.UpdateExpr) and isinstance(e.seq, A.Name):
            return [_Updated(self._ref(e.seq), e.index, e.value)]
        raise ctx.fail(
            e,
            "HW103",
            "this sequence expression is not hardware yet: build sequences from displays "
            "`[x]`, sequences and arrays in scope, slices `s[a..b]` and updates `s[i := v]`",
        )

    def _ref(self, e: A.Name) -> ArrayRef:
        b = self.ctx.lookup(e.name)
        if not isinstance(b, ArrayRef):
            raise self.ctx.fail(e, "HW103", f"{e.name} is not a sequence or array in scope")
        return b

    def length_of(self, ref: ArrayRef, loc: ir.SourceSpan) -> ir.Expr:
        if ref.length is not None:
            return ir.Var(name=ref.length, type=ir.UNSIZED_NAT, loc=loc)
        return ir.Length(array=ref.ir_name, type=ir.UNSIZED_NAT, loc=loc)

    # -- assignment --------------------------------------------------------------------------

    def assign(self, target: ArrayRef, rhs: A.Expr, s: A.Stmt) -> list[ir.Stmt]:
        """`target := rhs` for a buffer `target`; the statement `s` is where its new length is
        checked by the obligation program."""
        ctx = self.ctx
        assert target.length is not None
        loc = ctx.loc(s)
        pieces = self._pieces(rhs)
        out: list[ir.Stmt] = []
        if (
            len(pieces) == 1
            and isinstance(pieces[0], _Updated)
            and pieces[0].ref.ir_name == target.ir_name
        ):
            p = pieces[0]
            idx = self.exprs.expr(p.index, out)
            val = self.exprs.expr(p.value, out)
            out.append(
                ir.Assign(
                    targets=[ir.IndexTarget(array=target.ir_name, index=idx, loc=loc)],
                    values=[val],
                    loc=loc,
                )
            )
            return out
        appending = (
            isinstance(pieces[0], _Range)
            and pieces[0].ref.ir_name == target.ir_name
            and pieces[0].lo is None
            and pieces[0].hi is None
        )
        if appending:
            # reads of the target see indices below its old length; appends write above it
            out.extend(self._build(target, pieces[1:], reset=False, loc=loc))
        elif any(_reads(p, target) for p in pieces[1:]):
            # a later piece reads the target: it would see elements already overwritten
            tmp = self._temp_buffer(target, loc)
            out.extend(self._build(tmp, pieces, reset=True, loc=loc))
            out.extend(self._build(target, [_Range(tmp, None, None)], reset=True, loc=loc))
        else:
            out.extend(self._build(target, pieces, reset=True, loc=loc))
        ctx.record_assign(s, [target.length])
        ctx.record_store(s, [target.ir_name])
        return out

    def _temp_buffer(self, like: ArrayRef, loc: ir.SourceSpan) -> ArrayRef:
        ctx = self.ctx
        name = ctx.new_local(
            f"{like.ir_name}_tmp", like.dtype.to_ir(mutable=True), loc, origin="temporary"
        )
        length = ctx.new_local(f"{name}_len", ir.UNSIZED_NAT, loc, origin="length")
        for v in ctx.locals:
            if v.name == name:
                v.length_var = length
        return ArrayRef(name, like.dtype, length)

    def _build(
        self, target: ArrayRef, pieces: list[_Piece], *, reset: bool, loc: ir.SourceSpan
    ) -> list[ir.Stmt]:
        """Evaluate every piece's operands, then append the pieces to `target` (from length 0
        when `reset`)."""
        ctx = self.ctx
        assert target.length is not None
        out: list[ir.Stmt] = []
        zero = ir.Const(value=0, type=ir.UNSIZED_NAT, loc=loc)
        plans: list[_Push | _Copy | _Put] = []
        for p in pieces:
            if isinstance(p, _Items):
                values = [self.exprs.expr(x, out) for x in p.items]
                self._check_elements(target, values, p.items)
                plans.append(_Push([self._snapshot(v, out) for v in values]))
            elif isinstance(p, _Range):
                lo = self._snapshot(self.exprs.expr(p.lo, out), out) if p.lo is not None else zero
                hi = self.exprs.expr(p.hi, out) if p.hi is not None else self.length_of(p.ref, loc)
                plans.append(_Copy(p.ref, lo, self._snapshot(hi, out)))
            else:
                idx = self._snapshot(self.exprs.expr(p.index, out), out)
                val = self._snapshot(self.exprs.expr(p.value, out), out)
                hi = self._snapshot(self.length_of(p.ref, loc), out)
                plans.append(_Put(p.ref, idx, val, hi))
        length = ir.Var(name=target.length, type=ir.UNSIZED_NAT, loc=loc)
        if reset:
            out.append(_set(target.length, zero, loc))
        for plan in plans:
            if isinstance(plan, _Push):
                out.extend(self._push(target, v, loc) for v in plan.values)
            elif isinstance(plan, _Copy):
                out.append(self._copy(target, plan.ref, plan.lo, plan.hi, loc))
            else:
                # `s[i := v]`: all of s, then element i (counted from where s starts) is v
                start = ctx.temp(ir.UNSIZED_NAT, loc)
                out.append(_set(start, length, loc))
                out.append(self._copy(target, plan.ref, zero, plan.hi, loc))
                at = ir.Binary(
                    op=ir.BinOp.ADD,
                    lhs=ir.Var(name=start, type=ir.UNSIZED_NAT, loc=loc),
                    rhs=plan.index,
                    type=ir.UNSIZED_NAT,
                    loc=loc,
                )
                out.append(
                    ir.Assign(
                        targets=[ir.IndexTarget(array=target.ir_name, index=at, loc=loc)],
                        values=[plan.value],
                        loc=loc,
                    )
                )
        return out

    def _check_elements(self, target: ArrayRef, values: list[ir.Expr], items: list[A.Expr]) -> None:
        # `var t := [];` is taken as a sequence of integers (Dafny infers it from later use)
        assert target.dtype.element is not None
        want_bool = target.dtype.element.kind == "bool"
        for v, x in zip(values, items, strict=True):
            if isinstance(v.type, ir.BoolType) != want_bool:
                raise self.ctx.fail(
                    x,
                    "HW114",
                    f"this element's type differs from the sequence's ({target.dtype.name}): "
                    "declare the sequence's type (`var t: seq<bool> := [];`)",
                )

    def _offsets(self, loc: ir.SourceSpan) -> tuple[int, int]:
        idx = self.ctx.index
        return idx.offset(loc.start_line, loc.start_col), idx.offset(loc.end_line, loc.end_col)

    def _snapshot(self, e: ir.Expr, out: list[ir.Stmt]) -> ir.Expr:
        """`e` held in a temporary when it reads state the appends below change."""
        if isinstance(e, ir.Const):
            return e
        t = e.type if isinstance(e.type, ir.BoolType) else _unsized(e.type)
        name = self.ctx.temp(t, e.loc)
        out.append(_set(name, e, e.loc))
        return ir.Var(name=name, type=t, loc=e.loc)

    def _push(self, target: ArrayRef, value: ir.Expr, loc: ir.SourceSpan) -> ir.Stmt:
        assert target.length is not None
        length = ir.Var(name=target.length, type=ir.UNSIZED_NAT, loc=loc)
        one = ir.Const(value=1, type=ir.UNSIZED_NAT, loc=loc)
        return ir.Assign(
            targets=[
                ir.IndexTarget(array=target.ir_name, index=length, loc=loc),
                ir.VarTarget(name=target.length, loc=loc),
            ],
            values=[
                value,
                ir.Binary(op=ir.BinOp.ADD, lhs=length, rhs=one, type=ir.UNSIZED_NAT, loc=loc),
            ],
            loc=loc,
        )

    def _copy(
        self, target: ArrayRef, src: ArrayRef, lo: ir.Expr, hi: ir.Expr, loc: ir.SourceSpan
    ) -> ir.Stmt:
        assert src.dtype.element is not None and target.dtype.element is not None
        if (src.dtype.element.kind == "bool") != (target.dtype.element.kind == "bool"):
            raise self.ctx.fail(
                (0, 0) if loc is ir.UNKNOWN_SPAN else self._offsets(loc),
                "HW114",
                f"a {src.dtype.name} copied into a {target.dtype.name}: declare the "
                "sequences' types (`var t: seq<bool> := [];`)",
            )
        k = self.ctx.new_local(f"{target.ir_name}_k", ir.UNSIZED_NAT, loc, origin="copy index")
        assert src.dtype.element is not None
        elem = ir.Index(
            array=src.ir_name,
            index=ir.Var(name=k, type=ir.UNSIZED_NAT, loc=loc),
            type=src.dtype.element.to_ir(),
            loc=loc,
        )
        return ir.For(var=k, lo=lo, hi=hi, body=[self._push(target, elem, loc)], loc=loc)


def _reads(p: _Piece, target: ArrayRef) -> bool:
    return isinstance(p, _Range | _Updated) and p.ref.ir_name == target.ir_name


def _unsized(t: ir.HwType) -> ir.HwType:
    if isinstance(t, ir.IntType) and not t.wraps:
        return ir.UNSIZED_INT if t.signed else ir.UNSIZED_NAT
    return t


def _set(name: str, value: ir.Expr, loc: ir.SourceSpan) -> ir.Stmt:
    return ir.Assign(targets=[ir.VarTarget(name=name, loc=loc)], values=[value], loc=loc)


__all__ = ["BufferLowerer", "add_length_var", "is_sequence_value", "length_subject"]
