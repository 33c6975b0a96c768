"""Lexical helpers for Dafny source: the one scanner of comments, literals and brackets.

`lex_spans` finds comments and string/char literals by Dafny's own rules; everything that reads
Dafny text builds on it: `mask_comments_and_strings` (comments and literal contents replaced by
spaces, newlines kept, so keywords inside them never count and offsets stay the same), the
incremental verifier's fingerprints, and the front end's lexer. The bracket helpers below
(`matching_close`, `balanced_end`, `nesting_depth`) walk masked text with one counter.

Rules, as Dafny 2.3 reads them (measured): block comments nest; `//` runs to the end of the
line; an ordinary string ends at its line's end (unterminated there), a verbatim `@"..."` may
span lines and doubles `""`; a `'` inside an identifier (`x'`, `a'b`) is part of it, and at the
start of a word it is a char literal (`'a'`, `'\\''`, `'\\u0041'`) unless an identifier that
starts with `'` is longer (`'ab'` is an identifier to Dafny).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from shared_schemas.verification import Position, Range


class SpanKind(StrEnum):
    COMMENT = "comment"
    STRING = "string"
    CHAR = "char"


@dataclass(frozen=True, slots=True)
class Span:
    """A comment or literal: [start, end) of the text."""

    kind: SpanKind
    start: int
    end: int
    closed: bool  # False when the text (or, for an ordinary string, its line) ended first

    @property
    def is_literal(self) -> bool:
        return self.kind != SpanKind.COMMENT


# What the scanner stops at: the openers of comments and literals, and whole words, so that a
# prime inside an identifier never opens a char literal. Words follow the lexer: identifiers of
# letters, digits, `_`, `'` and `?`; numbers of digits, letters and `_` (no primes: `5'a'` is a
# number and a char).
_STOP = re.compile(r"""//|/\*|@"|"|'|[A-Za-z_][A-Za-z0-9_'?]*|[0-9][A-Za-z0-9_]*""")
_CHAR = re.compile(r"""'(?:[^'\\\r\n]|\\['"\\0nrt]|\\u[0-9A-Fa-f]{4}|\\U\{[0-9A-Fa-f_]{1,8}\})'""")
_PRIMED_WORD = re.compile(r"'[A-Za-z0-9_'?]*")
_STRING_STOP = re.compile(r'["\\\n]')
_VERBATIM_STOP = re.compile(r'"')


_COMMENT_STOP = re.compile(r"/\*|\*/")


def _block_comment_end(text: str, i: int) -> tuple[int, bool]:
    depth = 0
    for m in _COMMENT_STOP.finditer(text, i):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end(), True
    return len(text), False


def _string_end(text: str, i: int) -> tuple[int, bool]:
    """End of the ordinary string whose opening quote is at i."""
    pos = i + 1
    while True:
        m = _STRING_STOP.search(text, pos)
        if m is None:
            return len(text), False
        ch = m.group()
        if ch == '"':
            return m.end(), True
        if ch == "\n":
            return m.start(), False
        # an escape takes the next character with it, but never the line's end
        if m.end() < len(text) and text[m.end()] != "\n":
            pos = m.end() + 1
        else:
            pos = m.end()


def _verbatim_end(text: str, i: int) -> tuple[int, bool]:
    """End of the verbatim string whose `@` is at i; `""` inside it is one quote."""
    pos = i + 2
    n = len(text)
    while True:
        m = _VERBATIM_STOP.search(text, pos)
        if m is None:
            return n, False
        if text.startswith('""', m.start()):
            pos = m.start() + 2
            continue
        return m.end(), True


def char_literal_end(text: str, i: int) -> int | None:
    """End of the char literal at i (text[i] is `'` at the start of a word), else None.

    Dafny's scanner takes the longest token: an identifier starting with `'` wins when longer.
    """
    m = _CHAR.match(text, i)
    if m is None:
        return None
    word = _PRIMED_WORD.match(text, i)
    if word is not None and word.end() > m.end():
        return None
    return m.end()


@functools.lru_cache(maxsize=64)  # mask, fingerprints and lexer scan the same buffer per edit
def lex_spans(text: str) -> tuple[Span, ...]:
    """Every comment and string/char literal of `text`, in order, by Dafny's scanning rules."""
    spans: list[Span] = []
    i = 0
    while True:
        m = _STOP.search(text, i)
        if m is None:
            break
        tok, start = m.group(), m.start()
        if tok == "//":
            j = text.find("\n", start)
            end, closed, kind = (len(text) if j < 0 else j), True, SpanKind.COMMENT
        elif tok == "/*":
            end, closed = _block_comment_end(text, start)
            kind = SpanKind.COMMENT
        elif tok == '"':
            (end, closed), kind = _string_end(text, start), SpanKind.STRING
        elif tok == '@"':
            (end, closed), kind = _verbatim_end(text, start), SpanKind.STRING
        elif tok == "'":
            char_end = char_literal_end(text, start)
            if char_end is None:
                # an identifier that starts with a prime: step over it as a word
                word = _PRIMED_WORD.match(text, start)
                i = word.end() if word is not None else start + 1
                continue
            end, closed, kind = char_end, True, SpanKind.CHAR
        else:
            i = m.end()  # a word: primes inside it are not literals
            continue
        spans.append(Span(kind, start, end, closed))
        i = end
    return tuple(spans)


@functools.lru_cache(maxsize=64)  # the scanners mask the same buffer many times per edit
def mask_comments_and_strings(text: str) -> str:
    """`text` with comments and the insides of literals blanked; newlines and offsets kept.

    A comment is blanked whole; a literal keeps its first and last character (the quotes; for a
    verbatim string the `@` and the closing quote), or only its first when it is unterminated.
    """
    out: list[str] = []
    pos = 0
    for span in lex_spans(text):
        lo = span.start if span.kind == SpanKind.COMMENT else span.start + 1
        hi = span.end if span.kind == SpanKind.COMMENT or not span.closed else span.end - 1
        if hi <= lo:
            continue
        out.append(text[pos:lo])
        out.append(re.sub(r"[^\n]", " ", text[lo:hi]))
        pos = hi
    out.append(text[pos:])
    return "".join(out)


# -- brackets ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _bracket_pattern(opening: str, closing: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(opening + closing) + "]")


def _bracket_depths(
    masked: str, start: int, stop: int, opening: str, closing: str
) -> Iterator[tuple[int, int, bool]]:
    """(offset, depth after it, is a closing bracket) for each bracket in masked[start:stop]."""
    depth = 0
    for m in _bracket_pattern(opening, closing).finditer(masked, start, stop):
        is_close = m.group() in closing
        depth += -1 if is_close else 1
        yield m.start(), depth, is_close


def matching_close(masked: str, open_at: int, opening: str = "{", closing: str = "}") -> int | None:
    """Offset of the bracket that closes the one at `open_at`; None when it never closes.

    `opening`/`closing` name the bracket characters counted (`"{"`/`"}"`, `"<"`/`">"`, ...).
    """
    for at, depth, is_close in _bracket_depths(masked, open_at, len(masked), opening, closing):
        if is_close and depth == 0:
            return at
    return None


def brace_end(masked: str, open_at: int) -> int:
    """Just past the `}` that closes the `{` at `open_at`; the end of the text when none does."""
    close = matching_close(masked, open_at)
    return len(masked) if close is None else close + 1


def balanced_end(masked: str, start: int) -> int | None:
    """Just past the last `}` at which the braces opened from `start` balance again.

    It covers several top-level blocks in a row and stops at a `}` that closes something opened
    before `start`; None when no block opened at `start`'s level closes.
    """
    end = None
    for at, depth, is_close in _bracket_depths(masked, start, len(masked), "{", "}"):
        if is_close and depth == 0:
            end = at + 1
        elif depth < 0:
            break
    return end


def nesting_depth(masked: str, offset: int, opening: str = "([{", closing: str = ")]}") -> int:
    """How many brackets are open at `offset`, counting from the start of `masked`."""
    last = 0
    for _, depth, _ in _bracket_depths(masked, 0, offset, opening, closing):
        last = depth
    return last


@dataclass(frozen=True)
class LineIndex:
    """Offset <-> (line, column) conversion, both 0-based."""

    starts: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, text: str) -> LineIndex:
        return _line_index(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def range(self, start: int, end: int) -> Range:
        """The text between two offsets as the schema's (line, column) range."""
        (sl, sc), (el, ec) = self.position(start), self.position(end)
        return Range(start=Position(line=sl, character=sc), end=Position(line=el, character=ec))

    def offset(self, line: int, column: int) -> int:
        if line < 0:
            return 0
        if line >= len(self.starts):
            return self.length
        return min(self.starts[line] + max(column, 0), self.length)


@functools.lru_cache(maxsize=16)  # the front end indexes the same text once per method and finding
def _line_index(text: str) -> LineIndex:
    starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    return LineIndex(tuple(starts), len(text))


_NEWLINE = re.compile("\n")
