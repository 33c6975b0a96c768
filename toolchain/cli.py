"""`p2s`: the headless face of Proof2Silicon (verify, generate, train, hw-ir, synth, ...).

SIGINT and SIGTERM stop the CLI at once: every tool it started (each in its own process group,
so the terminal's signal never reaches them) is killed and every temporary file removed through
toolchain.proc's registry, and the exit status is 130 or 143. A second signal, or a clean-up that
takes longer than a moment, ends the process without waiting for anything.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from toolchain import proc
from toolchain.commands import signals
from toolchain.commands.signals import Interrupted
from toolchain.errors import ToolchainError
from toolchain.redact import redact

# One module per subcommand; each defines add_parser(subparsers).
COMMAND_MODULES = [
    "toolchain.commands.verify",
    "toolchain.commands.generate",
    "toolchain.commands.train",
    "toolchain.commands.hw_ir",
    "toolchain.commands.synth",
    "toolchain.commands.explore",
    "toolchain.commands.bounds",
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
    signals.reset()
    previous = signals.install_handlers()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code: int = args.func(args)
        return signals.signalled(code)
    except Interrupted as exc:
        return signals.signalled(exc.exit_code)
    except ToolchainError as exc:
        if signals.received() is not None:
            # The tools were killed by the signal: what they failed with is no news.
            return signals.signalled(exc.exit_code)
        # Any command may carry a key in an error (an endpoint URL, a server's reply).
        print(f"p2s: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        proc.shutdown()
        print("p2s: interrupted", file=sys.stderr)
        return 130
    except Exception:
        if signals.received() is not None:
            # Whatever broke while the signal tore the tools down is a consequence, not news.
            return signals.signalled(130)
        raise
    finally:
        signals.restore_handlers(previous)


if __name__ == "__main__":
    sys.exit(main())
