"""Primary expressions and their suffixes: literals, names, displays, `new`, calls, indexing.

Also attributes `{:name args}`, which any grammar level may meet. Primaries contain full
expressions (arguments, indices), parsed by `ExpressionParser` further down the class chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind, int_value, number_problem
from toolchain.frontend.parser.core import ParseError
from toolchain.frontend.parser.types import TypeParser


class PrimaryParser(TypeParser):
    if TYPE_CHECKING:
        # implemented by ExpressionParser, the subclass: a primary nests whole expressions
        def expression(self) -> A.Expr: ...

    def attributes(self) -> list[A.Attribute]:
        attrs: list[A.Attribute] = []
        while self.tok.kind == Kind.ATTR_OPEN:
            start = self.advance().start
            name = self.ident().text
            args: list[A.Expr] = []
            if not self.tok.is_op("}"):
                args.append(self.expression())
                while self.accept_op(","):
                    args.append(self.expression())
            end = self.expect_op("}").end
            attrs.append(A.Attribute(name=name, args=args, start=start, end=end))
        return attrs

    def arguments(self, close: str) -> list[A.Expr]:
        saved, self.bar_stops = self.bar_stops, False
        try:
            return self._arguments(close)
        finally:
            self.bar_stops = saved

    def _arguments(self, close: str) -> list[A.Expr]:
        args: list[A.Expr] = []
        if self.tok.is_op(close):
            self.advance()
            return args
        while True:
            # named arguments `f(x := 1)`
            if self.tok.kind == Kind.IDENT and self.peek().is_op(":="):
                self.advance()
                self.advance()
            args.append(self.expression())
            if self.accept_op(":="):  # map display entry `k := v`
                args.append(self.expression())
            if self.accept_op(","):
                continue
            self.expect_op(close)
            return args

    def primary(self) -> A.Expr:
        t = self.tok
        if t.kind == Kind.NUMBER:
            value = int_value(t.text)
            if value is None:
                raise ParseError(number_problem(t.text), t.start, t.end)
            self.advance()
            return A.IntLit(value=value, start=t.start, end=t.end)
        if t.kind == Kind.BAD_NUMBER:
            raise ParseError(number_problem(t.text), t.start, t.end)
        if t.kind in (Kind.REAL, Kind.STRING, Kind.CHAR):
            self.advance()
            return A.OtherLit(kind=t.kind.value, text=t.text, start=t.start, end=t.end)
        if t.is_kw("true", "false"):
            self.advance()
            return A.BoolLit(value=t.text == "true", start=t.start, end=t.end)
        if t.is_kw("null"):
            self.advance()
            return A.OtherLit(kind="null", text="null", start=t.start, end=t.end)
        if t.is_op("|"):
            self.advance()
            saved, self.bar_stops = self.bar_stops, True
            try:
                inner = self.expression()
            finally:
                self.bar_stops = saved
            end = self.expect_op("|").end
            return A.Cardinality(operand=inner, start=t.start, end=end)
        if t.is_op("(", "[", "{"):
            saved, self.bar_stops = self.bar_stops, False
            try:
                return self.bracketed()
            finally:
                self.bar_stops = saved
        return self.atom()

    def bracketed(self) -> A.Expr:
        t = self.tok
        if t.is_op("("):
            self.advance()
            if self.tok.is_op(")"):
                end = self.advance().end
                return A.Display(kind="tuple", items=[], start=t.start, end=end)
            items = [self.expression()]
            while self.accept_op(","):
                items.append(self.expression())
            end = self.expect_op(")").end
            if len(items) == 1:
                inner = items[0]
                # keep the parentheses in the span: the obligation program reuses source text
                inner.start, inner.end = t.start, end
                return inner
            return A.Display(kind="tuple", items=items, start=t.start, end=end)
        if t.is_op("["):
            self.advance()
            items = self.arguments("]")
            return A.Display(kind="seq", items=items, start=t.start, end=self.prev_end)
        if t.is_op("{"):
            self.advance()
            items = self.arguments("}")
            return A.Display(kind="set", items=items, start=t.start, end=self.prev_end)
        raise self.error("expected an expression")

    def atom(self) -> A.Expr:
        t = self.tok
        if t.is_kw("multiset", "iset", "set") and self.peek().is_op("{"):
            self.advance()
            self.advance()
            items = self.arguments("}")
            return A.Display(kind=t.text, items=items, start=t.start, end=self.prev_end)
        if t.is_kw("map", "imap") and self.peek().is_op("["):
            self.advance()
            self.advance()
            items = self.arguments("]") if not self.tok.is_op("]") else []
            if self.tok.is_op("]"):
                self.advance()
            return A.Display(kind="map", items=items, start=t.start, end=self.prev_end)
        if t.is_kw("new"):
            return self.new_expr()
        if t.kind == Kind.IDENT:
            self.advance()
            # explicit type arguments on a call `f<int>(x)` / `seq<int>(...)`
            if (
                self.tok.is_op("<")
                and self.adjacent(t, self.tok)
                and self._type_args_then_call_ahead()
            ):
                self.advance()
                self.type_ref()
                while self.accept_op(","):
                    self.type_ref()
                self.expect_op(">")
            return A.Name(name=t.text, start=t.start, end=t.end)
        if t.is_op("*"):
            self.advance()
            return A.Havoc(start=t.start, end=t.end)
        raise self.error("expected an expression")

    def _type_args_then_call_ahead(self) -> bool:
        depth = 0
        k = 0
        while True:
            p = self.peek(k)
            if p.is_op("<"):
                depth += 1
            elif p.is_op(">"):
                depth -= 1
                if depth == 0:
                    return self.peek(k + 1).is_op("(", ".")
            elif not (p.kind == Kind.IDENT or p.is_op(",", "(", ")")):
                return False
            k += 1
            if k > 20:
                return False

    def suffixes(self, e: A.Expr) -> A.Expr:
        while True:
            t = self.tok
            if t.is_op(".") and self.peek().kind in (Kind.IDENT, Kind.NUMBER):
                self.advance()
                member = self.advance()
                e = A.Member(obj=e, member=member.text, start=e.start, end=member.end)
            elif t.is_op("(") and not isinstance(e, A.IntLit | A.BoolLit):
                self.advance()
                args = self.arguments(")")
                e = A.Apply(func=e, args=args, start=e.start, end=self.prev_end)
            elif t.is_op("["):
                e = self.index_suffix(e)
            elif t.is_op(".") and self.peek().is_op("("):
                # datatype update `d.(f := v)`: specification-only here
                self.advance()
                self.skip_balanced()
                e = A.Comprehension(
                    kind="datatype update",
                    text=self.text[e.start : self.prev_end],
                    start=e.start,
                    end=self.prev_end,
                )
            elif t.is_op("@") and self.peek().kind == Kind.IDENT:
                self.advance()
                self.advance()
            else:
                return e

    def index_suffix(self, e: A.Expr) -> A.Expr:
        saved, self.bar_stops = self.bar_stops, False
        try:
            return self._index_suffix(e)
        finally:
            self.bar_stops = saved

    def _index_suffix(self, e: A.Expr) -> A.Expr:
        self.expect_op("[")
        if self.accept_op(".."):
            hi = None if self.tok.is_op("]") else self.expression()
            end = self.expect_op("]").end
            return A.SliceExpr(seq=e, lo=None, hi=hi, start=e.start, end=end)
        first = self.expression()
        if self.accept_op(".."):
            hi = None if self.tok.is_op("]") else self.expression()
            end = self.expect_op("]").end
            return A.SliceExpr(seq=e, lo=first, hi=hi, start=e.start, end=end)
        if self.accept_op(":="):
            value = self.expression()
            end = self.expect_op("]").end
            return A.UpdateExpr(seq=e, index=first, value=value, start=e.start, end=end)
        if self.tok.is_op(":"):
            # `s[a : b : c]` splits a sequence into pieces: not hardware, keep as a slice
            while not self.tok.is_op("]") and self.tok.kind != Kind.EOF:
                self.skip_balanced()
            end = self.expect_op("]").end
            return A.SliceExpr(seq=e, lo=first, hi=None, start=e.start, end=end)
        indices = [first]
        while self.accept_op(","):
            indices.append(self.expression())
        end = self.expect_op("]").end
        return A.IndexExpr(seq=e, indices=indices, start=e.start, end=end)

    def new_expr(self) -> A.Expr:
        start = self.expect_kw("new").start
        elem = self.type_ref()
        if self.tok.is_op("["):
            self.advance()
            sizes: list[A.Expr] = []
            if not self.tok.is_op("]"):
                sizes = self.arguments("]")
            else:
                self.advance()
            init: A.Expr | None = None
            init_text = None
            if self.tok.is_op("("):
                s = self.tok.start
                self.advance()
                init = self.expression()
                self.expect_op(")")
                init_text = self.text[s : self.prev_end]
            elif self.tok.is_op("["):
                # `new int[3] [1, 2, 3]`
                s = self.tok.start
                self.skip_balanced()
                init_text = self.text[s : self.prev_end]
            return A.NewArray(
                element=elem,
                sizes=sizes,
                init=init,
                init_text=init_text,
                start=start,
                end=self.prev_end,
            )
        if self.tok.is_op("."):
            self.advance()
            self.ident()
        if self.tok.is_op("("):
            self.skip_balanced()
        return A.NewObject(type_name=elem.name, start=start, end=self.prev_end)
