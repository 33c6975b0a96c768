"""The syntax tree of the Dafny subset the front end reads (specifications included, kept as is).

Every node records `start`/`end` offsets into the source text, so diagnostics and the obligation
program (which inserts range assertions into the original text) point at the user's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass

# ---------------------------------------------------------------------------------------------
# Types


@dataclass
class TypeRef:
    """A written type: `int`, `bv8`, `array<int>`, `seq<bool>`, `map<int, int>`, `T`, ..."""

    name: str
    args: list[TypeRef] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        if not self.args:
            return self.name
        return f"{self.name}<{', '.join(str(a) for a in self.args)}>"


# ---------------------------------------------------------------------------------------------
# Expressions


@dataclass(kw_only=True)
class Node:
    start: int
    end: int


@dataclass(kw_only=True)
class Expr(Node):
    pass


@dataclass(kw_only=True)
class IntLit(Expr):
    value: int


@dataclass(kw_only=True)
class BoolLit(Expr):
    value: bool


@dataclass(kw_only=True)
class Verbatim:
    """A construct the front end keeps as its source text, by kind, and never lowers."""

    kind: str
    text: str


@dataclass(kw_only=True)
class OtherLit(Expr, Verbatim):
    """string, char, real and `null` literals: parsed so specs read, never hardware."""


@dataclass(kw_only=True)
class Name(Expr):
    name: str


@dataclass(kw_only=True)
class Member(Expr):
    obj: Expr
    member: str


@dataclass(kw_only=True)
class Apply(Expr):
    """A call `f(args)` (function, method in an expression, `old(e)`, datatype constructor)."""

    func: Expr
    args: list[Expr]


@dataclass(kw_only=True)
class IndexExpr(Expr):
    seq: Expr
    indices: list[Expr]  # more than one for multi-dimensional arrays


@dataclass(kw_only=True)
class SliceExpr(Expr):
    seq: Expr
    lo: Expr | None
    hi: Expr | None


@dataclass(kw_only=True)
class UpdateExpr(Expr):
    """`s[i := v]`."""

    seq: Expr
    index: Expr
    value: Expr


@dataclass(kw_only=True)
class UnaryExpr(Expr):
    op: str  # "-", "!"
    operand: Expr


@dataclass(kw_only=True)
class BinaryExpr(Expr):
    op: str  # Dafny spelling: + - * / % == != < <= > >= && || ==> <== <==> & | ^ << >> in !in !!
    lhs: Expr
    rhs: Expr


@dataclass(kw_only=True)
class IfExpr(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr


@dataclass(kw_only=True)
class CastExpr(Expr):
    operand: Expr
    target: TypeRef
    is_test: bool = False  # `e is T`


@dataclass(kw_only=True)
class Cardinality(Expr):
    operand: Expr


@dataclass(kw_only=True)
class BoundVar:
    name: str
    type: TypeRef | None
    start: int
    end: int


@dataclass(kw_only=True)
class Quantifier(Expr):
    kind: str  # forall, exists
    vars: list[BoundVar]
    range: Expr | None
    body: Expr


@dataclass(kw_only=True)
class Display(Expr):
    """`[a, b]`, `{a, b}`, `multiset{...}`, `map[k := v]`."""

    kind: str  # seq, set, multiset, map, iset, imap
    items: list[Expr]


@dataclass(kw_only=True)
class Comprehension(Expr, Verbatim):
    """`set x | P(x) :: f(x)`, `map x | ... :: ...`, `seq(n, f)`, lambdas: never hardware."""


@dataclass(kw_only=True)
class LetExpr(Expr):
    names: list[str]
    values: list[Expr]
    body: Expr


@dataclass(kw_only=True)
class MatchExpr(Expr):
    text: str


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(kw_only=True)
class Attribute:
    name: str
    args: list[Expr]
    start: int
    end: int


@dataclass(kw_only=True)
class Spec:
    """A requires/ensures/invariant/decreases/modifies/reads clause, its text and its parse."""

    kind: str
    expr: Expr | None  # None for `decreases *` and for text the subset parser did not read
    text: str
    start: int
    end: int
    exprs: list[Expr] = field(default_factory=list)  # decreases / modifies lists
    # `invariant {:hls_unroll 4} e`: Dafny 2.3 takes loop attributes only on a loop's clauses
    attrs: list[Attribute] = field(default_factory=list)


@dataclass(kw_only=True)
class Stmt(Node):
    pass


@dataclass(kw_only=True)
class NewArray(Expr):
    """`new T[n]` or `new T[n](i => e)` (the initializer kept only as text)."""

    element: TypeRef
    sizes: list[Expr]
    init: Expr | None = None
    init_text: str | None = None


@dataclass(kw_only=True)
class NewObject(Expr):
    type_name: str


@dataclass(kw_only=True)
class Havoc(Expr):
    """`*` on a right-hand side."""


@dataclass(kw_only=True)
class LocalVar:
    name: str
    type: TypeRef | None
    start: int
    end: int
    attrs: list[Attribute] = field(default_factory=list)


@dataclass(kw_only=True)
class VarDecl(Stmt):
    vars: list[LocalVar]
    rhs: list[Expr]  # empty when declared without a value
    ghost: bool = False
    such_that: Expr | None = None  # `var x :| P(x)`


@dataclass(kw_only=True)
class AssignStmt(Stmt):
    targets: list[Expr]
    rhs: list[Expr]
    such_that: Expr | None = None  # `x :| P(x)`


@dataclass(kw_only=True)
class CallStmt(Stmt):
    """A method call whose results are dropped: `M(x);`."""

    call: Apply


@dataclass(kw_only=True)
class BlockStmt(Stmt):
    body: list[Stmt]


@dataclass(kw_only=True)
class IfStmt(Stmt):
    cond: Expr | None  # None for `if *`
    then: BlockStmt
    otherwise: Stmt | None  # BlockStmt or IfStmt (else if)


@dataclass(kw_only=True)
class WhileStmt(Stmt):
    cond: Expr | None
    specs: list[Spec]
    body: BlockStmt | None
    label: str | None = None


@dataclass(kw_only=True)
class ForStmt(Stmt):
    var: str
    var_type: TypeRef | None
    lo: Expr
    hi: Expr | None
    descending: bool
    specs: list[Spec]
    body: BlockStmt | None
    label: str | None = None


@dataclass(kw_only=True)
class ForallStmt(Stmt):
    """`forall i | range ensures ... { body }`: a parallel update of array elements, or (with
    `ensures` or no assignment in the body) a proof that hardware leaves out."""

    vars: list[BoundVar]
    range: Expr | None
    ensures: list[Spec]
    body: BlockStmt | None


@dataclass(kw_only=True)
class BreakStmt(Stmt):
    levels: int = 1
    label: str | None = None


@dataclass(kw_only=True)
class ContinueStmt(Stmt):
    """`continue;` or `continue L;` (Dafny 4): the next trip of the innermost / labelled loop."""

    label: str | None = None


@dataclass(kw_only=True)
class ReturnStmt(Stmt):
    values: list[Expr]


@dataclass(kw_only=True)
class SpecStmt(Stmt, Verbatim):
    """`assert`, `assume`, `expect`, `calc`, `reveal`, ghost blocks: verification only."""


@dataclass(kw_only=True)
class UnsupportedStmt(Stmt, Verbatim):
    """A statement the subset parses over but hardware cannot run (match, print, forall, ...)."""


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass(kw_only=True)
class Param:
    name: str
    type: TypeRef
    start: int
    end: int
    ghost: bool = False


@dataclass(kw_only=True)
class Decl(Node):
    name: str
    name_start: int
    name_end: int
    attrs: list[Attribute] = field(default_factory=list)
    module: str | None = None
    container: str | None = None  # enclosing class / trait / datatype


@dataclass(kw_only=True)
class RoutineDecl(Decl):
    """What methods and functions share: parameters, a contract and a body that may not parse."""

    kind: str  # method, lemma, constructor, twostate lemma, ... / function, predicate
    ghost: bool
    params: list[Param]
    specs: list[Spec]
    type_params: list[str] = field(default_factory=list)
    body_error: tuple[str, int] | None = None  # message, offset: the body did not parse

    def specs_of(self, kind: str) -> list[Spec]:
        return [s for s in self.specs if s.kind == kind]


@dataclass(kw_only=True)
class MethodDecl(RoutineDecl):
    returns: list[Param]
    body: BlockStmt | None


@dataclass(kw_only=True)
class FunctionDecl(RoutineDecl):
    compiled: bool  # `function method`, or Dafny 4 `function` (not ghost)
    result_type: TypeRef
    result_name: str | None
    body: Expr | None
    body_open: int = -1  # offset of the body's `{`


@dataclass(kw_only=True)
class TypeDecl(Decl):
    """`newtype N = x | lo <= x < hi`, `type T = x: int | P(x)`, `type S = int`."""

    kind: str  # newtype, subset, synonym, opaque
    bound_var: str | None
    base: TypeRef | None
    constraint: Expr | None


@dataclass(kw_only=True)
class ConstDecl(Decl):
    type: TypeRef | None
    value: Expr | None


@dataclass(kw_only=True)
class OtherDecl(Decl):
    """datatype, class, trait, iterator, import, ...: recorded with its extent."""

    kind: str


@dataclass(kw_only=True)
class DatatypeCtor:
    name: str
    fields: list[Param]
    start: int
    end: int


@dataclass(kw_only=True)
class DatatypeDecl(OtherDecl):
    """`datatype D = A | B(x: int)`: its constructors when they read as a plain list (an
    OtherDecl still, so code that only needs the extent sees no difference)."""

    ctors: list[DatatypeCtor]
    type_params: list[str] = field(default_factory=list)


@dataclass
class Program:
    text: str
    decls: list[Decl]
    errors: list[tuple[str, int, int]]  # parse errors: message, start, end

    def methods(self) -> list[MethodDecl]:
        return [d for d in self.decls if isinstance(d, MethodDecl)]

    def functions(self) -> list[FunctionDecl]:
        return [d for d in self.decls if isinstance(d, FunctionDecl)]

    def find(self, name: str) -> Decl | None:
        """A declaration by simple or qualified (Module.Name / Class.Name) name."""
        for d in self.decls:
            qualified = ".".join(p for p in (d.module, d.container, d.name) if p)
            if name in (d.name, qualified):
                return d
        return None


def child_exprs(e: Expr) -> Iterator[Expr]:
    """The expressions directly inside `e` (operands, arguments, list elements), in field order:
    the walkers of the analyses recurse through this instead of knowing every node's fields."""
    for value in vars(e).values():
        if isinstance(value, Expr):
            yield value
        elif isinstance(value, list):
            yield from (x for x in value if isinstance(x, Expr))


def child_nodes(n: Node) -> Iterator[Node]:
    """The nodes directly inside `n` (sub-expressions, statements, list elements), in field
    order: `child_exprs` for walkers that go through statements as well."""
    for value in vars(n).values():
        if isinstance(value, Node):
            yield value
        elif isinstance(value, list):
            yield from (x for x in value if isinstance(x, Node))


def same_shape(a: object, b: object) -> bool:
    """Structural equality of two expressions, ignoring where they are in the text."""
    if type(a) is not type(b):
        return False
    if not is_dataclass(a):
        return a == b
    for f in fields(a):
        if f.name in ("start", "end"):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y) or not all(same_shape(p, q) for p, q in zip(x, y, strict=True)):
                return False
        elif not same_shape(x, y):
            return False
    return True
