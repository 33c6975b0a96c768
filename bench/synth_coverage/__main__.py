"""How much of the public verified Dafny corpora reaches RTL and passes co-simulation.

    .venv/bin/python -m bench.synth_coverage [--limit N | --all | --only PATTERN|@KEYS] [--jobs J] [--vectors V]
        [--executor local|ray] [--ray-address ADDR] [--out FILE] [--resume]

Over the hardware-plausible methods of the corpora in ../shared/datasets (the judgement of
`bench.frontend_coverage`: compiled, top-level, only integer / boolean / bit-vector / array /
sequence parameters and results), every method goes through the whole flow of `p2s synth` except
yosys and nextpnr: Dafny verification, lowering with widths proven by Dafny, XLS to Verilog, and
co-simulation of the Verilog against Dafny's compiled program. It prints the share reaching RTL,
the share passing co-simulation, the reasons for the rest (by stage) and the median seconds per
method. Without --all it measures a fixed random sample (seed 5) of --limit methods. Each
method is one task on the executor (--jobs local threads, or Ray workers); outcomes are appended
to --out as they finish, and --resume keeps those of an interrupted run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench.frontend_coverage.__main__ import CORPORA, DATASETS, dedupe
from bench.frontend_coverage.methods import plausible_methods
from bench.synth_coverage.flow import Outcome, synth_task
from toolchain.executor import WorkItem, make_executor, run_tasks
from toolchain.executor.options import add_executor_arguments, options_from
from toolchain.frontend.parser import parse_program


def collect() -> list[tuple[str, Path, str]]:
    seen: set[str] = set()
    found: list[tuple[str, Path, str]] = []
    for name, (folder, pattern) in CORPORA.items():
        for f in dedupe(sorted((DATASETS / folder).glob(pattern)), seen):
            program = parse_program(f.read_text(encoding="utf-8", errors="replace"))
            if program.errors and not program.methods():
                continue
            found += [(name, f, m.name) for m in plausible_methods(program)]
    return found


def _selected(only: str, method: tuple[str, Path, str]) -> bool:
    corpus, path, name = method
    key = f"{corpus}:{path.name}:{name}"
    if only.startswith("@"):
        # a key is `corpus:file:method`, or the journal's `corpus:path/to/file:method` (so the
        # failures of an --out file can be measured again)
        wanted = {w.strip() for w in Path(only[1:]).read_text(encoding="utf-8").splitlines()}
        return key in wanted or any(
            w.startswith(f"{corpus}:") and w.endswith(f"/{path.name}:{name}") for w in wanted
        )
    return only in key


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.synth_coverage", description=__doc__)
    ap.add_argument("--limit", type=int, default=40, help="random sample size (default 40)")
    ap.add_argument("--all", action="store_true", help="every plausible method")
    ap.add_argument("--jobs", type=int, default=2, help="local workers")
    ap.add_argument("--out", type=Path, default=Path("build/bench-synth-coverage/outcomes.jsonl"))
    add_executor_arguments(ap)
    ap.add_argument(
        "--only",
        default="",
        help="keep the methods whose key corpus:file:method contains this text "
        "(or, with @FILE, is one of the keys listed in FILE, one a line)",
    )
    ap.add_argument("--vectors", type=int, default=16)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument(
        "--input-bits",
        type=int,
        default=32,
        help="contract for unbounded int inputs (0: none; default 32, as bench.frontend_coverage)",
    )
    ap.add_argument(
        "--max-length",
        type=int,
        default=16,
        help="contract for unbounded array lengths (0: none; default 16)",
    )
    ap.add_argument(
        "--overflow-bits",
        type=int,
        default=32,
        help="results and accumulators with no bound get this many bits and a run-time "
        "overflow check (0: refused instead; default 32); counted apart below",
    )
    args = ap.parse_args(argv)
    if not DATASETS.exists():
        print(f"no corpora at {DATASETS}", file=sys.stderr)
        return 2
    every = collect()
    if args.only:
        every = [m for m in every if _selected(args.only, m)]
    chosen = (
        every
        if args.all or args.only
        else random.Random(5).sample(every, min(args.limit, len(every)))
    )
    if not chosen:
        print(f"no hardware-plausible method matches --only {args.only}", file=sys.stderr)
        return 2
    contract = (args.input_bits or None, args.max_length or None)
    items = [
        WorkItem(
            f"{corpus}:{path.relative_to(DATASETS)}:{method}",
            {
                "corpus": corpus,
                "path": str(path),
                "text": path.read_text(encoding="utf-8", errors="replace"),
                "method": method,
                "vectors": args.vectors,
                "input_bits": contract[0],
                "max_length": contract[1],
                "overflow_bits": args.overflow_bits or None,
            },
        )
        for corpus, path, method in chosen
    ]
    started = time.monotonic()
    executor = make_executor(options_from(args, workers=max(args.jobs, 1)))
    try:
        results = run_tasks(
            executor, synth_task, items, journal=args.out, resume=args.resume, label="methods"
        )
    finally:
        executor.close()
    wall = time.monotonic() - started
    outcomes = [Outcome(**r.value) for r in results if r.ok]
    infrastructure = [r for r in results if not r.ok]
    n = len(outcomes)
    verified = [o for o in outcomes if o.stage != "verify" or o.verdict == "passed"]
    lowered = [o for o in outcomes if o.stage not in ("verify", "lower")]
    rtl = [o for o in outcomes if o.rtl]
    passed = [o for o in outcomes if o.verdict == "passed"]
    print(
        f"bench/synth_coverage: {n} of {len(every)} hardware-plausible methods "
        f"({'all' if args.all else 'selected by --only' if args.only else 'random sample, seed 5'}), "
        f"{args.vectors} vectors each, "
        f"{args.jobs if args.executor == 'local' else executor.workers} at a time "
        f"({args.executor} executor), {wall:.0f} s"
    )
    if infrastructure:
        print(
            f"{len(infrastructure)} methods have no outcome: infrastructure errors after retries "
            f"(left out of every count below; e.g. {infrastructure[0].error})"
        )
    print(
        f"hardware contract for inputs the precondition leaves unbounded: ints in "
        f"{contract[0] or 'no'} bits, array lengths <= {contract[1] or 'no bound'}; results "
        "with no bound: "
        + (
            f"{args.overflow_bits} bits, checked at run time (overflow output)"
            if args.overflow_bits
            else "refused"
        )
    )
    print()
    print(f"{'':<34}{'methods':>8}{'of sample':>11}{'of verified':>13}")
    rows = [
        ("verified by Dafny 2.3 here", len(verified)),
        ("lowered, widths proven", len(lowered)),
        ("reached RTL (Verilog)", len(rtl)),
        ("passed co-simulation", len(passed)),
        ("  of which with overflow checks", sum(1 for o in passed if o.checked)),
    ]
    for label, count in rows:
        print(f"{label:<34}{count:>8}{pct(count, n):>11}{pct(count, len(verified)):>13}")
    by_corpus = Counter(o.corpus for o in outcomes)
    ok_corpus = Counter(o.corpus for o in passed)
    print()
    for corpus, total in sorted(by_corpus.items()):
        print(f"  {corpus:<12} {ok_corpus[corpus]:>3} of {total:>3} pass co-simulation")
    secs = [o.seconds for o in outcomes]
    print(
        f"\nseconds per method: median {statistics.median(secs):.1f}, "
        f"max {max(secs):.1f} (median of those passing: "
        f"{statistics.median([o.seconds for o in passed]) if passed else 0:.1f})"
    )
    reasons = Counter(o.reason for o in outcomes if o.reason)
    print(f"\ntop reasons for the rest ({sum(reasons.values())} methods):")
    for reason, count in reasons.most_common(args.top):
        example = next(o for o in outcomes if o.reason == reason)
        print(f"  {count:>4}  {reason}   e.g. {example.file} {example.method}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
