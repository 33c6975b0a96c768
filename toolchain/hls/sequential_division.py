"""`{:hls_divider k}`: every divide and modulo of a method becomes a divider loop of its own, k
quotient bits per cycle, instead of one combinational divider.

A combinational w-bit divider is w subtract-and-select rows (gcd16: about 700 of its 865 LUTs).
The sequential one keeps one row per quotient bit per cycle and iterates, so its area is k rows,
a counter and three registers, for ceil(w / k) + 1 more cycles per division: the classic area /
latency trade an HLS user makes by binding a divider to a multi-cycle core.

The rewrite works on the structured IR (`structurize`: Assign / If / While only) before DSLX is
written. Each division in a statement is hoisted in front of it, in evaluation order, as

    q, r, i := n, 0, 0;                               // q: the dividend, shifted out bit by bit
    while i < ceil(w / k) { k times: restoring step; i := i + 1 }
    ... r (remainder) or q (quotient) in place of the division

which the proc writer (`dslx`) turns into one more state of the state machine. The dividend is
zero-extended to a multiple of k bits (leading zeros give zero quotient bits and leave the
remainder alone). The statement's other operands are read in the same state as before: the loop
writes only its own variables. Left as they were, each with a reason: divisions in a loop
condition (evaluated in the loop head state itself), and divisions whose operands may be
negative (Dafny's Euclidean rule needs the signed corrections of `dslx_division`).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

from toolchain.frontend.ir import (
    BOOL,
    Assign,
    Binary,
    BinOp,
    Cast,
    Cond,
    Const,
    Expr,
    HardwareMethod,
    If,
    Index,
    IndexTarget,
    IntType,
    Local,
    SourceSpan,
    Stmt,
    Unary,
    Var,
    VarTarget,
    While,
    common_type,
    width_for_range,
)
from toolchain.hls.errors import HlsError

# the most quotient bits one cycle may compute (beyond it the combinational divider is smaller)
MAX_BITS_PER_CYCLE = 64


@dataclass
class DividerRewrite:
    method: HardwareMethod
    rewritten: int = 0  # divisions that became divider loops
    kept: list[str] = field(default_factory=list)  # why the others stay combinational


def _where(loc: SourceSpan) -> str:
    return f"{loc.file}:{loc.start_line + 1}:{loc.start_col + 1}"


def _uint(width: int) -> IntType:
    # the divider's registers are bit-vectors: its shifts drop bits by design
    return IntType(width=width, signed=False, wraps=True)


def _const(value: int, t: IntType) -> Const:
    return Const(type=t, value=value)


class _Rewriter:
    def __init__(self, method: HardwareMethod, bits_per_cycle: int) -> None:
        self.m = method
        self.k = bits_per_cycle
        self.taken = {p.name for p in method.ports} | {v.name for v in method.locals}
        self.fresh = itertools.count()
        self.new_locals: list[Local] = []
        self.out = DividerRewrite(method)

    def local(self, hint: str, t: IntType, loc: SourceSpan) -> str:
        while True:
            name = f"div__{next(self.fresh)}_{hint}"
            if name not in self.taken:
                break
        self.taken.add(name)
        self.new_locals.append(Local(name=name, type=t, loc=loc, origin="divider"))
        return name

    # ---- statements ------------------------------------------------------------------------

    def stmts(self, body: list[Stmt]) -> list[Stmt]:
        out: list[Stmt] = []
        for s in body:
            if isinstance(s, Assign):
                pre: list[Stmt] = []
                values = [self.expr(v, pre) for v in s.values]
                targets = [
                    dataclasses.replace(t, index=self.expr(t.index, pre))
                    if isinstance(t, IndexTarget)
                    else t
                    for t in s.targets
                ]
                out += pre
                out.append(dataclasses.replace(s, targets=targets, values=values))
            elif isinstance(s, If):
                pre = []
                cond = self.expr(s.cond, pre)
                out += pre
                out.append(
                    dataclasses.replace(
                        s, cond=cond, then=self.stmts(s.then), otherwise=self.stmts(s.otherwise)
                    )
                )
            elif isinstance(s, While):
                self.keep_all(s.cond, "in a loop condition, which its loop head state evaluates")
                out.append(dataclasses.replace(s, body=self.stmts(s.body)))
            else:
                raise HlsError(f"unexpected {type(s).__name__} after structuring at {s.loc}")
        return out

    def keep_all(self, e: Expr, why: str) -> None:
        for d in _divisions(e):
            self.out.kept.append(f"the division at {_where(d.loc)} stays combinational: {why}")

    # ---- expressions -----------------------------------------------------------------------

    def expr(self, e: Expr, pre: list[Stmt]) -> Expr:
        """`e` with its divisions replaced by the variables the divider loops (appended to `pre`,
        innermost first) leave their results in."""
        if isinstance(e, Binary):
            lhs, rhs = self.expr(e.lhs, pre), self.expr(e.rhs, pre)
            e = dataclasses.replace(e, lhs=lhs, rhs=rhs)
            if e.op in (BinOp.DIV, BinOp.MOD):
                return self.divide(e, pre)
            return e
        if isinstance(e, Unary):
            return dataclasses.replace(e, operand=self.expr(e.operand, pre))
        if isinstance(e, Cast):
            return dataclasses.replace(e, operand=self.expr(e.operand, pre))
        if isinstance(e, Index):
            return dataclasses.replace(e, index=self.expr(e.index, pre))
        if isinstance(e, Cond):
            # both arms are computed (a select): a division in the arm not taken runs too, on
            # operands whose result is discarded (a zero divisor gives all ones, harmlessly)
            return dataclasses.replace(
                e,
                cond=self.expr(e.cond, pre),
                then=self.expr(e.then, pre),
                otherwise=self.expr(e.otherwise, pre),
            )
        return e

    def divide(self, e: Binary, pre: list[Stmt]) -> Expr:
        t = e.type
        lt, rt = e.lhs.type, e.rhs.type
        if not (isinstance(t, IntType) and isinstance(lt, IntType) and isinstance(rt, IntType)):
            raise HlsError(f"division of non-integers at {e.loc}")
        # the width the combinational divider computes in (as `dslx._Writer.division`)
        c = t if t.wraps else common_type(lt, rt)
        if c.signed and e.euclidean_needed:
            self.out.kept.append(
                f"the division at {_where(e.loc)} stays combinational: its operands may be "
                "negative (Dafny's Euclidean rule)"
            )
            return e
        if isinstance(e.rhs, Const):
            self.out.kept.append(
                f"the division at {_where(e.loc)} stays combinational: its divisor is a constant "
                "(XLS turns it into shifts and a multiply)"
            )
            return e
        w = c.width or 1
        k = min(self.k, w)
        trips = -(-w // k)
        wq = trips * k  # the dividend zero-extended to whole cycles
        wr = w + 1  # a partial remainder is below the divisor before its shift
        loc = e.loc
        q = self.local("q", _uint(wq), loc)
        r = self.local("r", _uint(wr), loc)
        it = width_for_range(0, trips)
        i = self.local("i", it, loc)
        qt, rt_ = _uint(wq), _uint(wr)
        # the operands are proven non-negative here: their bits are their unsigned values
        n_bits = Cast(type=qt, operand=Cast(type=_uint(w), operand=e.lhs, loc=loc), loc=loc)
        d_val: Expr = Cast(type=_uint(w), operand=e.rhs, loc=loc)
        if not isinstance(e.rhs, Var | Const):
            d = self.local("d", _uint(w), loc)
            pre.append(_assign([d], [d_val], loc))
            d_val = Var(type=_uint(w), name=d, loc=loc)
        pre.append(_assign([q, r, i], [n_bits, _const(0, rt_), _const(0, it)], loc))
        qv, rv = Var(type=qt, name=q, loc=loc), Var(type=rt_, name=r, loc=loc)
        iv = Var(type=it, name=i, loc=loc)
        body: list[Stmt] = []
        for _ in range(k):
            body += _step(qv, rv, d_val, wq, loc)
        body.append(_assign([i], [Binary(type=it, op=BinOp.ADD, lhs=iv, rhs=_const(1, it))], loc))
        cond = Binary(type=BOOL, op=BinOp.LT, lhs=iv, rhs=_const(trips, it), loc=loc)
        pre.append(While(loc=loc, body=body, max_trips=trips, cond=cond))
        self.out.rewritten += 1
        result = rv if e.op == BinOp.MOD else qv
        return Cast(type=t, operand=result, loc=loc)


def _assign(names: list[str], values: list[Expr], loc: SourceSpan) -> Assign:
    return Assign(loc=loc, targets=[VarTarget(name=n, loc=loc) for n in names], values=values)


def _step(q: Var, r: Var, d: Expr, wq: int, loc: SourceSpan) -> list[Stmt]:
    """One restoring step: shift the dividend's top bit into the partial remainder, subtract the
    divisor when it fits, and shift the outcome into the quotient (where the dividend was)."""
    qt, rt = q.type, r.type
    assert isinstance(qt, IntType) and isinstance(rt, IntType)
    top = Binary(type=qt, op=BinOp.SHR, lhs=q, rhs=_const(wq - 1, width_for_range(0, wq)), loc=loc)
    one = _const(1, width_for_range(0, 1))
    shifted_r = Binary(type=rt, op=BinOp.SHL, lhs=r, rhs=one, loc=loc)
    new_r = Binary(type=rt, op=BinOp.BOR, lhs=shifted_r, rhs=Cast(type=rt, operand=top), loc=loc)
    new_q = Binary(type=qt, op=BinOp.SHL, lhs=q, rhs=one, loc=loc)
    fits = Binary(type=BOOL, op=BinOp.GE, lhs=r, rhs=d, loc=loc)
    subtract = _assign(
        [r.name, q.name],
        [
            Binary(type=rt, op=BinOp.SUB, lhs=r, rhs=Cast(type=rt, operand=d), loc=loc),
            Binary(type=qt, op=BinOp.BOR, lhs=q, rhs=_const(1, qt), loc=loc),
        ],
        loc,
    )
    return [_assign([r.name, q.name], [new_r, new_q], loc), If(loc=loc, cond=fits, then=[subtract])]


def _divisions(e: Expr) -> list[Binary]:
    found: list[Binary] = []
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, Expr):
            found += _divisions(v)
    if isinstance(e, Binary) and e.op in (BinOp.DIV, BinOp.MOD):
        found.append(e)
    return found


def sequential_divisions(method: HardwareMethod, bits_per_cycle: int) -> DividerRewrite:
    """`method` (structured) with its divisions as divider loops of `bits_per_cycle` quotient bits
    per cycle (see the module doc); `rewritten` 0 leaves the method as it was."""
    if not 1 <= bits_per_cycle <= MAX_BITS_PER_CYCLE:
        raise HlsError(f"a divider computes 1 to {MAX_BITS_PER_CYCLE} bits per cycle")
    rw = _Rewriter(method, bits_per_cycle)
    body = rw.stmts(method.body)
    if rw.out.rewritten:
        rw.out.method = dataclasses.replace(
            method, body=body, locals=[*method.locals, *rw.new_locals]
        )
    return rw.out


__all__ = ["MAX_BITS_PER_CYCLE", "DividerRewrite", "sequential_divisions"]
