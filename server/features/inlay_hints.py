"""Inlay hints (setting `inlayHints`, off by default): each integer's hardware width and range
after its declaration, `var i: u5 [0,16] := 0`, in methods that lower.

They read what the last verification's front-end pass left in `server.documents` (the hover's
facts), so asking for them never starts a verifier run; on text newer than those facts they
show nothing until the next result arrives, when the server asks the client to refresh them.
"""

from __future__ import annotations

import contextlib

from lsprotocol import types as lsp

from server.app import P2SServer
from server.features.hover import current_facts, describe_width
from toolchain.hardware_status import MethodHardware, VariableWidth

REFRESH_CAPABILITY = "workspace.inlay_hint.refresh_support"


def _label(w: VariableWidth, declared: str) -> str:
    """`: u5 [0,16]` after a local (its text is only its name); after a parameter or result,
    whose declaration already has a type, the width alone; an array's elements are named."""
    shown = f"{w.type} [{w.lo},{w.hi}]"
    if w.name.endswith("[..]"):
        return f"{w.name}: {shown}"
    return shown if ":" in declared else f": {shown}"


def width_hints(
    text: str, hardware: dict[str, MethodHardware], window: lsp.Range | None = None
) -> list[lsp.InlayHint]:
    """One hint per integer with a bounded width, at the end of its declaration."""
    lines = text.splitlines()
    hints: list[lsp.InlayHint] = []
    for method in hardware.values():
        if not method.ready:
            continue  # a method that does not lower has no hardware widths to show
        for w in method.widths:
            if w.range is None or w.lo is None or w.hi is None or w.type == "int":
                continue
            end = w.range.end
            if window is not None and not (
                (window.start.line, window.start.character)
                <= (end.line, end.character)
                <= (window.end.line, window.end.character)
            ):
                continue
            start = w.range.start
            declared = (
                lines[start.line][start.character : end.character]
                if start.line == end.line and start.line < len(lines)
                else ":"
            )
            label = _label(w, declared)
            hints.append(
                lsp.InlayHint(
                    position=lsp.Position(line=end.line, character=end.character),
                    label=label,
                    kind=lsp.InlayHintKind.Type,
                    padding_left=not label.startswith(":"),
                    tooltip=lsp.MarkupContent(
                        kind=lsp.MarkupKind.Markdown,
                        value=f"{describe_width(w.name, w)} (in **{method.name}**)",
                    ),
                )
            )
    hints.sort(key=lambda h: (h.position.line, h.position.character))
    return hints


def refresh_inlay_hints(ls: P2SServer) -> None:
    """Ask the client to fetch the hints again (new facts, or the setting changed)."""
    if ls.client_supports(REFRESH_CAPABILITY):
        with contextlib.suppress(Exception):
            ls.workspace_inlay_hint_refresh(None)


def register(server: P2SServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
    def inlay_hints(ls: P2SServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
        if not ls.settings.inlay_hints:
            return None
        record = current_facts(ls, params.text_document.uri)
        if record is None:
            return None
        return width_hints(record.text, record.hardware, params.range)
