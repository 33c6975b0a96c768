"""Operator expressions by precedence, from `<==>` down to unary operators, and the binders.

Quantifiers, comprehensions, lambdas, `if`/`var`/`match` expressions and a statement in front of
an expression (`assert P; e`) are read here; specification-only forms keep their source text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind
from toolchain.frontend.parser.core import SPEC_KEYWORDS, ParseError
from toolchain.frontend.parser.matches import Pattern, expression_chain
from toolchain.frontend.parser.primaries import PrimaryParser

# Left-associative operator levels below the shifts, loosest first: additive, multiplicative,
# bitwise.
BINARY_LEVELS: tuple[tuple[str, ...], ...] = (("+", "-"), ("*", "/", "%"), ("&", "|", "^"))


def _binary(op: str, lhs: A.Expr, rhs: A.Expr) -> A.BinaryExpr:
    """`lhs op rhs`, spanning both operands."""
    return A.BinaryExpr(op=op, lhs=lhs, rhs=rhs, start=lhs.start, end=rhs.end)


class ExpressionParser(PrimaryParser):
    if TYPE_CHECKING:
        # implemented by StatementParser, the subclass: `assert P; e` inside a function body
        def statement(self) -> A.Stmt: ...

    def expression(self) -> A.Expr:
        """A full expression, including a trailing `;`-separated let body form."""
        return self.equivalence()

    def _lambda_ahead(self) -> bool:
        if self.tok.kind == Kind.IDENT and self.peek().is_op("=>"):
            return True
        if self.tok.kind == Kind.IDENT and self.peek().is_kw("requires", "reads"):
            return self._arrow_before_clause_ends()
        if self.tok.is_op("("):
            k = 1
            while self.peek(k).kind == Kind.IDENT or self.peek(k).is_op(",", ":"):
                k += 1
                if self.peek(k - 1).is_op(":"):
                    # typed lambda parameter: skip the type name
                    k += 0
            return self.peek(k).is_op(")") and self.peek(k + 1).is_op("=>")
        return False

    def _arrow_before_clause_ends(self) -> bool:
        """`x requires P => e` is a lambda; `modifies a` followed by the next clause's `requires`
        is not. Only a `=>` at this nesting level before the clause ends tells them apart."""
        depth = 0
        k = 2
        while True:
            t = self.peek(k)
            if t.kind == Kind.EOF:
                return False
            if t.is_op("(", "[", "{"):
                if depth == 0 and t.is_op("{"):
                    return False  # the body of the declaration
                depth += 1
            elif t.is_op(")", "]", "}"):
                if depth == 0:
                    return False
                depth -= 1
            elif depth == 0:
                if t.is_op("=>"):
                    return True
                if t.is_op(";") or t.is_kw(*(SPEC_KEYWORDS - {"requires", "reads"})):
                    return False
            k += 1

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
            lhs = _binary("<==>", lhs, self.implication())
        return lhs

    def implication(self) -> A.Expr:
        lhs = self.logical()
        if self.tok.is_op("==>"):
            self.advance()
            return _binary("==>", lhs, self.implication())  # right associative
        while self.tok.is_op("<=="):
            self.advance()
            lhs = _binary("<==", lhs, self.logical())
        return lhs

    def logical(self) -> A.Expr:
        # Dafny allows a leading && / || in a (multi-line) conjunction
        if self.tok.is_op("&&", "||"):
            self.advance()
        lhs = self.relational()
        while self.tok.is_op("&&", "||"):
            op = self.advance().text
            lhs = _binary(op, lhs, self.relational())
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
            cmp = _binary(op, lhs, rhs)
            result = cmp if result is None else _binary("&&", result, cmp)
            lhs = rhs
            op = self._relational_op()
        assert result is not None
        return result

    def shift(self) -> A.Expr:
        lhs = self.binary_level()
        while True:
            t, n = self.tok, self.peek()
            if t.is_op("<", ">") and n.text == t.text and self.adjacent(t, n):
                self.advance()
                self.advance()
                rhs = self.binary_level()
                op = "<<" if t.text == "<" else ">>"
                lhs = _binary(op, lhs, rhs)
            else:
                return lhs

    def binary_level(self, level: int = 0) -> A.Expr:
        """The left-associative operators of `BINARY_LEVELS[level]` and every tighter level.

        Each level recurses straight into the next (not through a shared helper), so a nesting
        level costs as many Python frames as one method per level did: the "nesting too deep"
        limit stays where it was."""
        ops = BINARY_LEVELS[level]
        last = level + 1 == len(BINARY_LEVELS)
        lhs = self.conversion() if last else self.binary_level(level + 1)
        # inside `|s|` a `|` closes the cardinality
        while self.tok.is_op(*ops) and not (self.bar_stops and self.tok.is_op("|")):
            op = self.advance().text
            rhs = self.conversion() if last else self.binary_level(level + 1)
            lhs = _binary(op, lhs, rhs)
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

    def simple_pattern(self) -> Pattern:
        """`_`, `Ctor` or `Type.Ctor`; a pattern with fields raises (the caller falls back)."""
        first = self.ident()
        name = first.text
        while self.tok.is_op(".") and self.peek().kind == Kind.IDENT:
            self.advance()
            name = self.advance().text
        if self.tok.is_op("("):
            raise self.error("a pattern with fields")
        return Pattern(ctor=None if name == "_" else name, start=first.start, end=self.prev_end)

    def match_expr(self) -> A.Expr:
        save = self.pos
        start = self.expect_kw("match").start
        try:
            scrutinee = self.expression()
            braced = self.accept_op("{")
            arms: list[tuple[Pattern, A.Expr]] = []
            while self.tok.is_kw("case"):
                self.advance()
                pattern = self.simple_pattern()
                self.expect_op("=>")
                arms.append((pattern, self.expression()))
            if braced:
                self.expect_op("}")
            if arms:
                return expression_chain(scrutinee, arms, start, self.prev_end)
        except ParseError:
            pass
        self.pos = save
        self.expect_kw("match")
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
