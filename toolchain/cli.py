"""`p2s`: the headless face of Proof2Silicon (verify, generate, train, hw-ir, synth, ...).

SIGINT and SIGTERM stop the CLI at once: every tool it started (each in its own process group,
so the terminal's signal never reaches them) is killed and every temporary file removed through
toolchain.proc's registry, and the exit status is 130 or 143. A second signal, or a clean-up that
takes longer than a moment, ends the process without waiting for anything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from toolchain import proc
from toolchain.errors import ToolchainError
from toolchain.redact import redact

# One module per subcommand; each defines add_parser(subparsers).
COMMAND_MODULES = [
    "toolchain.commands.verify",
    "toolchain.commands.generate",
    "toolchain.commands.train",
    "toolchain.commands.hw_ir",
    "toolchain.commands.synth",
]

# After the first signal, unwinding (worker threads noticing their tools are gone, finally
# blocks) gets this long before the process ends regardless.
SHUTDOWN_GRACE_S = 2.0
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_WORDS: dict[int, str] = {int(signal.SIGINT): "interrupted", int(signal.SIGTERM): "terminated"}


class Interrupted(BaseException):
    """Raised on the main thread by a signal. Not an Exception, so that no `except Exception`
    on the way up can swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _SignalState:
    def __init__(self) -> None:
        self.signum: int | None = None


_state = _SignalState()


def _hard_exit(code: int) -> None:
    proc.shutdown()  # again: a tool may have started since the first call
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def on_signal(signum: int, frame: FrameType | None) -> None:
    """The handler for SIGINT/SIGTERM (commands with a gentler first Ctrl-C call it for the
    second): kill every tool, remove temporary files, and unwind (or exit, on a repeat)."""
    first = _state.signum is None
    if first:
        _state.signum = signum
    proc.shutdown()
    code = 128 + (_state.signum or signum)
    if not first:
        _hard_exit(code)
    watchdog = threading.Timer(SHUTDOWN_GRACE_S, _hard_exit, (code,))
    watchdog.daemon = True
    watchdog.start()
    if proc.in_spawn():
        # This thread is between starting a tool and registering it: unwinding here would leak
        # the tool. The start sees the shutdown flag, kills it and raises instead.
        return
    raise Interrupted(signum)


Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def install_signal_handlers() -> dict[int, Handler]:
    """Install on_signal for SIGINT and SIGTERM; returns the previous handlers (empty when not
    on the main thread, where Python allows no handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.signal(s, on_signal) for s in _SIGNALS}


def restore_signal_handlers(previous: dict[int, Handler]) -> None:
    for s, handler in previous.items():
        signal.signal(s, handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2s", description="Proof2Silicon: English spec -> verified Dafny -> RTL"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def _signalled(default: int) -> int:
    """`default`, or, after a signal, say so and end the process with its status. Returning
    instead would let a repeated signal land in the interpreter's own shutdown, after Python has
    put the default handlers back, and kill the process with the raw signal."""
    if _state.signum is None:
        return default
    print(f"p2s: {_WORDS.get(_state.signum, 'stopped by a signal')}", file=sys.stderr)
    _hard_exit(128 + _state.signum)
    return 128 + _state.signum  # not reached


def main(argv: Sequence[str] | None = None) -> int:
    _state.signum = None
    proc.reset_shutdown()
    previous = install_signal_handlers()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code: int = args.func(args)
        return _signalled(code)
    except Interrupted as exc:
        return _signalled(exc.exit_code)
    except ToolchainError as exc:
        if _state.signum is not None:
            # The tools were killed by the signal: what they failed with is no news.
            return _signalled(exc.exit_code)
        # Any command may carry a key in an error (an endpoint URL, a server's reply).
        print(f"p2s: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        proc.shutdown()
        print("p2s: interrupted", file=sys.stderr)
        return 130
    except Exception:
        if _state.signum is not None:
            # Whatever broke while the signal tore the tools down is a consequence, not news.
            return _signalled(130)
        raise
    finally:
        restore_signal_handlers(previous)


if __name__ == "__main__":
    sys.exit(main())
