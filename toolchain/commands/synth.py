"""`p2s synth FILE.dfy --method M [--backend xls|vitis] [--target xilinx|ice40] [--clock-ns N]
[--out DIR] [--force]`: verified Dafny -> RTL, synthesis report and co-simulation (see
toolchain.pipeline). An output folder holding files p2s did not write is refused without --force."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_schemas.settings import DafnySettings, HlsBackend, SynthTarget
from shared_schemas.synthesis import CosimVerdict, SynthesisProgress, SynthesisReport
from toolchain.errors import InputError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "synth",
        help="verified Dafny method -> Verilog, synthesis report, co-simulation against Dafny",
    )
    p.add_argument("file", metavar="FILE.dfy")
    p.add_argument("--method", "-m", default=None, help="the method to synthesize")
    p.add_argument("--backend", choices=[b.value for b in HlsBackend], default="xls")
    p.add_argument("--target", choices=[t.value for t in SynthTarget], default="xilinx")
    p.add_argument("--clock-ns", type=float, default=10.0, metavar="N", help="clock period target")
    p.add_argument(
        "--out", default=None, metavar="DIR", help="output folder (default: FILE.p2s/METHOD)"
    )
    p.add_argument("--vectors", type=int, default=64, metavar="N", help="co-simulation vectors")
    p.add_argument("--seed", type=int, default=1, help="seed of the random input vectors")
    p.add_argument("--no-fmax", action="store_true", help="skip nextpnr place and route")
    p.add_argument(
        "--delay-model", default="sky130", choices=["unit", "asap7", "sky130"], help="XLS"
    )
    p.add_argument("--stages", type=int, default=None, help="XLS pipeline stages (else by clock)")
    p.add_argument("--unroll-limit", type=int, default=32, help="unroll loops up to N trips")
    p.add_argument(
        "--assume-input-bits",
        type=int,
        default=None,
        metavar="N",
        help="hardware contract: integer inputs the precondition leaves unbounded fit N bits",
    )
    p.add_argument(
        "--assume-max-length",
        type=int,
        default=None,
        metavar="N",
        help="hardware contract: arrays the precondition leaves unbounded hold at most N elements",
    )
    p.add_argument("--no-cache", action="store_true", help="rebuild even if nothing changed")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into an output folder that holds files p2s did not write (they are kept; "
        "only files of the names p2s writes are replaced)",
    )
    p.add_argument("--json", action="store_true", help="print report.json to stdout")
    p.add_argument("--dafny", default=None, help="Dafny executable (else $P2S_DAFNY, PATH)")
    p.set_defaults(func=run)


def _default_method(text: str, path: Path) -> str:
    from toolchain.frontend.parser import parse_program

    program = parse_program(text)
    methods = [m.name for m in program.methods() if not m.ghost and m.kind == "method"]
    if len(methods) == 1:
        return methods[0]
    raise InputError(
        f"{path} declares {len(methods)} methods; say which one",
        hint="--method " + (methods[0] if methods else "NAME"),
    )


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
    from toolchain.dafny import DafnyEngine, read_dafny_file
    from toolchain.pipeline import SynthesisRequest, check_method_name, run_synthesis

    path = Path(args.file)
    text = read_dafny_file(args.file)
    method = check_method_name(args.method or _default_method(text, path))
    if args.vectors < 1:
        raise InputError("--vectors must be at least 1")
    if args.clock_ns <= 0:
        raise InputError("--clock-ns must be positive")
    out = Path(args.out) if args.out else path.with_suffix(".p2s") / method
    engine = DafnyEngine.discover(DafnySettings(path=args.dafny))

    def progress(p: SynthesisProgress) -> None:
        print(f"[{p.stage}] {p.message}", file=sys.stderr, flush=True)

    outcome = run_synthesis(
        SynthesisRequest(
            source_text=text,
            method=method,
            out_dir=out,
            source_file=str(path),
            backend=HlsBackend(args.backend),
            target=SynthTarget(args.target),
            clock_ns=args.clock_ns,
            vectors=args.vectors,
            seed=args.seed,
            fmax=not args.no_fmax,
            delay_model=args.delay_model,
            pipeline_stages=args.stages,
            unroll_limit=args.unroll_limit,
            assume_input_bits=args.assume_input_bits,
            assume_max_length=args.assume_max_length,
            use_cache=not args.no_cache,
            force=args.force,
        ),
        engine=engine,
        progress=progress,
    )
    if args.json:
        sys.stdout.write(outcome.report.model_dump_json(indent=2) + "\n")
    else:
        print("\n".join(summary_lines(outcome.report, out, outcome.cached)))
    return 0 if outcome.report.cosim.verdict == CosimVerdict.passed else 1
