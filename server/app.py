"""The Proof2Silicon language server: shared state and the plumbing every feature uses.

Features (`server/features/*.py`) register their handlers on a `P2SServer`; it holds the typed
settings, the Dafny verifier (created on first use, rebuilt when settings change), the
per-document verification runs, the features' per-server state, and request cancellation. It
sits on top of the server's plumbing (`documents`, `progress`, `transport`), which reach it only
through small protocols; the features sit on top of it.

It also guards what clients send: stdio is read by `server.transport` (bounded framing, an
answer for every malformed message), documents above `TransportLimits.max_document_bytes` are
refused on open and on change instead of being kept and verified, a change to a document that is
not open is ignored with a log line, and closing a document frees what the server held for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ctypes
import gc
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Iterator
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcMethodNotFound, JsonRpcRequestCancelled
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from server.documents import DocumentRuns, VerificationReporter
from server.framing import MIB, Envelope
from server.quiet_errors import is_user_error
from server.settings import MAX_DOCUMENT_ENV, MAX_MESSAGE_ENV, TransportLimits
from server.transport import serve
from shared_schemas.lsp import ServerSettings
from shared_schemas.synthesis import SynthesizeResult
from shared_schemas.verification import DafnyInfo
from toolchain.dafny.incremental import IncrementalVerifier
from toolchain.errors import ToolchainError

log = logging.getLogger("proof2silicon.server")

SERVER_NAME = "proof2silicon"
SERVER_VERSION = "0.1.0"

# Closing a document at least this large gives memory back to the system.
RELEASE_AFTER_BYTES = MIB


class P2SProtocol(LanguageServerProtocol):
    """pygls' protocol plus two things it does not do for command handlers: hand them the
    request's workDoneToken, and cancel them on `$/cancelRequest` (pygls cancels only the
    outer request future, not the coroutine running the command)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The workDoneToken of the executeCommand request being handled (pygls passes commands
        # only their arguments); tasks created while handling it inherit the value. One per
        # protocol, like pygls' own `msg_id`.
        self.command_work_done_token: contextvars.ContextVar[lsp.ProgressToken | None] = (
            contextvars.ContextVar("p2s_command_work_done_token", default=None)
        )

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        token = None
        if method_name == lsp.WORKSPACE_EXECUTE_COMMAND:
            token = getattr(params, "work_done_token", None)
        self.command_work_done_token.set(token)
        super()._handle_request(msg_id, method_name, params)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        server = self._server
        if isinstance(server, P2SServer):
            server.cancel_request(msg_id)

    # pygls' document bookkeeping, with size limits and without a KeyError for a change to a
    # document that is not open. (The decorator registers these in place of pygls' own.)
    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: lsp.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        server = self._p2s()
        doc = params.text_document
        if server.refused_as_too_large(doc.uri, doc.text):
            return
        server.refused.pop(doc.uri, None)
        yield from super().lsp_text_document__did_open(params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: lsp.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        server = self._p2s()
        uri = params.text_document.uri
        if unquote(uri) not in self.workspace.text_documents:
            if uri in server.refused:
                log.debug("ignored a change to %s, refused as too large", uri)
            else:
                server.log(
                    f"ignored a change to {uri}, which is not open (no didOpen came first)",
                    lsp.MessageType.Warning,
                )
            return
        for change in params.content_changes:
            self.workspace.update_text_document(params.text_document, change)
        if server.refused_as_too_large(uri, self.workspace.get_text_document(uri).source):
            return
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: lsp.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        server = self._p2s()
        uri = params.text_document.uri
        refused = server.refused.pop(uri, None) is not None
        doc = self.workspace.text_documents.get(unquote(uri))
        size = len(doc.source) if doc is not None else 0
        del doc
        yield from super().lsp_text_document__did_close(params)
        server.forget_document(uri)
        if refused:
            server.documents.reporter.cleared(uri)
        if refused or size >= RELEASE_AFTER_BYTES:
            release_memory()

    def _p2s(self) -> P2SServer:
        server = self._server
        assert isinstance(server, P2SServer)
        return server


class P2SServer(LanguageServer):
    """The server object. `reporter` makes what tells the client about verification runs
    (`server.features.diagnostics.Diagnostics`; see `server.create_server`)."""

    protocol: P2SProtocol

    def __init__(self, reporter: Callable[[P2SServer], VerificationReporter]) -> None:
        super().__init__(
            SERVER_NAME,
            SERVER_VERSION,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=P2SProtocol,
        )
        self.settings = ServerSettings()
        self.settings_loaded = asyncio.Event()
        # The client's initializationOptions, until `initialized` replaces them with the settings.
        self.initialization_options: object = None
        self.documents = DocumentRuns(self, reporter(self))
        # document URI -> its latest synthesis (for `proof2silicon.showReport`)
        self.syntheses: dict[str, SynthesizeResult] = {}
        self._verifier: IncrementalVerifier | None = None
        self._verifier_error: ToolchainError | None = None
        self._verifier_lock = asyncio.Lock()
        self._missing_reported = False
        self._request_tasks: dict[Any, asyncio.Task[Any]] = {}
        self.limits = TransportLimits()
        self.exit_code = 0
        # uri -> why it was refused (too large); its changes are ignored until it is reopened.
        self.refused: dict[str, str] = {}

    # -- transport -----------------------------------------------------------------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over stdio with the bounded framing reader (`server.transport`), not pygls'."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(
                serve(
                    self,
                    stdin or sys.stdin.buffer,
                    self._stop_event,
                    self.limits.max_message_bytes,
                )
            )
        except BrokenPipeError:
            log.error("the client closed the connection; stopping")
        except SystemExit as exc:
            # `exit`: 0 after `shutdown`, 1 without (LSP); pygls' own loop drops the status.
            self.exit_code = exc.code if isinstance(exc.code, int) else 1
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]  # pygls leaves it unannotated

    # -- documents above the limits ------------------------------------------------------------
    def refused_as_too_large(self, uri: str, text: str) -> bool:
        """Whether the document is over the size limit, refused then (see `refuse_document`):
        opening it and an edit that makes it too large are answered alike."""
        size = utf8_size(text)
        if size <= self.limits.max_document_bytes:
            return False
        self.refuse_document(uri, size, self.limits.max_document_bytes)
        return True

    def refuse_document(self, uri: str, size: int, limit: int, setting: str = "") -> None:
        """Drop a document that is too large: nothing kept, nothing verified; one message, and
        a diagnostic on its first line that says why."""
        setting = setting or MAX_DOCUMENT_ENV
        name = os.path.basename(urlparse(uri).path) or uri
        message = (
            f"{name} is not verified: it is {size} bytes, above the limit of {limit} bytes "
            f"(set {setting} to change it)"
        )
        first = uri not in self.refused
        self.refused[uri] = message
        with contextlib.suppress(RuntimeError):  # no workspace before `initialize`
            self.workspace.remove_text_document(uri)
        if uri in self.documents.records:
            self.documents.closed(uri)
        else:
            self.forget_document(uri)
        log.warning("%s", message)
        self.documents.reporter.refused(uri, message)
        if first:
            self.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Error, message=f"Proof2Silicon: {message}"
                )
            )
        release_memory()

    def refuse_oversized(self, envelope: Envelope, size: int) -> None:
        """A notification above the message limit was skipped unread: say so."""
        limit = self.limits.max_message_bytes
        if envelope.uri and envelope.method in (
            lsp.TEXT_DOCUMENT_DID_OPEN,
            lsp.TEXT_DOCUMENT_DID_CHANGE,
        ):
            # For a change, the server's copy is now out of date: drop it too.
            self.refuse_document(envelope.uri, size, limit, MAX_MESSAGE_ENV)
            return
        self.window_show_message(
            lsp.ShowMessageParams(
                type=lsp.MessageType.Error,
                message=(
                    f"Proof2Silicon: ignored a {envelope.method or 'message'} of {size} bytes, "
                    f"above the limit of {limit} bytes (set {MAX_MESSAGE_ENV} to change it)"
                ),
            )
        )

    def too_large(self, uri: str) -> str | None:
        """Why `uri` cannot be verified for its size (refused buffer or file on disk), if so."""
        if uri in self.refused:
            return self.refused[uri]
        with contextlib.suppress(RuntimeError):
            if unquote(uri) in self.workspace.text_documents:
                return None  # open buffers were checked on open and on every change
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            return None
        try:
            size = os.stat(unquote(parsed.path)).st_size
        except OSError:
            return None
        limit = self.limits.max_document_bytes
        if size <= limit:
            return None
        return (
            f"{os.path.basename(parsed.path)} is not verified: it is {size} bytes, above the "
            f"limit of {limit} bytes (set {MAX_DOCUMENT_ENV} to change it)"
        )

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
        if isinstance(error, JsonRpcMethodNotFound | JsonRpcRequestCancelled):
            # Answered already; a client probing optional methods or cancelling is no failure.
            log.info("%s", error)
            return
        if isinstance(error, JsonRpcException) and is_user_error(error):
            # A problem the user can fix, told in the response (the client writes it as one
            # line): kept out of the output channel here, so that it is not written twice.
            log.info("request failed: %s", error.message)
            return
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
            yield self.protocol.command_work_done_token.get()
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


def utf8_size(text: str) -> int:
    """Bytes of `text` in UTF-8 (lone surrogates from JSON escapes count as 3)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the system: after a large document, glibc
    keeps the pages otherwise and the server's footprint never comes down."""
    gc.collect()
    if sys.platform.startswith("linux"):
        # The process' own symbols: glibc's malloc_trim where glibc is the C library.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def _describe(error: BaseException) -> str:
    """The error with its traceback (pygls keeps a handler's traceback in the error's data)."""
    data = getattr(error, "data", None)
    frames = data.get("traceback") if isinstance(data, dict) else None
    if isinstance(frames, list) and frames:
        return "Traceback (most recent call last):\n" + "".join(map(str, frames)) + str(error)
    return "".join(traceback.format_exception(error)).strip()
