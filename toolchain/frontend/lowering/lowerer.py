"""Lower one Dafny method (AST) to the hardware IR.

Calls to methods and compiled functions are inlined; a tail-recursive function becomes a loop;
specification (requires, ensures, invariants, asserts, ghost code, lemma calls) is kept as text
and never lowered. Every construct that cannot become hardware is reported at its location and
lowering goes on, so one run reports every problem of the method.

`Lowerer` wires the collaborators of one run: the shared `LoweringContext`, the statement and
expression lowerers, and the call inliner that both of them hand calls to.
"""

from __future__ import annotations

from shared_schemas.verification import Diagnostic, Severity
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.diagnostics import hw_diagnostic
from toolchain.frontend.dtypes import DType
from toolchain.frontend.facts import facts_from
from toolchain.frontend.lowering.buffers import add_length_var
from toolchain.frontend.lowering.calls import CallInliner
from toolchain.frontend.lowering.expressions import ExpressionLowerer
from toolchain.frontend.lowering.method_recursion import recursive_method_function
from toolchain.frontend.lowering.results import LoopSite, Lowered, SourceVar
from toolchain.frontend.lowering.scope import (
    Abort,
    ArrayRef,
    ExitTarget,
    GhostVar,
    LoweringContext,
    Scalar,
    TailSelf,
    is_char_type,
)
from toolchain.frontend.lowering.statements import StatementLowerer
from toolchain.frontend.lowering.tailcalls import (
    copy_params,
    measure,
    self_calls,
    tail_call_error,
)
from toolchain.frontend.lowering.untyped_locals import infer_untyped_locals


class Lowerer:
    """Lowers one method of a program; `ctx.diags` collects what could not be lowered."""

    def __init__(self, program: A.Program, filename: str) -> None:
        self.ctx = LoweringContext(program, filename)
        self.exprs = ExpressionLowerer(self.ctx)
        self.stmts = StatementLowerer(self.ctx, self.exprs)
        self.calls = CallInliner(self.ctx, self.exprs, self.stmts)

    def lower(self, decl: A.MethodDecl) -> Lowered | None:
        self.ctx.current_decl = decl.name
        self.ctx.decl_stack = [decl.name]
        refusal = _refusal(decl)
        if refusal is not None:
            self.ctx.report(*refusal)
            return None
        assert decl.body is not None  # _refusal refuses a method without one
        self.ctx.scopes = [{}]
        ports: list[ir.Port] = []
        modified = self._modified_names(decl)
        for p in decl.params:
            d = self._port_type(p)
            if d is None:
                continue
            if d.is_collection:
                mutable = d.kind == "array" and p.name in modified
                ports.append(
                    ir.Port(
                        name=p.name,
                        type=d.to_ir(mutable=mutable),
                        direction="inout" if mutable else "in",
                        loc=self.ctx.loc(p),
                    )
                )
                self.ctx.bind(p.name, ArrayRef(p.name, d))
                if d.element is not None and is_char_type(d.element):
                    self.ctx.char_vars.add(p.name)
            else:
                ports.append(
                    ir.Port(name=p.name, type=d.to_ir(), direction="in", loc=self.ctx.loc(p))
                )
                self.ctx.bind(p.name, Scalar(p.name, d))
                if d.is_int:
                    self.ctx.declared[p.name] = d.range
                if is_char_type(d):
                    self.ctx.char_vars.add(p.name)
                if d.ctors:
                    self.ctx.enum_vars[p.name] = len(d.ctors)
            self.ctx.var_source[p.name] = SourceVar(decl.name, p.name, p.start, "param")
        outs: list[str] = []
        for r in decl.returns:
            d = self._port_type(r)
            if d is None:
                continue
            port = ir.Port(
                name=r.name, type=d.to_ir(mutable=True), direction="out", loc=self.ctx.loc(r)
            )
            ports.append(port)
            if d.is_collection:
                # a result sequence or array is a buffer: its length is decided at run time
                port.length_var = add_length_var(
                    self.ctx, r.name, r.name, d, r.start, "result", self.ctx.loc(r)
                )
                self.ctx.bind(r.name, ArrayRef(r.name, d, port.length_var))
            else:
                self.ctx.bind(r.name, Scalar(r.name, d))
            if d.is_int:
                self.ctx.declared[r.name] = d.range
            if is_char_type(d) or (d.element is not None and is_char_type(d.element)):
                self.ctx.char_vars.add(r.name)
            if d.ctors:
                self.ctx.enum_vars[r.name] = len(d.ctors)
            self.ctx.var_source[r.name] = SourceVar(decl.name, r.name, r.start, "result")
            outs.append(r.name)
        for port in ports:
            port.chars = port.name in self.ctx.char_vars
        self.ctx.exit = ExitTarget(outs, None)
        as_function = recursive_method_function(decl)
        if self_calls(decl.body.body, decl.name) and tail_call_error(decl) is None:
            body = self._tail_loop(decl, outs)
        elif as_function is not None:
            body = self._stack_call(decl, as_function, outs)
        else:
            body = self.stmts.block(decl.body.body, new_scope=True)
        requires = [e for s in decl.specs_of("requires") if (e := s.expr) is not None]
        facts = facts_from(requires, self.ctx.consts)
        method = ir.HardwareMethod(
            name=decl.name,
            loc=self.ctx.span(decl.name_start, decl.name_end),
            ports=ports,
            locals=self.ctx.locals,
            body=body,
            requires=[self.ctx.spec_clause(s) for s in decl.specs_of("requires")],
            ensures=[self.ctx.spec_clause(s) for s in decl.specs_of("ensures")],
            inlined=self.ctx.inlined,
        )
        return Lowered(
            method=method,
            decl=decl,
            var_source=self.ctx.var_source,
            declared=self.ctx.declared,
            explicit_width=self.ctx.explicit_width,
            assign_sites=self.ctx.assign_sites,
            loop_sites=self.ctx.loop_sites,
            frames=self.ctx.frames,
            input_facts=facts,
            array_alloc=self.ctx.array_alloc,
            recursive_functions=self.ctx.recursive_functions,
            program_text=self.ctx.text,
            program_decls=self.ctx.program.decls,
            diagnostics=self.ctx.diags,
            char_vars=self.ctx.char_vars,
            enum_vars=self.ctx.enum_vars,
            stack_functions=self.ctx.stack_functions,
            store_sites=self.ctx.store_sites,
        )

    def _port_type(self, p: A.Param) -> DType | None:
        """The type of a parameter or result that becomes a port, its name then taken; None for
        a ghost one (bound as ghost: it has no port) or one whose type has no hardware form
        (already reported)."""
        if p.ghost:
            self.ctx.bind(p.name, GhostVar())
            return None
        try:
            d = self.ctx.resolve_type(p.type, p)
        except Abort:
            return None
        self.ctx.used_names.add(p.name)
        return d

    def _stack_call(self, decl: A.MethodDecl, f: A.FunctionDecl, outs: list[str]) -> list[ir.Stmt]:
        """A linearly recursive method as one call of the function it computes, run with a
        stack (see `method_recursion`): `result := F(parameters)`."""
        at = {"start": decl.name_start, "end": decl.name_end}
        call = A.Apply(
            func=A.Name(name=decl.name, **at),
            args=[A.Name(name=p.name, **at) for p in decl.params],
            **at,
        )
        body: list[ir.Stmt] = []
        self.ctx.decl_stack = []  # the method is not yet entered: its first call is this one
        try:
            value = self.calls.inline_function(f, call, body)
        except Abort:
            return []
        finally:
            self.ctx.decl_stack = [decl.name]
        loc = self.ctx.span(decl.name_start, decl.name_end)
        body.append(
            ir.Assign(targets=[ir.VarTarget(name=outs[0], loc=loc)], values=[value], loc=loc)
        )
        return body

    def _tail_loop(self, decl: A.MethodDecl, outs: list[str]) -> list[ir.Stmt]:
        """The body of a tail-recursive method as a loop over its parameters (see `tailcalls`)."""
        assert decl.body is not None
        loc = self.ctx.span(decl.name_start, decl.name_end)
        port_types: dict[str, ir.HwType] = {}
        for prm in decl.params:
            b = self.ctx.lookup(prm.name)
            if isinstance(b, Scalar):
                port_types[prm.name] = b.dtype.to_ir()
        copies = copy_params(self.ctx, decl)  # pushes the scope of the copies
        again = self.ctx.temp(ir.BOOL, loc)
        once = self.ctx.temp(ir.BOOL, loc)
        try:
            self.ctx.tail_self = TailSelf(decl.name, decl, copies, again, wrapper_depth=2)
            self.ctx.exit = ExitTarget(outs, 2)
            self.ctx.loop_depth = 2
            inner = self.stmts.block(decl.body.body, new_scope=True)
            dec = measure(self.ctx, self.exprs, decl)
            names = self.ctx.visible_names()
        finally:
            self.ctx.loop_depth = 0
            self.ctx.tail_self = None
            self.ctx.exit = ExitTarget(outs, None)
            self.ctx.scopes.pop()

        def flag(name: str, value: bool) -> ir.Stmt:
            return ir.Assign(
                targets=[ir.VarTarget(name=name, loc=loc)],
                values=[ir.Const(value=value, type=ir.BOOL, loc=loc)],
                loc=loc,
            )

        def var(name: str) -> ir.Expr:
            return ir.Var(name=name, type=ir.BOOL, loc=loc)

        wrapper = ir.While(cond=var(once), body=[flag(once, False), *inner], max_trips=1, loc=loc)
        loop = ir.While(
            cond=var(again), body=[flag(again, False), flag(once, True), wrapper], loc=loc
        )
        # a trip per call: the measure drops at every recursive call and is >= 0 where one is
        # made, so the last trip may start at any value below 0 (the bound allows one more trip)
        site = A.WhileStmt(cond=None, specs=[], body=None, start=decl.start, end=decl.end)
        self.ctx.loop_sites[id(loop)] = LoopSite(decl.name, site, dec, -1, names, -1)
        start = (
            [
                ir.Assign(
                    targets=[ir.VarTarget(name=c, loc=loc) for _, c in copies],
                    values=[
                        ir.Var(
                            name=decl.params[pos].name,
                            type=port_types[decl.params[pos].name],
                            loc=loc,
                        )
                        for pos, c in copies
                    ],
                    loc=loc,
                )
            ]
            if copies
            else []
        )
        return [*start, flag(again, True), loop]

    def _modified_names(self, decl: A.MethodDecl) -> set[str]:
        names: set[str] = set()
        for s in decl.specs_of("modifies"):
            for e in s.exprs:
                if isinstance(e, A.Name):
                    names.add(e.name)
        return names


def lower_program_method(
    program: A.Program, method_name: str, filename: str
) -> tuple[Lowered | None, list[Diagnostic]]:
    """Lower `method_name` of a parsed program; diagnostics say what could not be lowered."""
    infer_untyped_locals(program)  # callees are inlined: theirs too
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
    errors = [d for d in lowerer.ctx.diags if d.severity == Severity.error]
    if lowered is None or errors:
        return None, lowerer.ctx.diags
    return lowered, lowerer.ctx.diags


def _refusal(decl: A.MethodDecl) -> tuple[tuple[int, int], str, str] | None:
    """Why the method cannot be lowered at all, as (where, code, message); None when it can be
    tried. Checked in this order: the first reason is the one reported."""
    name = (decl.name_start, decl.name_end)
    if decl.container is not None:
        return (
            name,
            "HW102",
            f"{decl.name} is a member of {decl.container}: methods of classes work on heap "
            "objects; move it to the top level (a static method of a class is fine once moved)",
        )
    if decl.ghost:
        return name, "HW100", f"{decl.kind} {decl.name} is ghost: it only exists for verification"
    if decl.body_error is not None:
        msg, off = decl.body_error
        return (off, off + 1), "HW110", f"cannot read this method body: {msg}"
    if decl.body is None:
        return name, "HW100", f"{decl.name} has no body to lower"
    if decl.type_params:
        return (
            name,
            "HW111",
            f"{decl.name} is generic (<{', '.join(decl.type_params)}>): hardware needs "
            "concrete types",
        )
    return None
