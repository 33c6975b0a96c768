"""The default executor: a pool of threads (tasks that wait on a subprocess, e.g. Dafny) or of
processes (tasks that compute in Python). No Ray import anywhere on this path."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures import Executor as PoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal

from toolchain.executor.base import TaskFn, TaskOutcome, WorkItem, describe_error


class LocalExecutor:
    name = "local"

    def __init__(
        self,
        workers: int = 2,
        *,
        mode: Literal["threads", "processes"] = "threads",
        max_retries: int = 2,
    ) -> None:
        self.workers = max(1, workers)
        self.mode = mode
        self.max_retries = max_retries

    def _pool(self) -> PoolExecutor:
        if self.mode == "processes":
            return ProcessPoolExecutor(max_workers=self.workers)
        return ThreadPoolExecutor(max_workers=self.workers)

    def run(self, fn: TaskFn, items: Sequence[WorkItem]) -> Iterator[TaskOutcome]:
        attempts = {item.key: 0 for item in items}
        todo = list(items)
        while todo:
            pool = self._pool()
            try:
                futures: dict[Future[Any], WorkItem] = {
                    pool.submit(fn, item.payload): item for item in todo
                }
                todo = []
                pending = set(futures)
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        item = futures[future]
                        attempts[item.key] += 1
                        try:
                            value = future.result()
                        except BrokenProcessPool as exc:
                            # A worker process died. The pool cannot tell whose task killed it,
                            # so every task still in it is charged one attempt and runs again
                            # in a fresh pool.
                            outcome = self._failed(item, attempts[item.key], exc)
                        except Exception as exc:
                            outcome = self._failed(item, attempts[item.key], exc)
                        else:
                            yield TaskOutcome(item.key, True, value, None, attempts[item.key])
                            continue
                        if outcome is None:
                            if isinstance(pool, ProcessPoolExecutor):
                                todo.append(item)
                            else:
                                again = pool.submit(fn, item.payload)
                                futures[again] = item
                                pending.add(again)
                        else:
                            yield outcome
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def _failed(self, item: WorkItem, tried: int, exc: BaseException) -> TaskOutcome | None:
        """None: try again; else the infrastructure error that ends the task."""
        if tried <= self.max_retries:
            return None
        return TaskOutcome(
            item.key, False, None, f"gave up after {tried} attempts: {describe_error(exc)}", tried
        )

    def close(self) -> None:
        pass


__all__ = ["LocalExecutor"]
