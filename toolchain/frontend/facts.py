"""Ranges read from specifications: preconditions, subset-type constraints, loop invariants.

A fact bounds a *term*: a variable (`x`), an array length (`a.Length`, `|s|`) or every element of
an array (`forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 256`). Facts relating two terms
(`i <= a.Length`, `x < y + 1`) are kept and propagated. Only forms whose meaning is certain are
read: an element fact counts only when its range covers the whole array.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from toolchain.frontend import ast as A
from toolchain.frontend.chars import char_value
from toolchain.frontend.interval import TOP, Interval

Term = tuple[str, str]  # ("var", x) | ("len", a) | ("elem", a)


def const_value(e: A.Expr, consts: Mapping[str, int]) -> int | None:
    """Fold a constant integer expression (literals, `const` declarations, + - * / %, `as`)."""
    if isinstance(e, A.IntLit):
        return e.value
    if isinstance(e, A.OtherLit) and e.kind == "char":
        return char_value(e.text)  # a char's value is its code point ('a' <= c compares them)
    if isinstance(e, A.Name):
        return consts.get(e.name)
    if isinstance(e, A.CastExpr) and not e.is_test:
        return const_value(e.operand, consts)
    if isinstance(e, A.UnaryExpr) and e.op == "-":
        v = const_value(e.operand, consts)
        return None if v is None else -v
    if isinstance(e, A.BinaryExpr) and e.op in ("+", "-", "*", "/", "%", "<<"):
        a = const_value(e.lhs, consts)
        b = const_value(e.rhs, consts)
        if a is None or b is None:
            return None
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if e.op == "<<":
            return a << b if 0 <= b < 4096 else None
        if b == 0:
            return None
        from toolchain.frontend.interval import euclid_div, euclid_mod

        return euclid_div(a, b) if e.op == "/" else euclid_mod(a, b)
    return None


def conjuncts(e: A.Expr) -> list[A.Expr]:
    if isinstance(e, A.BinaryExpr) and e.op == "&&":
        return conjuncts(e.lhs) + conjuncts(e.rhs)
    return [e]


def term_of(e: A.Expr, elem_var: str | None = None) -> Term | None:
    if isinstance(e, A.Name):
        return ("var", e.name)
    if isinstance(e, A.Member) and e.member == "Length" and isinstance(e.obj, A.Name):
        return ("len", e.obj.name)
    if isinstance(e, A.Cardinality) and isinstance(e.operand, A.Name):
        return ("len", e.operand.name)
    indexed = _indexed_by(e, elem_var) if elem_var is not None else None
    if indexed is not None:
        return ("elem", indexed)
    return None


@dataclass(frozen=True)
class Linear:
    """term + offset, or a plain constant when term is None."""

    term: Term | None
    offset: int


def linear_of(e: A.Expr, consts: Mapping[str, int], elem_var: str | None = None) -> Linear | None:
    c = const_value(e, consts)
    if c is not None:
        return Linear(None, c)
    t = term_of(e, elem_var)
    if t is not None and not (t[0] == "var" and t[1] in consts):
        return Linear(t, 0)
    if isinstance(e, A.BinaryExpr) and e.op in ("+", "-"):
        lhs = linear_of(e.lhs, consts, elem_var)
        k = const_value(e.rhs, consts)
        if lhs is not None and k is not None:
            return Linear(lhs.term, lhs.offset + (k if e.op == "+" else -k))
        rhs = linear_of(e.rhs, consts, elem_var)
        k2 = const_value(e.lhs, consts)
        if e.op == "+" and rhs is not None and k2 is not None:
            return Linear(rhs.term, rhs.offset + k2)
    return None


@dataclass(frozen=True)
class Relation:
    """lhs.term  <=  rhs.term + k   (strictness folded into k)."""

    lhs: Term
    rhs: Term
    k: int


@dataclass
class Facts:
    bounds: dict[Term, Interval]
    relations: list[Relation]

    def get(self, t: Term) -> Interval:
        return self.bounds.get(t, TOP)

    def tighten(self, t: Term, iv: Interval) -> None:
        self.bounds[t] = self.get(t).meet(iv)

    def propagate(self, rounds: int = 4) -> None:
        for _ in range(rounds):
            changed = False
            for r in self.relations:
                a, b = self.get(r.lhs), self.get(r.rhs)
                new_a = a.meet(Interval(None, None if b.hi is None else b.hi + r.k))
                new_b = b.meet(Interval(None if a.lo is None else a.lo - r.k, None))
                if new_a != a:
                    self.bounds[r.lhs] = new_a
                    changed = True
                if new_b != b:
                    self.bounds[r.rhs] = new_b
                    changed = True
            if not changed:
                return


def _compare_facts(op: str, lhs: Linear, rhs: Linear, facts: Facts) -> None:
    # normalise to lhs <= rhs + k
    if op in (">", ">="):
        lhs, rhs = rhs, lhs
        op = "<" if op == ">" else "<="
    if op == "==":
        _compare_facts("<=", lhs, rhs, facts)
        _compare_facts("<=", rhs, lhs, facts)
        return
    if op not in ("<", "<="):
        return
    strict = 1 if op == "<" else 0
    # lhs.term + lo <= rhs.term + ro - strict
    if lhs.term is None and rhs.term is None:
        return
    if lhs.term is None:
        facts.tighten(rhs.term, Interval(lhs.offset - rhs.offset + strict, None))  # type: ignore[arg-type]
    elif rhs.term is None:
        facts.tighten(lhs.term, Interval(None, rhs.offset - lhs.offset - strict))
    else:
        facts.relations.append(Relation(lhs.term, rhs.term, rhs.offset - lhs.offset - strict))


def _index_bounds(
    range_expr: A.Expr | None, var: str, consts: Mapping[str, int], *, turned: bool
) -> tuple[bool, list[tuple[str, A.Expr]]]:
    """Reads a quantifier range's comparisons on `var`: whether one starts it at 0 or below, and
    each upper bound `var < e` / `var <= e` as (op, e), in order. With `turned`, `>` and `>=`
    comparisons count too, read the other way round."""
    lower_ok = False
    uppers: list[tuple[str, A.Expr]] = []
    ops = ("<", "<=", ">", ">=") if turned else ("<", "<=")
    for c in conjuncts(range_expr) if range_expr is not None else []:
        if not isinstance(c, A.BinaryExpr) or c.op not in ops:
            continue
        lhs, rhs, op = c.lhs, c.rhs, c.op
        if op in (">", ">="):
            lhs, rhs = rhs, lhs
            op = "<" if op == ">" else "<="
        if isinstance(rhs, A.Name) and rhs.name == var:
            lo = const_value(lhs, consts)
            lower_ok = lower_ok or (lo is not None and lo <= 0)
        if isinstance(lhs, A.Name) and lhs.name == var:
            uppers.append((op, rhs))
    return lower_ok, uppers


def _covers_whole_array(
    range_expr: A.Expr | None, var: str, consts: Mapping[str, int], facts: Facts
) -> str | None:
    """The array whose every index the quantifier range `0 <= k < a.Length` covers, if any."""
    lower_ok, uppers = _index_bounds(range_expr, var, consts, turned=True)
    upper: str | None = None
    for op, bound in uppers:
        lin = linear_of(bound, consts)
        if lin is None or lin.term is None or lin.term[0] != "len":
            continue
        # k < a.Length + off covers the array when off >= 0 (<: off >= 0, <=: off >= -1)
        need = 0 if op == "<" else -1
        if lin.offset >= need:
            upper = lin.term[1]
    return upper if lower_ok else None


def _element_facts(q: A.Quantifier, consts: Mapping[str, int], facts: Facts) -> None:
    if q.kind != "forall" or len(q.vars) != 1:
        return
    var = q.vars[0].name
    range_expr = q.range
    body = q.body
    if isinstance(body, A.BinaryExpr) and body.op == "==>":
        range_expr = body.lhs if range_expr is None else range_expr
        body = body.rhs
    # `forall x :: x in s ==> P(x)` / `forall x | x in a[..] :: P(x)`
    if (
        isinstance(range_expr, A.BinaryExpr)
        and range_expr.op == "in"
        and isinstance(range_expr.lhs, A.Name)
        and range_expr.lhs.name == var
    ):
        coll = range_expr.rhs
        if isinstance(coll, A.SliceExpr) and coll.lo is None and coll.hi is None:
            coll = coll.seq
        if isinstance(coll, A.Name):
            _element_bounds(body, var, coll.name, consts, facts, membership=True)
        return
    array = _covers_whole_array(range_expr, var, consts, facts)
    if array is not None:
        _element_bounds(body, var, array, consts, facts, membership=False)
        return
    # `forall k :: 0 <= k < 4 ==> ...c[k]...` covers c when c.Length <= 4 is known
    upper = _constant_upper(range_expr, var, consts)
    if upper is None:
        return
    for name in _indexed_arrays(body, var):
        length = facts.get(("len", name))
        if length.hi is not None and length.hi <= upper:
            _element_bounds(body, var, name, consts, facts, membership=False)


def _constant_upper(range_expr: A.Expr | None, var: str, consts: Mapping[str, int]) -> int | None:
    """N when the range is `0 <= k < N` (or `<= N - 1`) with a constant N."""
    # only the `k < N` spelling is read here (not `N > k`): widening it would change which
    # facts, hence which ranges, existing programs get
    lower_ok, uppers = _index_bounds(range_expr, var, consts, turned=False)
    upper: int | None = None
    for op, bound in uppers:
        hi = const_value(bound, consts)
        if hi is not None:
            upper = hi if op == "<" else hi + 1
    return upper if lower_ok else None


def _indexed_by(e: A.Node, var: str) -> str | None:
    """The array `a` when `e` is exactly `a[var]`."""
    if (
        isinstance(e, A.IndexExpr)
        and isinstance(e.seq, A.Name)
        and len(e.indices) == 1
        and isinstance(e.indices[0], A.Name)
        and e.indices[0].name == var
    ):
        return e.seq.name
    return None


def _indexed_arrays(e: A.Node, var: str) -> set[str]:
    out: set[str] = set()
    indexed = _indexed_by(e, var)
    if indexed is not None:
        out.add(indexed)
    for c in A.child_nodes(e):
        out |= _indexed_arrays(c, var)
    return out


def _element_bounds(
    body: A.Expr,
    var: str,
    array: str,
    consts: Mapping[str, int],
    facts: Facts,
    membership: bool,
) -> None:
    for c in conjuncts(body):
        if not isinstance(c, A.BinaryExpr) or c.op not in ("<", "<=", ">", ">=", "=="):
            continue
        local = Facts({}, [])

        def lin(e: A.Expr) -> Linear | None:
            if membership and isinstance(e, A.Name) and e.name == var:
                return Linear(("elem", array), 0)
            return linear_of(e, consts, elem_var=var)

        lhs, rhs = lin(c.lhs), lin(c.rhs)
        if lhs is None or rhs is None:
            continue
        _compare_facts(c.op, lhs, rhs, local)
        for t, iv in local.bounds.items():
            if t == ("elem", array):
                facts.tighten(t, iv)


def add_facts(e: A.Expr, consts: Mapping[str, int], facts: Facts) -> None:
    """Read every certain bound out of one boolean specification expression."""
    for c in conjuncts(e):
        if isinstance(c, A.Quantifier):
            _element_facts(c, consts, facts)
            continue
        if isinstance(c, A.BinaryExpr) and c.op in ("<", "<=", ">", ">=", "=="):
            lhs, rhs = linear_of(c.lhs, consts), linear_of(c.rhs, consts)
            if lhs is not None and rhs is not None:
                _compare_facts(c.op, lhs, rhs, facts)


def facts_from(exprs: list[A.Expr], consts: Mapping[str, int]) -> Facts:
    facts = Facts({}, [])
    # plain bounds first: whether a quantifier covers an array can depend on its length
    quantified: list[A.Expr] = []
    for e in exprs:
        for c in conjuncts(e):
            if isinstance(c, A.Quantifier):
                quantified.append(c)
            else:
                add_facts(c, consts, facts)
    facts.propagate()
    for q in quantified:
        add_facts(q, consts, facts)
    facts.propagate()
    return facts


def constraint_range(constraint: A.Expr, var: str, consts: Mapping[str, int]) -> Interval:
    """The range a subset type / newtype constraint `x | lo <= x < hi` gives its values."""
    facts = facts_from([constraint], consts)
    return facts.get(("var", var))
