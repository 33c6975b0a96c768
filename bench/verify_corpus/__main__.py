"""Verify a public corpus's reference programs in passes side by side, in one run.

    python -m bench.verify_corpus [--corpus mbpp-dfy|clover|dafnybench] [--limit N]
        [--jobs 1 2] [--executor local|ray|both] [--ray-address ADDR] [--out DIR] [--resume]

By default: the local executor with 1 and then 2 workers. `--executor both --jobs 2`: the local
executor and Ray (a local instance, or the cluster at --ray-address) with 2 workers each. Prints
verified / failed / timed out and files per second for each pass, the ratio of the last pass's
rate to the first's, and whether every pass reached the same verdicts. Each pass appends its
results to a JSONL file under --out as they finish; --resume keeps what an interrupted pass wrote.
No result cache: every file is verified afresh in every pass.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.datasets import datasets_dir
from bench.verify_corpus.tasks import verdict, verify_one
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.executor import TaskOutcome, WorkItem, make_executor, run_tasks
from toolchain.executor.options import add_executor_arguments, options_from

CORPORA = {
    "mbpp-dfy": ("mbpp-dfy/MBPP-DFY-153/src", "*.dfy"),
    "clover": ("clover/dataset/CloverBench/textbook_algo", "*/*strong*.dfy"),
    "dafnybench": ("dafnybench/ground_truth", "*.dfy"),
}


def corpus_files(name: str, limit: int | None) -> list[Path]:
    folder, pattern = CORPORA[name]
    files = sorted((datasets_dir() / folder).glob(pattern))
    if not files:
        raise SystemExit(f"no files match {pattern} in {datasets_dir() / folder}")
    return files[:limit] if limit else files


def work_items(files: list[Path], timeout_s: float, vc_time_limit_s: int) -> list[WorkItem]:
    root = datasets_dir()
    return [
        WorkItem(
            str(f.relative_to(root)) if f.is_relative_to(root) else str(f),
            {
                "name": str(f),
                "text": f.read_text(encoding="utf-8", errors="replace"),
                "timeout_s": timeout_s,
                "vc_time_limit_s": vc_time_limit_s,
            },
        )
        for f in files
    ]


def _line(label: str, outcomes: list[TaskOutcome], seconds: float, fresh: int) -> str:
    results = [o.value for o in outcomes if o.ok]
    counts = Counter(r["status"] for r in results)
    infra = sum(not o.ok for o in outcomes)
    failed = len(results) - counts.get("verified", 0) - counts.get("timeout", 0)
    other = ", ".join(
        f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("verified", "timeout")
    )
    return (
        f"{label}: verified {counts.get('verified', 0)}, failed {failed} ({other or 'none'}), "
        f"timed out {counts.get('timeout', 0)}, infrastructure errors {infra}; "
        f"shimmed {sum(r['shimmed'] for r in results)}; "
        f"{fresh} files in {seconds:.1f} s, {fresh / seconds if seconds else 0:.2f} files/s"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m bench.verify_corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="mbpp-dfy")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=60.0, help="per file (s)")
    ap.add_argument("--vc-time-limit", type=int, default=20)
    ap.add_argument(
        "--jobs", type=int, nargs="+", default=None, help="workers per pass (default: 1 2)"
    )
    ap.add_argument("--out", type=Path, default=Path("build/bench-verify-corpus"))
    add_executor_arguments(ap, allow_both=True)
    args = ap.parse_args(argv)
    kinds = ["local", "ray"] if args.executor == "both" else [args.executor]
    jobs = args.jobs or ([1, 2] if len(kinds) == 1 else [2])
    files = corpus_files(args.corpus, args.limit)
    items = work_items(files, args.timeout, args.vc_time_limit)
    info = DafnyEngine.discover(cache=ResultCache(None)).info
    print(f"corpus {args.corpus}: {len(files)} files; Dafny {info.version}; prover {info.prover}")
    rates: list[tuple[str, float]] = []
    verdicts: list[dict[str, Any]] = []
    for kind in kinds:
        for n in jobs:
            executor = make_executor(options_from(args, kind, n))
            try:
                label = f"{kind} x{n}" + (
                    f" ({executor.address}, {executor.workers} CPUs)"
                    if kind == "ray" and hasattr(executor, "address")
                    else ""
                )
                fresh = 0

                def count(_: TaskOutcome) -> None:
                    nonlocal fresh
                    fresh += 1

                start = time.monotonic()
                outcomes = run_tasks(
                    executor,
                    verify_one,
                    items,
                    journal=args.out / f"{args.corpus}-{kind}-j{n}.jsonl",
                    resume=args.resume,
                    label=label,
                    on_outcome=count,
                )
                seconds = time.monotonic() - start
            finally:
                executor.close()
            print(_line(label, outcomes, seconds, fresh), flush=True)
            rates.append((label, fresh / seconds if seconds and fresh else 0.0))
            verdicts.append({o.key: verdict(o.value) for o in outcomes if o.ok})
    if len(rates) > 1 and rates[0][1]:
        (first, r0), (last, r1) = rates[0], rates[-1]
        print(f"ratio files/s {last} / {first}: {r1 / r0:.2f}")
    differ = sorted(
        k for v in verdicts[1:] for k in v if k in verdicts[0] and v[k] != verdicts[0][k]
    )
    print(
        "verdicts identical in every pass"
        if not differ
        else f"verdicts differ between passes on {len(set(differ))} files: {sorted(set(differ))[:5]}"
    )


if __name__ == "__main__":
    main()
