"""Tail-recursive functions become loops.

`function F(p) { if c then F(p') else e }` is lowered to `while !done { if c { p := p' } else
{ result, done := e, true } }`; any other recursion is reported as not hardware (HW101).
"""

from __future__ import annotations

from typing import NamedTuple

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dtypes import DType
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.results import LoopSite, SourceVar
from toolchain.frontend.lowering.scope import Abort, LoweringContext, Scalar, dtype_of_ir


class RecursiveCall(NamedTuple):
    """A call of a recursive function, as `TailRecursion` and `StackRecursion` lower it: the
    function, its parameters' IR names, its result type, the call, the statements that run
    before the call's value, and where the call stands."""

    f: A.FunctionDecl
    ir_params: dict[str, str]
    rtype: DType
    call: A.Apply
    pre: list[ir.Stmt]
    loc: ir.SourceSpan


def stated_decreases(ctx: LoweringContext, f: A.FunctionDecl, call: A.Apply) -> list[A.Spec]:
    """The function's `decreases` clauses; `decreases *` bounds no loop or stack (HW109)."""
    dec = f.specs_of("decreases")
    if dec and dec[0].text.strip() == "*":
        raise ctx.fail(call, "HW109", f"{f.name} has `decreases *`: no termination bound")
    return dec


def result_and_done(ctx: LoweringContext, site: RecursiveCall) -> tuple[str, str]:
    """The local that holds a recursive function's result, and the flag its loop stops on."""
    f, loc = site.f, site.loc
    ctx.recursive_functions.add(f.name)
    result = ctx.new_local(
        f"{f.name}_result", site.rtype.to_ir(), loc, origin=f"{f.name} result", dtype=site.rtype
    )
    ctx.var_source[result] = SourceVar(f.name, f.name, f.name_start, "fresult")
    return result, ctx.temp(ir.BOOL, loc)


def finish(result: str, done: str, value: ir.Expr, loc: ir.SourceSpan) -> ir.Assign:
    """A base case of the recursion: `result, done := value, true`."""
    return ir.Assign(
        targets=[ir.VarTarget(name=result), ir.VarTarget(name=done)],
        values=[value, ir.Const(value=True, type=ir.BOOL, loc=loc)],
        loc=loc,
    )


class TailRecursion:
    """Turns a call of a tail-recursive function into a loop that computes its result."""

    def __init__(self, ctx: LoweringContext, exprs: ExpressionLowerer) -> None:
        self.ctx = ctx
        self.exprs = exprs

    def loop(self, site: RecursiveCall) -> ir.Expr:
        """`function F(p) { if c then F(p') else e }` -> `while !done { if c { p := p' } ... }`."""
        f, ir_params, rtype, call, pre, loc = site
        assert f.body is not None
        bad = _non_tail_self_call(f.body, f.name, tail=True)
        if bad is not None:
            raise self.ctx.fail(
                bad,
                "HW101",
                f"recursive call to {f.name} outside tail position: general recursion cannot "
                "become hardware (make the recursive call the last thing the function does)",
            )
        dec = stated_decreases(self.ctx, f, call)
        result, done = result_and_done(self.ctx, site)
        body = self._tail_body(f, f.body, ir_params, result, done)
        decreases: ir.Expr | None = None
        dec_expr: A.Expr | None = None
        if dec and len(dec[0].exprs) == 1:
            dec_expr = dec[0].exprs[0]
        elif not dec:
            ints = [p for p in f.params if not p.ghost and p.name in ir_params]
            if len(ints) == 1:
                dec_expr = A.Name(name=ints[0].name, start=ints[0].start, end=ints[0].end)
        if dec_expr is not None:
            tmp_pre: list[ir.Stmt] = []
            try:
                decreases = self.exprs.expr(dec_expr, tmp_pre)
            except Abort:
                decreases = None
            if tmp_pre:
                decreases = None
        f_loc = self.ctx.span(f.name_start, f.name_end)
        loop = ir.While(
            cond=ir.Unary(
                op=ir.UnOp.NOT,
                operand=ir.Var(name=done, type=ir.BOOL, loc=f_loc),
                type=ir.BOOL,
                loc=f_loc,
            ),
            body=body,
            decreases=[self.ctx.spec_clause(s) for s in dec],
            loc=f_loc,
        )
        # the function's preconditions hold at every (recursive) call: loop-head facts
        as_invariants = [
            A.Spec(kind="invariant", expr=x.expr, text=x.text, start=x.start, end=x.end)
            for x in f.specs_of("requires")
        ]
        head = A.WhileStmt(cond=None, specs=as_invariants, body=None, start=f.start, end=f.end)
        self.ctx.loop_sites[id(loop)] = LoopSite(f.name, head, decreases, -1, dict(ir_params))
        pre.append(
            ir.Assign(
                targets=[ir.VarTarget(name=done)],
                values=[ir.Const(value=False, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        pre.append(loop)
        return ir.Var(name=result, type=rtype.to_ir(), loc=loc)

    def _tail_body(
        self, f: A.FunctionDecl, e: A.Expr, ir_params: dict[str, str], result: str, done: str
    ) -> list[ir.Stmt]:
        loc = self.ctx.loc(e)
        if isinstance(e, A.IfExpr):
            out: list[ir.Stmt] = []
            cond = self.exprs.expr(e.cond, out)
            out.append(
                ir.If(
                    cond=cond,
                    then=self._tail_body(f, e.then, ir_params, result, done),
                    otherwise=self._tail_body(f, e.otherwise, ir_params, result, done),
                    loc=loc,
                )
            )
            return out
        if isinstance(e, A.LetExpr):
            out = []
            self.ctx.scopes.append({})
            try:
                for n, v in zip(e.names, e.values, strict=False):
                    val = self.exprs.expr(v, out)
                    name = self.ctx.temp(val.type, self.ctx.loc(v))
                    out.append(
                        ir.Assign(
                            targets=[ir.VarTarget(name=name)], values=[val], loc=self.ctx.loc(v)
                        )
                    )
                    self.ctx.bind(n, Scalar(name, dtype_of_ir(val)))
                out.extend(self._tail_body(f, e.body, ir_params, result, done))
            finally:
                self.ctx.scopes.pop()
            return out
        if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == f.name:
            out = []
            targets: list[ir.Target] = []
            values: list[ir.Expr] = []
            for p, a in zip(f.params, e.args, strict=True):
                if p.ghost:
                    continue
                if p.name not in ir_params:
                    # an array parameter must be passed on unchanged
                    if not (isinstance(a, A.Name) and a.name == p.name):
                        raise self.ctx.fail(
                            a, "HW101", f"{f.name} recurses with a different collection"
                        )
                    continue
                targets.append(ir.VarTarget(name=ir_params[p.name], loc=self.ctx.loc(a)))
                values.append(self.exprs.expr(a, out))
            out.append(ir.Assign(targets=targets, values=values, loc=loc))
            return out
        out = []
        val = self.exprs.expr(e, out)
        out.append(finish(result, done, val, loc))
        return out


def non_tail_self_call(e: A.Expr, name: str) -> A.Expr | None:
    """The first recursive call to `name` outside tail position (None: tail recursive)."""
    return _non_tail_self_call(e, name, tail=True)


def has_call_to(e: A.Node, name: str) -> bool:
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        return True
    return any(has_call_to(c, name) for c in A.child_nodes(e))


def _non_tail_self_call(e: A.Expr, name: str, tail: bool) -> A.Expr | None:
    """The first recursive call to `name` that is not in tail position, if any."""
    if isinstance(e, A.IfExpr):
        if has_call_to(e.cond, name):
            return _first_call(e.cond, name)
        return _non_tail_self_call(e.then, name, tail) or _non_tail_self_call(
            e.otherwise, name, tail
        )
    if isinstance(e, A.LetExpr):
        for v in e.values:
            if has_call_to(v, name):
                return _first_call(v, name)
        return _non_tail_self_call(e.body, name, tail)
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        for a in e.args:
            if has_call_to(a, name):
                return _first_call(a, name)
        return None if tail else e
    if has_call_to(e, name):
        return _first_call(e, name)
    return None


def _first_call(e: A.Node, name: str) -> A.Expr | None:
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        return e
    for c in A.child_nodes(e):
        r = _first_call(c, name)
        if r is not None:
            return r
    return None
