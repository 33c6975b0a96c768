"""Lowering of Dafny statements to IR statements.

Declarations, assignments, conditionals, loops, `break` and `return`; calls of methods go to the
call inliner. A construct that cannot become hardware is reported and skipped, and lowering goes
on with the next statement, so one run reports every problem of the method.
"""

from __future__ import annotations

import copy
from typing import Protocol

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dispatch import ByKind
from toolchain.frontend.dtypes import CHAR, INT, DType
from toolchain.frontend.facts import const_value
from toolchain.frontend.lowering.arrays import new_array
from toolchain.frontend.lowering.buffers import BufferLowerer, add_length_var, is_sequence_value
from toolchain.frontend.lowering.enums import enum_of
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.forall_shapes import index_bounds, reads_other_element
from toolchain.frontend.lowering.ghost_code import is_ghost_if
from toolchain.frontend.lowering.measures import loop_measure
from toolchain.frontend.lowering.results import LoopSite, SourceVar
from toolchain.frontend.lowering.scope import (
    Abort,
    ArrayRef,
    GhostVar,
    LoweringContext,
    Scalar,
    dtype_of_ir,
    is_char_type,
)
from toolchain.frontend.lowering.unsupported import (
    arbitrary_guard,
    chosen_branch,
    report_unsupported,
)


class MethodInliner(Protocol):
    """Inlines a call of a method (see `lowering.calls.CallInliner`)."""

    def call_stmt(
        self, call: A.Apply, targets: list[A.Expr], s: A.Stmt, declares: bool = False
    ) -> list[ir.Stmt]: ...


class StatementLowerer:
    """Lowers the statements of one method; method calls go to `methods`."""

    # set by the call inliner, which itself needs this lowerer for the callee's body
    methods: MethodInliner

    def __init__(self, ctx: LoweringContext, exprs: ExpressionLowerer) -> None:
        self.ctx = ctx
        self.exprs = exprs
        self.buffers = BufferLowerer(ctx, exprs)

    def block(self, stmts: list[A.Stmt], new_scope: bool = True) -> list[ir.Stmt]:
        if new_scope:
            self.ctx.scopes.append({})
        out: list[ir.Stmt] = []
        try:
            for s in stmts:
                try:
                    out.extend(self.statement(s))
                except Abort:
                    continue
        finally:
            if new_scope:
                self.ctx.scopes.pop()
        return out

    def statement(self, s: A.Stmt) -> list[ir.Stmt]:
        lower = _LOWERINGS.handler(s)
        if lower is None:
            raise self.ctx.fail(s, "HW108", "this statement is not supported")
        return lower(self, s)

    def var_decl(self, s: A.VarDecl) -> list[ir.Stmt]:
        if s.ghost:
            for v in s.vars:
                self.ctx.bind(v.name, GhostVar())
            return []
        if s.such_that is not None:
            raise self.ctx.fail(
                s, "HW107", "`:|` picks an arbitrary value: not deterministic hardware"
            )
        out: list[ir.Stmt] = []
        if len(s.rhs) == 1 and len(s.vars) >= 1 and self.ctx.is_method_call(s.rhs[0]):
            # var x, y := M(a);  declare from the callee's result types
            call = s.rhs[0]
            assert isinstance(call, A.Apply)
            callee = self.ctx.find_callable(self.ctx.call_name(call))
            assert isinstance(callee, A.MethodDecl)
            targets: list[A.Expr] = []
            for v, r in zip(s.vars, callee.returns, strict=False):
                d = self.ctx.resolve_type(v.type or r.type, v)
                if d.kind != "array":  # a returned array is the callee's fresh buffer
                    self._declare_local(v, d, None, s)
                targets.append(A.Name(name=v.name, start=v.start, end=v.end))
            return self.methods.call_stmt(call, targets, s, declares=True)
        values: list[ir.Expr] = []
        if s.rhs:
            if len(s.rhs) != len(s.vars):
                raise self.ctx.fail(s, "HW114", "the number of values differs from the variables")
            for v, rhs in zip(s.vars, s.rhs, strict=True):
                if isinstance(rhs, A.NewArray):
                    self._declare_local(v, v.type, rhs, s)
                    arr = self.ctx.lookup(v.name)
                    assert isinstance(arr, ArrayRef)
                    alloc = new_array(
                        self.exprs, arr.ir_name, rhs, v.name, s.end, arr.length, s.start
                    )
                    out.extend(alloc)
                    continue
                if isinstance(rhs, A.Havoc):
                    raise self.ctx.fail(rhs, "HW107", "`*` assigns an arbitrary value")
                if self._is_array_alias(rhs) and (v.type is None or v.type.name != "seq"):
                    # `var b := a;` aliases an array (a reference, as in Dafny)
                    self._alias(v, rhs)
                    continue
                if is_sequence_value(self.ctx, rhs) or (
                    isinstance(rhs, A.Display) and rhs.kind == "seq"
                ):
                    # `var r := [];`, `var t := s[1..];`: a buffer of its own
                    self._declare_buffer(v, rhs, s)
                    buf = self.ctx.lookup(v.name)
                    assert isinstance(buf, ArrayRef)
                    out.extend(self.buffers.assign(buf, rhs, s))
                    continue
                pre: list[ir.Stmt] = []
                val = self.exprs.expr(rhs, pre)
                out.extend(pre)
                is_char = v.type is None and self.ctx.is_char(rhs)
                enum = enum_of(self.ctx, rhs) if v.type is None else None
                self._declare_local(v, CHAR if is_char else enum or v.type, val, s)
                values.append(val)
            targets_ir: list[ir.Target] = []
            for v in s.vars:
                b = self.ctx.lookup(v.name)
                if isinstance(b, Scalar):
                    targets_ir.append(
                        ir.VarTarget(name=b.ir_name, loc=self.ctx.span(v.start, v.end))
                    )
            if targets_ir and len(targets_ir) == len(values):
                out.append(ir.Assign(targets=targets_ir, values=values, loc=self.ctx.loc(s)))
                self.ctx.record_assign(
                    s, [t.name for t in targets_ir if isinstance(t, ir.VarTarget)]
                )
        else:
            for v in s.vars:
                self._declare_local(v, v.type, None, s)
        return out

    def _alias(self, v: A.LocalVar, r: A.Expr) -> None:
        src = r.seq if isinstance(r, A.SliceExpr) else r
        b = self.ctx.lookup(src.name) if isinstance(src, A.Name) else None
        if not isinstance(b, ArrayRef) or (
            isinstance(r, A.SliceExpr) and (r.lo is not None or r.hi is not None)
        ):
            raise self.ctx.fail(
                r, "HW103", "a sequence built in executable code has no fixed hardware size"
            )
        self.ctx.bind(v.name, b)

    def _is_array_alias(self, e: A.Expr) -> bool:
        """`a` naming a heap array: Dafny copies the reference, not the elements."""
        if isinstance(e, A.Name):
            b = self.ctx.lookup(e.name)
            return isinstance(b, ArrayRef) and b.dtype.kind == "array"
        return False

    def _declare_buffer(self, v: A.LocalVar, rhs: A.Expr, s: A.Stmt) -> None:
        """A local sequence built at run time; its type is inferred from `rhs` when not given."""
        if v.type is not None:
            d = self.ctx.resolve_type(v.type, v)
            if d.kind != "seq":
                raise self.ctx.fail(v, "HW103", f"{v.name} is not a sequence")
        else:
            elem = self._element_dtype(rhs)
            d = DType("seq", element=elem, name=f"seq<{elem.name}>")
        self._declare_local(v, None, d, s)

    def _element_dtype(self, e: A.Expr) -> DType:
        if isinstance(e, A.BinaryExpr) and e.op == "+":
            left = self._element_dtype(e.lhs)
            return left if left is not INT else self._element_dtype(e.rhs)
        src = e.seq if isinstance(e, A.SliceExpr | A.UpdateExpr) else e
        if isinstance(src, A.Name):
            b = self.ctx.lookup(src.name)
            if isinstance(b, ArrayRef) and b.dtype.element is not None:
                return b.dtype.element
        if isinstance(e, A.Display) and e.items:
            pre: list[ir.Stmt] = []
            return dtype_of_ir(self.exprs.expr(e.items[0], pre))
        return INT  # `[]`: Dafny infers the element type from later use; integers by far

    def _declare_local(
        self,
        v: A.LocalVar,
        t: A.TypeRef | DType | None,
        value: ir.Expr | A.NewArray | DType | None,
        s: A.Stmt,
    ) -> None:
        if isinstance(t, DType):
            d = t
        elif isinstance(value, DType):
            d = value
        elif t is not None:
            d = self.ctx.resolve_type(t, v)
        elif isinstance(value, A.NewArray):
            elem = self.ctx.resolve_type(value.element, value)
            d = DType("array", element=elem, name=f"array<{elem.name}>")
        elif isinstance(value, ir.Expr):
            d = dtype_of_ir(value)
        else:
            raise self.ctx.fail(v, "HW114", f"cannot infer the type of {v.name}: give it a type")
        origin = (
            ".".join([*self.ctx.decl_stack[1:], v.name]) if len(self.ctx.decl_stack) > 1 else ""
        )
        base = v.name if len(self.ctx.decl_stack) == 1 else f"{self.ctx.decl_stack[-1]}_{v.name}"
        if d.is_collection:
            name = self.ctx.new_local(
                base, d.to_ir(mutable=True), self.ctx.span(v.start, v.end), origin
            )
            length = None
            if d.kind in ("seq", "array"):
                # a local sequence is a buffer: built at run time, its length a variable; a
                # local array's length is what its allocation gave it
                length = add_length_var(
                    self.ctx, name, v.name, d, v.start, "local", self.ctx.span(v.start, v.end)
                )
                for local in self.ctx.locals:
                    if local.name == name:
                        local.length_var = length
            self.ctx.bind(v.name, ArrayRef(name, d, length))
            if d.element is not None and is_char_type(d.element):
                self.ctx.char_vars.add(name)
        else:
            name = self.ctx.new_local(
                base, d.to_ir(), self.ctx.span(v.start, v.end), origin, dtype=d
            )
            self.ctx.bind(v.name, Scalar(name, d))
        self.ctx.var_source[name] = SourceVar(self.ctx.decl_stack[-1], v.name, v.start, "local")
        for a in v.attrs:
            if a.name == "hw_width" and a.args:
                w = const_value(a.args[0], self.ctx.consts)
                if w is None or w <= 0:
                    self.ctx.report(a, "HW201", "{:hw_width N} needs a positive constant width")
                    continue
                signed = d.range.lo is None or d.range.lo < 0
                self.ctx.explicit_width[name] = (w, signed)

    def assign(self, s: A.AssignStmt) -> list[ir.Stmt]:
        if s.such_that is not None:
            raise self.ctx.fail(
                s, "HW107", "`:|` picks an arbitrary value: not deterministic hardware"
            )
        # ghost targets: the whole statement is ghost
        if all(
            isinstance(t, A.Name) and isinstance(self.ctx.lookup(t.name), GhostVar)
            for t in s.targets
        ):
            return []
        if len(s.rhs) == 1 and self.ctx.is_method_call(s.rhs[0]):
            call = s.rhs[0]
            assert isinstance(call, A.Apply)
            return self.methods.call_stmt(call, s.targets, s)
        if len(s.rhs) != len(s.targets):
            raise self.ctx.fail(s, "HW114", "the number of values differs from the targets")
        out: list[ir.Stmt] = []
        targets: list[ir.Target] = []
        values: list[ir.Expr] = []
        buffers: list[tuple[ArrayRef, A.Expr]] = []
        for t, r in zip(s.targets, s.rhs, strict=True):
            if isinstance(r, A.NewArray):
                if not isinstance(t, A.Name):
                    raise self.ctx.fail(t, "HW112", "allocate arrays into a plain variable")
                b = self.ctx.lookup(t.name)
                if not isinstance(b, ArrayRef):
                    raise self.ctx.fail(t, "HW114", f"{t.name} is not an array variable")
                out.extend(new_array(self.exprs, b.ir_name, r, t.name, s.end, b.length, s.start))
                continue
            if isinstance(r, A.Havoc):
                raise self.ctx.fail(r, "HW107", "`*` assigns an arbitrary value")
            if isinstance(t, A.Name) and isinstance(self.ctx.lookup(t.name), ArrayRef):
                b = self.ctx.lookup(t.name)
                assert isinstance(b, ArrayRef)
                if b.length is None or b.dtype.kind != "seq":
                    raise self.ctx.fail(
                        s,
                        "HW103",
                        f"assigning a whole {b.dtype.kind} to {t.name}: only local and result "
                        "sequences can be rebuilt (copy the elements in a loop, or build a "
                        "local `var r := ...;`)",
                    )
                buffers.append((b, r))
                continue
            target = self.target(t, out)
            pre: list[ir.Stmt] = []
            values.append(self.exprs.expr(r, pre))
            out.extend(pre)
            targets.append(target)
        if buffers and (targets or len(buffers) > 1):
            # parallel assignment: every right-hand side sees the old values, so the scalars
            # are computed before any sequence changes and written after
            held: list[ir.Expr] = []
            for v in values:
                name = self.ctx.temp(_unsized(v.type), v.loc)
                out.append(ir.Assign(targets=[ir.VarTarget(name=name)], values=[v], loc=v.loc))
                held.append(ir.Var(name=name, type=_unsized(v.type), loc=v.loc))
            values = held
            if len(buffers) > 1:
                raise self.ctx.fail(
                    s, "HW103", "assign one sequence per statement (split this assignment)"
                )
        for b, r in buffers:
            out.extend(self.buffers.assign(b, r, s))
        if targets:
            out.append(ir.Assign(targets=targets, values=values, loc=self.ctx.loc(s)))
            self.ctx.record_assign(s, [t.name for t in targets if isinstance(t, ir.VarTarget)])
            self.ctx.record_store(s, [t.array for t in targets if isinstance(t, ir.IndexTarget)])
        return out

    def target(self, t: A.Expr, pre: list[ir.Stmt]) -> ir.Target:
        if isinstance(t, A.Name):
            b = self.ctx.lookup(t.name)
            if isinstance(b, Scalar):
                return ir.VarTarget(name=b.ir_name, loc=self.ctx.loc(t))
            if isinstance(b, GhostVar):
                raise self.ctx.fail(
                    t, "HW108", "mixing ghost and non-ghost targets is not supported"
                )
            raise self.ctx.fail(t, "HW114", f"cannot assign to {t.name}")
        if isinstance(t, A.IndexExpr) and isinstance(t.seq, A.Name):
            b = self.ctx.lookup(t.seq.name)
            if not isinstance(b, ArrayRef):
                raise self.ctx.fail(t, "HW114", f"{t.seq.name} is not an array")
            if len(t.indices) != 1:
                raise self.ctx.fail(t, "HW113", "multi-dimensional arrays are not supported yet")
            idx = self.exprs.expr(t.indices[0], pre)
            return ir.IndexTarget(array=b.ir_name, index=idx, loc=self.ctx.loc(t))
        if isinstance(t, A.Member):
            raise self.ctx.fail(t, "HW102", "object fields are heap data, not hardware registers")
        raise self.ctx.fail(t, "HW114", "this assignment target is not supported")

    def if_stmt(self, s: A.IfStmt) -> list[ir.Stmt]:
        if is_ghost_if(self.ctx, s):
            return []  # Dafny's ghost statement: only proof state changes in it
        pre: list[ir.Stmt] = []
        if arbitrary_guard(s):
            # both branches stay for the range analysis and the width proofs (Dafny checks the
            # program for either); a constant flag picks the compiled program's, XLS drops the other
            loc = self.ctx.loc(s)
            flag = self.ctx.temp(ir.BOOL, loc)
            pick = ir.Const(value=chosen_branch(self.ctx, s), type=ir.BOOL, loc=loc)
            pre.append(ir.Assign(targets=[ir.VarTarget(name=flag)], values=[pick], loc=loc))
            cond: ir.Expr = ir.Var(name=flag, type=ir.BOOL, loc=loc)
        else:
            assert s.cond is not None
            cond = self.exprs.expr(s.cond, pre)
        then = self.block(s.then.body)
        other: list[ir.Stmt] = []
        if s.otherwise is not None:
            other = (
                self.statement(s.otherwise)
                if isinstance(s.otherwise, A.IfStmt)
                else self.block(
                    s.otherwise.body if isinstance(s.otherwise, A.BlockStmt) else [s.otherwise]
                )
            )
        return [*pre, ir.If(cond=cond, then=then, otherwise=other, loc=self.ctx.loc(s))]

    def while_stmt(self, s: A.WhileStmt) -> list[ir.Stmt]:
        if s.cond is None:
            raise self.ctx.fail(s, "HW107", "`while *` runs an arbitrary number of times")
        if any(x.kind == "decreases" and x.text.strip() == "*" for x in s.specs):
            raise self.ctx.fail(
                s,
                "HW109",
                "`decreases *` gives no termination bound: hardware needs a loop that ends",
            )
        if s.body is None:
            raise self.ctx.fail(s, "HW108", "a loop without a body is not hardware")
        pre: list[ir.Stmt] = []
        cond = self.exprs.expr(s.cond, pre)
        decreases, dec_min = loop_measure(self.exprs, s)
        body = self.loop_body(s)
        if pre:
            # the guard needs statements (an inlined call): evaluate it before each iteration
            flag = self.ctx.temp(ir.BOOL, self.ctx.loc(s.cond))
            set_flag = [
                *pre,
                ir.Assign(
                    targets=[ir.VarTarget(name=flag)], values=[cond], loc=self.ctx.loc(s.cond)
                ),
            ]
            cond = ir.Var(name=flag, type=ir.BOOL, loc=self.ctx.loc(s.cond))
            body = body + _clone_stmts(set_flag)
            head = set_flag
        else:
            head = []
        loop = ir.While(
            cond=cond,
            body=body,
            invariants=[self.ctx.spec_clause(x) for x in s.specs if x.kind == "invariant"],
            decreases=[self.ctx.spec_clause(x) for x in s.specs if x.kind == "decreases"],
            loc=self.ctx.span(s.start, s.cond.end),
        )
        self.ctx.loop_sites[id(loop)] = LoopSite(
            self.ctx.decl_stack[-1],
            s,
            decreases,
            self._spec_insert_point(s),
            self.ctx.visible_names(),
            dec_min,
        )
        return [*head, loop]

    def _spec_insert_point(self, s: A.WhileStmt | A.ForStmt) -> int:
        assert s.body is not None
        return s.body.start

    def forall_stmt(self, s: A.ForallStmt) -> list[ir.Stmt]:
        body = s.body.body if s.body is not None else []
        if s.ensures or not any(isinstance(x, A.AssignStmt) for x in body):
            # a proof: lemma calls, asserts or calc under `ensures`; Dafny allows no other calls
            return []
        if len(s.vars) != 1:
            raise self.ctx.fail(
                s, "HW113", "a forall statement over several indices (multi-dimensional update)"
            )
        if len(body) != 1 or not isinstance(body[0], A.AssignStmt):
            raise self.ctx.fail(s, "HW108", "a forall statement must update one array element")
        assign = body[0]
        target = assign.targets[0] if len(assign.targets) == 1 else None
        if (
            len(assign.rhs) != 1
            or not isinstance(target, A.IndexExpr)
            or not isinstance(target.seq, A.Name)
            or len(target.indices) != 1
        ):
            raise self.ctx.fail(
                assign, "HW108", "a forall statement must update one element `a[e] := v`"
            )
        var = s.vars[0].name
        lo, hi, rest = index_bounds(s.range, var)
        if lo is None or hi is None:
            raise self.ctx.fail(
                s.range or s, "HW108", f"the forall range needs bounds `lo <= {var} < hi`"
            )
        array = target.seq.name
        # Dafny evaluates every right-hand side before it writes any element; a loop that writes
        # in order agrees when the update reads the array only at the element it writes (Dafny
        # proves the written elements distinct)
        for e in (assign.rhs[0], target.indices[0], lo, hi, *rest):
            bad = reads_other_element(e, array, target.indices[0])
            if bad is not None:
                raise self.ctx.fail(
                    bad,
                    "HW108",
                    f"this forall statement reads {array} where it writes: not a loop in order",
                )
        update: A.Stmt = assign
        if rest:
            guard = rest[0]
            for c in rest[1:]:
                guard = A.BinaryExpr(op="&&", lhs=guard, rhs=c, start=guard.start, end=c.end)
            update = A.IfStmt(
                cond=guard,
                then=A.BlockStmt(body=[assign], start=assign.start, end=assign.end),
                otherwise=None,
                start=assign.start,
                end=assign.end,
            )
        loop = A.ForStmt(
            var=var,
            var_type=s.vars[0].type,
            lo=lo,
            hi=hi,
            descending=False,
            specs=[],
            body=A.BlockStmt(body=[update], start=assign.start, end=assign.end),
            start=s.start,
            end=s.end,
        )
        # no loop site: the source has no loop head where the width proof could add invariants
        return self.for_stmt(loop, site=False)

    def for_stmt(self, s: A.ForStmt, site: bool = True) -> list[ir.Stmt]:
        if s.hi is None:
            raise self.ctx.fail(s, "HW109", "`for ... to *` has no bound")
        if s.body is None:
            raise self.ctx.fail(s, "HW108", "a loop without a body is not hardware")
        pre: list[ir.Stmt] = []
        lo = self.exprs.expr(s.lo, pre)
        hi = self.exprs.expr(s.hi, pre)
        self.ctx.scopes.append({})
        d = self.ctx.resolve_type(s.var_type, s) if s.var_type is not None else INT
        base = s.var if len(self.ctx.decl_stack) == 1 else f"{self.ctx.decl_stack[-1]}_{s.var}"
        name = self.ctx.new_local(base, d.to_ir(), self.ctx.span(s.start, s.start + 3), dtype=d)
        self.ctx.bind(s.var, Scalar(name, d))
        self.ctx.var_source[name] = SourceVar(self.ctx.decl_stack[-1], s.var, s.start, "local")
        names = self.ctx.visible_names()
        try:
            body = self.loop_body(s)
        finally:
            self.ctx.scopes.pop()
        loop = ir.For(
            var=name,
            lo=lo,
            hi=hi,
            body=body,
            descending=s.descending,
            invariants=[self.ctx.spec_clause(x) for x in s.specs if x.kind == "invariant"],
            loc=self.ctx.span(s.start, s.hi.end),
        )
        if site:
            self.ctx.loop_sites[id(loop)] = LoopSite(
                self.ctx.decl_stack[-1], s, None, self._spec_insert_point(s), names
            )
        return [*pre, loop]

    def _buffer_named(self, ir_name: str) -> ArrayRef | None:
        """The result buffer `ir_name` (an IR port) when a return assigns a sequence to it."""
        for scope in self.ctx.scopes:
            for b in scope.values():
                if isinstance(b, ArrayRef) and b.ir_name == ir_name and b.length is not None:
                    return b
        return None

    def loop_body(self, s: A.WhileStmt | A.ForStmt) -> list[ir.Stmt]:
        """The body of a source loop; with a `continue` it runs inside a one-trip wrapper loop
        that the `continue` breaks out of (the rest of the trip is skipped, the loop goes on)."""
        assert s.body is not None
        self.ctx.loop_depth += 1
        self.ctx.labels.append((s.label, self.ctx.loop_depth))
        wrap = _continues_to(s.body.body, s.label, nested=False)
        if wrap:
            self.ctx.loop_depth += 1
        try:
            body = self.block(s.body.body)
        finally:
            self.ctx.loop_depth -= 2 if wrap else 1
            self.ctx.labels.pop()
        if not wrap:
            return body
        loc = self.ctx.loc(s.body)
        flag = self.ctx.temp(ir.BOOL, loc)

        def set_flag(v: bool) -> ir.Stmt:
            value = ir.Const(value=v, type=ir.BOOL, loc=loc)
            return ir.Assign(targets=[ir.VarTarget(name=flag)], values=[value], loc=loc)

        cond = ir.Var(name=flag, type=ir.BOOL, loc=loc)
        return [set_flag(True), ir.While(cond=cond, body=[set_flag(False), *body], max_trips=1)]

    def break_stmt(self, s: A.BreakStmt) -> list[ir.Stmt]:
        if s.label is not None:
            for label, depth in reversed(self.ctx.labels):
                if label == s.label:
                    return [ir.Break(levels=self.ctx.loop_depth - depth + 1, loc=self.ctx.loc(s))]
            raise self.ctx.fail(s, "HW114", f"unknown loop label {s.label}")
        if len(self.ctx.labels) >= s.levels:
            # counted in source loops: `continue` wrappers are IR loops of their own
            depth = self.ctx.labels[-s.levels][1]
            return [ir.Break(levels=self.ctx.loop_depth - depth + 1, loc=self.ctx.loc(s))]
        return [ir.Break(levels=s.levels, loc=self.ctx.loc(s))]

    def continue_stmt(self, s: A.ContinueStmt) -> list[ir.Stmt]:
        for label, depth in reversed(self.ctx.labels):
            if s.label is None or label == s.label:
                # out of the loop's wrapper (at depth + 1): the loop's next trip
                return [ir.Break(levels=self.ctx.loop_depth - depth, loc=self.ctx.loc(s))]
        raise self.ctx.fail(s, "HW114", "continue outside a loop")

    def return_stmt(self, s: A.ReturnStmt) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        if s.values:
            if len(s.values) != len(self.ctx.exit.outs):
                raise self.ctx.fail(s, "HW114", "return values do not match the results")
            if len(s.values) == 1 and self.ctx.is_method_call(s.values[0]):
                call = s.values[0]
                assert isinstance(call, A.Apply)
                out.extend(
                    self.methods.call_stmt(
                        call,
                        [
                            A.Name(name=n, start=s.start, end=s.end)
                            for n in self.ctx.exit_source_names()
                        ],
                        s,
                    )
                )
                tail = self.ctx.tail_self
                if tail is not None and self.ctx.decl_stack == [tail.name] == [
                    self.ctx.call_name(call)
                ]:
                    return out  # `return M(args)` of a tail-recursive method: the next trip
            else:
                values: list[ir.Expr] = []
                names: list[str] = []
                built: list[tuple[ArrayRef, A.Expr]] = []
                for n, v in zip(self.ctx.exit.outs, s.values, strict=True):
                    buf = self._buffer_named(n)
                    if buf is not None:
                        built.append((buf, v))
                        continue
                    val = self.exprs.expr(v, out)
                    names.append(n)
                    values.append(val)
                if len(built) > 1:
                    raise self.ctx.fail(s, "HW103", "return one sequence per statement")
                for i, val in enumerate(values if built else []):
                    # held: the sequence below may read what the scalars' results overwrite
                    held = self.ctx.temp(_unsized(val.type), val.loc)
                    out.append(
                        ir.Assign(targets=[ir.VarTarget(name=held)], values=[val], loc=val.loc)
                    )
                    values[i] = ir.Var(name=held, type=_unsized(val.type), loc=val.loc)
                for buf, v in built:
                    out.extend(self.buffers.assign(buf, v, s))
                if names:
                    out.append(
                        ir.Assign(
                            targets=[ir.VarTarget(name=n, loc=self.ctx.loc(s)) for n in names],
                            values=values,
                            loc=self.ctx.loc(s),
                        )
                    )
        if self.ctx.exit.wrapper_depth is None:
            out.append(ir.Return(loc=self.ctx.loc(s)))
        else:
            out.append(
                ir.Break(
                    levels=self.ctx.loop_depth - self.ctx.exit.wrapper_depth + 1,
                    loc=self.ctx.loc(s),
                )
            )
        return out


def _unsupported(lw: StatementLowerer, s: A.UnsupportedStmt) -> list[ir.Stmt]:
    report_unsupported(lw.ctx, s)
    return []


# how each kind of statement lowers (see `StatementLowerer.statement`)
_LOWERINGS = (
    ByKind[StatementLowerer, A.Stmt, list[ir.Stmt]]()
    .on(A.BlockStmt, lambda lw, s: lw.block(s.body))
    .on(A.VarDecl, StatementLowerer.var_decl)
    .on(A.AssignStmt, StatementLowerer.assign)
    .on(A.CallStmt, lambda lw, s: lw.methods.call_stmt(s.call, [], s))
    .on(A.IfStmt, StatementLowerer.if_stmt)
    .on(A.WhileStmt, StatementLowerer.while_stmt)
    .on(A.ForStmt, StatementLowerer.for_stmt)
    .on(A.ForallStmt, StatementLowerer.forall_stmt)
    .on(A.BreakStmt, StatementLowerer.break_stmt)
    .on(A.ContinueStmt, StatementLowerer.continue_stmt)
    .on(A.ReturnStmt, StatementLowerer.return_stmt)
    .on(A.SpecStmt, lambda lw, s: [])  # specification only: no hardware
    .on(A.UnsupportedStmt, _unsupported)
)


def _unsized(t: ir.HwType) -> ir.HwType:
    if isinstance(t, ir.IntType) and not t.wraps:
        return ir.UNSIZED_INT if t.signed else ir.UNSIZED_NAT
    return t


def _continues_to(stmts: list[A.Stmt], label: str | None, nested: bool) -> bool:
    """Does a `continue` in `stmts` go to the loop labelled `label` whose body they are?
    (`nested`: inside an inner loop, where only a labelled `continue` can.)"""
    for s in stmts:
        if isinstance(s, A.ContinueStmt):
            if (s.label is None and not nested) or (s.label is not None and s.label == label):
                return True
        elif isinstance(s, A.BlockStmt):
            if _continues_to(s.body, label, nested):
                return True
        elif isinstance(s, A.IfStmt):
            other = [s.otherwise] if s.otherwise is not None else []
            if _continues_to([s.then, *other], label, nested):
                return True
        elif isinstance(s, A.WhileStmt | A.ForStmt) and s.body is not None:
            if label is not None and _continues_to(s.body.body, label, nested=True):
                return True
    return False


def _clone_stmts(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    return copy.deepcopy(stmts)
