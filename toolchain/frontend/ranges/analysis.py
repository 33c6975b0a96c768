"""Interval analysis over the hardware IR: a range for every integer variable and expression.

Flow-sensitive abstract interpretation with guard refinement, loop widening and narrowing, the
user's loop invariants as facts at loop heads, and one extra step that plain intervals lack:
an accumulator updated by `v := v + e` in a loop with a trip bound T (from the `decreases`
measure, which Dafny proved) is bounded by entry + T * range(e). The ranges found here are
candidates: the obligation program makes Dafny prove the ones of the user's variables.
"""

from __future__ import annotations

from toolchain.frontend import interval as I
from toolchain.frontend import ir
from toolchain.frontend.facts import Facts, Relation, Term, facts_from
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges.expressions import ExpressionRanges
from toolchain.frontend.ranges.loop_syntax import (
    final_assignments,
    is_accumulator,
    single_update,
)
from toolchain.frontend.ranges.state import (
    Accumulation,
    Options,
    RangeResult,
    State,
    join_states,
    same_states,
    widen_states,
)

_MAX_WIDEN_ROUNDS = 8
# a recursion stack's way up that runs at most this many trips is unrolled in the analysis
# when widening leaves a result unbounded (`factorial`, `power`: products, not sums)
_UNROLL_TRIPS = 16


class RangeAnalysis(ExpressionRanges):
    def __init__(
        self,
        low: Lowered,
        options: Options | None = None,
        alloc_lens: dict[str, Interval] | None = None,
    ) -> None:
        super().__init__(low, options)
        # lengths of the arrays the method allocates, from an earlier run's allocation sizes
        self.alloc_lens = alloc_lens or {}
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

    # -- entry ---------------------------------------------------------------------------------

    def run(self) -> RangeResult:
        state = self.initial_state()
        out = self.block(self.m.body, state, record=True)
        del out
        self.result.lens.update(self.allocated_lengths(record=True))
        return self.result

    def allocated_lengths(self, record: bool) -> dict[str, Interval]:
        """The length of every array the method allocates: the hull of its allocation sizes.

        An allocation is no IR statement, so its size is evaluated over the hull of every value
        each variable holds anywhere (`result.vars`): a sound bound wherever the allocation is."""
        hull = State(dict(self.result.vars), dict(self.result.elems))
        out: dict[str, Interval] = {}
        for name, sites in self.low.array_alloc.items():
            sizes = [self.expr(a.size, hull, record) for a in sites]
            iv = I.join_all(sizes).meet(Interval(0, None)) if sizes else Interval(0, None)
            preset = self.alloc_lens.get(name)
            out[name] = iv.meet(preset) if preset is not None else iv
        return out

    def initial_state(self) -> State:
        facts = self.low.input_facts
        state = State({}, {})
        bits = self.options.assume_input_bits
        for p in self.m.ports:
            t = p.type
            if isinstance(t, ir.ArrayType):
                ln = facts.get(("len", p.name)).meet(Interval(0, None))
                if p.direction == "out":
                    # a result's length is what the method allocates, never the input contract
                    ln = ln.meet(self.alloc_lens.get(p.name, Interval(0, None)))
                elif not ln.bounded and self.options.assume_max_length is not None:
                    ln = ln.meet(Interval(0, self.options.assume_max_length))
                    self.assumed.add(f"{p.name}.Length")
                self.result.lens[p.name] = ln
                if p.direction != "out":
                    el = facts.get(("elem", p.name)).meet(self.element_declared(p.name))
                    if not el.bounded and bits is not None and isinstance(t.element, ir.IntType):
                        el = el.meet(I.bits_range(bits, t.element.signed))
                        self.assumed.add(f"{p.name}[..]")
                    state.elems[p.name] = el
                    self.result.elems[p.name] = el
                    self.result.entry_elems[p.name] = el
                continue
            if p.direction == "out" or not isinstance(t, ir.IntType):
                continue
            v = facts.get(("var", p.name)).meet(self.declared(p.name))
            if not v.bounded and bits is not None:
                v = v.meet(I.bits_range(bits, t.signed))
                self.assumed.add(p.name)
            state.vars[p.name] = v
        for name, ln in self.alloc_lens.items():
            if name not in self.result.lens:
                self.result.lens[name] = ln  # a local array
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
            return join_states(then, other)
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
        if facts is None:
            return state
        state = state.copy()
        if not isinstance(s, ir.For):
            self._apply_facts(state, facts)
            self._stack_facts(s, state, facts)
            return state
        # Dafny's invariants hold at the head of `for i := lo to hi` with i anywhere in
        # [lo, hi] (hi after the last trip), while the IR's loop variable only holds the body's
        # values: `invariant |r| <= i` read with i <= hi - 1 would cut the last append off
        lo = self.expr(s.lo, state, False)
        hi = self.expr(s.hi, state, False)
        saved = state.vars.get(s.var)
        state.vars[s.var] = Interval(lo.lo, hi.hi).meet(self.declared(s.var))
        self._apply_facts(state, facts)
        if saved is None:
            state.vars.pop(s.var, None)
        else:
            state.vars[s.var] = saved
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
        # a break out of enclosing loops (from a `continue` or inlining wrapper) files its state
        # with them; the fixpoint rounds and accumulator probes below run the body on trial
        # states, so only the final pass's breaks are kept
        marks = [len(b) for b in self.breaks]
        entry = state
        if isinstance(s, ir.For):
            entry = state.copy()
        trips = self._trip_bound(s, entry)
        head = self._head_refine(s, entry)
        for rounds in range(_MAX_WIDEN_ROUNDS + 4):
            out, _ = self._iterate(s, head)
            new_head = self._head_refine(s, join_states(entry, out) or entry)
            if rounds >= 2:
                new_head = self._within_checked(widen_states(head, new_head))
            if same_states(new_head, head):
                break
            head = new_head
        head = self._narrow(s, entry, head)
        clamped: list[str] = []
        if trips is not None:
            head = self._bound_accumulators(s, entry, head, trips, record)
            head = self._narrow(s, entry, head)
            for acc in self._last_accumulations:
                if single_update(acc.variable, s.body) and acc.variable not in self.clamps:
                    self.clamps[acc.variable] = head.vars[acc.variable]
                    clamped.append(acc.variable)
        if trips is not None and trips <= _UNROLL_TRIPS and self._is_ascend(s):
            head = self._unrolled(s, entry, head, trips, record)
        # the recording pass: body ranges under the final head
        for pending, n in zip(self.breaks, marks, strict=True):
            del pending[n:]
        body_in = self._body_entry(s, head)
        finals = [
            (key, head.vars[key[1]])
            for key in final_assignments(s.body)
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
            exit_state = join_states(exit_state, b)
        return exit_state

    def _stack_facts(self, s: ir.While, state: State, facts: Facts) -> None:
        """Every element of a recursion's stack is an argument some call was made with, so the
        function's preconditions (these loops' facts) bound it: widening the stores of a
        parameter that starts narrow (`F(n, 0)`, then `(k + 1) % 4`) cannot lose that bound.
        Only what the facts say of the parameter alone counts (other values have moved on)."""
        for f in self.low.stack_functions.values():
            if id(s) not in (f.descend_loop, f.ascend_loop):
                continue
            for stack, param in f.stacked.items():
                if stack not in state.elems:
                    continue
                alone = State({param: self.declared(param)}, {})
                self._apply_facts(alone, facts)
                bound = alone.vars.get(param, self.declared(param))
                state.elems[stack] = state.elems[stack].meet(bound)

    def _is_ascend(self, s: ir.While | ir.For) -> bool:
        return any(f.ascend_loop == id(s) for f in self.low.stack_functions.values())

    def _unrolled(
        self, s: ir.While | ir.For, entry: State, head: State, trips: int, record: bool
    ) -> State:
        """The head states after at most 0, 1, ..., `trips` trips, computed without widening
        (each is the join of the entry and one more trip of the one before): with `trips` a
        bound on the loop's trips, the last covers every head state. Variables widening left
        unbounded take their range from it, and the per-trip ranges are kept for the
        per-level claims of a recursion's result (`stack_obligations`)."""
        open_vars = [v for v, iv in head.vars.items() if not iv.bounded]
        if not open_vars:
            return head
        h = self._head_refine(s, entry)
        steps = [h]
        for _ in range(trips):
            out, _brk = self._iterate(s, h)
            h = self._head_refine(s, join_states(entry, out) or entry)
            steps.append(h)
        head = head.copy()
        for v in open_vars:
            per_trip = [st.vars.get(v) for st in steps]
            last = per_trip[-1]
            if last is None or not last.bounded:
                continue
            head.vars[v] = last
            if record and all(iv is not None and iv.bounded for iv in per_trip):
                self.result.per_trip.setdefault(id(s), {})[v] = [
                    iv for iv in per_trip if iv is not None
                ]
        return head

    def _within_checked(self, state: State) -> State:
        """A variable with a run-time range check (`frontend.overflow_checks`) never holds a
        value outside its range, however far widening would push it: only the check's two
        assignments write it, and both stay inside."""
        for c in self.m.checked:
            held = state.elems if c.length is not None else state.vars
            iv = held.get(c.name)
            if iv is not None:
                held[c.name] = iv.meet(Interval(c.lo, c.hi))
        return state

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
                out = join_states(out, b)
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
            new_head = self._head_refine(s, join_states(entry, out) or entry)
            narrowed = head.copy()
            for k, v in new_head.vars.items():
                if k in narrowed.vars and v.within(narrowed.vars[k]):
                    narrowed.vars[k] = v
            for k, v in new_head.elems.items():
                if k in narrowed.elems and v.within(narrowed.elems[k]):
                    narrowed.elems[k] = v
            if same_states(narrowed, head):
                return head
            head = narrowed
        return head

    def _bound_accumulators(
        self, s: ir.While | ir.For, entry: State, head: State, trips: int, record: bool
    ) -> State:
        unbounded = [
            v
            for v, iv in head.vars.items()
            if not iv.bounded and v in entry.vars and is_accumulator(v, s.body)
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
                after = join_states(out, None)
                for b in brk:
                    after = join_states(after, b)
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


def _rename_facts(f: Facts, names: dict[str, str]) -> Facts:
    # invariants speak of source names; the IR may have renamed them (inlining, shadowing), and
    # a fact about a name the loop does not map is dropped rather than misapplied
    def rn(t: Term) -> Term | None:
        kind, name = t
        if kind == "len":
            # a buffer's length is a variable of its own (lowering.buffers)
            for subject in (f"|{name}|", f"{name}.Length"):
                if subject in names:
                    return ("var", names[subject])
        return (kind, names[name]) if name in names else None

    out = Facts({}, [])
    for t, iv in f.bounds.items():
        r = rn(t)
        if r is not None:
            out.bounds[r] = iv
    for rel in f.relations:
        lhs, rhs = rn(rel.lhs), rn(rel.rhs)
        if lhs is not None and rhs is not None:
            out.relations.append(Relation(lhs, rhs, rel.k))
    return out


def analyze_ranges(low: Lowered, options: Options | None = None) -> tuple[RangeResult, set[str]]:
    a = RangeAnalysis(low, options)
    result = a.run()
    if low.array_alloc:
        # again with the allocated lengths known, so that `a.Length` of a new array is bounded
        lens = {name: result.lens[name] for name in low.array_alloc}
        a = RangeAnalysis(low, options, lens)
        result = a.run()
    return result, a.assumed
