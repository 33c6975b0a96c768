"""The declarations of a Dafny text as incremental verification compares them, and how positions
of an older text move to a newer one.

An `Outline` holds, per declaration (method, function, lemma...), its exact text, a fingerprint
of its tokens (comments and layout do not count, literals do) and the identifiers it mentions; a
`PositionMap` moves a range of an old text to where the same text now is. `affected` and
`dependencies` follow the "mentions" relation: an edit affects a declaration whose own text
changed or that mentions, directly or not, one whose meaning changed, appeared or vanished.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from shared_schemas.verification import Diagnostic, Range
from toolchain.dafny.symbols import Symbol, find_symbols, outside_symbols
from toolchain.dafny.text import LineIndex, lex_spans, mask_comments_and_strings

_IDENT = re.compile(r"[A-Za-z_][\w'?]*")
_INCLUDE = re.compile(r"(?m)^\s*include\s+\"")


# -- outlines -------------------------------------------------------------------------------


def _fingerprint(
    text: str, pieces: list[tuple[int, int]], spans: list[tuple[int, int, bool]]
) -> str:
    """A hash of the tokens in `pieces` of `text`: comments and layout do not count, literals do."""
    tokens: list[str] = []
    for lo, hi in pieces:
        pos = lo
        for s, e, is_literal in spans:
            if e <= pos or s >= hi:
                continue
            s, e = max(s, pos), min(e, hi)
            tokens.extend(text[pos:s].split())
            if is_literal:
                tokens.append(text[s:e])
            pos = e
        tokens.extend(text[pos:hi].split())
    return hashlib.sha256("\x1f".join(tokens).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Declaration:
    symbol: Symbol
    raw: str  # the exact text: reused results keep their offsets only when it is unchanged
    meaning: str  # fingerprint of the text without comments and layout
    mentions: frozenset[str]  # identifiers it uses (a superset of the declarations it needs)


@dataclass(frozen=True)
class Outline:
    """The declarations of one text, as the planner compares them."""

    text: str
    declarations: dict[str, Declaration]
    order: tuple[str, ...]
    context: str  # fingerprint of everything outside the declarations
    ambiguous: bool  # two declarations share a qualified name: results cannot be told apart
    includes: bool

    @classmethod
    def of(cls, text: str) -> Outline:
        masked = mask_comments_and_strings(text)
        spans = [(s.start, s.end, s.is_literal) for s in lex_spans(text)]
        symbols = find_symbols(text)
        declarations: dict[str, Declaration] = {}
        ambiguous = False
        for sym in symbols:
            end = max(sym.end, sym.start)
            if sym.qualified in declarations:
                ambiguous = True
            declarations[sym.qualified] = Declaration(
                symbol=sym,
                raw=text[sym.start : end],
                meaning=_fingerprint(text, [(sym.start, end)], spans),
                mentions=frozenset(_IDENT.findall(masked, sym.start, end)),
            )
        return cls(
            text=text,
            declarations=declarations,
            order=tuple(s.qualified for s in symbols),
            context=_fingerprint(text, outside_symbols(text, symbols), spans),
            ambiguous=ambiguous,
            includes=bool(_INCLUDE.search(masked)),
        )


# -- moving old results to the new text ------------------------------------------------------


class PositionMap:
    """Moves positions of an old text to a new one where the text around them is unchanged.

    Inside a declaration whose text is identical, positions move with the declaration; elsewhere
    a position moves with its line when a line diff pairs that line with an identical one.
    """

    def __init__(self, old: Outline, new: Outline) -> None:
        self._old_index = LineIndex.of(old.text)
        self._new_index = LineIndex.of(new.text)
        self._moves: list[tuple[int, int, int]] = []  # old start, old end, new start
        for name, decl in old.declarations.items():
            now = new.declarations.get(name)
            if now is not None and now.raw == decl.raw:
                self._moves.append((decl.symbol.start, decl.symbol.end, now.symbol.start))
        old_lines = old.text.splitlines()
        new_lines = new.text.splitlines()
        self._lines: dict[int, int] = {}
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, _ in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    self._lines[i1 + k] = j1 + k

    def _point(self, line: int, character: int, is_end: bool) -> tuple[int, int] | None:
        offset = self._old_index.offset(line, character)
        for start, end, new_start in self._moves:
            if start <= offset < end or (is_end and offset == end):
                return self._new_index.position(new_start + offset - start)
        if line in self._lines:
            return self._lines[line], character
        return None

    def range(self, r: Range) -> Range | None:
        start = self._point(r.start.line, r.start.character, False)
        end = self._point(r.end.line, r.end.character, True)
        if start is None or end is None:
            return None
        return Range.model_validate(
            {
                "start": {"line": start[0], "character": start[1]},
                "end": {"line": end[0], "character": end[1]},
            }
        )

    def diagnostic(self, d: Diagnostic, old_file: str, new_file: str) -> Diagnostic | None:
        """The diagnostic at its new place (same-file related locations too), or None."""
        moved = d.model_copy(deep=True)
        if d.file == old_file:
            r = self.range(d.range)
            if r is None:
                return None
            moved.file, moved.range = new_file, r
        for rel in moved.related:
            if rel.location.file == old_file:
                r = self.range(rel.location.range)
                if r is None:
                    return None
                rel.location.file, rel.location.range = new_file, r
        return moved


def affected(previous: Outline, current: Outline) -> set[str]:
    """Declarations whose own text changed or that depend on one whose meaning changed."""
    old, new = previous.declarations, current.declarations
    changed = {n for n, d in new.items() if n not in old or old[n].raw != d.raw}
    seeds = {d.symbol.name for n, d in new.items() if n not in old or old[n].meaning != d.meaning}
    seeds |= {d.symbol.name for n, d in old.items() if n not in new}
    # Follow "mentions" backwards until nothing new is reached.
    reached: set[str] = set()
    frontier = set(seeds)
    while frontier:
        reached |= frontier
        frontier = set()
        for n, d in new.items():
            if n not in changed and d.mentions & reached:
                changed.add(n)
                frontier.add(d.symbol.name)
        frontier -= reached
    return changed


def dependency_key(outline: Outline, name: str) -> str:
    """What a declaration's verdict can depend on, as one hash: its exact text, the meaning of
    every declaration it mentions directly or not (and which names are declared at all), and
    the text outside declarations. Two outlines that give a declaration the same key give it
    the same verdict, wherever it sits in the file."""
    by_name: dict[str, list[str]] = {}
    for qualified, decl in outline.declarations.items():
        by_name.setdefault(decl.symbol.name, []).append(qualified)
    reached: set[str] = set()
    frontier = [name]
    while frontier:
        current = frontier.pop()
        if current in reached:
            continue
        reached.add(current)
        for ident in outline.declarations[current].mentions:
            frontier.extend(by_name.get(ident, ()))
    parts = [outline.context, outline.declarations[name].raw]
    parts += [f"{q}={outline.declarations[q].meaning}" for q in sorted(reached - {name})]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


def unaffected(previous: Outline, current: Outline) -> frozenset[str]:
    """The declarations of `current` an edit from `previous` cannot have changed: the same
    text, and nothing they mention (directly or not) changed in meaning, appeared or vanished;
    none when the text outside declarations changed, files are included or names ambiguous."""
    if (
        previous.context != current.context
        or previous.includes
        or current.includes
        or previous.ambiguous
        or current.ambiguous
    ):
        return frozenset()
    return frozenset(current.declarations) - affected(previous, current)
