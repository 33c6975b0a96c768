"""A raw stdio client for `python -m server`: writes any bytes, reads every message back.

pytest-lsp's client only sends well-formed messages; these tests need to send broken ones and
watch the real process (its answers, its memory, its exit code).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lsp_helpers import REPO

Message = dict[str, Any]


def frame(body: bytes | str | Mapping[str, Any]) -> bytes:
    """`body` with its Content-Length header (a mapping is JSON-encoded first)."""
    if isinstance(body, Mapping):
        body = json.dumps(body)
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class RawServer:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.received: list[Message] = []
        self.stream_error: str | None = None
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, tmp_path: Path, env: Mapping[str, str] | None = None) -> RawServer:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=str(tmp_path),
            env={
                **os.environ,
                "PYTHONPATH": str(REPO),
                "P2S_CACHE_DIR": str(tmp_path / "cache"),
                **(env or {}),
            },
        )
        return cls(proc)

    async def _read(self) -> None:
        """The server's output, parsed strictly: it must always be well framed."""
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                length = None
                while True:
                    line = await stdout.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                assert length is not None, "a message without Content-Length"
                self.received.append(json.loads(await stdout.readexactly(length)))
        except Exception as exc:
            self.stream_error = f"{type(exc).__name__}: {exc}"

    async def write(self, data: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(data)
        await stdin.drain()

    async def send(self, message: Mapping[str, Any]) -> None:
        await self.write(frame({"jsonrpc": "2.0", **message}))

    async def wait_for(
        self, predicate: Callable[[Message], bool], timeout_s: float = 30.0, what: str = "a message"
    ) -> Message:
        deadline = time.monotonic() + timeout_s
        while True:
            for message in self.received:
                if predicate(message):
                    return message
            assert self.stream_error is None, self.stream_error
            assert self.proc.returncode is None, f"the server exited ({self.proc.returncode})"
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout_s:g} s: {self.received[-5:]}")
            await asyncio.sleep(0.02)

    async def response(self, msg_id: int | str, timeout_s: float = 30.0) -> Message:
        return await self.wait_for(
            lambda m: m.get("id") == msg_id and "method" not in m, timeout_s, f"response {msg_id}"
        )

    async def request(
        self, msg_id: int | str, method: str, params: Any = None, timeout_s: float = 30.0
    ) -> Message:
        await self.send({"id": msg_id, "method": method, "params": params})
        return await self.response(msg_id, timeout_s)

    def notifications(self, method: str) -> list[Message]:
        return [m for m in self.received if m.get("method") == method]

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    async def shutdown_and_exit(self) -> int:
        """`shutdown` must be answered and `exit` must end the process with status 0."""
        answer = await self.request("bye", "shutdown")
        assert answer.get("result", "missing") is None, answer
        await self.send({"method": "exit"})
        return await asyncio.wait_for(self.proc.wait(), 20)

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        self._reader.cancel()
