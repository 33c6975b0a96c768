"""Operators slower than the clock (issue #16 item 3): a divide or modulo is one XLS node of about
24 ns for 32 bits on the sky130 delay model, which no pipeline stage of a 10 ns clock can hold.

The XLS back end then writes it as a restoring (shift-subtract) divider whose steps the scheduler
spreads over stages. These tests check that divider against Python's Euclidean division (Dafny's
rule: 0 <= remainder < |divisor|) on edge values through XLS's own JIT, the back end's choice and
its diagnostics, and the whole flow (Dafny -> XLS -> yosys -> iverilog co-simulation against
Dafny's compiled program) on a small kernel and on MBPP task 292 read in place from the corpora.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import xls

from toolchain.frontend.ir import (
    UNKNOWN_SPAN,
    Assign,
    Binary,
    BinOp,
    HardwareMethod,
    IntType,
    Port,
    SourceSpan,
    Var,
    VarTarget,
)
from toolchain.hls.dslx import MODULE, to_dslx, udivmod_function
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import build_interface
from toolchain.hls.xls_backend import XlsOptions, synthesize_xls

from . import ir_builders as irb

REPO = Path(__file__).resolve().parents[2]
S32 = IntType(width=32, signed=True)
S33 = IntType(width=33, signed=True)
U32 = IntType(width=32, signed=False)
SPAN = SourceSpan("divmod.dfy", 4, 7, 4, 12)


def euclid(a: int, b: int) -> tuple[int, int]:
    """Dafny's int division: the remainder is in [0, |b|), the quotient follows from it."""
    r = a % abs(b)
    return (a - r) // b, r


def divmod_method(t: IntType, result: IntType, euclidean: bool | None = None) -> HardwareMethod:
    """q := a / b; r := a % b over inputs of type t (as the front end lowers them); the front end
    leaves `euclidean_needed` off when it proved both operands non-negative."""
    signed = t.signed if euclidean is None else euclidean

    def op(o: BinOp) -> Binary:
        return Binary(
            op=o,
            lhs=Var(name="a", type=t),
            rhs=Var(name="b", type=t),
            type=result,
            euclidean_needed=signed,
            loc=SPAN,
        )

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
@pytest.mark.parametrize(
    ("t", "result", "euclidean", "lo"),
    [(S32, S33, True, -(2**31)), (S32, S33, False, 0), (U32, U32, False, 0)],
    ids=["signed", "signed_proven_non_negative", "unsigned"],
)
def test_divmod_is_euclidean_on_edge_values(
    stepped: bool, t: IntType, result: IntType, euclidean: bool, lo: int
) -> None:
    method = divmod_method(t, result, euclidean)
    iface = build_interface(method)
    module = to_dslx(method, iface, stepped_division=stepped)
    w = 33 if t.signed else 32
    assert module.stepped_division == stepped
    assert (f"udivmod_{w}" in module.text) == stepped
    assert [op.kind for op in module.slow_ops] == ["divide", "modulo"]
    assert module.slow_ops[0].describe() == f"the {w}-bit divide at {SPAN}"
    jit = _jit(module.text, module.top)
    (qs,) = [s for s in iface.outputs if s.ir_name == "q"]
    (rs,) = [s for s in iface.outputs if s.ir_name == "r"]
    (a_slot,) = [s for s in iface.inputs if s.ir_name == "a"]
    (b_slot,) = [s for s in iface.inputs if s.ir_name == "b"]
    mask = (1 << 32) - 1
    hi = 2**31 - 1 if t.signed else mask
    edges = [x for x in [*EDGES_S32, mask, mask - 1, 2**31] if lo <= x <= hi]
    for a, b in _pairs(edges, lo, hi, seed=16):
        word = ((a & mask) << a_slot.offset) | ((b & mask) << b_slot.offset)
        (out,) = _bits(jit.run([xls.parse_typed_value(f"bits[{iface.in_width}]:{word}")]))
        q = (out >> qs.offset) & ((1 << qs.width) - 1)
        r = (out >> rs.offset) & ((1 << rs.width) - 1)
        if result.signed:
            q, r = _signed(q, qs.width), _signed(r, rs.width)
        assert (q, r) == euclid(a, b), (a, b)


@pytest.mark.parametrize("width", [1, 8, 32, 70])
def test_unsigned_restoring_divider(width: int) -> None:
    text = udivmod_function("udivmod", width) + (
        f"\n\npub fn top(n: {_u(width)}, d: {_u(width)}) -> ({_u(width)}, {_u(width)}) "
        "{ udivmod(n, d) }\n"
    )
    jit = _jit(text, "top")
    top = (1 << width) - 1
    edges = sorted(
        {x for x in (0, 1, 2, 3, top - 1, top >> 1, (top >> 1) + 1, top) if 0 <= x <= top}
    )
    rng = random.Random(width)
    pairs = [(a, b) for a in edges for b in edges if b != 0]
    pairs += [
        (rng.randint(0, top), rng.randint(1, top) >> rng.randint(0, width - 1)) for _ in range(200)
    ]
    for a, b in pairs:
        b = b or 1
        args = [xls.parse_typed_value(f"bits[{width}]:{x}") for x in (a, b)]
        q, r = _bits(jit.run(args))
        assert (q, r) == divmod(a, b), (a, b)


def _u(width: int) -> str:
    return f"u{width}" if width <= 64 else f"uN[{width}]"


# ---- the back end's choice and its diagnostics ----------------------------------------------


def test_divide_longer_than_the_clock_is_pipelined_in_steps() -> None:
    result = synthesize_xls(divmod_method(S32, S33), XlsOptions(clock_ns=10.0))
    dslx = result.files["DivMod.x"]
    assert "udivmod_33" in dslx and " / " not in dslx and " % " not in dslx
    assert result.critical_path_ps is not None and result.critical_path_ps <= 10_000
    # a 33-bit restoring divider takes several 10 ns stages; input and output flops add two
    assert result.latency_estimate is not None and result.latency_estimate >= 4
    (note,) = [w for w in result.warnings if "shift-subtract" in w]
    m = re.search(r"the 33-bit divide at divmod\.dfy:5:8 \((\d+\.\d) ns as one operation\)", note)
    assert m is not None, note
    assert float(m.group(1)) > 10.0


def test_a_divide_within_the_clock_stays_one_operation() -> None:
    result = synthesize_xls(divmod_method(S32, S33), XlsOptions(clock_ns=30.0))
    assert "udivmod" not in result.files["DivMod.x"]
    assert not [w for w in result.warnings if "clock" in w]


def test_a_clock_even_the_steps_cannot_meet_is_a_located_error() -> None:
    with pytest.raises(HlsError) as info:
        synthesize_xls(divmod_method(S32, S33), XlsOptions(clock_ns=0.3))
    err = info.value
    assert err.exit_code == 2
    assert err.loc == str(SPAN)
    text = str(err)
    assert "cannot achieve" not in text  # XLS's own words are not the diagnostic
    m = re.fullmatch(
        r"DivMod needs a clock period of at least (\d+\.\d) ns, even with the 33-bit divide at "
        r"divmod\.dfy:5:8 written as shift-subtract steps; the 0\.3 ns clock target \(sky130 "
        r"delay model\) is shorter, and no single operation can be split across pipeline "
        r"stages: pass --clock-ns (\d+(?:\.\d)?)",
        text,
    )
    assert m is not None, text
    assert 0.3 < float(m.group(1)) <= float(m.group(2)) < 10.0


def test_too_few_stages_name_the_options_that_fix_it() -> None:
    result = synthesize_xls(divmod_method(S32, S33), XlsOptions(clock_ns=10.0, pipeline_stages=2))
    assert "udivmod_33" in result.files["DivMod.x"]  # the steps still shorten the stages
    (warning,) = [w for w in result.warnings if "too few" in w]
    assert "2 pipeline stage(s) are too few" in warning
    assert "or leave out --stages" in warning
    m = re.search(r"at least (\d+\.\d) ns", warning)
    assert m is not None and 10.0 < float(m.group(1)) < 27.0, warning


def test_state_machine_modulo_reports_the_clock_it_needs() -> None:
    result = synthesize_xls(irb.gcd8(), XlsOptions(clock_ns=2.0))
    assert "udivmod" not in result.files["Gcd8.x"]  # one cycle per iteration either way
    (warning,) = [w for w in result.warnings if "--clock-ns" in w]
    m = re.search(
        r"the 8-bit modulo at \S+ in Gcd8 is one XLS operation of (\d+\.\d) ns; the 2 ns clock "
        r"target \(sky130 delay model\) is shorter, and a state machine runs a whole loop "
        r"iteration in one cycle: pass --clock-ns (\d+(?:\.\d)?)",
        warning,
    )
    assert m is not None, warning
    assert 2.0 < float(m.group(1)) <= float(m.group(2))


# ---- the whole flow: Dafny -> XLS -> yosys -> iverilog against Dafny's compiled program -----

DIVMOD_DFY = """
method DivMod(a: int, b: int) returns (q: int, r: int)
  requires -2147483648 <= a < 2147483648 && -2147483648 <= b < 2147483648 && b != 0
  ensures q == a / b && r == a % b
{
  q := a / b;
  r := a % b;
}
"""


def _p2s_synth(
    *args: str, cache: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    out = cache.parent / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "toolchain.cli", "synth", *args, "--out", str(out), "--no-fmax"],
        cwd=REPO,
        env={**os.environ, "P2S_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    report: dict[str, object] = json.loads((out / "report.json").read_text())
    return proc, report


def _check_pipelined(report: dict[str, object], vectors: int) -> None:
    cosim = report["cosim"]
    assert isinstance(cosim, dict)
    assert cosim["verdict"] == "passed" and cosim["vectors_passed"] == vectors
    assert cosim["reference"] == "dafny-compiled"
    assert report["architecture"] == "pipeline"
    latency = report["latency"]
    assert isinstance(latency, dict)
    assert latency["measured_max_cycles"] == latency["estimate_cycles"] >= 4
    resources = report["resources"]
    assert isinstance(resources, dict) and resources["lut"] > 0 and resources["ff"] > 0


@pytest.mark.slow
def test_p2s_synth_divmod_at_10ns_passes_cosimulation(tmp_path: Path) -> None:
    src = tmp_path / "divmod.dfy"
    src.write_text(DIVMOD_DFY)
    proc, report = _p2s_synth(str(src), "--vectors", "48", cache=tmp_path / "cache")
    _check_pipelined(report, 48)
    assert "shift-subtract" in proc.stdout
    assert (tmp_path / "out" / "hls" / "DivMod.x").read_text().count("fn udivmod_") == 1


@pytest.mark.slow
def test_mbpp_292_quotient_reaches_cosimulated_rtl(datasets_dir: Path, tmp_path: Path) -> None:
    src = datasets_dir / "mbpp-dfy" / "MBPP-DFY-153" / "src" / "task_id_292.dfy"
    proc, report = _p2s_synth(
        str(src),
        "--assume-input-bits",
        "32",
        "--assume-max-length",
        "16",
        "--vectors",
        "32",
        cache=tmp_path / "cache",
    )
    _check_pipelined(report, 32)
    assert re.search(r"the 33-bit divide at \S+task_id_292\.dfy:5:15 \(\d+\.\d ns", proc.stdout)
