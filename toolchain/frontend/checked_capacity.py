"""Run-time checks of buffer lengths that no hardware-sized bound holds.

`a := new int[n]` with a 32-bit `n`, or `r := r + [x]` in a loop counting to `n`, can make a
buffer of billions of elements: the length has a proven bound, but no memory of that size is
hardware (`MAX_BUFFER_CAPACITY`). With run-time checks on (the same opt-in as the value checks of
`overflow_checks`: `--overflow-check-bits N`, `{:hls_overflow_check N}`), such a buffer instead
gets a fixed capacity (the contract's `assume_max_length`, else `DEFAULT_CAPACITY`), and its
length local is a checked variable of range [0, capacity]: every assignment of it (the
allocation's `a_len := n`, each growth's `r_len := r_len + 1`) raises the sticky `overflow`
output when the requested length does not fit, and then every loop of the method stops, so that
nothing runs on for billions of cycles (a loop writing `a[i]` up to `n` would otherwise).

The claim is the value checks' claim: while `overflow` is 0 every length assignment fitted, so the
run is the verified program's run. The width proof accordingly assumes `0 <= a.Length <= cap`
right after each statement that sets the length (exactly what the hardware checked, nowhere
else), and Dafny proves everything else, the indices into the buffer included. Dafny's compiled
program, which co-simulation compares against, checks the same lengths (`cosim/reference.py`):
an allocation's size before the statement (the compiled program would otherwise try to allocate
billions of elements first), a growth's length after it.

A buffer is refused (the finding that its length has no small bound stays) when one of its
allocations is not a statement of the top method's own (an inlined callee's, a recursion stack),
or when its length cannot be below the capacity at all.
"""

from __future__ import annotations

from toolchain.frontend import ir
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered
from toolchain.frontend.ranges import RangeResult

# the largest buffer built for a sequence or array the method creates (elements): its
# contents travel on flat ports, unrolled element by element in the generated logic
MAX_BUFFER_CAPACITY = 256
# the capacity of a checked buffer when no contract says how long arrays are (`p2s synth
# --overflow-check-bits 32` alone): the bench contract's length, small enough for flat ports
DEFAULT_CAPACITY = 16


def checked_capacity(max_length: int | None) -> int:
    """The capacity a checked buffer gets: the contract's array length, at most the largest
    buffer built."""
    cap = max_length if max_length is not None and max_length > 0 else DEFAULT_CAPACITY
    return min(cap, MAX_BUFFER_CAPACITY)


def _length_range(low: Lowered, ranges: RangeResult, buffer: str, length_var: str) -> Interval:
    """Every length the buffer can get: its length local's range, and its allocation sizes."""
    iv = ranges.vars.get(length_var, Interval(0, None))
    if buffer in low.array_alloc and buffer in ranges.lens:
        iv = iv.join(ranges.lens[buffer])
    return iv


def length_candidates(
    low: Lowered, ranges: RangeResult, capacity: int
) -> dict[str, tuple[int, int]]:
    """The top method's buffers whose length can exceed `MAX_BUFFER_CAPACITY` (or has no bound):
    their length locals, with the range each is held to. (A small length bound Dafny could not
    prove is not checked: its finding stays.)"""
    m = low.method
    top = low.decl.name
    out: dict[str, tuple[int, int]] = {}
    holders: list[ir.Port | ir.Local] = [*m.ports, *m.locals]
    for h in holders:
        lv = h.length_var
        if not isinstance(h.type, ir.ArrayType) or lv is None:
            continue
        sv = low.var_source.get(lv)
        if sv is None or sv.decl != top:
            continue
        sites = low.array_alloc.get(h.name, [])
        if any(a.decl != top or a.stmt_start < 0 or not a.size_text for a in sites):
            continue  # the reference could not check that allocation before it happens
        iv = _length_range(low, ranges, h.name, lv)
        if iv.empty or (iv.hi is not None and iv.hi <= MAX_BUFFER_CAPACITY):
            continue  # a proven bound small enough for hardware: nothing to check
        lo = max(iv.lo if iv.lo is not None else 0, 0)
        if lo > capacity:
            continue  # it never fits: the missing bound's finding says so
        out[lv] = (lo, capacity)
    return out


def capacity_ranges(low: Lowered, lengths: dict[str, tuple[int, int]]) -> list[ir.CheckedRange]:
    """The checked ranges of `lengths` (from `length_candidates`), as the report, the proof and
    the reference harness read them."""
    m = low.method
    top = low.decl.name
    out: list[ir.CheckedRange] = []
    holders: list[ir.Port | ir.Local] = [*m.ports, *m.locals]
    for h in holders:
        lv = h.length_var
        if lv is None or lv not in lengths:
            continue
        lo, hi = lengths[lv]
        buffer = low.var_source.get(h.name)
        sites = sorted({s.stmt_end for s in low.assign_sites if s.ir_var == lv and s.decl == top})
        before = sorted(
            {(a.stmt_start, a.size_text) for a in low.array_alloc.get(h.name, []) if a.size_text}
        )
        out.append(
            ir.CheckedRange(
                name=lv,
                source=low.var_source[lv].name,
                lo=lo,
                hi=hi,
                sites=sites,
                capacity_of=buffer.name if buffer is not None else h.name,
                before=before,
            )
        )
    return out


__all__ = [
    "DEFAULT_CAPACITY",
    "MAX_BUFFER_CAPACITY",
    "capacity_ranges",
    "checked_capacity",
    "length_candidates",
]
