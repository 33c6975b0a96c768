"""A progress line on stderr: tasks done / total, rate, ETA; redrawn at most twice a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    s = int(seconds)
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


class ProgressBar:
    def __init__(
        self,
        total: int,
        label: str = "tasks",
        *,
        already: int = 0,
        stream: TextIO | None = None,
        interval_s: float | None = None,
    ) -> None:
        self.total = total
        self.label = label
        self.done = already
        self.already = already  # done in an earlier run: not counted in this run's rate
        self.failed = 0
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self._last = 0.0
        # a terminal gets one line redrawn in place; a log file gets a whole line now and then
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval_s = interval_s if interval_s is not None else (0.5 if self._tty else 10.0)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        fresh = self.done - self.already
        rate = fresh / elapsed
        left = self.total - self.done
        eta = _clock(left / rate) if rate > 0 else "?"
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        failed = f", {self.failed} infrastructure errors" if self.failed else ""
        return (
            f"{self.label} [{bar}] {self.done}/{self.total} {rate:.2f}/s "
            f"elapsed {_clock(elapsed)} ETA {eta}{failed}"
        )

    def advance(self, ok: bool = True) -> None:
        self.done += 1
        self.failed += not ok
        now = time.monotonic()
        if self.done == self.total or now - self._last >= self.interval_s:
            self._last = now
            self.show()

    def show(self) -> None:
        if self._tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r" + self.line() + end)
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._tty and self.done != self.total:
            self.stream.write("\n")
            self.stream.flush()


__all__ = ["ProgressBar"]
