"""Run-time overflow checks for results and accumulators that nothing bounds.

`factorial`, `power` and Fibonacci grow past any width as their inputs grow, so no range can be
proven for them and, without more, the method cannot become hardware. With a check width N
(`Options.overflow_check_bits`) such a variable instead gets N bits (unsigned when it is never
negative), and every assignment of it is checked in hardware:

    v := e      becomes      t := e                       (t as wide as e can be)
                             if t < lo || t > hi { overflow := true; v := lo } else { v := t }

The method gets a sticky `overflow` output, and every loop that assigns a checked variable stops
once it is raised. The claim the hardware makes is then exact: when `overflow` is 0, every checked
assignment stayed in range, so the run is the verified program's run and every output is its
output; when it is 1, the other outputs mean nothing. Accordingly, the width proof may assume the
range right after each checked assignment (`obligations.py` writes `assume`, not `assert`, there),
and co-simulation compares the flag on every vector and the other outputs where it is 0, against
Dafny's compiled program instrumented to report the same range exits (`cosim/reference.py`).
Nothing about the checked variables is reported as proven: their width status is `checked`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.checked_capacity import capacity_ranges, length_candidates
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges import RangeResult

_PORT_NAMES = ("overflow", "overflow_flag", "p2s_overflow")
# the method attribute asking for the checks in the source itself (`method {:hls_overflow_check
# 32} Factorial(...)`), so that the editor, the CLI and re-synthesis all build the same design
ATTRIBUTE = "hls_overflow_check"
MAX_BITS = 64


def requested_bits(decl: A.Decl | None) -> int | None:
    """The width `{:hls_overflow_check N}` on the method asks for (None: absent or not 1..64;
    the directive reader warns about a malformed one)."""
    if not isinstance(decl, A.MethodDecl):
        return None
    for attr in decl.attrs:
        if attr.name == ATTRIBUTE and len(attr.args) == 1:
            arg = attr.args[0]
            if isinstance(arg, A.IntLit) and 1 <= arg.value <= MAX_BITS:
                return arg.value
    return None


def attribute_insertion(text: str, method: str, bits: int) -> tuple[int, str] | None:
    """Where and what to insert so that `method` asks for checks of `bits` bits: between
    `method` and its name, where Dafny 2.3 and 4 both take a method attribute. None when the
    method is not found or already carries the attribute."""
    from toolchain.frontend.parser import parse_program

    decl = parse_program(text).find(method)
    if not isinstance(decl, A.MethodDecl) or any(a.name == ATTRIBUTE for a in decl.attrs):
        return None
    return decl.name_start, f"{{:{ATTRIBUTE} {bits}}} "


def checked_range(iv: Interval, bits: int) -> tuple[int, int]:
    """The range an unbounded variable is held to: N bits, unsigned when it is never negative,
    tightened by whichever end the analysis did bound."""
    if iv.lo is not None and iv.lo >= 0:
        lo, hi = iv.lo, (1 << bits) - 1
    else:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        if iv.lo is not None:
            lo = max(lo, iv.lo)
    if iv.hi is not None:
        hi = min(hi, iv.hi)
    return lo, hi


def _candidates(low: Lowered, ranges: RangeResult, forced: dict[str, tuple[int, int]]) -> list[str]:
    """The top method's own integer variables (locals and results) with no bound at all, and
    those in `forced` (ranges Dafny could not prove)."""
    m = low.method
    every: list[ir.Port | ir.Local] = [*m.ports, *m.locals]
    lengths = {h.length_var for h in every if h.length_var is not None}
    holders: list[ir.Port | ir.Local] = [
        *(p for p in m.ports if p.direction == "out"),
        *m.locals,
    ]
    out: list[str] = []
    for h in holders:
        t = h.type
        if not isinstance(t, ir.IntType) or t.wraps or h.name in lengths:
            continue
        if h.name in low.char_vars or h.name in low.enum_vars or h.name in low.explicit_width:
            continue
        sv = low.var_source.get(h.name)
        if sv is None or sv.decl != low.decl.name or sv.kind not in ("local", "result"):
            continue
        iv = ranges.vars.get(h.name)
        if h.name in forced or (iv is not None and not iv.bounded and not iv.empty):
            out.append(h.name)
    return out


def _array_candidates(low: Lowered, ranges: RangeResult, bits: int) -> dict[str, tuple[int, int]]:
    """The top method's integer arrays and sequences whose elements the method writes with no
    bound, with the range their elements are held to. An input array qualifies only when every
    element it can arrive with is inside that range: the proof assumes the range for the
    elements the method never writes too."""
    m = low.method
    stored = {s.ir_var for s in low.store_sites if s.decl == low.decl.name}
    out: dict[str, tuple[int, int]] = {}
    holders: list[ir.Port | ir.Local] = [*m.ports, *m.locals]
    for h in holders:
        t = h.type
        if not isinstance(t, ir.ArrayType) or h.name not in stored:
            continue
        elem = t.element
        if not isinstance(elem, ir.IntType) or elem.wraps or h.name in low.char_vars:
            continue
        sv = low.var_source.get(h.name)
        if sv is None or sv.decl != low.decl.name:
            continue
        iv = ranges.elems.get(h.name)
        if iv is None or iv.bounded or iv.empty:
            continue
        lo, hi = checked_range(iv, bits)
        entry = ranges.entry_elems.get(h.name)
        if isinstance(h, ir.Port) and h.direction != "out":
            if entry is None or not entry.within(Interval(lo, hi)):
                continue
        else:
            # a fresh array's elements start as 0 in hardware (any value in Dafny: the proof
            # assumes the range for every element), so the range must hold 0 too
            lo, hi = min(lo, 0), max(hi, 0)
        out[h.name] = (lo, hi)
    return out


def _length_text(low: Lowered, name: str, source: str) -> str:
    t = low.method.type_of(name)
    return f"|{source}|" if isinstance(t, ir.ArrayType) and t.kind == "seq" else f"{source}.Length"


def _port_name(m: ir.HardwareMethod, low: Lowered) -> str:
    taken = {p.name for p in m.ports} | {v.name for v in m.locals} | {m.name}
    taken |= {sv.name for sv in low.var_source.values()}
    for name in _PORT_NAMES:
        if name not in taken:
            return name
    n = 1
    while f"p2s_overflow{n}" in taken:
        n += 1
    return f"p2s_overflow{n}"


@dataclass(eq=False)
class _Rewriter:
    m: ir.HardwareMethod
    bounds: dict[str, tuple[int, int]]
    elements: dict[str, tuple[int, int]]
    flag: str
    # a checked buffer length: loops that only write the buffer (up to a huge `n`) must
    # stop too once the flag is up, not only those assigning a checked variable
    stop_all: bool = False
    names: set[str] = field(init=False)  # taken names: the ports, the locals, new temporaries

    def __post_init__(self) -> None:
        self.names = {p.name for p in self.m.ports} | {v.name for v in self.m.locals}

    def _temp(self, var: str, loc: ir.SourceSpan) -> str:
        n = 0
        while f"{var}_wide{n}" in self.names:
            n += 1
        name = f"{var}_wide{n}"
        self.names.add(name)
        self.m.locals.append(ir.Local(name=name, type=ir.UNSIZED_INT, loc=loc, origin=var))
        return name

    def _check(self, lo: int, hi: int, temp: str, target: ir.Target, loc: ir.SourceSpan) -> ir.If:
        t = ir.Var(name=temp, type=ir.UNSIZED_INT, loc=loc)
        below = ir.Binary(
            op=ir.BinOp.LT, lhs=t, rhs=ir.Const(value=lo, type=ir.UNSIZED_INT), type=ir.BOOL
        )
        above = ir.Binary(
            op=ir.BinOp.GT,
            lhs=ir.Var(name=temp, type=ir.UNSIZED_INT, loc=loc),
            rhs=ir.Const(value=hi, type=ir.UNSIZED_INT),
            type=ir.BOOL,
        )
        escaped = ir.Binary(op=ir.BinOp.OR, lhs=below, rhs=above, type=ir.BOOL, loc=loc)
        raise_flag = ir.Assign(
            targets=[ir.VarTarget(name=self.flag)],
            values=[ir.Const(value=True, type=ir.BOOL)],
            loc=ir.UNKNOWN_SPAN,
        )
        # after an overflow the value means nothing; `lo` keeps it inside its width
        park = ir.Assign(
            targets=[copy.deepcopy(target)],
            values=[ir.Const(value=lo, type=ir.UNSIZED_INT)],
            loc=ir.UNKNOWN_SPAN,
        )
        keep = ir.Assign(
            targets=[copy.deepcopy(target)],
            values=[ir.Var(name=temp, type=ir.UNSIZED_INT, loc=loc)],
            loc=ir.UNKNOWN_SPAN,
        )
        return ir.If(cond=escaped, then=[raise_flag, park], otherwise=[keep], loc=ir.UNKNOWN_SPAN)

    def block(self, stmts: list[ir.Stmt]) -> tuple[list[ir.Stmt], bool]:
        """The block with every checked assignment rewritten; True when it has one."""
        out: list[ir.Stmt] = []
        found = False
        for s in stmts:
            if isinstance(s, ir.Assign):
                checks: list[ir.If] = []
                targets: list[ir.Target] = []
                # every assignment is checked, constants too (XLS folds those checks away):
                # the proof then assumes the range only where the hardware checks it
                for t in s.targets:
                    if isinstance(t, ir.VarTarget) and t.name in self.bounds:
                        temp = self._temp(t.name, s.loc)
                        targets.append(ir.VarTarget(name=temp, loc=t.loc))
                        lo, hi = self.bounds[t.name]
                        checks.append(self._check(lo, hi, temp, t, s.loc))
                    elif isinstance(t, ir.IndexTarget) and t.array in self.elements:
                        # the index is taken before the statement, as Dafny evaluates it
                        at = self._temp(f"{t.array}_at", s.loc)
                        out.append(ir.Assign(targets=[ir.VarTarget(name=at)], values=[t.index]))
                        temp = self._temp(t.array, s.loc)
                        targets.append(ir.VarTarget(name=temp, loc=t.loc))
                        store = ir.IndexTarget(
                            array=t.array, index=ir.Var(name=at, type=ir.UNSIZED_INT), loc=t.loc
                        )
                        lo, hi = self.elements[t.array]
                        checks.append(self._check(lo, hi, temp, store, s.loc))
                    else:
                        targets.append(t)
                s.targets = targets
                out.append(s)
                out.extend(checks)
                found = found or bool(checks)
                continue
            if isinstance(s, ir.If):
                s.then, a = self.block(s.then)
                s.otherwise, b = self.block(s.otherwise)
                found = found or a or b
            elif isinstance(s, ir.Loop):
                s.body, inner = self.block(s.body)
                if inner or self.stop_all:
                    # stop as soon as the flag is up: the outputs mean nothing any more, and a
                    # loop counting to a huge input would otherwise run on for billions of cycles
                    stop = ir.If(
                        cond=ir.Var(name=self.flag, type=ir.BOOL),
                        then=[ir.Break(levels=1)],
                        loc=ir.UNKNOWN_SPAN,
                    )
                    s.body = [stop, *s.body]
                found = found or inner
            out.append(s)
        return out, found


def add_overflow_checks(
    low: Lowered,
    ranges: RangeResult,
    bits: int,
    forced: dict[str, tuple[int, int]] | None = None,
    capacity: int | None = None,
) -> bool:
    """Rewrite `low.method` as the module docstring says; False (and nothing changed) when no
    variable needs a check. `forced`: variables to check in the range given (one the analysis
    found but Dafny did not prove), whether bounded or not. `capacity`: buffers whose length
    no hardware-sized bound holds get it, checked at run time (`checked_capacity`)."""
    forced = forced or {}
    names = _candidates(low, ranges, forced)
    elements = _array_candidates(low, ranges, bits)
    lengths = length_candidates(low, ranges, capacity) if capacity is not None else {}
    if not names and not elements and not lengths:
        return False
    m = low.method
    bounds = {n: forced[n] if n in forced else checked_range(ranges.vars[n], bits) for n in names}
    flag = _port_name(m, low)
    rewriter = _Rewriter(m, {**bounds, **lengths}, elements, flag, stop_all=bool(lengths))
    body, _ = rewriter.block(m.body)
    clear = ir.Assign(
        targets=[ir.VarTarget(name=flag)],
        values=[ir.Const(value=False, type=ir.BOOL)],
        loc=ir.UNKNOWN_SPAN,
    )
    m.body = [clear, *body]
    m.ports.append(ir.Port(name=flag, type=ir.BOOL, direction="out", loc=m.loc))
    top = low.decl.name
    for n in names:
        sv = low.var_source[n]
        sites = sorted({s.stmt_end for s in low.assign_sites if s.ir_var == n and s.decl == top})
        lo, hi = bounds[n]
        low.declared[n] = low.declared.get(n, Interval(None, None)).meet(Interval(lo, hi))
        m.checked.append(ir.CheckedRange(name=n, source=sv.name, lo=lo, hi=hi, sites=sites))
    for a, (lo, hi) in elements.items():
        sv = low.var_source[a]
        sites = sorted({s.stmt_end for s in low.store_sites if s.ir_var == a and s.decl == top})
        m.checked.append(
            ir.CheckedRange(
                name=a,
                source=sv.name,
                lo=lo,
                hi=hi,
                sites=sites,
                length=_length_text(low, a, sv.name),
            )
        )
    for n, (lo, hi) in lengths.items():
        low.declared[n] = low.declared.get(n, Interval(None, None)).meet(Interval(lo, hi))
    m.checked.extend(capacity_ranges(low, lengths))
    m.overflow_port = flag
    return True


__all__ = [
    "ATTRIBUTE",
    "add_overflow_checks",
    "attribute_insertion",
    "checked_range",
    "requested_bits",
]
