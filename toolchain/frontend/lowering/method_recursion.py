"""A recursive method with one result, read as the function it computes, so that linear
non-tail recursion of methods runs on the same stack as functions (see `stack`).

    method Mult(x: int, y: int) returns (r: int) decreases x {
      if x == 0 { r := 0; } else { var z := Mult(x - 1, y); r := z + y; }
    }

is `function Mult(x: int, y: int): int decreases x { if x == 0 then 0 else Mult(x - 1, y) + y }`:
the body is executed symbolically, each local standing for the expression it was last given
(a call's result stands for the call itself), and an `if` joins the two branches' values. Only
straight-line code, `if` and `var` / `:=` of single values are read this way; assertions are
verification only. Anything else (loops, early returns, heap writes, several results) gives
None and the method keeps its HW101 refusal.
"""

from __future__ import annotations

import dataclasses

from toolchain.frontend import ast as A
from toolchain.frontend.lowering.tailcalls import self_calls, tail_call_error

Env = dict[str, A.Expr]


class _NotAnExpression(Exception):
    pass


def _subst(e: A.Expr, env: Env) -> A.Expr:
    if isinstance(e, A.Name):
        return env.get(e.name, e)
    if isinstance(e, A.Quantifier | A.Comprehension | A.LetExpr):
        raise _NotAnExpression  # binders: a substitution would need renaming
    changes: dict[str, object] = {}
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, A.Expr):
            changes[f.name] = _subst(v, env)
        elif isinstance(v, list) and any(isinstance(x, A.Expr) for x in v):
            changes[f.name] = [_subst(x, env) if isinstance(x, A.Expr) else x for x in v]
    return dataclasses.replace(e, **changes) if changes else e  # type: ignore[arg-type]


def _run(stmts: list[A.Stmt], env: Env, results: list[str]) -> Env:
    """The values of the locals and results after `stmts`. A `return` may only end a path (the
    last statement of the body, or of a branch of an `if` that is itself last)."""
    for i, s in enumerate(stmts):
        last = i == len(stmts) - 1
        if isinstance(s, A.SpecStmt):
            continue
        if isinstance(s, A.ReturnStmt):
            if not last or (s.values and len(s.values) != len(results)):
                raise _NotAnExpression
            env = {**env, **{r: _subst(v, env) for r, v in zip(results, s.values, strict=True)}}
        elif isinstance(s, A.VarDecl) and not s.ghost and s.such_that is None:
            if len(s.vars) != 1 or len(s.rhs) != 1 or isinstance(s.rhs[0], A.Havoc):
                raise _NotAnExpression
            env = {**env, s.vars[0].name: _subst(s.rhs[0], env)}
        elif isinstance(s, A.AssignStmt) and s.such_that is None:
            if len(s.targets) != 1 or len(s.rhs) != 1 or not isinstance(s.targets[0], A.Name):
                raise _NotAnExpression
            if isinstance(s.rhs[0], A.Havoc | A.NewArray | A.NewObject):
                raise _NotAnExpression
            env = {**env, s.targets[0].name: _subst(s.rhs[0], env)}
        elif isinstance(s, A.BlockStmt):
            if not last and may_return(s):
                raise _NotAnExpression
            env = _run(s.body, env, results)
        elif isinstance(s, A.IfStmt) and s.cond is not None:
            if not last and may_return(s):
                raise _NotAnExpression
            cond = _subst(s.cond, env)
            then = _run(s.then.body, env, results)
            other = _run([s.otherwise], env, results) if s.otherwise is not None else env
            joined: Env = {}
            for name in then.keys() | other.keys():
                a, b = then.get(name), other.get(name)
                if a is None or b is None:
                    continue  # assigned on one path only: unusable after the if
                joined[name] = (
                    a
                    if a is b
                    else A.IfExpr(cond=cond, then=a, otherwise=b, start=s.start, end=s.end)
                )
            env = joined
        else:
            raise _NotAnExpression
    return env


def may_return(s: A.Stmt) -> bool:
    """Whether `s` holds a `return` (itself, or in a block, a branch or a loop body)."""
    if isinstance(s, A.ReturnStmt):
        return True
    if isinstance(s, A.BlockStmt):
        return any(may_return(x) for x in s.body)
    if isinstance(s, A.IfStmt):
        return may_return(s.then) or (s.otherwise is not None and may_return(s.otherwise))
    if isinstance(s, A.WhileStmt | A.ForStmt):
        return s.body is not None and may_return(s.body)
    return False


def method_as_function(decl: A.MethodDecl) -> A.FunctionDecl | None:
    """The function `decl` computes (see the module docstring), or None."""
    if decl.body is None or decl.ghost or len(decl.returns) != 1 or decl.type_params:
        return None
    result = decl.returns[0]
    try:
        env = _run(decl.body.body, {}, [result.name])
    except _NotAnExpression:
        return None
    body = env.get(result.name)
    if body is None:
        return None
    return A.FunctionDecl(
        kind="function",
        compiled=True,
        ghost=False,
        params=decl.params,
        result_type=result.type,
        result_name=result.name,
        specs=[s for s in decl.specs if s.kind in ("requires", "decreases")],
        body=body,
        name=decl.name,
        name_start=decl.name_start,
        name_end=decl.name_end,
        module=decl.module,
        container=decl.container,
        start=decl.start,
        end=decl.end,
        body_open=decl.body.start,
    )


def recursive_method_function(decl: A.MethodDecl) -> A.FunctionDecl | None:
    """For a method that calls itself outside tail position (tail calls become a loop, see
    `tailcalls`), the function it computes, when it reads as one."""
    if decl.body is None or not self_calls(decl.body.body, decl.name):
        return None
    if tail_call_error(decl) is None:
        return None
    return method_as_function(decl)
