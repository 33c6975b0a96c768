"""What a loop body says about its variables, read off the IR without evaluating it: the
values assigned to a variable, whether it is an accumulator (`v := v + e`), whether it is
updated once per trip, and which assignments' values reach the end of the body unchanged."""

from __future__ import annotations

from toolchain.frontend import ir


def assigned_forms(v: str, stmts: list[ir.Stmt]) -> list[ir.Expr]:
    return [
        val
        for s in ir.walk_stmts(stmts)
        if isinstance(s, ir.Assign)
        for t, val in zip(s.targets, s.values, strict=True)
        if isinstance(t, ir.VarTarget) and t.name == v
    ]


def assigned_names(stmts: list[ir.Stmt]) -> set[str]:
    """Variables assigned anywhere in `stmts` (not counting nested `for` loop counters)."""
    return {
        t.name
        for s in ir.walk_stmts(stmts)
        if isinstance(s, ir.Assign)
        for t in s.targets
        if isinstance(t, ir.VarTarget)
    }


def final_assignments(body: list[ir.Stmt]) -> set[tuple[int, str]]:
    """(assignment, variable) pairs whose value reaches the end of the loop body unchanged."""
    out: set[tuple[int, str]] = set()

    def exits(stmts: list[ir.Stmt], depth: int) -> bool:
        for x in stmts:
            if isinstance(x, ir.Return) or (isinstance(x, ir.Break) and x.levels > depth):
                return True
            if isinstance(x, ir.If) and (exits(x.then, depth) or exits(x.otherwise, depth)):
                return True
            if isinstance(x, ir.While | ir.For) and exits(x.body, depth + 1):
                return True
        return False

    def walk(stmts: list[ir.Stmt], later: set[str], exit_later: bool) -> tuple[set[str], bool]:
        for x in reversed(stmts):
            if isinstance(x, ir.Assign):
                for t in x.targets:
                    if isinstance(t, ir.VarTarget) and t.name not in later and not exit_later:
                        out.add((id(x), t.name))
                later = later | {t.name for t in x.targets if isinstance(t, ir.VarTarget)}
            elif isinstance(x, ir.If):
                a, ea = walk(x.then, later, exit_later)
                b, eb = walk(x.otherwise, later, exit_later)
                later = later | a | b
                exit_later = exit_later or ea or eb
            elif isinstance(x, ir.While | ir.For):
                later = (
                    later | assigned_names(x.body) | ({x.var} if isinstance(x, ir.For) else set())
                )
                exit_later = exit_later or exits(x.body, 1)
            elif isinstance(x, ir.Break | ir.Return):
                exit_later = True
        return later, exit_later

    walk(body, set(), False)
    return out


def single_update(v: str, body: list[ir.Stmt]) -> bool:
    """v is assigned exactly once per trip, at the top level of the loop body."""
    top = [
        s
        for s in body
        if isinstance(s, ir.Assign)
        and any(isinstance(t, ir.VarTarget) and t.name == v for t in s.targets)
    ]
    return len(top) == 1 and len(assigned_forms(v, body)) == 1


def mentions(e: ir.Expr, v: str) -> bool:
    if isinstance(e, ir.Var):
        return e.name == v
    for x in vars(e).values():
        if isinstance(x, ir.Expr) and mentions(x, v):
            return True
    return False


def is_accumulator(v: str, body: list[ir.Stmt]) -> bool:
    """Every assignment to v in the loop is `v := v + e` / `v := v - e` with e free of v."""
    forms = assigned_forms(v, body)
    if not forms:
        return False
    for f in forms:
        if not isinstance(f, ir.Binary) or f.op not in (ir.BinOp.ADD, ir.BinOp.SUB):
            return False
        lhs_v = isinstance(f.lhs, ir.Var) and f.lhs.name == v
        rhs_v = isinstance(f.rhs, ir.Var) and f.rhs.name == v and f.op == ir.BinOp.ADD
        if lhs_v and not mentions(f.rhs, v):
            continue
        if rhs_v and not mentions(f.lhs, v):
            continue
        return False
    return True
