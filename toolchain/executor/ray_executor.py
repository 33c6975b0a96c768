"""The Ray executor: each task runs in a Ray worker, on this machine (a local instance started for
the run) or on an existing cluster (`address`). Imported only when `--executor ray` is chosen.

Retries are the driver's own (Ray's are off): a task is resubmitted when its worker or node dies
or it raises, up to `max_retries` times, so the attempt count is exact and the same policy holds
as for the local executor. Workers import the task function by module name: on a cluster every
node needs this project installed (see the README).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayError

from toolchain.executor.base import TaskFn, TaskOutcome, WorkItem, describe_error

# The repository root, so that workers of a local instance import `bench.*` task functions as
# the driver does (toolchain itself is installed).
_REPO = str(Path(__file__).resolve().parents[2])


def _call(fn: TaskFn, payload: Any) -> Any:
    return fn(payload)


class RayExecutor:
    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: int | None = None,
        max_retries: int = 2,
        cpus_per_task: float = 1.0,
    ) -> None:
        self.max_retries = max_retries
        self.cpus_per_task = cpus_per_task
        self._owned = False
        if not ray.is_initialized():
            path = os.pathsep.join(p for p in [_REPO, os.environ.get("PYTHONPATH", "")] if p)
            ray.init(
                address=address,
                num_cpus=num_cpus if address is None else None,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                runtime_env={"env_vars": {"PYTHONPATH": path}} if address is None else None,
            )
            self._owned = True
        self.address = address or "local instance"
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        self.workers = max(1, int(cpus // cpus_per_task))
        self._remote = ray.remote(num_cpus=cpus_per_task, max_retries=0)(_call)

    def nodes(self) -> int:
        nodes: list[dict[str, Any]] = ray.nodes()  # type: ignore[no-untyped-call]
        return sum(1 for n in nodes if n.get("Alive"))

    def run(self, fn: TaskFn, items: Sequence[WorkItem]) -> Iterator[TaskOutcome]:
        fn_ref = ray.put(fn)  # shipped once, not with every task
        refs: dict[Any, WorkItem] = {}
        attempts = {item.key: 0 for item in items}

        def submit(item: WorkItem) -> Any:
            ref = self._remote.remote(fn_ref, item.payload)
            refs[ref] = item
            attempts[item.key] += 1
            return ref

        pending = [submit(item) for item in items]
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                if pending:  # and whatever else has finished meanwhile
                    more, pending = ray.wait(pending, num_returns=len(pending), timeout=0)
                    ready += more
                for ref in ready:
                    item = refs.pop(ref)
                    try:
                        value = ray.get(ref)
                    except RayError as exc:
                        tried = attempts[item.key]
                        if tried <= self.max_retries:
                            pending.append(submit(item))
                        else:
                            why = f"gave up after {tried} attempts: {describe_error(exc)}"
                            yield TaskOutcome(item.key, False, None, why, tried)
                        continue
                    yield TaskOutcome(item.key, True, value, None, attempts[item.key])
        finally:
            # the caller stopped early (an interruption): drop what has not started; running
            # tasks finish in their workers, which stay up for the next run
            for ref in pending:
                ray.cancel(ref, force=False)

    def close(self) -> None:
        if self._owned and ray.is_initialized():
            ray.shutdown()
            self._owned = False


__all__ = ["RayExecutor"]
