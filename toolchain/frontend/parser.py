"""A recursive-descent parser for the Dafny a hardware front end needs to read.

It reads whole files written for Dafny 2.x or Dafny 4: executable code in depth (the subset that
can become hardware and the constructs we must diagnose), specifications in full expression syntax
so ranges can be read from preconditions and invariants. Declarations it does not need to look
inside (datatypes, class fields, imports) are recorded with their extent. A declaration that does
not parse becomes a parse error and the parser resumes at the next declaration.
"""

from __future__ import annotations

from typing import TypedDict

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind, LexError, Token, int_value, number_problem, tokenize

SPEC_KEYWORDS = frozenset(
    {"requires", "ensures", "invariant", "decreases", "modifies", "reads", "yield", "free"}
)
_DECL_MODIFIERS = frozenset(
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
_DECL_KEYWORDS = frozenset(
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
_RELATIONAL = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "!in", "!!"})


class ParseError(Exception):
    def __init__(self, message: str, start: int, end: int | None = None) -> None:
        super().__init__(message)
        self.start = start
        self.end = end if end is not None else start + 1


class _DeclHeader(TypedDict):
    """The fields every declaration node shares: its name, where it stands, what encloses it."""

    name: str
    name_start: int
    name_end: int
    module: str | None
    container: str | None
    start: int
    end: int


class Parser:
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
        if not self.tok.is_op(op):
            raise self.error(f"expected '{op}'")
        return self.advance()

    def accept_op(self, op: str) -> bool:
        if self.tok.is_op(op):
            self.advance()
            return True
        return False

    def expect_kw(self, word: str) -> Token:
        if not self.tok.is_kw(word):
            raise self.error(f"expected '{word}'")
        return self.advance()

    def accept_kw(self, word: str) -> bool:
        if self.tok.is_kw(word):
            self.advance()
            return True
        return False

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

    # -- attributes ----------------------------------------------------------------------------

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

    # -- types ---------------------------------------------------------------------------------

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

    # -- expressions ---------------------------------------------------------------------------

    def expression(self) -> A.Expr:
        """A full expression, including a trailing `;`-separated let body form."""
        return self.equivalence()

    def _lambda_ahead(self) -> bool:
        if self.tok.kind == Kind.IDENT and (
            self.peek().is_op("=>") or self.peek().is_kw("requires", "reads")
        ):
            return True
        if self.tok.is_op("("):
            k = 1
            while self.peek(k).kind == Kind.IDENT or self.peek(k).is_op(",", ":"):
                k += 1
                if self.peek(k - 1).is_op(":"):
                    # typed lambda parameter: skip the type name
                    k += 0
            return self.peek(k).is_op(")") and self.peek(k + 1).is_op("=>")
        return False

    def lambda_expr(self) -> A.Expr:
        start = self.tok.start
        if self.tok.is_op("("):
            self.skip_balanced()
        else:
            self.advance()
        while self.tok.is_kw("requires", "reads"):
            self.advance()
            saved = self.pos
            self.expression()
            if self.pos == saved:
                break
        self.expect_op("=>")
        self.expression()
        return A.Comprehension(
            kind="lambda", text=self.text[start : self.prev_end], start=start, end=self.prev_end
        )

    def equivalence(self) -> A.Expr:
        if self._lambda_ahead():
            return self.lambda_expr()
        lhs = self.implication()
        while self.tok.is_op("<==>"):
            self.advance()
            rhs = self.implication()
            lhs = A.BinaryExpr(op="<==>", lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def implication(self) -> A.Expr:
        lhs = self.logical()
        if self.tok.is_op("==>"):
            self.advance()
            rhs = self.implication()  # right associative
            return A.BinaryExpr(op="==>", lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        while self.tok.is_op("<=="):
            self.advance()
            rhs = self.logical()
            lhs = A.BinaryExpr(op="<==", lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def logical(self) -> A.Expr:
        # Dafny allows a leading && / || in a (multi-line) conjunction
        if self.tok.is_op("&&", "||"):
            self.advance()
        lhs = self.relational()
        while self.tok.is_op("&&", "||"):
            op = self.advance().text
            rhs = self.relational()
            lhs = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def _relational_op(self) -> str | None:
        t = self.tok
        if t.is_op("==", "!=", "<=", ">=", "!!"):
            return t.text
        if t.is_op("<") and not (self.peek().is_op("<") and self.adjacent(t, self.peek())):
            return "<"
        if t.is_op(">") and not (self.peek().is_op(">") and self.adjacent(t, self.peek())):
            return ">"
        if t.is_kw("in"):
            return "in"
        if t.is_op("!") and self.peek().is_kw("in") and self.adjacent(t, self.peek()):
            return "!in"
        return None

    def relational(self) -> A.Expr:
        first = self.shift()
        op = self._relational_op()
        if op is None:
            return first
        result: A.Expr | None = None
        lhs = first
        while op is not None:
            self.advance()
            if op == "!in":
                self.advance()
            if op in ("==", "!=") and self.tok.is_op("#["):
                # prefix equality `==#[k]`: skip the depth
                self.skip_balanced()
            rhs = self.shift()
            cmp = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
            result = (
                cmp
                if result is None
                else A.BinaryExpr(op="&&", lhs=result, rhs=cmp, start=result.start, end=rhs.end)
            )
            lhs = rhs
            op = self._relational_op()
        assert result is not None
        return result

    def shift(self) -> A.Expr:
        lhs = self.additive()
        while True:
            t, n = self.tok, self.peek()
            if t.is_op("<", ">") and n.text == t.text and self.adjacent(t, n):
                self.advance()
                self.advance()
                rhs = self.additive()
                op = "<<" if t.text == "<" else ">>"
                lhs = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
            else:
                return lhs

    def additive(self) -> A.Expr:
        lhs = self.multiplicative()
        while self.tok.is_op("+", "-"):
            op = self.advance().text
            rhs = self.multiplicative()
            lhs = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def multiplicative(self) -> A.Expr:
        lhs = self.bitwise()
        while self.tok.is_op("*", "/", "%"):
            op = self.advance().text
            rhs = self.bitwise()
            lhs = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def bitwise(self) -> A.Expr:
        lhs = self.conversion()
        while self.tok.is_op("&", "|", "^") and not (self.tok.is_op("|") and self.bar_stops):
            op = self.advance().text
            rhs = self.conversion()
            lhs = A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)
        return lhs

    def conversion(self) -> A.Expr:
        e = self.unary()
        while self.tok.is_kw("as", "is"):
            is_test = self.advance().text == "is"
            target = self.type_ref(spaced_args=False)
            e = A.CastExpr(
                operand=e, target=target, is_test=is_test, start=e.start, end=self.prev_end
            )
        return e

    def unary(self) -> A.Expr:
        t = self.tok
        if t.is_op("-"):
            self.advance()
            operand = self.unary()
            if isinstance(operand, A.IntLit):
                return A.IntLit(value=-operand.value, start=t.start, end=operand.end)
            return A.UnaryExpr(op="-", operand=operand, start=t.start, end=operand.end)
        if t.is_op("!"):
            self.advance()
            operand = self.unary()
            return A.UnaryExpr(op="!", operand=operand, start=t.start, end=operand.end)
        if t.is_kw("forall", "exists") or t.is_op("\u2200"):
            return self.quantifier()
        if t.is_kw("if"):
            return self.if_expr()
        if t.is_kw("var"):
            return self.let_expr()
        if t.is_kw("match"):
            return self.match_expr()
        if t.is_kw("set", "iset", "imap") or (t.is_kw("map") and not self.peek().is_op("[")):
            if not self.peek().is_op("{"):
                return self.comprehension()
        if t.is_kw("assert", "assume", "reveal", "calc"):
            return self.stmt_in_expr()
        return self.suffixes(self.primary())

    def stmt_in_expr(self) -> A.Expr:
        # `assert P; e` inside a function body: skip the statement, keep the expression
        start = self.tok.start
        self.statement()
        body = self.expression()
        return A.LetExpr(names=[], values=[], body=body, start=start, end=body.end)

    def bound_vars(self) -> list[A.BoundVar]:
        out: list[A.BoundVar] = []
        while True:
            t = self.ident()
            ty = None
            if self.accept_op(":"):
                ty = self.type_ref()
            out.append(A.BoundVar(name=t.text, type=ty, start=t.start, end=self.prev_end))
            if self.tok.is_op(",") and self.peek().kind == Kind.IDENT:
                self.advance()
                continue
            return out

    def _binder_range(self) -> A.Expr | None:
        if not self.accept_op("|"):
            return None
        return self.expression()

    def quantifier(self) -> A.Expr:
        start = self.advance()
        kind = "forall" if start.text in ("forall", "\u2200") else "exists"
        bvs = self.bound_vars()
        self.attributes()
        rng = self._binder_range()
        self.attributes()
        self.expect_op("::")
        body = self.expression()
        return A.Quantifier(
            kind=kind, vars=bvs, range=rng, body=body, start=start.start, end=body.end
        )

    def comprehension(self) -> A.Expr:
        start = self.advance()
        self.bound_vars()
        self.attributes()
        self._binder_range()
        if self.accept_op("::"):
            self.expression()
            if self.accept_op(":="):
                self.expression()
        end = self.prev_end
        return A.Comprehension(
            kind=start.text, text=self.text[start.start : end], start=start.start, end=end
        )

    def if_expr(self) -> A.Expr:
        start = self.expect_kw("if").start
        cond = self.expression()
        self.expect_kw("then")
        then = self.expression()
        self.expect_kw("else")
        other = self.expression()
        return A.IfExpr(cond=cond, then=then, otherwise=other, start=start, end=other.end)

    def let_expr(self) -> A.Expr:
        start = self.expect_kw("var").start
        names: list[str] = []
        while True:
            names.append(self.ident().text)
            if self.accept_op(":"):
                self.type_ref()
            if not self.accept_op(","):
                break
        if self.accept_op(":|"):
            cond = self.expression()
            self.expect_op(";")
            body = self.expression()
            return A.Comprehension(
                kind="let-such-that",
                text=self.text[start : body.end],
                start=start,
                end=max(body.end, cond.end),
            )
        if not self.accept_op(":="):
            self.expect_op("=")
        values = [self.expression()]
        while self.accept_op(","):
            values.append(self.expression())
        self.expect_op(";")
        body = self.expression()
        return A.LetExpr(names=names, values=values, body=body, start=start, end=body.end)

    def match_expr(self) -> A.Expr:
        start = self.expect_kw("match").start
        self.expression()
        if self.tok.is_op("{"):
            self.skip_balanced()
        else:
            while self.tok.is_kw("case"):
                self.advance()
                while not self.tok.is_op("=>") and self.tok.kind != Kind.EOF:
                    self.skip_balanced()
                self.advance()
                self.expression()
        return A.MatchExpr(text=self.text[start : self.prev_end], start=start, end=self.prev_end)

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

    # -- specifications ------------------------------------------------------------------------

    def spec_clause(self) -> A.Spec:
        start = self.tok.start
        if self.accept_kw("free"):
            pass
        kind = self.advance().text
        self.attributes()
        # labelled clause `requires L: e`
        if self.tok.kind == Kind.IDENT and self.peek().is_op(":") and not self.peek(2).is_op("="):
            self.advance()
            self.advance()
        save = self.pos
        try:
            if kind == "decreases" and self.tok.is_op("*"):
                self.advance()
                return A.Spec(
                    kind=kind, expr=None, text="*", start=start, end=self.prev_end, exprs=[]
                )
            exprs = [self.expression()]
            if kind in ("decreases", "modifies", "reads"):
                while self.accept_op(","):
                    exprs.append(self.expression())
            if kind in ("modifies", "reads") and self.tok.is_op("`"):
                self.advance()
                self.ident()
            self.accept_op(";")
            expr = exprs[0] if len(exprs) == 1 else None
            text = self.text[exprs[0].start : exprs[-1].end]
            return A.Spec(
                kind=kind, expr=expr, text=text, start=start, end=self.prev_end, exprs=exprs
            )
        except ParseError:
            self.pos = save
            self._skip_spec_text()
            text = self.text[self.toks[save].start : self.prev_end]
            return A.Spec(kind=kind, expr=None, text=text, start=start, end=self.prev_end)

    def _skip_spec_text(self) -> None:
        """Recover from a spec the subset parser cannot read: skip to the next clause or body."""
        while self.tok.kind != Kind.EOF:
            t = self.tok
            if t.kind == Kind.IDENT and (t.text in SPEC_KEYWORDS or t.text in _DECL_KEYWORDS):
                return
            if t.is_op("{") and self.pos > 0:
                prev = self.toks[self.pos - 1]
                if prev.kind in (Kind.IDENT, Kind.NUMBER) or prev.is_op(")", "]", "}", "|"):
                    if not prev.is_kw("in", "multiset", "set", "iset"):
                        return
            self.skip_balanced()

    def specs(self) -> list[A.Spec]:
        out: list[A.Spec] = []
        while self.tok.kind == Kind.IDENT and self.tok.text in SPEC_KEYWORDS:
            out.append(self.spec_clause())
        return out

    # -- statements ----------------------------------------------------------------------------

    def block(self) -> A.BlockStmt:
        start = self.expect_op("{").start
        body: list[A.Stmt] = []
        while not self.tok.is_op("}"):
            if self.tok.kind == Kind.EOF:
                raise self.error("expected '}'")
            body.append(self.statement())
        end = self.advance().end
        return A.BlockStmt(body=body, start=start, end=end)

    def statement(self) -> A.Stmt:
        t = self.tok
        start = t.start
        if t.is_op("{"):
            return self.block()
        if t.is_op(";"):
            self.advance()
            return A.BlockStmt(body=[], start=start, end=t.end)
        if t.kind == Kind.IDENT:
            word = t.text
            if word == "label":
                self.advance()
                loop_label = self.ident().text
                self.expect_op(":")
                inner = self.statement()
                if isinstance(inner, A.WhileStmt | A.ForStmt):
                    inner.label = loop_label
                return inner
            if word == "var" or (word == "ghost" and self.peek().is_kw("var")):
                return self.var_decl()
            if word == "if":
                return self.if_stmt()
            if word == "while":
                return self.while_stmt()
            if word == "for":
                return self.for_stmt()
            if word == "break":
                self.advance()
                levels = 1
                label = None
                while self.accept_kw("break"):
                    levels += 1
                if self.tok.kind == Kind.IDENT:
                    label = self.advance().text
                self.expect_op(";")
                return A.BreakStmt(levels=levels, label=label, start=start, end=self.prev_end)
            if word == "continue":
                self._skip_to_semicolon()
                return A.UnsupportedStmt(
                    kind="continue", text="continue", start=start, end=self.prev_end
                )
            if word == "return":
                self.advance()
                values: list[A.Expr] = []
                if not self.tok.is_op(";"):
                    values = [self.rhs()]
                    while self.accept_op(","):
                        values.append(self.rhs())
                self.expect_op(";")
                return A.ReturnStmt(values=values, start=start, end=self.prev_end)
            if word in ("assert", "assume", "expect") or (
                word == "ghost" and self.peek().is_op("{")
            ):
                return self.assertion()
            if word == "new" and self.peek().is_op(";"):
                self.advance()
                self.advance()
                return A.SpecStmt(kind="new", text="new;", start=start, end=self.prev_end)
            if word in ("calc", "reveal", "modify", "hide"):
                return self.spec_like(word)
            if word in ("forall", "match", "print", "yield", "while"):
                return self.unsupported_stmt(word)
        return self.simple_stmt()

    def _skip_to_semicolon(self) -> None:
        while not self.tok.is_op(";") and self.tok.kind != Kind.EOF:
            if self.tok.is_op("}"):
                raise self.error("expected ';'")
            self.skip_balanced()
        self.expect_op(";")

    def assertion(self) -> A.Stmt:
        start = self.tok.start
        kind = self.advance().text
        if kind == "ghost":
            self.block()
            return A.SpecStmt(
                kind="ghost", text=self.text[start : self.prev_end], start=start, end=self.prev_end
            )
        self.attributes()
        if self.tok.kind == Kind.IDENT and self.peek().is_op(":") and not self.peek(2).is_op("="):
            self.advance()
            self.advance()
        self.expression()
        if kind == "expect" and self.accept_op(","):
            self.expression()
        if self.accept_kw("by"):
            self.block()
        else:
            self.expect_op(";")
        return A.SpecStmt(
            kind=kind, text=self.text[start : self.prev_end], start=start, end=self.prev_end
        )

    def spec_like(self, word: str) -> A.Stmt:
        start = self.advance().start
        if word == "calc":
            self.attributes()
            while not self.tok.is_op("{"):
                if self.tok.kind == Kind.EOF:
                    raise self.error("expected '{' of the calc body")
                self.advance()
            self.skip_balanced()
        else:
            self._skip_to_semicolon()
        kind = "modify" if word == "modify" else word
        return A.SpecStmt(
            kind=kind, text=self.text[start : self.prev_end], start=start, end=self.prev_end
        )

    def unsupported_stmt(self, word: str) -> A.Stmt:
        start = self.advance().start
        if word == "print" or word == "yield":
            self._skip_to_semicolon()
        else:
            # forall / match: header then a braced body (or `case` arms for match)
            arms = word in ("match", "if", "while")
            while not self.tok.is_op("{") and self.tok.kind != Kind.EOF:
                if arms and self.tok.is_kw("case"):
                    break
                self.skip_balanced()
            if self.tok.is_op("{"):
                self.skip_balanced()
            while arms and self.tok.is_kw("case"):
                self.advance()
                while not self.tok.is_op("=>") and self.tok.kind != Kind.EOF:
                    self.skip_balanced()
                self.advance()
                while not self.tok.is_kw("case") and not self.tok.is_op("}"):
                    self.statement()
        return A.UnsupportedStmt(
            kind=word, text=self.text[start : self.prev_end], start=start, end=self.prev_end
        )

    def rhs(self) -> A.Expr:
        if self.tok.is_op("*"):
            t = self.advance()
            return A.Havoc(start=t.start, end=t.end)
        e = self.expression()
        self.attributes()
        return e

    def var_decl(self) -> A.Stmt:
        start = self.tok.start
        ghost = self.accept_kw("ghost")
        self.expect_kw("var")
        attrs_common = self.attributes()
        vars_: list[A.LocalVar] = []
        if self.tok.is_op("("):
            # tuple pattern `var (a, b) := ...`
            self._skip_to_semicolon()
            return A.UnsupportedStmt(
                kind="tuple pattern",
                text=self.text[start : self.prev_end],
                start=start,
                end=self.prev_end,
            )
        while True:
            attrs = self.attributes() + attrs_common
            t = self.ident()
            ty = None
            if self.accept_op(":"):
                ty = self.type_ref()
            vars_.append(
                A.LocalVar(name=t.text, type=ty, start=t.start, end=self.prev_end, attrs=attrs)
            )
            if not self.accept_op(","):
                break
        rhs: list[A.Expr] = []
        such_that = None
        if self.accept_op(":="):
            rhs.append(self.rhs())
            while self.accept_op(","):
                rhs.append(self.rhs())
        elif self.accept_op(":|"):
            self.attributes()
            such_that = self.expression()
        self.expect_op(";")
        return A.VarDecl(
            vars=vars_, rhs=rhs, ghost=ghost, such_that=such_that, start=start, end=self.prev_end
        )

    def if_stmt(self) -> A.Stmt:
        start = self.expect_kw("if").start
        if self.tok.is_op("{") or self.tok.is_kw("case"):
            # alternative `if { case g => ... }`
            self.pos -= 1
            return self.unsupported_stmt("if")
        cond: A.Expr | None
        if self.tok.is_op("*"):
            self.advance()
            cond = None
        else:
            cond = self.expression()
        then = self.block()
        other: A.Stmt | None = None
        if self.accept_kw("else"):
            other = self.if_stmt() if self.tok.is_kw("if") else self.block()
        return A.IfStmt(cond=cond, then=then, otherwise=other, start=start, end=self.prev_end)

    def while_stmt(self) -> A.Stmt:
        start = self.expect_kw("while").start
        if self.tok.is_op("{") or self.tok.is_kw("case", *SPEC_KEYWORDS):
            self.pos -= 1
            return self.unsupported_stmt("while")
        cond: A.Expr | None
        if self.tok.is_op("*"):
            self.advance()
            cond = None
        else:
            cond = self.expression()
        specs = self.specs()
        body = self.block() if self.tok.is_op("{") else None
        return A.WhileStmt(cond=cond, specs=specs, body=body, start=start, end=self.prev_end)

    def for_stmt(self) -> A.Stmt:
        start = self.expect_kw("for").start
        var = self.ident().text
        var_type = self.type_ref() if self.accept_op(":") else None
        self.expect_op(":=")
        lo = self.expression()
        if self.accept_kw("to"):
            descending = False
        else:
            self.expect_kw("downto")
            descending = True
        hi: A.Expr | None
        if self.tok.is_op("*"):
            self.advance()
            hi = None
        else:
            hi = self.expression()
        specs = self.specs()
        body = self.block() if self.tok.is_op("{") else None
        # normalise to [lo, hi): `for i := hi downto lo` walks hi-1 .. lo
        if descending and hi is not None:
            lo, hi = hi, lo
        return A.ForStmt(
            var=var,
            var_type=var_type,
            lo=lo,
            hi=hi,
            descending=descending,
            specs=specs,
            body=body,
            start=start,
            end=self.prev_end,
        )

    def simple_stmt(self) -> A.Stmt:
        start = self.tok.start
        targets = [self.expression()]
        while self.accept_op(","):
            targets.append(self.expression())
        if self.accept_op(":="):
            rhs = [self.rhs()]
            while self.accept_op(","):
                rhs.append(self.rhs())
            self.expect_op(";")
            return A.AssignStmt(targets=targets, rhs=rhs, start=start, end=self.prev_end)
        if self.accept_op(":|"):
            self.attributes()
            cond = self.expression()
            self.expect_op(";")
            return A.AssignStmt(
                targets=targets, rhs=[], such_that=cond, start=start, end=self.prev_end
            )
        if len(targets) == 1 and isinstance(targets[0], A.Apply):
            self.expect_op(";")
            return A.CallStmt(call=targets[0], start=start, end=self.prev_end)
        raise self.error("expected a statement")

    # -- declarations --------------------------------------------------------------------------

    def header(
        self, name_tok: Token, start: int, module: str | None, container: str | None = None
    ) -> _DeclHeader:
        """A declaration's shared fields; it ends where the parser stands now."""
        return _DeclHeader(
            name=name_tok.text,
            name_start=name_tok.start,
            name_end=name_tok.end,
            module=module,
            container=container,
            start=start,
            end=self.prev_end,
        )

    def params(self) -> list[A.Param]:
        self.expect_op("(")
        out: list[A.Param] = []
        if self.accept_op(")"):
            return out
        while True:
            ghost = False
            while self.tok.is_kw("ghost", "nameonly", "new", "older"):
                ghost = ghost or self.tok.text == "ghost"
                self.advance()
            t = self.ident()
            self.expect_op(":")
            ty = self.type_ref()
            if self.accept_op(":="):
                self.expression()
            out.append(A.Param(name=t.text, type=ty, start=t.start, end=self.prev_end, ghost=ghost))
            if self.accept_op(","):
                continue
            self.expect_op(")")
            return out

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

    def declarations(
        self, module: str | None, container: str | None, until_brace: bool
    ) -> list[A.Decl]:
        decls: list[A.Decl] = []
        while self.tok.kind != Kind.EOF:
            if until_brace and self.tok.is_op("}"):
                return decls
            save = self.pos
            try:
                decls.extend(self.declaration(module, container))
            except (ParseError, LexError, RecursionError) as exc:
                if isinstance(exc, RecursionError):
                    exc = _too_deep(self.toks[save])
                start = exc.start if isinstance(exc, ParseError) else exc.offset
                end = exc.end if isinstance(exc, ParseError) else start + 1
                self.errors.append((str(exc), start, end))
                # the failed declaration may have consumed nothing: step past its first token
                self.pos = max(self.pos, save + 1)
                self._resync()
        return decls

    def _resync(self) -> None:
        """Skip to the next token that can start a declaration at this nesting level."""
        while self.tok.kind != Kind.EOF:
            t = self.tok
            if t.is_op("}"):
                return
            if (
                t.kind == Kind.IDENT
                and (t.text in _DECL_KEYWORDS or t.text in _DECL_MODIFIERS)
                and t.text != "var"
            ):
                return
            self.skip_balanced()

    def declaration(self, module: str | None, container: str | None) -> list[A.Decl]:
        start = self.tok.start
        modifiers: set[str] = set()
        self.attributes()
        while self.tok.kind == Kind.IDENT and self.tok.text in _DECL_MODIFIERS:
            modifiers.add(self.advance().text)
        t = self.tok
        if t.kind != Kind.IDENT:
            if t.is_op(";"):
                self.advance()
                return []
            raise self.error("expected a declaration")
        word = t.text
        if word in ("include",):
            self.advance()
            self.advance()
            return []
        if word == "import":
            self._skip_line_decl()
            return []
        if word == "module":
            return self.module_decl(module)
        if word in ("method", "lemma", "constructor", "colemma"):
            return [self.method_decl(start, modifiers, module, container)]
        if word in ("function", "predicate", "copredicate"):
            return [self.function_decl(start, modifiers, module, container)]
        if word in ("class", "trait", "iterator"):
            return self.class_decl(start, module)
        if word in ("datatype", "codatatype"):
            return [self.datatype_decl(start, module)]
        if word in ("newtype", "type"):
            return [self.type_decl(start, module, container)]
        if word == "const":
            return [self.const_decl(start, module, container)]
        if word == "var":
            # a class field
            self._skip_to_semicolon_or_decl()
            return []
        if word == "export":
            self._skip_line_decl()
            return []
        raise self.error("expected a declaration")

    def _skip_line_decl(self) -> None:
        self.advance()
        while self.tok.kind != Kind.EOF and not (
            self.tok.kind == Kind.IDENT
            and (self.tok.text in _DECL_KEYWORDS or self.tok.text in _DECL_MODIFIERS)
        ):
            if self.tok.is_op("}"):
                return
            self.skip_balanced()

    def _skip_to_semicolon_or_decl(self) -> None:
        self.advance()
        while self.tok.kind != Kind.EOF and not self.tok.is_op(";", "}"):
            if self.tok.kind == Kind.IDENT and self.tok.text in _DECL_KEYWORDS - {"var"}:
                return
            self.skip_balanced()
        self.accept_op(";")

    def module_decl(self, outer: str | None) -> list[A.Decl]:
        self.expect_kw("module")
        self.attributes()
        name = self.ident().text
        while self.tok.is_op("."):
            self.advance()
            name += "." + self.ident().text
        if self.accept_kw("refines"):
            self.type_ref()
        qualified = f"{outer}.{name}" if outer else name
        self.expect_op("{")
        decls = self.declarations(qualified, None, until_brace=True)
        self.expect_op("}")
        return decls

    def class_decl(self, start: int, module: str | None) -> list[A.Decl]:
        kind = self.advance().text
        self.attributes()
        name_tok = self.ident()
        self.type_params()
        if self.accept_kw("extends"):
            self.type_ref()
            while self.accept_op(","):
                self.type_ref()
        if kind == "iterator":
            self.params()
            if self.accept_kw("yields"):
                self.params()
            self.specs()
            if self.tok.is_op("{"):
                self.skip_balanced()
            return [
                A.OtherDecl(
                    kind=kind,
                    **self.header(name_tok, start, module),
                )
            ]
        self.expect_op("{")
        members = self.declarations(module, name_tok.text, until_brace=True)
        self.expect_op("}")
        cls = A.OtherDecl(
            kind=kind,
            **self.header(name_tok, start, module),
        )
        return [cls, *members]

    def datatype_decl(self, start: int, module: str | None) -> A.Decl:
        kind = self.advance().text
        self.attributes()
        name_tok = self.ident()
        self.type_params()
        self.expect_op("=")
        # constructors up to the next declaration (or a member block `{ ... }`)
        while self.tok.kind != Kind.EOF:
            t = self.tok
            if t.is_op("}"):
                break
            if t.is_op("{") and not self.toks[self.pos - 1].is_op("|", "="):
                self.skip_balanced()
                break
            if t.kind == Kind.IDENT and (
                (t.text in _DECL_KEYWORDS and t.text != "var")
                or (t.text in _DECL_MODIFIERS and t.text != "ghost")
            ):
                break
            if (
                t.is_kw("ghost")
                and self.peek().kind == Kind.IDENT
                and self.peek().text in _DECL_KEYWORDS
            ):
                break
            self.skip_balanced()
        return A.OtherDecl(
            kind=kind,
            **self.header(name_tok, start, module),
        )

    def type_decl(self, start: int, module: str | None, container: str | None) -> A.Decl:
        kind_word = self.advance().text
        self.attributes()
        name_tok = self.ident()
        self.type_params()
        if kind_word == "type" and not self.tok.is_op("="):
            self._skip_type_tail()
            return A.TypeDecl(
                kind="opaque",
                bound_var=None,
                base=None,
                constraint=None,
                **self.header(name_tok, start, module, container),
            )
        self.expect_op("=")
        bound_var = None
        base: A.TypeRef | None = None
        constraint: A.Expr | None = None
        # `x: int | P` or `x | P` (newtype infers the base) or a plain type synonym
        if self.tok.kind == Kind.IDENT and (
            self.peek().is_op("|") or (self.peek().is_op(":") and kind_word in ("newtype", "type"))
        ):
            bound_var = self.advance().text
            if self.accept_op(":"):
                base = self.type_ref()
            self.expect_op("|")
            constraint = self.expression()
            kind = "newtype" if kind_word == "newtype" else "subset"
            if self.accept_kw("witness"):
                if not self.accept_op("*"):
                    self.expression()
            elif self.accept_kw("ghost"):
                self.expect_kw("witness")
                self.expression()
        else:
            base = self.type_ref()
            kind = "newtype" if kind_word == "newtype" else "synonym"
        if self.tok.is_op("{"):
            self.skip_balanced()
        return A.TypeDecl(
            kind=kind,
            bound_var=bound_var,
            base=base,
            constraint=constraint,
            **self.header(name_tok, start, module, container),
        )

    def _skip_type_tail(self) -> None:
        if self.tok.is_op("("):
            self.skip_balanced()
        if self.tok.is_op("{"):
            self.skip_balanced()

    def const_decl(self, start: int, module: str | None, container: str | None) -> A.Decl:
        self.expect_kw("const")
        self.attributes()
        name_tok = self.ident()
        ty = self.type_ref() if self.accept_op(":") else None
        value = self.expression() if self.accept_op(":=") else None
        self.accept_op(";")
        return A.ConstDecl(
            type=ty,
            value=value,
            **self.header(name_tok, start, module, container),
        )

    def method_decl(
        self, start: int, modifiers: set[str], module: str | None, container: str | None
    ) -> A.Decl:
        kind = self.advance().text
        if kind == "twostate":
            kind = self.advance().text
        attrs = self.attributes()
        if self.tok.kind == Kind.IDENT:
            name_tok = self.advance()
        else:  # anonymous constructor
            name_tok = Token(Kind.IDENT, "_ctor", self.tok.start, self.tok.start)
        tparams = self.type_params()
        params = self.params()
        returns: list[A.Param] = []
        if self.accept_kw("returns"):
            returns = self.params()
        specs = self.specs()
        body: A.BlockStmt | None = None
        body_error = None
        if self.tok.is_op("{"):
            body_start = self.pos
            try:
                body = self.block()
            except ParseError as exc:
                body_error = (str(exc), exc.start)
                self.pos = body_start
                self.skip_balanced()
        if kind in ("lemma", "colemma") or "least" in modifiers or "greatest" in modifiers:
            ghost = True
        else:
            ghost = "ghost" in modifiers
        return A.MethodDecl(
            kind=kind,
            ghost=ghost,
            params=params,
            returns=returns,
            specs=specs,
            body=body,
            body_error=body_error,
            type_params=tparams,
            attrs=attrs,
            **self.header(name_tok, start, module, container),
        )

    def function_decl(
        self, start: int, modifiers: set[str], module: str | None, container: str | None
    ) -> A.Decl:
        word = self.advance().text
        kind = "predicate" if word in ("predicate", "copredicate") else "function"
        method_kw = self.accept_kw("method")
        attrs = self.attributes()
        name_tok = self.ident()
        tparams = self.type_params()
        params = self.params()
        result_name = None
        if kind == "function" or self.tok.is_op(":"):
            self.expect_op(":")
            if self.tok.is_op("(") and self.peek().kind == Kind.IDENT and self.peek(2).is_op(":"):
                self.advance()
                result_name = self.ident().text
                self.expect_op(":")
                result_type = self.type_ref()
                self.expect_op(")")
            else:
                result_type = self.type_ref()
        else:
            result_type = A.TypeRef("bool", [], name_tok.start, name_tok.end)
        specs = self.specs()
        body: A.Expr | None = None
        body_error = None
        body_open = self.tok.start
        if self.tok.is_op("{"):
            body_start = self.pos
            try:
                self.advance()
                body = self.expression()
                self.expect_op("}")
            except ParseError as exc:
                body_error = (str(exc), exc.start)
                self.pos = body_start
                self.skip_balanced()
            if self.tok.is_kw("by") and self.peek().is_kw("method"):
                self.advance()
                self.advance()
                self.skip_balanced()
        ghost = (
            "ghost" in modifiers
            or word == "copredicate"
            or bool({"least", "greatest", "inductive"} & modifiers)
        )
        compiled = method_kw or not ghost
        return A.FunctionDecl(
            kind=kind,
            compiled=compiled,
            ghost=ghost,
            params=params,
            result_type=result_type,
            result_name=result_name,
            specs=specs,
            body=body,
            body_error=body_error,
            body_open=body_open,
            type_params=tparams,
            attrs=attrs,
            **self.header(name_tok, start, module, container),
        )


def _too_deep(at: Token) -> ParseError:
    # Each nesting level of an expression costs a dozen Python frames; far fewer levels than
    # any real program uses would exhaust the interpreter's stack.
    return ParseError(
        "nesting too deep for the hardware front end", at.start, max(at.end, at.start + 1)
    )


def parse_program(text: str) -> A.Program:
    """Parse a whole file; lexical and declaration-level errors are collected, not raised."""
    text = text.removeprefix("\ufeff")
    try:
        parser = Parser(text)
    except LexError as exc:
        return A.Program(text=text, decls=[], errors=[(str(exc), exc.offset, exc.offset + 1)])
    decls = parser.declarations(None, None, until_brace=False)
    return A.Program(text=text, decls=decls, errors=parser.errors)


def parse_expression(text: str) -> A.Expr:
    """Parse one expression (used by tests and by the obligation generator's checks).

    Raises ParseError (or LexError for text that does not tokenize), and nothing else.
    """
    parser = Parser(text)
    try:
        e = parser.expression()
    except RecursionError:
        raise _too_deep(parser.toks[0]) from None
    if parser.tok.kind != Kind.EOF:
        raise parser.error("unexpected text after the expression")
    return e
