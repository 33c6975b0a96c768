"""A CPU-time watchdog for property tests: a call that spins fails its test instead of hanging CI.

It counts the process's CPU time (ITIMER_PROF, SIGPROF), not wall time, so a loaded machine does
not trip it, and it leaves SIGALRM to pytest-timeout. The handler raises in the main thread, in
the middle of the spinning loop, so hypothesis can go on shrinking the input that hung.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Hung(BaseException):
    """Raised out of a call that ran past its CPU budget (a BaseException: parsers that catch
    Exception must not swallow it)."""


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    def on_timer(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still running after {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, on_timer)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
