"""QoR side by side: five kernels through Proof2Silicon (verified Dafny -> XLS) and through
polyphony 0.3.6 (the same algorithm in its Python subset), in one run.

    .venv/bin/python -m bench.qor [--out DIR] [--vectors N] [--no-fmax]

For both flows: yosys synth_xilinx cells (LUT, FF), cycles from input handshake to result in
iverilog + cocotb simulation (the same input vectors, checked against Dafny's compiled program for
both), and the iCE40 HX8K Fmax from nextpnr. Polyphony's ready/valid/accept protocol is adapted to
the project's stable port interface by a small wrapper, so one testbench measures both.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.synthesis import ResourceReport, SynthesizeParams, SynthTarget
from toolchain.cosim.run import first_mismatch, prepare_reference
from toolchain.cosim.simulate import simulate
from toolchain.cosim.vectors import pack_inputs, unpack_outputs
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.frontend.ir import HardwareMethod
from toolchain.hls.interface import HwInterface, build_interface
from toolchain.proc import run_tool
from toolchain.synth.nextpnr import estimate_fmax
from toolchain.synth.versions import tool_versions
from toolchain.synth.yosys import synthesize
from toolchain.synthesize import run_synthesis

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kernel:
    name: str
    method: str  # the Dafny method
    function: str  # the polyphony function
    kind: str


KERNELS = [
    Kernel("sat_add", "SatAdd", "sat_add", "straight-line"),
    Kernel("popcount32", "Popcount32", "popcount32", "32-trip counted loop"),
    Kernel("clz16", "Clz16", "clz16", "loop with early exit"),
    Kernel("isqrt16", "Isqrt16", "isqrt16", "bisection, 8 steps"),
    Kernel("gcd16", "Gcd16", "gcd16", "data-dependent loop"),
]


@dataclass
class Row:
    lut: int
    ff: int
    cycles_mean: float | None
    cycles_max: int | None
    fmax: float | None
    correct: str


@dataclass(frozen=True)
class KernelDesign:
    """A bench kernel's verified method, lowered, with the port interface every flow is wrapped in."""

    source: str
    method: HardwareMethod
    iface: HwInterface


def kernel_design(k: Kernel, engine: DafnyEngine) -> KernelDesign:
    source = (HERE / "kernels" / f"{k.name}.dfy").read_text(encoding="utf-8")
    method = lower(source, k.method, engine=engine).method
    assert method is not None
    return KernelDesign(source, method, build_interface(method))


def measure_hand_written(
    d: KernelDesign,
    engine: DafnyEngine,
    rtl: list[Path],
    top: str,
    work: Path,
    *,
    vectors: int,
    max_cycles: int,
    resources: ResourceReport,
    fmax: float | None,
) -> Row:
    """A hand-written design's row: its RTL (`top` speaks the stable port interface) simulated
    on the vectors Dafny's compiled program accepts and checked against its outputs, as
    Proof2Silicon's own designs are."""
    prepared = prepare_reference(d.method, d.source, engine, work / "cosim", vectors=vectors)
    chosen = [i for i in prepared.run.accepted if i in prepared.run.outputs][:vectors]
    vecs = [prepared.candidates[i] for i in chosen]
    expected = [prepared.run.outputs[i] for i in chosen]
    sim = simulate(
        rtl,
        top,
        [s.rtl_name for s in d.iface.inputs],
        [s.rtl_name for s in d.iface.outputs],
        [pack_inputs(d.iface, v) for v in vecs],
        work / "sim",
        max_cycles=max_cycles,
    )
    actual = [unpack_outputs(d.iface, r["outputs"], {}) for r in sim.results]
    passed, _ = first_mismatch(d.method, vecs[: len(actual)], expected[: len(actual)], actual)
    lat = [int(r["latency"]) for r in sim.results]
    return Row(
        lut=resources.lut,
        ff=resources.ff,
        cycles_mean=round(statistics.fmean(lat), 2) if lat else None,
        cycles_max=max(lat) if lat else None,
        fmax=fmax,
        correct=f"{passed}/{len(vecs)}",
    )


_PORT = re.compile(r"(input|output)\s+(?:wire|reg)\s+(?:\[(\d+):0\]\s+)?(\w+)")


def _adapter(iface: HwInterface, fn: str, poly_v: str) -> str:
    """Polyphony's ready/accept/valid function interface -> the stable interface."""
    ports = {m.group(3): int(m.group(2) or 0) + 1 for m in _PORT.finditer(poly_v)}
    decls = ["input wire clk", "input wire rst", "input wire in_valid", "output wire in_ready"]
    decls += [f"input wire [{s.width - 1}:0] {s.rtl_name}" for s in iface.inputs]
    decls += ["output wire out_valid", "input wire out_ready"]
    decls += [f"output wire [{s.width - 1}:0] {s.rtl_name}" for s in iface.outputs]
    conns = [
        ".clk(clk)",
        ".rst(rst)",
        f".{fn}_ready(in_valid && !busy)",
        f".{fn}_accept(out_ready)",
        f".{fn}_valid(valid)",
    ]
    for s in iface.inputs:
        conns.append(f".{fn}_in_{s.ir_name}({s.rtl_name})")
    out = iface.outputs[0]
    width = ports[f"{fn}_out_0"]
    conns.append(f".{fn}_out_0(result)")
    return (
        f"module PolyTop(\n  {', '.join(decls)}\n);\n"
        "  reg busy;\n  wire valid;\n"
        f"  wire [{width - 1}:0] result;\n"
        "  assign in_ready = !busy;\n  assign out_valid = valid && busy;\n"
        f"  assign {out.rtl_name} = result;\n"
        "  always @(posedge clk)\n"
        "    if (rst) busy <= 1'b0;\n"
        "    else if (in_valid && !busy) busy <= 1'b1;\n"
        "    else if (valid && out_ready) busy <= 1'b0;\n"
        f"  {fn} core({', '.join(conns)});\n"
        "endmodule\n"
    )


def run_ours(k: Kernel, engine: DafnyEngine, out: Path, vectors: int, fmax: bool) -> Row:
    path = HERE / "kernels" / f"{k.name}.dfy"
    result = run_synthesis(
        SynthesizeParams(
            uri=str(path),
            method=k.method,
            out_dir=str(out / "ours" / k.name),
            target=SynthTarget.xilinx,
            vectors=vectors,
            fmax=fmax,
        ),
        engine=engine,
    )
    r = result.report
    assert r.resources is not None
    return Row(
        lut=r.resources.lut,
        ff=r.resources.ff,
        cycles_mean=r.latency.measured_mean_cycles,
        cycles_max=r.latency.measured_max_cycles,
        fmax=r.timing.nextpnr_fmax_mhz,
        correct=f"{r.cosim.vectors_passed}/{r.cosim.vectors_run}",
    )


def run_polyphony(k: Kernel, engine: DafnyEngine, out: Path, vectors: int, fmax: bool) -> Row:
    work = out / "polyphony" / k.name
    work.mkdir(parents=True, exist_ok=True)
    compiler = Path(sys.executable).with_name("polyphony")
    built = run_tool(
        [compiler, "-q", "-d", work, HERE / "polyphony" / f"{k.name}.py"], timeout_s=300, cwd=work
    )
    core = work / f"{k.function}.v"
    if built.returncode != 0 or not core.exists():
        raise SystemExit(f"polyphony failed on {k.name}: {built.output[-400:]}")
    # Polyphony ends unreachable select arms in 'bz, which yosys maps to tri-state buffers that
    # synth_xilinx -noiopad rejects; a constant 0 there changes nothing reachable.
    core.write_text(core.read_text(encoding="utf-8").replace("'bz", "'b0"), encoding="utf-8")
    d = kernel_design(k, engine)
    adapter = work / "poly_top.v"
    adapter.write_text(_adapter(d.iface, k.function, core.read_text(encoding="utf-8")))
    res = synthesize([core], k.function, SynthTarget.xilinx, work / "synth").resources
    f = None
    if fmax:
        f = estimate_fmax(
            [core, adapter], "PolyTop", d.iface.rtl_ports(), work / "fmax", target_mhz=100
        ).fmax_mhz
    return measure_hand_written(
        d,
        engine,
        [core, adapter],
        "PolyTop",
        work,
        vectors=vectors,
        max_cycles=200_000,
        resources=res,
        fmax=f,
    )


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}"


def _fmt(v: float | int | None, digits: int = 1) -> str:
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.qor", description=__doc__)
    parser.add_argument("--out", default=None, help="keep the designs here (default: a temp dir)")
    parser.add_argument("--vectors", type=int, default=32)
    parser.add_argument("--no-fmax", action="store_true")
    args = parser.parse_args(argv)
    engine = DafnyEngine.discover()
    versions = tool_versions(["yosys", "nextpnr-ice40", "iverilog", "xls", "polyphony"])
    print("bench/qor: Proof2Silicon (Dafny -> XLS) vs polyphony 0.3.6, yosys synth_xilinx,")
    print(f"           {args.vectors} vectors per kernel checked against Dafny's compiled program")
    print("           " + "; ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="p2s-qor-") as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        rows: list[tuple[Kernel, Row, Row]] = []
        for k in KERNELS:
            ours = run_ours(k, engine, out, args.vectors, not args.no_fmax)
            poly = run_polyphony(k, engine, out, args.vectors, not args.no_fmax)
            rows.append((k, ours, poly))
    head = (
        f"{'kernel':<11} {'kind':<21} | {'LUT':>5} {'FF':>5} {'cyc avg':>7} {'max':>4} {'Fmax':>6}"
        f" {'ok':>5} | {'LUT':>5} {'FF':>5} {'cyc avg':>7} {'max':>4} {'Fmax':>6} {'ok':>5} |"
        f" {'LUT':>5} {'FF':>5} {'cyc':>5}"
    )
    print()
    print(f"{'':<34}| {'Proof2Silicon (XLS)':<38}| {'polyphony 0.3.6':<38}| ours / polyphony")
    print(head)
    print("-" * len(head))
    for k, o, p in rows:
        print(
            f"{k.name:<11} {k.kind:<21} | {o.lut:>5} {o.ff:>5} {_fmt(o.cycles_mean):>7} "
            f"{_fmt(o.cycles_max):>4} {_fmt(o.fmax):>6} {o.correct:>5} | {p.lut:>5} {p.ff:>5} "
            f"{_fmt(p.cycles_mean):>7} {_fmt(p.cycles_max):>4} {_fmt(p.fmax):>6} {p.correct:>5} |"
            f" {_ratio(o.lut, p.lut):>5} {_ratio(o.ff, p.ff):>5} "
            f"{_ratio(o.cycles_mean, p.cycles_mean):>5}"
        )
    geo = [(o.lut / p.lut, o.ff / p.ff) for _, o, p in rows if p.lut and p.ff]
    if geo:
        lut_g = statistics.geometric_mean([g[0] for g in geo])
        ff_g = statistics.geometric_mean([g[1] for g in geo])
        print(f"geometric mean ours/polyphony: LUT {lut_g:.2f}, FF {ff_g:.2f}")
    print(
        f"cycles: input handshake to result; Fmax: nextpnr-ice40 HX8K; {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
