"""The state one lowering run shares: names in scope, IR locals, recorded sites, diagnostics.

`LoweringContext` is what the statement, expression and call lowerers all read and write; the
`Binding`s say what a source name stands for in the scope where it is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared_schemas.verification import Diagnostic, Severity
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.diagnostics import hw_diagnostic
from toolchain.frontend.dtypes import BOOL, INT, DType, TypeResolver, unsupported
from toolchain.frontend.facts import const_value
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering.results import (
    AllocSite,
    AssignSite,
    CallFrame,
    LoopSite,
    SourceVar,
    StackFunction,
)


@dataclass
class Scalar:
    ir_name: str
    dtype: DType


@dataclass
class ArrayRef:
    ir_name: str
    dtype: DType
    # a buffer the method builds at run time: the IR local holding its length (see ir.py)
    length: str | None = None


@dataclass
class GhostVar:
    pass


@dataclass
class ConstVal:
    value: int


Binding = Scalar | ArrayRef | GhostVar | ConstVal


Located = A.Node | A.Param | A.LocalVar | A.Attribute | tuple[int, int]


class Abort(Exception):
    """Stop lowering the current construct (the diagnostic is already recorded)."""


@dataclass
class ExitTarget:
    """Where a `return` goes: the method's end (top level) or out of an inlining wrapper loop."""

    outs: list[str]
    wrapper_depth: int | None  # loop depth of the wrapper loop, None at top level


@dataclass
class TailSelf:
    """The method being lowered as a loop: where its recursive calls go."""

    name: str
    decl: A.MethodDecl
    copies: list[tuple[int, str]]  # (parameter position, IR copy) for scalar parameters
    again: str  # IR flag: run another trip
    wrapper_depth: int  # loop depth of the one-trip wrapper


class LoweringContext:
    """Everything the lowerers of one method share; see the module docstring."""

    def __init__(self, program: A.Program, filename: str) -> None:
        self.program = program
        self.text = program.text
        self.filename = filename
        self.index = LineIndex.of(program.text)
        self.consts: dict[str, int] = {}
        for d in program.decls:
            if isinstance(d, A.ConstDecl) and d.value is not None:
                v = const_value(d.value, self.consts)
                if v is not None:
                    self.consts[d.name] = v
        self.types = TypeResolver(program, self.consts)
        self.diags: list[Diagnostic] = []
        self.locals: list[ir.Local] = []
        self.used_names: set[str] = set()
        self.var_source: dict[str, SourceVar] = {}
        self.declared: dict[str, Interval] = {}
        self.explicit_width: dict[str, tuple[int, bool]] = {}
        self.assign_sites: list[AssignSite] = []
        self.store_sites: list[AssignSite] = []
        self.loop_sites: dict[int, LoopSite] = {}
        self.frames: list[CallFrame] = []
        self.array_alloc: dict[str, list[AllocSite]] = {}
        self.inlined: list[str] = []
        self.recursive_functions: set[str] = set()
        self.scopes: list[dict[str, Binding]] = []
        self.decl_stack: list[str] = []
        self.loop_depth = 0
        self.labels: list[tuple[str | None, int]] = []
        self.exit: ExitTarget = ExitTarget([], None)
        self.current_decl: str = ""
        self.temp_counter = 0
        # set while a tail-recursive method is lowered as a loop (see `tailcalls`)
        self.tail_self: TailSelf | None = None
        # IR names whose values (or elements) are Dafny chars (see `Lowered.char_vars`)
        self.char_vars: set[str] = set()
        # IR names holding enumeration datatypes (see `Lowered.enum_vars`)
        self.enum_vars: dict[str, int] = {}
        # functions lowered with a stack (see `stack`)
        self.stack_functions: dict[str, StackFunction] = {}  # by the call's depth var

    def span(self, start: int, end: int) -> ir.SourceSpan:
        sl, sc = self.index.position(start)
        el, ec = self.index.position(max(end, start))
        return ir.SourceSpan(self.filename, sl, sc, el, ec)

    def loc(self, node: A.Node | A.Param | A.LocalVar) -> ir.SourceSpan:
        return self.span(node.start, node.end)

    def report(
        self, node: Located, code: str, message: str, severity: Severity = Severity.error
    ) -> None:
        start, end = node if isinstance(node, tuple) else (node.start, node.end)
        # keep multi-line constructs to their first line: editors underline less noise
        nl = self.text.find("\n", start)
        if nl != -1 and nl < end:
            end = nl
        d = hw_diagnostic(
            self.filename,
            self.index,
            start,
            end,
            code,
            message,
            symbol=self.current_decl,
            severity=severity,
        )
        if not any(x.range == d.range and x.code == d.code for x in self.diags):
            self.diags.append(d)

    def fail(self, node: Located, code: str, message: str) -> Abort:
        self.report(node, code, message)
        return Abort()

    def fresh(self, base: str) -> str:
        name = base
        k = 1
        while name in self.used_names:
            name = f"{base}_{k}"
            k += 1
        self.used_names.add(name)
        return name

    def new_local(
        self,
        base: str,
        t: ir.HwType,
        loc: ir.SourceSpan,
        origin: str = "",
        dtype: DType | None = None,
    ) -> str:
        name = self.fresh(base)
        self.locals.append(ir.Local(name=name, type=t, loc=loc, origin=origin))
        if dtype is not None and dtype.is_int:
            self.declared[name] = dtype.range
        if dtype is not None and is_char_type(dtype):
            self.char_vars.add(name)
        if dtype is not None and dtype.ctors:
            self.enum_vars[name] = len(dtype.ctors)
        return name

    def temp(self, t: ir.HwType, loc: ir.SourceSpan) -> str:
        self.temp_counter += 1
        return self.new_local(f"_t{self.temp_counter}", t, loc, origin="temporary")

    def lookup(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.consts:
            return ConstVal(self.consts[name])
        return None

    def visible_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for scope in self.scopes:
            for k, b in scope.items():
                if isinstance(b, Scalar | ArrayRef):
                    out[k] = b.ir_name
                if isinstance(b, ArrayRef) and b.length is not None:
                    # the length of a buffer, as the obligation program spells it
                    subject = f"|{k}|" if b.dtype.kind == "seq" else f"{k}.Length"
                    out[subject] = b.length
        return out

    def bind(self, name: str, b: Binding) -> None:
        self.scopes[-1][name] = b

    def resolve_type(self, t: A.TypeRef, node: Located) -> DType:
        d = self.types.resolve(t)
        if d.kind == "unsupported":
            raise self.fail(node, d.code, f"type {d.name}: {d.reason}")
        return d

    def find_callable(self, name: str) -> A.MethodDecl | A.FunctionDecl | None:
        candidates = [
            d
            for d in self.program.decls
            if isinstance(d, A.MethodDecl | A.FunctionDecl) and d.name == name
        ]
        if not candidates:
            return None
        # prefer a declaration in the same module / container as the caller
        return candidates[0]

    def spec_clause(self, s: A.Spec) -> ir.SpecClause:
        return ir.SpecClause(kind=s.kind, text=s.text, loc=self.span(s.start, s.end))

    def record_store(self, s: A.Stmt, arrays: list[str]) -> None:
        for a in arrays:
            self.store_sites.append(AssignSite(s.end, a, self.decl_stack[-1]))

    def record_assign(self, s: A.Stmt, ir_vars: list[str]) -> None:
        for v in ir_vars:
            if v in self.var_source:
                self.assign_sites.append(AssignSite(s.end, v, self.decl_stack[-1]))

    def call_name(self, call: A.Apply) -> str:
        f = call.func
        return f.name if isinstance(f, A.Name) else ""

    def is_method_call(self, e: A.Expr) -> bool:
        if not isinstance(e, A.Apply) or not isinstance(e.func, A.Name):
            return False
        if self.lookup(e.func.name) is not None:
            return False
        return isinstance(self.find_callable(e.func.name), A.MethodDecl)

    def type_of_local(self, name: str) -> ir.HwType:
        for v in self.locals:
            if v.name == name:
                return v.type
        raise KeyError(name)

    def is_char(self, e: A.Expr) -> bool:
        """Is the Dafny type of `e` char? (IR integers do not say; declarations without a type
        and obligations need to know.)"""
        if isinstance(e, A.OtherLit):
            return e.kind == "char"
        if isinstance(e, A.Name):
            b = self.lookup(e.name)
            return isinstance(b, Scalar) and is_char_type(b.dtype)
        if isinstance(e, A.IndexExpr) and isinstance(e.seq, A.Name):
            b = self.lookup(e.seq.name)
            return (
                isinstance(b, ArrayRef)
                and b.dtype.element is not None
                and is_char_type(b.dtype.element)
            )
        if isinstance(e, A.CastExpr):
            return not e.is_test and is_char_type(self.types.resolve(e.target))
        if isinstance(e, A.IfExpr):
            return self.is_char(e.then) or self.is_char(e.otherwise)
        if isinstance(e, A.BinaryExpr) and e.op in ("+", "-"):
            return self.is_char(e.lhs) or self.is_char(e.rhs)
        if isinstance(e, A.Apply) and isinstance(e.func, A.Name):
            f = self.find_callable(e.func.name)
            return isinstance(f, A.FunctionDecl) and is_char_type(self.types.resolve(f.result_type))
        return False

    def exit_source_names(self) -> list[str]:
        names = []
        for scope in self.scopes:
            for k, b in scope.items():
                if isinstance(b, Scalar) and b.ir_name in self.exit.outs:
                    names.append(k)
        return names


def is_char_type(d: DType) -> bool:
    return d.kind == "int" and d.name == "char"


def dtype_of_ir(e: ir.Expr) -> DType:
    t = e.type
    if isinstance(t, ir.BoolType):
        return BOOL
    if isinstance(t, ir.IntType):
        if t.wraps and t.width is not None:
            return DType(
                "bv", range=Interval(0, (1 << t.width) - 1), width=t.width, name=f"bv{t.width}"
            )
        return INT
    return unsupported(str(t), "HW103", "collection value")
