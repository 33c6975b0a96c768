"""`p2s verify FILE... [--json] [--timeout S] [--jobs N]`.

Exit 0 only when every file is `verified`. A file proved only for partial correctness
(`decreases *`), one that relies on something unproved (`unsound`) and one with nothing to verify
all exit 1, each with a last line that says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import (
    FileVerification,
    VerificationStatus,
    VerifyRequest,
    VerifySummary,
)
from toolchain.commands.shared_flags import add_dafny_flag, diagnostic_line
from toolchain.dafny import DafnyEngine, read_dafny_file
from toolchain.errors import ToolchainError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help="verify Dafny files with the real Dafny verifier")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the results as JSON (VerifySummary)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="S", help="limit per file (s)")
    p.add_argument(
        "--vc-time-limit", type=int, default=20, metavar="S", help="limit per proof obligation"
    )
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="files verified at once")
    add_dafny_flag(p)
    p.add_argument("--no-cache", action="store_true", help="ignore cached results")
    p.set_defaults(func=run)


def format_text(result: FileVerification) -> list[str]:
    """Compiler-style lines: `file:line:col: severity: message`, related locations as notes."""
    out: list[str] = []
    for d in result.diagnostics:
        out.append(diagnostic_line(d))
        for rel in d.related:
            r = rel.location.range.start
            out.append(f"{rel.location.file}:{r.line + 1}:{r.character + 1}: note: {rel.message}")
    counts = f"{result.verified_count} verified, {result.error_count} errors"
    if result.timeout_count:
        counts += f", {result.timeout_count} timed out"
    shim = ", Dafny 4 syntax rewritten for 2.x" if result.shimmed else ""
    cached = ", cached" if result.cached else ""
    out.append(
        f"{result.file}: {result.status.value} ({counts}; {result.duration_s:.2f} s{cached}{shim})"
    )
    meaning = _MEANING.get(result.status)
    if meaning:
        out.append(f"{result.file}: {meaning}")
    return out


_MEANING = {
    VerificationStatus.partial: "proved for partial correctness only: methods marked partial use "
    "`decreases *` (or call one that does) and may not terminate; not reported as verified",
    VerificationStatus.unsound: "Dafny's proof relies on something it was not asked to prove "
    "(see the soundness errors); not reported as verified",
    VerificationStatus.nothing_to_verify: "nothing to verify: no method, function, lemma or "
    "constrained type; not reported as verified",
}


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise ToolchainError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise ToolchainError("--timeout must be positive")
    texts = {f: read_dafny_file(f) for f in args.files}  # every bad input fails before any work
    settings = DafnySettings(
        path=args.dafny, jobs=args.jobs, timeout_s=args.timeout, vc_time_limit_s=args.vc_time_limit
    )
    engine = DafnyEngine.discover(settings)
    if args.no_cache:
        engine.cache.directory = None
    request = VerifyRequest(timeout_s=args.timeout, vc_time_limit_s=args.vc_time_limit)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda f: engine.verify_source(texts[f], f, request), args.files))
    summary = VerifySummary(
        files=results,
        verified=sum(r.ok for r in results),
        partial=sum(r.status == VerificationStatus.partial for r in results),
        failed=sum(
            r.status not in (VerificationStatus.verified, VerificationStatus.partial)
            and r.status != VerificationStatus.timeout
            for r in results
        ),
        timed_out=sum(r.status == VerificationStatus.timeout for r in results),
        duration_s=time.monotonic() - started,
    )
    if args.json:
        sys.stdout.write(
            summary.model_dump_json(indent=2, exclude={"files": {"__all__": {"raw_output"}}}) + "\n"
        )
    else:
        for r in results:
            print("\n".join(format_text(r)))
    if any(r.status == VerificationStatus.tool_error for r in results):
        return 2
    return 0 if summary.verified == len(results) else 1
