"""The shapes of `forall` statements that lower to a loop: the index range split into
`lo <= i < hi` and the rest, and the check that an update reads no other element of the array it
writes (Dafny evaluates every right-hand side before it writes any element)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from toolchain.frontend import ast as A
from toolchain.frontend.facts import conjuncts


def is_var(e: A.Expr, var: str) -> bool:
    """`e` is the name `var` itself."""
    return isinstance(e, A.Name) and e.name == var


def _plus_one(e: A.Expr) -> A.Expr:
    one = A.IntLit(value=1, start=e.end, end=e.end)
    return A.BinaryExpr(op="+", lhs=e, rhs=one, start=e.start, end=e.end)


def index_bounds(rng: A.Expr | None, var: str) -> tuple[A.Expr | None, A.Expr | None, list[A.Expr]]:
    """Split a forall range into `lo <= var < hi` (hi exclusive) and the other conjuncts."""
    lo: A.Expr | None = None
    hi: A.Expr | None = None
    rest: list[A.Expr] = []
    for c in conjuncts(rng) if rng is not None else []:
        if isinstance(c, A.BinaryExpr) and c.op in ("<", "<=", ">", ">="):
            # as `x op' var` or `var op' x`, with op' pointing from the smaller side
            small, big = (c.lhs, c.rhs) if c.op in ("<", "<=") else (c.rhs, c.lhs)
            strict = c.op in ("<", ">")
            if lo is None and is_var(big, var) and not _mentions(small, var):
                lo = _plus_one(small) if strict else small
                continue
            if hi is None and is_var(small, var) and not _mentions(big, var):
                hi = big if strict else _plus_one(big)
                continue
        rest.append(c)
    return lo, hi, rest


def _children(node: object) -> list[object]:
    if not is_dataclass(node):
        return []
    out: list[object] = []
    for f in fields(node):
        v = getattr(node, f.name)
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, A.Node | A.BoundVar | A.TypeRef):
                out.append(x)
    return out


def _mentions(e: object, name: str) -> bool:
    if isinstance(e, A.Name) and e.name == name:
        return True
    return any(_mentions(c, name) for c in _children(e)) if is_dataclass(e) else False


def reads_other_element(e: object, array: str, index: A.Expr) -> A.Expr | None:
    """The first use of `array` in `e` other than `array[index]` (the element being written)."""
    if (
        isinstance(e, A.IndexExpr)
        and isinstance(e.seq, A.Name)
        and e.seq.name == array
        and len(e.indices) == 1
        and A.same_shape(e.indices[0], index)
    ):
        return reads_other_element(e.indices[0], array, index)
    if isinstance(e, A.Member) and is_var(e.obj, array) and e.member == "Length":
        return None  # the update does not change the length
    if isinstance(e, A.Name) and e.name == array:
        return e
    if not is_dataclass(e):
        return None
    for c in _children(e):
        bad = reads_other_element(c, array, index)
        if bad is not None:
            return bad
    return None
