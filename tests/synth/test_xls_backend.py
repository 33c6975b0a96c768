"""The XLS back end against the front end's IR interpreter: DSLX functions evaluated by XLS
itself, and proc state machines simulated as Verilog (iverilog + cocotb), on random inputs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import xls

from toolchain.cosim.simulate import simulate
from toolchain.cosim.vectors import pack_inputs, unpack_outputs
from toolchain.frontend.interp import run_method
from toolchain.frontend.ir import HardwareMethod
from toolchain.hls.dslx import MODULE, to_dslx
from toolchain.hls.interface import build_interface
from toolchain.hls.structurize import StructureOptions, structurize
from toolchain.hls.xls_backend import XlsOptions, synthesize_xls

from . import ir_builders as irb
from .test_structurize import _inputs


def _run_function(
    method: HardwareMethod, vectors: list[dict[str, object]]
) -> list[dict[str, object]]:
    iface = build_interface(method)
    structured, _ = structurize(method, StructureOptions(unroll_limit=64))
    module = to_dslx(structured, iface)
    assert module.kind == "function"
    ir = xls.convert_dslx_to_ir(module.text, f"{MODULE}.x", MODULE)
    fn = xls.parse_ir_package(xls.optimize_ir(ir, xls.mangle_dslx_name(MODULE, module.top)))
    jit = fn.get_function(xls.mangle_dslx_name(MODULE, module.top)).to_jit()
    results = []
    for vec in vectors:
        word = sum(
            p << s.offset for p, s in zip(pack_inputs(iface, vec), iface.inputs, strict=True)
        )
        arg = xls.parse_typed_value(f"bits[{iface.in_width}]:{word}")
        out = int(jit.run([arg]).to_string().split(":")[1], 0)
        sample = {s.rtl_name: (out >> s.offset) & ((1 << s.width) - 1) for s in iface.outputs}
        lengths = {k: len(x) for k, x in vec.items() if isinstance(x, list)}
        results.append(unpack_outputs(iface, sample, lengths))
    return results


@pytest.mark.parametrize(
    "make",
    [irb.saturating_add, lambda: irb.first_above(8), irb.nested_break, irb.bump_array],
    ids=["sat_add", "first_above", "nested_break", "bump_array"],
)
def test_dslx_function_matches_the_ir_interpreter(make: object) -> None:
    assert callable(make)
    method: HardwareMethod = make()
    rng = random.Random(3)
    vectors = [_inputs(method, rng) for _ in range(120)]
    got = _run_function(method, vectors)
    for vec, out in zip(vectors, got, strict=True):
        assert out == run_method(method, vec), vec


@pytest.mark.parametrize(
    ("make", "unroll"),
    [(irb.gcd8, 32), (lambda: irb.first_above(8, trips_known=False), 32), (irb.nested_break, 0)],
    ids=["gcd8", "first_above_fsm", "nested_break_fsm"],
)
def test_proc_state_machine_matches_the_ir_interpreter(
    make: object, unroll: int, tmp_path: Path
) -> None:
    assert callable(make)
    method: HardwareMethod = make()
    result = synthesize_xls(method, XlsOptions(structure=StructureOptions(unroll_limit=unroll)))
    assert result.architecture.value == "fsm"
    for name, text in result.files.items():
        (tmp_path / name).write_text(text)
    iface = result.interface
    rng = random.Random(5)
    vectors = [_inputs(method, rng) for _ in range(40)]
    sim = simulate(
        [tmp_path / f for f in result.rtl_files],
        iface.top,
        [s.rtl_name for s in iface.inputs],
        [s.rtl_name for s in iface.outputs],
        [pack_inputs(iface, v) for v in vectors],
        tmp_path / "sim",
        max_cycles=2000,
    )
    assert sim.status == "ok"
    assert len(sim.results) == len(vectors)
    for vec, res in zip(vectors, sim.results, strict=True):
        lengths = {k: len(x) for k, x in vec.items() if isinstance(x, list)}
        assert unpack_outputs(iface, res["outputs"], lengths) == run_method(method, vec), vec


def test_pipeline_function_reports_its_schedule() -> None:
    fast = synthesize_xls(irb.saturating_add(), XlsOptions(clock_ns=10.0))
    assert fast.architecture.value == "pipeline"
    assert fast.initiation_interval == 1
    assert fast.latency_estimate == 2  # input flops + one datapath stage + output flops
    assert fast.critical_path_ps is not None and 0 < fast.critical_path_ps < 10_000
    staged = synthesize_xls(irb.saturating_add(), XlsOptions(pipeline_stages=3))
    assert staged.latency_estimate == 4
    top = fast.files["SatAdd.v"]
    for port in ("clk", "rst", "in_valid", "in_ready", "out_valid", "out_ready"):
        assert f" {port}" in top
    assert "input wire [7:0] a" in top and "output wire [8:0] s" in top
