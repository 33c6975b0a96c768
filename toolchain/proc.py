"""The one way this project runs external tools.

Argument lists only (never a shell), a timeout on every call, each tool in its own process group so
that a timeout or a cancel kills everything it started (Dafny 2.x is Mono plus z3 children).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import CancelledError, ToolNotFoundError


class CancelToken:
    """Thread-safe cancellation flag that running tools poll."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise CancelledError("cancelled")


@dataclass(frozen=True)
class ProcResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False

    @property
    def output(self) -> str:
        return self.stdout + (("\n" + self.stderr) if self.stderr.strip() else "")


def kill_group(proc: subprocess.Popen[bytes] | asyncio.subprocess.Process) -> None:
    """Kill the process and every process it started (they share its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def run_tool(
    args: Sequence[str | Path],
    *,
    timeout_s: float,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cancel: CancelToken | None = None,
    poll_s: float = 0.05,
) -> ProcResult:
    """Run a tool to completion, or kill its whole group on timeout / cancel.

    A timeout is reported in the result (timed_out=True); a cancel raises CancelledError.
    """
    argv = [str(a) for a in args]
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise ToolNotFoundError(f"cannot run {argv[0]}: not found") from exc
    except PermissionError as exc:
        raise ToolNotFoundError(f"cannot run {argv[0]}: permission denied") from exc

    result: dict[str, bytes] = {}

    def communicate() -> None:
        out, err = proc.communicate(stdin.encode("utf-8") if stdin is not None else None)
        result["out"], result["err"] = out, err

    reader = threading.Thread(target=communicate, daemon=True)
    reader.start()
    timed_out = False
    try:
        while reader.is_alive():
            reader.join(poll_s)
            if cancel is not None and cancel.cancelled:
                kill_group(proc)
                reader.join()
                raise CancelledError(f"{Path(argv[0]).name} cancelled")
            if time.monotonic() - start > timeout_s:
                timed_out = True
                kill_group(proc)
                reader.join()
                break
    finally:
        # Whatever happened, leave no child of this tool behind (z3 outlives a killed Mono).
        kill_group(proc)
    return ProcResult(
        args=argv,
        returncode=proc.returncode if proc.returncode is not None else -9,
        stdout=_decode(result.get("out")),
        stderr=_decode(result.get("err")),
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


async def run_tool_async(
    args: Sequence[str | Path],
    *,
    timeout_s: float,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> ProcResult:
    """The asyncio twin of run_tool; cancelling the awaiting task kills the tool's group."""
    argv = [str(a) for a in args]
    start = time.monotonic()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise ToolNotFoundError(f"cannot run {argv[0]}: not found") from exc
    timed_out = False
    out: bytes = b""
    err: bytes = b""
    try:
        out, err = await asyncio.wait_for(
            proc.communicate(stdin.encode("utf-8") if stdin is not None else None), timeout_s
        )
    except TimeoutError:
        timed_out = True
        kill_group(proc)
        with contextlib.suppress(Exception):
            out, err = await asyncio.wait_for(proc.communicate(), 5)
    finally:
        kill_group(proc)
        if proc.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), 5)
    return ProcResult(
        args=argv,
        returncode=proc.returncode if proc.returncode is not None else -9,
        stdout=_decode(out),
        stderr=_decode(err),
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )
