"""SIGINT and SIGTERM for every `p2s` command: kill each tool's process group, remove temporary
files through toolchain.proc's registry, and end with status 130 or 143 (at once on a repeat)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from toolchain import proc

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


def reset() -> None:
    """Forget an earlier run's signal (tests call main() more than once in one process)."""
    _state.signum = None
    proc.reset_shutdown()


def received() -> int | None:
    """The signal that stopped this run, if any."""
    return _state.signum


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


def install_handlers() -> dict[int, Handler]:
    """Install on_signal for SIGINT and SIGTERM; returns the previous handlers (empty when not
    on the main thread, where Python allows no handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.signal(s, on_signal) for s in _SIGNALS}


def restore_handlers(previous: dict[int, Handler]) -> None:
    for s, handler in previous.items():
        signal.signal(s, handler)


def signalled(default: int) -> int:
    """`default`, or, after a signal, say so and end the process with its status. Returning
    instead would let a repeated signal land in the interpreter's own shutdown, after Python has
    put the default handlers back, and kill the process with the raw signal."""
    if _state.signum is None:
        return default
    print(f"p2s: {_WORDS.get(_state.signum, 'stopped by a signal')}", file=sys.stderr)
    _hard_exit(128 + _state.signum)
    return 128 + _state.signum  # not reached
