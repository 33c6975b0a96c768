"""Statements and the specification clauses of loops and declarations.

Executable statements are parsed in full; specification statements (`assert`, `calc`, `reveal`,
ghost blocks) and the constructs the hardware front end diagnoses keep their source text.
"""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind
from toolchain.frontend.parser.core import DECL_KEYWORDS, SPEC_KEYWORDS, ParseError
from toolchain.frontend.parser.expressions import ExpressionParser
from toolchain.frontend.parser.matches import Pattern, statement_chain


class StatementParser(ExpressionParser):
    def spec_clause(self) -> A.Spec:
        start = self.tok.start
        if self.accept_kw("free"):
            pass
        kind = self.advance().text
        attrs = self.attributes()
        # labelled clause `requires L: e`
        if self.tok.kind == Kind.IDENT and self.peek().is_op(":") and not self.peek(2).is_op("="):
            self.advance()
            self.advance()
        save = self.pos
        try:
            expr, text, exprs = self._spec_exprs(kind)
        except ParseError:
            # kept as text: the clause still reaches Dafny, only the subset parser skips it
            self.pos = save
            self._skip_spec_text()
            expr, text, exprs = None, self.text[self.toks[save].start : self.prev_end], []
        return A.Spec(
            kind=kind,
            expr=expr,
            text=text,
            start=start,
            end=self.prev_end,
            exprs=exprs,
            attrs=attrs,
        )

    def _spec_exprs(self, kind: str) -> tuple[A.Expr | None, str, list[A.Expr]]:
        """A clause's expression (None for a list or `decreases *`), its text, its list."""
        if kind == "decreases" and self.tok.is_op("*"):
            self.advance()
            return None, "*", []
        exprs = [self.expression()]
        if kind in ("decreases", "modifies", "reads"):
            while self.accept_op(","):
                exprs.append(self.expression())
        if kind in ("modifies", "reads") and self.tok.is_op("`"):
            self.advance()
            self.ident()
        self.accept_op(";")
        expr = exprs[0] if len(exprs) == 1 else None
        return expr, self.text[exprs[0].start : exprs[-1].end], exprs

    def _skip_spec_text(self) -> None:
        """Recover from a spec the subset parser cannot read: skip to the next clause or body."""
        while self.tok.kind != Kind.EOF:
            t = self.tok
            if t.kind == Kind.IDENT and (t.text in SPEC_KEYWORDS or t.text in DECL_KEYWORDS):
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
                self.advance()
                target = self.advance().text if self.tok.kind == Kind.IDENT else None
                self.expect_op(";")
                return A.ContinueStmt(label=target, start=start, end=self.prev_end)
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
            if word == "forall":
                return self.forall_stmt()
            if word == "match":
                return self.match_stmt()
            if word in ("print", "yield", "while"):
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

    def match_stmt(self) -> A.Stmt:
        """A match over constructor names as its `if` chain (see `matches`); any other
        match stays unsupported text."""
        save = self.pos
        start = self.tok.start
        try:
            self.advance()
            scrutinee = self.expression()
            braced = self.accept_op("{")
            arms: list[tuple[Pattern, list[A.Stmt], int, int]] = []
            while self.tok.is_kw("case"):
                case_tok = self.advance()
                pattern = self.simple_pattern()
                self.expect_op("=>")
                body: list[A.Stmt] = []
                while not (
                    self.tok.is_kw("case") or self.tok.is_op("}") or self.tok.kind == Kind.EOF
                ):
                    body.append(self.statement())
                arms.append((pattern, body, case_tok.start, self.prev_end))
            if braced:
                self.expect_op("}")
            if not arms:
                raise self.error("expected 'case'")
            return statement_chain(scrutinee, arms, start, self.prev_end)
        except ParseError:
            self.pos = save
            return self.unsupported_stmt("match")

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
            # alternative `if { case g => ... }`: Dafny proves some guard holds and its compiled
            # program tries the guards in order, so an if/else-if chain runs what Dafny runs
            arms = self.alternatives()
            return self._arm_chain(arms, start, self.prev_end)
        # `*`: a nondeterministic guard
        cond = None if self.accept_op("*") else self.expression()
        then = self.block()
        other: A.Stmt | None = None
        if self.accept_kw("else"):
            other = self.if_stmt() if self.tok.is_kw("if") else self.block()
        return A.IfStmt(cond=cond, then=then, otherwise=other, start=start, end=self.prev_end)

    def while_stmt(self) -> A.Stmt:
        start = self.expect_kw("while").start
        if self.tok.is_op("{") or self.tok.is_kw("case", *SPEC_KEYWORDS):
            return self.alternative_loop(start)
        # `*`: a nondeterministic guard
        cond = None if self.accept_op("*") else self.expression()
        specs = self.specs()
        body = self.block() if self.tok.is_op("{") else None
        return A.WhileStmt(cond=cond, specs=specs, body=body, start=start, end=self.prev_end)

    def forall_stmt(self) -> A.Stmt:
        save = self.pos
        start = self.advance().start
        try:
            # Dafny 2.3 also accepts the older parenthesized header `forall (i | r)`
            paren = self.accept_op("(")
            self.attributes()
            bvs = self.bound_vars()
            self.attributes()
            rng = None
            if self.accept_op("|"):
                rng = self.expression()
            if paren:
                self.expect_op(")")
            ensures = self.specs()
            body = self.block() if self.tok.is_op("{") else None
        except ParseError:
            self.pos = save
            return self.unsupported_stmt("forall")
        return A.ForallStmt(
            vars=bvs, range=rng, ensures=ensures, body=body, start=start, end=self.prev_end
        )

    def alternatives(self) -> list[tuple[A.Expr, A.BlockStmt]]:
        """The `case guard => statements` arms of an alternative `if` / `while` (braced or not)."""
        braced = self.accept_op("{")
        arms: list[tuple[A.Expr, A.BlockStmt]] = []
        while self.tok.is_kw("case"):
            case_start = self.advance().start
            self.attributes()
            # `case b => S`: a bare name before `=>` is a guard here, not a lambda
            guard = self.implication() if self._lambda_ahead() else self.expression()
            self.expect_op("=>")
            body: list[A.Stmt] = []
            while not self.tok.is_kw("case") and not self.tok.is_op("}"):
                if self.tok.kind == Kind.EOF:
                    raise self.error("expected '}'")
                body.append(self.statement())
            arms.append((guard, A.BlockStmt(body=body, start=case_start, end=self.prev_end)))
        if not arms:
            raise self.error("expected `case` arms")
        if braced:
            self.expect_op("}")
        return arms

    def _arm_chain(self, arms: list[tuple[A.Expr, A.BlockStmt]], start: int, end: int) -> A.IfStmt:
        chain: A.Stmt | None = None
        for guard, body in reversed(arms):
            chain = A.IfStmt(
                cond=guard,
                then=body,
                otherwise=chain,
                start=body.start,
                end=end,
            )
        assert isinstance(chain, A.IfStmt)
        chain.start = start
        return chain

    def alternative_loop(self, start: int) -> A.Stmt:
        """`while specs { case g1 => S1 ... }`: Dafny's compiled loop runs the first arm whose
        guard holds and stops when none does, i.e. `while g1 || ... { if g1 {S1} else ... }`."""
        specs = self.specs()
        body_start = self.tok.start
        arms = self.alternatives()
        cond: A.Expr = arms[0][0]
        for guard, _ in arms[1:]:
            cond = A.BinaryExpr(op="||", lhs=cond, rhs=guard, start=cond.start, end=guard.end)
        chain = self._arm_chain(arms, body_start, self.prev_end)
        body = A.BlockStmt(body=[chain], start=body_start, end=self.prev_end)
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
