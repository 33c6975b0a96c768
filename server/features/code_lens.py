"""A code lens above each method, function and lemma with its verification status."""

from __future__ import annotations

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document, lsp_range, symbol_range
from shared_schemas.lsp import (
    COMMAND_VERIFY,
    VERIFYING,
    SymbolVerificationStatus,
    VerificationState,
    VerificationStatusParams,
)
from shared_schemas.verification import MethodStatus
from toolchain.dafny.symbols import find_symbols
from toolchain.dafny.text import LineIndex


def status_title(s: SymbolVerificationStatus | None, run: VerificationStatusParams | None) -> str:
    if run is not None and run.state == VerificationState.unavailable:
        return "⚠ Dafny unavailable"
    if s is None:
        return (
            "⟳ verifying…"
            if run is not None and run.state == VerificationState.verifying
            else "not verified yet"
        )
    if s.status == VERIFYING:
        return "⟳ verifying…"
    if s.status == MethodStatus.verified:
        took = f" {s.duration_s:.1f} s" if s.duration_s is not None else ""
        return f"✓ verified{took}"
    if s.status == MethodStatus.partial:
        return "◐ partial correctness only (decreases *: may not terminate)"
    if s.status == MethodStatus.errors:
        n = max(s.error_count, 1)
        return f"✗ {n} error{'s' if n != 1 else ''}"
    if s.status == MethodStatus.timed_out:
        return "⏱ timed out"
    if s.status == MethodStatus.skipped:
        return "not verified (skipped)"
    if run is not None and run.state == VerificationState.cancelled:
        return "verification cancelled"
    return "not verified"


def verification_lenses(ls: P2SServer, uri: str, text: str) -> list[lsp.CodeLens]:
    run = ls.documents.status(uri)
    known = {s.name: s for s in run.symbols} if run is not None else {}
    index = LineIndex.of(text)
    lenses: list[lsp.CodeLens] = []
    for sym in find_symbols(text):
        rng = symbol_range(index, sym)
        rng.end = rng.start
        lenses.append(
            lsp.CodeLens(
                range=lsp_range(rng),
                command=lsp.Command(
                    title=status_title(known.get(sym.qualified), run),
                    command=COMMAND_VERIFY,
                    arguments=[{"uri": uri, "procedures": [sym.qualified]}],
                ),
                data={"symbol": sym.qualified, "kind": sym.kind},
            )
        )
    return lenses


def register(server: P2SServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: P2SServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        uri = params.text_document.uri
        doc = ls.workspace.text_documents.get(uri)
        if doc is None or not is_dafny_document(uri, doc.language_id):
            return []
        return verification_lenses(ls, uri, doc.source)
