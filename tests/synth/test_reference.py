"""Expected outputs from Dafny's own compiler, with the precondition compiled as the filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.cosim.reference import dafny_reference, parse_harness_output
from toolchain.dafny import DafnyEngine
from toolchain.errors import InputError
from toolchain.hls.interface import Vector

PROGRAM = """
predicate Sorted(a: array<int>)
  reads a
{
  forall i, j :: 0 <= i < j < a.Length ==> a[i] <= a[j]
}

method Spread(a: array<int>, lo: int, hi: int) returns (d: int, ok: bool)
  requires lo <= hi && a.Length >= 1
  requires Sorted(a)
  modifies a
  ensures d == a[a.Length - 1] - old(a[0]) + hi - lo
{
  d := a[a.Length - 1] - a[0] + hi - lo;
  ok := d > 10;
  a[0] := 0;
}
"""


def test_only_candidates_meeting_the_precondition_run(dafny: DafnyEngine, tmp_path: Path) -> None:
    candidates: list[dict[str, object]] = [
        {"a": [1, 5, 9], "lo": 1, "hi": 4},  # fine
        {"a": [1, 5, 9], "lo": 5, "hi": 4},  # lo > hi
        {"a": [9, 5, 1], "lo": 0, "hi": 0},  # not sorted: needs the ghost predicate, compiled
        {"a": [], "lo": 0, "hi": 0},  # empty
        {"a": [-3], "lo": -2, "hi": 7},  # fine
    ]
    run = dafny_reference(PROGRAM, "Spread", candidates, dafny, workdir=tmp_path)  # type: ignore[arg-type]
    assert run.precondition_checked
    assert run.accepted == [0, 4]
    assert run.outputs[0] == {"d": 11, "ok": True, "a": [0, 5, 9]}
    assert run.outputs[4] == {"d": 9, "ok": False, "a": [0]}
    assert "method P2sVector4()" in run.program


def test_harness_output_parser() -> None:
    accepted, outputs = parse_harness_output(
        "noise\nP2S 0 !accepted\nP2S 0 r -5\nP2S 0 ok [1, -2]\nP2S 1 !rejected\nP2S 2 !accepted\nP2S 2 b true\n"
    )
    assert accepted == [0, 2]
    assert outputs == {0: {"r": -5, "ok": [1, -2]}, 2: {"b": True}}


def test_a_program_with_its_own_main_still_runs(dafny: DafnyEngine, tmp_path: Path) -> None:
    program = "method Main() { print 42; }\nmethod M(x: int) returns (y: int) { y := x + 1; }\n"
    run = dafny_reference(program, "M", [{"x": 2}], dafny, workdir=tmp_path)
    assert run.accepted == [0] and run.outputs[0] == {"y": 3}
    assert "method P2sProgramMain()" in run.program
    with pytest.raises(InputError, match="entry point"):
        dafny_reference(program, "Main", [], dafny)


def test_a_ghost_result_is_bound_but_not_printed(dafny: DafnyEngine, tmp_path: Path) -> None:
    # Clover's onlineMax returns `(ghost m: int, p: int)`: compiled code cannot bind m to a plain var
    program = (
        "method Peak(a: array<int>) returns (ghost m: int, p: int)\n"
        "  requires a.Length > 0\n"
        "  ensures 0 <= p < a.Length && m == a[p]\n"
        "{\n  p := 0;\n  var i := 1;\n"
        "  while i < a.Length invariant 1 <= i <= a.Length && 0 <= p < a.Length {\n"
        "    if a[i] > a[p] { p := i; }\n    i := i + 1;\n  }\n  m := a[p];\n}\n"
    )
    candidates: list[Vector] = [{"a": [3, 9, 4]}]
    run = dafny_reference(program, "Peak", candidates, dafny, workdir=tmp_path)
    assert run.accepted == [0]
    assert run.outputs[0] == {"p": 1, "a": [3, 9, 4]}
    assert "ghost var m;" in run.program
