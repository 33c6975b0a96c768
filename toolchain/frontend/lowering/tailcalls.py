"""Tail-recursive methods become loops.

A method whose recursive calls all end the method (`r := M(args)` as the last statement of the
body or of a branch that ends it, `return M(args)` anywhere, `M(args);` for a method without
results) is lowered as

    p' := p;  again := true
    while again { again := false; while once { once := false; body } }

where the body reads the copies `p'` of its scalar parameters, a recursive call becomes
`p' := args; again := true` and a break out of the one-trip wrapper (the wrapper also takes
`return`), so the next trip runs the method's body on the new arguments. The results are the
method's own result variables, which the last trip sets. Arrays must be passed on unchanged: the
body works on the same storage. The trip bound comes from the method's `decreases` clause.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.scope import Abort, LoweringContext, Scalar, TailSelf


def self_calls(node: object, name: str) -> list[A.Apply]:
    """Every call of `name` inside `node` (statements or expressions)."""
    out: list[A.Apply] = []
    if isinstance(node, A.Apply) and isinstance(node.func, A.Name) and node.func.name == name:
        out.append(node)
    if isinstance(node, list):
        for x in node:
            out.extend(self_calls(x, name))
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            v = getattr(node, f.name)
            if isinstance(v, list | A.Node):
                out.extend(self_calls(v, name))
    return out


def _tail_site(s: A.Stmt, decl: A.MethodDecl) -> A.Apply | None:
    """The recursive call if `s` is `outs := M(args)` / `M(args);` (no results)."""
    outs = [r.name for r in decl.returns]
    if (
        isinstance(s, A.AssignStmt)
        and s.such_that is None
        and len(s.rhs) == 1
        and isinstance(s.rhs[0], A.Apply)
        and [t.name if isinstance(t, A.Name) else None for t in s.targets] == outs
    ):
        return s.rhs[0]
    if isinstance(s, A.CallStmt) and not outs:
        return s.call
    return None


def tail_call_error(decl: A.MethodDecl) -> A.Node | None:
    """None when every recursive call of `decl` can become a next trip of a loop; otherwise the
    first call that cannot (not in tail position, arrays not passed on unchanged, ...)."""
    assert decl.body is not None
    name = decl.name
    if any(r.ghost for r in decl.returns) or any(p.ghost for p in decl.params):
        calls = self_calls(decl.body.body, name)
        return calls[0] if calls else None

    def call_ok(call: A.Apply) -> A.Node | None:
        if len(call.args) != len(decl.params) or self_calls(call.args, name):
            return call
        for p, a in zip(decl.params, call.args, strict=True):
            if p.type is not None and p.type.name in ("array", "seq"):
                if not (isinstance(a, A.Name) and a.name == p.name):
                    return a
        return None

    def walk(stmts: list[A.Stmt], tail: bool) -> A.Node | None:
        executable = [i for i, s in enumerate(stmts) if not isinstance(s, A.SpecStmt)]
        last = executable[-1] if executable else -1
        for i, s in enumerate(stmts):
            at_end = tail and i == last
            site = _tail_site(s, decl)
            if site is not None and isinstance(site.func, A.Name) and site.func.name == name:
                if not at_end:
                    return site
                bad = call_ok(site)
                if bad is not None:
                    return bad
                continue
            if isinstance(s, A.ReturnStmt) and len(s.values) == 1:
                v = s.values[0]
                if isinstance(v, A.Apply) and isinstance(v.func, A.Name) and v.func.name == name:
                    bad = call_ok(v)
                    if bad is not None:
                        return bad
                    continue
            if isinstance(s, A.IfStmt):
                calls = self_calls(s.cond, name)
                if calls:
                    return calls[0]
                bad = walk(s.then.body, at_end)
                if bad is None and s.otherwise is not None:
                    bad = walk([s.otherwise], at_end)
                if bad is not None:
                    return bad
                continue
            if isinstance(s, A.BlockStmt):
                bad = walk(s.body, at_end)
                if bad is not None:
                    return bad
                continue
            if isinstance(s, A.WhileStmt | A.ForStmt):
                # a `return M(args)` inside a loop still ends the method
                bad = walk(s.body.body if s.body is not None else [], False)
                if bad is not None:
                    return bad
                others = self_calls([x for x in _loop_header(s)], name)
                if others:
                    return others[0]
                continue
            calls = self_calls(s, name)
            if calls:
                return calls[0]
        return None

    return walk(decl.body.body, True)


def _loop_header(s: A.WhileStmt | A.ForStmt) -> list[A.Node]:
    if isinstance(s, A.WhileStmt):
        return [s.cond] if s.cond is not None else []
    return [x for x in (s.lo, s.hi) if x is not None]


def tail_site(
    ctx: LoweringContext, exprs: ExpressionLowerer, tail: TailSelf, call: A.Apply
) -> list[ir.Stmt]:
    """A recursive call in tail position: the arguments become the next trip's parameters."""
    loc = ctx.loc(call)
    scalars = {pos for pos, _ in tail.copies}
    for pos, p in enumerate(tail.decl.params):
        a = call.args[pos]
        if pos not in scalars and not (isinstance(a, A.Name) and a.name == p.name):
            raise ctx.fail(a, "HW101", f"{tail.name} must pass {p.name} on unchanged")
    pre: list[ir.Stmt] = []
    targets: list[ir.Target] = []
    values: list[ir.Expr] = []
    for pos, copy in tail.copies:
        targets.append(ir.VarTarget(name=copy, loc=loc))
        values.append(exprs.expr(call.args[pos], pre))
    # each Dafny call starts with fresh results (compiled: 0 / false): a trip that leaves a
    # result unassigned must not return the value an earlier trip left there
    for r in tail.decl.returns:
        b = ctx.scopes[0].get(r.name)  # the method's own result, whatever a block shadows
        if isinstance(b, Scalar):
            t = b.dtype.to_ir()
            targets.append(ir.VarTarget(name=b.ir_name, loc=loc))
            if isinstance(t, ir.BoolType):
                values.append(ir.Const(value=False, type=t, loc=loc))
            else:
                values.append(ir.Const(value=0, type=t, loc=loc))
    out = [*pre]
    if targets:
        out.append(ir.Assign(targets=targets, values=values, loc=loc))
    out.append(
        ir.Assign(
            targets=[ir.VarTarget(name=tail.again, loc=loc)],
            values=[ir.Const(value=True, type=ir.BOOL, loc=loc)],
            loc=loc,
        )
    )
    out.append(ir.Break(levels=ctx.loop_depth - tail.wrapper_depth + 1, loc=loc))
    return out


def copy_params(ctx: LoweringContext, decl: A.MethodDecl) -> list[tuple[int, str]]:
    """Rebind each scalar parameter to a mutable copy (in a new scope) and return the copies."""
    copies: list[tuple[int, str]] = []
    scope: dict[str, Scalar] = {}
    for pos, p in enumerate(decl.params):
        b = ctx.lookup(p.name)
        if not isinstance(b, Scalar):
            continue
        copy = ctx.new_local(
            f"{p.name}_rec",
            b.dtype.to_ir(),
            ctx.loc(p),
            origin=f"{p.name} of the next trip",
            dtype=b.dtype,
        )
        scope[p.name] = Scalar(copy, b.dtype)
        copies.append((pos, copy))
    ctx.scopes.append(dict(scope))
    return copies


def measure(ctx: LoweringContext, exprs: ExpressionLowerer, decl: A.MethodDecl) -> ir.Expr | None:
    """The method's single `decreases` expression over the copies, if it lowers cleanly."""
    dec = decl.specs_of("decreases")
    if len(dec) != 1 or len(dec[0].exprs) != 1:
        return None
    pre: list[ir.Stmt] = []
    saved = len(ctx.diags)
    try:
        d = exprs.expr(dec[0].exprs[0], pre)
    except Abort:
        return None
    finally:
        del ctx.diags[saved:]
    return d if not pre else None
