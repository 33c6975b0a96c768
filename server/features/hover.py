"""Hover: the range and hardware width of a variable, parameter or result, and a method's
hardware verdict, read from what the last verification and front-end pass left in
`server.documents` (a hover never starts a verifier run, and says nothing on stale text)."""

from __future__ import annotations

import re
from types import MappingProxyType

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document
from server.documents import DocumentRecord
from toolchain.dafny.symbols import find_symbols, symbol_at
from toolchain.dafny.text import LineIndex
from toolchain.frontend.ir import WidthStatus
from toolchain.hardware_status import MethodHardware, VariableWidth

_WORD = re.compile(r"[A-Za-z_][\w'?]*")

# How each width was established, in the words a hover uses.
_WHY = MappingProxyType(
    {
        WidthStatus.PROVEN: "proven by Dafny",
        WidthStatus.DECLARED: "fixed by its type",
        WidthStatus.EXPLICIT: "explicit width ({:hw_width}), proven by Dafny",
        WidthStatus.PRECONDITION: "from the precondition (Dafny checks it at every call)",
        WidthStatus.DERIVED: "derived from proven ranges",
        WidthStatus.ASSUMED: "assumed (contract)",
        WidthStatus.UNPROVEN: "not proven by Dafny (see Problems)",
        WidthStatus.UNBOUNDED: "no bound: not hardware (see Problems)",
        WidthStatus.UNCHECKED: "from range analysis; Dafny has not checked it yet",
        WidthStatus.CHECKED: "checked at run time: the overflow output rises past it",
    }
)


def _bound(v: int | None, infinite: str) -> str:
    return infinite if v is None else str(v)


def describe_width(name: str, w: VariableWidth) -> str:
    """`s: u8, [0, 255], proven by Dafny`."""
    shown = name if w.name == name else w.name
    return (
        f"`{shown}: {w.type}`, [{_bound(w.lo, '-inf')}, {_bound(w.hi, '+inf')}], {_WHY[w.status]}"
    )


def describe_method(m: MethodHardware) -> str:
    if m.ready:
        proof = "widths proven by Dafny" if m.proven else "widths from range analysis"
        return f"**{m.name}**: hardware-ready ({proof}); Synthesize builds it"
    return f"**{m.name}**: not hardware: {m.reason} ({m.code or 'front end'})"


def describe_loop(text: str, offset: int, method: MethodHardware) -> str | None:
    """The iteration bound of the loop whose header starts at `offset`."""
    index = LineIndex.of(text)
    line, character = index.position(offset)
    for loop in method.loops:
        start = loop.range.start
        if (start.line, start.character) == (line, character):
            if loop.max_trips is None:
                return f"loop in **{method.name}**: no iteration bound derived"
            return (
                f"loop in **{method.name}**: at most {loop.max_trips} iterations "
                "(from its `decreases` and the ranges of its variables)"
            )
    return None


def hover_text(text: str, offset: int, hardware: dict[str, MethodHardware]) -> str | None:
    """What a hover at `offset` of `text` shows, from the cached front-end results."""
    lo, hi = max(0, offset - 200), min(len(text), offset + 200)
    word = next((m for m in _WORD.finditer(text, lo, hi) if m.start() <= offset <= m.end()), None)
    if word is None:
        return None
    sym = symbol_at(find_symbols(text), offset)
    if sym is None or sym.qualified not in hardware:
        return None
    method = hardware[sym.qualified]
    name = word.group(0)
    if name in ("while", "for"):
        return describe_loop(text, word.start(), method)
    if name == sym.name and offset < (sym.body_start or sym.end):
        header = text.find(name, sym.start)
        if header <= offset <= header + len(name):
            return describe_method(method)
    lines = [
        describe_width(name, w)
        for w in (method.width_of(name), method.width_of(f"{name}[..]"))
        if w
    ]
    if not lines:
        return None
    return "\n\n".join(lines)


def current_facts(ls: P2SServer, uri: str) -> DocumentRecord | None:
    """The document's record when its hardware facts are of the text on screen; facts of an
    older text would put widths at the wrong positions."""
    doc = ls.workspace.text_documents.get(uri)
    record = ls.documents.records.get(uri)
    if doc is None or record is None or not is_dafny_document(uri, doc.language_id):
        return None
    if record.hardware_version != doc.version or record.text != doc.source:
        return None
    return record


def register(server: P2SServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: P2SServer, params: lsp.HoverParams) -> lsp.Hover | None:
        record = current_facts(ls, params.text_document.uri)
        if record is None:
            return None
        offset = LineIndex.of(record.text).offset(params.position.line, params.position.character)
        found = hover_text(record.text, offset, record.hardware)
        if found is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=found))
