"""A warm Dafny 2.x verifier: one long-lived `DafnyServer.exe`, so edits skip Mono's start-up.

Dafny 2.x ships `DafnyServer.exe` beside `Dafny.exe`. It reads requests on stdin (`verify`, a line
of base64 JSON `{args, filename, source, sourceIsFile}`, then `[[DAFNY-CLIENT: EOM]]`) and answers
each with the CLI's `/trace` text ending in `[[DAFNY-SERVER: EOM]]`. It keeps Boogie's
per-implementation cache between requests, so re-sending a whole file after a one-method edit
re-proves only what the edit touched (measured: ~0.2 s instead of ~2 s for 20 methods).

The process runs in its own process group (it starts z3 children); a timeout, a cancel that
outlives a short grace period, or `close()` kills the whole group, and the next request starts a
fresh server. A crash is retried once on a fresh server. Replies are interpreted by the engine
exactly like CLI output (`DafnyEngine.interpret_output` with `parse_server_output`); a reply that
stopped in the front end (parse or resolution errors, which the server does not classify) and
anything the server cannot do (Dafny 4, a missing DafnyServer.exe) go to the cold CLI instead.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import queue
import re
import shutil
import subprocess
import threading
import time
import weakref
from pathlib import Path

from shared_schemas.verification import FileVerification, VerificationStatus, VerifyRequest
from toolchain.dafny.diagnostics import parse_server_output, server_reached_verifier
from toolchain.dafny.engine import DafnyEngine, SourceVerifier
from toolchain.dafny.slicing import slice_for
from toolchain.errors import CancelledError, ToolCrashedError
from toolchain.proc import CancelToken, kill_group

log = logging.getLogger(__name__)

SERVER_EOM = "[[DAFNY-SERVER: EOM]]"
CLIENT_EOM = "[[DAFNY-CLIENT: EOM]]"
_START_TIMEOUT_S = 60.0
_EXE_IN_SCRIPT = re.compile(r"""(?P<exe>[^\s"']+/Dafny\.exe)""")


def find_dafny_server(dafny_path: str) -> list[str] | None:
    """The argv that starts the `DafnyServer.exe` of the Dafny 2.x at `dafny_path`, or None.

    Debian's `dafny` is a shell script (`exec /usr/bin/cli /usr/lib/dafny/Dafny.exe "$@"`): the
    server sits beside the Dafny.exe it names and runs on the same runtime. Release zips put a
    `dafny` script and DafnyServer.exe in one folder and run them with `mono`.
    """
    path = Path(dafny_path).resolve()
    runtime: str | None = None
    folders = [path.parent]
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.stat().st_size < 64 * 1024:
            script = path.read_text(encoding="utf-8")
            for line in script.splitlines():
                m = _EXE_IN_SCRIPT.search(line)
                if not m:
                    continue
                folders.insert(0, Path(m.group("exe")).parent)
                words = line[: m.start()].replace("exec", " ").split()
                if words and not words[-1].startswith("-"):
                    runtime = words[-1]
    for folder in folders:
        exe = folder / "DafnyServer.exe"
        if exe.is_file():
            launcher = runtime or shutil.which("mono") or shutil.which("cli")
            return [launcher, str(exe)] if launcher else None
    return None


class DafnyServerProcess:
    """One `DafnyServer.exe` in its own process group, asked one request at a time."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._finalizer: weakref.finalize | None = None  # type: ignore[type-arg]
        self.started = 0

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        self.close()
        try:
            proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise ToolCrashedError(f"cannot start {self.argv[-1]}: {exc}") from exc
        self._proc = proc
        self._lines = queue.Queue()
        self._reader = threading.Thread(
            target=_pump, args=(proc, self._lines), name="dafny-server-reader", daemon=True
        )
        self._reader.start()
        # Whatever happens to its owner, the server and its z3 children die with this process.
        self._finalizer = weakref.finalize(self, kill_group, proc)
        self.started += 1

    def exchange(
        self,
        payload: dict[str, object],
        timeout_s: float,
        cancel: CancelToken | None,
        grace_s: float,
    ) -> tuple[str, bool]:
        """Send one request; return (reply text, timed out). A timeout kills the server.

        On cancel the reply still gets `grace_s` to arrive (a short request finishes and keeps the
        server warm), then the server is killed; either way CancelledError is raised.
        """
        if not self.alive:
            self.start()
        assert self._proc is not None and self._proc.stdin is not None
        encoded = base64.b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
        try:
            self._proc.stdin.write(f"verify\n{encoded}\n{CLIENT_EOM}\n".encode("ascii"))
            self._proc.stdin.flush()
        except OSError as exc:
            self.close()
            raise ToolCrashedError(f"DafnyServer.exe stopped accepting requests: {exc}") from exc
        started = time.monotonic()
        deadline = started + timeout_s
        cancelled_at: float | None = None
        reply: list[str] = []
        while True:
            now = time.monotonic()
            if cancel is not None and cancel.cancelled and cancelled_at is None:
                cancelled_at = now
                deadline = min(deadline, now + grace_s)
            if now >= deadline:
                self.close()
                if cancelled_at is not None:
                    raise CancelledError("verification cancelled")
                return "\n".join(reply), True
            try:
                line = self._lines.get(timeout=min(0.05, max(deadline - now, 0.001)))
            except queue.Empty:
                continue
            if line is None:
                self.close()
                raise ToolCrashedError(
                    "DafnyServer.exe ended unexpectedly: " + " ".join(reply[-3:])[-300:]
                )
            if line.rstrip().endswith(SERVER_EOM):
                if cancelled_at is not None:
                    raise CancelledError("verification cancelled")
                return "\n".join(reply), False
            reply.append(line)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        kill_group(proc)
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self._finalizer is not None:
            self._finalizer.detach()


def _pump(proc: subprocess.Popen[bytes], lines: queue.Queue[str | None]) -> None:
    assert proc.stdout is not None
    for raw in proc.stdout:
        lines.put(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    lines.put(None)


class WarmVerifier(SourceVerifier):
    """`verify_source` like DafnyEngine's, served by a warm DafnyServer.exe where possible.

    Thread-safe: requests to the one server are serialised. Results are cached by content like
    the engine's (under their own key), so the CLI's and the server's results never mix.
    """

    def __init__(
        self,
        engine: DafnyEngine,
        *,
        server_argv: list[str] | None = None,
        cancel_grace_s: float = 1.0,
        max_requests: int = 500,
        slice_selected: bool = True,
    ) -> None:
        self._engine = engine
        # A run of selected procedures gets the other methods' bodies stubbed
        # (toolchain.dafny.slicing) so the server's front end skips them: 10-30% off a warm
        # one-method run on a 20-method file. Measured on 279 corpus methods (DafnyBench/MBPP,
        # two random samples of 40 files): every verdict equal to the whole-file run's except one
        # proof that also flips between whole-file runs of this server.
        self.slice_selected = slice_selected
        argv = server_argv
        if argv is None and engine.info.major < 3:
            argv = find_dafny_server(engine.info.path)
        self._server = DafnyServerProcess(argv) if argv else None
        self.cancel_grace_s = cancel_grace_s
        self.max_requests = max_requests
        self._lock = threading.Lock()
        self._served = 0
        self.requests = 0
        self.fallbacks = 0

    @property
    def available(self) -> bool:
        """Whether a warm server exists for this Dafny (2.x with DafnyServer.exe)."""
        return self._server is not None

    @property
    def server_pid(self) -> int | None:
        return self._server.pid if self._server is not None and self._server.alive else None

    @property
    def restarts(self) -> int:
        return max(self._server.started - 1, 0) if self._server is not None else 0

    def close(self) -> None:
        if self._server is not None:
            with self._lock:
                self._server.close()

    @property
    def engine(self) -> DafnyEngine:
        return self._engine

    def verify_admitted(
        self, text: str, filename: str, request: VerifyRequest, cancel: CancelToken | None
    ) -> FileVerification:
        engine = self.engine
        if self._server is None:
            return engine.verify_source(text, filename, request, cancel)
        key = engine.verdict_key(request, text, "warm")
        hit = engine.cache.get(key)
        if hit is not None and hit.file == filename:
            hit.cached = True
            return hit
        started = time.monotonic()
        shim = engine.shim_for(text)
        tool_name = _tool_filename(filename)
        source = shim.text
        if self.slice_selected and request.procedures:
            sliced = slice_for(shim.text, request.procedures)
            if sliced is not None:
                source = sliced.text  # same offsets: the output is read against `text` as usual
        payload: dict[str, object] = {
            "args": [
                *engine.base_args()[1:],
                # DafnyServer turns on Boogie's snapshot verification, which gave a false error
                # on a program the CLI proves (MBPP task 142, GPT-4 few-shot): keep the CLI's
                # semantics so the editor and `p2s verify` never disagree.
                "/verifySnapshots:0",
                *engine.verifier_options(
                    request, engine.procedure_filters(text, request.procedures)
                ),
            ],
            "filename": tool_name,
            "source": source,
            "sourceIsFile": False,
        }
        try:
            output, timed_out = self._ask(payload, request.timeout_s, cancel)
        except ToolCrashedError as exc:
            log.warning("warm verifier unusable, verifying with the CLI: %s", exc)
            self.fallbacks += 1
            return engine.verify_source(text, filename, request, cancel)
        if not timed_out and not server_reached_verifier(output):
            # Stopped in the front end: the CLI tells parse from resolution errors and retries
            # the Dafny 4 shim, and costs little when nothing gets verified.
            self.fallbacks += 1
            return engine.verify_source(text, filename, request, cancel)
        result = engine.interpret_output(
            output,
            text,
            filename,
            request,
            reported_names={tool_name, Path(tool_name).name},
            shim=shim,
            timed_out=timed_out,
            duration_s=time.monotonic() - started,
            parser=parse_server_output,
        )
        if result.raw_output:
            result.raw_output = result.raw_output.replace(tool_name, filename)
        if result.status not in (VerificationStatus.tool_error, VerificationStatus.timeout):
            engine.cache.put(key, result)
        return result

    def _ask(
        self, payload: dict[str, object], timeout_s: float, cancel: CancelToken | None
    ) -> tuple[str, bool]:
        server = self._server
        assert server is not None
        with self._lock:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if self._served >= self.max_requests:
                # Boogie's cache only grows: start afresh now and then.
                server.close()
                self._served = 0
            self.requests += 1
            for attempt in (1, 2):
                try:
                    self._served += 1
                    return server.exchange(payload, timeout_s, cancel, self.cancel_grace_s)
                except ToolCrashedError as exc:
                    log.warning("DafnyServer.exe crashed (attempt %d): %s", attempt, exc)
                    self._served = 0
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")


def _tool_filename(filename: str) -> str:
    """The name the server reports positions in; an existing folder lets includes resolve."""
    path = Path(filename)
    if path.is_absolute() and path.parent.is_dir() and path.suffix == ".dfy":
        return str(path)
    name = path.name if path.suffix == ".dfy" else f"{path.name or 'input'}.dfy"
    return name if os.sep not in name else "input.dfy"


__all__ = ["DafnyServerProcess", "WarmVerifier", "find_dafny_server"]
