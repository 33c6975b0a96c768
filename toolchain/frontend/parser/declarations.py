"""Declarations and the parser's entry points.

Methods, functions and constants are read in full; datatypes, classes, iterators and type
declarations with their extent. A declaration that does not parse becomes an error and the parser
resumes at the next token that can start one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, TypeVar

from toolchain.frontend import ast as A
from toolchain.frontend.lexer import Kind, LexError, Token
from toolchain.frontend.parser.core import DECL_KEYWORDS, DECL_MODIFIERS, ParseError, too_deep
from toolchain.frontend.parser.statements import StatementParser

BodyT = TypeVar("BodyT")


class _DeclHeader(TypedDict):
    """The fields every declaration node shares: its name, where it stands, what encloses it."""

    name: str
    name_start: int
    name_end: int
    module: str | None
    container: str | None
    start: int
    end: int


class Parser(StatementParser):
    """The whole grammar: the class chain ends here with the declarations."""

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
                    exc = too_deep(self.toks[save])
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
                and (t.text in DECL_KEYWORDS or t.text in DECL_MODIFIERS)
                and t.text != "var"
            ):
                return
            self.skip_balanced()

    def declaration(self, module: str | None, container: str | None) -> list[A.Decl]:
        start = self.tok.start
        modifiers: set[str] = set()
        self.attributes()
        while self.tok.kind == Kind.IDENT and self.tok.text in DECL_MODIFIERS:
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
            and (self.tok.text in DECL_KEYWORDS or self.tok.text in DECL_MODIFIERS)
        ):
            if self.tok.is_op("}"):
                return
            self.skip_balanced()

    def _skip_to_semicolon_or_decl(self) -> None:
        self.advance()
        while self.tok.kind != Kind.EOF and not self.tok.is_op(";", "}"):
            if self.tok.kind == Kind.IDENT and self.tok.text in DECL_KEYWORDS - {"var"}:
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
        type_params = self.type_params()
        self.expect_op("=")
        save = self.pos
        ctors = self._ctor_list()
        if ctors is not None:
            return A.DatatypeDecl(
                kind=kind,
                ctors=ctors,
                type_params=type_params,
                **self.header(name_tok, start, module),
            )
        self.pos = save
        # constructors up to the next declaration (or a member block `{ ... }`)
        while self.tok.kind != Kind.EOF:
            t = self.tok
            if t.is_op("}"):
                break
            if t.is_op("{") and not self.toks[self.pos - 1].is_op("|", "="):
                self.skip_balanced()
                break
            if t.kind == Kind.IDENT and (
                (t.text in DECL_KEYWORDS and t.text != "var")
                or (t.text in DECL_MODIFIERS and t.text != "ghost")
            ):
                break
            if (
                t.is_kw("ghost")
                and self.peek().kind == Kind.IDENT
                and self.peek().text in DECL_KEYWORDS
            ):
                break
            self.skip_balanced()
        return A.OtherDecl(
            kind=kind,
            **self.header(name_tok, start, module),
        )

    def _ctor_list(self) -> list[A.DatatypeCtor] | None:
        """`A | B(x: int, y: bool)`, ending where a declaration or `}` starts; None when the
        constructors are written any other way (members, unnamed fields): the caller skips them."""
        ctors: list[A.DatatypeCtor] = []
        try:
            self.accept_op("|")
            while True:
                self.attributes()
                t = self.ident()
                fields = self.params() if self.tok.is_op("(") else []
                ctors.append(
                    A.DatatypeCtor(name=t.text, fields=fields, start=t.start, end=self.prev_end)
                )
                if not self.accept_op("|"):
                    break
        except ParseError:
            return None
        t = self.tok
        ends = (
            t.kind == Kind.EOF
            or t.is_op("}")
            or (t.kind == Kind.IDENT and (t.text in DECL_KEYWORDS or t.text in DECL_MODIFIERS))
        )
        return ctors if ends and t.text != "var" else None

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
            body, body_error = self.body_or_error(self.block)
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

    def body_or_error(
        self, parse: Callable[[], BodyT]
    ) -> tuple[BodyT | None, tuple[str, int] | None]:
        """A declaration's `{ ... }` body, or the error in it with the parser moved past its
        closing brace: one broken body costs its own declaration's body, never the declarations
        after it (the editor still shows their symbols and results)."""
        body_start = self.pos
        try:
            return parse(), None
        except ParseError as exc:
            self.pos = body_start
            self.skip_balanced()
            return None, (str(exc), exc.start)

    def _function_body(self) -> A.Expr:
        self.expect_op("{")
        body = self.expression()
        self.expect_op("}")
        return body

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
            body, body_error = self.body_or_error(self._function_body)
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
        raise too_deep(parser.toks[0]) from None
    if parser.tok.kind != Kind.EOF:
        raise parser.error("unexpected text after the expression")
    return e
