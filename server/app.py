"""The Proof2Silicon language server: shared state and the plumbing every feature uses.

Features (`server/features/*.py`) register their handlers on a `P2SServer`; it holds the typed
settings, the Dafny verifier (created on first use, rebuilt when settings change), the
per-document verification runs, code-lens contributors, and request cancellation.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument

from shared_schemas.lsp import ServerSettings
from shared_schemas.verification import DafnyInfo
from toolchain.dafny.incremental import IncrementalVerifier
from toolchain.errors import ToolchainError

log = logging.getLogger("proof2silicon.server")

SERVER_NAME = "proof2silicon"
SERVER_VERSION = "0.1.0"

CodeLensContributor = Callable[["P2SServer", TextDocument], list[lsp.CodeLens]]

# The workDoneToken of the executeCommand request being handled (pygls passes commands only
# their arguments); tasks created while handling it inherit the value.
_command_work_done_token: contextvars.ContextVar[lsp.ProgressToken | None] = contextvars.ContextVar(
    "p2s_command_work_done_token", default=None
)


class P2SProtocol(LanguageServerProtocol):
    """pygls' protocol plus two things it does not do for command handlers: hand them the
    request's workDoneToken, and cancel them on `$/cancelRequest` (pygls cancels only the
    outer request future, not the coroutine running the command)."""

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        token = None
        if method_name == lsp.WORKSPACE_EXECUTE_COMMAND:
            token = getattr(params, "work_done_token", None)
        _command_work_done_token.set(token)
        super()._handle_request(msg_id, method_name, params)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        server = self._server
        if isinstance(server, P2SServer):
            server.cancel_request(msg_id)


class P2SServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            SERVER_NAME,
            SERVER_VERSION,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=P2SProtocol,
        )
        from server.documents import DocumentRuns  # documents imports this module

        self.settings = ServerSettings()
        self.settings_loaded = asyncio.Event()
        self.documents = DocumentRuns(self)
        self.code_lens_contributors: list[CodeLensContributor] = []
        self._verifier: IncrementalVerifier | None = None
        self._verifier_error: ToolchainError | None = None
        self._verifier_lock = asyncio.Lock()
        self._missing_reported = False
        self._request_tasks: dict[Any, asyncio.Task[Any]] = {}

    # -- settings and the verifier -----------------------------------------------------------
    def apply_settings(self, settings: ServerSettings) -> bool:
        """Use new settings; True when they change how Dafny runs (earlier results dropped)."""
        old = self.settings
        self.settings = settings
        self.settings_loaded.set()
        engine_changed = (
            old.dafny != settings.dafny
            or old.incremental != settings.incremental
            or old.warm_verifier != settings.warm_verifier
        )
        if engine_changed:
            self.drop_verifier()
        return engine_changed

    def drop_verifier(self) -> None:
        verifier, self._verifier = self._verifier, None
        self._verifier_error = None
        self._missing_reported = False
        if verifier is not None:
            verifier.close()

    async def verifier(self) -> IncrementalVerifier:
        """The verifier for the current settings; raises ToolchainError when Dafny is unusable."""
        async with self._verifier_lock:
            if self._verifier is not None:
                return self._verifier
            # Discovery is retried on every run (cheap when Dafny is missing), so installing it
            # needs no restart; the user is told only once per settings.
            settings = self.settings
            try:
                made = await asyncio.to_thread(
                    IncrementalVerifier.for_settings,
                    settings.dafny,
                    reuse=settings.incremental,
                    warm=settings.warm_verifier,
                )
            except ToolchainError as exc:
                self._verifier_error = exc
                raise
            self._verifier = made
            self._verifier_error = None
            self._missing_reported = False
            info = made.engine.info if made.engine else None
            self.log(
                f"Dafny {info.version if info else '?'} at {info.path if info else '?'}; "
                f"warm verifier: {'on' if made.warm is not None else 'off'}; "
                f"incremental: {'on' if settings.incremental else 'off'}"
            )
            return made

    def forget_document(self, uri: str) -> None:
        if self._verifier is not None:
            self._verifier.forget(uri)

    @property
    def dafny_info(self) -> DafnyInfo | None:
        v = self._verifier
        return v.engine.info if v is not None and v.engine is not None else None

    @property
    def dafny_error(self) -> ToolchainError | None:
        return self._verifier_error

    def report_dafny_unusable_once(self, error: ToolchainError) -> None:
        """One notification per settings (not one per document or keystroke)."""
        if self._missing_reported:
            return
        self._missing_reported = True
        self.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"Proof2Silicon: {error}")
        )

    # -- messages ------------------------------------------------------------------------------
    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        log.info("%s", message)
        with contextlib.suppress(Exception):
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log every handler failure with its traceback; show the ones no response carries."""
        detail = _describe(error)
        log.error("handler failed: %s", detail)
        with contextlib.suppress(Exception):
            self.window_log_message(
                lsp.LogMessageParams(
                    type=lsp.MessageType.Error, message=f"handler failed: {detail}"
                )
            )
        super().report_server_error(error, source)

    def report_task_error(self, what: str, error: BaseException) -> None:
        """A failure in background work (a verification run): logged and shown, never fatal."""
        detail = _describe(error)
        log.error("%s failed: %s", what, detail)
        with contextlib.suppress(Exception):
            self.window_log_message(
                lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"{what} failed: {detail}")
            )
            self.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Error, message=f"Proof2Silicon: {what} failed: {error}"
                )
            )

    # -- client capabilities -------------------------------------------------------------------
    def client_supports(self, path: str) -> bool:
        node: Any = self.client_capabilities
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)

    # -- request cancellation ------------------------------------------------------------------
    @contextlib.contextmanager
    def cancellable_request(self) -> Iterator[lsp.ProgressToken | None]:
        """Inside a command handler: `$/cancelRequest` for this request cancels the handler's
        task. Yields the request's workDoneToken, if the client sent one."""
        msg_id = self.protocol.msg_id
        task = asyncio.current_task()
        if msg_id is not None and task is not None:
            self._request_tasks[msg_id] = task
        try:
            yield _command_work_done_token.get()
        finally:
            if msg_id is not None:
                self._request_tasks.pop(msg_id, None)

    def cancel_request(self, msg_id: Any) -> None:
        task = self._request_tasks.pop(msg_id, None)
        if task is not None and not task.done():
            task.cancel()

    def close(self) -> None:
        self.documents.cancel_all()
        self.drop_verifier()


def _describe(error: BaseException) -> str:
    """The error with its traceback (pygls keeps a handler's traceback in the error's data)."""
    data = getattr(error, "data", None)
    frames = data.get("traceback") if isinstance(data, dict) else None
    if isinstance(frames, list) and frames:
        return "Traceback (most recent call last):\n" + "".join(map(str, frames)) + str(error)
    return "".join(traceback.format_exception(error)).strip()
