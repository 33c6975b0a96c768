"""Flags and output that several commands share, written once so that they read and behave the
same in every command: the Dafny executable (`--dafny`), the file and method a command works
on, the hardware contract (`--assume-input-bits`, `--assume-max-length`) and a diagnostic as a
compiler-style line."""

from __future__ import annotations

import argparse

from shared_schemas.settings import DafnySettings, Settings
from shared_schemas.verification import Diagnostic
from toolchain.frontend.ranges import Options


def add_dafny_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dafny", default=None, help="Dafny executable (else $P2S_DAFNY, PATH)")


def dafny_settings(args: argparse.Namespace) -> DafnySettings:
    return DafnySettings(path=args.dafny)


def settings_from(args: argparse.Namespace) -> Settings:
    """The engine's settings for a command whose only setting flag is `--dafny`."""
    return Settings(dafny=dafny_settings(args))


def add_method_target(
    p: argparse.ArgumentParser, file_metavar: str, method_help: str | None = None, **kw: str
) -> None:
    """The positional FILE and the required `--method` / `-m` naming the method in it."""
    p.add_argument("file", metavar=file_metavar)
    p.add_argument("--method", "-m", required=True, help=method_help, **kw)


def add_contract_flags(
    p: argparse.ArgumentParser, *, input_bits_help: str, max_length_help: str
) -> None:
    """The hardware contract: bounds for inputs the method's precondition leaves unbounded."""
    p.add_argument("--assume-input-bits", type=int, default=None, metavar="N", help=input_bits_help)
    p.add_argument("--assume-max-length", type=int, default=None, metavar="N", help=max_length_help)


def contract_options(args: argparse.Namespace) -> Options:
    return Options(
        assume_input_bits=args.assume_input_bits, assume_max_length=args.assume_max_length
    )


def diagnostic_line(d: Diagnostic) -> str:
    """`file:line:col: severity: message [code]`, one-based, as compilers print them."""
    code = f" [{d.code}]" if d.code else ""
    return (
        f"{d.file}:{d.range.start.line + 1}:{d.range.start.character + 1}: "
        f"{d.severity.value}: {d.message}{code}"
    )
