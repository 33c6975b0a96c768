"""What lowering hands to the width analysis and the obligation generator.

Besides the IR, the result records how IR variables map back to the user's source variables and
where each source assignment and loop is, which the obligation program needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared_schemas.verification import Diagnostic
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.facts import Facts
from toolchain.frontend.interval import Interval


@dataclass(frozen=True)
class SourceVar:
    """A variable of the user's text: which declaration, which name, where it is declared."""

    decl: str  # method or function it belongs to
    name: str
    decl_offset: int
    kind: str  # param, result, local, fparam (function parameter), fresult


@dataclass
class AssignSite:
    """A source assignment whose IR target must be range-checked right after `stmt_end`."""

    stmt_end: int
    ir_var: str
    decl: str


@dataclass
class AllocSite:
    """A source `new T[n]` into `ir_array`: after `stmt_end` the obligation program asserts the
    array's length stays within the capacity hardware gives it (`source.Length <= max`)."""

    ir_array: str
    size: ir.Expr  # the allocation size in the IR (its range is the array's length)
    source: str  # the array's name in the user's text at the allocation
    stmt_end: int  # -1 when the allocation is not a statement of its own
    decl: str
    # where the statement starts and the size's text in the source (run-time capacity checks
    # test the size before the allocation: `frontend.checked_capacity`); -1 / "": unknown
    stmt_start: int = -1
    size_text: str = ""


@dataclass
class LoopSite:
    """A source loop: where its specification goes, and its termination measure in the IR."""

    decl: str
    loop: A.WhileStmt | A.ForStmt
    decreases: ir.Expr | None
    inserts_at: int  # offset where extra `invariant` clauses can be inserted
    names: dict[str, str] = field(default_factory=dict)  # source name -> IR name in scope
    decreases_min: int = 0  # the measure is at least this at every iteration's start


@dataclass
class StackFunction:
    """A function lowered with a stack (see `lowering.stack`): what its obligations need."""

    name: str
    measure: A.Expr  # the termination measure, in the function's parameters
    ascend_loop: int  # id of the IR loop that unwinds the stack
    result: str  # the IR variable holding the function's result
    depth: str  # the IR variable holding measure + 1 at the first call: the stack's capacity
    # False: the measure was inferred, not written: the obligation program states it as the
    # function's `decreases` so that Dafny proves it (`stack_obligations.measure_claim`)
    stated: bool = True
    descend_loop: int = 0  # id of the IR loop that makes the calls
    stacked: dict[str, str] = field(default_factory=dict)  # stack array -> the parameter it holds


@dataclass
class CallFrame:
    decl: A.MethodDecl | A.FunctionDecl
    ir_params: dict[str, str]  # source parameter -> IR name (scalars)
    ir_results: dict[str, str]


@dataclass
class Lowered:
    method: ir.HardwareMethod
    decl: A.MethodDecl
    var_source: dict[str, SourceVar]
    declared: dict[str, Interval]  # IR var -> the range its Dafny type guarantees
    explicit_width: dict[str, tuple[int, bool]]  # IR var -> ({:hw_width N}, signed)
    assign_sites: list[AssignSite]
    loop_sites: dict[int, LoopSite]  # id(IR loop) -> the source loop
    frames: list[CallFrame]  # one per inlined call (callee params/results -> IR names)
    input_facts: Facts  # from the method's requires, over port names
    # local / result array -> every allocation of it: its length is always one of their sizes
    array_alloc: dict[str, list[AllocSite]]
    recursive_functions: set[str]  # functions turned into loops (their params need requires)
    program_text: str
    program_decls: list[A.Decl]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # IR scalars and arrays (of elements) holding Dafny chars: their range is the char type's,
    # which Dafny's type system guarantees, and obligations cannot compare a char with an int
    char_vars: set[str] = field(default_factory=set)
    # IR scalars holding an enumeration datatype -> its number of constructors: the value is
    # the constructor's index, kept in range by Dafny's type (no obligation: an obligation
    # cannot compare a datatype value with an int)
    enum_vars: dict[str, int] = field(default_factory=dict)
    stack_functions: dict[str, StackFunction] = field(default_factory=dict)  # by depth var
    # source statements that store into an array or sequence (`a[i] := e`, `s := s + [x]`):
    # where a run-time check of its elements goes (frontend.overflow_checks)
    store_sites: list[AssignSite] = field(default_factory=list)
