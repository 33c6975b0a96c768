"""A local, three-valued reading of a method's `requires` over one candidate input vector.

Co-simulation keeps Dafny's compiled program as the judge of which candidates satisfy the
precondition (`reference.py`). This evaluator only lets the vector generator search far more
candidates than Dafny could run, and send it the ones likely to pass: it answers True, False, or
None ("cannot tell": a construct it does not read, a quantifier without a finite range, a call
that recurses too deep). A wrong answer here can only cost candidates, never a wrong verdict.

Values: ints (bools, chars as code points), lists for arrays / sequences / strings, frozensets
for sets and Counters for multisets, as the vector holds them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from toolchain.frontend import ast as A
from toolchain.frontend.chars import char_value, string_value
from toolchain.frontend.interval import euclid_div, euclid_mod

# enumeration cap of one quantifier (all its variables together): past it, "cannot tell"
_MAX_ENUMERATION = 20_000
_MAX_DEPTH = 40  # nested function calls (recursive predicates over a 16-element array fit)


class _Null:
    def __repr__(self) -> str:
        return "null"


NULL = _Null()


class Unknown(Exception):
    """The evaluator cannot tell (never: the precondition is false)."""


class RequiresEvaluator:
    """Evaluates expressions of one program over an environment of parameter values."""

    def __init__(self, program: A.Program) -> None:
        self.functions: dict[str, A.FunctionDecl] = {}
        for f in program.functions():
            if f.body is not None:
                self.functions.setdefault(f.name, f)
        self.consts: dict[str, A.Expr] = {
            d.name: d.value
            for d in program.decls
            if isinstance(d, A.ConstDecl) and d.value is not None
        }
        self.depth = 0
        self.nat_vars: dict[str, bool] = {}  # bound variable -> declared `nat`

    # -- entry points ---------------------------------------------------------------------------
    def holds(self, clauses: list[A.Expr], env: Mapping[str, Any]) -> bool | None:
        """True when every clause holds, False when one is false, None when it cannot tell."""
        unknown = False
        for clause in clauses:
            try:
                value = self.eval(clause, dict(env))
            except Unknown:
                unknown = True
                continue
            except (ZeroDivisionError, IndexError, TypeError, RecursionError, ValueError):
                unknown = True  # Dafny's well-formedness would have rejected it; not ours to say
                continue
            if value is False:
                return False
            if value is not True:
                unknown = True
        return None if unknown else True

    # -- expressions ----------------------------------------------------------------------------
    def eval(self, e: A.Expr, env: dict[str, Any]) -> Any:
        if isinstance(e, A.IntLit | A.BoolLit):
            return e.value
        if isinstance(e, A.OtherLit):
            return self._literal(e)
        if isinstance(e, A.Name):
            return self._name(e.name, env)
        if isinstance(e, A.BinaryExpr):
            return self._binary(e, env)
        if isinstance(e, A.UnaryExpr):
            v = self.eval(e.operand, env)
            if e.op == "!":
                return not _bool(v)
            if e.op == "-":
                return -_int(v)
            raise Unknown(e.op)
        if isinstance(e, A.Cardinality):
            v = self.eval(e.operand, env)
            if isinstance(v, Counter):
                return sum(v.values())
            if isinstance(v, list | frozenset):
                return len(v)
            raise Unknown("cardinality")
        if isinstance(e, A.Member):
            obj = self.eval(e.obj, env)
            if e.member == "Length" and isinstance(obj, list):
                return len(obj)
            raise Unknown(f".{e.member}")
        if isinstance(e, A.IndexExpr):
            seq = self.eval(e.seq, env)
            if len(e.indices) != 1 or not isinstance(seq, list):
                raise Unknown("index")
            i = _int(self.eval(e.indices[0], env))
            if not 0 <= i < len(seq):
                raise Unknown("index out of range")  # ill-formed: Dafny decides
            return seq[i]
        if isinstance(e, A.SliceExpr):
            seq = self.eval(e.seq, env)
            if not isinstance(seq, list):
                raise Unknown("slice")
            lo = 0 if e.lo is None else _int(self.eval(e.lo, env))
            hi = len(seq) if e.hi is None else _int(self.eval(e.hi, env))
            if not 0 <= lo <= hi <= len(seq):
                raise Unknown("slice out of range")
            return seq[lo:hi]
        if isinstance(e, A.IfExpr):
            c = _bool(self.eval(e.cond, env))
            return self.eval(e.then if c else e.otherwise, env)
        if isinstance(e, A.LetExpr):
            if len(e.names) != len(e.values):
                raise Unknown("let")
            inner = dict(env)
            for n, v in zip(e.names, e.values, strict=True):
                inner[n] = self.eval(v, env)
            return self.eval(e.body, inner)
        if isinstance(e, A.Display):
            items = [self.eval(x, env) for x in e.items]
            if e.kind == "seq":
                return items
            if e.kind == "set":
                return frozenset(_hashable(x) for x in items)
            if e.kind == "multiset":
                return Counter(_hashable(x) for x in items)
            raise Unknown(e.kind)
        if isinstance(e, A.Quantifier):
            return self._quantifier(e, env)
        if isinstance(e, A.Apply):
            return self._apply(e, env)
        if isinstance(e, A.CastExpr) and not e.is_test:
            v = self.eval(e.operand, env)
            if e.target.name in ("int", "nat", "char") and isinstance(v, int):
                return int(v)
            raise Unknown("cast")
        raise Unknown(type(e).__name__)

    def _literal(self, e: A.OtherLit) -> Any:
        if e.kind == "null":
            return NULL  # the harness never passes null: every `a != null` holds
        if e.kind == "char":
            v = char_value(e.text)
            if v is not None:
                return v
        if e.kind == "string":
            s = string_value(e.text)
            if s is not None:
                return s
        raise Unknown(e.kind)

    def _name(self, name: str, env: dict[str, Any]) -> Any:
        if name in env:
            return env[name]
        if name in self.consts:
            return self.eval(self.consts[name], {})
        if name in self.functions and not self.functions[name].params:
            return self._call(self.functions[name], [])
        raise Unknown(name)

    def _binary(self, e: A.BinaryExpr, env: dict[str, Any]) -> Any:
        op = e.op
        if op == "&&":
            return _bool(self.eval(e.lhs, env)) and _bool(self.eval(e.rhs, env))
        if op == "||":
            return _bool(self.eval(e.lhs, env)) or _bool(self.eval(e.rhs, env))
        if op == "==>":
            return (not _bool(self.eval(e.lhs, env))) or _bool(self.eval(e.rhs, env))
        if op == "<==":
            return _bool(self.eval(e.lhs, env)) or not _bool(self.eval(e.rhs, env))
        a = self.eval(e.lhs, env)
        b = self.eval(e.rhs, env)
        if op == "<==>":
            return _bool(a) == _bool(b)
        if op == "==":
            return _same(a, b)
        if op == "!=":
            return not _same(a, b)
        if op in ("in", "!in"):
            found = _member(a, b)
            return found if op == "in" else not found
        if op == "!!":
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                return not (a & b)
            raise Unknown("!!")
        if op in ("<", "<=", ">", ">="):
            return _compare(op, a, b)
        if op == "+":
            if isinstance(a, list) and isinstance(b, list):
                return a + b
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                return a | b
            if isinstance(a, Counter) and isinstance(b, Counter):
                return a + b
            return _int(a) + _int(b)
        if op == "-":
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                return a - b
            return _int(a) - _int(b)
        if op == "*":
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                return a & b
            return _int(a) * _int(b)
        if op == "/":
            return euclid_div(_int(a), _int(b))
        if op == "%":
            return euclid_mod(_int(a), _int(b))
        raise Unknown(op)

    def _apply(self, e: A.Apply, env: dict[str, Any]) -> Any:
        if not isinstance(e.func, A.Name):
            raise Unknown("call")
        name = e.func.name
        if name == "old" and len(e.args) == 1:
            return self.eval(e.args[0], env)
        if name in ("multiset", "set") and len(e.args) == 1:
            v = self.eval(e.args[0], env)
            if not isinstance(v, list | frozenset | Counter):
                raise Unknown(name)
            items = list(v.elements()) if isinstance(v, Counter) else list(v)
            if name == "set":
                return frozenset(_hashable(x) for x in items)
            return Counter(_hashable(x) for x in items)
        f = self.functions.get(name)
        if f is None or len(f.params) != len(e.args):
            raise Unknown(name)
        return self._call(f, [self.eval(a, env) for a in e.args])

    def _call(self, f: A.FunctionDecl, args: list[Any]) -> Any:
        if self.depth >= _MAX_DEPTH or f.body is None:
            raise Unknown(f"call depth at {f.name}")
        inner = {p.name: v for p, v in zip(f.params, args, strict=True)}
        # a function's own precondition is Dafny's to check; outside it the call is ill-formed
        for spec in f.specs_of("requires"):
            if spec.expr is None or not _bool(self.eval(spec.expr, dict(inner))):
                raise Unknown(f"{f.name} called outside its precondition")
        self.depth += 1
        try:
            return self.eval(f.body, inner)
        finally:
            self.depth -= 1

    # -- quantifiers ----------------------------------------------------------------------------
    def _quantifier(self, e: A.Quantifier, env: dict[str, Any]) -> bool:
        names = [v.name for v in e.vars]
        for v in e.vars:
            self.nat_vars[v.name] = v.type is not None and v.type.name == "nat"
        guard = _guard_conjuncts(e)
        domains = [self._domain(n, names, guard, env) for n in names]
        total = 1
        for d in domains:
            total *= max(len(d), 1)
            if total > _MAX_ENUMERATION:
                raise Unknown("quantifier too wide")
        want_all = e.kind == "forall"
        for values in itertools.product(*domains):
            inner = dict(env)
            inner.update(zip(names, values, strict=True))
            if e.range is not None and not _bool(self.eval(e.range, inner)):
                continue
            try:
                held = _bool(self.eval(e.body, inner))
            except Unknown:
                raise
            if want_all and not held:
                return False
            if not want_all and held:
                return True
        return want_all

    def _domain(self, name: str, names: list[str], guard: list[A.Expr], env: dict[str, Any]) -> Any:
        """A finite superset of the values of bound variable `name` that pass the guard."""
        for g in guard:
            if isinstance(g, A.BinaryExpr) and g.op == "in" and _is_name(g.lhs, name):
                if not _mentions(g.rhs, names):
                    coll = self.eval(g.rhs, env)
                    if isinstance(coll, Counter):
                        return sorted(coll)
                    if isinstance(coll, list | frozenset):
                        return sorted(set(coll), key=repr)
        lo = self._bound(name, names, guard, env, lower=True, seen=frozenset())
        if self.nat_vars.get(name) and (lo is None or lo < 0):
            lo = 0  # `forall i: nat :: i < |a| ==> ...`
        hi = self._bound(name, names, guard, env, lower=False, seen=frozenset())
        if lo is None or hi is None:
            raise Unknown(f"no finite range for {name}")
        return range(lo, hi + 1)

    def _bound(
        self,
        name: str,
        names: list[str],
        guard: list[A.Expr],
        env: dict[str, Any],
        *,
        lower: bool,
        seen: frozenset[str],
    ) -> int | None:
        """The tightest bound on `name` the guard's comparisons give (through other bound
        variables too: `0 <= i < j < n` bounds i by n)."""
        best: int | None = None
        for other, strict in _comparisons(name, guard, lower):
            if any(_is_name(other, n) for n in names):
                assert isinstance(other, A.Name)
                if other.name in seen or other.name == name:
                    continue
                got = self._bound(other.name, names, guard, env, lower=lower, seen=seen | {name})
                if got is None:
                    continue
            elif _mentions(other, names):
                continue
            else:
                try:
                    got = _int(self.eval(other, env))
                except (Unknown, IndexError, TypeError, ZeroDivisionError):
                    continue
            got = got + (1 if strict else 0) if lower else got - (1 if strict else 0)
            if best is None or (got > best if lower else got < best):
                best = got
        return best


def _guard_conjuncts(e: A.Quantifier) -> list[A.Expr]:
    parts: list[A.Expr] = []
    if e.range is not None:
        parts += _conjuncts(e.range)
    body = e.body
    if isinstance(body, A.BinaryExpr) and body.op == "==>":
        parts += _conjuncts(body.lhs)
    elif e.kind == "exists":
        parts += _conjuncts(body)
    return parts


def _conjuncts(e: A.Expr) -> list[A.Expr]:
    if isinstance(e, A.BinaryExpr) and e.op == "&&":
        return _conjuncts(e.lhs) + _conjuncts(e.rhs)
    return [e]


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _comparisons(name: str, guard: list[A.Expr], lower: bool) -> Iterator[tuple[A.Expr, bool]]:
    """(other side, strict) of every guard comparison bounding `name` from below / above."""
    for g in guard:
        if not isinstance(g, A.BinaryExpr) or g.op not in _FLIP:
            continue
        for var, other, op in ((g.lhs, g.rhs, g.op), (g.rhs, g.lhs, _FLIP[g.op])):
            if not _is_name(var, name):
                continue
            # `name op other`
            if lower and op in (">", ">="):
                yield other, op == ">"
            if not lower and op in ("<", "<="):
                yield other, op == "<"


def _is_name(e: A.Expr, name: str) -> bool:
    return isinstance(e, A.Name) and e.name == name


def _mentions(e: A.Expr, names: list[str]) -> bool:
    if isinstance(e, A.Name):
        return e.name in names
    return any(_mentions(c, names) for c in A.child_exprs(e))


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise Unknown("not a boolean")


def _int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise Unknown("not an integer")


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b) if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, Counter) and isinstance(b, Counter):
        return +a == +b
    return bool(a == b)


def _member(x: Any, coll: Any) -> bool:
    if isinstance(coll, Counter):
        return coll[_hashable(x)] > 0
    if isinstance(coll, frozenset):
        return _hashable(x) in coll
    if isinstance(coll, list):
        return any(_same(x, y) for y in coll)
    raise Unknown("in")


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool | list):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if isinstance(a, list) and isinstance(b, list) and op in ("<", "<="):
        # sequences: proper prefix / prefix
        prefix = len(a) <= len(b) and all(_same(x, y) for x, y in zip(a, b, strict=False))
        return prefix and (op == "<=" or len(a) < len(b))
    raise Unknown("comparison")
