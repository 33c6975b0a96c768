"""Linear non-tail recursion becomes two loops over a bounded stack.

`function F(p) decreases m { if c then e else E[F(p')] }` (any tree of `if`/`let` whose leaves
are either free of F or hold exactly one call of F that is always evaluated) is lowered to

    depth := m + 1; sp := 0; done := false
    while !done {                       // descend: one trip per call of F
      if c { result, done := e, true } else { stack[sp] := p; sp := sp + 1; p := p' }
    }
    while sp > 0 {                      // ascend: one trip per pending caller
      sp := sp - 1; p := stack[sp]
      if c { } else { result := E[result] }   // the same leaf: its guards see the same p
    }

Only the parameters the way up reads are stacked: with one recursive leaf, every pending caller
took the path to it, so the ascend is that leaf's pending work alone, and a parameter it does not
read (`1 + F(n - 1, m)`) needs no stack; the two loops then only count levels.

The measure is the function's own single `decreases`, or, where it has none, one inferred
(`recursion_measures`) that the obligation program states and Dafny proves. The stack's
capacity is the depth: Dafny proved (termination) that the integer measure `m` is
at least 0 wherever F calls itself and drops at every call, so a call whose measure is at most
M makes at most M + 1 nested calls; M is the measure's range at the first call, which comes
from the proven ranges of the arguments (F's parameters get `requires` obligations, checked by
Dafny at every call). Where that range has no upper bound the stack has no capacity and the
width analysis refuses the method (HW202). Recursion that branches (two calls with different
arguments in one leaf; calls with the same arguments are one) or calls F where it is only
sometimes evaluated (under `&&`, `||`, `==>` or a nested `if`) is refused (HW101): it needs more
than a stack of arguments.
"""

from __future__ import annotations

import dataclasses

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dtypes import DType
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.recursion import (
    RecursiveCall,
    finish,
    has_call_to,
    result_and_done,
    stated_decreases,
)
from toolchain.frontend.lowering.recursion_measures import (
    inferred_measure,
    passed_unchanged,
    suggested_measure,
)
from toolchain.frontend.lowering.results import AllocSite, LoopSite, StackFunction
from toolchain.frontend.lowering.scope import ArrayRef, LoweringContext, Scalar, dtype_of_ir

# a name no Dafny identifier can be: the result of the pending call inside E[...]
_PENDING = "F#result"


def _calls(e: A.Node, name: str) -> list[A.Apply]:
    found: list[A.Apply] = []
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        found.append(e)
    for c in A.child_nodes(e):
        found.extend(_calls(c, name))
    return found


def _distinct_calls(e: A.Node, name: str) -> list[A.Apply]:
    """The calls of `name` in `e`, one per argument list: a function is pure, so calls with the
    same arguments are one pending call whose result every copy reads (`F(n / 2) * F(n / 2)`, or
    a recursive method's `var t := F(n / 2); r := t * t` read as a function)."""
    found: list[A.Apply] = []
    for c in _calls(e, name):
        if not any(c is d or A.same_shape(c, d) for d in found):
            found.append(c)
    return found


def _conditional_call(e: A.Node, name: str, guarded: bool = False) -> A.Node | None:
    """A call of `name` under a short-circuit operator or a conditional inside a leaf."""
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        return e if guarded else None
    if isinstance(e, A.BinaryExpr) and e.op in ("&&", "||", "==>", "<=="):
        bad = _conditional_call(e.lhs, name, guarded)
        return bad or _conditional_call(e.rhs, name, True)
    if isinstance(e, A.IfExpr | A.Quantifier | A.LetExpr | A.MatchExpr):
        guarded = True
    for c in A.child_nodes(e):
        bad = _conditional_call(c, name, guarded)
        if bad is not None:
            return bad
    return None


def _replace(e: A.Expr, target: A.Expr, by: A.Expr) -> A.Expr:
    """`e` with the call `target` replaced by `by`, wherever it is made with the same arguments."""
    if e is target or (isinstance(e, A.Apply) and A.same_shape(e, target)):
        return by
    changes: dict[str, object] = {}
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, A.Expr):
            nv = _replace(v, target, by)
            if nv is not v:
                changes[f.name] = nv
        elif isinstance(v, list) and any(isinstance(x, A.Expr) for x in v):
            nl = [_replace(x, target, by) if isinstance(x, A.Expr) else x for x in v]
            if any(a is not b for a, b in zip(nl, v, strict=True)):
                changes[f.name] = nl
    return dataclasses.replace(e, **changes) if changes else e  # type: ignore[arg-type]


class StackRecursion:
    """Turns a call of a linearly recursive function into a descend and an ascend loop."""

    def __init__(self, ctx: LoweringContext, exprs: ExpressionLowerer) -> None:
        self.ctx = ctx
        self.exprs = exprs

    def measure(
        self, f: A.FunctionDecl, ir_params: dict[str, str], call: A.Apply
    ) -> tuple[A.Expr, bool]:
        """The integer measure the stack's depth comes from, and whether the user stated it
        (`decreases m`); otherwise it is inferred (`recursion_measures`) and only a claim."""
        dec = stated_decreases(self.ctx, f, call)
        if dec and len(dec) == 1 and len(dec[0].exprs) == 1:
            return dec[0].exprs[0], True
        ints = [
            p for p, n in ir_params.items() if isinstance(self.ctx.type_of_local(n), ir.IntType)
        ]
        if not dec:
            guess = inferred_measure(f, ints, _calls(f.body, f.name) if f.body else [])
            if guess is not None:
                return guess, False
        # a tuple measure (Dafny's default, or a lexicographic `decreases a, b`) bounds no depth
        if dec:
            raise self.ctx.fail(
                dec[0].exprs[0] if dec[0].exprs else call,
                "HW101",
                f"{f.name} recurses outside tail position with the lexicographic measure "
                f"`decreases {', '.join(d.text for d in dec)}`: hardware sizes its stack from "
                "one integer measure; state one Dafny can prove instead",
            )
        example = suggested_measure(f, ints, _calls(f.body, f.name) if f.body else [])
        raise self.ctx.fail(
            call,
            "HW101",
            f"{f.name} recurses outside tail position: hardware runs it with a stack whose depth "
            "comes from one integer `decreases` measure, and none of its parameters is one on "
            f"its own; give it one (e.g. `decreases {example}`: Dafny then proves it)",
        )

    def check(self, f: A.FunctionDecl, e: A.Expr) -> None:
        """Refuse what a stack of arguments cannot run (see the module docstring)."""
        if isinstance(e, A.IfExpr):
            if has_call_to(e.cond, f.name):
                raise self.ctx.fail(
                    _calls(e.cond, f.name)[0], "HW101", f"{f.name} is called in a condition"
                )
            self.check(f, e.then)
            self.check(f, e.otherwise)
            return
        if isinstance(e, A.LetExpr):
            for v in e.values:
                if has_call_to(v, f.name):
                    raise self.ctx.fail(
                        _calls(v, f.name)[0], "HW101", f"{f.name} is called in a `var` binding"
                    )
            self.check(f, e.body)
            return
        calls = _distinct_calls(e, f.name)
        if len(calls) > 1:
            raise self.ctx.fail(
                calls[1],
                "HW101",
                f"{f.name} calls itself with different arguments here (tree recursion): "
                "hardware only runs recursion with one pending call per level",
            )
        if calls:
            bad = _conditional_call(e, f.name)
            if bad is not None:
                raise self.ctx.fail(
                    bad,
                    "HW101",
                    f"this call of {f.name} runs only sometimes (under `&&`, `||`, `==>` or an "
                    "`if` inside the expression): write the choice as an `if` around the call",
                )
            for a in calls[0].args:
                if has_call_to(a, f.name):
                    raise self.ctx.fail(a, "HW101", f"{f.name} is called in its own argument")

    def loop(self, site: RecursiveCall) -> ir.Expr:
        f, ir_params, rtype, call, pre, loc = site
        assert f.body is not None
        ctx = self.ctx
        measure, stated = self.measure(f, ir_params, call)
        self.check(f, f.body)
        result, done = result_and_done(ctx, site)
        sp = ctx.new_local(f"{f.name}_sp", ir.UNSIZED_NAT, loc, origin=f"{f.name} stack pointer")
        depth = ctx.new_local(f"{f.name}_depth", ir.UNSIZED_INT, loc, origin=f"{f.name} depth")
        m_pre: list[ir.Stmt] = []
        m_val = self.exprs.expr(measure, m_pre)
        if m_pre or not isinstance(m_val.type, ir.IntType):
            raise ctx.fail(
                measure, "HW101", f"the measure of {f.name} must be a plain integer expression"
            )
        one = ir.Const(value=1, type=ir.UNSIZED_NAT, loc=loc)
        depth_val = ir.Binary(op=ir.BinOp.ADD, lhs=m_val, rhs=one, type=ir.UNSIZED_INT, loc=loc)
        # one stack per scalar parameter the way up reads; its capacity is the depth at the
        # first call
        stacks: dict[str, str] = {}
        # a parameter every recursive call passes on unchanged keeps its value at every level
        same = passed_unchanged(f, _calls(f.body, f.name))
        changing = [
            p for p in f.params if not p.ghost and p.name in ir_params and p.name not in same
        ]
        if not changing:
            raise ctx.fail(call, "HW101", f"{f.name} calls itself with the same arguments")
        leaf = _single_recursive_leaf(f, f.body)
        read_up = _names_read_up(leaf, _calls(leaf, f.name)[0]) if leaf is not None else None
        for p in changing:
            if read_up is not None and p.name not in read_up:
                continue  # the way up never reads it: no stack (e.g. `1 + F(n - 1)`)
            ptype = ctx.type_of_local(ir_params[p.name])
            assert isinstance(ptype, ir.BoolType | ir.IntType)
            st = ctx.new_local(
                f"{f.name}_stack_{p.name}",
                ir.ArrayType(element=ptype, length=None, max_length=None, mutable=True),
                loc,
                origin=f"{f.name} stack",
            )
            stacks[p.name] = st
            size = ir.Var(name=depth, type=ir.UNSIZED_INT, loc=loc)
            ctx.array_alloc.setdefault(st, []).append(
                AllocSite(st, size, f"{f.name}'s call stack", -1, ctx.decl_stack[-1])
            )

        def var(name: str, t: ir.HwType) -> ir.Var:
            return ir.Var(name=name, type=t, loc=loc)

        def assign(name: str, value: ir.Expr) -> ir.Assign:
            return ir.Assign(targets=[ir.VarTarget(name=name, loc=loc)], values=[value], loc=loc)

        sp_var = var(sp, ir.UNSIZED_NAT)
        push: list[ir.Stmt] = [
            assign(sp, ir.Binary(op=ir.BinOp.ADD, lhs=sp_var, rhs=one, type=ir.UNSIZED_INT)),
        ]
        pop: list[ir.Stmt] = [
            assign(sp, ir.Binary(op=ir.BinOp.SUB, lhs=sp_var, rhs=one, type=ir.UNSIZED_INT)),
        ]
        if stacks:
            store = ir.Assign(
                targets=[
                    ir.IndexTarget(array=st, index=var(sp, ir.UNSIZED_NAT), loc=loc)
                    for st in stacks.values()
                ],
                values=[var(ir_params[p], ctx.type_of_local(ir_params[p])) for p in stacks],
                loc=loc,
            )
            push.insert(0, store)
            restore = ir.Assign(
                targets=[ir.VarTarget(name=ir_params[p], loc=loc) for p in stacks],
                values=[
                    ir.Index(
                        array=st,
                        index=var(sp, ir.UNSIZED_NAT),
                        type=ctx.type_of_local(ir_params[p]),
                        loc=loc,
                    )
                    for p, st in stacks.items()
                ],
                loc=loc,
            )
            pop.append(restore)
        descend = self._tree(f, f.body, ir_params, result, rtype, done, push, ascend=False)
        # with one recursive leaf, every pending caller took the path to it: the way up is that
        # leaf's pending work alone, and its guards (which may read unstacked parameters) are
        # not evaluated again
        up_tree = leaf if leaf is not None else f.body
        ascend = self._tree(f, up_tree, ir_params, result, rtype, done, [], ascend=True)
        f_loc = ctx.span(f.name_start, f.name_end)
        down = ir.While(
            cond=ir.Unary(op=ir.UnOp.NOT, operand=var(done, ir.BOOL), type=ir.BOOL, loc=f_loc),
            body=descend,
            decreases=[ctx.spec_clause(s) for s in f.specs_of("decreases")],
            loc=f_loc,
        )
        zero = ir.Const(value=0, type=ir.UNSIZED_NAT, loc=loc)
        up = ir.While(
            cond=ir.Binary(op=ir.BinOp.GT, lhs=sp_var, rhs=zero, type=ir.BOOL, loc=f_loc),
            body=[*pop, *ascend],
            loc=f_loc,
        )
        # the function's preconditions hold at every level (on the way down and, with the
        # arguments restored from the stack, on the way up): loop-head facts of both loops
        as_invariants = [
            A.Spec(kind="invariant", expr=x.expr, text=x.text, start=x.start, end=x.end)
            for x in f.specs_of("requires")
        ]
        head = A.WhileStmt(cond=None, specs=as_invariants, body=None, start=f.start, end=f.end)
        m_loop: list[ir.Stmt] = []
        m_down = self.exprs.expr(measure, m_loop)
        # the facts may name array parameters too (`i <= a.Length`): the caller's arrays
        names = dict(ir_params)
        for p in f.params:
            b = ctx.lookup(p.name)
            if p.name not in names and isinstance(b, ArrayRef):
                names[p.name] = b.ir_name
        ctx.loop_sites[id(down)] = LoopSite(f.name, head, m_down, -1, dict(names))
        ctx.loop_sites[id(up)] = LoopSite(f.name, head, var(sp, ir.UNSIZED_NAT), -1, names)
        # keyed by call: each call's stack has its own capacity, and each gets its own claim
        ctx.stack_functions[depth] = StackFunction(
            f.name,
            measure,
            id(up),
            result,
            depth,
            stated,
            id(down),
            {st: ir_params[p] for p, st in stacks.items()},
        )
        pre.extend(
            [
                *m_pre,
                assign(depth, depth_val),
                assign(sp, zero),
                assign(done, ir.Const(value=False, type=ir.BOOL, loc=loc)),
                down,
                up,
            ]
        )
        return ir.Var(name=result, type=rtype.to_ir(), loc=loc)

    def _tree(
        self,
        f: A.FunctionDecl,
        e: A.Expr,
        ir_params: dict[str, str],
        result: str,
        rtype: DType,
        done: str,
        push: list[ir.Stmt],
        ascend: bool,
    ) -> list[ir.Stmt]:
        ctx = self.ctx
        loc = ctx.loc(e)
        if isinstance(e, A.IfExpr):
            out: list[ir.Stmt] = []
            cond = self.exprs.expr(e.cond, out)
            then = self._tree(f, e.then, ir_params, result, rtype, done, push, ascend)
            other = self._tree(f, e.otherwise, ir_params, result, rtype, done, push, ascend)
            out.append(ir.If(cond=cond, then=then, otherwise=other, loc=loc))
            return out
        if isinstance(e, A.LetExpr):
            out = []
            ctx.scopes.append({})
            try:
                for n, v in zip(e.names, e.values, strict=False):
                    val = self.exprs.expr(v, out)
                    name = ctx.temp(val.type, ctx.loc(v))
                    out.append(
                        ir.Assign(targets=[ir.VarTarget(name=name)], values=[val], loc=ctx.loc(v))
                    )
                    ctx.bind(n, Scalar(name, dtype_of_ir(val)))
                out.extend(self._tree(f, e.body, ir_params, result, rtype, done, push, ascend))
            finally:
                ctx.scopes.pop()
            return out
        calls = _calls(e, f.name)
        out = []
        if not calls:
            if ascend:
                return []  # a base case is never a pending caller
            val = self.exprs.expr(e, out)
            out.append(finish(result, done, val, loc))
            return out
        rec = calls[0]
        if ascend:
            pending = A.Name(name=_PENDING, start=rec.start, end=rec.end)
            ctx.scopes.append({_PENDING: Scalar(result, rtype)})
            try:
                val = self.exprs.expr(_replace(e, rec, pending), out)
            finally:
                ctx.scopes.pop()
            out.append(ir.Assign(targets=[ir.VarTarget(name=result)], values=[val], loc=loc))
            return out
        # descend: remember this level's arguments, then run the call's level
        targets: list[ir.Target] = []
        values: list[ir.Expr] = []
        for p, a in zip(f.params, rec.args, strict=True):
            if p.ghost:
                continue
            if isinstance(a, A.Name) and a.name == p.name:
                continue  # passed on unchanged (not stacked either)
            if p.name not in ir_params:
                raise ctx.fail(a, "HW101", f"{f.name} recurses with a different collection")
            targets.append(ir.VarTarget(name=ir_params[p.name], loc=ctx.loc(a)))
            values.append(self.exprs.expr(a, out))
        out.extend(_fresh_copy(push))
        if targets:
            out.append(ir.Assign(targets=targets, values=values, loc=loc))
        return out


def _single_recursive_leaf(f: A.FunctionDecl, e: A.Expr) -> A.Expr | None:
    """The one leaf of the `if` tree that calls `f` (None: several, or a `let` on its path,
    whose bindings the way up would have to evaluate again)."""
    if isinstance(e, A.IfExpr):
        then, other = has_call_to(e.then, f.name), has_call_to(e.otherwise, f.name)
        if then and other:
            return None
        return _single_recursive_leaf(f, e.then if then else e.otherwise)
    if isinstance(e, A.LetExpr):
        return None
    return e if has_call_to(e, f.name) else None


def _names_read_up(leaf: A.Expr, call: A.Apply) -> set[str]:
    """Every name the leaf's pending work reads (the call's own arguments are evaluated on the
    way down only). A superset: a bound variable that shadows a parameter counts as a read."""
    out: set[str] = set()

    def walk(n: A.Node) -> None:
        if n is call or (isinstance(n, A.Apply) and A.same_shape(n, call)):
            return
        if isinstance(n, A.Name):
            out.add(n.name)
        for c in A.child_nodes(n):
            walk(c)

    walk(leaf)
    return out


def _fresh_copy(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """IR nodes are keyed by identity in the analyses: every use gets its own copy."""
    import copy

    return copy.deepcopy(stmts)
