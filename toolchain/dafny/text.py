"""Lexical helpers for Dafny source: mask comments and strings, convert offsets and positions.

The scanners in this package work on masked text (comments and string/char literals replaced by
spaces, newlines kept) so that keywords inside comments never count, and offsets stay the same.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass


@functools.lru_cache(maxsize=64)  # the scanners mask the same buffer many times per edit
def mask_comments_and_strings(text: str) -> str:
    out = list(text)
    i, n = 0, len(text)
    depth = 0  # Dafny block comments nest

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if depth == 0 and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            start = i
            depth = 1
            i += 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth += 1
                    i += 2
                elif text.startswith("*/", i):
                    depth -= 1
                    i += 2
                else:
                    i += 1
            blank(start, i)
        elif c == '"' or (c == "@" and i + 1 < n and text[i + 1] == '"'):
            verbatim = c == "@"
            start = i
            i += 2 if verbatim else 1
            while i < n:
                if verbatim and text.startswith('""', i):
                    i += 2
                    continue
                if not verbatim and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == '"':
                    i += 1
                    break
                i += 1
            blank(start + 1, i - 1)
        elif c == "'" and i + 2 < n and (text[i + 2] == "'" or text[i + 1] == "\\"):
            # a char literal such as 'a' or '\n' (primes in identifiers like x' are not literals)
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_'?"):
                i += 1
                continue
            end = text.find("'", i + 2)
            if end < 0 or end - i > 10:
                i += 1
                continue
            blank(i + 1, end)
            i = end + 1
        else:
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class LineIndex:
    """Offset <-> (line, column) conversion, both 0-based."""

    starts: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, text: str) -> LineIndex:
        starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                starts.append(i + 1)
        return cls(tuple(starts), len(text))

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def offset(self, line: int, column: int) -> int:
        if line < 0:
            return 0
        if line >= len(self.starts):
            return self.length
        return min(self.starts[line] + max(column, 0), self.length)
