"""Statements the subset parses over but the hardware does not run: each is reported where it
stands; a `print` is left out with a warning (it changes no result), the rest are errors."""

from __future__ import annotations

from shared_schemas.verification import Severity
from toolchain.frontend import ast as A
from toolchain.frontend.lowering.scope import LoweringContext

_REASONS = {
    "match": (
        "HW108",
        "a match whose cases bind fields is not supported yet (cases that name "
        "constructors are): use if/else",
    ),
    "forall": ("HW108", "forall statements (parallel updates) are not supported yet: use a loop"),
    "continue": ("HW108", "continue is not supported yet: restructure with if"),
    "if": ("HW107", "a guarded-command if (case arms) is nondeterministic"),
    "while": ("HW107", "a guarded-command while (case arms) is nondeterministic"),
    "tuple pattern": ("HW111", "tuple patterns are not supported"),
    "yield": ("HW102", "iterators are not hardware"),
}


def report_unsupported(ctx: LoweringContext, s: A.UnsupportedStmt) -> None:
    if s.kind == "print":
        # output to a console changes no result: the hardware leaves it out, and says so
        msg = "print has no hardware meaning: the hardware leaves it out"
        ctx.report(s, "HW108", msg, Severity.warning)
        return
    code, msg = _REASONS.get(s.kind, ("HW108", f"{s.kind} is not supported"))
    ctx.report(s, code, msg)


def arbitrary_guard(s: A.IfStmt) -> bool:
    """`if *` / `if (*)`."""
    return s.cond is None or isinstance(s.cond, A.Havoc)


def chosen_branch(ctx: LoweringContext, s: A.IfStmt) -> bool:
    """Whether the hardware runs the `then` branch of `if *`. Dafny proved the method for both
    branches, so either is correct; Dafny's compiler (the co-simulation's reference) runs the
    `then` branch when there is an `else`, and nothing when there is none: so does the hardware."""
    if s.otherwise is None:
        msg = "`if *` may skip its branch: as in Dafny's compiled program, the hardware skips it"
        ctx.report(s, "HW107", msg, Severity.warning)
        return False
    msg = (
        "`if *` may take either branch: as in Dafny's compiled program, the hardware takes the "
        "first"
    )
    ctx.report(s, "HW107", msg, Severity.warning)
    return True
