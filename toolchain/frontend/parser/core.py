"""The parser's token cursor: where it stands, how it consumes, how it reports errors.

Everything the grammar modules share sits here: the keyword sets that decide where declarations
and specification clauses begin, `ParseError`, and `TokenCursor`, the base of the parser's class
chain (cursor -> types -> primaries -> expressions -> statements -> declarations).
"""

from __future__ import annotations

from toolchain.frontend.lexer import Kind, Token, tokenize

SPEC_KEYWORDS = frozenset(
    {"requires", "ensures", "invariant", "decreases", "modifies", "reads", "yield", "free"}
)
DECL_MODIFIERS = frozenset(
    {
        "ghost",
        "static",
        "abstract",
        "opaque",
        "twostate",
        "least",
        "greatest",
        "inductive",
        "protected",
        "private",
        "nameonly",
        "replaceable",
    }
)
DECL_KEYWORDS = frozenset(
    {
        "method",
        "lemma",
        "constructor",
        "function",
        "predicate",
        "copredicate",
        "colemma",
        "datatype",
        "codatatype",
        "class",
        "trait",
        "iterator",
        "newtype",
        "type",
        "const",
        "module",
        "import",
        "include",
        "var",
    }
)


class ParseError(Exception):
    def __init__(self, message: str, start: int, end: int | None = None) -> None:
        super().__init__(message)
        self.start = start
        self.end = end if end is not None else start + 1


def too_deep(at: Token) -> ParseError:
    # Each nesting level of an expression costs a dozen Python frames; far fewer levels than
    # any real program uses would exhaust the interpreter's stack.
    return ParseError(
        "nesting too deep for the hardware front end", at.start, max(at.end, at.start + 1)
    )


class TokenCursor:
    """The tokens of one text and the position in them; the base of the grammar classes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.pos = 0
        self.errors: list[tuple[str, int, int]] = []
        # Inside `|s|` a `|` closes the cardinality instead of meaning bitwise or.
        self.bar_stops = False

    # -- token helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.toks[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.pos + k, len(self.toks) - 1)]

    def advance(self) -> Token:
        """Consume the current token; there is none to consume at the end of the file.

        Raising there is what bounds every loop that consumes as it goes ("skip until `>`",
        "skip until `{`"): without it such a loop spins forever on a truncated file.
        """
        t = self.toks[self.pos]
        if t.kind == Kind.EOF:
            raise self.error("unexpected end of file", t)
        self.pos += 1
        return t

    @property
    def prev_end(self) -> int:
        return self.toks[self.pos - 1].end if self.pos > 0 else 0

    def error(self, message: str, tok: Token | None = None) -> ParseError:
        t = tok or self.tok
        found = t.text or "end of file"
        return ParseError(f"{message} (found '{found}')", t.start, max(t.end, t.start + 1))

    def expect_op(self, op: str) -> Token:
        return self._expect(self.tok.is_op(op), op)

    def accept_op(self, op: str) -> bool:
        return self._accept(self.tok.is_op(op))

    def expect_kw(self, word: str) -> Token:
        return self._expect(self.tok.is_kw(word), word)

    def accept_kw(self, word: str) -> bool:
        return self._accept(self.tok.is_kw(word))

    def _expect(self, found: bool, spelling: str) -> Token:
        """Consume the current token, which must be `spelling` (`found` says whether it is)."""
        if not found:
            raise self.error(f"expected '{spelling}'")
        return self.advance()

    def _accept(self, found: bool) -> bool:
        """Consume the current token where `found` (it is the one wanted); say whether it was."""
        if found:
            self.advance()
        return found

    def ident(self) -> Token:
        if self.tok.kind != Kind.IDENT:
            raise self.error("expected an identifier")
        return self.advance()

    def adjacent(self, a: Token, b: Token) -> bool:
        return a.end == b.start

    def skip_balanced(self) -> None:
        """Skip one token, or a whole bracketed group when it opens one."""
        opening = {"(": ")", "[": "]", "{": "}", "{:": "}"}
        t = self.advance()
        if t.text not in opening:
            return
        stack = [opening[t.text]]
        while stack and self.tok.kind != Kind.EOF:
            t = self.advance()
            if t.text in opening:
                stack.append(opening[t.text])
            elif t.text == stack[-1]:
                stack.pop()
