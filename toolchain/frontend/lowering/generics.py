"""Generic methods called with concrete types: `swap<T>(a: array<T>, i, j)` called with an
`array<bool>` is inlined with T = bool, as a compiler would instantiate it. T is read from the
arguments that are variables (`a` of type `array<bool>`, `x` of type `int`); a type parameter no
argument determines keeps the refusal (HW111).

Only types whose values need no width proof are given (bool): the width obligations are
assertions in the generic method's own text, where `-100 <= t` does not type-check for `t: T`, so
an integer T would fail its proofs; it keeps the refusal instead."""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend.dtypes import DType
from toolchain.frontend.lowering.scope import ArrayRef, LoweringContext, Scalar


def _match(t: A.TypeRef, actual: DType, params: list[str], out: dict[str, DType]) -> None:
    if t.name in params and not t.args:
        known = out.get(t.name)
        if known is None or known == actual:
            out[t.name] = actual
        else:  # two arguments disagree: leave T open, the refusal stays
            out[t.name] = DType("unsupported", name=t.name)
    elif t.name in ("array", "array?", "seq") and len(t.args) == 1 and actual.element is not None:
        _match(t.args[0], actual.element, params, out)


def type_arguments(ctx: LoweringContext, callee: A.MethodDecl, call: A.Apply) -> dict[str, DType]:
    """The concrete type of each type parameter of `callee` that the call's arguments fix."""
    found: dict[str, DType] = {}
    for p, a in zip(callee.params, call.args, strict=False):
        src = a.seq if isinstance(a, A.SliceExpr) and a.lo is None and a.hi is None else a
        b = ctx.lookup(src.name) if isinstance(src, A.Name) else None
        if isinstance(b, ArrayRef | Scalar):
            _match(p.type, b.dtype, callee.type_params, found)
    return {k: v for k, v in found.items() if v.kind == "bool"}
