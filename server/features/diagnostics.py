"""Verify Dafny documents on open, on save, and on change after a debounce (`verifyOn`).

Buffers are verified from their text, saved or not (untitled ones too); other languages are
ignored. Publishing and superseding older runs is `server.documents`' job.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document
from shared_schemas.settings import VerifyOn
from shared_schemas.verification import FileVerification


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
