"""How much of the public verified Dafny corpora the hardware front end takes.

    .venv/bin/python -m bench.frontend_coverage [--prove N] [--corpus NAME]

A method is *hardware-plausible* when it is compiled code (not ghost, has a body, top level) and
its parameters and results are integers, booleans, bit-vectors, or arrays / sequences of those:
the shape of a hardware block. This judgement reads only the signature, so it does not depend on
the front end being measured. For every plausible method the bench reports whether it lowers to
the IR (no HW1xx diagnostic), whether every width is bounded from the program's own
specification (no HW2xx), and whether it is bounded under a 32-bit input contract
(`--assume-input-bits 32 --assume-max-length 1024`); `--prove N` runs the real Dafny width proofs
on N lowered methods. The top reasons for the rest are the front end's diagnostic codes.
Files are tasks on the executor (--jobs local processes, or Ray with --executor ray); each
file's tally is appended under --out as it finishes and --resume keeps them.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.frontend_coverage.methods import CONTRACT, measure_file
from toolchain.executor import Executor, WorkItem, make_executor, run_tasks
from toolchain.executor.options import add_executor_arguments, options_from
from toolchain.frontend.api import lower

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
CORPORA = {
    "mbpp-dfy": ("mbpp-dfy/MBPP-DFY-153/src", "*.dfy"),
    "clover": ("clover/dataset/CloverBench/textbook_algo", "*/*_strong.dfy"),
    "dafnybench": ("dafnybench/ground_truth", "*.dfy"),
}


@dataclass
class Tally:
    duplicates: int = 0  # files already counted in an earlier corpus
    files: int = 0
    parse_failed: int = 0
    programs_with_plausible: int = 0
    plausible: int = 0
    lowered: int = 0
    bounded: int = 0
    bounded_contract: int = 0
    programs_lowered: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    width_reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    lowered_methods: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def add_file(tally: Tally, row: dict[str, Any]) -> None:
    tally.files += 1
    if row["parse_failed"]:
        tally.parse_failed += 1
        return
    if not row["plausible"]:
        return
    tally.programs_with_plausible += 1
    for f in ("plausible", "lowered", "bounded", "bounded_contract"):
        setattr(tally, f, getattr(tally, f) + row[f])
    for key, example in row["reasons"]:
        tally.reasons[key] += 1
        tally.examples.setdefault(key, example)
    tally.width_reasons.update(row["width_reasons"])
    tally.lowered_methods += [(p, m) for p, m in row["lowered_methods"]]
    tally.programs_lowered += row["any_lowered"]


def measure(
    name: str, files: list[Path], tally: Tally, executor: Executor, journal: Path, resume: bool
) -> int:
    """The corpus's files as tasks on the executor; returns how many had an infrastructure
    error (left out of the tally)."""
    started = time.monotonic()
    items = [
        WorkItem(
            str(f.relative_to(DATASETS)) if f.is_relative_to(DATASETS) else str(f),
            {"path": str(f), "text": f.read_text(encoding="utf-8", errors="replace")},
        )
        for f in files
    ]
    outcomes = run_tasks(executor, measure_file, items, journal=journal, resume=resume, label=name)
    for o in outcomes:
        if o.ok:
            add_file(tally, o.value)
    tally.seconds += time.monotonic() - started
    return sum(not o.ok for o in outcomes)


def dedupe(files: list[Path], seen: set[str]) -> list[Path]:
    out = []
    for f in files:
        h = hashlib.sha256(f.read_bytes()).hexdigest()
        if h not in seen:
            seen.add(h)
            out.append(f)
    return out


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def prove_sample(methods: list[tuple[str, str]], n: int) -> None:
    from toolchain.dafny import DafnyEngine

    engine = DafnyEngine.discover()
    rng = random.Random(5)
    sample = rng.sample(methods, min(n, len(methods)))
    proven = bounded = 0
    started = time.monotonic()
    failures: Counter[str] = Counter()
    for path, method in sample:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        result = lower(text, method, filename=Path(path).name, engine=engine, options=CONTRACT)
        if result.method is None:
            continue
        hw2 = [d for d in result.diagnostics if d.code and d.code.startswith("HW2")]
        if any(d.code == "HW202" for d in hw2):
            continue
        bounded += 1
        if result.ok:
            proven += 1
        else:
            first = next((d for d in result.diagnostics if d.code), None)
            failures[first.code if first and first.code else "other"] += 1
    took = time.monotonic() - started
    print(
        f"\nwidth proofs by Dafny 2.3 on {len(sample)} lowered methods (32-bit input contract): "
        f"{bounded} bounded, {proven} with every width proven ({pct(proven, bounded).strip()}), "
        f"{took:.0f} s; not proven: {dict(failures)}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.frontend_coverage", description=__doc__)
    ap.add_argument("--prove", type=int, default=0, metavar="N", help="prove widths of N methods")
    ap.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2, help="local worker processes")
    ap.add_argument("--out", type=Path, default=Path("build/bench-frontend-coverage"))
    add_executor_arguments(ap)
    args = ap.parse_args(argv)
    if not DATASETS.exists():
        print(f"no corpora at {DATASETS}", file=sys.stderr)
        return 2
    seen: set[str] = set()
    tallies: dict[str, Tally] = {}
    # the front end is Python: local workers are processes, so they do not share one GIL
    options = options_from(args, workers=args.jobs).model_copy(update={"local_mode": "processes"})
    executor = make_executor(options)
    infrastructure = 0
    try:
        for name in args.corpus or list(CORPORA):
            folder, pattern = CORPORA[name]
            every = sorted((DATASETS / folder).glob(pattern))
            files = dedupe(every, seen)
            tallies[name] = Tally(duplicates=len(every) - len(files))
            infrastructure += measure(
                name, files, tallies[name], executor, args.out / f"{name}.jsonl", args.resume
            )
    finally:
        executor.close()
    if infrastructure:
        print(f"{infrastructure} files left out: infrastructure errors after retries")
    total = Tally()
    for t in tallies.values():
        for f in (
            "duplicates", "files", "parse_failed", "programs_with_plausible", "plausible", "lowered",
            "bounded", "bounded_contract", "programs_lowered", "seconds",
        ):  # fmt: skip
            setattr(total, f, getattr(total, f) + getattr(t, f))
        total.reasons.update(t.reasons)
        total.width_reasons.update(t.width_reasons)
        total.lowered_methods += t.lowered_methods
        for k, v in t.examples.items():
            total.examples.setdefault(k, v)
    tallies["all (deduplicated)"] = total
    header = (
        f"{'corpus':<20}{'dups':>5}{'files':>6}{'progs':>7}{'methods':>9}{'lower to IR':>17}"
        f"{'progs lower':>17}{'widths bounded':>19}{'+32-bit contract':>19}{'time':>8}"
    )
    print("hardware-plausible methods (signature of ints/bools/bit-vectors/arrays/seqs)")
    print(header)
    for name, t in tallies.items():
        print(
            f"{name:<20}{t.duplicates:>5}{t.files:>6}{t.programs_with_plausible:>7}{t.plausible:>9}"
            f"{t.lowered:>8} {pct(t.lowered, t.plausible):>8}"
            f"{t.programs_lowered:>8} {pct(t.programs_lowered, t.programs_with_plausible):>8}"
            f"{t.bounded:>10} {pct(t.bounded, t.lowered):>8}"
            f"{t.bounded + t.bounded_contract:>10} {pct(t.bounded + t.bounded_contract, t.lowered):>8}"
            f"{t.seconds:>7.1f}s"
        )
    lost = total.plausible - total.lowered
    print(
        f"\nlowered {total.lowered}/{total.plausible} plausible methods "
        f"({pct(total.lowered, total.plausible).strip()}); the paper's flow loses ~30% at HLS, "
        f"this front end loses {pct(lost, total.plausible).strip()} before widths"
    )
    print(f"\ntop reasons a plausible method does not lower ({lost} methods):")
    for key, n in total.reasons.most_common(args.top):
        print(f"  {n:>4}  {key}   e.g. {total.examples[key]}")
    print("\ntop reasons a lowered method has an unbounded width (before the 32-bit contract):")
    for key, n in total.width_reasons.most_common(5):
        print(f"  {n:>4}  {key}")
    if args.prove:
        prove_sample(total.lowered_methods, args.prove)
    return 0


if __name__ == "__main__":
    sys.exit(main())
