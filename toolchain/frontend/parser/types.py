"""Type expressions: names with type arguments, tuples, arrows, and declared type parameters."""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind
from toolchain.frontend.parser.core import TokenCursor


class TypeParser(TokenCursor):
    def type_ref(self, spaced_args: bool = True) -> A.TypeRef:
        start = self.tok.start
        if self.tok.is_op("("):
            self.advance()
            items: list[A.TypeRef] = []
            if not self.tok.is_op(")"):
                items.append(self.type_ref())
                while self.accept_op(","):
                    items.append(self.type_ref())
            self.expect_op(")")
            t = items[0] if len(items) == 1 else A.TypeRef("tuple", items, start, self.prev_end)
        else:
            name = self.ident().text
            while self.tok.is_op(".") and self.peek().kind == Kind.IDENT:
                self.advance()
                name += "." + self.advance().text
            args: list[A.TypeRef] = []
            if self.tok.is_op("<") and (
                spaced_args or self.adjacent(self.toks[self.pos - 1], self.tok)
            ):
                self.advance()
                args.append(self.type_ref())
                while self.accept_op(","):
                    args.append(self.type_ref())
                self.expect_op(">")
            t = A.TypeRef(name, args, start, self.prev_end)
        # arrow types: ->, ~>, -->
        if self.tok.is_op("-", "~") and self.peek().is_op(">", "-"):
            while not self.tok.is_op(">"):
                if not self.tok.is_op("-", "~"):
                    raise self.error("expected '>' of an arrow type")
                self.advance()
            self.advance()
            result = self.type_ref()
            return A.TypeRef("->", [t, result], start, self.prev_end)
        return t

    def type_params(self) -> list[str]:
        names: list[str] = []
        if self.tok.is_op("<"):
            self.advance()
            while not self.tok.is_op(">"):
                if self.tok.kind == Kind.EOF:
                    raise self.error("expected '>' closing the type parameters")
                if self.tok.kind == Kind.IDENT and self.tok.text not in ("==", "0"):
                    names.append(self.tok.text)
                self.skip_balanced()
            self.advance()
        return names
