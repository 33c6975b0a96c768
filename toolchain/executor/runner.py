"""Drive one run: skip what a journal already holds, hand the rest to an executor, append each
outcome to the journal as it arrives, show progress; return the outcomes in the items' order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from toolchain.executor.base import Executor, TaskFn, TaskOutcome, WorkItem
from toolchain.executor.journal import Journal
from toolchain.executor.progress import ProgressBar


def run_tasks(
    executor: Executor,
    fn: TaskFn,
    items: Sequence[WorkItem],
    *,
    journal: Path | None = None,
    resume: bool = False,
    label: str = "tasks",
    progress: bool = True,
    on_outcome: Callable[[TaskOutcome], None] | None = None,
) -> list[TaskOutcome]:
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError("work item keys must be unique (they are the resume keys)")
    writer = Journal(journal) if journal is not None else None
    done: dict[str, TaskOutcome] = {}
    if writer is not None:
        wanted = set(keys)
        done = {k: v for k, v in writer.start(resume).items() if k in wanted}
    todo = [item for item in items if item.key not in done]
    bar = ProgressBar(len(items), label, already=len(done)) if progress else None
    if bar is not None and done:
        bar.show()  # what the earlier run already did, before the first new result
    try:
        for outcome in executor.run(fn, todo):
            done[outcome.key] = outcome
            if writer is not None:
                writer.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if bar is not None:
                bar.advance(outcome.ok)
    finally:
        if writer is not None:
            writer.close()
        if bar is not None:
            bar.finish()
    return [done[k] for k in keys]


__all__ = ["run_tasks"]
