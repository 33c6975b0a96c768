"""How much of the public verified Dafny corpora reaches RTL and passes co-simulation.

    .venv/bin/python -m bench.synth_coverage [--limit N | --all] [--jobs J] [--vectors V]

Over the hardware-plausible methods of the corpora in ../shared/datasets (the judgement of
`bench.frontend_coverage`: compiled, top-level, only integer / boolean / bit-vector / array /
sequence parameters and results), every method goes through the whole flow of `p2s synth` except
yosys and nextpnr: Dafny verification, lowering with widths proven by Dafny, XLS to Verilog, and
co-simulation of the Verilog against Dafny's compiled program. It prints the share reaching RTL,
the share passing co-simulation, the reasons for the rest (by stage) and the median seconds per
method. Without --all it measures a fixed random sample (seed 5) of --limit methods.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.frontend_coverage.__main__ import CORPORA, DATASETS, dedupe, plausible_methods
from shared_schemas.synthesis import CosimVerdict, SynthesizeParams
from toolchain.dafny import DafnyEngine
from toolchain.errors import ToolchainError
from toolchain.frontend.parser import parse_program
from toolchain.synthesize import run_synthesis


@dataclass
class Outcome:
    corpus: str
    file: str
    method: str
    stage: str  # the last stage entered
    rtl: bool
    verdict: str  # passed, failed, error, or the stage that stopped the flow
    reason: str
    seconds: float


def _gist(message: str) -> str:
    text = re.sub(r"\d+", "N", message)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    return text[:90]


def run_one(
    corpus: str,
    path: Path,
    method: str,
    engine: DafnyEngine,
    vectors: int,
    contract: tuple[int | None, int | None],
) -> Outcome:
    stages: list[str] = []
    started = time.monotonic()
    text = path.read_text(encoding="utf-8", errors="replace")
    with tempfile.TemporaryDirectory(prefix="p2s-cov-") as tmp:
        request = SynthesizeParams(
            uri=path.name,
            method=method,
            out_dir=tmp,
            vectors=vectors,
            synth=False,
            fmax=False,
            use_cache=False,
            assume_input_bits=contract[0],
            assume_max_length=contract[1],
            cosim_time_limit_s=60,
        )
        try:
            out = run_synthesis(
                request,
                engine=engine,
                source_text=text,
                progress=lambda p: stages.append(p.stage),
            )
        except ToolchainError as exc:
            stage = stages[-1] if stages else "verify"
            reason = f"{stage}: {_gist(str(exc))}"
            rtl = "cosim" in stages
            return Outcome(
                corpus, path.name, method, stage, rtl, stage, reason, time.monotonic() - started
            )
        except Exception as exc:  # a crash is a finding, not the end of the run
            stage = stages[-1] if stages else "verify"
            reason = f"{stage}: crash {type(exc).__name__}: {_gist(str(exc))}"
            return Outcome(
                corpus, path.name, method, stage, "cosim" in stages, "crash", reason,
                time.monotonic() - started,
            )  # fmt: skip
    cosim = out.report.cosim
    reason = ""
    if cosim.verdict != CosimVerdict.passed:
        reason = f"cosim {cosim.verdict.value}: {_gist(cosim.message)}"
    return Outcome(
        corpus,
        path.name,
        method,
        "report",
        True,
        cosim.verdict.value,
        reason,
        time.monotonic() - started,
    )


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


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.synth_coverage", description=__doc__)
    ap.add_argument("--limit", type=int, default=40, help="random sample size (default 40)")
    ap.add_argument("--all", action="store_true", help="every plausible method")
    ap.add_argument("--jobs", type=int, default=2)
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
    args = ap.parse_args(argv)
    if not DATASETS.exists():
        print(f"no corpora at {DATASETS}", file=sys.stderr)
        return 2
    every = collect()
    chosen = every if args.all else random.Random(5).sample(every, min(args.limit, len(every)))
    engine = DafnyEngine.discover()
    contract = (args.input_bits or None, args.max_length or None)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        outcomes = list(
            pool.map(lambda t: run_one(t[0], t[1], t[2], engine, args.vectors, contract), chosen)
        )
    wall = time.monotonic() - started
    n = len(outcomes)
    verified = [o for o in outcomes if o.stage != "verify" or o.verdict == "passed"]
    lowered = [o for o in outcomes if o.stage not in ("verify", "lower")]
    rtl = [o for o in outcomes if o.rtl]
    passed = [o for o in outcomes if o.verdict == "passed"]
    print(
        f"bench/synth_coverage: {n} of {len(every)} hardware-plausible methods "
        f"({'all' if args.all else 'random sample, seed 5'}), {args.vectors} vectors each, "
        f"{args.jobs} at a time, {wall:.0f} s"
    )
    print(
        f"hardware contract for inputs the precondition leaves unbounded: ints in "
        f"{contract[0] or 'no'} bits, array lengths <= {contract[1] or 'no bound'}"
    )
    print()
    print(f"{'':<34}{'methods':>8}{'of sample':>11}{'of verified':>13}")
    rows = [
        ("verified by Dafny 2.3 here", len(verified)),
        ("lowered, widths proven", len(lowered)),
        ("reached RTL (Verilog)", len(rtl)),
        ("passed co-simulation", len(passed)),
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
