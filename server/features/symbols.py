"""Document symbols for `.dfy` files (outline, breadcrumbs, Go to Symbol): modules, classes and
datatypes with their methods, functions and lemmas, from the light scanner
`toolchain.dafny.symbols` (no verifier, no parser: it answers on text that does not resolve)."""

from __future__ import annotations

from types import MappingProxyType

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document, lsp_range
from toolchain.dafny.symbols import find_containers, find_symbols
from toolchain.dafny.text import LineIndex

_CALLABLE_KIND = MappingProxyType(
    {
        "method": lsp.SymbolKind.Method,
        "constructor": lsp.SymbolKind.Constructor,
        "lemma": lsp.SymbolKind.Method,
    }
)
_CONTAINER_KIND = MappingProxyType(
    {
        "module": lsp.SymbolKind.Module,
        "class": lsp.SymbolKind.Class,
        "trait": lsp.SymbolKind.Interface,
        "datatype": lsp.SymbolKind.Enum,
        "codatatype": lsp.SymbolKind.Enum,
        "newtype": lsp.SymbolKind.TypeParameter,
        "iterator": lsp.SymbolKind.Function,
    }
)


def _range(index: LineIndex, start: int, end: int) -> lsp.Range:
    return lsp_range(index.range(start, max(end, start)))


def _name_range(text: str, index: LineIndex, start: int, name: str) -> lsp.Range:
    at = text.find(name, start)
    at = at if at >= 0 else start
    return _range(index, at, at + len(name))


def document_symbols(text: str) -> list[lsp.DocumentSymbol]:
    """Containers nest what lies inside them; callables are leaves."""
    index = LineIndex.of(text)
    nodes: list[tuple[int, int, lsp.DocumentSymbol]] = []
    for c in find_containers(text):
        node = lsp.DocumentSymbol(
            name=c.name,
            detail=c.kind,
            kind=_CONTAINER_KIND.get(c.kind, lsp.SymbolKind.Namespace),
            range=_range(index, c.start, c.end),
            selection_range=_name_range(text, index, c.start, c.name),
            children=[],
        )
        nodes.append((c.start, c.end, node))
    for s in find_symbols(text):
        node = lsp.DocumentSymbol(
            name=s.name,
            detail=("ghost " if s.ghost else "") + s.kind,
            kind=_CALLABLE_KIND.get(s.kind, lsp.SymbolKind.Function),
            range=_range(index, s.start, s.end),
            selection_range=_name_range(text, index, s.start, s.name),
        )
        nodes.append((s.start, s.end, node))
    nodes.sort(key=lambda n: (n[0], -n[1]))
    roots: list[lsp.DocumentSymbol] = []
    # containers enclosing the current node: (end offset, the node, its children)
    open_: list[tuple[int, lsp.DocumentSymbol, list[lsp.DocumentSymbol]]] = []
    for start, end, node in nodes:
        while open_ and start >= open_[-1][0]:
            open_.pop()
        (open_[-1][2] if open_ else roots).append(node)
        if node.children is not None:
            children: list[lsp.DocumentSymbol] = []
            node.children = children
            open_.append((end, node, children))
    return roots


def register(server: P2SServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: P2SServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        uri = params.text_document.uri
        doc = ls.workspace.text_documents.get(uri)
        if doc is None or not is_dafny_document(uri, doc.language_id):
            return []
        return document_symbols(doc.source)
