"""Operators slower than the clock (issue #16 item 3): a divide or modulo is one XLS node of about
24 ns for 32 bits on the sky130 delay model, which no pipeline stage of a 10 ns clock can hold.

The XLS back end then writes it as a restoring (shift-subtract) divider whose steps the scheduler
spreads over stages. These tests check that divider against Python's Euclidean division (Dafny's
rule: 0 <= remainder < |divisor|) on edge values through XLS's own JIT, the back end's choice and
its diagnostics, and the whole flow (Dafny -> XLS -> yosys -> iverilog co-simulation against
Dafny's compiled program) on a small kernel and on MBPP task 292 read in place from the corpora.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import xls

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.frontend.ir import (
    UNKNOWN_SPAN,
    Binary,
    BinOp,
    HardwareMethod,
    IntType,
    Port,
    SourceSpan,
    Var,
)
from toolchain.hls.dslx import MODULE, to_dslx, udivmod_function
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import build_interface
from toolchain.hls.xls_backend import XlsOptions, synthesize_xls
from toolchain.synthesize import run_synthesis

S32 = IntType(width=32, signed=True)
S33 = IntType(width=33, signed=True)
U32 = IntType(width=32, signed=False)
SPAN = SourceSpan("divmod.dfy", 4, 7, 4, 12)


def euclid(a: int, b: int) -> tuple[int, int]:
    """Dafny's int division: the remainder is in [0, |b|), the quotient follows from it."""
    r = a % abs(b)
    return (a - r) // b, r


def divmod_method(t: IntType, result: IntType) -> HardwareMethod:
    """q := a / b; r := a % b over inputs of type t (as the front end lowers them)."""
    signed = t.signed

    def op(o: BinOp) -> Binary:
        return Binary(
            op=o,
            lhs=Var(name="a", type=t),
            rhs=Var(name="b", type=t),
            type=result,
            euclidean_needed=signed,
            loc=SPAN,
        )

    from toolchain.frontend.ir import Assign, VarTarget

    return HardwareMethod(
        name="DivMod",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="a", type=t, direction="in"),
            Port(name="b", type=t, direction="in"),
            Port(name="q", type=result, direction="out"),
            Port(name="r", type=result, direction="out"),
        ],
        locals=[],
        body=[
            Assign(targets=[VarTarget(name="q")], values=[op(BinOp.DIV)]),
            Assign(targets=[VarTarget(name="r")], values=[op(BinOp.MOD)]),
        ],
    )


def _jit(text: str, top: str) -> xls.FunctionJit:
    ir = xls.convert_dslx_to_ir(text, f"{MODULE}.x", MODULE)
    name = xls.mangle_dslx_name(MODULE, top)
    return xls.parse_ir_package(xls.optimize_ir(ir, name)).get_function(name).to_jit()


def _bits(value: xls.Value) -> list[int]:
    """Every bits leaf of an XLS value, in order (one for bits, one per element for tuples)."""
    return [int(x, 0) for x in re.findall(r"bits\[\d+\]:(0x[0-9a-f_]+|\d+)", value.to_string())]


def _signed(value: int, width: int) -> int:
    return value - (1 << width) if value >> (width - 1) else value


EDGES_S32 = [0, 1, -1, 2, -2, 3, -3, 7, -7, 2**31 - 1, -(2**31), 2**31 - 2, -(2**31) + 1]


def _pairs(edges: list[int], lo: int, hi: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    pairs = [(a, b) for a in edges for b in edges if b != 0]
    for _ in range(300):
        b = rng.randint(lo, hi) >> rng.randint(0, 30)
        pairs.append((rng.randint(lo, hi), b or 1))
    return pairs


@pytest.mark.parametrize("stepped", [True, False], ids=["stepped", "single_node"])
def test_signed_divmod_is_euclidean_on_edge_values(stepped: bool) -> None:
    method = divmod_method(S32, S33)
    iface = build_interface(method)
    module = to_dslx(method, iface, stepped_division=stepped)
    assert module.stepped_division == stepped
    assert ("udivmod_33" in module.text) == stepped
    assert [op.kind for op in module.slow_ops] == ["divide", "modulo"]
    assert module.slow_ops[0].describe() == f"the 33-bit divide at {SPAN}"
    jit = _jit(module.text, module.top)
    (qs,) = [s for s in iface.outputs if s.ir_name == "q"]
    (rs,) = [s for s in iface.outputs if s.ir_name == "r"]
    (a_slot,) = [s for s in iface.inputs if s.ir_name == "a"]
    (b_slot,) = [s for s in iface.inputs if s.ir_name == "b"]
    mask = (1 << 32) - 1
    for a, b in _pairs(EDGES_S32, -(2**31), 2**31 - 1, seed=16):
        word = ((a & mask) << a_slot.offset) | ((b & mask) << b_slot.offset)
        (out,) = _bits(jit.run([xls.parse_typed_value(f"bits[{iface.in_width}]:{word}")]))
        q = _signed((out >> qs.offset) & ((1 << 33) - 1), 33)
        r = _signed((out >> rs.offset) & ((1 << 33) - 1), 33)
        assert (q, r) == euclid(a, b), (a, b)


@pytest.mark.parametrize("width", [1, 8, 32, 70])
def test_unsigned_restoring_divider(width: int) -> None:
    text = udivmod_function("udivmod", width) + (
        f"\n\npub fn top(n: {_u(width)}, d: {_u(width)}) -> ({_u(width)}, {_u(width)}) "
        "{ udivmod(n, d) }\n"
    )
    jit = _jit(text, "top")
    top = (1 << width) - 1
    edges = sorted({x for x in (0, 1, 2, 3, top - 1, top >> 1, (top >> 1) + 1, top) if 0 <= x <= top})
    rng = random.Random(width)
    pairs = [(a, b) for a in edges for b in edges if b != 0]
    pairs += [(rng.randint(0, top), rng.randint(1, top) >> rng.randint(0, width - 1)) for _ in range(200)]
    for a, b in pairs:
        b = b or 1
        args = [xls.parse_typed_value(f"bits[{width}]:{x}") for x in (a, b)]
        q, r = _bits(jit.run(args))
        assert (q, r) == divmod(a, b), (a, b)


def _u(width: int) -> str:
    return f"u{width}" if width <= 64 else f"uN[{width}]"
