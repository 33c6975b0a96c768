"""Enumeration datatypes in expressions: constructors, discriminators and the enum type of an
expression (see `datatypes` for which datatypes are enumerations).

A constructor is the constant index of its declaration; `e.Ctor?` is `e == index`; equality of
two enum values is equality of their indices, which needs nothing here.
"""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.datatypes import enum_refusal
from toolchain.frontend.dtypes import DType
from toolchain.frontend.lowering.scope import LoweringContext, Scalar


def constructor(ctx: LoweringContext, e: A.Expr) -> tuple[DType, int] | None:
    """`Red` (not a variable) or `Color.Red`: its enumeration and index."""
    if isinstance(e, A.Name) and ctx.lookup(e.name) is None:
        return ctx.types.constructor(e.name)
    if isinstance(e, A.Member) and isinstance(e.obj, A.Name) and ctx.lookup(e.obj.name) is None:
        found = ctx.types.constructor(e.member)
        if found is not None and found[0].name == e.obj.name.split(".")[-1]:
            return found
    if isinstance(e, A.Apply) and not e.args:
        return constructor(ctx, e.func)  # `Red()`
    return None


def enum_of(ctx: LoweringContext, e: A.Expr) -> DType | None:
    """The enumeration type of `e`, when it has one (IR integers do not say)."""
    found = constructor(ctx, e)
    if found is not None:
        return found[0]
    if isinstance(e, A.Name):
        b = ctx.lookup(e.name)
        return b.dtype if isinstance(b, Scalar) and b.dtype.ctors else None
    if isinstance(e, A.IfExpr):
        return enum_of(ctx, e.then) or enum_of(ctx, e.otherwise)
    if isinstance(e, A.Apply) and isinstance(e.func, A.Name):
        f = ctx.find_callable(e.func.name)
        if isinstance(f, A.FunctionDecl):
            d = ctx.types.resolve(f.result_type)
            return d if d.ctors else None
    return None


def constructor_value(ctx: LoweringContext, e: A.Expr) -> ir.Expr | None:
    found = constructor(ctx, e)
    if found is None:
        return None
    return ir.Const(value=found[1], type=ir.UNSIZED_NAT, loc=ctx.loc(e))


def discriminator(ctx: LoweringContext, e: A.Member) -> A.BinaryExpr:
    """`s.Ctor?` as the comparison `s == index of Ctor` (which lowers like any equality)."""
    name = e.member[:-1]
    subject = enum_of(ctx, e.obj)
    if subject is None:
        raise ctx.fail(e, "HW111", f"{name}? tests a value that is not an enumeration datatype")
    if name not in subject.ctors:
        raise ctx.fail(
            e,
            "HW111",
            f"{name} is not a constructor of {subject.name} (a match case that binds a "
            "variable is not supported)",
        )
    index = A.IntLit(value=subject.ctors.index(name), start=e.start, end=e.end)
    return A.BinaryExpr(op="==", lhs=e.obj, rhs=index, start=e.start, end=e.end)


def data_constructor_refusal(ctx: LoweringContext, name: str) -> str | None:
    """Why a constructor call `Some(x)` of a datatype that is not an enumeration is not
    hardware (None: `name` is no such constructor)."""
    for d in ctx.program.decls:
        if isinstance(d, A.DatatypeDecl) and any(c.name == name for c in d.ctors):
            return enum_refusal(d)
    return None
