"""Dafny's `/` and `%` as a restoring divider the XLS pipeline scheduler can spread over stages.

A single XLS divide node cannot be cut by the pipeline scheduler (about 24 ns for 32 bits on
sky130); the divider's steps (`dslx_syntax.udivmod_function`) can, a few per stage.
"""

from __future__ import annotations

from collections.abc import Callable

from toolchain.frontend.ir import BinOp, IntType
from toolchain.hls.dslx_syntax import bits_type, dtype, literal, udivmod_function

Let = Callable[[str, str], str]  # writes `let <hint>_N = <expr>;` and returns the name


def stepped_divmod(
    let: Let, helpers: dict[str, str], op: BinOp, n: str, d: str, c: IntType, euclidean: bool
) -> str:
    """Dafny's `n / d` or `n % d` on type `c` through the restoring divider `udivmod_<w>` (added
    to `helpers`). Signed operands go through their magnitudes and are corrected to Dafny's
    Euclidean rule (0 <= remainder < |d|)."""
    w = c.width or 1
    uw = bits_type(w)
    helper = f"udivmod_{w}"
    if helper not in helpers:
        helpers[helper] = udivmod_function(helper, w)
    if not c.signed or not euclidean:
        # unsigned, or signed operands the front end proved non-negative: plain division
        qr = let(f"{helper}({n} as {uw}, {d} as {uw})", "qr")
        part = let(f"{qr}.{0 if op == BinOp.DIV else 1}", "q" if op == BinOp.DIV else "r")
        return f"({part} as {dtype(c)})" if c.signed else part
    zero = literal(0, c)
    n_neg = let(f"{n} < {zero}", "neg")
    d_neg = let(f"{d} < {zero}", "neg")
    # the magnitude of the most negative value is 2**(w-1), which u<w> holds
    n_mag = let(f"(if {n_neg} {{ -{n} }} else {{ {n} }}) as {uw}", "mag")
    d_mag = let(f"(if {d_neg} {{ -{d} }} else {{ {d} }}) as {uw}", "mag")
    qr = let(f"{helper}({n_mag}, {d_mag})", "qr")
    q_mag, r_mag = let(f"{qr}.0", "q"), let(f"{qr}.1", "r")
    # n < 0 with a remainder: -|n| = -|d|*(Q+1) + (|d| - R), so the remainder stays >= 0
    bump = let(f"{n_neg} & ({r_mag} != {uw}:0)", "bump")
    if op == BinOp.MOD:
        return let(f"(if {bump} {{ {d_mag} - {r_mag} }} else {{ {r_mag} }}) as {dtype(c)}", "r")
    q_abs = let(f"(if {bump} {{ {q_mag} + {uw}:1 }} else {{ {q_mag} }}) as {dtype(c)}", "q")
    # the quotient is negative exactly when the signs differ
    return let(f"if ({n_neg} != {d_neg}) {{ -{q_abs} }} else {{ {q_abs} }}", "q")


__all__ = ["stepped_divmod"]
