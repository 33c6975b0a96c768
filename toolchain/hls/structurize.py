"""Reduce a method's control flow to `Assign`, `If` and `While`, ready for hardware.

* `Return` and `Break` become flag variables (`ret__`, `brk__N`): the statements after one that
  may leave are guarded by the flags, and every loop condition checks them.
* `For` becomes a `While` over a counter wide enough to reach the upper bound (the loop variable's
  own type may stop one short of it).
* Loops whose proven trip count is small are unrolled into guarded `If`s, so the method becomes
  straight-line logic that XLS pipelines; the others stay `While` loops, which become states of a
  proc. Unrolling `If(cond, body)` k times is exact because the loop provably runs at most k times.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from dataclasses import dataclass, field

from toolchain.frontend import ir
from toolchain.hls.errors import HlsError


@dataclass(frozen=True)
class LoopPlan:
    """A loop's schedule as directives ask for it (`toolchain.hls.directives`): "unrolled"
    (completely), "fsm" (a state machine state), or k iterations per state (`unroll`)."""

    schedule: str | None = None
    unroll: int | None = None


# a forced unroll larger than this is refused: it would not fit any FPGA the report names (at
# 65,536, Euclid's 16-bit loop, one statement proven to run at most 65,536 times, passed and became
# 65,536 dividers that XLS never finished scheduling); the automatic unroll's budget is the same
_FORCED_UNROLL_BUDGET = 4096


@dataclass(frozen=True)
class StructureOptions:
    unroll_limit: int = 32  # loops proven to run at most this often are unrolled
    unroll_budget: int = 4096  # ... unless the unrolled code would exceed this many statements
    schedule: str | None = None  # every loop's schedule when set ({:hls_schedule} on the method)
    # per loop, keyed by where the loop's keyword starts (0-based line, column), as its `loc`
    loops: tuple[tuple[tuple[int, int], LoopPlan], ...] = ()

    def plan_for(self, loc: ir.SourceSpan) -> LoopPlan | None:
        for key, plan in self.loops:
            if key == (loc.start_line, loc.start_col):
                return plan
        return None


@dataclass
class _Loop:
    brk_flag: str | None


@dataclass
class _Ctx:
    method: ir.HardwareMethod
    options: StructureOptions
    new_locals: list[ir.Local] = field(default_factory=list)
    loops: list[_Loop] = field(default_factory=list)
    ret_flag: str | None = None
    names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    unrolled: int = 0
    kept_loops: int = 0
    # directives that could not be honoured: where, and why (reported as located warnings)
    refused: list[tuple[ir.SourceSpan, str]] = field(default_factory=list)
    planned: set[tuple[int, int]] = field(default_factory=set)

    def fresh(self, prefix: str, t: ir.IntType | type[bool]) -> str:
        taken = {p.name for p in self.method.ports} | {v.name for v in self.method.locals}
        taken |= {v.name for v in self.new_locals}
        while True:
            name = f"{prefix}__{next(self.names)}"
            if name not in taken:
                break
        self.new_locals.append(ir.Local(name=name, type=ir.BOOL if t is bool else t, origin="hls"))
        return name


def _not(e: ir.Expr) -> ir.Expr:
    return ir.Unary(op=ir.UnOp.NOT, operand=e, type=ir.BOOL, loc=e.loc)


def _and(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    return ir.Binary(op=ir.BinOp.AND, lhs=a, rhs=b, type=ir.BOOL, loc=a.loc)


def _flag(name: str) -> ir.Var:
    return ir.Var(name=name, type=ir.BOOL)


def _set(name: str, value: bool) -> ir.Assign:
    return ir.Assign(
        targets=[ir.VarTarget(name=name)], values=[ir.Const(value=value, type=ir.BOOL)]
    )


def stmt_size(stmts: list[ir.Stmt]) -> int:
    total = 0
    for s in stmts:
        total += 1
        if isinstance(s, ir.If):
            total += stmt_size(s.then) + stmt_size(s.otherwise)
        elif isinstance(s, ir.While | ir.For):
            total += stmt_size(s.body)
    return total


def _contains_return(stmts: list[ir.Stmt]) -> bool:
    for s in stmts:
        if isinstance(s, ir.Return):
            return True
        if isinstance(s, ir.If) and (_contains_return(s.then) or _contains_return(s.otherwise)):
            return True
        if isinstance(s, ir.While | ir.For) and _contains_return(s.body):
            return True
    return False


def _break_levels(stmts: list[ir.Stmt], nest: int) -> set[int]:
    """For each Break, how far it reaches beyond the statements (1: the loop right outside)."""
    found: set[int] = set()
    for s in stmts:
        if isinstance(s, ir.Break):
            found.add(s.levels - nest)
        elif isinstance(s, ir.If):
            found |= _break_levels(s.then, nest) | _break_levels(s.otherwise, nest)
        elif isinstance(s, ir.While | ir.For):
            found |= _break_levels(s.body, nest + 1)
    return {r for r in found if r >= 1}


def _may_leave(s: ir.Stmt) -> bool:
    """Can control leave `s` other than by falling off its end?"""
    return bool(_contains_return([s]) or _break_levels([s], 0))


def _leaving_flags(ctx: _Ctx) -> list[str]:
    flags = [loop.brk_flag for loop in ctx.loops if loop.brk_flag is not None]
    if ctx.ret_flag is not None:
        flags.append(ctx.ret_flag)
    return flags


def _lower_block(stmts: list[ir.Stmt], ctx: _Ctx) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for i, s in enumerate(stmts):
        out.extend(_lower_stmt(s, ctx))
        if _may_leave(s) and i + 1 < len(stmts):
            rest = _lower_block(stmts[i + 1 :], ctx)
            flags = _leaving_flags(ctx)
            if rest and flags:
                guard: ir.Expr = _not(_flag(flags[0]))
                for f in flags[1:]:
                    guard = _and(guard, _not(_flag(f)))
                out.append(ir.If(cond=guard, then=rest, loc=stmts[i + 1].loc))
            else:
                out.extend(rest)
            break
    return out


def _lower_stmt(s: ir.Stmt, ctx: _Ctx) -> list[ir.Stmt]:
    if isinstance(s, ir.Assign):
        return [s]
    if isinstance(s, ir.If):
        return [
            ir.If(
                cond=s.cond,
                then=_lower_block(s.then, ctx),
                otherwise=_lower_block(s.otherwise, ctx),
                loc=s.loc,
            )
        ]
    if isinstance(s, ir.Return):
        if ctx.ret_flag is None:
            raise HlsError("internal: return without a return flag")
        return [dataclasses.replace(_set(ctx.ret_flag, True), loc=s.loc)]
    if isinstance(s, ir.Break):
        if s.levels < 1 or s.levels > len(ctx.loops):
            raise HlsError(f"break of {s.levels} loops at {s.loc} leaves no loop")
        flag = ctx.loops[-s.levels].brk_flag
        if flag is None:
            raise HlsError("internal: break without a break flag")
        return [dataclasses.replace(_set(flag, True), loc=s.loc)]
    if isinstance(s, ir.For):
        return _lower_for(s, ctx)
    if isinstance(s, ir.While):
        return _lower_while(s.cond, s.body, s.max_trips, s, ctx, prelude=[])
    raise HlsError(f"unsupported statement {type(s).__name__} at {s.loc}")


def _lower_while(
    cond: ir.Expr,
    body: list[ir.Stmt],
    max_trips: int | None,
    origin: ir.Stmt,
    ctx: _Ctx,
    prelude: list[ir.Stmt],
) -> list[ir.Stmt]:
    reaches = _break_levels(body, 0)
    loop = _Loop(brk_flag=ctx.fresh("brk", bool) if 1 in reaches else None)
    guard = cond
    checked = [loop.brk_flag] if loop.brk_flag else []
    if _contains_return(body) and ctx.ret_flag is not None:
        checked.append(ctx.ret_flag)
    for r in sorted(reaches):
        if r >= 2:
            outer = ctx.loops[-(r - 1)].brk_flag
            if outer is not None and outer not in checked:
                checked.append(outer)
    for f in checked:
        guard = _and(guard, _not(_flag(f)))
    ctx.loops.append(loop)
    try:
        lowered = _lower_block(body, ctx)
    finally:
        ctx.loops.pop()
    pre = [*prelude]
    if loop.brk_flag is not None:
        pre.append(_set(loop.brk_flag, False))
    opts = ctx.options
    plan = opts.plan_for(origin.loc)
    if plan is not None:
        ctx.planned.add((origin.loc.start_line, origin.loc.start_col))
    schedule = plan.schedule if plan is not None and plan.schedule else opts.schedule
    factor = plan.unroll if plan is not None else None
    if factor is not None and max_trips is not None and factor >= max_trips:
        schedule = "unrolled"  # k iterations per state with k >= the trips: all of them
    size = max_trips * max(stmt_size(lowered), 1) if max_trips is not None else None
    if schedule == "unrolled":
        if max_trips is None or size is None:
            ctx.refused.append(
                (
                    origin.loc,
                    "cannot unroll completely: the loop has no proven trip bound; kept as a state machine",
                )
            )
        elif size > _FORCED_UNROLL_BUDGET:
            ctx.refused.append(
                (
                    origin.loc,
                    f"cannot unroll completely: {size} statements unrolled; kept as a state machine",
                )
            )
        else:
            ctx.unrolled += 1
            return pre + _unrolled(guard, lowered, max_trips, origin.loc)
    elif schedule != "fsm" and max_trips is not None and max_trips <= opts.unroll_limit:
        if size is not None and size <= opts.unroll_budget:
            ctx.unrolled += 1
            return pre + _unrolled(guard, lowered, max_trips, origin.loc)
    ctx.kept_loops += 1
    if factor is not None and factor > 1 and schedule != "unrolled":
        if has_loops(lowered):
            ctx.refused.append(
                (
                    origin.loc,
                    f"cannot run {factor} iterations per cycle: the loop holds a loop that stays a state machine",
                )
            )
        else:
            # k guarded copies of the body per state: exact, as the guard is re-tested each time
            lowered = lowered + [
                ir.If(cond=guard, then=lowered, loc=origin.loc) for _ in range(factor - 1)
            ]
            max_trips = None if max_trips is None else -(-max_trips // factor)
    loop_stmt = ir.While(cond=guard, body=lowered, max_trips=max_trips, loc=origin.loc)
    if isinstance(origin, ir.While):
        loop_stmt.invariants = origin.invariants
        loop_stmt.decreases = origin.decreases
    return [*pre, loop_stmt]


def _unrolled(guard: ir.Expr, body: list[ir.Stmt], trips: int, loc: ir.SourceSpan) -> list[ir.Stmt]:
    """`trips` guarded copies of `body`. A body that holds a loop kept as a state machine is
    copied for real: the back end gives each loop a state of its own and finds where to go on
    after it by the loop, so copies sharing one loop all continued after the last copy."""
    fresh = has_loops(body)
    return [
        ir.If(cond=guard, then=copy.deepcopy(body) if fresh else body, loc=loc)
        for _ in range(trips)
    ]


def _int_type(e: ir.Expr, what: str) -> ir.IntType:
    if not isinstance(e.type, ir.IntType) or e.type.width is None:
        raise HlsError(f"loop bound {what} at {e.loc} is not a sized integer")
    return e.type


def _lower_for(s: ir.For, ctx: _Ctx) -> list[ir.Stmt]:
    var_t = ctx.method.type_of(s.var)
    if not isinstance(var_t, ir.IntType) or var_t.width is None:
        raise HlsError(f"loop variable {s.var} at {s.loc} is not a sized integer")
    lo_t, hi_t = _int_type(s.lo, "lo"), _int_type(s.hi, "hi")
    lo_v = min(lo_t.min_value, hi_t.min_value, var_t.min_value)
    hi_v = max(lo_t.max_value, hi_t.max_value, var_t.max_value)
    counter_t = ir.width_for_range(lo_v, hi_v)
    trips = s.max_trips
    if isinstance(s.lo, ir.Const) and isinstance(s.hi, ir.Const):
        exact = max(int(s.hi.value) - int(s.lo.value), 0)
        trips = exact if trips is None else min(trips, exact)
    counter = ctx.fresh(f"{s.var}_ctr", counter_t)
    one = ir.Const(value=1, type=ir.IntType(width=1, signed=False))
    cvar = ir.Var(name=counter, type=counter_t, loc=s.loc)
    prelude: list[ir.Stmt] = []
    if s.descending:
        bound = _snapshot(s.lo, ctx, prelude)
        prelude.insert(0, ir.Assign(targets=[ir.VarTarget(name=counter)], values=[s.hi], loc=s.loc))
        cond: ir.Expr = ir.Binary(op=ir.BinOp.GT, lhs=cvar, rhs=bound, type=ir.BOOL, loc=s.loc)
        step = ir.Binary(op=ir.BinOp.SUB, lhs=cvar, rhs=one, type=counter_t, loc=s.loc)
        body: list[ir.Stmt] = [
            ir.Assign(targets=[ir.VarTarget(name=counter)], values=[step], loc=s.loc),
            ir.Assign(
                targets=[ir.VarTarget(name=s.var)],
                values=[ir.Cast(operand=cvar, type=var_t, loc=s.loc)],
                loc=s.loc,
            ),
            *s.body,
        ]
    else:
        bound = _snapshot(s.hi, ctx, prelude)
        prelude.insert(0, ir.Assign(targets=[ir.VarTarget(name=counter)], values=[s.lo], loc=s.loc))
        cond = ir.Binary(op=ir.BinOp.LT, lhs=cvar, rhs=bound, type=ir.BOOL, loc=s.loc)
        step = ir.Binary(op=ir.BinOp.ADD, lhs=cvar, rhs=one, type=counter_t, loc=s.loc)
        body = [
            ir.Assign(
                targets=[ir.VarTarget(name=s.var)],
                values=[ir.Cast(operand=cvar, type=var_t, loc=s.loc)],
                loc=s.loc,
            ),
            *s.body,
            ir.Assign(targets=[ir.VarTarget(name=counter)], values=[step], loc=s.loc),
        ]
    return _lower_while(cond, body, trips, s, ctx, prelude=prelude)


def _snapshot(bound: ir.Expr, ctx: _Ctx, prelude: list[ir.Stmt]) -> ir.Expr:
    """Dafny evaluates a for loop's bounds once: keep a non-constant bound in a local."""
    if isinstance(bound, ir.Const):
        return bound
    t = _int_type(bound, "bound")
    name = ctx.fresh("bound", t)
    prelude.append(ir.Assign(targets=[ir.VarTarget(name=name)], values=[bound], loc=bound.loc))
    return ir.Var(name=name, type=t, loc=bound.loc)


@dataclass(frozen=True)
class StructureStats:
    unrolled_loops: int
    kept_loops: int
    refused: tuple[tuple[ir.SourceSpan, str], ...] = ()
    # loop directives whose loop was never met (a loop the lowering removed or never reached)
    unmatched: tuple[tuple[int, int], ...] = ()


def structurize(
    method: ir.HardwareMethod, options: StructureOptions | None = None
) -> tuple[ir.HardwareMethod, StructureStats]:
    """A copy of `method` whose body holds only Assign, If and While (see the module doc)."""
    ctx = _Ctx(method=method, options=options or StructureOptions())
    if _contains_return(method.body):
        ctx.ret_flag = ctx.fresh("ret", bool)
    body = _lower_block(method.body, ctx)
    lowered = dataclasses.replace(method, body=body, locals=[*method.locals, *ctx.new_locals])
    unmatched = tuple(key for key, _ in ctx.options.loops if key not in ctx.planned)
    stats = StructureStats(
        unrolled_loops=ctx.unrolled,
        kept_loops=ctx.kept_loops,
        refused=tuple(ctx.refused),
        unmatched=unmatched,
    )
    return lowered, stats


def has_loops(stmts: list[ir.Stmt]) -> bool:
    for s in stmts:
        if isinstance(s, ir.While | ir.For):
            return True
        if isinstance(s, ir.If) and (has_loops(s.then) or has_loops(s.otherwise)):
            return True
    return False
