"""Lowering of Dafny expressions to IR expressions.

An expression that needs statements to evaluate (an inlined function call, a short-circuit whose
right operand needs statements, a quantifier's search loop) appends them to `pre`, the statements
that run just before the expression's value is used.
"""

from __future__ import annotations

from typing import Protocol

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.chars import char_value, string_value
from toolchain.frontend.dtypes import INT
from toolchain.frontend.facts import conjuncts
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering.enums import (
    constructor_value,
    data_constructor_refusal,
    discriminator,
)
from toolchain.frontend.lowering.forall_shapes import is_var
from toolchain.frontend.lowering.scope import (
    ArrayRef,
    ConstVal,
    GhostVar,
    LoweringContext,
    Scalar,
    dtype_of_ir,
)
from toolchain.frontend.lowering.sequence_equality import sequence_equality


class FunctionInliner(Protocol):
    """Inlines a call of a compiled Dafny function (see `lowering.calls.CallInliner`)."""

    def inline_function(self, f: A.FunctionDecl, call: A.Apply, pre: list[ir.Stmt]) -> ir.Expr: ...

    def method_function(self, m: A.MethodDecl) -> A.FunctionDecl | None: ...


class ExpressionLowerer:
    """Lowers the expressions of one method; function calls go to `functions`."""

    # set by the call inliner, which itself needs this lowerer to lower arguments
    functions: FunctionInliner

    def __init__(self, ctx: LoweringContext) -> None:
        self.ctx = ctx

    def expr(self, e: A.Expr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.ctx.loc(e)
        if isinstance(e, A.IntLit):
            return ir.Const(
                value=e.value, type=ir.UNSIZED_INT if e.value < 0 else ir.UNSIZED_NAT, loc=loc
            )
        if isinstance(e, A.BoolLit):
            return ir.Const(value=e.value, type=ir.BOOL, loc=loc)
        if isinstance(e, A.Name):
            b = self.ctx.lookup(e.name)
            if isinstance(b, Scalar):
                return ir.Var(name=b.ir_name, type=self._var_type(b), loc=loc)
            if isinstance(b, ConstVal):
                return ir.Const(value=b.value, type=ir.UNSIZED_INT, loc=loc)
            if isinstance(b, ArrayRef):
                raise self.ctx.fail(
                    e, "HW103", f"{e.name} used as a whole value: read elements instead"
                )
            if isinstance(b, GhostVar):
                raise self.ctx.fail(e, "HW114", f"ghost variable {e.name} used in executable code")
            ctor = constructor_value(self.ctx, e)
            if ctor is not None:
                return ctor
            raise self.ctx.fail(e, "HW114", f"unknown name {e.name}")
        if isinstance(e, A.Member):
            ctor = constructor_value(self.ctx, e)
            if ctor is not None:
                return ctor
            if e.member.endswith("?"):
                return self.binary(discriminator(self.ctx, e), pre)
            if e.member == "Length" and isinstance(e.obj, A.Name):
                b = self.ctx.lookup(e.obj.name)
                if isinstance(b, ArrayRef):
                    return _length(b, loc)
            if e.member.startswith("Length") and e.member[6:].isdigit():
                raise self.ctx.fail(e, "HW113", "multi-dimensional arrays are not supported yet")
            raise self.ctx.fail(e, "HW102", f"member access .{e.member}: objects are heap data")
        if isinstance(e, A.Cardinality):
            if isinstance(e.operand, A.Name):
                b = self.ctx.lookup(e.operand.name)
                if isinstance(b, ArrayRef):
                    return _length(b, loc)
            raise self.ctx.fail(
                e,
                "HW103",
                "the size of a collection built inside an expression is not hardware: assign "
                "the sequence to a variable first",
            )
        if isinstance(e, A.IndexExpr):
            if len(e.indices) != 1:
                raise self.ctx.fail(e, "HW113", "multi-dimensional arrays are not supported yet")
            if isinstance(e.seq, A.Name):
                b = self.ctx.lookup(e.seq.name)
                if isinstance(b, ArrayRef):
                    idx = self.expr(e.indices[0], pre)
                    assert b.dtype.element is not None
                    et = b.dtype.element.to_ir()
                    return ir.Index(array=b.ir_name, index=idx, type=et, loc=loc)
            raise self.ctx.fail(
                e, "HW103", "indexing a built sequence: only array / sequence inputs can be read"
            )
        if isinstance(e, A.SliceExpr | A.UpdateExpr):
            raise self.ctx.fail(
                e,
                "HW103",
                "slices and updated sequences in executable code have no fixed hardware size",
            )
        if isinstance(e, A.UnaryExpr):
            v = self.expr(e.operand, pre)
            if e.op == "!":
                op = ir.UnOp.NOT if isinstance(v.type, ir.BoolType) else ir.UnOp.BNOT
                return ir.Unary(op=op, operand=v, type=v.type, loc=loc)
            t = v.type if isinstance(v.type, ir.IntType) and v.type.wraps else ir.UNSIZED_INT
            return ir.Unary(op=ir.UnOp.NEG, operand=v, type=t, loc=loc)
        if isinstance(e, A.BinaryExpr):
            return self.binary(e, pre)
        if isinstance(e, A.IfExpr):
            cond = self.expr(e.cond, pre)
            then_pre: list[ir.Stmt] = []
            other_pre: list[ir.Stmt] = []
            then = self.expr(e.then, then_pre)
            other = self.expr(e.otherwise, other_pre)
            joined = _join_types(then.type, other.type)
            if not then_pre and not other_pre:
                return ir.Cond(
                    cond=cond,
                    then=_retype_literal(then, joined),
                    otherwise=_retype_literal(other, joined),
                    type=joined,
                    loc=loc,
                )
            res = self.ctx.temp(joined, loc)
            pre.append(
                ir.If(
                    cond=cond,
                    then=[
                        *then_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[then], loc=loc),
                    ],
                    otherwise=[
                        *other_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[other], loc=loc),
                    ],
                    loc=loc,
                )
            )
            return ir.Var(name=res, type=joined, loc=loc)
        if isinstance(e, A.CastExpr):
            if e.is_test:
                raise self.ctx.fail(e, "HW111", "`is` type tests are not supported")
            v = self.expr(e.operand, pre)
            d = self.ctx.resolve_type(e.target, e)
            if not d.is_int:
                raise self.ctx.fail(e, "HW111", f"conversion to {e.target} is not supported")
            return ir.Cast(operand=v, type=d.to_ir(), loc=loc)
        if isinstance(e, A.Apply):
            return self.apply(e, pre)
        if isinstance(e, A.LetExpr):
            self.ctx.scopes.append({})
            try:
                for n, bound in zip(e.names, e.values, strict=False):
                    let_val = self.expr(bound, pre)
                    name = self.ctx.temp(let_val.type, self.ctx.loc(bound))
                    pre.append(
                        ir.Assign(
                            targets=[ir.VarTarget(name=name)],
                            values=[let_val],
                            loc=self.ctx.loc(bound),
                        )
                    )
                    self.ctx.bind(n, Scalar(name, dtype_of_ir(let_val)))
                return self.expr(e.body, pre)
            finally:
                self.ctx.scopes.pop()
        if isinstance(e, A.Quantifier):
            return self.quantifier(e, pre)
        if isinstance(e, A.OtherLit):
            if e.kind == "char":
                point = char_value(e.text)
                if point is None:
                    raise self.ctx.fail(e, "HW104", f"cannot read the character literal {e.text}")
                return ir.Const(value=point, type=ir.UNSIZED_NAT, loc=loc)
            if e.kind == "real":
                raise self.ctx.fail(e, "HW105", "real numbers have no fixed-width hardware form")
            if e.kind == "null":
                raise self.ctx.fail(e, "HW102", "null: heap references are not hardware")
            raise self.ctx.fail(
                e,
                "HW104",
                "a string value built in executable code has no fixed hardware size (string "
                'parameters, their characters and `c in "..."` are hardware)',
            )
        if isinstance(e, A.Display):
            raise self.ctx.fail(
                e, "HW103", f"a {e.kind} value built in executable code has no fixed hardware size"
            )
        if isinstance(e, A.Comprehension):
            code = "HW106" if e.kind == "lambda" else "HW103"
            what = (
                "lambdas (higher-order functions)"
                if e.kind == "lambda"
                else f"{e.kind} comprehensions"
            )
            raise self.ctx.fail(e, code, f"{what} are not hardware")
        if isinstance(e, A.MatchExpr):
            raise self.ctx.fail(
                e,
                "HW108",
                "a match whose cases bind fields is not supported yet (cases that name "
                "constructors are): use if-then-else",
            )
        if isinstance(e, A.NewArray | A.NewObject):
            raise self.ctx.fail(e, "HW102", "allocation inside an expression is not supported")
        if isinstance(e, A.Havoc):
            raise self.ctx.fail(e, "HW107", "`*` is an arbitrary value")
        raise self.ctx.fail(e, "HW114", "this expression is not supported")

    def _var_type(self, b: Scalar) -> ir.HwType:
        return b.dtype.to_ir()

    def binary(self, e: A.BinaryExpr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.ctx.loc(e)
        op_map = {
            "+": ir.BinOp.ADD,
            "-": ir.BinOp.SUB,
            "*": ir.BinOp.MUL,
            "/": ir.BinOp.DIV,
            "%": ir.BinOp.MOD,
            "==": ir.BinOp.EQ,
            "!=": ir.BinOp.NE,
            "<": ir.BinOp.LT,
            "<=": ir.BinOp.LE,
            ">": ir.BinOp.GT,
            ">=": ir.BinOp.GE,
            "&&": ir.BinOp.AND,
            "||": ir.BinOp.OR,
            "==>": ir.BinOp.IMPLIES,
            "<==>": ir.BinOp.IFF,
            "&": ir.BinOp.BAND,
            "|": ir.BinOp.BOR,
            "^": ir.BinOp.BXOR,
            "<<": ir.BinOp.SHL,
            ">>": ir.BinOp.SHR,
        }
        if e.op in ("in", "!in"):
            return self.membership(e, pre)
        if e.op in ("==", "!="):
            compared = sequence_equality(self, e, pre)
            if compared is not None:
                return compared
        if e.op == "<==":
            return self.binary(
                A.BinaryExpr(op="==>", lhs=e.rhs, rhs=e.lhs, start=e.start, end=e.end), pre
            )
        if e.op not in op_map:
            raise self.ctx.fail(
                e, "HW103", f"operator {e.op} works on collections, not hardware values"
            )
        op = op_map[e.op]
        lhs = self.expr(e.lhs, pre)
        if op.is_logical:
            rhs_pre: list[ir.Stmt] = []
            rhs = self.expr(e.rhs, rhs_pre)
            if not rhs_pre:
                return ir.Binary(op=op, lhs=lhs, rhs=rhs, type=ir.BOOL, loc=loc)
            # the right operand needs statements: evaluate it only when the left one allows
            res = self.ctx.temp(ir.BOOL, loc)
            pre.append(ir.Assign(targets=[ir.VarTarget(name=res)], values=[lhs], loc=loc))
            guard: ir.Expr = ir.Var(name=res, type=ir.BOOL, loc=loc)
            if op == ir.BinOp.OR:
                guard = ir.Unary(op=ir.UnOp.NOT, operand=guard, type=ir.BOOL, loc=loc)
            final = rhs
            if op == ir.BinOp.IFF:
                final = ir.Binary(
                    op=ir.BinOp.IFF,
                    lhs=ir.Var(name=res, type=ir.BOOL, loc=loc),
                    rhs=rhs,
                    type=ir.BOOL,
                    loc=loc,
                )
                guard = ir.Const(value=True, type=ir.BOOL, loc=loc)
            if op == ir.BinOp.IMPLIES:
                # a ==> b: true when a is false, else b
                pre.append(
                    ir.If(
                        cond=ir.Var(name=res, type=ir.BOOL, loc=loc),
                        then=[
                            *rhs_pre,
                            ir.Assign(targets=[ir.VarTarget(name=res)], values=[rhs], loc=loc),
                        ],
                        otherwise=[
                            ir.Assign(
                                targets=[ir.VarTarget(name=res)],
                                values=[ir.Const(value=True, type=ir.BOOL, loc=loc)],
                                loc=loc,
                            )
                        ],
                        loc=loc,
                    )
                )
                return ir.Var(name=res, type=ir.BOOL, loc=loc)
            pre.append(
                ir.If(
                    cond=guard,
                    then=[
                        *rhs_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[final], loc=loc),
                    ],
                    loc=loc,
                )
            )
            return ir.Var(name=res, type=ir.BOOL, loc=loc)
        rhs = self.expr(e.rhs, pre)
        if op.is_comparison:
            t: ir.HwType = ir.BOOL
            common = _join_types(lhs.type, rhs.type)
            lhs, rhs = _retype_literal(lhs, common), _retype_literal(rhs, common)
        elif op in (ir.BinOp.SHL, ir.BinOp.SHR):
            t = lhs.type
            if not (isinstance(t, ir.IntType) and t.wraps):
                raise self.ctx.fail(e, "HW111", "shifts work on bit-vector types")
        else:
            t = _join_types(lhs.type, rhs.type)
            lhs, rhs = _retype_literal(lhs, t), _retype_literal(rhs, t)
            if isinstance(t, ir.IntType) and not t.wraps:
                t = ir.UNSIZED_INT
            if op in (ir.BinOp.BAND, ir.BinOp.BOR, ir.BinOp.BXOR) and isinstance(t, ir.BoolType):
                raise self.ctx.fail(e, "HW111", "use && / || on booleans")
        return ir.Binary(op=op, lhs=lhs, rhs=rhs, type=t, loc=loc)

    def membership(self, e: A.BinaryExpr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.ctx.loc(e)
        coll = e.rhs
        points = (
            string_value(coll.text)
            if isinstance(coll, A.OtherLit) and coll.kind == "string"
            else None
        )
        if points is not None or (
            isinstance(coll, A.Display) and coll.kind in ("set", "seq", "multiset")
        ):
            v = self.expr(e.lhs, pre)
            result: ir.Expr = ir.Const(value=False, type=ir.BOOL, loc=loc)
            items: list[ir.Expr] = []
            if points is not None:
                # `c in "aeiou"`: a string literal is a sequence of char constants
                items = [ir.Const(value=p, type=ir.UNSIZED_NAT, loc=loc) for p in points]
            elif isinstance(coll, A.Display):
                items = [self.expr(item, pre) for item in coll.items]
            for it in items:
                common = _join_types(v.type, it.type)
                eq = ir.Binary(
                    op=ir.BinOp.EQ,
                    lhs=_retype_literal(v, common),
                    rhs=_retype_literal(it, common),
                    type=ir.BOOL,
                    loc=loc,
                )
                result = (
                    eq
                    if isinstance(result, ir.Const)
                    else ir.Binary(op=ir.BinOp.OR, lhs=result, rhs=eq, type=ir.BOOL, loc=loc)
                )
            if e.op == "!in":
                result = ir.Unary(op=ir.UnOp.NOT, operand=result, type=ir.BOOL, loc=loc)
            return result
        src = coll.seq if isinstance(coll, A.SliceExpr) else coll
        b = self.ctx.lookup(src.name) if isinstance(src, A.Name) else None
        if isinstance(b, ArrayRef) and b.dtype.element is not None:
            return self._search(e, b, coll, pre)
        raise self.ctx.fail(
            e,
            "HW103",
            "membership in a collection value is not hardware (only in a literal set, or in "
            "an array or sequence in scope, or a slice of one)",
        )

    def _search(self, e: A.BinaryExpr, b: ArrayRef, coll: A.Expr, pre: list[ir.Stmt]) -> ir.Expr:
        """`x in s` (or `s[lo..hi]`) as a search loop over the elements, as an `exists`."""
        loc = self.ctx.loc(e)
        assert b.dtype.element is not None
        x = self.expr(e.lhs, pre)
        held = self.ctx.temp(_unsized_type(x.type), loc)
        pre.append(ir.Assign(targets=[ir.VarTarget(name=held)], values=[x], loc=loc))
        lo: ir.Expr = ir.Const(value=0, type=ir.UNSIZED_NAT, loc=loc)
        hi: ir.Expr = _length(b, loc)
        if isinstance(coll, A.SliceExpr):
            if coll.lo is not None:
                lo = self.expr(coll.lo, pre)
            if coll.hi is not None:
                hi = self.expr(coll.hi, pre)
        res = self.ctx.temp(ir.BOOL, loc)
        idx = self.ctx.new_local("in_q", ir.UNSIZED_INT, loc, origin="membership")
        self.ctx.declared[idx] = Interval(None, None)
        element = ir.Index(
            array=b.ir_name,
            index=ir.Var(name=idx, type=ir.UNSIZED_INT, loc=loc),
            type=b.dtype.element.to_ir(),
            loc=loc,
        )
        hit = ir.Binary(
            op=ir.BinOp.EQ,
            lhs=element,
            rhs=ir.Var(name=held, type=_unsized_type(x.type), loc=loc),
            type=ir.BOOL,
            loc=loc,
        )
        pre.append(
            ir.Assign(
                targets=[ir.VarTarget(name=res)],
                values=[ir.Const(value=False, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        found = ir.Assign(
            targets=[ir.VarTarget(name=res)],
            values=[ir.Const(value=True, type=ir.BOOL, loc=loc)],
            loc=loc,
        )
        pre.append(
            ir.For(var=idx, lo=lo, hi=hi, body=[ir.If(cond=hit, then=[found], loc=loc)], loc=loc)
        )
        result: ir.Expr = ir.Var(name=res, type=ir.BOOL, loc=loc)
        if e.op == "!in":
            result = ir.Unary(op=ir.UnOp.NOT, operand=result, type=ir.BOOL, loc=loc)
        return result

    def quantifier(self, e: A.Quantifier, pre: list[ir.Stmt]) -> ir.Expr:
        """A bounded `forall`/`exists` over an integer range becomes a search loop."""
        loc = self.ctx.loc(e)
        if len(e.vars) != 1:
            raise self.ctx.fail(
                e, "HW103", "quantifiers over several variables are not supported in code"
            )
        var = e.vars[0].name
        rng, body = e.range, e.body
        if rng is None and isinstance(body, A.BinaryExpr) and body.op in ("==>", "&&"):
            rng, body = body.lhs, body.rhs
        if rng is None:
            raise self.ctx.fail(e, "HW103", "a quantifier in code needs a range `lo <= x < hi`")
        lo_e: A.Expr | None = None
        hi_e: A.Expr | None = None
        rest: list[A.Expr] = []
        for c in conjuncts(rng):
            # `lo <= var` / `lo < var` bounds from below, `var < hi` / `var <= hi` from above;
            # the first of each is the range, any other conjunct is part of the body's guard
            if isinstance(c, A.BinaryExpr) and c.op in ("<=", "<"):
                if lo_e is None and is_var(c.rhs, var):
                    lo_e = c.lhs if c.op == "<=" else _plus_one(c.lhs, c)
                    continue
                if hi_e is None and is_var(c.lhs, var):
                    hi_e = c.rhs if c.op == "<" else _plus_one(c.rhs, c)
                    continue
            rest.append(c)
        if lo_e is None or hi_e is None:
            raise self.ctx.fail(e, "HW103", "a quantifier in code needs a range `lo <= x < hi`")
        lo = self.expr(lo_e, pre)
        hi = self.expr(hi_e, pre)
        res = self.ctx.temp(ir.BOOL, loc)
        idx = self.ctx.new_local(f"{var}_q", ir.UNSIZED_INT, loc, origin="quantifier")
        self.ctx.declared[idx] = Interval(None, None)
        self.ctx.scopes.append({var: Scalar(idx, INT)})
        try:
            body_pre: list[ir.Stmt] = []
            cond = body
            for r in reversed(rest):
                cond = A.BinaryExpr(
                    op="==>" if e.kind == "forall" else "&&",
                    lhs=r,
                    rhs=cond,
                    start=r.start,
                    end=cond.end,
                )
            val = self.expr(cond, body_pre)
        finally:
            self.ctx.scopes.pop()
        forall = e.kind == "forall"
        hit = val if not forall else ir.Unary(op=ir.UnOp.NOT, operand=val, type=ir.BOOL, loc=loc)
        pre.append(
            ir.Assign(
                targets=[ir.VarTarget(name=res)],
                values=[ir.Const(value=forall, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        pre.append(
            ir.For(
                var=idx,
                lo=lo,
                hi=hi,
                body=[
                    *body_pre,
                    ir.If(
                        cond=hit,
                        then=[
                            ir.Assign(
                                targets=[ir.VarTarget(name=res)],
                                values=[ir.Const(value=not forall, type=ir.BOOL, loc=loc)],
                                loc=loc,
                            )
                        ],
                        loc=loc,
                    ),
                ],
                loc=loc,
            )
        )
        return ir.Var(name=res, type=ir.BOOL, loc=loc)

    def apply(self, e: A.Apply, pre: list[ir.Stmt]) -> ir.Expr:
        if isinstance(e.func, A.Member):
            raise self.ctx.fail(
                e, "HW102", "calling a member of an object: heap objects are not hardware"
            )
        if not isinstance(e.func, A.Name):
            raise self.ctx.fail(e, "HW106", "calling a computed function value is higher-order")
        name = e.func.name
        if name in ("old", "fresh", "unchanged", "allocated"):
            raise self.ctx.fail(e, "HW114", f"{name}() is specification-only")
        b = self.ctx.lookup(name)
        if b is not None:
            raise self.ctx.fail(e, "HW106", f"{name} is a value: calling it is higher-order")
        callee = self.ctx.find_callable(name)
        if callee is None:
            why = data_constructor_refusal(self.ctx, name)
            if why is not None:
                raise self.ctx.fail(e, "HW111", f"{name}(...) builds a datatype value: {why}")
            other = self.ctx.program.find(name)
            if isinstance(other, A.OtherDecl):
                raise self.ctx.fail(
                    e, "HW111", f"{name} builds a {other.kind} value: not hardware data"
                )
            raise self.ctx.fail(e, "HW114", f"unknown function {name}")
        if isinstance(callee, A.MethodDecl):
            # Dafny has no method calls in expressions: this one stands in a recursive method
            # read as a function (`var aux2 := M(m, aux); return aux2;`), and is one if M reads
            # as a function too
            as_function = self.functions.method_function(callee)
            if as_function is None:
                raise self.ctx.fail(e, "HW114", f"method {name} called inside an expression")
            callee = as_function
        return self.functions.inline_function(callee, e, pre)


def _join_types(a: ir.HwType, b: ir.HwType) -> ir.HwType:
    if isinstance(a, ir.IntType) and a.wraps:
        return a
    if isinstance(b, ir.IntType) and b.wraps:
        return b
    if isinstance(a, ir.BoolType) and isinstance(b, ir.BoolType):
        return ir.BOOL
    if isinstance(a, ir.IntType) and isinstance(b, ir.IntType):
        return ir.IntType(width=None, signed=a.signed or b.signed)
    return a


def _retype_literal(e: ir.Expr, t: ir.HwType) -> ir.Expr:
    """Dafny literals take the type of their context (`x + 1` with x: bv8 adds a bv8 one)."""
    if (
        isinstance(e, ir.Const)
        and isinstance(t, ir.IntType)
        and t.wraps
        and isinstance(e.value, int)
        and not isinstance(e.value, bool)
    ):
        assert t.width is not None
        return ir.Const(value=e.value % (1 << t.width), type=t, loc=e.loc)
    return e


def _plus_one(e: A.Expr, at: A.Node) -> A.Expr:
    """`e + 1`, located at `at`: turns `e < i` into `e + 1 <= i` and `i <= e` into `i < e + 1`."""
    return A.BinaryExpr(
        op="+",
        lhs=e,
        rhs=A.IntLit(value=1, start=at.start, end=at.start),
        start=at.start,
        end=at.end,
    )


def _length(b: ArrayRef, loc: ir.SourceSpan) -> ir.Expr:
    """The length of an array or sequence in scope: a buffer's length local, else the input's."""
    if b.length is not None:
        return ir.Var(name=b.length, type=ir.UNSIZED_NAT, loc=loc)
    return ir.Length(array=b.ir_name, type=ir.UNSIZED_NAT, loc=loc)


def _unsized_type(t: ir.HwType) -> ir.HwType:
    if isinstance(t, ir.IntType) and not t.wraps:
        return ir.UNSIZED_INT if t.signed else ir.UNSIZED_NAT
    return t
