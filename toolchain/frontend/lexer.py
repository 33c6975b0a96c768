"""Tokens of Dafny source text, with offsets into the original text.

`>` and `<` are always single tokens (so `array<seq<int>>` closes two type argument lists); the
parser joins two adjacent ones into a shift operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    IDENT = "ident"
    NUMBER = "number"
    REAL = "real"
    STRING = "string"
    CHAR = "char"
    OP = "op"
    ATTR_OPEN = "attr_open"  # `{:`
    EOF = "eof"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    start: int
    end: int

    def is_op(self, *ops: str) -> bool:
        return self.kind == Kind.OP and self.text in ops

    def is_kw(self, *words: str) -> bool:
        return self.kind == Kind.IDENT and self.text in words


class LexError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# Longest first: the scanner takes the first operator that matches.
_OPERATORS = sorted(
    [
        "<==>", "==>", "<==", ":=", "::", ":|", "==", "!=", "<=", ">=", "&&", "||", "..", "=>",
        "!!", "#[", "-", "+", "*", "/", "%", "<", ">", "!", "=", "(", ")", "[", "]", "{", "}",
        ",", ";", ":", ".", "|", "&", "^", "?", "@", "~", "`", "\u2200",
    ],
    key=len,
    reverse=True,
)  # fmt: skip

_IDENT_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_PART = _IDENT_START | set("0123456789'?")


def _skip_block_comment(text: str, i: int) -> int:
    depth = 0
    n = len(text)
    while i < n:
        if text.startswith("/*", i):
            depth += 1
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise LexError("unterminated comment", n)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            i = _skip_block_comment(text, i)
            continue
        start = i
        if c in _IDENT_START:
            i += 1
            while i < n and text[i] in _IDENT_PART:
                i += 1
            tokens.append(Token(Kind.IDENT, text[start:i], start, i))
            continue
        if c.isdigit():
            if text.startswith(("0x", "0X"), i):
                i += 2
                while i < n and (text[i] in "0123456789abcdefABCDEF_"):
                    i += 1
                tokens.append(Token(Kind.NUMBER, text[start:i], start, i))
                continue
            while i < n and (text[i].isdigit() or text[i] == "_"):
                i += 1
            if i + 1 < n and text[i] == "." and text[i + 1].isdigit():
                i += 1
                while i < n and (text[i].isdigit() or text[i] == "_"):
                    i += 1
                tokens.append(Token(Kind.REAL, text[start:i], start, i))
                continue
            tokens.append(Token(Kind.NUMBER, text[start:i], start, i))
            continue
        if c == '"' or (c == "@" and i + 1 < n and text[i + 1] == '"'):
            verbatim = c == "@"
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
                if text[i] == "\n" and not verbatim:
                    raise LexError("unterminated string", start)
                i += 1
            tokens.append(Token(Kind.STRING, text[start:i], start, i))
            continue
        if c == "'":
            end = text.find("'", i + 1)
            if text.startswith("'\\", i):
                end = text.find("'", i + 2)
            if end < 0 or end - i > 12:
                raise LexError("bad character literal", start)
            i = end + 1
            tokens.append(Token(Kind.CHAR, text[start:i], start, i))
            continue
        if text.startswith("{:", i):
            tokens.append(Token(Kind.ATTR_OPEN, "{:", i, i + 2))
            i += 2
            continue
        for op in _OPERATORS:
            if text.startswith(op, i):
                tokens.append(Token(Kind.OP, op, i, i + len(op)))
                i += len(op)
                break
        else:
            raise LexError(f"unexpected character {c!r}", i)
    tokens.append(Token(Kind.EOF, "", n, n))
    return tokens
