"""Obligations of recursion run with a stack (see `lowering.stack`): the depth bound and the
result's range per level, both claims the verifier must prove before hardware relies on them."""

from __future__ import annotations

from typing import Protocol

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges import RangeResult


class ObligationBuilder(Protocol):
    """What these helpers use of `obligations.ObligationBuilder` (which imports this module)."""

    low: Lowered
    ranges: RangeResult
    decls: dict[str, A.MethodDecl | A.FunctionDecl]
    program_text: str

    def add(self, **kw: object) -> None: ...

    def span(self, start: int, end: int) -> ir.SourceSpan: ...


def _measure_text(text: str, e: A.Expr) -> str:
    # Dafny's default measure (one parameter) is a name made up by lowering, at the
    # parameter's declaration: its text there is `n: int`
    return e.name if isinstance(e, A.Name) else text[e.start : e.end]


def stack_depths(b: ObligationBuilder) -> None:
    """The stack of a recursive function holds `D` levels, D - 1 the measure's bound at
    the first call: `requires m < D` on the function, checked by Dafny at every call (the
    measure only drops), and Dafny's termination proof (m >= 0 wherever F calls itself,
    dropping by one at least) then bounds the pending calls by D. One claim per call: each
    call's stack has the capacity of its own first measure, and every claim holds at every call."""
    for site in b.low.stack_functions.values():
        decl = b.decls.get(site.name)
        depth = b.ranges.vars.get(site.depth)
        if decl is None or decl.body is None or depth is None or depth.hi is None:
            continue  # no bound: the stack has no capacity, the width finalizer refuses it
        m = _measure_text(b.program_text, site.measure)
        b.add(
            kind="requires",
            text=f"{m} < {depth.hi}",
            # a recursive method (see `lowering.method_recursion`) takes the claim as well
            offset=decl.body_open if isinstance(decl, A.FunctionDecl) else decl.body.start,
            key=None,
            lo=0,
            hi=depth.hi,
            where=f"depth of {decl.name}'s recursion (stack of {depth.hi})",
            loc=b.span(decl.name_start, decl.name_end),
        )


def result_subject(decl: A.MethodDecl | A.FunctionDecl) -> str | None:
    """How a claim names the result of a function (`F(x, y)`), or of a recursive method run as
    one (its single result's name)."""
    if isinstance(decl, A.FunctionDecl):
        return f"{decl.name}({', '.join(p.name for p in decl.params)})"
    return decl.returns[0].name if len(decl.returns) == 1 else None


def stack_result_helper(
    b: ObligationBuilder,
    decl: A.MethodDecl | A.FunctionDecl,
    subject: str,
    offset: int,
    loc: ir.SourceSpan,
) -> None:
    """A function run with a stack accumulates its result on the way up: its range claim
    is not inductive by itself (F(n) = x + F(n - 1) <= x + hi), but a bound that grows with
    the measure is: `F(p) <= base + step * (m + 1)` (m >= 0 where F calls itself)."""
    site = next((x for x in b.low.stack_functions.values() if x.name == decl.name), None)
    if site is None:
        return
    acc = next(
        (a for a in b.ranges.accumulations.get(site.ascend_loop, []) if a.variable == site.result),
        None,
    )
    if acc is None:
        return
    m = _measure_text(b.program_text, site.measure)
    levels = f"(if ({m}) >= 0 then ({m}) + 1 else 0)"
    bound = acc.bound_text(subject, levels)
    if bound is None:
        return
    b.add(
        kind="ensures",
        text=bound,
        offset=offset,
        key=None,
        lo=acc.entry.lo if acc.entry.lo is not None else 0,
        hi=acc.entry.hi if acc.entry.hi is not None else 0,
        where=f"result of {decl.name} (per level of recursion)",
        loc=loc,
        helper=True,
    )
