"""The one integer measure a stack's depth is sized by, for recursion without a usable `decreases`.

Dafny's own measure for `function F(n: nat, m: nat)` with no `decreases` is the tuple (n, m):
its termination proof says nothing about n alone, so the stack (see `stack`) cannot take its
depth from it. When every recursive call passes all parameters but one on unchanged (or, among
several that change, exactly one is always passed as `p - k`, k a positive literal), that
parameter is the candidate measure. It is only a candidate: the obligation program states
`decreases <p>` on the function (`stack_obligations.measure_claim`), Dafny proves or refutes it,
and the stack's depth bound stands on that proof (a refuted measure blocks the method).
"""

from __future__ import annotations

from toolchain.frontend import ast as A


def passed_unchanged(f: A.FunctionDecl, calls: list[A.Apply]) -> set[str]:
    """The parameters every recursive call passes on as themselves."""
    return {
        p.name for k, p in enumerate(f.params) if all(_is_name(c.args[k], p.name) for c in calls)
    }


def _is_name(e: A.Expr, name: str) -> bool:
    return isinstance(e, A.Name) and e.name == name


def _minus_literal(e: A.Expr, name: str) -> bool:
    """`name - k` with k a positive integer literal (parenthesized or not)."""
    return (
        isinstance(e, A.BinaryExpr)
        and e.op == "-"
        and isinstance(e.lhs, A.Name)
        and e.lhs.name == name
        and isinstance(e.rhs, A.IntLit)
        and e.rhs.value > 0
    )


def inferred_measure(
    f: A.FunctionDecl, scalar_ints: list[str], calls: list[A.Apply]
) -> A.Name | None:
    """The parameter (of `scalar_ints`, the function's integer parameters held in registers)
    to propose as the measure, or None when no single one stands out."""
    if not calls:
        return None
    same = passed_unchanged(f, calls)
    changing = [p for p in f.params if p.name in scalar_ints and p.name not in same]
    if len(changing) > 1:
        index = {p.name: k for k, p in enumerate(f.params)}
        changing = [
            p for p in changing if all(_minus_literal(c.args[index[p.name]], p.name) for c in calls)
        ]
    if len(changing) != 1:
        return None
    p = changing[0]
    return A.Name(name=p.name, start=p.start, end=p.end)


def suggested_measure(f: A.FunctionDecl, scalar_ints: list[str], calls: list[A.Apply]) -> str:
    """A parameter to offer the user as `decreases` where none is inferred: the first integer
    parameter that changes (the most significant of Dafny's default tuple), else `n`."""
    same = passed_unchanged(f, calls)
    changing = [p.name for p in f.params if p.name in scalar_ints and p.name not in same]
    return changing[0] if changing else "n"


def decreases_insertion(text: str, name: str, measure: str) -> tuple[int, str] | None:
    """Where and what to insert so that function or method `name` states `decreases measure`:
    a clause of its own on the line before the body's `{`. None when the declaration is not
    found, has no body, or already has a `decreases` (a second clause would extend its tuple)."""
    from toolchain.frontend.parser import parse_program

    decl = parse_program(text).find(name)
    if isinstance(decl, A.FunctionDecl):
        brace = decl.body_open
    elif isinstance(decl, A.MethodDecl) and decl.body is not None:
        brace = decl.body.start
    else:
        return None
    if brace < 0 or any(s.kind == "decreases" for s in decl.specs):
        return None
    line_start = text.rfind("\n", 0, brace) + 1
    if text[line_start:brace].strip() == "":
        return line_start, f"  decreases {measure}\n"  # `{` on a line of its own
    return brace, f"\n  decreases {measure}\n"
