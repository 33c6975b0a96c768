"""Dafny character and string literals as code points.

Hardware holds a Dafny `char` as its code point in 21 bits: Dafny 4 (`--unicode-char`) defines a
char as a Unicode scalar value (at most 0x10FFFF), Dafny 2.x as a UTF-16 code unit (at most
0xFFFF); 21 bits hold either, so the same RTL is right under both.
"""

from __future__ import annotations

# the largest code point any Dafny version gives a char
CHAR_MAX = 0x10FFFF
CHAR_BITS = 21

_SIMPLE_ESCAPES = {"n": 10, "r": 13, "t": 9, "0": 0, "\\": 92, "'": 39, '"': 34}


def _decode(body: str) -> list[int] | None:
    """The code points of a literal's text between its quotes (None: an escape we cannot read)."""
    out: list[int] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
            continue
        if i + 1 >= len(body):
            return None
        e = body[i + 1]
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e == "u":
            digits = body[i + 2 : i + 6]
            if len(digits) != 4 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                return None
            out.append(int(digits, 16))
            i += 6
        elif e == "U" and body[i + 2 : i + 3] == "{":
            close = body.find("}", i + 3)
            digits = body[i + 3 : close] if close != -1 else ""
            digits = digits.replace("_", "")
            if not digits or not all(d in "0123456789abcdefABCDEF" for d in digits):
                return None
            out.append(int(digits, 16))
            i = close + 1
        else:
            return None
    return out


def char_value(text: str) -> int | None:
    """The code point of a char literal such as `'a'`, `'\\n'` or `'\\u0041'`."""
    if len(text) < 3 or text[0] != "'" or text[-1] != "'":
        return None
    points = _decode(text[1:-1])
    if points is None or len(points) != 1 or points[0] > CHAR_MAX:
        return None
    return points[0]


def string_value(text: str) -> list[int] | None:
    """The code points of a string literal: `"ab\\n"`, or verbatim `@"a""b"` (doubled quotes)."""
    if text.startswith('@"') and text.endswith('"') and len(text) >= 3:
        return [ord(c) for c in text[2:-1].replace('""', '"')]
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return None
    points = _decode(text[1:-1])
    if points is None or any(p > CHAR_MAX for p in points):
        return None
    return points
