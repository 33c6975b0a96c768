"""Obligations of recursion run with a stack (see `lowering.stack`): the depth bound and the
result's range per level, both claims the verifier must prove before hardware relies on them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared_schemas.verification import Diagnostic
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges import RangeResult


class Claim(Protocol):
    """What these helpers read of `obligations.Ob`."""

    id: int
    kind: str
    scope: tuple[int, int] | None


class ObligationBuilder(Protocol):
    """What these helpers use of `obligations.ObligationBuilder` (which imports this module)."""

    @property
    def obs(self) -> Sequence[Claim]: ...

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
    claimed: dict[str, int] = {}  # function -> id of its inferred measure's claim
    for site in b.low.stack_functions.values():
        decl = b.decls.get(site.name)
        depth = b.ranges.vars.get(site.depth)
        if decl is None or decl.body is None or depth is None or depth.hi is None:
            continue  # no bound: the stack has no capacity, the width finalizer refuses it
        m = _measure_text(b.program_text, site.measure)
        offset = decl.body_open if isinstance(decl, A.FunctionDecl) else decl.body.start
        loc = b.span(decl.name_start, decl.name_end)
        if not site.stated and decl.name not in claimed:
            claimed[decl.name] = measure_claim(b, decl, m, offset, loc)
        b.add(
            kind="requires",
            text=f"{m} < {depth.hi}",
            # a recursive method (see `lowering.method_recursion`) takes the claim as well
            offset=offset,
            key=None,
            lo=0,
            hi=depth.hi,
            where=f"depth of {decl.name}'s recursion (stack of {depth.hi})",
            loc=loc,
            # the depth stands on the measure: with an inferred one, on Dafny proving it
            needs=claimed.get(decl.name),
        )


def measure_claim(
    b: ObligationBuilder,
    decl: A.MethodDecl | A.FunctionDecl,
    measure: str,
    offset: int,
    loc: ir.SourceSpan,
) -> int:
    """`decreases m` on a function whose stack measure was inferred (`lowering.
    recursion_measures`): the function has no `decreases` of its own, so this is its only one,
    and Dafny's termination check then proves m >= 0 wherever it calls itself and that every
    call lowers m, which is what bounds the depth. Returns the claim's id."""
    b.add(
        kind="decreases",
        text=measure,
        offset=offset,
        key=None,
        lo=0,
        hi=0,
        scope=(decl.start, decl.end),
        where=(
            f"termination measure of {decl.name} (inferred: the stack's depth comes from it; "
            f"if Dafny cannot prove it, state one yourself with `decreases`)"
        ),
        loc=loc,
    )
    return len(b.obs) - 1


_TERMINATION = ("decrease", "termination")


def termination_refutations(
    text: str, active: Sequence[Claim], errors: list[Diagnostic]
) -> tuple[dict[int, str], list[Diagnostic]]:
    """Dafny reports a failed `decreases` at the recursive call, not on the clause: the errors
    about termination inside a function that carries an inferred measure claim refute that
    claim (lines of `errors` are the user's). The rest are returned as they were."""
    index = LineIndex.of(text)
    scopes: list[tuple[int, int, int]] = []  # first line, last line, claim id
    for o in active:
        if o.kind == "decreases" and o.scope is not None:
            scopes.append((index.position(o.scope[0])[0], index.position(o.scope[1])[0], o.id))
    refuted: dict[int, str] = {}
    rest: list[Diagnostic] = []
    for d in errors:
        line = d.range.start.line
        hit = next((oid for lo, hi, oid in scopes if lo <= line <= hi), None)
        if hit is not None and any(w in d.message.lower() for w in _TERMINATION):
            refuted.setdefault(hit, d.message)
        else:
            rest.append(d)
    return refuted, rest


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
    m = _measure_text(b.program_text, site.measure)
    if acc is not None:
        levels = f"(if ({m}) >= 0 then ({m}) + 1 else 0)"
        bound = acc.bound_text(subject, levels)
        lo, hi = acc.entry.lo, acc.entry.hi
    else:
        per_trip = b.ranges.per_trip.get(site.ascend_loop, {}).get(site.result)
        bound = _per_level_table(subject, m, per_trip) if per_trip else None
        lo, hi = (per_trip[-1].lo, per_trip[-1].hi) if per_trip else (None, None)
    if bound is None:
        return
    b.add(
        kind="ensures",
        text=bound,
        offset=offset,
        key=None,
        lo=lo if lo is not None else 0,
        hi=hi if hi is not None else 0,
        where=f"result of {decl.name} (per level of recursion)",
        loc=loc,
        helper=True,
    )


def _per_level_table(subject: str, m: str, per_trip: list[Interval]) -> str | None:
    """`lo(m) <= subject <= hi(m)`, the range after at most k trips of the way up for k the
    number of levels a measure of m allows (m + 1 from m >= 0, none below), as a chain of
    `if`s on m. It is inductive where a bound that grows by a sum is not: F(n) = n * F(n - 1)
    <= 9 * T[n] = T[n + 1], and the solver meets each level with m split into cases."""
    if any(iv.lo is None or iv.hi is None for iv in per_trip):
        return None

    def chain(end: str) -> str:
        if len({getattr(iv, end) for iv in per_trip}) == 1:
            return str(getattr(per_trip[0], end))
        parts = [f"if ({m}) < {k} then {getattr(iv, end)} else " for k, iv in enumerate(per_trip)]
        return "(" + "".join(parts[:-1]) + f"{getattr(per_trip[-1], end)})"

    return f"{chain('lo')} <= {subject} <= {chain('hi')}"
