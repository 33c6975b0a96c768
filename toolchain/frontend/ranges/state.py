"""The abstract state of the range analysis and its lattice operations, and what the analysis
hands back (`RangeResult`) under which assumptions (`Options`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolchain.frontend.interval import Interval


@dataclass
class State:
    vars: dict[str, Interval]
    elems: dict[str, Interval]

    def copy(self) -> State:
        return State(dict(self.vars), dict(self.elems))


def join_states(a: State | None, b: State | None) -> State | None:
    """The hull of two states; None stands for an unreachable point, so it is the unit."""
    if a is None:
        return b.copy() if b is not None else None
    if b is None:
        return a.copy()
    return State(_join_maps(a.vars, b.vars), _join_maps(a.elems, b.elems))


def _join_maps(a: dict[str, Interval], b: dict[str, Interval]) -> dict[str, Interval]:
    # a name known on one side only keeps that side's range: the other side never defined it
    out: dict[str, Interval] = {}
    for k in a.keys() | b.keys():
        if k in a and k in b:
            out[k] = a[k].join(b[k])
        else:
            out[k] = a.get(k) or b[k]
    return out


def widen_states(old: State, new: State) -> State:
    out = new.copy()
    for k, v in new.vars.items():
        if k in old.vars:
            out.vars[k] = old.vars[k].widen(v)
    for k, v in new.elems.items():
        if k in old.elems:
            out.elems[k] = old.elems[k].widen(v)
    return out


def same_states(a: State, b: State) -> bool:
    return a.vars == b.vars and a.elems == b.elems


@dataclass
class Accumulation:
    """How a loop bounds one accumulator: entry range + trips * per-iteration change."""

    variable: str
    entry: Interval
    delta: Interval
    trips: int

    def bound_text(self, subject: str, steps: str) -> str | None:
        """Dafny text bounding `subject` after `steps` (a Dafny expression) iterations: entry plus
        steps times the per-iteration change, each side only where both its ends are known."""
        parts = []
        if self.entry.hi is not None and self.delta.hi is not None:
            parts.append(f"{subject} <= {self.entry.hi} + {max(self.delta.hi, 0)} * {steps}")
        if self.entry.lo is not None and self.delta.lo is not None:
            parts.append(f"{self.entry.lo} + {min(self.delta.lo, 0)} * {steps} <= {subject}")
        return " && ".join(parts) if parts else None


@dataclass
class RangeResult:
    vars: dict[str, Interval] = field(default_factory=dict)  # hull of every value held
    elems: dict[str, Interval] = field(default_factory=dict)
    lens: dict[str, Interval] = field(default_factory=dict)
    nodes: dict[int, Interval] = field(default_factory=dict)  # id(expr) -> hull
    loop_heads: dict[int, dict[str, Interval]] = field(default_factory=dict)
    accumulations: dict[int, list[Accumulation]] = field(default_factory=dict)
    # id(recursion's way-up loop) -> variable -> its range after at most k trips, k = 0, 1, ...
    # (`analysis._unrolled`)
    per_trip: dict[int, dict[str, list[Interval]]] = field(default_factory=dict)
    inputs: dict[str, Interval] = field(default_factory=dict)  # assumed at entry
    entry_elems: dict[str, Interval] = field(default_factory=dict)  # input arrays at entry


@dataclass
class Options:
    assume_input_bits: int | None = None  # hardware contract for unbounded int inputs
    assume_max_length: int | None = None  # hardware contract for unbounded array lengths
    # results and accumulators nothing bounds get this many bits and a run-time overflow check
    # (`frontend.overflow_checks`); None: they block the method
    overflow_check_bits: int | None = None
