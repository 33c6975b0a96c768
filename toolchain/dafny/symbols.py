"""Find the callable declarations of a Dafny file: name, kind, container, header and body ranges.

A light scanner, not a parser: it needs to be right about where methods start and end (for code
lenses, per-method status, attributing errors, `/proc:` filters), not about expressions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from toolchain.dafny.text import LineIndex, brace_end, mask_comments_and_strings

CALLABLE_KINDS = (
    "method",
    "lemma",
    "function",
    "predicate",
    "constructor",
    "copredicate",
    "colemma",
)
CONTAINER_KINDS = ("module", "class", "trait", "datatype", "codatatype", "newtype", "iterator")

# The pieces of a declaration header, shared with the LLM guard's header parser
# (toolchain.llm.signature) so both read a header the same way.
MODIFIERS = r"(?:(?:ghost|static|twostate|least|greatest|inductive|opaque|abstract|protected)\s+)*"
ATTRIBUTES = r"(?:\{:[^}]*\}\s*)*"
# `function method` / `predicate method` first: Dafny 2's compiled functions
CALLABLE_KIND = rf"function\s+method|predicate\s+method|{'|'.join(CALLABLE_KINDS)}"
_DECL = re.compile(
    rf"(?<![\w.']){MODIFIERS}(?P<kind>{CALLABLE_KIND}|{'|'.join(CONTAINER_KINDS)})\b\s*"
    rf"{ATTRIBUTES}(?P<name>[A-Za-z][\w'?]*)?"
)
# A `{` after one of these starts an expression (set display, ...) rather than a body.
_EXPRESSION_CONTEXT = re.compile(
    r"(?:\bin|\bensures|\brequires|\binvariant|\bdecreases|\breads|\bmodifies|\bnot\s+in|"
    r"==|!=|:=|<=|>=|==>|<==|<==>|&&|\|\||[-+*/%<!(,:\[]|\s>)\s*$"
)

# `decreases *` (possibly non-terminating) ends in `*` yet is followed by the body.
_DECREASES_STAR = re.compile(r"\bdecreases\s+\*\s*$")


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str  # method, lemma, function, predicate, constructor, ... (normalised, no "method")
    container: str | None  # enclosing class/trait/datatype, if any
    module: str | None
    start: int  # offset of the declaration's first keyword
    body_start: int | None  # offset of the body's `{`, None when bodiless
    end: int  # offset just past the body's `}` (or the header's end when bodiless)
    ghost: bool
    compiled_function: bool  # `function method` / Dafny 4 `function` without ghost
    static: bool = False  # a trait's static members have no implementing class to prove them

    @property
    def qualified(self) -> str:
        parts = [p for p in (self.module, self.container, self.name) if p]
        return ".".join(parts)

    @property
    def bodiless(self) -> bool:
        return self.body_start is None


@dataclass(frozen=True)
class Container:
    name: str
    kind: str
    start: int
    body_start: int
    end: int


def _find_body(masked: str, header_end: int, limit: int) -> int | None:
    """Offset of the body's `{` after a header, or None when the declaration has no body."""
    i = header_end
    paren = 0
    while i < limit:
        ch = masked[i]
        if ch in "([":
            paren += 1
        elif ch in ")]":
            paren -= 1
        elif ch == "{":
            if masked.startswith("{:", i):
                i = brace_end(masked, i)
                continue
            before = masked[header_end:i]
            if paren <= 0 and (
                _DECREASES_STAR.search(before) or not _EXPRESSION_CONTEXT.search(before)
            ):
                return i
            i = brace_end(masked, i)
            continue
        elif ch == "}" and paren <= 0:
            return None  # end of the enclosing scope
        elif paren <= 0 and _DECL.match(masked, i) and (i == 0 or not masked[i - 1].isalnum()):
            m = _DECL.match(masked, i)
            if m and m.group("kind") and masked[i : i + 1].isalpha():
                return None  # next declaration begins: this one was bodiless
        i += 1
    return None


def _scan(masked: str) -> tuple[list[Symbol], list[Container]]:
    symbols: list[Symbol] = []
    containers: list[Container] = []
    pos = 0
    while True:
        m = _DECL.search(masked, pos)
        if not m:
            break
        kind = re.sub(r"\s+", " ", m.group("kind"))
        # An anonymous constructor is `__ctor` to Dafny 2.x's Boogie names.
        name = m.group("name") or ("_ctor" if m.group("kind") == "constructor" else "")
        prefix = masked[m.start() : m.start("kind")]
        if kind in CONTAINER_KINDS:
            brace = masked.find("{", m.end())
            nxt = _DECL.search(masked, m.end())
            if kind in ("datatype", "codatatype", "newtype") and (
                brace < 0 or (nxt and nxt.start() < brace) or "=" in masked[m.end() : brace]
            ):
                pos = m.end()
                continue
            if brace < 0:
                break
            containers.append(Container(name, kind, m.start(), brace, brace_end(masked, brace)))
            pos = brace + 1
            continue
        body = _find_body(masked, m.end(), len(masked))
        end = brace_end(masked, body) if body is not None else m.end()
        enclosing = [c for c in containers if c.body_start < m.start() < c.end]
        module = next((c.name for c in reversed(enclosing) if c.kind == "module"), None)
        container = next((c.name for c in reversed(enclosing) if c.kind != "module"), None)
        ghost = "ghost" in prefix.split() or kind in ("lemma", "colemma")
        base_kind = kind.split(" ")[0]
        compiled = kind in ("function method", "predicate method")
        symbols.append(
            Symbol(
                name=name,
                kind=base_kind,
                container=container,
                module=module,
                start=m.start(),
                body_start=body,
                end=end,
                ghost=ghost,
                compiled_function=compiled,
                static="static" in prefix.split(),
            )
        )
        pos = (body + 1) if body is not None else m.end()
    return symbols, containers


@functools.lru_cache(maxsize=8)
def _scan_text(text: str) -> tuple[tuple[Symbol, ...], tuple[Container, ...]]:
    # One verification asks for the symbols of the same text about ten times (planning, `/proc:`
    # filters, attribution, soundness notes, merging): scanned once. Symbols are frozen; callers
    # get fresh lists.
    symbols, containers = _scan(mask_comments_and_strings(text))
    return tuple(symbols), tuple(containers)


def find_symbols(text: str) -> list[Symbol]:
    return list(_scan_text(text)[0])


def find_containers(text: str) -> list[Container]:
    return list(_scan_text(text)[1])


def symbol_at(symbols: list[Symbol], offset: int) -> Symbol | None:
    inside = [s for s in symbols if s.start <= offset < max(s.end, s.start + 1)]
    return min(inside, key=lambda s: s.end - s.start) if inside else None


def outside_symbols(text: str, symbols: list[Symbol]) -> list[tuple[int, int]]:
    """The (start, end) spans of `text` that no declaration covers, in order: the context a
    declaration's fingerprint or a slice must keep (subset types' predicates, imports)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for sym in sorted(symbols, key=lambda s: s.start):
        if sym.start > pos:
            spans.append((pos, sym.start))
        pos = max(pos, sym.end)
    spans.append((pos, len(text)))
    return spans


def symbol_range(
    text: str, symbol: Symbol, index: LineIndex | None = None
) -> tuple[int, int, int, int]:
    """(start line, start col, end line, end col) of a declaration, 0-based."""
    idx = index or LineIndex.of(text)
    sl, sc = idx.position(symbol.start)
    el, ec = idx.position(symbol.end)
    return sl, sc, el, ec


def boogie_member_name(boogie: str) -> tuple[str | None, str | None, str]:
    """Split a Dafny 2.x Boogie procedure name into (module, class, member).

    `Impl$$_module.__default.Max__3` -> (None, None, "Max_3"); Dafny doubles underscores.
    """
    tail = boogie.split("$$", 1)[-1]
    parts = tail.split(".")
    member = parts[-1].replace("__", "_")
    cls = parts[-2] if len(parts) >= 2 else None
    mod = parts[-3] if len(parts) >= 3 else None
    cls = None if cls in (None, "__default") else cls.replace("__", "_")
    mod = None if mod in (None, "_module") else mod.replace("__", "_")
    return mod, cls, member


def proc_filter(symbol: Symbol) -> str:
    """A Dafny 2.x `/proc:` pattern that selects every Boogie procedure of one declaration."""
    escaped = symbol.name.replace("_", "__")
    cls = (symbol.container or "__default").replace("_", "__") if symbol.container else "__default"
    return f"*.{cls}.{escaped}"
