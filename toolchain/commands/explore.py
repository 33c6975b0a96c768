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

from shared_schemas.explore import ExploreParams
from toolchain.commands.model_flags import ModelFlags
from toolchain.commands.shared_flags import add_dafny_flag, add_method_target, settings_from
from toolchain.errors import InputError

# The sweep's bounds and defaults are the editor's request's (`ExploreParams`), written once there.
_FLAGS = ModelFlags(ExploreParams)


def _from_here(path: str) -> str:
    # On the command line a relative --out is relative to the current folder; the engine reads a
    # relative out_dir against the source's folder (the editor's way), so the flag hands it an
    # absolute one.
    return str(Path(path).expanduser().resolve())


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explore",
        help="design-space exploration of a verified method's HLS directives (Pareto front)",
    )
    add_method_target(p, "FILE.dfy", "the method (Name or Module.Name)")
    _FLAGS.option(p, "budget_s", metavar="S")
    _FLAGS.option(
        p,
        "out_dir",
        "--out",
        type=_from_here,
        metavar="DIR",
        help="output folder (default FILE.p2s/METHOD.explore)",
    )
    _FLAGS.option(p, "vectors", metavar="N")
    _FLAGS.switch(p, "fmax")
    _FLAGS.option(p, "max_points", metavar="N", help="try at most N points")
    p.add_argument("--apply", type=int, default=None, metavar="N", help="write point N")
    p.add_argument("--in-place", action="store_true", help="with --apply: overwrite FILE.dfy")
    p.add_argument("--force", action="store_true", help="with --apply: replace FILE.pN.dfy")
    p.add_argument("--all", action="store_true", help="print every point, not only the front")
    add_dafny_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from toolchain.explore.render import table_lines
    from toolchain.explore.run import apply_point
    from toolchain.explore.service import exploration_dir, run_explore, saved_report

    params = _FLAGS.build(args, uri=args.file)
    method, out = exploration_dir(params)
    if args.apply is not None:
        missing = InputError(
            f"no exploration in {out}", hint="run p2s explore without --apply first"
        )
        written = apply_point(
            saved_report(params, missing), args.apply, in_place=args.in_place, force=args.force
        )
        print(f"wrote point {args.apply}'s directives into {written}")
        return 0
    report = run_explore(
        params,
        settings_from(args),
        progress=lambda p: print(
            f"[explore] point {p.point}: {p.message}", file=sys.stderr, flush=True
        ),
    ).report
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
