"""Types for locals declared without type or value (`var i;`, the `i` of `var i, k: int;`).

Dafny infers such a local's type from its later uses; the lowering declares a local where it is
written, so without help it refuses with "cannot infer the type". This pass reads each method
body in order and, for such a local, takes the type of the first value assigned to it when that
type is evident from the syntax alone: an integer or boolean literal, arithmetic, a comparison,
`|s|` or `a.Length`, an element of a typed array, another variable whose type is known, or
the result of a function or method call. It
gives the base type (`int`, `bool`, `char`, `bvN`), never a subset type such as `nat`: the
hardware range of the local is still derived and proven by Dafny, so no fact is assumed that
the program does not state. When the type is not evident the local stays untyped and the
lowering's located refusal stands.
"""

from __future__ import annotations

from toolchain.frontend import ast as A

_ARITH = {"+", "-", "*", "/", "%"}
_BITS = {"&", "|", "^", "<<", ">>"}
_BOOLEAN = {"==", "!=", "<", "<=", ">", ">=", "&&", "||", "==>", "<==", "<==>", "in", "!in", "!!"}
_SCALARS = {"int", "nat", "bool", "char"}


def _base(t: A.TypeRef | None) -> str | None:
    """The base scalar type name a value of type `t` gives an inferred local, if scalar."""
    if t is None or t.args:
        return None
    if t.name == "nat":
        return "int"
    if t.name in _SCALARS or (t.name.startswith("bv") and t.name[2:].isdigit()):
        return t.name
    return None


class _Types:
    def __init__(self, known: dict[str, A.TypeRef], results: dict[str, list[A.TypeRef]]) -> None:
        self.known = dict(known)
        self.results = results  # function / method name -> its result types

    def results_of(self, e: A.Expr) -> list[str | None] | None:
        """The base types of a call's results (`t := F(x)`, `q, r := M(x)`)."""
        if isinstance(e, A.Apply) and isinstance(e.func, A.Name) and e.func.name in self.results:
            return [_base(t) for t in self.results[e.func.name]]
        return None

    def of(self, e: A.Expr) -> str | None:
        if isinstance(e, A.IntLit):
            return "int"
        if isinstance(e, A.BoolLit):
            return "bool"
        if isinstance(e, A.OtherLit) and e.kind == "char":
            return "char"
        if isinstance(e, A.Name):
            return _base(self.known.get(e.name))
        if isinstance(e, A.Cardinality):
            return "int"
        if isinstance(e, A.Member) and e.member == "Length":
            return "int"
        if isinstance(e, A.IndexExpr) and isinstance(e.seq, A.Name) and len(e.indices) == 1:
            t = self.known.get(e.seq.name)
            if t is not None and t.name in ("array", "seq") and len(t.args) == 1:
                return _base(t.args[0])
            return None
        if isinstance(e, A.UnaryExpr):
            return "bool" if e.op == "!" else self.of(e.operand)
        if isinstance(e, A.BinaryExpr):
            if e.op in _BOOLEAN:
                return "bool"
            if e.op in _ARITH or e.op in _BITS:
                # a bit-vector operand fixes the type; integer literals take the other side's
                left, right = self.of(e.lhs), self.of(e.rhs)
                for side in (left, right):
                    if side is not None and side.startswith("bv"):
                        return side
                if e.op in _ARITH and "int" in (left, right) and None not in (left, right):
                    return "int"
            return None
        if isinstance(e, A.IfExpr):
            return self.of(e.then) or self.of(e.otherwise)
        called = self.results_of(e)
        return called[0] if called is not None and len(called) == 1 else None


def infer_untyped_locals(program: A.Program) -> None:
    """Give evident types to the untyped, uninitialised locals of every method of `program`
    (see the module docstring). Idempotent: a local that has a type keeps it."""
    results: dict[str, list[A.TypeRef]] = {}
    for d in program.decls:
        if isinstance(d, A.FunctionDecl):
            results.setdefault(d.name, [d.result_type])
        elif isinstance(d, A.MethodDecl):
            results.setdefault(d.name, [r.type for r in d.returns if not r.ghost])
    for m in program.methods():
        if m.body is not None:
            known = {p.name: p.type for p in [*m.params, *m.returns]}
            _Walker(_Types(known, results)).block(m.body.body)


class _Walker:
    def __init__(self, types: _Types) -> None:
        self.types = types
        self.pending: dict[str, A.LocalVar] = {}

    def block(self, stmts: list[A.Stmt]) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s: A.Stmt) -> None:
        if isinstance(s, A.VarDecl):
            self._declare(s)
        elif isinstance(s, A.AssignStmt) and s.such_that is None and len(s.targets) == len(s.rhs):
            for target, value in zip(s.targets, s.rhs, strict=True):
                if isinstance(target, A.Name) and target.name in self.pending:
                    self._settle(target.name, self.types.of(value))
        elif isinstance(s, A.AssignStmt) and s.such_that is None and len(s.rhs) == 1:
            called = self.types.results_of(s.rhs[0])  # `q, r := DivMod(x, y)`
            if called is not None and len(called) == len(s.targets):
                for target, t in zip(s.targets, called, strict=True):
                    if isinstance(target, A.Name) and target.name in self.pending:
                        self._settle(target.name, t)
        elif isinstance(s, A.BlockStmt):
            self.block(s.body)
        elif isinstance(s, A.IfStmt):
            self.block(s.then.body)
            if s.otherwise is not None:
                self.stmt(s.otherwise)
        elif isinstance(s, A.WhileStmt | A.ForStmt) and s.body is not None:
            self.block(s.body.body)

    def _declare(self, s: A.VarDecl) -> None:
        if s.ghost:
            return
        for k, v in enumerate(s.vars):
            if v.type is not None:
                self.types.known[v.name] = v.type
                self.pending.pop(v.name, None)
            elif not s.rhs and s.such_that is None:
                self.pending[v.name] = v
            else:
                self.pending.pop(v.name, None)
                value = s.rhs[k] if len(s.rhs) == len(s.vars) else None
                t = self.types.of(value) if value is not None else None
                if t is not None:
                    self.types.known[v.name] = A.TypeRef(t, start=v.start, end=v.end)
                else:
                    self.types.known.pop(v.name, None)

    def _settle(self, name: str, t: str | None) -> None:
        if t is None:
            return
        local = self.pending.pop(name)
        local.type = A.TypeRef(t, start=local.start, end=local.end)
        self.types.known[name] = local.type


__all__ = ["infer_untyped_locals"]
