"""Verify a public corpus's reference programs with --jobs 1 and --jobs 2 in one run.

    python -m bench.verify_corpus [--corpus mbpp-dfy|clover|dafnybench] [--limit N] [--timeout S]

Prints verified / failed / timed out and files per second for each job count, and the ratio.
No result cache: every file is verified afresh in both passes.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.datasets import datasets_dir
from shared_schemas.settings import DafnySettings
from shared_schemas.verification import FileVerification, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache

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


def run_pass(
    files: list[Path], jobs: int, request: VerifyRequest
) -> tuple[list[FileVerification], float]:
    engine = DafnyEngine.discover(DafnySettings(jobs=jobs), cache=ResultCache(None, capacity=0))
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(
            pool.map(
                lambda a: engine.verify_source(a[1], str(a[0]), request),
                zip(files, texts, strict=True),
            )
        )
    return results, time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="mbpp-dfy")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=60.0, help="per file (s)")
    ap.add_argument("--vc-time-limit", type=int, default=20)
    args = ap.parse_args()
    files = corpus_files(args.corpus, args.limit)
    request = VerifyRequest(timeout_s=args.timeout, vc_time_limit_s=args.vc_time_limit)
    engine_info = DafnyEngine.discover(cache=ResultCache(None)).info
    print(
        f"corpus {args.corpus}: {len(files)} files; Dafny {engine_info.version}; prover {engine_info.prover}"
    )
    rates: dict[int, float] = {}
    for jobs in (1, 2):
        results, seconds = run_pass(files, jobs, request)
        counts = Counter(r.status.value for r in results)
        rates[jobs] = len(files) / seconds
        shimmed = sum(r.shimmed for r in results)
        print(
            f"--jobs {jobs}: verified {counts.get('verified', 0)}, "
            f"failed {len(files) - counts.get('verified', 0) - counts.get('timeout', 0)} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()) if k not in ('verified', 'timeout')) or 'none'}), "
            f"timed out {counts.get('timeout', 0)}; shimmed {shimmed}; "
            f"{seconds:.1f} s, {rates[jobs]:.2f} files/s"
        )
    print(f"ratio files/s --jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
