"""Postcondition failures located where an engineer looks, on real Dafny output: the return
path's last statement instead of the `{` Dafny 2.x points at, and the failing `ensures` clause
marked on its own; an explicit `return` keeps Dafny's location."""

from __future__ import annotations

from toolchain.dafny import DafnyEngine
from toolchain.dafny.return_paths import locate_return_paths

ABS = """\
method Abs(x: int) returns (y: int)
  ensures y >= 0
  ensures x >= 0 ==> y == x
{
  if x < 0 {
    y := -x;
    return;
  }
  y := x - 1;
}
"""

EARLY = """\
method Pos(x: int) returns (y: int)
  ensures y > 0
{
  y := x;
  if x < 5 {
    return;
  }
  y := 7;
}
"""


def _spans(text: str, engine: DafnyEngine, name: str) -> list[tuple[str, str]]:
    result = engine.verify_source(text, name)
    lines = text.splitlines()
    shown = []
    for d in locate_return_paths(text, name, result.diagnostics):
        s, e = d.range.start, d.range.end
        assert s.line == e.line
        shown.append((lines[s.line][s.character : e.character], d.message))
    return shown


def test_fall_through_path_and_each_failing_clause(dafny: DafnyEngine) -> None:
    spans = _spans(ABS, dafny, "abs.dfy")
    path = "A postcondition might not hold on this return path."
    assert sorted(spans) == sorted(
        [
            ("y := x - 1;", path),
            ("ensures y >= 0", "this postcondition might not hold on the return path at line 9"),
            ("y := x - 1;", path),
            (
                "ensures x >= 0 ==> y == x",
                "this postcondition might not hold on the return path at line 9",
            ),
        ]
    )


def test_an_explicit_return_keeps_its_location(dafny: DafnyEngine) -> None:
    spans = _spans(EARLY, dafny, "early.dfy")
    assert ("ensures y > 0", "this postcondition might not hold on the return path at line 6") in (
        spans
    )
    assert any(text.startswith("return") for text, _ in spans), spans
