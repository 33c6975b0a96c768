"""`p2s explore FILE.dfy --method M [--budget-s N] [--out DIR]`: sweep the method's HLS directive
space (loop schedule, iterations per cycle, pipeline stages), synthesize and co-simulate every
point, print the Pareto front and write explore.json / explore.html.

`p2s explore FILE.dfy --method M --apply N [--in-place] [--force]` writes point N's directives
into the source as Dafny attributes: to FILE.pN.dfy beside it, or over FILE.dfy only with
--in-place (the user's file is never overwritten without it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_schemas.settings import DafnySettings, Settings
from toolchain.errors import InputError
from toolchain.synthesize.job import check_method_name


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explore",
        help="design-space exploration of a verified method's HLS directives (Pareto front)",
    )
    p.add_argument("file", metavar="FILE.dfy")
    p.add_argument("--method", "-m", required=True, help="the method (Name or Module.Name)")
    p.add_argument("--budget-s", type=float, default=600.0, help="time budget (default 600 s)")
    p.add_argument("--out", default=None, help="output folder (default FILE.p2s/METHOD.explore)")
    p.add_argument("--vectors", type=int, default=32, help="co-simulation vectors per point")
    p.add_argument("--fmax", action="store_true", help="nextpnr-ice40 Fmax for every point")
    p.add_argument("--max-points", type=int, default=None, help="try at most N points")
    p.add_argument("--apply", type=int, default=None, metavar="N", help="write point N")
    p.add_argument("--in-place", action="store_true", help="with --apply: overwrite FILE.dfy")
    p.add_argument("--force", action="store_true", help="with --apply: replace FILE.pN.dfy")
    p.add_argument("--all", action="store_true", help="print every point, not only the front")
    p.add_argument("--dafny", default=None, help="Dafny executable (else $P2S_DAFNY, PATH)")
    p.set_defaults(func=run)


def _out_dir(args: argparse.Namespace, source: Path, method: str) -> Path:
    if args.out:
        return Path(args.out).expanduser().resolve()
    return source.resolve().parent / f"{source.name}.p2s" / f"{method}.explore"


def run(args: argparse.Namespace) -> int:
    from toolchain.explore.render import table_lines
    from toolchain.explore.run import (
        EXPLORE_JSON,
        ExploreOptions,
        apply_point,
        explore,
        load_report,
    )

    method = check_method_name(args.method)
    source = Path(args.file).expanduser()
    out = _out_dir(args, source, method)
    if args.apply is not None:
        saved = out / EXPLORE_JSON
        if not saved.exists():
            raise InputError(
                f"no exploration in {out}", hint="run p2s explore without --apply first"
            )
        written = apply_point(
            load_report(saved), args.apply, in_place=args.in_place, force=args.force
        )
        print(f"wrote point {args.apply}'s directives into {written}")
        return 0
    report = explore(
        ExploreOptions(
            source=source.resolve(),
            method=method,
            out_dir=out,
            budget_s=args.budget_s,
            vectors=args.vectors,
            fmax=args.fmax,
            max_points=args.max_points,
            settings=Settings(dafny=DafnySettings(path=args.dafny)),
        ),
        progress=lambda m: print(f"[explore] {m}", file=sys.stderr, flush=True),
    )
    passed = sum(p.ok for p in report.points)
    print(
        f"{method}: {len(report.points)} points ({passed} co-simulated and passed) in "
        f"{report.elapsed_s:.0f} s; {report.skipped} left out by the budget"
    )
    title = "all points (* on the Pareto front)" if args.all else "Pareto front"
    print(f"{title}: LUT/FF/BRAM/DSP (yosys synth_xilinx) against cycles and Fmax")
    print("\n".join("  " + line for line in table_lines(report, front_only=not args.all)))
    for note in report.notes:
        print(f"  note: {note}")
    print(f"  wrote {out}/ (explore.json, explore.html, p<N>/ per point)")
    print(f"  apply a point: p2s explore {args.file} --method {method} --apply N")
    return 0 if report.front else 1
