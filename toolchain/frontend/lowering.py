"""Lower one Dafny method (AST) to the hardware IR.

Calls to methods and compiled functions are inlined; a tail-recursive function becomes a loop;
specification (requires, ensures, invariants, asserts, ghost code, lemma calls) is kept as text
and never lowered. Every construct that cannot become hardware is reported at its location and
lowering goes on, so one run reports every problem of the method.

Besides the IR, the result records how IR variables map back to the user's source variables and
where each source assignment and loop is, which the obligation program needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared_schemas.verification import Diagnostic, Severity
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.diagnostics import hw_diagnostic
from toolchain.frontend.dtypes import BOOL, INT, DType, TypeResolver, unsupported
from toolchain.frontend.facts import Facts, const_value, facts_from
from toolchain.frontend.interval import Interval

# ---------------------------------------------------------------------------------------------
# What lowering hands to the width analysis and the obligation generator


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
class LoopSite:
    """A source loop: where its specification goes, and its termination measure in the IR."""

    decl: str
    loop: A.WhileStmt | A.ForStmt
    decreases: ir.Expr | None
    inserts_at: int  # offset where extra `invariant` clauses can be inserted
    names: dict[str, str] = field(default_factory=dict)  # source name -> IR name in scope
    decreases_min: int = 0  # the measure is at least this at every iteration's start


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
    array_alloc: dict[str, ir.Expr]  # local / result array -> its allocation size
    recursive_functions: set[str]  # functions turned into loops (their params need requires)
    program_text: str
    program_decls: list[A.Decl]
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Environment


@dataclass
class Scalar:
    ir_name: str
    dtype: DType


@dataclass
class ArrayRef:
    ir_name: str
    dtype: DType


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


class Lowerer:
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
        self.loop_sites: dict[int, LoopSite] = {}
        self.frames: list[CallFrame] = []
        self.array_alloc: dict[str, ir.Expr] = {}
        self.inlined: list[str] = []
        self.recursive_functions: set[str] = set()
        self.scopes: list[dict[str, Binding]] = []
        self.decl_stack: list[str] = []
        self.loop_depth = 0
        self.labels: list[tuple[str | None, int]] = []
        self.exit: ExitTarget = ExitTarget([], None)
        self.current_decl: str = ""
        self.temp_counter = 0

    # -- helpers -------------------------------------------------------------------------------

    def span(self, start: int, end: int) -> ir.SourceSpan:
        sl, sc = self.index.position(start)
        el, ec = self.index.position(max(end, start))
        return ir.SourceSpan(self.filename, sl, sc, el, ec)

    def loc(self, node: A.Node | A.Param | A.LocalVar) -> ir.SourceSpan:
        return self.span(node.start, node.end)

    def report(self, node: Located, code: str, message: str) -> None:
        start, end = node if isinstance(node, tuple) else (node.start, node.end)
        # keep multi-line constructs to their first line: editors underline less noise
        nl = self.text.find("\n", start)
        if nl != -1 and nl < end:
            end = nl
        d = hw_diagnostic(
            self.filename, self.index, start, end, code, message, symbol=self.current_decl
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

    # -- entry ---------------------------------------------------------------------------------

    def lower(self, decl: A.MethodDecl) -> Lowered | None:
        self.current_decl = decl.name
        self.decl_stack = [decl.name]
        if decl.container is not None:
            cls = decl.container
            self.report(
                (decl.name_start, decl.name_end),
                "HW102",
                f"{decl.name} is a member of {cls}: methods of classes work on heap objects; "
                "move it to the top level (a static method of a class is fine once moved)",
            )
            return None
        if decl.ghost:
            self.report(
                (decl.name_start, decl.name_end),
                "HW100",
                f"{decl.kind} {decl.name} is ghost: it only exists for verification",
            )
            return None
        if decl.body_error is not None:
            msg, off = decl.body_error
            self.report((off, off + 1), "HW110", f"cannot read this method body: {msg}")
            return None
        if decl.body is None:
            self.report(
                (decl.name_start, decl.name_end), "HW100", f"{decl.name} has no body to lower"
            )
            return None
        if decl.type_params:
            self.report(
                (decl.name_start, decl.name_end),
                "HW111",
                f"{decl.name} is generic (<{', '.join(decl.type_params)}>): hardware needs "
                "concrete types",
            )
            return None
        self.scopes = [{}]
        ports: list[ir.Port] = []
        modified = self._modified_names(decl)
        for p in decl.params:
            if p.ghost:
                self.bind(p.name, GhostVar())
                continue
            try:
                d = self.resolve_type(p.type, p)
            except Abort:
                continue
            self.used_names.add(p.name)
            if d.is_collection:
                mutable = d.kind == "array" and p.name in modified
                ports.append(
                    ir.Port(
                        name=p.name,
                        type=d.to_ir(mutable=mutable),
                        direction="inout" if mutable else "in",
                        loc=self.loc(p),
                    )
                )
                self.bind(p.name, ArrayRef(p.name, d))
            else:
                ports.append(ir.Port(name=p.name, type=d.to_ir(), direction="in", loc=self.loc(p)))
                self.bind(p.name, Scalar(p.name, d))
                if d.is_int:
                    self.declared[p.name] = d.range
            self.var_source[p.name] = SourceVar(decl.name, p.name, p.start, "param")
        outs: list[str] = []
        for r in decl.returns:
            if r.ghost:
                self.bind(r.name, GhostVar())
                continue
            try:
                d = self.resolve_type(r.type, r)
            except Abort:
                continue
            self.used_names.add(r.name)
            ports.append(
                ir.Port(name=r.name, type=d.to_ir(mutable=True), direction="out", loc=self.loc(r))
            )
            self.bind(r.name, ArrayRef(r.name, d) if d.is_collection else Scalar(r.name, d))
            if d.is_int:
                self.declared[r.name] = d.range
            self.var_source[r.name] = SourceVar(decl.name, r.name, r.start, "result")
            outs.append(r.name)
        self.exit = ExitTarget(outs, None)
        body = self.block(decl.body.body, new_scope=True)
        requires = [e for s in decl.specs_of("requires") if (e := s.expr) is not None]
        facts = facts_from(requires, self.consts)
        method = ir.HardwareMethod(
            name=decl.name,
            loc=self.span(decl.name_start, decl.name_end),
            ports=ports,
            locals=self.locals,
            body=body,
            requires=[self.spec_clause(s) for s in decl.specs_of("requires")],
            ensures=[self.spec_clause(s) for s in decl.specs_of("ensures")],
            inlined=self.inlined,
        )
        return Lowered(
            method=method,
            decl=decl,
            var_source=self.var_source,
            declared=self.declared,
            explicit_width=self.explicit_width,
            assign_sites=self.assign_sites,
            loop_sites=self.loop_sites,
            frames=self.frames,
            input_facts=facts,
            array_alloc=self.array_alloc,
            recursive_functions=self.recursive_functions,
            program_text=self.text,
            program_decls=self.program.decls,
            diagnostics=self.diags,
        )

    def spec_clause(self, s: A.Spec) -> ir.SpecClause:
        return ir.SpecClause(kind=s.kind, text=s.text, loc=self.span(s.start, s.end))

    def _modified_names(self, decl: A.MethodDecl) -> set[str]:
        names: set[str] = set()
        for s in decl.specs_of("modifies"):
            for e in s.exprs:
                if isinstance(e, A.Name):
                    names.add(e.name)
        return names

    # -- statements ----------------------------------------------------------------------------

    def block(self, stmts: list[A.Stmt], new_scope: bool = True) -> list[ir.Stmt]:
        if new_scope:
            self.scopes.append({})
        out: list[ir.Stmt] = []
        try:
            for s in stmts:
                try:
                    out.extend(self.statement(s))
                except Abort:
                    continue
        finally:
            if new_scope:
                self.scopes.pop()
        return out

    def statement(self, s: A.Stmt) -> list[ir.Stmt]:
        if isinstance(s, A.BlockStmt):
            return self.block(s.body)
        if isinstance(s, A.VarDecl):
            return self.var_decl(s)
        if isinstance(s, A.AssignStmt):
            return self.assign(s)
        if isinstance(s, A.CallStmt):
            return self.call_stmt(s.call, [], s)
        if isinstance(s, A.IfStmt):
            return self.if_stmt(s)
        if isinstance(s, A.WhileStmt):
            return self.while_stmt(s)
        if isinstance(s, A.ForStmt):
            return self.for_stmt(s)
        if isinstance(s, A.BreakStmt):
            return self.break_stmt(s)
        if isinstance(s, A.ReturnStmt):
            return self.return_stmt(s)
        if isinstance(s, A.SpecStmt):
            return []
        if isinstance(s, A.UnsupportedStmt):
            self.unsupported_stmt(s)
            return []
        raise self.fail(s, "HW108", "this statement is not supported")

    def unsupported_stmt(self, s: A.UnsupportedStmt) -> None:
        reasons = {
            "print": ("HW108", "print has no hardware meaning: remove it from the kernel"),
            "match": ("HW108", "match statements are not supported yet: use if/else"),
            "forall": (
                "HW108",
                "forall statements (parallel updates) are not supported yet: use a loop",
            ),
            "continue": ("HW108", "continue is not supported yet: restructure with if"),
            "if": ("HW107", "a guarded-command if (case arms) is nondeterministic"),
            "while": ("HW107", "a guarded-command while (case arms) is nondeterministic"),
            "tuple pattern": ("HW111", "tuple patterns are not supported"),
            "yield": ("HW102", "iterators are not hardware"),
        }
        code, msg = reasons.get(s.kind, ("HW108", f"{s.kind} is not supported"))
        self.report(s, code, msg)

    def var_decl(self, s: A.VarDecl) -> list[ir.Stmt]:
        if s.ghost:
            for v in s.vars:
                self.bind(v.name, GhostVar())
            return []
        if s.such_that is not None:
            raise self.fail(s, "HW107", "`:|` picks an arbitrary value: not deterministic hardware")
        out: list[ir.Stmt] = []
        if len(s.rhs) == 1 and len(s.vars) >= 1 and self._is_method_call(s.rhs[0]):
            # var x, y := M(a);  declare from the callee's result types
            call = s.rhs[0]
            assert isinstance(call, A.Apply)
            callee = self.find_callable(self._call_name(call))
            assert isinstance(callee, A.MethodDecl)
            targets: list[A.Expr] = []
            for v, r in zip(s.vars, callee.returns, strict=False):
                t = v.type or r.type
                self._declare_local(v, t, None, s)
                targets.append(A.Name(name=v.name, start=v.start, end=v.end))
            return self.call_stmt(call, targets, s)
        values: list[ir.Expr] = []
        if s.rhs:
            if len(s.rhs) != len(s.vars):
                raise self.fail(s, "HW114", "the number of values differs from the variables")
            for v, rhs in zip(s.vars, s.rhs, strict=True):
                if isinstance(rhs, A.NewArray):
                    self._declare_local(v, v.type, rhs, s)
                    out.extend(self.new_array(v.name, rhs))
                    continue
                if isinstance(rhs, A.Havoc):
                    raise self.fail(rhs, "HW107", "`*` assigns an arbitrary value")
                if self._is_collection_expr(rhs) and v.type is None:
                    # `var b := a;` aliases an array
                    self._alias(v, rhs)
                    continue
                pre: list[ir.Stmt] = []
                val = self.expr(rhs, pre)
                out.extend(pre)
                self._declare_local(v, v.type, val, s)
                values.append(val)
            targets_ir: list[ir.Target] = []
            for v in s.vars:
                b = self.lookup(v.name)
                if isinstance(b, Scalar):
                    targets_ir.append(ir.VarTarget(name=b.ir_name, loc=self.span(v.start, v.end)))
            if targets_ir and len(targets_ir) == len(values):
                out.append(ir.Assign(targets=targets_ir, values=values, loc=self.loc(s)))
                self._record_assign(s, [t.name for t in targets_ir if isinstance(t, ir.VarTarget)])
        else:
            for v in s.vars:
                self._declare_local(v, v.type, None, s)
        return out

    def _alias(self, v: A.LocalVar, r: A.Expr) -> None:
        src = r.seq if isinstance(r, A.SliceExpr) else r
        b = self.lookup(src.name) if isinstance(src, A.Name) else None
        if not isinstance(b, ArrayRef) or (
            isinstance(r, A.SliceExpr) and (r.lo is not None or r.hi is not None)
        ):
            raise self.fail(
                r, "HW103", "a sequence built in executable code has no fixed hardware size"
            )
        self.bind(v.name, b)

    def _is_collection_expr(self, e: A.Expr) -> bool:
        if isinstance(e, A.Name):
            return isinstance(self.lookup(e.name), ArrayRef)
        if isinstance(e, A.SliceExpr):
            return True
        return isinstance(e, A.Display) and e.kind in ("seq", "set", "multiset", "map")

    def _declare_local(
        self, v: A.LocalVar, t: A.TypeRef | None, value: ir.Expr | A.NewArray | None, s: A.Stmt
    ) -> None:
        if t is not None:
            d = self.resolve_type(t, v)
        elif isinstance(value, A.NewArray):
            elem = self.resolve_type(value.element, value)
            d = DType("array", element=elem, name=f"array<{elem.name}>")
        elif isinstance(value, ir.Expr):
            d = self._dtype_of_ir(value)
        else:
            raise self.fail(v, "HW114", f"cannot infer the type of {v.name}: give it a type")
        origin = ".".join([*self.decl_stack[1:], v.name]) if len(self.decl_stack) > 1 else ""
        base = v.name if len(self.decl_stack) == 1 else f"{self.decl_stack[-1]}_{v.name}"
        if d.is_collection:
            name = self.new_local(base, d.to_ir(mutable=True), self.span(v.start, v.end), origin)
            self.bind(v.name, ArrayRef(name, d))
        else:
            name = self.new_local(base, d.to_ir(), self.span(v.start, v.end), origin, dtype=d)
            self.bind(v.name, Scalar(name, d))
        self.var_source[name] = SourceVar(self.decl_stack[-1], v.name, v.start, "local")
        for a in v.attrs:
            if a.name == "hw_width" and a.args:
                w = const_value(a.args[0], self.consts)
                if w is None or w <= 0:
                    self.report(a, "HW201", "{:hw_width N} needs a positive constant width")
                    continue
                signed = d.range.lo is None or d.range.lo < 0
                self.explicit_width[name] = (w, signed)

    def _dtype_of_ir(self, e: ir.Expr) -> DType:
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

    def _record_assign(self, s: A.Stmt, ir_vars: list[str]) -> None:
        for v in ir_vars:
            if v in self.var_source:
                self.assign_sites.append(AssignSite(s.end, v, self.decl_stack[-1]))

    def _call_name(self, call: A.Apply) -> str:
        f = call.func
        return f.name if isinstance(f, A.Name) else ""

    def _is_method_call(self, e: A.Expr) -> bool:
        if not isinstance(e, A.Apply) or not isinstance(e.func, A.Name):
            return False
        if self.lookup(e.func.name) is not None:
            return False
        return isinstance(self.find_callable(e.func.name), A.MethodDecl)

    def assign(self, s: A.AssignStmt) -> list[ir.Stmt]:
        if s.such_that is not None:
            raise self.fail(s, "HW107", "`:|` picks an arbitrary value: not deterministic hardware")
        # ghost targets: the whole statement is ghost
        if all(
            isinstance(t, A.Name) and isinstance(self.lookup(t.name), GhostVar) for t in s.targets
        ):
            return []
        if len(s.rhs) == 1 and self._is_method_call(s.rhs[0]):
            call = s.rhs[0]
            assert isinstance(call, A.Apply)
            return self.call_stmt(call, s.targets, s)
        if len(s.rhs) != len(s.targets):
            raise self.fail(s, "HW114", "the number of values differs from the targets")
        out: list[ir.Stmt] = []
        targets: list[ir.Target] = []
        values: list[ir.Expr] = []
        for t, r in zip(s.targets, s.rhs, strict=True):
            if isinstance(r, A.NewArray):
                if not isinstance(t, A.Name):
                    raise self.fail(t, "HW112", "allocate arrays into a plain variable")
                b = self.lookup(t.name)
                if not isinstance(b, ArrayRef):
                    raise self.fail(t, "HW114", f"{t.name} is not an array variable")
                out.extend(self.new_array(b.ir_name, r))
                continue
            if isinstance(r, A.Havoc):
                raise self.fail(r, "HW107", "`*` assigns an arbitrary value")
            if isinstance(t, A.Name) and isinstance(self.lookup(t.name), ArrayRef):
                raise self.fail(
                    s,
                    "HW103",
                    "assigning a whole array or sequence (such as `r := r + [x]`): "
                    "variable-length sequence values are not hardware yet",
                )
            target = self.target(t, out)
            pre: list[ir.Stmt] = []
            values.append(self.expr(r, pre))
            out.extend(pre)
            targets.append(target)
        if targets:
            out.append(ir.Assign(targets=targets, values=values, loc=self.loc(s)))
            self._record_assign(s, [t.name for t in targets if isinstance(t, ir.VarTarget)])
        return out

    def target(self, t: A.Expr, pre: list[ir.Stmt]) -> ir.Target:
        if isinstance(t, A.Name):
            b = self.lookup(t.name)
            if isinstance(b, Scalar):
                return ir.VarTarget(name=b.ir_name, loc=self.loc(t))
            if isinstance(b, GhostVar):
                raise self.fail(t, "HW108", "mixing ghost and non-ghost targets is not supported")
            raise self.fail(t, "HW114", f"cannot assign to {t.name}")
        if isinstance(t, A.IndexExpr) and isinstance(t.seq, A.Name):
            b = self.lookup(t.seq.name)
            if not isinstance(b, ArrayRef):
                raise self.fail(t, "HW114", f"{t.seq.name} is not an array")
            if len(t.indices) != 1:
                raise self.fail(t, "HW113", "multi-dimensional arrays are not supported yet")
            idx = self.expr(t.indices[0], pre)
            return ir.IndexTarget(array=b.ir_name, index=idx, loc=self.loc(t))
        if isinstance(t, A.Member):
            raise self.fail(t, "HW102", "object fields are heap data, not hardware registers")
        raise self.fail(t, "HW114", "this assignment target is not supported")

    def new_array(self, ir_name: str, r: A.NewArray) -> list[ir.Stmt]:
        if len(r.sizes) != 1:
            raise self.fail(r, "HW113", "multi-dimensional arrays are not supported yet")
        pre: list[ir.Stmt] = []
        size = self.expr(r.sizes[0], pre)
        self.array_alloc[ir_name] = size
        out = list(pre)
        if r.init_text is not None:
            init = r.init
            if not isinstance(init, A.Comprehension) or init.kind != "lambda":
                raise self.fail(r, "HW103", "only `new T[n](i => e)` initialisers are supported")
            out.extend(self._lambda_init(ir_name, init, size, r))
        return out

    def _lambda_init(
        self, ir_name: str, lam: A.Comprehension, size: ir.Expr, r: A.NewArray
    ) -> list[ir.Stmt]:
        from toolchain.frontend.parser import Parser

        p = Parser(lam.text)
        if p.tok.kind.value != "ident" or not p.peek().is_op("=>"):
            raise self.fail(r, "HW106", "only a simple `i => e` initialiser is supported")
        var = p.advance().text
        p.advance()
        body = p.expression()
        shift = lam.start

        def relocate(e: A.Node) -> None:
            e.start += shift
            e.end += shift
            for v in vars(e).values():
                if isinstance(v, A.Node):
                    relocate(v)
                elif isinstance(v, list):
                    for x in v:
                        if isinstance(x, A.Node):
                            relocate(x)

        relocate(body)
        idx_name = self.new_local(
            f"{ir_name}_init_{var}", ir.UNSIZED_NAT, self.loc(r), origin="initialiser"
        )
        self.scopes.append({var: Scalar(idx_name, INT)})
        try:
            pre: list[ir.Stmt] = []
            value = self.expr(body, pre)
        finally:
            self.scopes.pop()
        loop = ir.For(
            var=idx_name,
            lo=ir.Const(value=0, type=ir.UNSIZED_NAT, loc=self.loc(r)),
            hi=size,
            body=[
                *pre,
                ir.Assign(
                    targets=[
                        ir.IndexTarget(
                            array=ir_name,
                            index=ir.Var(name=idx_name, type=ir.UNSIZED_NAT, loc=self.loc(r)),
                            loc=self.loc(r),
                        )
                    ],
                    values=[value],
                    loc=self.loc(r),
                ),
            ],
            loc=self.loc(r),
        )
        return [loop]

    def if_stmt(self, s: A.IfStmt) -> list[ir.Stmt]:
        if s.cond is None:
            raise self.fail(s, "HW107", "`if *` chooses a branch arbitrarily")
        pre: list[ir.Stmt] = []
        cond = self.expr(s.cond, pre)
        then = self.block(s.then.body)
        other: list[ir.Stmt] = []
        if s.otherwise is not None:
            other = (
                self.statement(s.otherwise)
                if isinstance(s.otherwise, A.IfStmt)
                else self.block(
                    s.otherwise.body if isinstance(s.otherwise, A.BlockStmt) else [s.otherwise]
                )
            )
        return [*pre, ir.If(cond=cond, then=then, otherwise=other, loc=self.loc(s))]

    def _decreases_of(self, s: A.WhileStmt) -> tuple[ir.Expr | None, int]:
        """The loop's termination measure in the IR, and a lower bound it has in the body."""
        dec = [x for x in s.specs if x.kind == "decreases"]
        if dec:
            if len(dec[0].exprs) != 1:
                return None, 0  # lexicographic: no simple trip bound
            e = dec[0].exprs[0]
        else:
            guessed = self._guessed_decreases(s.cond)
            if guessed is None:
                return None, 0
            e = guessed
        pre: list[ir.Stmt] = []
        saved = len(self.diags)
        try:
            d = self.expr(e, pre)
        except Abort:
            return None, 0
        finally:
            del self.diags[saved:]
        return (d if not pre else None), self._strict_guard_min(s.cond, e)

    def _strict_guard_min(self, cond: A.Expr | None, measure: A.Expr) -> int:
        """1 when the guard `A < B` makes the measure `B - A` at least 1 in the body."""
        if not isinstance(measure, A.BinaryExpr) or measure.op != "-":
            return 0
        text = self.text

        def same(x: A.Expr, y: A.Expr) -> bool:
            return text[x.start : x.end].strip("() ") == text[y.start : y.end].strip("() ")

        from toolchain.frontend.facts import conjuncts

        for c in conjuncts(cond) if cond is not None else []:
            if not isinstance(c, A.BinaryExpr):
                continue
            if c.op == "<" and same(c.rhs, measure.lhs) and same(c.lhs, measure.rhs):
                return 1
            if c.op == ">" and same(c.lhs, measure.lhs) and same(c.rhs, measure.rhs):
                return 1
        return 0

    def _guessed_decreases(self, cond: A.Expr | None) -> A.Expr | None:
        """Dafny's own guess for a loop without `decreases`: B - A for guards A < B, A <= B."""
        if not isinstance(cond, A.BinaryExpr):
            return None
        c = cond
        if c.op == "&&":
            return self._guessed_decreases(c.lhs) or self._guessed_decreases(c.rhs)
        if c.op in ("<", "<="):
            lo, hi = c.lhs, c.rhs
        elif c.op in (">", ">="):
            lo, hi = c.rhs, c.lhs
        else:
            return None
        return A.BinaryExpr(op="-", lhs=hi, rhs=lo, start=c.start, end=c.end)

    def while_stmt(self, s: A.WhileStmt) -> list[ir.Stmt]:
        if s.cond is None:
            raise self.fail(s, "HW107", "`while *` runs an arbitrary number of times")
        if any(x.kind == "decreases" and x.text.strip() == "*" for x in s.specs):
            raise self.fail(
                s,
                "HW109",
                "`decreases *` gives no termination bound: hardware needs a loop that ends",
            )
        if s.body is None:
            raise self.fail(s, "HW108", "a loop without a body is not hardware")
        pre: list[ir.Stmt] = []
        cond = self.expr(s.cond, pre)
        decreases, dec_min = self._decreases_of(s)
        self.loop_depth += 1
        self.labels.append((s.label, self.loop_depth))
        try:
            body = self.block(s.body.body)
        finally:
            self.loop_depth -= 1
            self.labels.pop()
        if pre:
            # the guard needs statements (an inlined call): evaluate it before each iteration
            flag = self.temp(ir.BOOL, self.loc(s.cond))
            set_flag = [
                *pre,
                ir.Assign(targets=[ir.VarTarget(name=flag)], values=[cond], loc=self.loc(s.cond)),
            ]
            cond = ir.Var(name=flag, type=ir.BOOL, loc=self.loc(s.cond))
            body = body + _clone_stmts(set_flag)
            head = set_flag
        else:
            head = []
        loop = ir.While(
            cond=cond,
            body=body,
            invariants=[self.spec_clause(x) for x in s.specs if x.kind == "invariant"],
            decreases=[self.spec_clause(x) for x in s.specs if x.kind == "decreases"],
            loc=self.span(s.start, s.cond.end),
        )
        self.loop_sites[id(loop)] = LoopSite(
            self.decl_stack[-1],
            s,
            decreases,
            self._spec_insert_point(s),
            self.visible_names(),
            dec_min,
        )
        return [*head, loop]

    def _spec_insert_point(self, s: A.WhileStmt | A.ForStmt) -> int:
        assert s.body is not None
        return s.body.start

    def for_stmt(self, s: A.ForStmt) -> list[ir.Stmt]:
        if s.hi is None:
            raise self.fail(s, "HW109", "`for ... to *` has no bound")
        if s.body is None:
            raise self.fail(s, "HW108", "a loop without a body is not hardware")
        pre: list[ir.Stmt] = []
        lo = self.expr(s.lo, pre)
        hi = self.expr(s.hi, pre)
        self.scopes.append({})
        d = self.resolve_type(s.var_type, s) if s.var_type is not None else INT
        base = s.var if len(self.decl_stack) == 1 else f"{self.decl_stack[-1]}_{s.var}"
        name = self.new_local(base, d.to_ir(), self.span(s.start, s.start + 3), dtype=d)
        self.bind(s.var, Scalar(name, d))
        self.var_source[name] = SourceVar(self.decl_stack[-1], s.var, s.start, "local")
        names = self.visible_names()
        self.loop_depth += 1
        self.labels.append((s.label, self.loop_depth))
        try:
            body = self.block(s.body.body)
        finally:
            self.loop_depth -= 1
            self.labels.pop()
            self.scopes.pop()
        loop = ir.For(
            var=name,
            lo=lo,
            hi=hi,
            body=body,
            descending=s.descending,
            invariants=[self.spec_clause(x) for x in s.specs if x.kind == "invariant"],
            loc=self.span(s.start, s.hi.end),
        )
        self.loop_sites[id(loop)] = LoopSite(
            self.decl_stack[-1], s, None, self._spec_insert_point(s), names
        )
        return [*pre, loop]

    def break_stmt(self, s: A.BreakStmt) -> list[ir.Stmt]:
        if s.label is not None:
            for label, depth in reversed(self.labels):
                if label == s.label:
                    return [ir.Break(levels=self.loop_depth - depth + 1, loc=self.loc(s))]
            raise self.fail(s, "HW114", f"unknown loop label {s.label}")
        return [ir.Break(levels=s.levels, loc=self.loc(s))]

    def return_stmt(self, s: A.ReturnStmt) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        if s.values:
            if len(s.values) != len(self.exit.outs):
                raise self.fail(s, "HW114", "return values do not match the results")
            if len(s.values) == 1 and self._is_method_call(s.values[0]):
                call = s.values[0]
                assert isinstance(call, A.Apply)
                out.extend(
                    self.call_stmt(
                        call,
                        [
                            A.Name(name=n, start=s.start, end=s.end)
                            for n in self._exit_source_names()
                        ],
                        s,
                    )
                )
            else:
                values: list[ir.Expr] = []
                for v in s.values:
                    values.append(self.expr(v, out))
                out.append(
                    ir.Assign(
                        targets=[ir.VarTarget(name=n, loc=self.loc(s)) for n in self.exit.outs],
                        values=values,
                        loc=self.loc(s),
                    )
                )
        if self.exit.wrapper_depth is None:
            out.append(ir.Return(loc=self.loc(s)))
        else:
            out.append(
                ir.Break(levels=self.loop_depth - self.exit.wrapper_depth + 1, loc=self.loc(s))
            )
        return out

    def _exit_source_names(self) -> list[str]:
        names = []
        for scope in self.scopes:
            for k, b in scope.items():
                if isinstance(b, Scalar) and b.ir_name in self.exit.outs:
                    names.append(k)
        return names

    # -- calls ---------------------------------------------------------------------------------

    def _bind_args(
        self,
        callee: A.MethodDecl | A.FunctionDecl,
        call: A.Apply,
        pre: list[ir.Stmt],
        scope: dict[str, Binding],
        prefix: str,
    ) -> dict[str, str]:
        params = [p for p in callee.params]
        if len(call.args) != len(params):
            raise self.fail(call, "HW114", f"{callee.name} takes {len(params)} arguments")
        ir_params: dict[str, str] = {}
        targets: list[ir.Target] = []
        values: list[ir.Expr] = []
        for p, a in zip(params, call.args, strict=True):
            if p.ghost:
                scope[p.name] = GhostVar()
                continue
            d = self.resolve_type(p.type, p)
            if d.is_collection:
                src = a.seq if isinstance(a, A.SliceExpr) and a.lo is None and a.hi is None else a
                b = self.lookup(src.name) if isinstance(src, A.Name) else None
                if not isinstance(b, ArrayRef):
                    raise self.fail(
                        a,
                        "HW103",
                        "pass arrays and sequences whole (a variable or `a[..]`): slices and "
                        "built sequences have no fixed hardware size",
                    )
                scope[p.name] = b
                continue
            name = self.new_local(
                f"{prefix}_{p.name}",
                d.to_ir(),
                self.loc(p),
                origin=f"{callee.name}.{p.name}",
                dtype=d,
            )
            self.var_source[name] = SourceVar(
                callee.name,
                p.name,
                p.start,
                "fparam" if isinstance(callee, A.FunctionDecl) else "param",
            )
            scope[p.name] = Scalar(name, d)
            ir_params[p.name] = name
            targets.append(ir.VarTarget(name=name, loc=self.loc(a)))
            values.append(self.expr(a, pre))
        if targets:
            pre.append(ir.Assign(targets=targets, values=values, loc=self.loc(call)))
        return ir_params

    def call_stmt(self, call: A.Apply, targets: list[A.Expr], s: A.Stmt) -> list[ir.Stmt]:
        if isinstance(call.func, A.Member):
            raise self.fail(
                call, "HW102", "calling a method of an object: heap objects are not hardware"
            )
        name = self._call_name(call)
        callee = self.find_callable(name)
        if callee is None:
            raise self.fail(call, "HW114", f"unknown method {name}")
        if isinstance(callee, A.FunctionDecl):
            # a function called as a statement target: `x := F(a)` handled by expr
            raise self.fail(call, "HW114", f"{name} is a function, not a method")
        if callee.ghost:
            return []  # lemma call: verification only
        if name in self.decl_stack:
            raise self.fail(
                call,
                "HW101",
                f"recursive call to {name}: general recursion cannot become hardware "
                "(write it as a loop, or as a tail-recursive function)",
            )
        if callee.body is None:
            raise self.fail(call, "HW100", f"{name} has no body to inline")
        if callee.body_error is not None:
            raise self.fail(call, "HW110", f"cannot read the body of {name}")
        if callee.container is not None:
            raise self.fail(call, "HW102", f"{name} is a member of {callee.container}")
        out: list[ir.Stmt] = []
        self.inlined.append(name) if name not in self.inlined else None
        prefix = self.fresh(f"{name}")
        self.used_names.discard(prefix)
        scope: dict[str, Binding] = {}
        ir_params = self._bind_args(callee, call, out, scope, prefix)
        ir_results: dict[str, str] = {}
        outs: list[str] = []
        for r in callee.returns:
            if r.ghost:
                scope[r.name] = GhostVar()
                continue
            d = self.resolve_type(r.type, r)
            if d.is_collection:
                raise self.fail(call, "HW103", f"{name} returns an array: inline it by hand")
            rn = self.new_local(
                f"{prefix}_{r.name}", d.to_ir(), self.loc(r), origin=f"{name}.{r.name}", dtype=d
            )
            self.var_source[rn] = SourceVar(name, r.name, r.start, "result")
            scope[r.name] = Scalar(rn, d)
            ir_results[r.name] = rn
            outs.append(rn)
        self.frames.append(CallFrame(callee, ir_params, ir_results))
        saved = (self.scopes, self.exit, self.decl_stack, self.labels)
        self.scopes = [scope]
        self.decl_stack = [*self.decl_stack, name]
        self.labels = []
        needs_wrapper = _has_early_return(callee.body.body)
        wrapper_flag = None
        if needs_wrapper:
            self.loop_depth += 1
            wrapper_flag = self.temp(ir.BOOL, self.loc(call))
        self.exit = ExitTarget(outs, self.loop_depth if needs_wrapper else -1)
        try:
            body = self.block(
                _strip_final_return(callee.body.body) if not needs_wrapper else callee.body.body,
                new_scope=True,
            )
            final = _final_return(callee.body.body)
            if final is not None and not needs_wrapper:
                body.extend(self._final_return_values(final))
        finally:
            if needs_wrapper:
                self.loop_depth -= 1
            self.scopes, self.exit, self.decl_stack, self.labels = saved
        if wrapper_flag is not None:
            true = ir.Const(value=True, type=ir.BOOL, loc=self.loc(call))
            false = ir.Const(value=False, type=ir.BOOL, loc=self.loc(call))
            body = [
                ir.Assign(
                    targets=[ir.VarTarget(name=wrapper_flag)], values=[true], loc=self.loc(call)
                ),
                ir.While(
                    cond=ir.Var(name=wrapper_flag, type=ir.BOOL, loc=self.loc(call)),
                    body=[
                        ir.Assign(
                            targets=[ir.VarTarget(name=wrapper_flag)],
                            values=[false],
                            loc=self.loc(call),
                        ),
                        *body,
                    ],
                    max_trips=1,
                    loc=self.loc(call),
                ),
            ]
        out.extend(body)
        # results to the caller's targets
        if targets:
            if len(targets) != len(outs):
                raise self.fail(s, "HW114", f"{name} returns {len(outs)} values")
            ir_targets: list[ir.Target] = []
            target_pre: list[ir.Stmt] = []
            for t in targets:
                ir_targets.append(self.target(t, target_pre))
            out.extend(target_pre)
            out.append(
                ir.Assign(
                    targets=ir_targets,
                    values=[
                        ir.Var(name=o, type=self.type_of_local(o), loc=self.loc(call)) for o in outs
                    ],
                    loc=self.loc(s),
                )
            )
            self._record_assign(s, [t.name for t in ir_targets if isinstance(t, ir.VarTarget)])
        return out

    def _final_return_values(self, final: A.ReturnStmt) -> list[ir.Stmt]:
        if not final.values:
            return []
        # lowered in the callee's scope: called while scopes are still the callee's
        out: list[ir.Stmt] = []
        values = [self.expr(v, out) for v in final.values]
        out.append(
            ir.Assign(
                targets=[ir.VarTarget(name=n) for n in self.exit.outs],
                values=values,
                loc=self.loc(final),
            )
        )
        return out

    def type_of_local(self, name: str) -> ir.HwType:
        for v in self.locals:
            if v.name == name:
                return v.type
        raise KeyError(name)

    # -- expressions ---------------------------------------------------------------------------

    def expr(self, e: A.Expr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.loc(e)
        if isinstance(e, A.IntLit):
            return ir.Const(
                value=e.value, type=ir.UNSIZED_INT if e.value < 0 else ir.UNSIZED_NAT, loc=loc
            )
        if isinstance(e, A.BoolLit):
            return ir.Const(value=e.value, type=ir.BOOL, loc=loc)
        if isinstance(e, A.Name):
            b = self.lookup(e.name)
            if isinstance(b, Scalar):
                return ir.Var(name=b.ir_name, type=self._var_type(b), loc=loc)
            if isinstance(b, ConstVal):
                return ir.Const(value=b.value, type=ir.UNSIZED_INT, loc=loc)
            if isinstance(b, ArrayRef):
                raise self.fail(
                    e, "HW103", f"{e.name} used as a whole value: read elements instead"
                )
            if isinstance(b, GhostVar):
                raise self.fail(e, "HW114", f"ghost variable {e.name} used in executable code")
            raise self.fail(e, "HW114", f"unknown name {e.name}")
        if isinstance(e, A.Member):
            if e.member == "Length" and isinstance(e.obj, A.Name):
                b = self.lookup(e.obj.name)
                if isinstance(b, ArrayRef):
                    return ir.Length(array=b.ir_name, type=ir.UNSIZED_NAT, loc=loc)
            if e.member.startswith("Length") and e.member[6:].isdigit():
                raise self.fail(e, "HW113", "multi-dimensional arrays are not supported yet")
            raise self.fail(e, "HW102", f"member access .{e.member}: objects are heap data")
        if isinstance(e, A.Cardinality):
            if isinstance(e.operand, A.Name):
                b = self.lookup(e.operand.name)
                if isinstance(b, ArrayRef):
                    return ir.Length(array=b.ir_name, type=ir.UNSIZED_NAT, loc=loc)
            raise self.fail(e, "HW103", "the size of a built collection is not hardware")
        if isinstance(e, A.IndexExpr):
            if len(e.indices) != 1:
                raise self.fail(e, "HW113", "multi-dimensional arrays are not supported yet")
            if isinstance(e.seq, A.Name):
                b = self.lookup(e.seq.name)
                if isinstance(b, ArrayRef):
                    idx = self.expr(e.indices[0], pre)
                    assert b.dtype.element is not None
                    et = b.dtype.element.to_ir()
                    return ir.Index(array=b.ir_name, index=idx, type=et, loc=loc)
            raise self.fail(
                e, "HW103", "indexing a built sequence: only array / sequence inputs can be read"
            )
        if isinstance(e, A.SliceExpr | A.UpdateExpr):
            raise self.fail(
                e,
                "HW103",
                "slices and updated sequences in executable code have no fixed hardware size",
            )
        if isinstance(e, A.UnaryExpr):
            v = self.expr(e.operand, pre)
            if e.op == "!":
                op = ir.UnOp.NOT if isinstance(v.type, ir.BoolType) else ir.UnOp.BNOT
                return ir.Unary(op=op, operand=v, type=v.type, loc=loc)
            t = v.type if isinstance(v.type, ir.IntType) and v.type.wraps else ir.UNSIZED_INT
            return ir.Unary(op=ir.UnOp.NEG, operand=v, type=t, loc=loc)
        if isinstance(e, A.BinaryExpr):
            return self.binary(e, pre)
        if isinstance(e, A.IfExpr):
            cond = self.expr(e.cond, pre)
            then_pre: list[ir.Stmt] = []
            other_pre: list[ir.Stmt] = []
            then = self.expr(e.then, then_pre)
            other = self.expr(e.otherwise, other_pre)
            joined = _join_types(then.type, other.type)
            if not then_pre and not other_pre:
                return ir.Cond(
                    cond=cond,
                    then=_retype_literal(then, joined),
                    otherwise=_retype_literal(other, joined),
                    type=joined,
                    loc=loc,
                )
            res = self.temp(joined, loc)
            pre.append(
                ir.If(
                    cond=cond,
                    then=[
                        *then_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[then], loc=loc),
                    ],
                    otherwise=[
                        *other_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[other], loc=loc),
                    ],
                    loc=loc,
                )
            )
            return ir.Var(name=res, type=joined, loc=loc)
        if isinstance(e, A.CastExpr):
            if e.is_test:
                raise self.fail(e, "HW111", "`is` type tests are not supported")
            v = self.expr(e.operand, pre)
            d = self.resolve_type(e.target, e)
            if not d.is_int:
                raise self.fail(e, "HW111", f"conversion to {e.target} is not supported")
            return ir.Cast(operand=v, type=d.to_ir(), loc=loc)
        if isinstance(e, A.Apply):
            return self.apply(e, pre)
        if isinstance(e, A.LetExpr):
            self.scopes.append({})
            try:
                for n, bound in zip(e.names, e.values, strict=False):
                    let_val = self.expr(bound, pre)
                    name = self.temp(let_val.type, self.loc(bound))
                    pre.append(
                        ir.Assign(
                            targets=[ir.VarTarget(name=name)],
                            values=[let_val],
                            loc=self.loc(bound),
                        )
                    )
                    self.bind(n, Scalar(name, self._dtype_of_ir(let_val)))
                return self.expr(e.body, pre)
            finally:
                self.scopes.pop()
        if isinstance(e, A.Quantifier):
            return self.quantifier(e, pre)
        if isinstance(e, A.OtherLit):
            if e.kind == "real":
                raise self.fail(e, "HW105", "real numbers have no fixed-width hardware form")
            if e.kind == "null":
                raise self.fail(e, "HW102", "null: heap references are not hardware")
            raise self.fail(e, "HW104", "strings and characters are not hardware data in this flow")
        if isinstance(e, A.Display):
            raise self.fail(
                e, "HW103", f"a {e.kind} value built in executable code has no fixed hardware size"
            )
        if isinstance(e, A.Comprehension):
            code = "HW106" if e.kind == "lambda" else "HW103"
            what = (
                "lambdas (higher-order functions)"
                if e.kind == "lambda"
                else f"{e.kind} comprehensions"
            )
            raise self.fail(e, code, f"{what} are not hardware")
        if isinstance(e, A.MatchExpr):
            raise self.fail(e, "HW108", "match expressions are not supported yet: use if-then-else")
        if isinstance(e, A.NewArray | A.NewObject):
            raise self.fail(e, "HW102", "allocation inside an expression is not supported")
        if isinstance(e, A.Havoc):
            raise self.fail(e, "HW107", "`*` is an arbitrary value")
        raise self.fail(e, "HW114", "this expression is not supported")

    def _var_type(self, b: Scalar) -> ir.HwType:
        return b.dtype.to_ir()

    def binary(self, e: A.BinaryExpr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.loc(e)
        op_map = {
            "+": ir.BinOp.ADD,
            "-": ir.BinOp.SUB,
            "*": ir.BinOp.MUL,
            "/": ir.BinOp.DIV,
            "%": ir.BinOp.MOD,
            "==": ir.BinOp.EQ,
            "!=": ir.BinOp.NE,
            "<": ir.BinOp.LT,
            "<=": ir.BinOp.LE,
            ">": ir.BinOp.GT,
            ">=": ir.BinOp.GE,
            "&&": ir.BinOp.AND,
            "||": ir.BinOp.OR,
            "==>": ir.BinOp.IMPLIES,
            "<==>": ir.BinOp.IFF,
            "&": ir.BinOp.BAND,
            "|": ir.BinOp.BOR,
            "^": ir.BinOp.BXOR,
            "<<": ir.BinOp.SHL,
            ">>": ir.BinOp.SHR,
        }
        if e.op in ("in", "!in"):
            return self.membership(e, pre)
        if e.op == "<==":
            return self.binary(
                A.BinaryExpr(op="==>", lhs=e.rhs, rhs=e.lhs, start=e.start, end=e.end), pre
            )
        if e.op not in op_map:
            raise self.fail(
                e, "HW103", f"operator {e.op} works on collections, not hardware values"
            )
        op = op_map[e.op]
        lhs = self.expr(e.lhs, pre)
        if op.is_logical:
            rhs_pre: list[ir.Stmt] = []
            rhs = self.expr(e.rhs, rhs_pre)
            if not rhs_pre:
                return ir.Binary(op=op, lhs=lhs, rhs=rhs, type=ir.BOOL, loc=loc)
            # the right operand needs statements: evaluate it only when the left one allows
            res = self.temp(ir.BOOL, loc)
            pre.append(ir.Assign(targets=[ir.VarTarget(name=res)], values=[lhs], loc=loc))
            guard: ir.Expr = ir.Var(name=res, type=ir.BOOL, loc=loc)
            if op == ir.BinOp.OR:
                guard = ir.Unary(op=ir.UnOp.NOT, operand=guard, type=ir.BOOL, loc=loc)
            final = rhs
            if op == ir.BinOp.IFF:
                final = ir.Binary(
                    op=ir.BinOp.IFF,
                    lhs=ir.Var(name=res, type=ir.BOOL, loc=loc),
                    rhs=rhs,
                    type=ir.BOOL,
                    loc=loc,
                )
                guard = ir.Const(value=True, type=ir.BOOL, loc=loc)
            if op == ir.BinOp.IMPLIES:
                # a ==> b: true when a is false, else b
                pre.append(
                    ir.If(
                        cond=ir.Var(name=res, type=ir.BOOL, loc=loc),
                        then=[
                            *rhs_pre,
                            ir.Assign(targets=[ir.VarTarget(name=res)], values=[rhs], loc=loc),
                        ],
                        otherwise=[
                            ir.Assign(
                                targets=[ir.VarTarget(name=res)],
                                values=[ir.Const(value=True, type=ir.BOOL, loc=loc)],
                                loc=loc,
                            )
                        ],
                        loc=loc,
                    )
                )
                return ir.Var(name=res, type=ir.BOOL, loc=loc)
            pre.append(
                ir.If(
                    cond=guard,
                    then=[
                        *rhs_pre,
                        ir.Assign(targets=[ir.VarTarget(name=res)], values=[final], loc=loc),
                    ],
                    loc=loc,
                )
            )
            return ir.Var(name=res, type=ir.BOOL, loc=loc)
        rhs = self.expr(e.rhs, pre)
        if op.is_comparison:
            t: ir.HwType = ir.BOOL
            common = _join_types(lhs.type, rhs.type)
            lhs, rhs = _retype_literal(lhs, common), _retype_literal(rhs, common)
        elif op in (ir.BinOp.SHL, ir.BinOp.SHR):
            t = lhs.type
            if not (isinstance(t, ir.IntType) and t.wraps):
                raise self.fail(e, "HW111", "shifts work on bit-vector types")
        else:
            t = _join_types(lhs.type, rhs.type)
            lhs, rhs = _retype_literal(lhs, t), _retype_literal(rhs, t)
            if isinstance(t, ir.IntType) and not t.wraps:
                t = ir.UNSIZED_INT
            if op in (ir.BinOp.BAND, ir.BinOp.BOR, ir.BinOp.BXOR) and isinstance(t, ir.BoolType):
                raise self.fail(e, "HW111", "use && / || on booleans")
        return ir.Binary(op=op, lhs=lhs, rhs=rhs, type=t, loc=loc)

    def membership(self, e: A.BinaryExpr, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.loc(e)
        coll = e.rhs
        if isinstance(coll, A.Display) and coll.kind in ("set", "seq", "multiset"):
            v = self.expr(e.lhs, pre)
            result: ir.Expr = ir.Const(value=False, type=ir.BOOL, loc=loc)
            for item in coll.items:
                it = self.expr(item, pre)
                common = _join_types(v.type, it.type)
                eq = ir.Binary(
                    op=ir.BinOp.EQ,
                    lhs=_retype_literal(v, common),
                    rhs=_retype_literal(it, common),
                    type=ir.BOOL,
                    loc=loc,
                )
                result = (
                    eq
                    if isinstance(result, ir.Const)
                    else ir.Binary(op=ir.BinOp.OR, lhs=result, rhs=eq, type=ir.BOOL, loc=loc)
                )
            if e.op == "!in":
                result = ir.Unary(op=ir.UnOp.NOT, operand=result, type=ir.BOOL, loc=loc)
            return result
        raise self.fail(
            e, "HW103", "membership in a collection value is not hardware (only in a literal set)"
        )

    def quantifier(self, e: A.Quantifier, pre: list[ir.Stmt]) -> ir.Expr:
        """A bounded `forall`/`exists` over an integer range becomes a search loop."""
        loc = self.loc(e)
        if len(e.vars) != 1:
            raise self.fail(
                e, "HW103", "quantifiers over several variables are not supported in code"
            )
        var = e.vars[0].name
        rng, body = e.range, e.body
        if rng is None and isinstance(body, A.BinaryExpr) and body.op in ("==>", "&&"):
            rng, body = body.lhs, body.rhs
        if rng is None:
            raise self.fail(e, "HW103", "a quantifier in code needs a range `lo <= x < hi`")
        lo_e: A.Expr | None = None
        hi_e: A.Expr | None = None
        rest: list[A.Expr] = []
        from toolchain.frontend.facts import conjuncts

        for c in conjuncts(rng):
            if (
                isinstance(c, A.BinaryExpr)
                and c.op in ("<=", "<")
                and isinstance(c.rhs, A.Name)
                and c.rhs.name == var
                and lo_e is None
            ):
                lo_e = (
                    c.lhs
                    if c.op == "<="
                    else A.BinaryExpr(
                        op="+",
                        lhs=c.lhs,
                        rhs=A.IntLit(value=1, start=c.start, end=c.start),
                        start=c.start,
                        end=c.end,
                    )
                )
            elif (
                isinstance(c, A.BinaryExpr)
                and c.op in ("<", "<=")
                and isinstance(c.lhs, A.Name)
                and c.lhs.name == var
                and hi_e is None
            ):
                hi_e = (
                    c.rhs
                    if c.op == "<"
                    else A.BinaryExpr(
                        op="+",
                        lhs=c.rhs,
                        rhs=A.IntLit(value=1, start=c.start, end=c.start),
                        start=c.start,
                        end=c.end,
                    )
                )
            else:
                rest.append(c)
        if lo_e is None or hi_e is None:
            raise self.fail(e, "HW103", "a quantifier in code needs a range `lo <= x < hi`")
        lo = self.expr(lo_e, pre)
        hi = self.expr(hi_e, pre)
        res = self.temp(ir.BOOL, loc)
        idx = self.new_local(f"{var}_q", ir.UNSIZED_INT, loc, origin="quantifier")
        self.declared[idx] = Interval(None, None)
        self.scopes.append({var: Scalar(idx, INT)})
        try:
            body_pre: list[ir.Stmt] = []
            cond = body
            for r in reversed(rest):
                cond = A.BinaryExpr(
                    op="==>" if e.kind == "forall" else "&&",
                    lhs=r,
                    rhs=cond,
                    start=r.start,
                    end=cond.end,
                )
            val = self.expr(cond, body_pre)
        finally:
            self.scopes.pop()
        forall = e.kind == "forall"
        hit = val if not forall else ir.Unary(op=ir.UnOp.NOT, operand=val, type=ir.BOOL, loc=loc)
        pre.append(
            ir.Assign(
                targets=[ir.VarTarget(name=res)],
                values=[ir.Const(value=forall, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        pre.append(
            ir.For(
                var=idx,
                lo=lo,
                hi=hi,
                body=[
                    *body_pre,
                    ir.If(
                        cond=hit,
                        then=[
                            ir.Assign(
                                targets=[ir.VarTarget(name=res)],
                                values=[ir.Const(value=not forall, type=ir.BOOL, loc=loc)],
                                loc=loc,
                            )
                        ],
                        loc=loc,
                    ),
                ],
                loc=loc,
            )
        )
        return ir.Var(name=res, type=ir.BOOL, loc=loc)

    def apply(self, e: A.Apply, pre: list[ir.Stmt]) -> ir.Expr:
        if isinstance(e.func, A.Member):
            raise self.fail(
                e, "HW102", "calling a member of an object: heap objects are not hardware"
            )
        if not isinstance(e.func, A.Name):
            raise self.fail(e, "HW106", "calling a computed function value is higher-order")
        name = e.func.name
        if name in ("old", "fresh", "unchanged", "allocated"):
            raise self.fail(e, "HW114", f"{name}() is specification-only")
        b = self.lookup(name)
        if b is not None:
            raise self.fail(e, "HW106", f"{name} is a value: calling it is higher-order")
        callee = self.find_callable(name)
        if callee is None:
            other = self.program.find(name)
            if isinstance(other, A.OtherDecl):
                raise self.fail(
                    e, "HW111", f"{name} builds a {other.kind} value: not hardware data"
                )
            raise self.fail(e, "HW114", f"unknown function {name}")
        if isinstance(callee, A.MethodDecl):
            raise self.fail(e, "HW114", f"method {name} called inside an expression")
        return self.inline_function(callee, e, pre)

    def inline_function(self, f: A.FunctionDecl, call: A.Apply, pre: list[ir.Stmt]) -> ir.Expr:
        loc = self.loc(call)
        if f.body is None:
            raise self.fail(call, "HW100", f"{f.name} has no body to inline")
        if f.body_error is not None:
            raise self.fail(call, "HW110", f"cannot read the body of {f.name}")
        if f.container is not None:
            raise self.fail(call, "HW102", f"{f.name} is a member of {f.container}")
        if f.type_params:
            raise self.fail(call, "HW111", f"{f.name} is generic: hardware needs concrete types")
        if f.name in self.decl_stack:
            raise self.fail(
                call,
                "HW101",
                f"recursive call to {f.name} outside tail position: general recursion cannot "
                "become hardware (make the recursive call the last thing the function does)",
            )
        rtype = self.resolve_type(f.result_type, (f.name_start, f.name_end))
        if rtype.is_collection:
            raise self.fail(call, "HW103", f"{f.name} returns a collection value")
        if f.name not in self.inlined:
            self.inlined.append(f.name)
        prefix = self.fresh(f.name)
        self.used_names.discard(prefix)
        scope: dict[str, Binding] = {}
        ir_params = self._bind_args(f, call, pre, scope, prefix)
        self.frames.append(CallFrame(f, ir_params, {}))
        recursive = _calls(f.body, f.name)
        saved = (self.scopes, self.decl_stack, self.current_decl)
        self.scopes = [scope]
        self.decl_stack = [*self.decl_stack, f.name]
        try:
            if not recursive:
                return self.expr(f.body, pre)
            return self.tail_loop(f, ir_params, rtype, call, pre, loc)
        finally:
            self.scopes, self.decl_stack, self.current_decl = saved

    def tail_loop(
        self,
        f: A.FunctionDecl,
        ir_params: dict[str, str],
        rtype: DType,
        call: A.Apply,
        pre: list[ir.Stmt],
        loc: ir.SourceSpan,
    ) -> ir.Expr:
        """`function F(p) { if c then F(p') else e }` -> `while !done { if c { p := p' } ... }`."""
        assert f.body is not None
        bad = _non_tail_self_call(f.body, f.name, tail=True)
        if bad is not None:
            raise self.fail(
                bad,
                "HW101",
                f"recursive call to {f.name} outside tail position: general recursion cannot "
                "become hardware (make the recursive call the last thing the function does)",
            )
        dec = f.specs_of("decreases")
        if dec and dec[0].text.strip() == "*":
            raise self.fail(call, "HW109", f"{f.name} has `decreases *`: no termination bound")
        self.recursive_functions.add(f.name)
        result = self.new_local(
            f"{f.name}_result", rtype.to_ir(), loc, origin=f"{f.name} result", dtype=rtype
        )
        self.var_source[result] = SourceVar(f.name, f.name, f.name_start, "fresult")
        done = self.temp(ir.BOOL, loc)
        body = self._tail_body(f, f.body, ir_params, result, done)
        decreases: ir.Expr | None = None
        dec_expr: A.Expr | None = None
        if dec and len(dec[0].exprs) == 1:
            dec_expr = dec[0].exprs[0]
        elif not dec:
            ints = [p for p in f.params if not p.ghost and p.name in ir_params]
            if len(ints) == 1:
                dec_expr = A.Name(name=ints[0].name, start=ints[0].start, end=ints[0].end)
        if dec_expr is not None:
            tmp_pre: list[ir.Stmt] = []
            try:
                decreases = self.expr(dec_expr, tmp_pre)
            except Abort:
                decreases = None
            if tmp_pre:
                decreases = None
        f_loc = self.span(f.name_start, f.name_end)
        loop = ir.While(
            cond=ir.Unary(
                op=ir.UnOp.NOT,
                operand=ir.Var(name=done, type=ir.BOOL, loc=f_loc),
                type=ir.BOOL,
                loc=f_loc,
            ),
            body=body,
            decreases=[self.spec_clause(s) for s in dec],
            loc=f_loc,
        )
        # the function's preconditions hold at every (recursive) call: loop-head facts
        as_invariants = [
            A.Spec(kind="invariant", expr=x.expr, text=x.text, start=x.start, end=x.end)
            for x in f.specs_of("requires")
        ]
        head = A.WhileStmt(cond=None, specs=as_invariants, body=None, start=f.start, end=f.end)
        self.loop_sites[id(loop)] = LoopSite(f.name, head, decreases, -1, dict(ir_params))
        pre.append(
            ir.Assign(
                targets=[ir.VarTarget(name=done)],
                values=[ir.Const(value=False, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        pre.append(loop)
        return ir.Var(name=result, type=rtype.to_ir(), loc=loc)

    def _tail_body(
        self, f: A.FunctionDecl, e: A.Expr, ir_params: dict[str, str], result: str, done: str
    ) -> list[ir.Stmt]:
        loc = self.loc(e)
        if isinstance(e, A.IfExpr):
            out: list[ir.Stmt] = []
            cond = self.expr(e.cond, out)
            out.append(
                ir.If(
                    cond=cond,
                    then=self._tail_body(f, e.then, ir_params, result, done),
                    otherwise=self._tail_body(f, e.otherwise, ir_params, result, done),
                    loc=loc,
                )
            )
            return out
        if isinstance(e, A.LetExpr):
            out = []
            self.scopes.append({})
            try:
                for n, v in zip(e.names, e.values, strict=False):
                    val = self.expr(v, out)
                    name = self.temp(val.type, self.loc(v))
                    out.append(
                        ir.Assign(targets=[ir.VarTarget(name=name)], values=[val], loc=self.loc(v))
                    )
                    self.bind(n, Scalar(name, self._dtype_of_ir(val)))
                out.extend(self._tail_body(f, e.body, ir_params, result, done))
            finally:
                self.scopes.pop()
            return out
        if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == f.name:
            out = []
            targets: list[ir.Target] = []
            values: list[ir.Expr] = []
            for p, a in zip(f.params, e.args, strict=True):
                if p.ghost:
                    continue
                if p.name not in ir_params:
                    # an array parameter must be passed on unchanged
                    if not (isinstance(a, A.Name) and a.name == p.name):
                        raise self.fail(
                            a, "HW101", f"{f.name} recurses with a different collection"
                        )
                    continue
                targets.append(ir.VarTarget(name=ir_params[p.name], loc=self.loc(a)))
                values.append(self.expr(a, out))
            out.append(ir.Assign(targets=targets, values=values, loc=loc))
            return out
        out = []
        val = self.expr(e, out)
        out.append(
            ir.Assign(
                targets=[ir.VarTarget(name=result), ir.VarTarget(name=done)],
                values=[val, ir.Const(value=True, type=ir.BOOL, loc=loc)],
                loc=loc,
            )
        )
        return out


def _clone_stmts(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    import copy

    return copy.deepcopy(stmts)


def _join_types(a: ir.HwType, b: ir.HwType) -> ir.HwType:
    if isinstance(a, ir.IntType) and a.wraps:
        return a
    if isinstance(b, ir.IntType) and b.wraps:
        return b
    if isinstance(a, ir.BoolType) and isinstance(b, ir.BoolType):
        return ir.BOOL
    if isinstance(a, ir.IntType) and isinstance(b, ir.IntType):
        return ir.IntType(width=None, signed=a.signed or b.signed)
    return a


def _retype_literal(e: ir.Expr, t: ir.HwType) -> ir.Expr:
    """Dafny literals take the type of their context (`x + 1` with x: bv8 adds a bv8 one)."""
    if (
        isinstance(e, ir.Const)
        and isinstance(t, ir.IntType)
        and t.wraps
        and isinstance(e.value, int)
        and not isinstance(e.value, bool)
    ):
        assert t.width is not None
        return ir.Const(value=e.value % (1 << t.width), type=t, loc=e.loc)
    return e


def _calls(e: A.Node, name: str) -> bool:
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        return True
    for v in vars(e).values():
        if isinstance(v, A.Node) and _calls(v, name):
            return True
        if isinstance(v, list):
            for x in v:
                if isinstance(x, A.Node) and _calls(x, name):
                    return True
    return False


def _non_tail_self_call(e: A.Expr, name: str, tail: bool) -> A.Expr | None:
    """The first recursive call to `name` that is not in tail position, if any."""
    if isinstance(e, A.IfExpr):
        if _calls(e.cond, name):
            return _first_call(e.cond, name)
        return _non_tail_self_call(e.then, name, tail) or _non_tail_self_call(
            e.otherwise, name, tail
        )
    if isinstance(e, A.LetExpr):
        for v in e.values:
            if _calls(v, name):
                return _first_call(v, name)
        return _non_tail_self_call(e.body, name, tail)
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        for a in e.args:
            if _calls(a, name):
                return _first_call(a, name)
        return None if tail else e
    if _calls(e, name):
        return _first_call(e, name)
    return None


def _first_call(e: A.Node, name: str) -> A.Expr | None:
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name == name:
        return e
    for v in vars(e).values():
        items = v if isinstance(v, list) else [v]
        for x in items:
            if isinstance(x, A.Node):
                r = _first_call(x, name)
                if r is not None:
                    return r
    return None


def _final_return(stmts: list[A.Stmt]) -> A.ReturnStmt | None:
    return stmts[-1] if stmts and isinstance(stmts[-1], A.ReturnStmt) else None


def _strip_final_return(stmts: list[A.Stmt]) -> list[A.Stmt]:
    return stmts[:-1] if _final_return(stmts) is not None else stmts


def _has_early_return(stmts: list[A.Stmt]) -> bool:
    def walk(s: A.Stmt) -> bool:
        if isinstance(s, A.ReturnStmt):
            return True
        if isinstance(s, A.BlockStmt):
            return any(walk(x) for x in s.body)
        if isinstance(s, A.IfStmt):
            return walk(s.then) or (s.otherwise is not None and walk(s.otherwise))
        if isinstance(s, A.WhileStmt | A.ForStmt):
            return s.body is not None and walk(s.body)
        return False

    return any(walk(s) for s in _strip_final_return(stmts))


def lower_program_method(
    program: A.Program, method_name: str, filename: str
) -> tuple[Lowered | None, list[Diagnostic]]:
    """Lower `method_name` of a parsed program; diagnostics say what could not be lowered."""
    lowerer = Lowerer(program, filename)
    decl = program.find(method_name)
    if decl is None:
        idx = LineIndex.of(program.text)
        names = ", ".join(m.name for m in program.methods() if not m.ghost) or "none"
        return None, [
            hw_diagnostic(
                filename, idx, 0, 1, "HW100", f"no method {method_name} (methods: {names})"
            )
        ]
    if not isinstance(decl, A.MethodDecl):
        idx = LineIndex.of(program.text)
        return None, [
            hw_diagnostic(
                filename,
                idx,
                decl.name_start,
                decl.name_end,
                "HW100",
                f"{method_name} is not a method: wrap the function in a method to make hardware",
            )
        ]
    lowered = lowerer.lower(decl)
    errors = [d for d in lowerer.diags if d.severity == Severity.error]
    if lowered is None or errors:
        return None, lowerer.diags
    return lowered, lowerer.diags
