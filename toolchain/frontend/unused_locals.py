"""Scalar locals the lowered body never mentions are no hardware: they are dropped before widths.

LLM-written Dafny often declares a variable and then shadows it, e.g. `var i: int;` followed by
`for i := 0 to a.Length` (the loop declares a fresh `i`). The outer `i` is never assigned nor
read, so its range is unknown, and a width finalizer that asks for a bound on it would refuse a
method whose hardware never holds that value. A local no statement, expression or buffer refers
to needs no register, no width and no proof, so it is removed from the IR's locals.
"""

from __future__ import annotations

from toolchain.frontend import ir


def referenced_names(method: ir.HardwareMethod) -> set[str]:
    """Every name the body reads or writes, loop variables and buffer lengths included."""
    names: set[str] = set()
    for e in ir.stmt_exprs(method.body):
        if isinstance(e, ir.Var):
            names.add(e.name)
        elif isinstance(e, ir.Index | ir.Length):
            names.add(e.array)
    for s in ir.walk_stmts(method.body):
        if isinstance(s, ir.Assign):
            for t in s.targets:
                names.add(t.name if isinstance(t, ir.VarTarget) else t.array)
        elif isinstance(s, ir.For):
            names.add(s.var)
    holders: list[ir.Port | ir.Local] = [*method.ports, *method.locals]
    names.update(h.length_var for h in holders if h.length_var is not None)
    return names


def drop_unused_scalars(method: ir.HardwareMethod) -> list[str]:
    """Remove the integer and boolean locals nothing refers to; returns their names."""
    used = referenced_names(method)
    dropped = [
        v.name
        for v in method.locals
        if isinstance(v.type, ir.IntType | ir.BoolType) and v.name not in used
    ]
    if dropped:
        gone = set(dropped)
        method.locals = [v for v in method.locals if v.name not in gone]
    return dropped


__all__ = ["drop_unused_scalars", "referenced_names"]
