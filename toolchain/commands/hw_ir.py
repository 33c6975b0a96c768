"""`p2s hw-ir FILE --method M [--json]`: the hardware IR of a verified method, its widths and
the verdicts of the width obligations Dafny checked."""

from __future__ import annotations

import argparse
import sys
import time

from toolchain.commands import shared_flags
from toolchain.dafny import DafnyEngine, read_dafny_file
from toolchain.frontend.api import lower
from toolchain.frontend.printer import format_widths
from toolchain.frontend.report import build_report


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "hw-ir", help="lower a verified Dafny method to hardware IR with Dafny-proven widths"
    )
    shared_flags.add_method_target(p, "FILE", "the method to lower", metavar="M")
    p.add_argument("--json", action="store_true", help="print a HardwareIrReport as JSON")
    p.add_argument(
        "--no-prove", action="store_true", help="skip the Dafny width proofs (ranges unchecked)"
    )
    shared_flags.add_contract_flags(
        p,
        input_bits_help="hardware contract: unbounded integer inputs are N-bit (reported as "
        "assumed)",
        max_length_help="hardware contract: arrays without a length bound hold at most N elements",
    )
    p.add_argument("--program", action="store_true", help="also print the obligation program")
    shared_flags.add_dafny_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = read_dafny_file(args.file)
    engine = None if args.no_prove else DafnyEngine.discover(shared_flags.dafny_settings(args))
    options = shared_flags.contract_options(args)
    started = time.monotonic()
    result = lower(text, args.method, filename=args.file, engine=engine, options=options)
    report = build_report(result, args.file, args.method, time.monotonic() - started)
    if args.json:
        print(report.model_dump_json(indent=2))
        return 0 if report.ok else 1
    out = sys.stdout
    for d in result.diagnostics:
        print(shared_flags.diagnostic_line(d), file=out)
    if result.method is not None:
        print(report.ir_text, file=out)
        print("widths:", file=out)
        print(format_widths(result.method), file=out)
        if result.method.obligations:
            proven = sum(o.proven is True for o in result.method.obligations)
            print(
                f"obligations: {proven}/{len(result.method.obligations)} proven by Dafny",
                file=out,
            )
            for o in result.method.obligations:
                verdict = {True: "proven", False: "REFUTED", None: "unchecked"}[o.proven]
                print(f"  {o.loc}: {o.where}: {verdict}", file=out)
        if args.program and result.obligation_program:
            print("obligation program:", file=out)
            print(result.obligation_program, file=out)
    status = (
        "ok"
        if report.ok
        else ("lowered, widths not all proven" if report.lowered else "not lowered")
    )
    print(f"{args.file}: {args.method}: {status} ({report.duration_s:.2f} s)", file=out)
    return 0 if report.ok else 1
