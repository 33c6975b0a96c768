"""`frontend.dispatch.ByKind`: the table that replaces `isinstance` chains finds a node's handler
as `isinstance` would."""

from __future__ import annotations

from toolchain.frontend import ast as A
from toolchain.frontend.dispatch import ByKind


class _Marked(A.BreakStmt):
    """A subclass nobody registered: it must get its base's handler."""


def _table() -> ByKind[str, A.Stmt, str]:
    return (
        ByKind[str, A.Stmt, str]()
        .on(A.BreakStmt, lambda owner, s: f"{owner}: break {s.label}")
        .on(A.Stmt, lambda owner, s: f"{owner}: some statement")
    )


def test_handler_of_the_exact_class() -> None:
    found = _table().handler(A.BreakStmt(label="outer", start=0, end=5))
    assert found is not None
    assert found("pass", A.BreakStmt(label="outer", start=0, end=5)) == "pass: break outer"


def test_a_subclass_gets_the_nearest_registered_base() -> None:
    table = _table()
    marked = _Marked(label=None, start=0, end=5)
    found = table.handler(marked)
    assert found is not None and found("pass", marked) == "pass: break None"
    other = A.ContinueStmt(label=None, start=0, end=8)
    found = table.handler(other)
    assert found is not None and found("pass", other) == "pass: some statement"


def test_no_handler_for_an_unregistered_class() -> None:
    table = ByKind[str, A.Stmt, str]().on(A.BreakStmt, lambda owner, s: "break")
    assert table.handler(A.ContinueStmt(label=None, start=0, end=8)) is None
