"""Diagnostics: verify Dafny documents on open, on save, and on change after a debounce
(`verifyOn`), and publish what the runs found.

Buffers are verified from their text, saved or not (untitled ones too); other languages are
ignored. Scheduling and superseding older runs is `server.documents`' job; `Diagnostics` is
where its results (and a refused document's reason) become `textDocument/publishDiagnostics`
and `proof2silicon/verificationStatus` messages.
"""

from __future__ import annotations

import asyncio
import contextlib

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import TOO_LARGE_CODE, is_dafny_document, line_one_diagnostic, lsp_diagnostic
from server.documents import DocumentRecord
from server.features.inlay_hints import refresh_inlay_hints
from shared_schemas.lsp import VERIFICATION_STATUS_NOTIFICATION, VerificationStatusParams
from shared_schemas.settings import VerifyOn
from shared_schemas.verification import FileVerification, Severity
from toolchain.dafny.return_paths import locate_return_paths
from toolchain.errors import ToolchainError, ToolNotFoundError


class Diagnostics:
    """The server's `VerificationReporter` (see `server.documents`): what the client is told."""

    def __init__(self, server: P2SServer) -> None:
        self.server = server

    def verified(self, record: DocumentRecord) -> None:
        result, uri = record.result, record.uri
        assert result is not None  # the runs report a record only once it holds a result
        related = self.server.client_supports(
            "text_document.publish_diagnostics.related_information"
        )
        # What keeps a method from hardware is a warning: the program itself is correct Dafny
        # (the lens says "not hardware: ..."; Synthesize refuses it with the same reason).
        own = result.diagnostics
        if record.text:
            own = locate_return_paths(record.text, result.file, own)
        found = [
            *own,
            *(
                d.model_copy(update={"severity": Severity.warning})
                if d.severity == Severity.error
                else d
                for m in record.hardware.values()
                for d in m.diagnostics
            ),
        ]
        diagnostics = [lsp_diagnostic(d, result.file, uri, related) for d in found]
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=record.hardware_version
            )
        )
        if self.server.settings.inlay_hints:
            refresh_inlay_hints(self.server)  # the widths they show are this run's

    def unusable(
        self, uri: str, version: int | None, error: ToolchainError, code: str | None
    ) -> None:
        """Dafny missing or failing: one message, and a line-1 diagnostic saying what to do."""
        if code is None:
            code = "dafny-not-found" if isinstance(error, ToolNotFoundError) else "dafny-failed"
        if isinstance(error, ToolNotFoundError):
            self.server.report_dafny_unusable_once(error)
        else:
            self.server.log(f"verifying {uri}: {error}", lsp.MessageType.Error)
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[line_one_diagnostic(str(error), code)], version=version
            )
        )

    def cleared(self, uri: str) -> None:
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def refused(self, uri: str, message: str) -> None:
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[line_one_diagnostic(message, TOO_LARGE_CODE)]
            )
        )

    def status(self, params: VerificationStatusParams) -> None:
        self.server.protocol.notify(
            VERIFICATION_STATUS_NOTIFICATION, params.model_dump(mode="json", exclude_none=True)
        )
        # The lenses show these states: ask the client to fetch them again.
        if self.server.client_supports("workspace.code_lens.refresh_support"):
            with contextlib.suppress(Exception):
                self.server.workspace_code_lens_refresh(None)


def _is_dafny(ls: P2SServer, uri: str) -> bool:
    doc = ls.workspace.text_documents.get(uri)
    return is_dafny_document(uri, doc.language_id if doc is not None else None)


def _gives_result(task: asyncio.Task[FileVerification | None]) -> bool:
    if not task.done():
        return True
    return not task.cancelled() and task.exception() is None and task.result() is not None


def register(server: P2SServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: P2SServer, params: lsp.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        if is_dafny_document(doc.uri, doc.language_id):
            ls.documents.schedule(doc.uri, trigger="open")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: P2SServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if not _is_dafny(ls, uri):
            return
        if ls.settings.verify_on == VerifyOn.change:
            ls.documents.schedule(uri, ls.settings.debounce_ms / 1000, trigger="change")
        else:
            # Results of the old text no longer apply; nothing runs until save or a command.
            run = ls.documents.current_run(uri)
            if run is not None and not run.task.done():
                run.cancel.cancel()
                run.task.cancel()

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: P2SServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_dafny(ls, uri) and ls.settings.verify_on != VerifyOn.never:
            run = ls.documents.current_run(uri)
            version = ls.workspace.get_text_document(uri).version
            if run is not None and run.version == version and _gives_result(run.task):
                return  # this text is verified already, or being verified
            ls.documents.schedule(uri, trigger="save")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: P2SServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.documents.records:
            ls.documents.closed(uri)
