"""Shared-schema models -> LSP types (lsprotocol), and document URIs -> the names Dafny sees."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp

from shared_schemas.verification import Diagnostic, Range, Severity
from toolchain.dafny.symbols import Symbol
from toolchain.dafny.text import LineIndex

SOURCE = "dafny"
# the hardware front end's findings (HW1xx / HW2xx) are ours, not the verifier's: Problems says so
HARDWARE_SOURCE = "proof2silicon"
# Diagnostic code of a document above the size limits (not kept, not verified).
TOO_LARGE_CODE = "document-too-large"
_SEVERITY = {
    Severity.error: lsp.DiagnosticSeverity.Error,
    Severity.warning: lsp.DiagnosticSeverity.Warning,
    Severity.information: lsp.DiagnosticSeverity.Information,
    Severity.hint: lsp.DiagnosticSeverity.Hint,
}


def filename_for(uri: str) -> str:
    """What Dafny is told the file is called: the path of a `file:` URI (so that includes resolve
    beside it), else a `.dfy` name made from the URI (untitled buffers)."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    name = Path(unquote(parsed.path or parsed.netloc or "untitled")).name or "untitled"
    return name if name.endswith(".dfy") else f"{name}.dfy"


def is_dafny_document(uri: str, language_id: str | None) -> bool:
    if language_id:
        return language_id == "dafny"
    return urlparse(uri).path.endswith(".dfy")


def lsp_range(r: Range) -> lsp.Range:
    return lsp.Range(
        start=lsp.Position(line=r.start.line, character=r.start.character),
        end=lsp.Position(line=r.end.line, character=r.end.character),
    )


def _uri_of(file: str, own_file: str, own_uri: str) -> str | None:
    if file == own_file:
        return own_uri
    path = Path(file)
    return path.as_uri() if path.is_absolute() else None


def lsp_diagnostic(
    d: Diagnostic, own_file: str, own_uri: str, related_support: bool
) -> lsp.Diagnostic:
    """One LSP diagnostic; findings located in other (included) files point there from line 1."""
    message = d.message
    rng = lsp_range(d.range)
    if d.file != own_file:
        message = f"{d.file}({d.range.start.line + 1},{d.range.start.character}): {message}"
        rng = lsp.Range(
            start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1)
        )
    related: list[lsp.DiagnosticRelatedInformation] = []
    for rel in d.related:
        uri = _uri_of(rel.location.file, own_file, own_uri)
        if related_support and uri is not None:
            related.append(
                lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=uri, range=lsp_range(rel.location.range)),
                    message=rel.message,
                )
            )
        else:
            r = rel.location.range.start
            message += (
                f"\n{Path(rel.location.file).name}({r.line + 1},{r.character}): {rel.message}"
            )
    return lsp.Diagnostic(
        range=rng,
        message=message,
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        code=d.code or d.category.value,
        source=HARDWARE_SOURCE if (d.code or "").startswith("HW") else SOURCE,
        related_information=related or None,
        data={"category": d.category.value, "symbol": d.symbol},
    )


def line_one_diagnostic(message: str, code: str) -> lsp.Diagnostic:
    """A finding about the whole file (e.g. Dafny is missing), shown on the first line."""
    return lsp.Diagnostic(
        range=lsp.Range(
            start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1)
        ),
        message=message,
        severity=lsp.DiagnosticSeverity.Error,
        code=code,
        source=SOURCE,
    )


def symbol_range(index: LineIndex, sym: Symbol) -> Range:
    return index.range(sym.start, sym.end)
