"""`p2s`: the headless face of Proof2Silicon (verify, generate, train, hw-ir, synth, ...)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from toolchain.errors import ToolchainError

# One module per subcommand; each defines add_parser(subparsers).
COMMAND_MODULES = [
    "toolchain.commands.verify",
    "toolchain.commands.generate",
    "toolchain.commands.train",
    "toolchain.commands.hw_ir",
    "toolchain.commands.synth",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2s", description="Proof2Silicon: English spec -> verified Dafny -> RTL"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except ToolchainError as exc:
        print(f"p2s: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("p2s: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
