"""Hand-written XLS anchors: the bench kernels written by hand in DSLX (bench/qor/dslx/*.x), built
with the same XLS, wrapped in the same stable port interface, counted by the same yosys and
co-simulated against Dafny's compiled program on the same vectors as Proof2Silicon's designs.

A kernel without a DSLX file (gcd16: a data-dependent loop, which a DSLX function cannot hold)
has polyphony as its only hand-written design.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.qor.__main__ import HERE, Kernel, Row
from shared_schemas.synthesis import SynthTarget
from toolchain.atomic import write_atomic
from toolchain.cosim.run import first_mismatch, prepare_reference
from toolchain.cosim.simulate import simulate
from toolchain.cosim.vectors import pack_inputs, unpack_outputs
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.hls.dslx import DslxModule
from toolchain.hls.interface import build_interface
from toolchain.hls.wrapper import top_module
from toolchain.hls.xls_backend import XlsOptions, run_xls
from toolchain.synth.yosys import synthesize

DSLX = HERE / "dslx"


def has_anchor(k: Kernel) -> bool:
    return (DSLX / f"{k.name}.x").exists()


def run_dslx_anchor(
    k: Kernel, engine: DafnyEngine, out: Path, vectors: int, stages: int = 1
) -> Row:
    """The hand-written DSLX of `k` as a `stages`-stage XLS pipeline, measured like ours."""
    work = out / "dslx" / f"{k.name}_s{stages}"
    source = (HERE / "kernels" / f"{k.name}.dfy").read_text(encoding="utf-8")
    method = lower(source, k.method, engine=engine).method
    assert method is not None
    iface = build_interface(method)
    text = (DSLX / f"{k.name}.x").read_text(encoding="utf-8")
    core = f"{iface.top}_hand_core"
    reply = run_xls(
        DslxModule(text=text, kind="function", top="top", segments=0, state_bits=0),
        core,
        XlsOptions(pipeline_stages=stages),
    )
    core_v = write_atomic(work / f"{core}.v", str(reply["verilog"]))
    top_v = write_atomic(
        work / f"{iface.top}.v", top_module(iface, core, str(reply["verilog"]), "function")
    )
    res = synthesize([top_v, core_v], iface.top, SynthTarget.xilinx, work / "synth").resources
    prepared = prepare_reference(method, source, engine, work / "cosim", vectors=vectors)
    chosen = [i for i in prepared.run.accepted if i in prepared.run.outputs][:vectors]
    vecs = [prepared.candidates[i] for i in chosen]
    expected = [prepared.run.outputs[i] for i in chosen]
    sim = simulate(
        [top_v, core_v],
        iface.top,
        [s.rtl_name for s in iface.inputs],
        [s.rtl_name for s in iface.outputs],
        [pack_inputs(iface, v) for v in vecs],
        work / "sim",
        max_cycles=10_000,
    )
    actual = [unpack_outputs(iface, r["outputs"], {}) for r in sim.results]
    passed, _ = first_mismatch(method, vecs[: len(actual)], expected[: len(actual)], actual)
    lat = [int(r["latency"]) for r in sim.results]
    return Row(
        lut=res.lut,
        ff=res.ff,
        cycles_mean=round(statistics.fmean(lat), 2) if lat else None,
        cycles_max=max(lat) if lat else None,
        fmax=None,
        correct=f"{passed}/{len(vecs)}",
    )


__all__ = ["DSLX", "has_anchor", "run_dslx_anchor"]
