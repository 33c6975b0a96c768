"""`p2s bounds FILE --method M --assume-input-bits N --assume-max-length N [--write]`: state the
hardware contract in the method's own precondition, re-verify the file, and (with `--write`)
save it, so that `p2s synth` then proves every width from the user's spec instead of assuming.

Without `--write` nothing is written: the edit is shown as a diff with Dafny's verdict on it.
Exit status: 0 the edited file verifies (and was written, with --write) or nothing was needed;
1 Dafny refuses the edited file (a caller may break the stronger precondition; nothing written);
2 bad input or a tool error.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from shared_schemas.hardware import BoundsReport
from shared_schemas.verification import Severity, VerificationStatus
from toolchain.atomic import write_atomic
from toolchain.commands import shared_flags
from toolchain.dafny import DafnyEngine, read_dafny_file
from toolchain.dafny.text import LineIndex
from toolchain.errors import InputError
from toolchain.frontend.bounds import BoundsError, propose_bounds


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bounds",
        help="write the hardware contract into a method's precondition and re-verify",
    )
    shared_flags.add_method_target(p, "FILE", metavar="M")
    shared_flags.add_contract_flags(
        p,
        input_bits_help="integer inputs the precondition leaves unbounded get `requires` bounds "
        "of N bits",
        max_length_help="arrays whose length the precondition leaves unbounded get "
        "`requires a.Length <= N`",
    )
    p.add_argument(
        "--write", action="store_true", help="rewrite FILE when the edited file verifies"
    )
    p.add_argument("--json", action="store_true", help="print a BoundsReport as JSON")
    shared_flags.add_dafny_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.assume_input_bits is None and args.assume_max_length is None:
        raise InputError(
            "no contract to state",
            hint="give --assume-input-bits N and/or --assume-max-length N",
        )
    for flag, value in (
        ("--assume-input-bits", args.assume_input_bits),
        ("--assume-max-length", args.assume_max_length),
    ):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1, not {value}")
    path = Path(args.file)
    text = read_dafny_file(path)
    options = shared_flags.contract_options(args)
    try:
        proposal = propose_bounds(text, args.method, options, filename=str(path))
    except BoundsError as exc:
        raise InputError(str(exc)) from None
    report = BoundsReport(file=str(path), method=args.method, clauses=list(proposal.clauses))
    if proposal.empty:
        return _finish(args, report, "", "nothing to add: the precondition bounds every input")
    index = LineIndex.of(text)
    report.range = index.range(proposal.start, proposal.end)
    report.new_text = proposal.replacement
    edited = proposal.apply(text)
    engine = DafnyEngine.discover(shared_flags.dafny_settings(args))
    verdict = engine.verify_source(edited, filename=str(path))
    report.verification = verdict.status.value
    report.errors = [d for d in verdict.diagnostics if d.severity == Severity.error]
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            edited.splitlines(keepends=True),
            fromfile=str(path),
            tofile=f"{path} (with bounds)",
        )
    )
    if verdict.status != VerificationStatus.verified:
        return _finish(
            args,
            report,
            diff,
            f"not written: with these bounds the file is {verdict.status.value}"
            " (a caller may not establish them)",
            code=1,
        )
    if args.write:
        if read_dafny_file(path) != text:
            raise InputError(f"{path} changed while it was being verified; nothing written")
        write_atomic(path, edited)
        report.written = True
        return _finish(args, report, diff, f"wrote {path}: the bounds are part of the spec")
    return _finish(args, report, diff, "verifies with these bounds; pass --write to save them")


def _finish(
    args: argparse.Namespace, report: BoundsReport, diff: str, summary: str, code: int = 0
) -> int:
    if args.json:
        print(report.model_dump_json(indent=2))
        return code
    if diff:
        sys.stdout.write(diff)
    for d in report.errors:
        print(
            f"{d.file}:{d.range.start.line + 1}:{d.range.start.character + 1}: error: {d.message}"
        )
    print(f"{report.file}: {report.method}: {summary}")
    return code
