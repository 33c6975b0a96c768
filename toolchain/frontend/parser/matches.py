"""`match` on a datatype's constructors, read as the `if` chain it means.

A `match` whose patterns are bare constructor names (`case Red =>`) or `_` is the chain
`if s.Red? { .. } else if s.Green? { .. } else { .. }`: the last arm needs no test because Dafny
has already checked that the cases are exhaustive. Reading it this way lets every later pass
(lowering, range analysis, obligations) treat it as the `if` it is. Patterns that bind fields
(`case Point(x, y) =>`) are left to the caller, which keeps the match as unsupported text.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.frontend import ast as A


@dataclass
class Pattern:
    ctor: str | None  # None: `_`, matches anything
    start: int
    end: int


def _test(scrutinee: A.Expr, p: Pattern) -> A.Expr:
    # the discriminator `s.Ctor?`, located at the pattern so a refusal points at the case
    return A.Member(obj=scrutinee, member=f"{p.ctor}?", start=p.start, end=p.end)


def statement_chain(
    scrutinee: A.Expr, arms: list[tuple[Pattern, list[A.Stmt], int, int]], start: int, end: int
) -> A.Stmt:
    """Every `if` of the chain ends where the match ends: text inserted after one of them (an
    obligation) must not land inside the last arm."""
    out: A.Stmt | None = None
    for i, (p, body, a_start, a_end) in enumerate(reversed(arms)):
        block = A.BlockStmt(body=body, start=a_start, end=a_end)
        if out is None and (p.ctor is None or i == 0):
            out = block
            continue
        if p.ctor is None:  # `_` before other arms: everything after it is dead
            out = block
            continue
        out = A.IfStmt(cond=_test(scrutinee, p), then=block, otherwise=out, start=a_start, end=end)
    assert out is not None
    if isinstance(out, A.BlockStmt):  # a single arm
        return A.IfStmt(
            cond=A.BoolLit(value=True, start=start, end=start),
            then=out,
            otherwise=None,
            start=start,
            end=end,
        )
    out.start = start
    return out


def expression_chain(
    scrutinee: A.Expr, arms: list[tuple[Pattern, A.Expr]], start: int, end: int
) -> A.Expr:
    out: A.Expr | None = None
    for p, value in reversed(arms):
        if out is None or p.ctor is None:
            out = value
            continue
        out = A.IfExpr(cond=_test(scrutinee, p), then=value, otherwise=out, start=p.start, end=end)
    assert out is not None
    if isinstance(out, A.IfExpr):
        out.start = start
    return out
