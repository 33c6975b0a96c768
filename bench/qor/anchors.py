"""Hand-written XLS anchors: the bench kernels written by hand in DSLX (bench/qor/dslx/*.x), built
with the same XLS, wrapped in the same stable port interface, counted by the same yosys and
co-simulated against Dafny's compiled program on the same vectors as Proof2Silicon's designs.

A kernel without a DSLX file (gcd16: a data-dependent loop, which a DSLX function cannot hold)
has polyphony as its only hand-written design.
"""

from __future__ import annotations

from pathlib import Path

from bench.qor.__main__ import HERE, Kernel, Row, kernel_design, measure_hand_written
from shared_schemas.synthesis import SynthTarget
from toolchain.atomic import write_atomic
from toolchain.dafny import DafnyEngine
from toolchain.hls.dslx import DslxModule
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
    d = kernel_design(k, engine)
    text = (DSLX / f"{k.name}.x").read_text(encoding="utf-8")
    core = f"{d.iface.top}_hand_core"
    reply = run_xls(
        DslxModule(text=text, kind="function", top="top", segments=0, state_bits=0),
        core,
        XlsOptions(pipeline_stages=stages),
    )
    core_v = write_atomic(work / f"{core}.v", str(reply["verilog"]))
    top_v = write_atomic(
        work / f"{d.iface.top}.v", top_module(d.iface, core, str(reply["verilog"]), "function")
    )
    rtl = [top_v, core_v]
    res = synthesize(rtl, d.iface.top, SynthTarget.xilinx, work / "synth").resources
    return measure_hand_written(
        d,
        engine,
        rtl,
        d.iface.top,
        work,
        vectors=vectors,
        max_cycles=10_000,
        resources=res,
        fmax=None,
    )
