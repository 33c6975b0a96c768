"""How DSLX spells things: types, literals, conversions between widths, and the restoring divider
that stands in for a divide or modulo too slow for one clock period."""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.frontend.ir import ArrayType, BoolType, HwType, IntType, ScalarType
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import int_type, scalar_literal, scalar_width
from toolchain.hls.operators import known_width


def bits_type(width: int, signed: bool = False) -> str:
    """DSLX names u1..u64 and s1..s64; wider types are spelled uN[w] / sN[w]."""
    if width <= 64:
        return f"{'s' if signed else 'u'}{width}"
    return f"{'sN' if signed else 'uN'}[{width}]"


def dtype(t: HwType) -> str:
    if isinstance(t, BoolType):
        return "bool"
    if isinstance(t, IntType):
        return bits_type(known_width(t), t.signed)
    cap = t.capacity
    if cap is None:
        raise HlsError(f"array of unknown size ({t})")
    return f"{dtype(t.element)}[{cap}]"


def literal(value: int | bool, t: ScalarType) -> str:
    return scalar_literal(value, t, _int_literal)


def _int_literal(v: int, it: IntType) -> str:
    if not it.min_value <= v <= it.max_value:
        if it.wraps:
            v %= 1 << (it.width or 1)
            if it.signed and v > it.max_value:
                v -= 1 << (it.width or 1)
        else:
            raise HlsError(
                f"constant {v} does not fit its IR type {it}",
                hint="the front end typed this node too narrowly; please report it",
            )
    return f"{dtype(it)}:{v}"


def convert(text: str, src: HwType, dst: HwType) -> str:
    """Re-type a value: sign/zero-extend by the source's signedness, or truncate."""
    if dtype(src) == dtype(dst):
        return text
    if isinstance(src, BoolType) or isinstance(dst, BoolType):
        raise HlsError(f"cannot convert {src} to {dst}")
    if isinstance(src, ArrayType) or isinstance(dst, ArrayType):
        raise HlsError(f"cannot convert array {src} to {dst}")
    return f"({text} as {dtype(dst)})"


@dataclass(frozen=True)
class SlowOp:
    """A divide, modulo or multiply in the DSLX: the operators whose single XLS node can be
    longer than a clock period, named for diagnostics by the Dafny source they came from."""

    kind: str  # "divide", "modulo" or "multiply"
    width: int  # bits of the operands as the DSLX computes them
    signed: bool
    loc: str  # file:line:col of the Dafny expression
    xls_op: str  # the IR operation a plain DSLX operator becomes (udiv, smod, umul, ...)

    def describe(self) -> str:
        return f"the {self.width}-bit {self.kind} at {self.loc}"


def packed_bits(t: HwType) -> int:
    if isinstance(t, ArrayType):
        return packed_bits(t.element) * (t.capacity or 0)
    return scalar_width(t)


def udivmod_function(name: str, w: int) -> str:
    """DSLX of a `w`-bit unsigned restoring divider returning (quotient, remainder).

    One unrolled step per dividend bit, most significant first: shift the next bit into the
    partial remainder, compare it with the divisor, subtract when it is not smaller; the
    comparison's outcome is the quotient bit. The partial remainder is below the divisor
    before each shift, so w + 1 bits hold it. A zero divisor yields (all ones, dividend), a value
    only a discarded path can see: Dafny proves every divisor that is used non-zero.
    """
    uw, uw1 = bits_type(w), bits_type(w + 1)
    return (
        f"fn {name}(n: {uw}, d: {uw}) -> ({uw}, {uw}) {{\n"
        f"  let dw = d as {uw1};\n"
        f"  for (i, (q, r)): (u32, ({uw}, {uw})) in u32:0..u32:{w} {{\n"
        f"    let shifted = ((r as {uw1}) << u32:1) | (((n >> (u32:{w - 1} - i)) as u1) as {uw1});\n"
        f"    let fits = shifted >= dw;\n"
        f"    let rest = if fits {{ shifted - dw }} else {{ shifted }};\n"
        f"    ((q << u32:1) | (fits as {uw}), rest as {uw})\n"
        f"  }}(({uw}:0, {uw}:0))\n"
        f"}}"
    )


__all__ = [
    "SlowOp",
    "bits_type",
    "convert",
    "dtype",
    "int_type",
    "literal",
    "packed_bits",
    "udivmod_function",
]
