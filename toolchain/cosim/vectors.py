"""Input vectors for co-simulation, and their trip through the packed port interface.

Candidates are drawn from each input's proven range (boundary values first, then random draws,
then structured arrays: sorted, reversed, constant), so that tight preconditions (a sorted
array, `a <= b`) still leave enough of them standing after the precondition check that the
reference harness applies (`reference.py`: rejection sampling on the compiled precondition).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from toolchain.frontend.ir import ArrayType, BoolType, HardwareMethod, IntType, Port, ScalarType
from toolchain.hls.interface import HwInterface, PortSlot, Scalar, Value, Vector

# Ranges wider than this are sampled with extra weight near zero and the ends: uniform draws over
# 2**32 values almost never hit the small numbers most programs branch on, and make loops that
# count up to an input run for billions of steps.
_WIDE = 1 << 12


def _range(method: HardwareMethod, name: str, t: ScalarType) -> tuple[int, int]:
    if isinstance(t, BoolType):
        return 0, 1
    lo, hi = t.min_value, t.max_value
    for w in method.widths:
        if w.name == name:
            if w.lo is not None:
                lo = max(lo, w.lo)
            if w.hi is not None:
                hi = min(hi, w.hi)
    return lo, hi


# Arrays are drawn at most this long: a precondition such as `a.Length <= 100000` makes a RAM that
# deep, but vectors of that length would make the reference harness's source and every bench load
# enormous (`longest_drawn` says when the limit bites).
LONGEST_DRAWN = 256


def _length(rng: random.Random, t: ArrayType, full: bool, corner: bool) -> int:
    """A candidate's length: the exact length when the type fixes one; at the corners the
    capacity and half of it; else uniform, or log-uniform when the capacity is large (short
    arrays, the ones most branches are about, stay common)."""
    if t.length is not None:
        return t.length
    cap = min(t.capacity or 0, LONGEST_DRAWN)
    if corner:
        return cap if full else max(cap // 2, 1)
    return _draw_length(rng, cap)


def longest_drawn(method: HardwareMethod) -> list[str]:
    """The array inputs whose capacity is above what candidates are drawn at, as `name (N)`."""
    return [
        f"{p.name} ({p.type.capacity})"
        for p in method.ports
        if p.direction in ("in", "inout")
        and isinstance(p.type, ArrayType)
        and p.type.length is None
        and (p.type.capacity or 0) > LONGEST_DRAWN
    ]


def _draw(rng: random.Random, lo: int, hi: int) -> int:
    if hi - lo <= _WIDE:
        return rng.randint(lo, hi)
    pick = rng.random()
    if pick < 0.2 and lo <= 16 and hi >= -16:
        return rng.randint(max(lo, -16), min(hi, 16))
    if pick < 0.3:
        return rng.choice([lo, hi, lo + 1, hi - 1])
    # log-uniform magnitudes: every bit length is as likely as any other, so small operands (the
    # ones loops finish quickly on) are common and the extremes still occur
    bits = rng.randint(1, (hi - lo).bit_length())
    magnitude = rng.randint(0, (1 << bits) - 1)
    if lo >= 0:
        return min(lo + magnitude, hi)
    if hi <= 0:
        return max(hi - magnitude, lo)
    return min(max(magnitude if rng.random() < 0.5 else -magnitude, lo), hi)


# array capacities up to this are drawn uniformly (the contract's 16, a `requires a.Length <= 64`)
_LONG = 64


def _draw_length(rng: random.Random, cap: int) -> int:
    """An input array's length. A long capacity (a precondition's `a.Length < 10000`) is drawn
    like a wide scalar: short arrays stay common, since they are the ones that fit a buffer whose
    capacity is checked at run time (`frontend.checked_capacity`) and that a quadratic loop
    finishes on, while long ones and the capacity itself still occur."""
    if cap <= _LONG:
        return rng.randint(0, cap)
    # mostly short: every element is a literal of the reference program Dafny compiles, and a
    # few dozen candidates of thousands of elements take it minutes (the capacity itself is one
    # of the corner candidates)
    pick = rng.random()
    if pick < 0.7:
        return rng.randint(0, 16)
    if pick < 0.85:
        return rng.randint(17, _LONG)
    return min(rng.randint(0, (1 << rng.randint(1, cap.bit_length())) - 1), cap)


# chars every Dafny version accepts: UTF-16 code units (Dafny 2.x) that are also Unicode scalar
# values (Dafny 4), i.e. below 0x10000 and outside the surrogates
_SURROGATES = (0xD800, 0xDFFF)


def _draw_char(rng: random.Random, lo: int, hi: int) -> int:
    hi = min(hi, 0xFFFF)
    if lo > hi:
        return lo
    pick = rng.random()
    if pick < 0.6 and lo <= 126 and hi >= 32:
        # printable ASCII: what programs over text compare against ('a' <= c <= 'z', digits)
        v = rng.randint(max(lo, 32), min(hi, 126))
    elif pick < 0.7 and lo <= 31:
        v = rng.randint(lo, min(hi, 31))
    else:
        v = rng.randint(lo, hi)
    if _SURROGATES[0] <= v <= _SURROGATES[1]:
        v = _SURROGATES[0] - 1 if _SURROGATES[0] - 1 >= lo else min(_SURROGATES[1] + 1, hi)
    return v


# the draws and ranges, for the precondition-shaped search (`shaped.py`)
draw_value = _draw
draw_char = _draw_char


def scalar_range(method: HardwareMethod, port: Port) -> tuple[int, int]:
    """The values a scalar input port may take (its proven range; chars as `_draw_char`)."""
    assert not isinstance(port.type, ArrayType)
    lo, hi = _range(method, port.name, port.type)
    if port.chars:
        hi = min(hi, 0xFFFF)
    return lo, hi


def array_element_range(method: HardwareMethod, port: Port) -> tuple[int, int]:
    """The values an input array's elements may take when the method starts."""
    assert isinstance(port.type, ArrayType)
    lo, hi = _range(method, f"{port.name}[..]", port.type.element)
    if port.entry_range is not None:
        lo, hi = max(lo, port.entry_range[0]), min(hi, port.entry_range[1])
    if port.chars:
        hi = min(hi, 0xFFFF)
    return lo, hi


def _as(t: ScalarType, v: int) -> Scalar:
    return bool(v) if isinstance(t, BoolType) else v


def sample_candidates(method: HardwareMethod, count: int, seed: int) -> list[Vector]:
    """`count` candidate input vectors (before the precondition filter), deterministic in `seed`."""
    rng = random.Random(seed)
    ports = [p for p in method.ports if p.direction in ("in", "inout")]
    if not ports:
        return [{}]  # no inputs (a constant): one run of the reference says all there is
    candidates: list[Vector] = []
    corners = ("lo", "hi", "zero", "one")
    for k in range(count):
        vec: Vector = {}
        for p in ports:
            t = p.type
            if isinstance(t, ArrayType):
                lo, hi = _range(method, f"{p.name}[..]", t.element)
                if p.entry_range is not None:
                    # inputs only as the method may receive them, not the values it writes
                    lo, hi = max(lo, p.entry_range[0]), min(hi, p.entry_range[1])
                n = _length(rng, t, k < len(corners) and k % 2 == 1, k < len(corners))
                draw = _draw_char if p.chars else _draw
                elems = [draw(rng, lo, hi) for _ in range(n)]
                shape = k % 5
                if k >= len(corners) and shape == 1:
                    elems.sort()
                elif k >= len(corners) and shape == 2:
                    elems.sort(reverse=True)
                elif k >= len(corners) and shape == 3 and elems:
                    elems = [elems[0]] * n
                vec[p.name] = [_as(t.element, v) for v in elems]
            else:
                lo, hi = _range(method, p.name, t)
                if p.chars:
                    hi = min(hi, 0xFFFF)  # see _draw_char
                if k < len(corners):
                    corner = corners[k]
                    v = {"lo": lo, "hi": hi, "zero": 0, "one": 1}[corner]
                    v = min(max(v, lo), hi)
                else:
                    v = (_draw_char if p.chars else _draw)(rng, lo, hi)
                vec[p.name] = _as(t, v)
        candidates.append(vec)
    # a structured pass over pairs of scalars: equal values and neighbours satisfy `a <= b` style
    # preconditions that independent draws miss half of the time
    scalars = [p for p in ports if isinstance(p.type, IntType)]
    if len(scalars) >= 2:
        for k in range(min(count // 4, 16)):
            base = dict(candidates[len(corners) + k % max(count - len(corners), 1)])
            first = base[scalars[0].name]
            for j, p in enumerate(scalars[1:], start=1):
                lo, hi = _range(method, p.name, p.type)  # type: ignore[arg-type]
                if p.chars:
                    hi = min(hi, _SURROGATES[0] - 1)  # a neighbour stays a valid char
                if isinstance(first, int):
                    base[p.name] = min(max(first + (j if k % 2 else 0), lo), hi)
            candidates.append(base)
    return candidates


def _to_unsigned(value: int, width: int) -> int:
    return value & ((1 << width) - 1)


def _from_unsigned(raw: int, width: int, signed: bool) -> int:
    if signed and raw >> (width - 1):
        return raw - (1 << width)
    return raw


def _scalar_bits(value: Scalar, t: ScalarType, width: int) -> int:
    if isinstance(t, BoolType):
        return 1 if value else 0
    return _to_unsigned(int(value), width)


def pack_inputs(iface: HwInterface, vector: Mapping[str, Value]) -> list[int]:
    """One unsigned integer per data input port, in port order."""
    packed: list[int] = []
    for slot in iface.inputs:
        value = vector[slot.ir_name]
        if slot.kind == "length":
            packed.append(len(value) if isinstance(value, list) else 0)
        elif slot.kind == "array":
            items = value if isinstance(value, list) else []
            word = 0
            w = slot.element_width
            for i, item in enumerate(items[: slot.elements]):
                word |= _scalar_bits(item, slot.element, w) << (i * w)
            packed.append(word)
        else:
            assert not isinstance(value, list)
            packed.append(_scalar_bits(value, slot.element, slot.width))
    return packed


def _decode(slot: PortSlot, raw: int) -> Scalar:
    if isinstance(slot.element, BoolType):
        return bool(raw & 1)
    return _from_unsigned(raw, slot.element_width, slot.signed)


def unpack_outputs(
    iface: HwInterface, sample: Mapping[str, int | None], lengths: Mapping[str, int]
) -> dict[str, Value | None]:
    """Port values read from the simulation (by Verilog name) -> IR values (None: x/z bits).

    `lengths` gives the run-time length of arrays whose length is not fixed."""
    out: dict[str, Value | None] = {}
    for slot in iface.outputs:
        raw = sample.get(slot.rtl_name)
        if raw is None:
            out[slot.ir_name] = None
            continue
        if slot.kind == "array":
            w = slot.element_width
            n = lengths.get(slot.ir_name, slot.elements)
            out[slot.ir_name] = [_decode(slot, (raw >> (i * w)) & ((1 << w) - 1)) for i in range(n)]
        elif slot.kind == "length":
            continue  # below, once the buffer itself is read
        else:
            out[slot.ir_name] = _decode(slot, raw)
    for slot in iface.outputs:
        if slot.kind != "length":
            continue
        raw = sample.get(slot.rtl_name)
        items = out.get(slot.ir_name)
        if raw is None or not isinstance(items, list):
            out[slot.ir_name] = None
        elif raw > len(items):
            # a length beyond the capacity: no prefix of the buffer is the result; the
            # comparison shows the claimed length as that many unknown (-1) elements
            out[slot.ir_name] = [*items, *([-1] * (raw - len(items)))]
        else:
            out[slot.ir_name] = items[:raw]  # the result is the first `<res>_len` elements
    return out
