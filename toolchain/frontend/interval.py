"""Integer intervals with unbounded ends, and the arithmetic the range analysis needs.

`None` as an end means unbounded on that side. Division and modulus follow Dafny's Euclidean
definitions (the remainder is never negative), so the bounds stay sound for negative operands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    lo: int | None
    hi: int | None

    @staticmethod
    def point(v: int) -> Interval:
        return Interval(v, v)

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    @property
    def empty(self) -> bool:
        return self.lo is not None and self.hi is not None and self.lo > self.hi

    def contains(self, v: int) -> bool:
        return (self.lo is None or self.lo <= v) and (self.hi is None or v <= self.hi)

    def within(self, other: Interval) -> bool:
        lo_ok = other.lo is None or (self.lo is not None and self.lo >= other.lo)
        hi_ok = other.hi is None or (self.hi is not None and self.hi <= other.hi)
        return lo_ok and hi_ok

    def join(self, other: Interval) -> Interval:
        lo = None if self.lo is None or other.lo is None else min(self.lo, other.lo)
        hi = None if self.hi is None or other.hi is None else max(self.hi, other.hi)
        return Interval(lo, hi)

    def meet(self, other: Interval) -> Interval:
        lo = (
            other.lo
            if self.lo is None
            else (self.lo if other.lo is None else max(self.lo, other.lo))
        )
        hi = (
            other.hi
            if self.hi is None
            else (self.hi if other.hi is None else min(self.hi, other.hi))
        )
        return Interval(lo, hi)

    def widen(self, newer: Interval) -> Interval:
        """Standard widening: an end that moved goes to infinity."""
        lo = (
            self.lo
            if self.lo is not None and newer.lo is not None and newer.lo >= self.lo
            else None
        )
        hi = (
            self.hi
            if self.hi is not None and newer.hi is not None and newer.hi <= self.hi
            else None
        )
        return Interval(lo, hi)

    def __str__(self) -> str:
        lo = "-inf" if self.lo is None else str(self.lo)
        hi = "+inf" if self.hi is None else str(self.hi)
        return f"[{lo}, {hi}]"


TOP = Interval(None, None)
BOOL_RANGE = Interval(0, 1)


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def add(a: Interval, b: Interval) -> Interval:
    return Interval(_add(a.lo, b.lo), _add(a.hi, b.hi))


def neg(a: Interval) -> Interval:
    return Interval(None if a.hi is None else -a.hi, None if a.lo is None else -a.lo)


def sub(a: Interval, b: Interval) -> Interval:
    return add(a, neg(b))


def scale(a: Interval, k: int) -> Interval:
    return mul(a, Interval.point(k))


def mul(a: Interval, b: Interval) -> Interval:
    if a == Interval.point(0) or b == Interval.point(0):
        return Interval.point(0)
    if not (a.bounded and b.bounded):
        # sign reasoning keeps one end when both operands are non-negative
        if a.lo is not None and b.lo is not None and a.lo >= 0 and b.lo >= 0:
            return Interval(a.lo * b.lo, None)
        return TOP
    assert a.lo is not None and a.hi is not None and b.lo is not None and b.hi is not None
    corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    return Interval(min(corners), max(corners))


def euclid_div(x: int, y: int) -> int:
    """Dafny's `/` on int: the quotient q with x == q*y + r and 0 <= r < |y|."""
    q, r = divmod(x, y)  # floor division
    if r < 0 or (r != 0 and y < 0):
        # Python's floor remainder takes the divisor's sign; shift to a non-negative remainder
        r2 = x - q * y
        while r2 < 0:
            q += -1 if y > 0 else 1
            r2 = x - q * y
        while r2 >= abs(y):
            q += 1 if y > 0 else -1
            r2 = x - q * y
    return q


def euclid_mod(x: int, y: int) -> int:
    return x - euclid_div(x, y) * y


def join_all(parts: list[Interval]) -> Interval:
    """The hull of `parts`; TOP when there are none, since the callers then know nothing sound."""
    if not parts:
        return TOP
    out = parts[0]
    for p in parts[1:]:
        out = out.join(p)
    return out


def div(a: Interval, b: Interval) -> Interval:
    if b.lo is not None and b.hi is not None and b.lo <= 0 <= b.hi:
        # Dafny proves the divisor non-zero, so split around zero
        parts = []
        if b.lo < 0:
            parts.append(div(a, Interval(b.lo, -1)))
        if b.hi > 0:
            parts.append(div(a, Interval(1, b.hi)))
        return join_all(parts)
    if b.lo is None or b.hi is None:
        if b.lo is not None and b.lo > 0 and a.lo is not None and a.hi is not None:
            # y >= k > 0: x / y lies between x / k and 0 (-1 for a negative x: Euclidean floor)
            q = div(a, Interval(b.lo, b.lo))
            return q.join(Interval.point(0)).join(Interval.point(-1 if a.lo < 0 else 0))
        return TOP
    if a.lo is None or a.hi is None:
        if a.lo is not None and a.lo >= 0 and b.lo > 0:
            return Interval(0, None)
        return TOP
    qs = [euclid_div(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    # Euclidean quotients are monotone in x for fixed y; in y they move by at most one step
    return Interval(min(qs) - (1 if a.lo < 0 else 0), max(qs) + (1 if a.lo < 0 else 0))


def mod(a: Interval, b: Interval) -> Interval:
    bmax: int | None
    if b.lo is None or b.hi is None:
        bmax = None
    else:
        bmax = max(abs(b.lo), abs(b.hi))
    hi = None if bmax is None else bmax - 1
    if a.lo is not None and a.lo >= 0:
        hi = a.hi if hi is None else (hi if a.hi is None else min(hi, a.hi))
    return Interval(0, hi)


def bits_unsigned(width: int) -> Interval:
    return Interval(0, (1 << width) - 1)


def bits_range(bits: int, signed: bool) -> Interval:
    """Every value a `bits`-wide two's-complement (signed) or plain binary number holds."""
    if signed:
        return Interval(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return bits_unsigned(bits)


def clamp_wrap(value: Interval, width: int) -> Interval:
    """A bit-vector result: exact when no wrap can happen, else the full range."""
    full = bits_unsigned(width)
    return value if value.within(full) else full
