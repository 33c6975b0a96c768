"""`p2s synth FILE.dfy --method M [--backend xls|vitis] [--target xilinx|ice40] [--clock-ns N]
[--out DIR] [--force]`: verified Dafny -> RTL, synthesis report and co-simulation (see
toolchain.synthesize). Every flag is a field of `SynthesizeParams`, its default read from there.
An output folder holding files p2s did not write is refused without --force."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_schemas.synthesis import (
    CosimVerdict,
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
)
from toolchain.commands.model_flags import ModelFlags
from toolchain.commands.shared_flags import add_dafny_flag, settings_from

_FLAGS = ModelFlags(SynthesizeParams)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "synth",
        help="verified Dafny method -> Verilog, synthesis report, co-simulation against Dafny",
    )
    p.add_argument("file", metavar="FILE.dfy")
    p.add_argument("--method", "-m", default=_FLAGS.default("method"), help=_FLAGS.help("method"))
    _FLAGS.choice(p, "backend")
    _FLAGS.choice(p, "target")
    _FLAGS.option(p, "clock_ns", metavar="N")
    _FLAGS.option(p, "out_dir", "--out", metavar="DIR")
    _FLAGS.option(p, "vectors", metavar="N")
    _FLAGS.option(p, "seed")
    _FLAGS.switch(p, "fmax", "--no-fmax", "skip: " + _FLAGS.help("fmax"))
    _FLAGS.choice(p, "delay_model")
    _FLAGS.option(p, "pipeline_stages", "--stages", metavar="N")
    for name in ("unroll_limit", "assume_input_bits", "assume_max_length", "overflow_check_bits"):
        _FLAGS.option(p, name, metavar="N")
    _FLAGS.option(p, "cosim_time_limit_s", "--cosim-time-limit", metavar="S")
    _FLAGS.switch(p, "use_cache", "--no-cache", "rebuild even if nothing changed")
    _FLAGS.switch(p, "force")
    p.add_argument("--json", action="store_true", help="print report.json to stdout")
    add_dafny_flag(p)
    p.set_defaults(func=run)


def params_from_args(args: argparse.Namespace) -> SynthesizeParams:
    """The request the flags describe; a value the model refuses is an InputError naming the flag."""
    return _FLAGS.build(args, uri=args.file)


def summary_lines(report: SynthesisReport, out: Path, cached: bool) -> list[str]:
    lat, tim, res, cos = report.latency, report.timing, report.resources, report.cosim
    lines = [
        f"{report.method}: {report.architecture.value} on {report.backend.value} -> "
        f"{report.target.value}{' (cached)' if cached else ''}",
        f"  co-simulation: {cos.verdict.value} ({cos.vectors_passed}/{cos.vectors_run} vectors "
        f"vs {cos.reference}){': ' + cos.message if cos.verdict != CosimVerdict.passed else ''}",
    ]
    if cos.first_mismatch is not None:
        m = cos.first_mismatch
        lines.append(
            f"  first mismatch: vector {m.vector} {m.inputs}: {m.output} expected {m.expected}, "
            f"got {m.actual}"
        )
    if lat.measured_max_cycles is not None:
        lines.append(
            f"  latency: {lat.measured_min_cycles}-{lat.measured_max_cycles} cycles measured, "
            f"estimate {lat.estimate_cycles}; II {lat.initiation_interval}"
        )
    if res is not None:
        lines.append(
            f"  resources ({res.source}): LUT {res.lut}, FF {res.ff}, DSP {res.dsp}, "
            f"BRAM {res.bram}, CARRY {res.carry}"
        )
    fmax = []
    if tim.scheduler_fmax_mhz:
        fmax.append(
            f"{tim.scheduler_fmax_mhz:.1f} MHz (XLS {tim.scheduler_delay_model} delay model, "
            "an ASIC estimate)"
        )
    if tim.nextpnr_fmax_mhz:
        fmax.append(f"{tim.nextpnr_fmax_mhz:.1f} MHz (nextpnr {tim.nextpnr_device})")
    if fmax:
        lines.append(f"  Fmax: {'; '.join(fmax)}; target {1000 / tim.clock_target_ns:.1f} MHz")
    for w in report.warnings:
        lines.append(f"  warning: {w}")
    lines.append(f"  wrote {out}/ (rtl/, report.json, report.html, manifest.json, cosim.log)")
    return lines


def run(args: argparse.Namespace) -> int:
    from toolchain.synthesize import run_synthesis

    params = params_from_args(args)
    settings = settings_from(args)

    def progress(p: SynthesisProgress) -> None:
        print(f"[{p.stage}] {p.message}", file=sys.stderr, flush=True)

    result = run_synthesis(params, settings, progress=progress)
    if args.json:
        sys.stdout.write(result.report.model_dump_json(indent=2) + "\n")
    else:
        print("\n".join(summary_lines(result.report, Path(result.out_dir), result.cached)))
    return 0 if result.report.cosim.verdict == CosimVerdict.passed else 1
