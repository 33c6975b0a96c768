"""The one way this project runs external tools.

Argument lists only (never a shell), a timeout on every call, each tool in its own process group so
that a timeout or a cancel kills everything it started (Dafny 2.x is Mono plus z3 children).

Each tool runs in a new session, so a terminal's Ctrl-C or a SIGTERM to the CLI never reaches it:
every live group, and every temporary file a tool is given, is therefore kept in a registry, and
`shutdown()` (called by the CLI's signal handlers) kills the groups and removes the files.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

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


class _Registry:
    """The process groups and temporary paths that are live now, across all threads."""

    def __init__(self) -> None:
        # Re-entrant: a signal handler runs on the main thread, possibly while that same thread
        # holds the lock in the middle of starting a tool.
        self.lock = threading.RLock()
        self.groups: set[int] = set()
        self.temps: set[Path] = set()
        self.shutting_down = False
        self.local = threading.local()


_registry = _Registry()


@contextlib.contextmanager
def _spawning() -> Iterator[None]:
    """The stretch between starting a tool and registering its group, which a signal handler on
    this thread must not unwind. (Other threads need no lock: shutdown() sets its flag before it
    reads the registry, and _spawned() reads the flag after registering.)"""
    with _registry.lock:
        _registry.local.spawning = getattr(_registry.local, "spawning", 0) + 1
        try:
            yield
        finally:
            _registry.local.spawning -= 1


def in_spawn() -> bool:
    """True on a thread that is starting a tool: a signal handler running here must not raise
    (the new process would escape the registry); the tool start itself then sees the shutdown."""
    return getattr(_registry.local, "spawning", 0) > 0


class ShuttingDownError(CancelledError):
    """A tool was asked to start (or had just started) after shutdown() was called."""


def register_group(pid: int) -> None:
    """Record a live process group (its leader's pid) so that shutdown() kills it."""
    with _registry.lock:
        _registry.groups.add(pid)


def forget_group(pid: int) -> None:
    with _registry.lock:
        _registry.groups.discard(pid)


def live_groups() -> list[int]:
    with _registry.lock:
        return sorted(_registry.groups)


def register_temp(path: str | Path) -> None:
    """Record a temporary file or folder so that shutdown() removes it."""
    with _registry.lock:
        _registry.temps.add(Path(path))


def forget_temp(path: str | Path) -> None:
    with _registry.lock:
        _registry.temps.discard(Path(path))


@contextlib.contextmanager
def registered_temp(path: str | Path) -> Iterator[Path]:
    """Register `path` for the duration of the block, and remove it when the block ends."""
    p = Path(path)
    register_temp(p)
    try:
        yield p
    finally:
        _remove_path(p)
        forget_temp(p)


def _claim(path: Path, create: Callable[[Path], None]) -> bool:
    """Register `path`, then create it; False (and unregistered) if it already existed."""
    register_temp(path)
    try:
        create(path)
    except FileExistsError:
        forget_temp(path)  # someone else's: never ours to remove
        return False
    except BaseException:
        forget_temp(path)
        raise
    return True


def _new_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _new_dir(path: Path) -> None:
    path.mkdir(mode=0o700)


@contextlib.contextmanager
def temp_file(folder: str | Path, prefix: str, suffix: str = "") -> Iterator[Path]:
    """A new empty file in `folder`, removed when the block ends or on shutdown(). The name is
    registered before the file exists, so no signal can leave an unregistered file behind."""
    for _ in range(100):
        path = Path(folder) / f"{prefix}{secrets.token_hex(4)}{suffix}"
        if _claim(path, _new_file):
            with registered_temp(path):
                yield path
            return
    raise FileExistsError(f"no free temporary name {prefix}*{suffix} in {folder}")


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A new private folder under the system's temporary folder, removed like temp_file's."""
    for _ in range(100):
        path = Path(tempfile.gettempdir()) / f"{prefix}{secrets.token_hex(6)}"
        if _claim(path, _new_dir):
            with registered_temp(path):
                yield path
            return
    raise FileExistsError(f"no free temporary folder name {prefix}*")


def _remove_path(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def shutting_down() -> bool:
    return _registry.shutting_down


def shutdown() -> tuple[int, int]:
    """Kill every registered process group and remove every registered temporary path; from now
    on no tool starts. Safe to call from a signal handler and more than once. Returns the numbers
    of groups signalled and paths removed."""
    _registry.shutting_down = True
    # Snapshot without the lock: a signal handler must never wait for a thread that holds it.
    groups = list(_registry.groups)
    temps = list(_registry.temps)
    for pid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    for path in temps:
        _remove_path(path)
    return len(groups), len(temps)


def reset_shutdown() -> None:
    """Allow tools to start again (for a process that goes on after handling a shutdown)."""
    _registry.shutting_down = False


_P = TypeVar("_P", subprocess.Popen[bytes], asyncio.subprocess.Process)


def _spawned(proc: _P) -> _P:
    """Register a just-started tool; if shutdown began meanwhile, kill it at once."""
    register_group(proc.pid)
    if _registry.shutting_down:
        kill_group(proc)
        raise ShuttingDownError("shutting down")
    return proc


def _check_not_shutting_down() -> None:
    if _registry.shutting_down:
        raise ShuttingDownError("shutting down")


def tool_workdir(path: Path) -> Path:
    """`path` made absolute and created: a tool that runs inside it must be given paths that do
    not depend on the folder we run in."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    _check_not_shutting_down()
    try:
        with _spawning():
            proc = _spawned(
                subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=dict(env) if env is not None else None,
                    stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                )
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
        forget_group(proc.pid)
    if _registry.shutting_down:
        # Killed by shutdown(): its output is not a result anyone should read.
        raise ShuttingDownError(f"{Path(argv[0]).name} stopped: shutting down")
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
    _check_not_shutting_down()
    try:
        proc = _spawned(
            await asyncio.create_subprocess_exec(
                *argv,
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
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
        forget_group(proc.pid)
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
