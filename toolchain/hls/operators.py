"""Operator spellings that DSLX and C++ share: both write arithmetic, bitwise operators and
comparisons the C way, so the two writers take them from one table."""

from __future__ import annotations

from toolchain.frontend.ir import BinOp, IntType
from toolchain.hls.errors import HlsError

ARITHMETIC = {BinOp.ADD: "+", BinOp.SUB: "-", BinOp.MUL: "*"}
BITWISE = {BinOp.BAND: "&", BinOp.BOR: "|", BinOp.BXOR: "^"}
COMPARISONS = {
    BinOp.EQ: "==",
    BinOp.NE: "!=",
    BinOp.LT: "<",
    BinOp.LE: "<=",
    BinOp.GT: ">",
    BinOp.GE: ">=",
}


def known_width(t: IntType) -> int:
    """The width of an integer type; an HlsError when the front end left it unsized."""
    if t.width is None:
        raise HlsError(f"integer of unknown width ({t})")
    return t.width
