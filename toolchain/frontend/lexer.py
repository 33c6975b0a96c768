"""Tokens of Dafny source text, with offsets into the original text.

`>` and `<` are always single tokens (so `array<seq<int>>` closes two type argument lists); the
parser joins two adjacent ones into a shift operator.

Numeric literals follow Dafny's grammar (measured against Dafny 2.3): decimal digits, leading zeros
allowed (`08` is eight); `0x` and at least one hexadecimal digit; a single `_` only between two
digits (`1_000`, `0x1_0000`); a real is digits `.` digits. Anything else glued to a number (`0x`,
`1__0`, `1_`, `0X10`, `1e5`) is one BAD_NUMBER token that the parser reports where it stands.

Comments and string/char literals come from `toolchain.dafny.text.lex_spans`, the scanner every
reader of Dafny text shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from toolchain.dafny.text import SpanKind, lex_spans


class Kind(StrEnum):
    IDENT = "ident"
    NUMBER = "number"
    REAL = "real"
    STRING = "string"
    CHAR = "char"
    OP = "op"
    ATTR_OPEN = "attr_open"  # `{:`
    BAD_NUMBER = "bad_number"  # a malformed numeric literal; `number_problem` says why
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


_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_WORD_PART = _IDENT_START | _DIGITS
# A keyword may touch a number (`if 2in s`): Dafny's scanner ends the number there.
_KEYWORDS_AFTER_NUMBER = frozenset({"in", "as", "is", "then", "else", "by", "to", "downto"})
# Python refuses to turn longer decimal strings into ints (and to print such ints); no hardware
# constant is that long, so the front end reports it instead of carrying it to a traceback.
MAX_LITERAL_DIGITS = 4000


def _digits_end(text: str, i: int, digits: frozenset[str]) -> int:
    """End of `digit {['_'] digit}` starting at i (text[i] is a digit)."""
    n = len(text)
    i += 1
    while i < n:
        if text[i] in digits:
            i += 1
        elif text[i] == "_" and i + 1 < n and text[i + 1] in digits:
            i += 2
        else:
            break
    return i


def _scan_number(text: str, i: int) -> tuple[int, Kind]:
    """Scan the number at i; a well-formed literal followed by word characters is malformed."""
    n = len(text)
    if text.startswith("0x", i) and i + 2 < n and text[i + 2] in _HEX_DIGITS:
        end, kind = _digits_end(text, i + 2, _HEX_DIGITS), Kind.NUMBER
    else:
        end, kind = _digits_end(text, i, _DIGITS), Kind.NUMBER
        if end + 1 < n and text[end] == "." and text[end + 1] in _DIGITS:
            end, kind = _digits_end(text, end + 1, _DIGITS), Kind.REAL
    tail = end
    while tail < n and text[tail] in _WORD_PART:
        tail += 1
    if tail == end or text[end:tail] in _KEYWORDS_AFTER_NUMBER:
        return end, kind
    return tail, Kind.BAD_NUMBER


def number_problem(text: str) -> str:
    """Why a BAD_NUMBER token (or an overlong NUMBER) is not a literal the front end accepts."""
    digits = text.replace("_", "")
    well_formed = set(digits) <= _DIGITS or (
        digits.startswith("0x") and len(digits) > 2 and set(digits[2:]) <= _HEX_DIGITS
    )
    if well_formed and int_value(text) is None:
        return (
            f"numeric literal of {len(digits)} digits: the hardware front end reads literals of "
            f"up to {MAX_LITERAL_DIGITS} digits"
        )
    shown = text if len(text) <= 24 else text[:20] + "..."
    bad = f"malformed numeric literal '{shown}'"
    if text.startswith("0X"):
        return f"{bad}: hexadecimal literals start with a lowercase 0x"
    if text.startswith("0x") and (len(text) == 2 or text[2] not in _HEX_DIGITS):
        return f"{bad}: 0x must be followed by a hexadecimal digit"
    if "__" in text or text.endswith("_") or "_." in text or "._" in text:
        return f"{bad}: '_' may only stand between two digits"
    if text.startswith("0x"):
        return f"{bad}: not a hexadecimal digit in it"
    if "e" in text.lower():
        return f"{bad}: Dafny has no exponent notation"
    return f"{bad}: a number cannot run into letters"


def int_value(text: str) -> int | None:
    """The value of a NUMBER token's text, or None when it is too long to be a hardware constant."""
    digits = text.replace("_", "")
    if digits.startswith("0x"):
        # 4 bits a hex digit: keep the value's decimal form within Python's printable limit
        if (len(digits) - 2) * 4 > MAX_LITERAL_DIGITS * 3:
            return None
        return int(digits[2:], 16)
    if len(digits) > MAX_LITERAL_DIGITS:
        return None
    return int(digits, 10)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    spans = lex_spans(text)
    k = 0  # the next comment or literal
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        while k < len(spans) and spans[k].start < i:
            k += 1
        start = i
        if k < len(spans) and spans[k].start == i:
            span = spans[k]
            i = span.end
            if span.kind == SpanKind.COMMENT:
                if not span.closed:
                    raise LexError("unterminated comment", n)
                continue
            if not span.closed:
                raise LexError("unterminated string", start)
            kind = Kind.STRING if span.kind == SpanKind.STRING else Kind.CHAR
            tokens.append(Token(kind, text[start:i], start, i))
            continue
        if c in _IDENT_START or (c == "'" and i + 1 < n and text[i + 1] in _IDENT_PART):
            # a prime that opens no char literal starts an identifier, as in Dafny (`'ab'`)
            i += 1
            while i < n and text[i] in _IDENT_PART:
                i += 1
            tokens.append(Token(Kind.IDENT, text[start:i], start, i))
            continue
        if c == "'":
            raise LexError("bad character literal", start)
        if c in _DIGITS:
            i, kind = _scan_number(text, i)
            tokens.append(Token(kind, text[start:i], start, i))
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
