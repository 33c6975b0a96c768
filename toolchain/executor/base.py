"""The executor interface: work items carry their own inputs, outcomes stream back as they finish.

A task function is a module-level function (so a remote worker can import it by name) taking
one payload and returning a JSON-able value. A task whose worker dies, or that raises, is tried
again up to `max_retries` times; after that its outcome is an infrastructure error, which a
bench must report apart from any verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

TaskFn = Callable[[Any], Any]
INFRASTRUCTURE = "infrastructure"


@dataclass(frozen=True)
class WorkItem:
    key: str  # unique within a run; the journal's resume key
    payload: Any  # everything the task needs: workers share no state with the driver


@dataclass(frozen=True)
class TaskOutcome:
    key: str
    ok: bool
    value: Any = None  # the task's result when ok
    error: str | None = None  # why not, when not ok (an infrastructure error, never a verdict)
    attempts: int = 1

    @property
    def kind(self) -> str:
        return "result" if self.ok else INFRASTRUCTURE

    def to_record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "ok": self.ok,
            "value": self.value,
            "error": self.error,
            "attempts": self.attempts,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TaskOutcome:
        return cls(
            key=str(record["key"]),
            ok=bool(record["ok"]),
            value=record.get("value"),
            error=record.get("error"),
            attempts=int(record.get("attempts", 1)),
        )


class Executor(Protocol):
    name: str
    workers: int

    def run(self, fn: TaskFn, items: Sequence[WorkItem]) -> Iterator[TaskOutcome]:
        """Every item's outcome exactly once, in completion order."""
        ...

    def close(self) -> None: ...


def describe_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}"[:500]


__all__ = ["INFRASTRUCTURE", "Executor", "TaskFn", "TaskOutcome", "WorkItem", "describe_error"]
