"""A readable text form of the hardware IR (what `p2s hw-ir` prints)."""

from __future__ import annotations

from toolchain.frontend import ir

_SYMBOL = {
    ir.BinOp.ADD: "+",
    ir.BinOp.SUB: "-",
    ir.BinOp.MUL: "*",
    ir.BinOp.DIV: "/",
    ir.BinOp.MOD: "%",
    ir.BinOp.EQ: "==",
    ir.BinOp.NE: "!=",
    ir.BinOp.LT: "<",
    ir.BinOp.LE: "<=",
    ir.BinOp.GT: ">",
    ir.BinOp.GE: ">=",
    ir.BinOp.AND: "&&",
    ir.BinOp.OR: "||",
    ir.BinOp.IMPLIES: "==>",
    ir.BinOp.IFF: "<==>",
    ir.BinOp.BAND: "&",
    ir.BinOp.BOR: "|",
    ir.BinOp.BXOR: "^",
    ir.BinOp.SHL: "<<",
    ir.BinOp.SHR: ">>",
}


def format_expr(e: ir.Expr) -> str:
    if isinstance(e, ir.Const):
        return str(e.value).lower() if isinstance(e.value, bool) else str(e.value)
    if isinstance(e, ir.Var):
        return e.name
    if isinstance(e, ir.Index):
        return f"{e.array}[{format_expr(e.index)}]"
    if isinstance(e, ir.Length):
        return f"len({e.array})"
    if isinstance(e, ir.Unary):
        sym = {"neg": "-", "not": "!", "bnot": "~"}[e.op.value]
        return f"{sym}{format_expr(e.operand)}"
    if isinstance(e, ir.Binary):
        return f"({format_expr(e.lhs)} {_SYMBOL[e.op]} {format_expr(e.rhs)}):{e.type}"
    if isinstance(e, ir.Cond):
        return f"({format_expr(e.cond)} ? {format_expr(e.then)} : {format_expr(e.otherwise)})"
    if isinstance(e, ir.Cast):
        return f"{e.type}({format_expr(e.operand)})"
    return f"<{type(e).__name__}>"


def _target(t: ir.Target) -> str:
    if isinstance(t, ir.VarTarget):
        return t.name
    return f"{t.array}[{format_expr(t.index)}]"


def format_stmts(stmts: list[ir.Stmt], indent: int = 1) -> list[str]:
    pad = "  " * indent
    out: list[str] = []
    for s in stmts:
        if isinstance(s, ir.Assign):
            lhs = ", ".join(_target(t) for t in s.targets)
            rhs = ", ".join(format_expr(v) for v in s.values)
            out.append(f"{pad}{lhs} := {rhs}")
        elif isinstance(s, ir.If):
            out.append(f"{pad}if {format_expr(s.cond)} {{")
            out.extend(format_stmts(s.then, indent + 1))
            if s.otherwise:
                out.append(f"{pad}}} else {{")
                out.extend(format_stmts(s.otherwise, indent + 1))
            out.append(f"{pad}}}")
        elif isinstance(s, ir.While):
            bound = f"  // at most {s.max_trips} trips" if s.max_trips is not None else ""
            out.append(f"{pad}while {format_expr(s.cond)} {{{bound}")
            out.extend(format_stmts(s.body, indent + 1))
            out.append(f"{pad}}}")
        elif isinstance(s, ir.For):
            direction = "downto" if s.descending else "to"
            bound = f"  // at most {s.max_trips} trips" if s.max_trips is not None else ""
            out.append(
                f"{pad}for {s.var} in [{format_expr(s.lo)}, {format_expr(s.hi)}) {direction} {{{bound}"
            )
            out.extend(format_stmts(s.body, indent + 1))
            out.append(f"{pad}}}")
        elif isinstance(s, ir.Break):
            out.append(f"{pad}break{'' if s.levels == 1 else f' {s.levels}'}")
        elif isinstance(s, ir.Return):
            out.append(f"{pad}return")
    return out


def format_method(m: ir.HardwareMethod) -> str:
    ports = ", ".join(f"{p.direction} {p.name}: {p.type}" for p in m.ports)
    lines = [f"hw {m.name}({ports}) {{"]
    for v in m.locals:
        origin = f"  // {v.origin}" if v.origin else ""
        lines.append(f"  var {v.name}: {v.type}{origin}")
    lines.extend(format_stmts(m.body))
    lines.append("}")
    return "\n".join(lines)


def format_widths(m: ir.HardwareMethod) -> str:
    lines = []
    for w in m.widths:
        lo = "-inf" if w.lo is None else str(w.lo)
        hi = "+inf" if w.hi is None else str(w.hi)
        lines.append(f"  {w.name:<24} [{lo}, {hi}]  {w.type}  {w.status.value}")
    return "\n".join(lines)
