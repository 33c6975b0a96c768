"""`p2s synth FILE.dfy --method M [--backend xls|vitis] [--target xilinx|ice40] [--clock-ns N]
[--out DIR] [--force]`: verified Dafny -> RTL, synthesis report and co-simulation (see
toolchain.synthesize). Every flag is a field of `SynthesizeParams`, its default read from there.
An output folder holding files p2s did not write is refused without --force."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shared_schemas.settings import DafnySettings, Settings
from shared_schemas.synthesis import (
    CosimVerdict,
    DelayModel,
    HlsBackend,
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
    SynthTarget,
)
from toolchain.errors import InputError

_FIELDS = SynthesizeParams.model_fields
# flag -> field, where the flag is not the field's name
_FLAG_OF = {
    "out_dir": "--out",
    "pipeline_stages": "--stages",
    "cosim_time_limit_s": "--cosim-time-limit",
}


def _default(name: str) -> Any:
    return _FIELDS[name].default


def _help(name: str, extra: str = "") -> str:
    text = _FIELDS[name].description or name
    default = _default(name)
    shown = getattr(default, "value", default)
    if default is None or isinstance(default, bool):
        return f"{text}{extra}"
    return f"{text}{extra} (default {shown})"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "synth",
        help="verified Dafny method -> Verilog, synthesis report, co-simulation against Dafny",
    )
    p.add_argument("file", metavar="FILE.dfy")
    p.add_argument("--method", "-m", default=_default("method"), help=_help("method"))
    p.add_argument(
        "--backend",
        choices=[b.value for b in HlsBackend],
        default=_default("backend").value,
        help=_help("backend"),
    )
    p.add_argument(
        "--target",
        choices=[t.value for t in SynthTarget],
        default=_default("target").value,
        help=_help("target"),
    )
    p.add_argument(
        "--clock-ns", type=float, default=_default("clock_ns"), metavar="N", help=_help("clock_ns")
    )
    p.add_argument(
        "--out", dest="out_dir", default=_default("out_dir"), metavar="DIR", help=_help("out_dir")
    )
    p.add_argument(
        "--vectors", type=int, default=_default("vectors"), metavar="N", help=_help("vectors")
    )
    p.add_argument("--seed", type=int, default=_default("seed"), help=_help("seed"))
    p.add_argument(
        "--no-fmax",
        dest="fmax",
        action="store_false",
        default=_default("fmax"),
        help="skip: " + _help("fmax"),
    )
    p.add_argument(
        "--delay-model",
        choices=[d.value for d in DelayModel],
        default=_default("delay_model").value,
        help=_help("delay_model"),
    )
    p.add_argument(
        "--stages",
        dest="pipeline_stages",
        type=int,
        metavar="N",
        default=_default("pipeline_stages"),
        help=_help("pipeline_stages"),
    )
    p.add_argument(
        "--unroll-limit",
        type=int,
        metavar="N",
        default=_default("unroll_limit"),
        help=_help("unroll_limit"),
    )
    p.add_argument(
        "--assume-input-bits",
        type=int,
        default=_default("assume_input_bits"),
        metavar="N",
        help=_help("assume_input_bits"),
    )
    p.add_argument(
        "--assume-max-length",
        type=int,
        default=_default("assume_max_length"),
        metavar="N",
        help=_help("assume_max_length"),
    )
    p.add_argument(
        "--cosim-time-limit",
        dest="cosim_time_limit_s",
        type=float,
        default=_default("cosim_time_limit_s"),
        metavar="S",
        help=_help("cosim_time_limit_s"),
    )
    p.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        default=_default("use_cache"),
        help="rebuild even if nothing changed",
    )
    p.add_argument("--force", action="store_true", default=_default("force"), help=_help("force"))
    p.add_argument("--json", action="store_true", help="print report.json to stdout")
    p.add_argument("--dafny", default=None, help="Dafny executable (else $P2S_DAFNY, PATH)")
    p.set_defaults(func=run)


def params_from_args(args: argparse.Namespace) -> SynthesizeParams:
    """The request the flags describe; a value the model refuses is an InputError naming the flag."""
    values = {
        name: getattr(args, name) for name in _FIELDS if name != "uri" and hasattr(args, name)
    }
    try:
        return SynthesizeParams(uri=args.file, **values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        flag = _FLAG_OF.get(name, "--" + name.replace("_", "-"))
        raise InputError(f"{flag}: {first['msg']}") from exc


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
    settings = Settings(dafny=DafnySettings(path=args.dafny))

    def progress(p: SynthesisProgress) -> None:
        print(f"[{p.stage}] {p.message}", file=sys.stderr, flush=True)

    result = run_synthesis(params, settings, progress=progress)
    if args.json:
        sys.stdout.write(result.report.model_dump_json(indent=2) + "\n")
    else:
        print("\n".join(summary_lines(result.report, Path(result.out_dir), result.cached)))
    return 0 if result.report.cosim.verdict == CosimVerdict.passed else 1
