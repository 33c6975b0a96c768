"""LSP work-done progress for long runs, with the client's Cancel button wired to a callback.

Usable by any feature: `async with WorkDone(server, "Synthesizing", on_cancel=token.cancel,
token=request_token) as progress: progress.report("yosys", 60)`. With a client-provided token
(the executeCommand's workDoneToken) the progress begins at once; without one it is created by
the server when the client supports `window.workDoneProgress`, else nothing is shown.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from types import TracebackType
from typing import Protocol

from lsprotocol import types as lsp
from pygls.progress import Progress


class ProgressHost(Protocol):
    """What progress needs of the server (`server.app.P2SServer` is one), so that this module
    sits below the server object instead of importing it."""

    @property
    def work_done_progress(self) -> Progress: ...

    def client_supports(self, path: str) -> bool: ...


@dataclass(eq=False)  # one progress is one token: compared by identity
class WorkDone:
    server: ProgressHost
    title: str
    _: KW_ONLY
    on_cancel: Callable[[], None] | None = None
    token: lsp.ProgressToken | None = None
    message: str | None = None
    active: bool = field(default=False, init=False)

    async def begin(self) -> None:
        if self.active:
            return
        progress = self.server.work_done_progress
        if self.token is None:
            if not self.server.client_supports("window.work_done_progress"):
                return
            token = f"proof2silicon-{uuid.uuid4()}"
            try:
                await progress.create_async(token)
            except Exception:  # a client that refuses progress: run without it
                return
            self.token = token
        progress.begin(
            self.token,
            lsp.WorkDoneProgressBegin(title=self.title, cancellable=True, message=self.message),
        )
        self.active = True
        future = progress.tokens.get(self.token)
        if future is not None and self.on_cancel is not None:
            on_cancel = self.on_cancel
            future.add_done_callback(lambda f: on_cancel() if f.cancelled() else None)

    def report(self, message: str, percentage: int | None = None) -> None:
        if self.active and self.token is not None:
            self.server.work_done_progress.report(
                self.token, lsp.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    def end(self, message: str | None = None) -> None:
        if not self.active or self.token is None:
            return
        self.active = False
        progress = self.server.work_done_progress
        with contextlib.suppress(Exception):
            progress.end(self.token, lsp.WorkDoneProgressEnd(message=message))
        future = progress.tokens.pop(self.token, None)
        if future is not None and not future.done():
            future.set_result(None)  # finished, not cancelled: the cancel callback stays quiet

    async def __aenter__(self) -> WorkDone:
        await self.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.end("cancelled" if exc_type is not None else None)
