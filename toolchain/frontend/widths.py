"""Choose the hardware width of every integer, record why it is trusted, and explain failures.

A variable of the user's code gets the narrowest width holding its range once Dafny has proven
that range (status `proven`); an input gets it from its precondition or type; a temporary from
interval arithmetic over those. A range that is missing or not proven becomes a diagnostic at the
assignment, naming the variable and suggesting the `requires` bound that would fix it.
"""

from __future__ import annotations

import dataclasses

from shared_schemas.verification import Diagnostic, Severity
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ir
from toolchain.frontend.chars import CHAR_BITS
from toolchain.frontend.checked_capacity import MAX_BUFFER_CAPACITY
from toolchain.frontend.datatypes import enum_bits
from toolchain.frontend.diagnostics import hw_diagnostic
from toolchain.frontend.facts import Facts
from toolchain.frontend.interval import Interval, bits_range
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.obligations import Ob, ObligationRun
from toolchain.frontend.overflow_checks import ATTRIBUTE as OVERFLOW_ATTRIBUTE
from toolchain.frontend.ranges import Options, RangeResult, analyze_ranges


def _type_for(iv: Interval) -> ir.IntType | None:
    if iv.lo is None or iv.hi is None or iv.lo > iv.hi:
        return None
    return ir.width_for_range(iv.lo, iv.hi)


def _fits(iv: Interval, t: ir.IntType) -> bool:
    return iv.lo is not None and iv.hi is not None and t.min_value <= iv.lo and iv.hi <= t.max_value


class WidthFinalizer:
    def __init__(
        self,
        low: Lowered,
        ranges: RangeResult,
        run: ObligationRun | None,
        assumed: set[str],
        options: Options,
    ) -> None:
        self.low = low
        self.m = low.method
        self.ranges = ranges
        self.run = run
        self.assumed = assumed
        self.options = options
        self.index = LineIndex.of(low.program_text)
        self.diags: list[Diagnostic] = []
        self.input_names = {p.name for p in self.m.ports if p.direction != "out"}
        self.flagged: set[tuple[str, str, int]] = set()  # source variables with a diagnostic
        self.checked = {c.name: (c.lo, c.hi) for c in self.m.checked}

    def finalize(self) -> list[Diagnostic]:
        proven_keys = self.run.proven_keys() if self.run is not None else set()
        refuted: dict[tuple[str, str, int], Ob] = {}
        if self.run is not None:
            for o in self.run.obligations:
                if o.key is not None and o.proven is False and o.key not in refuted:
                    refuted[o.key] = o
            self.m.obligations = [
                ir.Obligation(
                    variable=o.key[1] if o.key else "(helper)",
                    lo=o.lo,
                    hi=o.hi,
                    where=f"{o.where}{_dropped(o)}: {o.kind} {o.text}",
                    loc=o.loc,
                    proven=o.proven,
                )
                for o in self.run.obligations
            ]
        facts: list[ir.WidthFact] = []
        holders: list[ir.Port | ir.Local] = [*self.m.ports, *self.m.locals]
        for holder in holders:
            t = holder.type
            if isinstance(t, ir.ArrayType):
                holder.type = self._array_type(holder.name, t, facts, holder.loc, holder.length_var)
                entry = self.ranges.entry_elems.get(holder.name)
                if isinstance(holder, ir.Port) and entry is not None and entry.bounded:
                    assert entry.lo is not None and entry.hi is not None
                    holder.entry_range = (entry.lo, entry.hi)
                continue
            if not isinstance(t, ir.IntType):
                continue
            iv = self.ranges.vars.get(holder.name, Interval(None, None))
            before = len(self.diags)
            new_t, status = self._scalar(holder.name, t, iv, proven_keys, refuted, holder.loc)
            sv = self.low.var_source.get(holder.name)
            if len(self.diags) > before and sv is not None:
                self.flagged.add((sv.decl, sv.name, sv.decl_offset))
            holder.type = new_t
            facts.append(
                ir.WidthFact(
                    name=holder.name, lo=iv.lo, hi=iv.hi, type=new_t, status=status, loc=holder.loc
                )
            )
        self.m.widths = facts
        self._retype_nodes()
        self._unproven_obligations()
        return self.diags

    def _unproven_obligations(self) -> None:
        """Every obligation Dafny did not prove blocks the method, with its own diagnostic unless
        one about its variable was already given: a width, a capacity or the hardware contract
        the proofs were told to rely on is never taken on trust."""
        if self.run is None or self.run.other_errors:
            return  # no run, or the program itself does not verify (HW204 already blocks)
        for o in self.run.obligations:
            if o.proven is True or _dropped(o):
                continue
            if o.key is not None and o.key in self.flagged:
                continue
            verdict = "refuted" if o.proven is False else "could not check"
            why = f": {o.message}" if o.message else ""
            self._diag_at(
                o.key[1] if o.key else "",
                o.loc,
                "HW203",
                f"Dafny {verdict} the hardware obligation `{o.kind} {o.text}` ({o.where}){why}; "
                "the hardware would rely on it, so nothing is built",
            )

    # -- scalars -------------------------------------------------------------------------------

    def _scalar(
        self,
        name: str,
        t: ir.IntType,
        iv: Interval,
        proven: set[tuple[str, str, int]],
        refuted: dict[tuple[str, str, int], Ob],
        loc: ir.SourceSpan,
    ) -> tuple[ir.IntType, ir.WidthStatus]:
        if t.wraps:
            return t, ir.WidthStatus.DECLARED
        sv = self.low.var_source.get(name)
        key = (sv.decl, sv.name, sv.decl_offset) if sv is not None else None
        explicit = self.low.explicit_width.get(name)
        chosen = _type_for(iv)
        if explicit is not None:
            w, _ = explicit
            et = ir.IntType(width=w, signed=iv.lo is None or iv.lo < 0)
            if not _fits(iv, et):
                self._overflow(name, iv, et, loc)
                return et, ir.WidthStatus.UNPROVEN
            if self.run is None:
                return et, ir.WidthStatus.UNCHECKED
            if key is not None and key in proven:
                return et, ir.WidthStatus.EXPLICIT
            self._unproven(name, iv, refuted.get(key) if key else None, loc)
            return et, ir.WidthStatus.UNPROVEN
        if name in self.low.char_vars:
            # a char register holds any char: Dafny's type system keeps the value in range
            return ir.IntType(width=CHAR_BITS, signed=False), ir.WidthStatus.DECLARED
        if name in self.low.enum_vars:
            # an enumeration holds a constructor index, in range by Dafny's type
            bits = enum_bits(self.low.enum_vars[name])
            return ir.IntType(width=bits, signed=False), ir.WidthStatus.DECLARED
        if name in self.checked:
            # held to its range by the run-time check, never proven (see overflow_checks)
            lo, hi = self.checked[name]
            return ir.width_for_range(lo, hi), ir.WidthStatus.CHECKED
        if chosen is None:
            self._unbounded(name, iv, loc)
            return ir.IntType(width=None, signed=t.signed), ir.WidthStatus.UNBOUNDED
        if name in self.input_names:
            if name in self.assumed:
                return chosen, ir.WidthStatus.ASSUMED
            declared = self.low.declared.get(name, Interval(None, None))
            if declared.bounded and iv == declared:
                return chosen, ir.WidthStatus.DECLARED
            return chosen, ir.WidthStatus.PRECONDITION
        if (
            key is None
            or sv is None
            or (sv.kind == "fparam" and sv.decl not in self.low.recursive_functions)
        ):
            return chosen, ir.WidthStatus.DERIVED
        placed = self.run is not None and any(o.key == key for o in self.run.obligations)
        if sv.kind == "param" and sv.decl != self.low.decl.name and not placed:
            return chosen, ir.WidthStatus.DERIVED  # callee parameter bound by its call sites
        if self.run is None:
            return chosen, ir.WidthStatus.UNCHECKED
        if key in proven:
            return chosen, ir.WidthStatus.PROVEN
        if not placed:
            # no obligation could be placed (e.g. only assigned inside a callee's loop head)
            return chosen, ir.WidthStatus.DERIVED
        self._unproven(name, iv, refuted.get(key), loc)
        return chosen, ir.WidthStatus.UNPROVEN

    def _array_type(
        self,
        name: str,
        t: ir.ArrayType,
        facts: list[ir.WidthFact],
        loc: ir.SourceSpan,
        length_var: str | None = None,
    ) -> ir.ArrayType:
        # an allocated array's length is the hull of its allocation sizes (ranges.lens), never
        # the input contract: hardware must hold the largest array the method can allocate
        length = self.ranges.lens.get(name)
        if length_var is not None and length_var in self.checked:
            # a capacity checked at run time (see checked_capacity): never more than that
            length = Interval(*self.checked[length_var])
        elif length_var is not None:
            # a buffer: its capacity is the range of its length variable, which the obligation
            # program proves (or the length's own diagnostic blocks the method)
            length = self.ranges.vars.get(length_var, Interval(0, None))
            if name in self.low.array_alloc and name in self.ranges.lens:
                length = length.join(self.ranges.lens[name])  # a result array's allocations
        exact = length.lo if length is not None and length.lo == length.hi else None
        max_len = length.hi if length is not None else None
        if length_var is not None:
            exact = None  # the length travels on its own port: one interface for every buffer
        if max_len is None and length_var is None:
            self._unbounded_length(name, loc)  # a buffer's length variable reports its own
        if length_var is not None and max_len is not None and max_len > MAX_BUFFER_CAPACITY:
            self._buffer_too_large(name, length_var, max_len, loc)
            max_len = None
        if max_len is not None and max_len > MAX_STACK_DEPTH and self._stack_of(name):
            self._stack_too_deep(name, max_len, loc)
            max_len = None
        elem = t.element
        if isinstance(elem, ir.IntType) and not elem.wraps:
            iv = self.ranges.elems.get(name, Interval(None, None))
            et = _type_for(iv)
            status = ir.WidthStatus.DERIVED
            if name in self.input_names and not t.mutable:
                status = (
                    ir.WidthStatus.ASSUMED
                    if f"{name}[..]" in self.assumed
                    else ir.WidthStatus.PRECONDITION
                )
            if name in self.low.char_vars:
                # a string or char array: every element is a char (Dafny's type guarantees it)
                et = ir.IntType(width=CHAR_BITS, signed=False)
                if status == ir.WidthStatus.DERIVED:
                    status = ir.WidthStatus.DECLARED
            if name in self.checked:
                # held to its range by the run-time check, never proven (see overflow_checks)
                et = ir.width_for_range(*self.checked[name])
                status = ir.WidthStatus.CHECKED
            if et is None:
                self._unbounded(f"{name}[..]", iv, loc)
                et = ir.IntType(width=None, signed=elem.signed)
                status = ir.WidthStatus.UNBOUNDED
            facts.append(
                ir.WidthFact(
                    name=f"{name}[..]", lo=iv.lo, hi=iv.hi, type=et, status=status, loc=loc
                )
            )
            elem = et
        return dataclasses.replace(t, element=elem, length=exact, max_length=max_len)

    # -- expression nodes ----------------------------------------------------------------------

    def _retype_nodes(self) -> None:
        types = {p.name: p.type for p in self.m.ports}
        types.update({v.name: v.type for v in self.m.locals})

        def fix(e: ir.Expr) -> None:
            for v in vars(e).values():
                if isinstance(v, ir.Expr):
                    fix(v)
            t = e.type
            if isinstance(e, ir.Const) and isinstance(t, ir.IntType) and not t.wraps:
                # a constant's type comes from its value alone: a node range can be missing
                # (unreachable code) or joined with other uses, and neither may narrow it
                assert not isinstance(e.value, bool)
                e.type = ir.width_for_range(e.value, e.value)
                return
            if isinstance(t, ir.IntType) and not t.wraps:
                iv = self.ranges.nodes.get(id(e))
                chosen = _type_for(iv) if iv is not None else None
                if isinstance(e, ir.Var | ir.Index) and (chosen is None or iv is None):
                    src = types.get(e.name) if isinstance(e, ir.Var) else types.get(e.array)
                    if isinstance(src, ir.ArrayType):
                        src = src.element
                    if isinstance(src, ir.IntType):
                        chosen = src
                if chosen is None and iv is None:
                    chosen = ir.IntType(width=1, signed=False)  # never evaluated: unreachable
                e.type = chosen if chosen is not None else ir.IntType(width=None, signed=True)

        for s in ir.walk_stmts(self.m.body):
            if isinstance(s, ir.Assign):
                for v in s.values:
                    fix(v)
                for t in s.targets:
                    if isinstance(t, ir.IndexTarget):
                        fix(t.index)
            elif isinstance(s, ir.If | ir.While):
                fix(s.cond)
            elif isinstance(s, ir.For):
                fix(s.lo)
                fix(s.hi)

    # -- diagnostics ---------------------------------------------------------------------------

    def _diag_at(self, name: str, loc: ir.SourceSpan, code: str, message: str) -> None:
        start = self.index.offset(loc.start_line, loc.start_col)
        end = self.index.offset(loc.end_line, loc.end_col)
        self.diags.append(
            hw_diagnostic(
                loc.file,
                self.index,
                start,
                end,
                code,
                message,
                symbol=self.low.decl.name,
                severity=Severity.error,
            )
        )

    def _site_of(
        self, name: str, fallback: ir.SourceSpan, fits: ir.IntType | None = None
    ) -> ir.SourceSpan:
        """The user's assignment to `name` whose value escapes `fits` (or has no bound)."""
        first: ir.SourceSpan | None = None
        for stmt in ir.walk_stmts(self.m.body):
            if not isinstance(stmt, ir.Assign):
                continue
            for t, v in zip(stmt.targets, stmt.values, strict=True):
                if not isinstance(t, ir.VarTarget) or t.name != name:
                    continue
                if stmt.loc is ir.UNKNOWN_SPAN:
                    continue
                first = first or stmt.loc
                iv = self.ranges.nodes.get(id(v))
                if iv is None:
                    continue
                if (fits is None and not iv.bounded) or (fits is not None and not _fits(iv, fits)):
                    return _first_line(stmt.loc, self.low.program_text, self.index)
        return _first_line(first, self.low.program_text, self.index) if first else fallback

    def _source_name(self, name: str) -> str:
        sv = self.low.var_source.get(name)
        return sv.name if sv is not None else name

    def _overflow(self, name: str, iv: Interval, t: ir.IntType, loc: ir.SourceSpan) -> None:
        fix = self.suggest(name, t)
        where = self._site_of(name, loc, t)
        self._diag_at(
            name,
            where,
            "HW201",
            f"{self._source_name(name)} may overflow its {t.width}-bit width: its range is {iv}, "
            f"{t} holds [{t.min_value}, {t.max_value}]" + (f"; add `{fix}`" if fix else ""),
        )

    def _unbounded(self, name: str, iv: Interval, loc: ir.SourceSpan) -> None:
        if iv.empty:
            self._no_value(name, iv, loc)
            return
        fix = self.suggest(name, None)
        where = self._site_of(name, loc)
        source = self._source_name(name)
        if self._is_buffer_length(name):
            where = self._growth_site(name, loc)
            # the length of a sequence the method builds: the capacity of its buffer
            bounds = [_bound_text(p) for p in self.m.ports if p.direction != "out"]
            hint = (
                f"add a bound on the inputs it grows from (e.g. `requires {bounds[0]}`) or a "
                f"loop invariant bounding {source}"
                if bounds
                else f"add a loop invariant bounding {source}"
            )
            self._diag_at(
                name,
                where,
                "HW202",
                f"{source} has no proven bound here ({iv}): the sequence needs a buffer of "
                f"fixed capacity in hardware; {hint}",
            )
            return
        check = ""
        if name not in self.input_names and not name.endswith("[..]"):
            # a result or accumulator (factorial, power): the run-time check is the other way
            check = (
                f"; or check it at run time: `{{:{OVERFLOW_ATTRIBUTE} 32}}` "
                "on the method gives it 32 bits and an `overflow` output"
            )
        self._diag_at(
            name,
            where,
            "HW202",
            f"{source} has no bound ({iv}): its hardware width would be "
            "unbounded" + (f"; add `{fix}`" if fix else "") + check,
        )

    def _buffer_too_large(self, name: str, length_var: str, cap: int, loc: ir.SourceSpan) -> None:
        # a bound from a 32-bit contract proves a length, but no memory that large is hardware
        bounds = [_bound_text(p) for p in self.m.ports if p.direction != "out"]
        hint = f"add `requires {bounds[0]}`" if bounds else "bound the loop that grows it"
        self._diag_at(
            length_var,
            self._growth_site(length_var, loc),
            "HW202",
            f"{self._source_name(length_var)} can reach {cap}: a buffer of more than "
            f"{MAX_BUFFER_CAPACITY} elements is not built; {hint} (or a smaller bound on what "
            f"{name} grows from); or check it at run time: `{{:{OVERFLOW_ATTRIBUTE} 32}}` on the "
            "method gives it a fixed capacity and an `overflow` output",
        )

    def _stack_of(self, name: str) -> str | None:
        """The function whose recursion stack (`lowering.stack`) `name` is, if it is one."""
        origin = next((v.origin for v in self.m.locals if v.name == name), "")
        return origin[: -len(" stack")] if origin.endswith(" stack") else None

    def _stack_too_deep(self, name: str, depth: int, loc: ir.SourceSpan) -> None:
        # a depth proven from a 32-bit contract is a bound, but no such memory is hardware (and
        # the back end cannot index one)
        bounds = [_bound_text(p) for p in self.m.ports if p.direction != "out"]
        hint = f"add `requires {bounds[0]}`" if bounds else "bound its `decreases` measure"
        self._diag_at(
            name,
            loc,
            "HW202",
            f"the recursion depth of {self._stack_of(name)} can reach {depth}: a stack deeper "
            f"than {MAX_STACK_DEPTH} levels is not built; {hint} (or a smaller bound on its "
            "`decreases` measure)",
        )

    def _growth_site(self, length_var: str, fallback: ir.SourceSpan) -> ir.SourceSpan:
        """Where a buffer grows (`r := r + [x]`, a copy), not where it starts empty: the
        first assignment of its length that is not a constant."""
        for stmt in ir.walk_stmts(self.m.body):
            if not isinstance(stmt, ir.Assign) or stmt.loc is ir.UNKNOWN_SPAN:
                continue
            for t, v in zip(stmt.targets, stmt.values, strict=True):
                if isinstance(t, ir.VarTarget) and t.name == length_var:
                    if not isinstance(v, ir.Const):
                        return stmt.loc
        return fallback

    def _is_buffer_length(self, name: str) -> bool:
        holders: list[ir.Port | ir.Local] = [*self.m.ports, *self.m.locals]
        return any(h.length_var == name for h in holders)

    def _no_value(self, name: str, iv: Interval, loc: ir.SourceSpan) -> None:
        # an empty range is no missing bound: no value at all satisfies what is known here
        source = self._source_name(name)
        if name in self.input_names:
            message = (
                f"the precondition admits no value of {source} (its range {iv} is empty): "
                "the method can never be called, so there is nothing to build"
            )
        else:
            message = (
                f"no value of {source} is possible (its range {iv} is empty): the precondition "
                "is unsatisfiable or this code is unreachable"
            )
        self._diag_at(name, loc, "HW202", message)

    def _unbounded_length(self, name: str, loc: ir.SourceSpan) -> None:
        t = self.m.type_of(name)
        origin = next((v.origin for v in self.m.locals if v.name == name), "")
        if origin.endswith(" stack"):
            # a recursion stack (lowering.stack): its capacity is the recursion depth
            message = (
                f"the recursion depth of {origin[: -len(' stack')]} has no bound: add a "
                "`requires` bound on its `decreases` measure (hardware stacks have a fixed size)"
            )
        else:
            seq = isinstance(t, ir.ArrayType) and t.kind == "seq"
            length = f"|{name}|" if seq else f"{name}.Length"
            message = (
                f"the length of {name} has no bound: add `requires {length} <= N` "
                "(hardware memories have a fixed size)"
            )
        self._diag_at(name, loc, "HW202", message)

    def _unproven(self, name: str, iv: Interval, ob: Ob | None, loc: ir.SourceSpan) -> None:
        where = ob.loc if ob is not None and ob.kind == "assert" else self._site_of(name, loc)
        why = f" ({ob.message})" if ob is not None and ob.message else ""
        self._diag_at(
            name,
            where,
            "HW203",
            f"Dafny did not prove {self._source_name(name)} stays in {iv}{why}: add a loop "
            "invariant that bounds it, or a `requires` bound on the inputs it grows from",
        )

    # -- suggestions ---------------------------------------------------------------------------

    def suggest(self, name: str, target: ir.IntType | None) -> str | None:
        """The widest uniform input bound (in bits) under which `name` fits / is bounded."""
        ports = [p for p in self.m.ports if p.direction != "out"]
        for bits in range(32, 0, -1):
            facts, clauses = self._bounded_inputs(ports, bits)
            if not clauses:
                continue
            trial = dataclasses.replace(self.low, input_facts=facts)
            result, _ = analyze_ranges(trial, Options())
            iv = result.vars.get(name) if not name.endswith("[..]") else result.elems.get(name[:-4])
            if iv is None or not iv.bounded:
                continue
            if target is None or _fits(iv, target):
                return "` and `".join(clauses)
        return None

    def _bounded_inputs(self, ports: list[ir.Port], bits: int) -> tuple[Facts, list[str]]:
        base = self.low.input_facts
        facts = Facts(dict(base.bounds), list(base.relations))
        clauses: list[str] = []
        length_bits = min(bits, 16)
        for p in ports:
            t = p.type
            if isinstance(t, ir.ArrayType):
                ln = facts.get(("len", p.name))
                cap = (1 << length_bits) - 1 if bits > 1 else 1
                length = f"|{p.name}|" if t.kind == "seq" else f"{p.name}.Length"
                if ln.hi is None or ln.hi > cap:
                    facts.bounds[("len", p.name)] = ln.meet(Interval(0, cap))
                    clauses.append(f"requires {length} <= {cap}")
                # a string's chars are bounded by their type (and compare with chars, not ints)
                text = p.name in self.low.char_vars
                if isinstance(t.element, ir.IntType) and not t.element.wraps and not text:
                    rng = bits_range(bits, t.element.signed)
                    el = facts.get(("elem", p.name))
                    if not el.within(rng):
                        facts.bounds[("elem", p.name)] = el.meet(rng)
                        acc = "[k]"
                        clauses.append(
                            f"requires forall k :: 0 <= k < {length} ==> "
                            f"{rng.lo} <= {p.name}{acc} <= {rng.hi}"
                        )
                continue
            if not isinstance(t, ir.IntType) or t.wraps:
                continue
            rng = bits_range(bits, t.signed)
            cur = facts.get(("var", p.name)).meet(
                self.low.declared.get(p.name, Interval(None, None))
            )
            if not cur.within(rng):
                facts.bounds[("var", p.name)] = cur.meet(rng)
                clauses.append(f"requires {rng.lo} <= {p.name} <= {rng.hi}")
        return facts, clauses


_SUPPORT_PREFIX = ("parameter of ",)  # with " (length)" / " (elements)": callee array facts
_SUPPORT = (
    "loop head (accumulator)",
    "loop head (elements)",
    "product bound (lemma)",
    "product bound",
)


def _dropped(o: Ob) -> str:
    """Why an unproven obligation blocks nothing: a supporting invariant or proof step (product
    lemma and its calls) that was dropped, after which the range claims it helped were proven
    (or not) without it."""
    support = o.where in _SUPPORT or (
        o.where.startswith(_SUPPORT_PREFIX) and o.where.endswith(("(length)", "(elements)"))
    )
    if o.proven is not True and o.helper and support:
        return " (helper not proven: dropped, no width relies on it)"
    return ""


def _first_line(span: ir.SourceSpan, text: str, index: LineIndex) -> ir.SourceSpan:
    if span.end_line == span.start_line:
        return span
    start = index.offset(span.start_line, span.start_col)
    nl = text.find("\n", start)
    _, col = index.position(nl if nl >= 0 else len(text))
    return ir.SourceSpan(span.file, span.start_line, span.start_col, span.start_line, col)


def _assignment_span(text: str, index: LineIndex, stmt_end: int, file: str) -> ir.SourceSpan:
    """The statement that ends at `stmt_end`: from the start of its line to its `;`."""
    line, _ = index.position(stmt_end - 1)
    start = index.offset(line, 0)
    while start < stmt_end and text[start] in " \t":
        start += 1
    sl, sc = index.position(start)
    el, ec = index.position(stmt_end)
    return ir.SourceSpan(file, sl, sc, el, ec)


MAX_STACK_DEPTH = 1 << 16  # a recursion stack (XLS rejected one of 2**32 entries)


def _bound_text(p: ir.Port) -> str:
    """A bound on input `p` of the kind the user would write (for buffer capacity hints)."""
    if isinstance(p.type, ir.ArrayType):
        return f"|{p.name}| <= 64" if p.type.kind == "seq" else f"{p.name}.Length <= 64"
    return f"{p.name} <= 64"
