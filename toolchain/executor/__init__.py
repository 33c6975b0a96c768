"""Run many independent tasks on this machine or on a Ray cluster, results streamed in completion
order to one JSONL writer so an interrupted run resumes where it stopped.

The local executor is the default and never imports Ray; `make_executor("ray", ...)` imports it
only when asked.
"""

from toolchain.executor.base import (
    INFRASTRUCTURE,
    Executor,
    TaskFn,
    TaskOutcome,
    WorkItem,
)
from toolchain.executor.journal import Journal
from toolchain.executor.local import LocalExecutor
from toolchain.executor.options import ExecutorOptions, add_executor_arguments, make_executor
from toolchain.executor.progress import ProgressBar
from toolchain.executor.runner import run_tasks

__all__ = [
    "INFRASTRUCTURE",
    "Executor",
    "ExecutorOptions",
    "Journal",
    "LocalExecutor",
    "ProgressBar",
    "TaskFn",
    "TaskOutcome",
    "WorkItem",
    "add_executor_arguments",
    "make_executor",
    "run_tasks",
]
