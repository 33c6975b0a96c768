"""Ranges of IR expressions in an abstract state, and guards that narrow a state.

The part of the range analysis that needs no control flow: an expression's interval from the
intervals of the variables it reads, and the state that holds where a condition is true (or
false). `RangeAnalysis` (in `analysis`) adds statements and loops on top.
"""

from __future__ import annotations

from collections.abc import Callable

from toolchain.frontend import interval as I
from toolchain.frontend import ir
from toolchain.frontend.chars import CHAR_MAX
from toolchain.frontend.interval import BOOL_RANGE, TOP, Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges.state import Options, RangeResult, State, join_states


class ExpressionRanges:
    def __init__(self, low: Lowered, options: Options | None = None) -> None:
        self.low = low
        self.m = low.method
        self.options = options or Options()
        self.types: dict[str, ir.HwType] = {p.name: p.type for p in self.m.ports}
        self.types.update({v.name: v.type for v in self.m.locals})
        self.result = RangeResult()

    # -- types ---------------------------------------------------------------------------------

    def declared(self, name: str) -> Interval:
        t = self.types.get(name)
        if isinstance(t, ir.IntType):
            if t.wraps and t.width is not None:
                base = I.bits_unsigned(t.width)
            else:
                base = TOP if t.signed else Interval(0, None)
            return base.meet(self.low.declared.get(name, TOP))
        return TOP

    def element_declared(self, array: str) -> Interval:
        t = self.types.get(array)
        if isinstance(t, ir.ArrayType) and isinstance(t.element, ir.IntType):
            e = t.element
            if e.wraps and e.width is not None:
                return I.bits_unsigned(e.width)
            if array in self.low.char_vars:
                return Interval(0, CHAR_MAX)  # a string's elements: Dafny's char type
            return TOP if e.signed else Interval(0, None)
        return TOP

    def _record_node(self, e: ir.Expr, iv: Interval) -> None:
        old = self.result.nodes.get(id(e))
        self.result.nodes[id(e)] = iv if old is None else old.join(iv)

    # -- guards --------------------------------------------------------------------------------

    def refine(self, state: State, cond: ir.Expr, truth: bool) -> State | None:
        if isinstance(cond, ir.Const) and isinstance(cond.value, bool):
            return state if cond.value == truth else None
        if isinstance(cond, ir.Unary) and cond.op == ir.UnOp.NOT:
            return self.refine(state, cond.operand, not truth)
        if isinstance(cond, ir.Binary):
            op = cond.op
            if (op == ir.BinOp.AND and truth) or (op == ir.BinOp.OR and not truth):
                first = self.refine(state, cond.lhs, truth)
                return self.refine(first, cond.rhs, truth) if first is not None else None
            if (op == ir.BinOp.AND and not truth) or (op == ir.BinOp.OR and truth):
                a = self.refine(state, cond.lhs, truth)
                b_in = self.refine(state, cond.lhs, not truth)
                b = self.refine(b_in, cond.rhs, truth) if b_in is not None else None
                return join_states(a, b)
            if op.is_comparison:
                return self._refine_compare(state, op, cond.lhs, cond.rhs, truth)
        return state

    def _refine_compare(
        self, state: State, op: ir.BinOp, lhs: ir.Expr, rhs: ir.Expr, truth: bool
    ) -> State | None:
        if not truth:
            op = {
                ir.BinOp.LT: ir.BinOp.GE,
                ir.BinOp.LE: ir.BinOp.GT,
                ir.BinOp.GT: ir.BinOp.LE,
                ir.BinOp.GE: ir.BinOp.LT,
                ir.BinOp.EQ: ir.BinOp.NE,
                ir.BinOp.NE: ir.BinOp.EQ,
            }[op]
        a = self.expr(lhs, state, False)
        b = self.expr(rhs, state, False)
        if op == ir.BinOp.NE:
            out = state.copy()
            # x != k tightens only an end equal to k
            for side, other in ((lhs, b), (rhs, a)):
                if isinstance(side, ir.Var) and other.lo is not None and other.lo == other.hi:
                    cur = out.vars.get(side.name)
                    if cur is not None:
                        if cur.lo == other.lo:
                            out.vars[side.name] = Interval(other.lo + 1, cur.hi)
                        elif cur.hi == other.hi:
                            out.vars[side.name] = Interval(cur.lo, other.hi - 1)
            return out
        # lhs op rhs -> bounds for each side from the other
        lt: dict[ir.BinOp, tuple[int, int]] = {
            ir.BinOp.LT: (-1, 1),
            ir.BinOp.LE: (0, 0),
        }
        out = state.copy()
        if op in (ir.BinOp.GT, ir.BinOp.GE):
            op = ir.BinOp.LT if op == ir.BinOp.GT else ir.BinOp.LE
            lhs, rhs, a, b = rhs, lhs, b, a
        if op == ir.BinOp.EQ:
            self._set(out, lhs, a.meet(b))
            self._set(out, rhs, a.meet(b))
        else:
            k_hi, k_lo = lt[op]
            self._set(out, lhs, a.meet(Interval(None, None if b.hi is None else b.hi + k_hi)))
            self._set(out, rhs, b.meet(Interval(None if a.lo is None else a.lo + k_lo, None)))
        for v in out.vars.values():
            if v.empty:
                return None
        return out

    def _set(self, state: State, e: ir.Expr, iv: Interval) -> None:
        if isinstance(e, ir.Var) and isinstance(self.types.get(e.name), ir.IntType):
            state.vars[e.name] = iv

    # -- expressions ---------------------------------------------------------------------------

    def expr(self, e: ir.Expr, state: State, record: bool) -> Interval:
        iv = self._expr(e, state, record)
        if isinstance(e.type, ir.IntType) and e.type.wraps and e.type.width is not None:
            iv = I.clamp_wrap(iv, e.type.width)
        if record:
            self._record_node(e, iv)
        return iv

    def _expr(self, e: ir.Expr, state: State, record: bool) -> Interval:
        ev: Callable[[ir.Expr], Interval] = lambda x: self.expr(x, state, record)  # noqa: E731
        if isinstance(e, ir.Const):
            return BOOL_RANGE if isinstance(e.value, bool) else Interval.point(e.value)
        if isinstance(e, ir.Var):
            if isinstance(self.types.get(e.name), ir.BoolType):
                return BOOL_RANGE
            return state.vars.get(e.name, self.declared(e.name))
        if isinstance(e, ir.Index):
            ev(e.index)
            el = state.elems.get(e.array)
            return el if el is not None else self.element_declared(e.array)
        if isinstance(e, ir.Length):
            return self.result.lens.get(e.array, Interval(0, None))
        if isinstance(e, ir.Unary):
            v = ev(e.operand)
            if e.op == ir.UnOp.NOT:
                return BOOL_RANGE
            if e.op == ir.UnOp.NEG:
                return I.neg(v)
            t = e.type
            assert isinstance(t, ir.IntType) and t.width is not None
            return I.bits_unsigned(t.width)
        if isinstance(e, ir.Cond):
            ev(e.cond)
            then_state = self.refine(state, e.cond, True)
            else_state = self.refine(state, e.cond, False)
            parts = []
            if then_state is not None:
                parts.append(self.expr(e.then, then_state, record))
            if else_state is not None:
                parts.append(self.expr(e.otherwise, else_state, record))
            return I.join_all(parts)
        if isinstance(e, ir.Cast):
            v = ev(e.operand)
            t = e.type
            assert isinstance(t, ir.IntType)
            if t.wraps and t.width is not None:
                return I.clamp_wrap(v, t.width)
            return v if t.signed else v.meet(Interval(0, None))
        if isinstance(e, ir.Binary):
            return self.binary(e, state, record)
        return TOP

    def binary(self, e: ir.Binary, state: State, record: bool) -> Interval:
        op = e.op
        if op.is_logical:
            self.expr(e.lhs, state, record)
            sub = self.refine(state, e.lhs, op != ir.BinOp.OR) if op != ir.BinOp.IFF else state
            if sub is not None:
                self.expr(e.rhs, sub, record)
            return BOOL_RANGE
        a = self.expr(e.lhs, state, record)
        b = self.expr(e.rhs, state, record)
        if op.is_comparison:
            return BOOL_RANGE
        if op == ir.BinOp.ADD:
            return I.add(a, b)
        if op == ir.BinOp.SUB:
            return I.sub(a, b)
        if op == ir.BinOp.MUL:
            return I.mul(a, b)
        if op in (ir.BinOp.DIV, ir.BinOp.MOD):
            # with both operands non-negative, Euclidean and truncating division agree
            e.euclidean_needed = not (
                a.lo is not None and a.lo >= 0 and b.lo is not None and b.lo > 0
            )
            return I.div(a, b) if op == ir.BinOp.DIV else I.mod(a, b)
        t = e.type
        width = t.width if isinstance(t, ir.IntType) and t.width is not None else None
        if width is None:
            return TOP
        full = I.bits_unsigned(width)
        if op == ir.BinOp.BAND:
            hi = (
                min(x for x in (a.hi, b.hi) if x is not None)
                if a.hi is not None or b.hi is not None
                else None
            )
            return Interval(0, hi).meet(full)
        if op in (ir.BinOp.BOR, ir.BinOp.BXOR):
            if a.hi is None or b.hi is None:
                return full
            return Interval(0, (1 << max(a.hi.bit_length(), b.hi.bit_length())) - 1).meet(full)
        if op == ir.BinOp.SHL:
            if b.hi is None or b.lo is None or b.hi > 4096:
                return full
            return I.mul(a, Interval(1 << max(b.lo, 0), 1 << max(b.hi, 0)))
        if op == ir.BinOp.SHR:
            if a.lo is None or a.hi is None or b.lo is None or b.hi is None:
                return full
            return Interval(a.lo >> max(b.hi, 0), a.hi >> max(b.lo, 0))
        return full
