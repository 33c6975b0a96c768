"""Command-line options shared by every bench and `p2s train`: which executor, where, how wide."""

from __future__ import annotations

import argparse
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from toolchain.executor.base import Executor
from toolchain.executor.local import LocalExecutor


class ExecutorOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["local", "ray"] = "local"
    workers: int = Field(2, ge=1, description="local: threads or processes at once")
    local_mode: Literal["threads", "processes"] = "threads"
    ray_address: str | None = Field(None, description="an existing cluster; None starts one here")
    ray_num_cpus: int | None = Field(None, ge=1, description="CPUs of a local Ray instance")
    max_retries: int = Field(2, ge=0, description="tries after a worker dies or a task raises")


def add_executor_arguments(
    parser: argparse.ArgumentParser, *, allow_both: bool = False, resume: bool = True
) -> None:
    group = parser.add_argument_group("executor")
    kinds = ["local", "ray", "both"] if allow_both else ["local", "ray"]
    group.add_argument(
        "--executor",
        choices=kinds,
        default="local",
        help="where tasks run: local threads/processes (default) or Ray"
        + ("; both: one pass each, side by side" if allow_both else ""),
    )
    group.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="an existing Ray cluster (e.g. auto, or ray://head:10001); default: a local instance",
    )
    group.add_argument(
        "--ray-num-cpus", type=int, metavar="N", help="CPUs of the local Ray instance"
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=2,
        help="tries after a worker dies; then the task is an infrastructure error (default 2)",
    )
    if resume:
        group.add_argument(
            "--resume",
            action="store_true",
            help="keep the results an interrupted run already wrote and run only the rest",
        )


def options_from(
    args: argparse.Namespace, kind: str | None = None, workers: int = 2
) -> ExecutorOptions:
    return ExecutorOptions(
        kind=kind or args.executor,
        workers=workers,
        ray_address=args.ray_address,
        ray_num_cpus=args.ray_num_cpus,
        max_retries=args.max_retries,
    )


def make_executor(options: ExecutorOptions) -> Executor:
    if options.kind == "ray":
        from toolchain.executor.ray_executor import RayExecutor  # Ray only when asked for

        return RayExecutor(
            options.ray_address,
            num_cpus=options.ray_num_cpus or options.workers,
            max_retries=options.max_retries,
        )
    return LocalExecutor(options.workers, mode=options.local_mode, max_retries=options.max_retries)


__all__ = ["ExecutorOptions", "add_executor_arguments", "make_executor", "options_from"]
