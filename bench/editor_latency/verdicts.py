"""Sliced verdicts against whole-file verdicts on corpus files: what the editor's speed may not cost.

    python -m bench.editor_latency.verdicts [--files N] [--skip K] [--datasets DIR]

For each of N DafnyBench ground-truth files (sorted by name, from the K-th; at most 4,000
characters, two or more methods or lemmas: chosen by rule, not by outcome), verifies the whole
file once with the warm verifier, then each method and lemma alone the way the editor does after
an edit of it (`/proc:` with the other declarations sliced: bodies it calls stubbed, what it
cannot reach removed, toolchain.dafny.slicing). Prints every declaration whose verdict differs
and the totals; exits 1 when any differs. Only verified / errors verdicts of the whole file are
compared (a timeout is not a verdict).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_schemas.verification import MethodStatus, VerificationStatus, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.dafny.slicing import slice_for
from toolchain.dafny.symbols import find_symbols
from toolchain.dafny.warm import WarmVerifier

DEFAULT_DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
COMPARED = (MethodStatus.verified, MethodStatus.errors)


def sample(datasets: Path, count: int, skip: int) -> list[Path]:
    chosen: list[Path] = []
    for f in sorted((datasets / "dafnybench" / "ground_truth").glob("*.dfy")):
        text = f.read_text(encoding="utf-8", errors="replace")
        if len(text) > 4000 or sum(s.kind in ("method", "lemma") for s in find_symbols(text)) < 2:
            continue
        chosen.append(f)
    return chosen[skip : skip + count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.editor_latency.verdicts")
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    args = parser.parse_args(argv)
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    warm = WarmVerifier(engine)
    if not warm.available:
        print("needs Dafny 2.x with DafnyServer.exe", file=sys.stderr)
        return 2
    request = VerifyRequest(timeout_s=120, vc_time_limit_s=20)
    compared = sliced = removed = 0
    differ: list[str] = []
    try:
        for f in sample(args.datasets, args.files, args.skip):
            text = f.read_text(encoding="utf-8", errors="replace")
            whole = warm.verify_source(text, f.name, request)
            if whole.status in (
                VerificationStatus.parse_error,
                VerificationStatus.resolution_error,
            ):
                continue
            verdicts = {m.name: m.status for m in whole.methods}
            for sym in find_symbols(text):
                if (
                    sym.kind not in ("method", "lemma")
                    or verdicts.get(sym.qualified) not in COMPARED
                ):
                    continue
                cut = slice_for(engine.shim_for(text).text, [sym.qualified])
                sliced += cut is not None
                removed += bool(cut is not None and cut.removed)
                part = warm.verify_source(
                    text, f.name, request.model_copy(update={"procedures": [sym.qualified]})
                )
                got = {m.name: m.status for m in part.methods}.get(sym.qualified)
                compared += 1
                line = f"{f.name} {sym.qualified}: whole {verdicts[sym.qualified].value}"
                if got != verdicts[sym.qualified]:
                    differ.append(f"{line}, sliced {got.value if got else None}")
                    print("DIFFERS", differ[-1], flush=True)
    finally:
        warm.close()
    print(
        f"{compared} declarations compared ({sliced} sliced runs, {removed} with declarations "
        f"removed); {len(differ)} verdicts differ"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
