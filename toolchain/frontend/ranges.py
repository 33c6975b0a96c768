"""Interval analysis over the hardware IR: a range for every integer variable and expression.

Flow-sensitive abstract interpretation with guard refinement, loop widening and narrowing, the
user's loop invariants as facts at loop heads, and one extra step that plain intervals lack:
an accumulator updated by `v := v + e` in a loop with a trip bound T (from the `decreases`
measure, which Dafny proved) is bounded by entry + T * range(e). The ranges found here are
candidates: the obligation program makes Dafny prove the ones of the user's variables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from toolchain.frontend import interval as I
from toolchain.frontend import ir
from toolchain.frontend.facts import Facts, Term, facts_from
from toolchain.frontend.interval import BOOL_RANGE, TOP, Interval
from toolchain.frontend.lowering import Lowered

_MAX_WIDEN_ROUNDS = 8


@dataclass
class State:
    vars: dict[str, Interval]
    elems: dict[str, Interval]

    def copy(self) -> State:
        return State(dict(self.vars), dict(self.elems))


def _join_states(a: State | None, b: State | None) -> State | None:
    if a is None:
        return b.copy() if b is not None else None
    if b is None:
        return a.copy()
    out = State({}, {})
    for k in a.vars.keys() | b.vars.keys():
        if k in a.vars and k in b.vars:
            out.vars[k] = a.vars[k].join(b.vars[k])
        else:
            out.vars[k] = a.vars.get(k) or b.vars[k]
    for k in a.elems.keys() | b.elems.keys():
        if k in a.elems and k in b.elems:
            out.elems[k] = a.elems[k].join(b.elems[k])
        else:
            out.elems[k] = a.elems.get(k) or b.elems[k]
    return out


def _widen_states(old: State, new: State) -> State:
    out = new.copy()
    for k, v in new.vars.items():
        if k in old.vars:
            out.vars[k] = old.vars[k].widen(v)
    for k, v in new.elems.items():
        if k in old.elems:
            out.elems[k] = old.elems[k].widen(v)
    return out


@dataclass
class Accumulation:
    """How a loop bounds one accumulator: entry range + trips * per-iteration change."""

    variable: str
    entry: Interval
    delta: Interval
    trips: int


@dataclass
class RangeResult:
    vars: dict[str, Interval] = field(default_factory=dict)  # hull of every value held
    elems: dict[str, Interval] = field(default_factory=dict)
    lens: dict[str, Interval] = field(default_factory=dict)
    nodes: dict[int, Interval] = field(default_factory=dict)  # id(expr) -> hull
    loop_heads: dict[int, dict[str, Interval]] = field(default_factory=dict)
    accumulations: dict[int, list[Accumulation]] = field(default_factory=dict)
    inputs: dict[str, Interval] = field(default_factory=dict)  # assumed at entry


@dataclass
class Options:
    assume_input_bits: int | None = None  # hardware contract for unbounded int inputs
    assume_max_length: int | None = None  # hardware contract for unbounded array lengths


class RangeAnalysis:
    def __init__(self, low: Lowered, options: Options | None = None) -> None:
        self.low = low
        self.m = low.method
        self.options = options or Options()
        self.types: dict[str, ir.HwType] = {p.name: p.type for p in self.m.ports}
        self.types.update({v.name: v.type for v in self.m.locals})
        self.result = RangeResult()
        self.breaks: list[list[State]] = []
        self._last_accumulations: list[Accumulation] = []
        self.loop_facts: dict[int, Facts] = {}
        self.assumed: set[str] = set()
        # accumulators with one update per trip: every value they take is a loop-head value
        self.clamps: dict[str, Interval] = {}
        # (id(assign), var) -> the loop-head range: the value reaches the next head unchanged
        self.final_clamps: dict[tuple[int, str], Interval] = {}
        for loop_id, site in low.loop_sites.items():
            loop = site.loop
            invs = [s.expr for s in loop.specs if s.kind == "invariant" and s.expr is not None]
            if invs:
                self.loop_facts[loop_id] = _rename_facts(facts_from(invs, {}), site.names)

    # -- types ---------------------------------------------------------------------------------

    def declared(self, name: str) -> Interval:
        t = self.types.get(name)
        if isinstance(t, ir.IntType):
            if t.wraps and t.width is not None:
                base = I.bits_unsigned(t.width)
            else:
                base = TOP if t.signed else Interval(0, None)
            return base.meet(self.low.declared.get(name, TOP))
        return TOP

    def element_declared(self, array: str) -> Interval:
        t = self.types.get(array)
        if isinstance(t, ir.ArrayType) and isinstance(t.element, ir.IntType):
            e = t.element
            if e.wraps and e.width is not None:
                return I.bits_unsigned(e.width)
            return TOP if e.signed else Interval(0, None)
        return TOP

    # -- entry ---------------------------------------------------------------------------------

    def run(self) -> RangeResult:
        state = self.initial_state()
        out = self.block(self.m.body, state, record=True)
        del out
        return self.result

    def initial_state(self) -> State:
        facts = self.low.input_facts
        state = State({}, {})
        bits = self.options.assume_input_bits
        for p in self.m.ports:
            t = p.type
            if isinstance(t, ir.ArrayType):
                ln = facts.get(("len", p.name)).meet(Interval(0, None))
                if not ln.bounded and self.options.assume_max_length is not None:
                    ln = ln.meet(Interval(0, self.options.assume_max_length))
                    self.assumed.add(f"{p.name}.Length")
                self.result.lens[p.name] = ln
                if p.direction != "out":
                    el = facts.get(("elem", p.name)).meet(self.element_declared(p.name))
                    if not el.bounded and bits is not None and isinstance(t.element, ir.IntType):
                        el = el.meet(_contract(bits, t.element.signed))
                        self.assumed.add(f"{p.name}[..]")
                    state.elems[p.name] = el
                    self.result.elems[p.name] = el
                continue
            if p.direction == "out" or not isinstance(t, ir.IntType):
                continue
            v = facts.get(("var", p.name)).meet(self.declared(p.name))
            if not v.bounded and bits is not None:
                v = v.meet(_contract(bits, t.signed))
                self.assumed.add(p.name)
            state.vars[p.name] = v
        # relations between inputs (`x <= y`, `i < a.Length`) tighten the first bounds
        self._apply_facts(state, facts)
        for p in self.m.ports:
            if p.name in state.vars:
                self.result.inputs[p.name] = state.vars[p.name]
                self._record_var(p.name, state.vars[p.name])
        return state

    def _term_range(self, state: State, t: Term) -> Interval:
        kind, name = t
        if kind == "var":
            return state.vars.get(name, self.declared(name))
        if kind == "len":
            return self.result.lens.get(name, Interval(0, None))
        return state.elems.get(name, self.element_declared(name))

    def _apply_facts(self, state: State, template: Facts) -> None:
        terms: set[Term] = set(template.bounds)
        for r in template.relations:
            terms.add(r.lhs)
            terms.add(r.rhs)
        local = Facts({t: self._term_range(state, t) for t in terms}, list(template.relations))
        for t, iv in template.bounds.items():
            local.tighten(t, iv)
        local.propagate()
        for t, iv in local.bounds.items():
            kind, name = t
            if kind == "var" and name in self.types:
                state.vars[name] = iv
            elif kind == "elem" and name in state.elems:
                state.elems[name] = iv

    # -- recording -----------------------------------------------------------------------------

    def _record_var(self, name: str, iv: Interval) -> None:
        old = self.result.vars.get(name)
        self.result.vars[name] = iv if old is None else old.join(iv)

    def _record_node(self, e: ir.Expr, iv: Interval) -> None:
        old = self.result.nodes.get(id(e))
        self.result.nodes[id(e)] = iv if old is None else old.join(iv)

    # -- statements ----------------------------------------------------------------------------

    def block(self, stmts: list[ir.Stmt], state: State | None, record: bool) -> State | None:
        for s in stmts:
            if state is None:
                return None
            state = self.stmt(s, state, record)
        return state

    def stmt(self, s: ir.Stmt, state: State, record: bool) -> State | None:
        if isinstance(s, ir.Assign):
            values = [self.expr(v, state, record) for v in s.values]
            for t in s.targets:
                if isinstance(t, ir.IndexTarget):
                    self.expr(t.index, state, record)
            out = state.copy()
            for t, v in zip(s.targets, values, strict=True):
                if isinstance(t, ir.VarTarget):
                    if isinstance(self.types.get(t.name), ir.IntType):
                        v = v.meet(self.declared(t.name))
                        if t.name in self.clamps:
                            v = v.meet(self.clamps[t.name])
                        final = self.final_clamps.get((id(s), t.name))
                        if final is not None:
                            v = v.meet(final)
                        out.vars[t.name] = v
                        if record:
                            self._record_var(t.name, v)
                else:
                    old = out.elems.get(t.array)
                    out.elems[t.array] = v if old is None else old.join(v)
                    if record:
                        prev = self.result.elems.get(t.array)
                        self.result.elems[t.array] = v if prev is None else prev.join(v)
            return out
        if isinstance(s, ir.If):
            self.expr(s.cond, state, record)
            then = self.block(s.then, self.refine(state, s.cond, True), record)
            other = self.block(s.otherwise, self.refine(state, s.cond, False), record)
            return _join_states(then, other)
        if isinstance(s, ir.While | ir.For):
            return self.loop(s, state, record)
        if isinstance(s, ir.Break):
            target = len(self.breaks) - s.levels
            if 0 <= target < len(self.breaks):
                self.breaks[target].append(state.copy())
            return None
        if isinstance(s, ir.Return):
            return None
        raise TypeError(type(s).__name__)

    def _trip_bound(self, s: ir.While | ir.For, entry: State) -> int | None:
        if isinstance(s, ir.For):
            lo = self.expr(s.lo, entry, False)
            hi = self.expr(s.hi, entry, False)
            if lo.lo is None or hi.hi is None:
                return None
            return max(0, hi.hi - lo.lo)
        if s.max_trips is not None and id(s) not in self.low.loop_sites:
            return s.max_trips  # set by lowering (the inlining wrapper)
        site = self.low.loop_sites.get(id(s))
        if site is None or site.decreases is None:
            return None
        d = self.expr(site.decreases, entry, False)
        if d.hi is None:
            return None
        # the measure starts at most d.hi, drops by at least one per trip, and is at least
        # decreases_min (>= 0, Dafny's bound) at the start of every trip
        return max(0, d.hi - site.decreases_min + 1)

    def _head_refine(self, s: ir.While | ir.For, state: State) -> State:
        facts = self.loop_facts.get(id(s))
        if facts is not None:
            state = state.copy()
            self._apply_facts(state, facts)
        return state

    def _body_entry(self, s: ir.While | ir.For, head: State) -> State | None:
        if isinstance(s, ir.While):
            return self.refine(head, s.cond, True)
        lo = self.expr(s.lo, head, False)
        hi = self.expr(s.hi, head, False)
        st = head.copy()
        st.vars[s.var] = Interval(lo.lo, None if hi.hi is None else hi.hi - 1).meet(
            self.declared(s.var)
        )
        if st.vars[s.var].empty:
            return None
        return st

    def _iterate(self, s: ir.While | ir.For, head: State) -> tuple[State | None, list[State]]:
        body_in = self._body_entry(s, head)
        self.breaks.append([])
        try:
            out = self.block(s.body, body_in, record=False) if body_in is not None else None
        finally:
            brk = self.breaks.pop()
        return out, brk

    def loop(self, s: ir.While | ir.For, state: State, record: bool) -> State | None:
        entry = state
        if isinstance(s, ir.For):
            entry = state.copy()
        trips = self._trip_bound(s, entry)
        head = self._head_refine(s, entry)
        for rounds in range(_MAX_WIDEN_ROUNDS + 4):
            out, _ = self._iterate(s, head)
            new_head = self._head_refine(s, _join_states(entry, out) or entry)
            if rounds >= 2:
                new_head = _widen_states(head, new_head)
            if _same(new_head, head):
                break
            head = new_head
        head = self._narrow(s, entry, head)
        clamped: list[str] = []
        if trips is not None:
            head = self._bound_accumulators(s, entry, head, trips, record)
            head = self._narrow(s, entry, head)
            for acc in self._last_accumulations:
                if _single_update(acc.variable, s.body) and acc.variable not in self.clamps:
                    self.clamps[acc.variable] = head.vars[acc.variable]
                    clamped.append(acc.variable)
        # the recording pass: body ranges under the final head
        body_in = self._body_entry(s, head)
        finals = [
            (key, head.vars[key[1]])
            for key in _final_assignments(s.body)
            if key[1] in head.vars and self.loop_facts.get(id(s)) is not None
        ]
        for key, iv in finals:
            self.final_clamps[key] = iv
        self.breaks.append([])
        try:
            if body_in is not None:
                self.block(s.body, body_in, record=record)
        finally:
            brk = self.breaks.pop()
            for v in clamped:
                del self.clamps[v]
            for key, _ in finals:
                self.final_clamps.pop(key, None)
        if record:
            if isinstance(s, ir.While):
                self.expr(s.cond, head, True)
            else:
                self.expr(s.lo, entry, True)
                self.expr(s.hi, entry, True)
            self.result.loop_heads[id(s)] = dict(head.vars)
            for k, head_iv in head.vars.items():
                self._record_var(k, head_iv)
            if isinstance(s, ir.For) and body_in is not None:
                # a hardware counter also holds the exit value hi
                lo = self.expr(s.lo, entry, False)
                hi = self.expr(s.hi, entry, False)
                self._record_var(s.var, body_in.vars[s.var].join(Interval(lo.lo, hi.hi)))
            if trips is not None:
                old = s.max_trips
                s.max_trips = trips if old is None or id(s) in self.low.loop_sites else old
        if isinstance(s, ir.While):
            exit_state = self.refine(head, s.cond, False)
        else:
            exit_state = head.copy()
            exit_state.vars.pop(s.var, None)
        for b in brk:
            exit_state = _join_states(exit_state, b)
        return exit_state

    def _narrow(self, s: ir.While | ir.For, entry: State, head: State) -> State:
        head = self._narrow_once(s, entry, head)
        # Variables first assigned inside the loop hold, at the head, only values the body
        # assigned: recompute them with their own head value forgotten (reads see the declared
        # range), which breaks the `v := v` cycle plain narrowing cannot.
        fresh = [k for k in head.vars if k not in entry.vars]
        if fresh:
            probe = head.copy()
            for k in fresh:
                del probe.vars[k]
            out, brk = self._iterate(s, probe)
            for b in brk:
                out = _join_states(out, b)
            if out is not None:
                changed = False
                for k in fresh:
                    v = out.vars.get(k)
                    if v is not None and v.within(head.vars[k]) and v != head.vars[k]:
                        head.vars[k] = v
                        changed = True
                if changed:
                    head = self._narrow_once(s, entry, head)
        return head

    def _narrow_once(self, s: ir.While | ir.For, entry: State, head: State) -> State:
        for _ in range(3):
            out, _ = self._iterate(s, head)
            new_head = self._head_refine(s, _join_states(entry, out) or entry)
            narrowed = head.copy()
            for k, v in new_head.vars.items():
                if k in narrowed.vars and v.within(narrowed.vars[k]):
                    narrowed.vars[k] = v
            for k, v in new_head.elems.items():
                if k in narrowed.elems and v.within(narrowed.elems[k]):
                    narrowed.elems[k] = v
            if _same(narrowed, head):
                return head
            head = narrowed
        return head

    def _bound_accumulators(
        self, s: ir.While | ir.For, entry: State, head: State, trips: int, record: bool
    ) -> State:
        unbounded = [
            v
            for v, iv in head.vars.items()
            if not iv.bounded and v in entry.vars and _is_accumulator(v, s.body)
        ]
        self._last_accumulations = []
        if not unbounded:
            return head
        found: list[Accumulation] = []
        for _ in range(2):
            for v in unbounded:
                probe = head.copy()
                probe.vars[v] = Interval.point(0)
                out, brk = self._iterate(s, probe)
                after = _join_states(out, None)
                for b in brk:
                    after = _join_states(after, b)
                if after is None or v not in after.vars:
                    continue
                delta = after.vars[v]
                if not delta.bounded:
                    continue
                assert delta.lo is not None and delta.hi is not None
                start = entry.vars[v]
                bound = I.add(start, Interval(min(0, trips * delta.lo), max(0, trips * delta.hi)))
                head = head.copy()
                head.vars[v] = head.vars[v].meet(bound)
                found = [a for a in found if a.variable != v]
                found.append(Accumulation(v, start, delta, trips))
        if record and found:
            self.result.accumulations[id(s)] = found
        self._last_accumulations = found
        return head

    # -- guards --------------------------------------------------------------------------------

    def refine(self, state: State, cond: ir.Expr, truth: bool) -> State | None:
        if isinstance(cond, ir.Const) and isinstance(cond.value, bool):
            return state if cond.value == truth else None
        if isinstance(cond, ir.Unary) and cond.op == ir.UnOp.NOT:
            return self.refine(state, cond.operand, not truth)
        if isinstance(cond, ir.Binary):
            op = cond.op
            if (op == ir.BinOp.AND and truth) or (op == ir.BinOp.OR and not truth):
                first = self.refine(state, cond.lhs, truth)
                return self.refine(first, cond.rhs, truth) if first is not None else None
            if (op == ir.BinOp.AND and not truth) or (op == ir.BinOp.OR and truth):
                a = self.refine(state, cond.lhs, truth)
                b_in = self.refine(state, cond.lhs, not truth)
                b = self.refine(b_in, cond.rhs, truth) if b_in is not None else None
                return _join_states(a, b)
            if op.is_comparison:
                return self._refine_compare(state, op, cond.lhs, cond.rhs, truth)
        return state

    def _refine_compare(
        self, state: State, op: ir.BinOp, lhs: ir.Expr, rhs: ir.Expr, truth: bool
    ) -> State | None:
        if not truth:
            op = {
                ir.BinOp.LT: ir.BinOp.GE,
                ir.BinOp.LE: ir.BinOp.GT,
                ir.BinOp.GT: ir.BinOp.LE,
                ir.BinOp.GE: ir.BinOp.LT,
                ir.BinOp.EQ: ir.BinOp.NE,
                ir.BinOp.NE: ir.BinOp.EQ,
            }[op]
        a = self.expr(lhs, state, False)
        b = self.expr(rhs, state, False)
        if op == ir.BinOp.NE:
            out = state.copy()
            # x != k tightens only an end equal to k
            for side, other in ((lhs, b), (rhs, a)):
                if isinstance(side, ir.Var) and other.lo is not None and other.lo == other.hi:
                    cur = out.vars.get(side.name)
                    if cur is not None:
                        if cur.lo == other.lo:
                            out.vars[side.name] = Interval(other.lo + 1, cur.hi)
                        elif cur.hi == other.hi:
                            out.vars[side.name] = Interval(cur.lo, other.hi - 1)
            return out
        # lhs op rhs -> bounds for each side from the other
        lt: dict[ir.BinOp, tuple[int, int]] = {
            ir.BinOp.LT: (-1, 1),
            ir.BinOp.LE: (0, 0),
        }
        out = state.copy()
        if op in (ir.BinOp.GT, ir.BinOp.GE):
            op = ir.BinOp.LT if op == ir.BinOp.GT else ir.BinOp.LE
            lhs, rhs, a, b = rhs, lhs, b, a
        if op == ir.BinOp.EQ:
            self._set(out, lhs, a.meet(b))
            self._set(out, rhs, a.meet(b))
        else:
            k_hi, k_lo = lt[op]
            self._set(out, lhs, a.meet(Interval(None, None if b.hi is None else b.hi + k_hi)))
            self._set(out, rhs, b.meet(Interval(None if a.lo is None else a.lo + k_lo, None)))
        for v in out.vars.values():
            if v.empty:
                return None
        return out

    def _set(self, state: State, e: ir.Expr, iv: Interval) -> None:
        if isinstance(e, ir.Var) and isinstance(self.types.get(e.name), ir.IntType):
            state.vars[e.name] = iv

    # -- expressions ---------------------------------------------------------------------------

    def expr(self, e: ir.Expr, state: State, record: bool) -> Interval:
        iv = self._expr(e, state, record)
        if isinstance(e.type, ir.IntType) and e.type.wraps and e.type.width is not None:
            iv = I.clamp_wrap(iv, e.type.width)
        if record:
            self._record_node(e, iv)
        return iv

    def _expr(self, e: ir.Expr, state: State, record: bool) -> Interval:
        ev: Callable[[ir.Expr], Interval] = lambda x: self.expr(x, state, record)  # noqa: E731
        if isinstance(e, ir.Const):
            return BOOL_RANGE if isinstance(e.value, bool) else Interval.point(e.value)
        if isinstance(e, ir.Var):
            if isinstance(self.types.get(e.name), ir.BoolType):
                return BOOL_RANGE
            return state.vars.get(e.name, self.declared(e.name))
        if isinstance(e, ir.Index):
            ev(e.index)
            el = state.elems.get(e.array)
            return el if el is not None else self.element_declared(e.array)
        if isinstance(e, ir.Length):
            return self.result.lens.get(e.array, Interval(0, None))
        if isinstance(e, ir.Unary):
            v = ev(e.operand)
            if e.op == ir.UnOp.NOT:
                return BOOL_RANGE
            if e.op == ir.UnOp.NEG:
                return I.neg(v)
            t = e.type
            assert isinstance(t, ir.IntType) and t.width is not None
            return I.bits_unsigned(t.width)
        if isinstance(e, ir.Cond):
            ev(e.cond)
            then_state = self.refine(state, e.cond, True)
            else_state = self.refine(state, e.cond, False)
            parts = []
            if then_state is not None:
                parts.append(self.expr(e.then, then_state, record))
            if else_state is not None:
                parts.append(self.expr(e.otherwise, else_state, record))
            if not parts:
                return TOP
            out = parts[0]
            for p in parts[1:]:
                out = out.join(p)
            return out
        if isinstance(e, ir.Cast):
            v = ev(e.operand)
            t = e.type
            assert isinstance(t, ir.IntType)
            if t.wraps and t.width is not None:
                return I.clamp_wrap(v, t.width)
            return v if t.signed else v.meet(Interval(0, None))
        if isinstance(e, ir.Binary):
            return self.binary(e, state, record)
        return TOP

    def binary(self, e: ir.Binary, state: State, record: bool) -> Interval:
        op = e.op
        if op.is_logical:
            self.expr(e.lhs, state, record)
            sub = self.refine(state, e.lhs, op != ir.BinOp.OR) if op != ir.BinOp.IFF else state
            if sub is not None:
                self.expr(e.rhs, sub, record)
            return BOOL_RANGE
        a = self.expr(e.lhs, state, record)
        b = self.expr(e.rhs, state, record)
        if op.is_comparison:
            return BOOL_RANGE
        if op == ir.BinOp.ADD:
            return I.add(a, b)
        if op == ir.BinOp.SUB:
            return I.sub(a, b)
        if op == ir.BinOp.MUL:
            return I.mul(a, b)
        if op == ir.BinOp.DIV:
            e.euclidean_needed = not (
                a.lo is not None and a.lo >= 0 and b.lo is not None and b.lo > 0
            )
            return I.div(a, b)
        if op == ir.BinOp.MOD:
            e.euclidean_needed = not (
                a.lo is not None and a.lo >= 0 and b.lo is not None and b.lo > 0
            )
            return I.mod(a, b)
        t = e.type
        width = t.width if isinstance(t, ir.IntType) and t.width is not None else None
        if width is None:
            return TOP
        full = I.bits_unsigned(width)
        if op == ir.BinOp.BAND:
            hi = (
                min(x for x in (a.hi, b.hi) if x is not None)
                if a.hi is not None or b.hi is not None
                else None
            )
            return Interval(0, hi).meet(full)
        if op in (ir.BinOp.BOR, ir.BinOp.BXOR):
            if a.hi is None or b.hi is None:
                return full
            return Interval(0, (1 << max(a.hi.bit_length(), b.hi.bit_length())) - 1).meet(full)
        if op == ir.BinOp.SHL:
            if b.hi is None or b.lo is None or b.hi > 4096:
                return full
            return I.mul(a, Interval(1 << max(b.lo, 0), 1 << max(b.hi, 0)))
        if op == ir.BinOp.SHR:
            if a.lo is None or a.hi is None or b.lo is None or b.hi is None:
                return full
            return Interval(a.lo >> max(b.hi, 0), a.hi >> max(b.lo, 0))
        return full


def _contract(bits: int, signed: bool) -> Interval:
    if signed:
        return Interval(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return Interval(0, (1 << bits) - 1)


def _same(a: State, b: State) -> bool:
    return a.vars == b.vars and a.elems == b.elems


def _rename_facts(f: Facts, names: dict[str, str]) -> Facts:
    def rn(t: Term) -> Term | None:
        kind, name = t
        return (kind, names[name]) if name in names else None

    out = Facts({}, [])
    for t, iv in f.bounds.items():
        r = rn(t)
        if r is not None:
            out.bounds[r] = iv
    from toolchain.frontend.facts import Relation

    for rel in f.relations:
        lhs, rhs = rn(rel.lhs), rn(rel.rhs)
        if lhs is not None and rhs is not None:
            out.relations.append(Relation(lhs, rhs, rel.k))
    return out


def _assigned_forms(v: str, stmts: list[ir.Stmt]) -> list[ir.Expr]:
    out: list[ir.Expr] = []
    for s in stmts:
        if isinstance(s, ir.Assign):
            for t, val in zip(s.targets, s.values, strict=True):
                if isinstance(t, ir.VarTarget) and t.name == v:
                    out.append(val)
        elif isinstance(s, ir.If):
            out.extend(_assigned_forms(v, s.then))
            out.extend(_assigned_forms(v, s.otherwise))
        elif isinstance(s, ir.While | ir.For):
            out.extend(_assigned_forms(v, s.body))
    return out


def _final_assignments(body: list[ir.Stmt]) -> set[tuple[int, str]]:
    """(assignment, variable) pairs whose value reaches the end of the loop body unchanged."""
    out: set[tuple[int, str]] = set()

    def exits(stmts: list[ir.Stmt], depth: int) -> bool:
        for x in stmts:
            if isinstance(x, ir.Return) or (isinstance(x, ir.Break) and x.levels > depth):
                return True
            if isinstance(x, ir.If) and (exits(x.then, depth) or exits(x.otherwise, depth)):
                return True
            if isinstance(x, ir.While | ir.For) and exits(x.body, depth + 1):
                return True
        return False

    def walk(stmts: list[ir.Stmt], later: set[str], exit_later: bool) -> tuple[set[str], bool]:
        for x in reversed(stmts):
            if isinstance(x, ir.Assign):
                for t in x.targets:
                    if isinstance(t, ir.VarTarget) and t.name not in later and not exit_later:
                        out.add((id(x), t.name))
                later = later | {t.name for t in x.targets if isinstance(t, ir.VarTarget)}
            elif isinstance(x, ir.If):
                a, ea = walk(x.then, later, exit_later)
                b, eb = walk(x.otherwise, later, exit_later)
                later = later | a | b
                exit_later = exit_later or ea or eb
            elif isinstance(x, ir.While | ir.For):
                later = (
                    later | _assigned_names(x.body) | ({x.var} if isinstance(x, ir.For) else set())
                )
                exit_later = exit_later or exits(x.body, 1)
            elif isinstance(x, ir.Break | ir.Return):
                exit_later = True
        return later, exit_later

    walk(body, set(), False)
    return out


def _assigned_names(stmts: list[ir.Stmt]) -> set[str]:
    names: set[str] = set()
    for x in stmts:
        if isinstance(x, ir.Assign):
            names |= {t.name for t in x.targets if isinstance(t, ir.VarTarget)}
        elif isinstance(x, ir.If):
            names |= _assigned_names(x.then) | _assigned_names(x.otherwise)
        elif isinstance(x, ir.While | ir.For):
            names |= _assigned_names(x.body)
    return names


def _single_update(v: str, body: list[ir.Stmt]) -> bool:
    """v is assigned exactly once per trip, at the top level of the loop body."""
    top = [
        s
        for s in body
        if isinstance(s, ir.Assign)
        and any(isinstance(t, ir.VarTarget) and t.name == v for t in s.targets)
    ]
    return len(top) == 1 and len(_assigned_forms(v, body)) == 1


def _mentions(e: ir.Expr, v: str) -> bool:
    if isinstance(e, ir.Var):
        return e.name == v
    for x in vars(e).values():
        if isinstance(x, ir.Expr) and _mentions(x, v):
            return True
    return False


def _is_accumulator(v: str, body: list[ir.Stmt]) -> bool:
    """Every assignment to v in the loop is `v := v + e` / `v := v - e` with e free of v."""
    forms = _assigned_forms(v, body)
    if not forms:
        return False
    for f in forms:
        if not isinstance(f, ir.Binary) or f.op not in (ir.BinOp.ADD, ir.BinOp.SUB):
            return False
        lhs_v = isinstance(f.lhs, ir.Var) and f.lhs.name == v
        rhs_v = isinstance(f.rhs, ir.Var) and f.rhs.name == v and f.op == ir.BinOp.ADD
        if lhs_v and not _mentions(f.rhs, v):
            continue
        if rhs_v and not _mentions(f.lhs, v):
            continue
        return False
    return True


def analyze_ranges(low: Lowered, options: Options | None = None) -> tuple[RangeResult, set[str]]:
    a = RangeAnalysis(low, options)
    return a.run(), a.assumed
