"""run_reference: many vectors, one Dafny compile; arrays, booleans, bit-vectors, errors."""

from __future__ import annotations

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.dafny.compile import parse_reference_output, reference_program, run_reference
from toolchain.errors import InputError, ToolCrashedError

SOURCE = """
method Mix(x: int, flags: bv8, a: array<int>, s: seq<bool>) returns (y: int, b: bool, f: bv8)
  requires a.Length >= 1
  modifies a
{
  a[0] := a[0] + x;
  y := -x;
  b := |s| > 0 && s[0];
  f := flags ^ 0xFF;
}

method Main() { print "the user's own Main is renamed\\n"; }
"""


def test_batches_vectors_in_one_program_and_reads_every_kind(dafny: DafnyEngine) -> None:
    vectors: list[dict[str, object]] = [
        {"x": 5, "flags": 0x0F, "a": [1, 2], "s": [True]},
        {"x": -7, "flags": 0, "a": [10], "s": []},
    ]
    program = reference_program(SOURCE, "Mix", vectors)
    assert program.count("method P2sCase") == 2
    assert "P2sUserMain" in program
    out = run_reference(dafny, SOURCE, "Mix", vectors)
    assert out == [
        {"y": -5, "b": True, "f": 0xF0, "a": [6, 2]},
        {"y": 7, "b": False, "f": 0xFF, "a": [3]},
    ]


def test_a_vector_that_breaks_the_precondition_is_reported(dafny: DafnyEngine) -> None:
    with pytest.raises(ToolCrashedError):
        run_reference(dafny, SOURCE, "Mix", [{"x": 1, "flags": 0, "a": [], "s": []}])


def test_missing_inputs_and_methods_are_input_errors(dafny: DafnyEngine) -> None:
    with pytest.raises(InputError):
        run_reference(dafny, SOURCE, "Mix", [{"x": 1}])
    with pytest.raises(InputError):
        run_reference(dafny, SOURCE, "Nope", [{}])


def test_output_parser_requires_every_vector() -> None:
    text = "P2SREF 0 y 3\nP2SREF 0 . done\nP2SREF 1 y [1, 2]\n"
    with pytest.raises(ToolCrashedError):
        parse_reference_output(text, 2)
    rows = parse_reference_output(text + "P2SREF 1 . done\n", 2)
    assert rows == [{"y": 3}, {"y": [1, 2]}]
