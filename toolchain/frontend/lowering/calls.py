"""Inlining of calls: a method call becomes its body, a function call its value.

The callee's parameters and results become IR locals named after the call (`F_x`), and its body
is lowered in a scope of its own. A method with an early `return` runs inside a one-trip wrapper
loop that the `return` breaks out of; a tail-recursive function becomes a loop (see
`lowering.recursion`).
"""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.generics import type_arguments
from toolchain.frontend.lowering.method_recursion import (
    may_return,
    method_as_function,
    recursive_method_function,
)
from toolchain.frontend.lowering.recursion import (
    RecursiveCall,
    TailRecursion,
    has_call_to,
    non_tail_self_call,
)
from toolchain.frontend.lowering.results import CallFrame, SourceVar
from toolchain.frontend.lowering.returned_buffers import result_buffer, take_buffer
from toolchain.frontend.lowering.scope import (
    ArrayRef,
    Binding,
    ExitTarget,
    GhostVar,
    LoweringContext,
    Scalar,
)
from toolchain.frontend.lowering.stack import StackRecursion
from toolchain.frontend.lowering.statements import StatementLowerer
from toolchain.frontend.lowering.tailcalls import tail_site


class CallInliner:
    """Inlines the method and function calls of one method; the lowerers call back into it."""

    def __init__(
        self, ctx: LoweringContext, exprs: ExpressionLowerer, stmts: StatementLowerer
    ) -> None:
        self.ctx = ctx
        self.exprs = exprs
        self.stmts = stmts
        self.tail = TailRecursion(ctx, exprs)
        self.stack = StackRecursion(ctx, exprs)
        # the lowerers reach the inliner through these: calls nest inside their constructs
        exprs.functions = self
        stmts.methods = self

    def _bind_args(
        self,
        callee: A.MethodDecl | A.FunctionDecl,
        call: A.Apply,
        pre: list[ir.Stmt],
        scope: dict[str, Binding],
        prefix: str,
    ) -> dict[str, str]:
        params = [p for p in callee.params]
        if len(call.args) != len(params):
            raise self.ctx.fail(call, "HW114", f"{callee.name} takes {len(params)} arguments")
        ir_params: dict[str, str] = {}
        targets: list[ir.Target] = []
        values: list[ir.Expr] = []
        for p, a in zip(params, call.args, strict=True):
            if p.ghost:
                scope[p.name] = GhostVar()
                continue
            d = self.ctx.resolve_type(p.type, p)
            if d.is_collection:
                src = a.seq if isinstance(a, A.SliceExpr) and a.lo is None and a.hi is None else a
                b = self.ctx.lookup(src.name) if isinstance(src, A.Name) else None
                if not isinstance(b, ArrayRef):
                    raise self.ctx.fail(
                        a,
                        "HW103",
                        "pass arrays and sequences whole (a variable or `a[..]`): slices and "
                        "built sequences have no fixed hardware size",
                    )
                scope[p.name] = b
                continue
            name = self.ctx.new_local(
                f"{prefix}_{p.name}",
                d.to_ir(),
                self.ctx.loc(p),
                origin=f"{callee.name}.{p.name}",
                dtype=d,
            )
            self.ctx.var_source[name] = SourceVar(
                callee.name,
                p.name,
                p.start,
                "fparam" if isinstance(callee, A.FunctionDecl) else "param",
            )
            scope[p.name] = Scalar(name, d)
            ir_params[p.name] = name
            targets.append(ir.VarTarget(name=name, loc=self.ctx.loc(a)))
            values.append(self.exprs.expr(a, pre))
        if targets:
            pre.append(ir.Assign(targets=targets, values=values, loc=self.ctx.loc(call)))
        return ir_params

    def _check_inlinable(
        self, callee: A.MethodDecl | A.FunctionDecl, name: str, call: A.Apply
    ) -> None:
        """Refuse a callee whose body cannot be copied into the caller (`name`: as called)."""
        if callee.body is None:
            raise self.ctx.fail(call, "HW100", f"{name} has no body to inline")
        if callee.body_error is not None:
            raise self.ctx.fail(call, "HW110", f"cannot read the body of {name}")
        if callee.container is not None:
            raise self.ctx.fail(call, "HW102", f"{name} is a member of {callee.container}")

    def call_stmt(
        self, call: A.Apply, targets: list[A.Expr], s: A.Stmt, declares: bool = False
    ) -> list[ir.Stmt]:
        """Inline `targets := call` (`declares`: `var targets := call`, whose sequence and array
        results are bound to the callee's result buffers instead of copied)."""
        if isinstance(call.func, A.Member):
            raise self.ctx.fail(
                call, "HW102", "calling a method of an object: heap objects are not hardware"
            )
        name = self.ctx.call_name(call)
        callee = self.ctx.find_callable(name)
        if callee is None:
            raise self.ctx.fail(call, "HW114", f"unknown method {name}")
        if isinstance(callee, A.FunctionDecl):
            # a function called as a statement target: `x := F(a)` handled by expr
            raise self.ctx.fail(call, "HW114", f"{name} is a function, not a method")
        if callee.ghost:
            return []  # lemma call: verification only
        tail = self.ctx.tail_self
        if tail is not None and name == tail.name and self.ctx.decl_stack == [name]:
            return tail_site(self.ctx, self.exprs, tail, call)
        if name in self.ctx.decl_stack:
            raise self.ctx.fail(
                call,
                "HW101",
                f"recursive call to {name}: general recursion cannot become hardware "
                "(write it as a loop, or as a tail-recursive function)",
            )
        self._check_inlinable(callee, name, call)
        as_function = recursive_method_function(callee)
        if as_function is not None:
            # linear recursion of a method: the function it computes runs on a stack
            return self._recursive_method_call(as_function, call, targets, s)
        types = self.ctx.types
        outer = types.generic
        types.generic = {**outer, **type_arguments(self.ctx, callee, call)}
        try:
            return self._inline_method(callee, call, targets, s, declares)
        finally:
            types.generic = outer

    def _inline_method(
        self,
        callee: A.MethodDecl,
        call: A.Apply,
        targets: list[A.Expr],
        s: A.Stmt,
        declares: bool,
    ) -> list[ir.Stmt]:
        name = callee.name
        assert callee.body is not None  # checked by _check_inlinable in call_stmt
        out: list[ir.Stmt] = []
        if name not in self.ctx.inlined:
            self.ctx.inlined.append(name)
        prefix = self.ctx.fresh(f"{name}")
        self.ctx.used_names.discard(prefix)
        scope: dict[str, Binding] = {}
        ir_params = self._bind_args(callee, call, out, scope, prefix)
        ir_results: dict[str, str] = {}
        outs: list[str] = []
        buffers: dict[str, ArrayRef] = {}  # IR name of a sequence or array result -> its buffer
        for r in callee.returns:
            if r.ghost:
                scope[r.name] = GhostVar()
                continue
            d = self.ctx.resolve_type(r.type, r)
            if d.is_collection:
                ref = result_buffer(self.ctx, name, prefix, r, d, call)
                scope[r.name] = ref
                buffers[ref.ir_name] = ref
                outs.append(ref.ir_name)
                continue
            rn = self.ctx.new_local(
                f"{prefix}_{r.name}", d.to_ir(), self.ctx.loc(r), origin=f"{name}.{r.name}", dtype=d
            )
            self.ctx.var_source[rn] = SourceVar(name, r.name, r.start, "result")
            scope[r.name] = Scalar(rn, d)
            ir_results[r.name] = rn
            outs.append(rn)
        self.ctx.frames.append(CallFrame(callee, ir_params, ir_results))
        saved = (self.ctx.scopes, self.ctx.exit, self.ctx.decl_stack, self.ctx.labels)
        self.ctx.scopes = [scope]
        self.ctx.decl_stack = [*self.ctx.decl_stack, name]
        self.ctx.labels = []
        needs_wrapper = _has_early_return(callee.body.body)
        wrapper_flag = None
        if needs_wrapper:
            self.ctx.loop_depth += 1
            wrapper_flag = self.ctx.temp(ir.BOOL, self.ctx.loc(call))
        self.ctx.exit = ExitTarget(outs, self.ctx.loop_depth if needs_wrapper else -1)
        try:
            # one scope for the body and its final `return m - 1;`: the returned values may
            # read the body's locals
            self.ctx.scopes.append({})
            body = self.stmts.block(
                _strip_final_return(callee.body.body) if not needs_wrapper else callee.body.body,
                new_scope=False,
            )
            final = _final_return(callee.body.body)
            if final is not None and not needs_wrapper:
                body.extend(self._final_return_values(final))
        finally:
            if needs_wrapper:
                self.ctx.loop_depth -= 1
            self.ctx.scopes, self.ctx.exit, self.ctx.decl_stack, self.ctx.labels = saved
        if wrapper_flag is not None:
            true = ir.Const(value=True, type=ir.BOOL, loc=self.ctx.loc(call))
            false = ir.Const(value=False, type=ir.BOOL, loc=self.ctx.loc(call))
            body = [
                ir.Assign(
                    targets=[ir.VarTarget(name=wrapper_flag)], values=[true], loc=self.ctx.loc(call)
                ),
                ir.While(
                    cond=ir.Var(name=wrapper_flag, type=ir.BOOL, loc=self.ctx.loc(call)),
                    body=[
                        ir.Assign(
                            targets=[ir.VarTarget(name=wrapper_flag)],
                            values=[false],
                            loc=self.ctx.loc(call),
                        ),
                        *body,
                    ],
                    max_trips=1,
                    loc=self.ctx.loc(call),
                ),
            ]
        out.extend(body)
        # results to the caller's targets
        if targets:
            if len(targets) != len(outs):
                raise self.ctx.fail(s, "HW114", f"{name} returns {len(outs)} values")
            ir_targets: list[ir.Target] = []
            scalars: list[str] = []
            target_pre: list[ir.Stmt] = []
            for t, o in zip(targets, outs, strict=True):
                if o in buffers:
                    out.extend(
                        take_buffer(self.ctx, self.stmts.buffers, t, buffers[o], s, declares)
                    )
                    continue
                ir_targets.append(self.stmts.target(t, target_pre))
                scalars.append(o)
            out.extend(target_pre)
            if ir_targets:
                out.append(
                    ir.Assign(
                        targets=ir_targets,
                        values=[
                            ir.Var(name=o, type=self.ctx.type_of_local(o), loc=self.ctx.loc(call))
                            for o in scalars
                        ],
                        loc=self.ctx.loc(s),
                    )
                )
            self.ctx.record_assign(s, [t.name for t in ir_targets if isinstance(t, ir.VarTarget)])
        return out

    def _recursive_method_call(
        self, f: A.FunctionDecl, call: A.Apply, targets: list[A.Expr], s: A.Stmt
    ) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        value = self.inline_function(f, call, out)
        if targets:
            if len(targets) != 1:
                raise self.ctx.fail(s, "HW114", f"{f.name} returns 1 value")
            ir_target = self.stmts.target(targets[0], out)
            out.append(ir.Assign(targets=[ir_target], values=[value], loc=self.ctx.loc(s)))
            if isinstance(ir_target, ir.VarTarget):
                self.ctx.record_assign(s, [ir_target.name])
        return out

    def _final_return_values(self, final: A.ReturnStmt) -> list[ir.Stmt]:
        if not final.values:
            return []
        # lowered in the callee's scope: called while scopes are still the callee's
        out: list[ir.Stmt] = []
        values = [self.exprs.expr(v, out) for v in final.values]
        out.append(
            ir.Assign(
                targets=[ir.VarTarget(name=n) for n in self.ctx.exit.outs],
                values=values,
                loc=self.ctx.loc(final),
            )
        )
        return out

    def method_function(self, m: A.MethodDecl) -> A.FunctionDecl | None:
        """The function a method computes, for a call of it that a recursive method read as a
        function left inside an expression (`method_recursion`)."""
        return method_as_function(m)

    def inline_function(self, f: A.FunctionDecl, call: A.Apply, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.ctx.loc(call)
        self._check_inlinable(f, f.name, call)
        body = f.body
        assert body is not None  # checked by _check_inlinable
        if f.type_params:
            raise self.ctx.fail(
                call, "HW111", f"{f.name} is generic: hardware needs concrete types"
            )
        if f.name in self.ctx.decl_stack:
            raise self.ctx.fail(
                call,
                "HW101",
                f"recursive call to {f.name} outside tail position: general recursion cannot "
                "become hardware (make the recursive call the last thing the function does)",
            )
        rtype = self.ctx.resolve_type(f.result_type, (f.name_start, f.name_end))
        if rtype.is_collection:
            raise self.ctx.fail(call, "HW103", f"{f.name} returns a collection value")
        if f.name not in self.ctx.inlined:
            self.ctx.inlined.append(f.name)
        prefix = self.ctx.fresh(f.name)
        self.ctx.used_names.discard(prefix)
        scope: dict[str, Binding] = {}
        ir_params = self._bind_args(f, call, pre, scope, prefix)
        self.ctx.frames.append(CallFrame(f, ir_params, {}))
        recursive = has_call_to(body, f.name)
        saved = (self.ctx.scopes, self.ctx.decl_stack, self.ctx.current_decl)
        self.ctx.scopes = [scope]
        self.ctx.decl_stack = [*self.ctx.decl_stack, f.name]
        try:
            if not recursive:
                return self.exprs.expr(body, pre)
            site = RecursiveCall(f, ir_params, rtype, call, pre, loc)
            if non_tail_self_call(body, f.name) is not None:
                return self.stack.loop(site)
            return self.tail.loop(site)
        finally:
            self.ctx.scopes, self.ctx.decl_stack, self.ctx.current_decl = saved


def _final_return(stmts: list[A.Stmt]) -> A.ReturnStmt | None:
    return stmts[-1] if stmts and isinstance(stmts[-1], A.ReturnStmt) else None


def _strip_final_return(stmts: list[A.Stmt]) -> list[A.Stmt]:
    return stmts[:-1] if _final_return(stmts) is not None else stmts


def _has_early_return(stmts: list[A.Stmt]) -> bool:
    return any(may_return(s) for s in _strip_final_return(stmts))
