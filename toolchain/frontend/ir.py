"""The typed hardware IR that verified Dafny methods are lowered to.

One `HardwareMethod` is one hardware block: a Dafny method whose calls to other methods and
compiled functions have been inlined, whose specification has been set aside (kept as text with its
location, never lowered), and whose integers have been given widths that the Dafny verifier proved
sufficient (see `toolchain.frontend.widths`).

Semantics (what the interpreter in `toolchain.frontend.interp` implements and what a hardware
back end must preserve):

Types
  * `BoolType`: one bit.
  * `IntType(width, signed, wraps)`: a two's-complement (signed) or plain binary (unsigned) number
    of `width` bits. When `wraps` is False (Dafny `int`, `nat`, subset types, newtypes) the value
    is a mathematical integer that has been *proven* to lie in `[min_value, max_value]`: no
    operation on it may wrap. When `wraps` is True (Dafny `bvN`) arithmetic is modulo 2**width,
    exactly as Dafny defines bit-vector arithmetic. `width` is None only before width analysis.
  * `ArrayType(element, length, max_length, kind, mutable)`: a fixed-size memory. `length` is the
    exact element count when the precondition fixes it (`a.Length == 8`, `|s| == 8`); otherwise
    `max_length` is the proven upper bound and the actual length is an extra input (see
    `Length`). `kind` is "array" (a Dafny heap array, readable and writable when the method
    `modifies` it) or "seq" (an immutable Dafny sequence input).

Expressions (every node carries its `type` and its `loc`)
  * Every integer node's type is wide enough to hold the node's exact mathematical value for all
    inputs that satisfy the precondition. A back end evaluates a node by sign- or zero-extending
    each operand (according to the operand's own signedness) to the node's width, or to a common
    width for comparisons, then applying the operation. Only `wraps=True` nodes reduce modulo
    2**width.
  * `Binary` `div`/`mod` on non-wrapping integers are Dafny's *Euclidean* division and modulus
    (the remainder is never negative). When both operands are proven non-negative this equals
    truncating division; `Binary.euclidean_needed` says when it does not.
  * `and`, `or`, `implies` short-circuit, as in Dafny: the right operand may contain an array read
    that is only in bounds when the left operand allows it. Hardware may evaluate both sides, so a
    back end must make an out-of-bounds *read* harmless (any value), never a fault. `Cond` is the
    same for its branches.
  * `Length(array)` is the run-time length of a non-fixed array or sequence input.
  * A *buffer* is a local or result array/sequence the method builds at run time (`r := []`,
    `r := r + [x]`, slices, `s[i := v]`): storage of its proven capacity plus an integer local,
    its `length_var`, holding the run-time length. Elements at or beyond the length are
    unspecified. The capacity is the proven upper bound of the length variable.
  * `Cast` converts between integer representations (`x as int`, `n as bv8`); to a wrapping type it
    truncates modulo 2**width, to a non-wrapping type the value is proven to fit.

Statements
  * `Assign` is Dafny's parallel assignment: all right-hand sides and all target indices are
    evaluated first, then the targets are written left to right.
  * `If`, `While` and `For` are structured control flow. A `Loop`'s (`While`, `For`) `max_trips`
    is an upper bound on the number of iterations derived from the `decreases` clause and the
    proven ranges (None if no bound is known). `For` iterates `var` over `lo, lo+1, ..., hi-1`
    (or `hi-1` down to `lo` when `descending`), as Dafny 4's `for v := lo to hi` /
    `for v := hi downto lo` do.
  * `Break(levels)` leaves the `levels` innermost loops; `Return` ends the method (the outputs hold
    their current values). Tail-recursive calls have already become loops, so no call remains.

Ports and locals
  * `Port.direction` is "in" for parameters, "out" for results, "inout" for arrays the method
    modifies. Locals start at zero / false in hardware; Dafny requires definite assignment before
    use, so no verified program can observe that initial value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from shared_schemas.verification import Position, Range
from toolchain.errors import ToolchainError

# ---------------------------------------------------------------------------------------------
# Source locations


@dataclass(frozen=True)
class SourceSpan:
    """A 0-based, end-exclusive region of the user's file (LSP-style), to point diagnostics at."""

    file: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def to_range(self) -> Range:
        return Range(
            start=Position(line=self.start_line, character=self.start_col),
            end=Position(line=self.end_line, character=self.end_col),
        )

    def __str__(self) -> str:
        return f"{self.file}:{self.start_line + 1}:{self.start_col + 1}"


UNKNOWN_SPAN = SourceSpan("<generated>", 0, 0, 0, 0)

# ---------------------------------------------------------------------------------------------
# Types


@dataclass(frozen=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class IntType:
    """An integer datapath. `width` None means "not sized yet" (before width analysis)."""

    width: int | None
    signed: bool
    wraps: bool = False

    @property
    def min_value(self) -> int:
        if self.width is None:
            raise ValueError("unsized integer has no minimum")
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_value(self) -> int:
        if self.width is None:
            raise ValueError("unsized integer has no maximum")
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    def __str__(self) -> str:
        if self.wraps:
            return f"bv{self.width}"
        if self.width is None:
            return "int" if self.signed else "nat"
        return f"{'s' if self.signed else 'u'}{self.width}"


ScalarType = BoolType | IntType


@dataclass(frozen=True)
class ArrayType:
    element: ScalarType
    length: int | None
    max_length: int | None
    kind: Literal["array", "seq"] = "array"
    mutable: bool = False

    @property
    def capacity(self) -> int | None:
        """The number of storage elements hardware must provide."""
        return self.length if self.length is not None else self.max_length

    def __str__(self) -> str:
        size = (
            str(self.length)
            if self.length is not None
            else (f"<={self.max_length}" if self.max_length is not None else "?")
        )
        return f"{self.kind}<{self.element}>[{size}]"


HwType = BoolType | IntType | ArrayType

BOOL = BoolType()
UNSIZED_INT = IntType(width=None, signed=True)
UNSIZED_NAT = IntType(width=None, signed=False)


def width_for_range(lo: int, hi: int) -> IntType:
    """The narrowest IntType holding every value of [lo, hi] (unsigned when lo >= 0)."""
    if lo > hi:
        raise ValueError(f"empty range [{lo}, {hi}]")
    if lo >= 0:
        return IntType(width=max(hi.bit_length(), 1), signed=False)
    bits = max((-lo - 1).bit_length(), hi.bit_length() if hi > 0 else 0) + 1
    return IntType(width=bits, signed=True)


def common_type(a: IntType, b: IntType) -> IntType:
    """The narrowest type holding every value of both (for comparisons and division)."""
    wa, wb = a.width or 1, b.width or 1
    if not a.signed and not b.signed:
        return IntType(width=max(wa, wb), signed=False)
    width = max(wa if a.signed else wa + 1, wb if b.signed else wb + 1)
    return IntType(width=width, signed=True)


# ---------------------------------------------------------------------------------------------
# Expressions


class UnOp(StrEnum):
    NEG = "neg"  # arithmetic negation
    NOT = "not"  # boolean not
    BNOT = "bnot"  # bitwise complement (bit-vectors only)


class BinOp(StrEnum):
    ADD = "add"
    SUB = "sub"
    MUL = "mul"
    DIV = "div"
    MOD = "mod"
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    AND = "and"
    OR = "or"
    IMPLIES = "implies"
    IFF = "iff"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"
    SHL = "shl"
    SHR = "shr"

    @property
    def is_comparison(self) -> bool:
        return self in _COMPARISONS

    @property
    def is_logical(self) -> bool:
        return self in _LOGICAL


_COMPARISONS = frozenset({BinOp.EQ, BinOp.NE, BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE})
_LOGICAL = frozenset({BinOp.AND, BinOp.OR, BinOp.IMPLIES, BinOp.IFF})


@dataclass(kw_only=True)
class Expr:
    type: HwType
    loc: SourceSpan = UNKNOWN_SPAN


@dataclass(kw_only=True)
class Const(Expr):
    value: int | bool


@dataclass(kw_only=True)
class Var(Expr):
    name: str


@dataclass(kw_only=True)
class Index(Expr):
    """Read one element of an array or sequence port or local array."""

    array: str
    index: Expr


@dataclass(kw_only=True)
class Length(Expr):
    array: str


@dataclass(kw_only=True)
class Unary(Expr):
    op: UnOp
    operand: Expr


@dataclass(kw_only=True)
class Binary(Expr):
    op: BinOp
    lhs: Expr
    rhs: Expr
    euclidean_needed: bool = False  # div/mod whose operands may be negative


@dataclass(kw_only=True)
class Cond(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr


@dataclass(kw_only=True)
class Cast(Expr):
    operand: Expr


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True)
class SpecClause:
    """A specification item kept for the reader (requires, ensures, invariant, decreases)."""

    kind: str
    text: str
    loc: SourceSpan


@dataclass(kw_only=True)
class VarTarget:
    name: str
    loc: SourceSpan = UNKNOWN_SPAN


@dataclass(kw_only=True)
class IndexTarget:
    array: str
    index: Expr
    loc: SourceSpan = UNKNOWN_SPAN


Target = VarTarget | IndexTarget


@dataclass(kw_only=True)
class Stmt:
    loc: SourceSpan = UNKNOWN_SPAN


@dataclass(kw_only=True)
class Assign(Stmt):
    targets: list[Target]
    values: list[Expr]


@dataclass(kw_only=True)
class If(Stmt):
    cond: Expr
    then: list[Stmt]
    otherwise: list[Stmt] = field(default_factory=list)


@dataclass(kw_only=True)
class Loop(Stmt):
    """What `While` and `For` share: a body run at most `max_trips` times (None: no bound is
    known) and the invariants kept for the reader."""

    body: list[Stmt]
    max_trips: int | None = None
    invariants: list[SpecClause] = field(default_factory=list)


@dataclass(kw_only=True)
class While(Loop):
    cond: Expr
    decreases: list[SpecClause] = field(default_factory=list)


@dataclass(kw_only=True)
class For(Loop):
    var: str
    lo: Expr
    hi: Expr
    descending: bool = False


@dataclass(kw_only=True)
class Break(Stmt):
    levels: int = 1


@dataclass(kw_only=True)
class Return(Stmt):
    pass


def walk_stmts(stmts: list[Stmt]) -> Iterator[Stmt]:
    """Every statement of `stmts` and of the blocks nested in them, in program order (a
    statement comes before the statements of its own blocks)."""
    for s in stmts:
        yield s
        if isinstance(s, If):
            yield from walk_stmts(s.then)
            yield from walk_stmts(s.otherwise)
        elif isinstance(s, Loop):
            yield from walk_stmts(s.body)


def sub_exprs(e: Expr) -> Iterator[Expr]:
    """`e` and every expression nested in it."""
    yield e
    for v in vars(e).values():
        if isinstance(v, Expr):
            yield from sub_exprs(v)


def stmt_exprs(stmts: list[Stmt]) -> Iterator[Expr]:
    """Every expression of `stmts` (values, target indices, conditions, loop bounds), nested
    ones included."""
    for s in walk_stmts(stmts):
        roots: list[Expr] = []
        if isinstance(s, Assign):
            roots.extend(s.values)
            roots.extend(t.index for t in s.targets if isinstance(t, IndexTarget))
        elif isinstance(s, If | While):
            roots.append(s.cond)
        elif isinstance(s, For):
            roots.extend((s.lo, s.hi))
        for r in roots:
            yield from sub_exprs(r)


# ---------------------------------------------------------------------------------------------
# Methods


@dataclass(kw_only=True)
class Port:
    name: str
    type: HwType
    direction: Literal["in", "out", "inout"]
    loc: SourceSpan = UNKNOWN_SPAN
    # an input array's element range when the method starts (precondition or contract): for an
    # array the method modifies, narrower than its element type, which also holds what is written
    entry_range: tuple[int, int] | None = None
    # a result buffer (see Expressions): the local holding its run-time length
    length_var: str | None = None
    # the port (or its elements) holds Dafny chars as code points: test vectors draw valid chars
    chars: bool = False


@dataclass(kw_only=True)
class Local:
    """A method local, an inlined callee's parameter or local, or a lowering temporary."""

    name: str
    type: HwType
    loc: SourceSpan = UNKNOWN_SPAN
    origin: str = ""  # e.g. "Gcd.t" for an inlined callee's local
    length_var: str | None = None  # a buffer (see Expressions): its run-time length


class WidthStatus(StrEnum):
    PROVEN = "proven"  # Dafny verified the range assertions of the obligation program
    DECLARED = "declared"  # the type fixes it: bvN (wraps), newtype / subset type range
    EXPLICIT = "explicit"  # {:hw_width N}; Dafny proved the value fits
    UNPROVEN = "unproven"  # the verifier could not prove a range: see the diagnostics
    UNBOUNDED = "unbounded"  # no finite range was derived at all
    PRECONDITION = "precondition"  # an input bounded by the method's `requires`
    DERIVED = "derived"  # a temporary: interval arithmetic over proven / precondition ranges
    ASSUMED = "assumed"  # an unbounded input given a width by an explicit hardware contract
    UNCHECKED = "unchecked"  # a range was found but no verifier was run to prove it
    # no bound was proven: the value is checked against its width at run time, and the method's
    # overflow output rises (the other outputs are then not the verified program's)
    CHECKED = "checked"


@dataclass(kw_only=True)
class WidthFact:
    """The range and width chosen for one integer variable (port or local)."""

    name: str
    lo: int | None
    hi: int | None
    type: IntType
    status: WidthStatus
    loc: SourceSpan = UNKNOWN_SPAN


@dataclass(kw_only=True)
class Obligation:
    """One range assertion of the obligation program and the verifier's verdict."""

    variable: str
    lo: int
    hi: int
    where: str  # "after assignment", "loop head", "input"
    loc: SourceSpan
    proven: bool | None = None  # None: not checked (no verifier run)


@dataclass(kw_only=True)
class CheckedRange:
    """A variable whose range nothing bounds, kept in `lo..hi` by a run-time check: every
    assignment of it that leaves the range raises the method's overflow output."""

    name: str  # IR variable (an array or sequence when `length` is set: its elements)
    source: str  # its name in the user's text
    lo: int
    hi: int
    sites: list[int]  # source offsets right after each assignment of it (the checks go there)
    length: str | None = None  # Dafny's length of the array (`a.Length`, `|s|`)
    # a buffer's length held to its capacity (`frontend.checked_capacity`): the buffer's name
    # in the user's text; `source` is then its length (`a.Length`, `|r|`)
    capacity_of: str | None = None
    # allocations `new T[size]` of that buffer: (offset where the statement starts, the size's
    # text). The reference harness checks the size there, before the statement: Dafny's compiled
    # program would first try to allocate the billions of elements the hardware refuses
    before: list[tuple[int, str]] = field(default_factory=list)

    def condition(self) -> str:
        """The range as a Dafny condition over the user's names (the reference harness and
        the width proof use it)."""
        lo, hi = (str(v) if v >= 0 else f"({v})" for v in (self.lo, self.hi))
        if self.length is None:
            return f"{lo} <= {self.source} <= {hi}"
        return (
            f"forall p2s_k :: 0 <= p2s_k < {self.length} ==> {lo} <= {self.source}[p2s_k] <= {hi}"
        )


@dataclass(kw_only=True)
class HardwareMethod:
    name: str
    loc: SourceSpan
    ports: list[Port]
    locals: list[Local]
    body: list[Stmt]
    requires: list[SpecClause] = field(default_factory=list)
    ensures: list[SpecClause] = field(default_factory=list)
    widths: list[WidthFact] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    inlined: list[str] = field(default_factory=list)  # callees inlined, in order of first use
    checked: list[CheckedRange] = field(default_factory=list)  # see `frontend.overflow_checks`
    overflow_port: str | None = None  # the output raised when a checked range is left

    @property
    def inputs(self) -> list[Port]:
        return [p for p in self.ports if p.direction in ("in", "inout")]

    @property
    def outputs(self) -> list[Port]:
        return [p for p in self.ports if p.direction in ("out", "inout")]

    def type_of(self, name: str) -> HwType:
        for p in self.ports:
            if p.name == name:
                return p.type
        for v in self.locals:
            if v.name == name:
                return v.type
        raise KeyError(name)

    @property
    def widths_proven(self) -> bool:
        """True when every integer's width is proven, declared or explicit (and proven), or rests
        on a reported contract: assumed input widths, ranges checked at run time."""
        ok = {
            WidthStatus.PROVEN,
            WidthStatus.DECLARED,
            WidthStatus.EXPLICIT,
            WidthStatus.PRECONDITION,
            WidthStatus.DERIVED,
            WidthStatus.ASSUMED,
            WidthStatus.CHECKED,
        }
        return all(w.status in ok for w in self.widths)


class IrInvariantError(ToolchainError):
    """The front end broke an invariant of this IR: a bug of ours, never the user's program."""

    def __init__(self, method: str, problems: list[str]) -> None:
        super().__init__(
            f"internal error: the hardware IR of {method} is inconsistent: " + "; ".join(problems),
            "this is a bug in Proof2Silicon's front end, not in your program; please report it",
        )
        self.problems = problems


def constant_misfits(method: HardwareMethod) -> list[str]:
    """Every constant whose value its own type cannot hold (a sized integer type narrower than
    the value, a boolean typed as an integer or the reverse)."""
    out: list[str] = []
    for e in stmt_exprs(method.body):
        if not isinstance(e, Const):
            continue
        t = e.type
        if isinstance(t, BoolType):
            if not isinstance(e.value, bool):
                out.append(f"constant {e.value} typed bool at {e.loc}")
        elif isinstance(t, IntType):
            if isinstance(e.value, bool):
                out.append(f"constant {e.value} typed {t} at {e.loc}")
            elif t.width is not None and not t.min_value <= e.value <= t.max_value:
                out.append(
                    f"constant {e.value} typed {t} (which holds [{t.min_value}, {t.max_value}]) "
                    f"at {e.loc}"
                )
        else:
            out.append(f"constant {e.value} typed {t} at {e.loc}")
    return out


def check_constants(method: HardwareMethod) -> None:
    """The IR boundary's check that no constant is typed narrower than its value."""
    problems = constant_misfits(method)
    if problems:
        raise IrInvariantError(method.name, problems)
