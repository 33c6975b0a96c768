"""Dafny declaration headers, split into comparable parts: kind, name, parameters, results, clauses.

A spec may fix the signature (and contract) the generated code must keep; the guard compares the
candidate's header against it part by part, ignoring layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolchain.dafny.symbols import ATTRIBUTES, CALLABLE_KIND, MODIFIERS, find_symbols
from toolchain.dafny.text import mask_comments_and_strings, matching_close, nesting_depth

# A callable's header as `toolchain.dafny.symbols` finds it, anchored at the header's start.
_HEADER = re.compile(
    rf"\s*{MODIFIERS}(?P<kind>{CALLABLE_KIND})\b\s*{ATTRIBUTES}(?P<name>[A-Za-z_][\w'?]*)?"
)
_CLAUSE = re.compile(r"\b(requires|ensures|modifies|reads|decreases)\b")
_TOKEN = re.compile(r"[A-Za-z_][\w'?]*|\d+|<==>|==>|<==|==|!=|<=|>=|&&|\|\||:=|::|\.\.|\S")


def normalise(text: str) -> str:
    """Layout-free form of a piece of Dafny: tokens joined by one space."""
    return " ".join(_TOKEN.findall(text))


@dataclass(frozen=True)
class Clause:
    keyword: str
    expr: str  # normalised


@dataclass(frozen=True)
class Signature:
    kind: str  # method, function, lemma, predicate, ... ("function method" -> "function")
    name: str
    type_params: str  # normalised, "" when none
    params: tuple[str, ...]  # normalised "name : type" each
    results: str  # normalised: method `returns (...)` list or a function's result type
    clauses: tuple[Clause, ...]

    def clause_set(self, keyword: str) -> set[str]:
        return {c.expr for c in self.clauses if c.keyword == keyword}

    def header(self) -> str:
        params = ", ".join(self.params)
        tp = f"<{self.type_params}>" if self.type_params else ""
        res = f" returns ({self.results})" if self.kind in ("method", "lemma") else ""
        if self.kind in ("function", "predicate") and self.results:
            res = f": {self.results}"
        return f"{self.kind} {self.name}{tp}({params}){res}"


def _close(masked: str, i: int, open_ch: str, close_ch: str) -> int:
    close = matching_close(masked, i, open_ch, close_ch)
    return len(masked) if close is None else close


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts: list[str] = []
    depth = 0
    cur = 0
    for i, ch in enumerate(text):
        if ch in "([<{":
            depth += 1
        elif ch in ")]>}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[cur:i])
            cur = i + 1
    parts.append(text[cur:])
    return [p for p in (q.strip() for q in parts) if p]


def parse_header(header: str) -> Signature | None:
    """Parse one declaration header (no body). None when it is not a callable declaration."""
    masked = mask_comments_and_strings(header)
    m = _HEADER.match(masked)
    if not m or not m.group("name"):
        return None
    kind = re.sub(r"\s+", " ", m.group("kind")).replace(" method", "")
    pos = m.end()
    while pos < len(masked) and masked[pos].isspace():
        pos += 1
    type_params = ""
    if masked.startswith("<", pos):
        end = _close(masked, pos, "<", ">")
        type_params = normalise(header[pos + 1 : end])
        pos = end + 1
        while pos < len(masked) and masked[pos].isspace():
            pos += 1
    if not masked.startswith("(", pos):
        return None
    end = _close(masked, pos, "(", ")")
    params = tuple(normalise(p) for p in _split_top(header[pos + 1 : end]))
    rest_start = end + 1
    first_clause = _CLAUSE.search(masked, rest_start)
    between_end = first_clause.start() if first_clause else len(masked)
    between = header[rest_start:between_end]
    results = ""
    stripped = between.strip()
    if stripped.startswith("returns"):
        inner = stripped[len("returns") :].strip()
        if inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1]
        results = ", ".join(normalise(r) for r in _split_top(inner))
    elif stripped.startswith(":"):
        results = normalise(stripped[1:])
    clauses: list[Clause] = []
    starts = [
        c for c in _CLAUSE.finditer(masked, rest_start) if nesting_depth(masked, c.start()) == 0
    ]
    for i, c in enumerate(starts):
        stop = starts[i + 1].start() if i + 1 < len(starts) else len(masked)
        clauses.append(Clause(c.group(1), normalise(header[c.end() : stop])))
    return Signature(kind, m.group("name"), type_params, params, results, tuple(clauses))


def declared_signatures(code: str) -> dict[str, tuple[Signature, int]]:
    """Every callable declared in `code`, by name, with the offset where it starts.

    A bodiless declaration's header runs to the next declaration (or the end of the text), so a
    spec's signature snippet, which has no body, parses too.
    """
    symbols = find_symbols(code)
    found: dict[str, tuple[Signature, int]] = {}
    for i, sym in enumerate(symbols):
        if sym.body_start is not None:
            stop = sym.body_start
        else:
            later = [s.start for s in symbols[i + 1 :] if s.start > sym.start]
            stop = min(later) if later else len(code)
        sig = parse_header(code[sym.start : stop])
        if sig is not None and sig.name not in found:
            found[sig.name] = (sig, sym.start)
    return found


def parse_signatures(spec_signature: str) -> list[Signature]:
    return [sig for sig, _ in declared_signatures(spec_signature).values()]


__all__ = [
    "Clause",
    "Signature",
    "declared_signatures",
    "normalise",
    "parse_header",
    "parse_signatures",
]
