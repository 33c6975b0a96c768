"""The one writer of a run's results: JSON lines appended and flushed as each task finishes.

On resume the lines already there are read back; a torn last line (the run was killed while
writing it) is dropped and its task runs again. Infrastructure errors are not counted as done,
so a resumed run gives those tasks another chance.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

from toolchain.executor.base import TaskOutcome


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def read(self) -> dict[str, TaskOutcome]:
        """Completed outcomes by key (the last line for a key wins)."""
        done: dict[str, TaskOutcome] = {}
        if not self.path.exists():
            return done
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break  # torn final line
                try:
                    outcome = TaskOutcome.from_record(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    continue
                if outcome.ok:
                    done[outcome.key] = outcome
                else:
                    done.pop(outcome.key, None)
        return done

    def start(self, resume: bool) -> dict[str, TaskOutcome]:
        """Open for appending; without resume an old journal is replaced."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        done = self.read() if resume else {}
        if resume and self.path.exists():
            self._drop_torn_tail()
        self._fh = open(self.path, "a" if resume else "w", encoding="utf-8")
        return done

    def _drop_torn_tail(self) -> None:
        data = self.path.read_bytes()
        cut = data.rfind(b"\n") + 1
        if cut != len(data):
            with open(self.path, "r+b") as fh:
                fh.truncate(cut)

    def append(self, outcome: TaskOutcome) -> None:
        if self._fh is None:
            raise RuntimeError("Journal.append before start()")
        self._fh.write(json.dumps(outcome.to_record(), sort_keys=True) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


__all__ = ["Journal"]
