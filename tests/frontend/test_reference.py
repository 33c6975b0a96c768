"""Dafny's compiled reference (`toolchain.cosim.reference`, the one harness): many vectors in one
compiled program; arrays, booleans, bit-vectors, sequences; the user's Main renamed; errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.cosim.reference import dafny_reference, harness, parse_harness_output
from toolchain.dafny import DafnyEngine
from toolchain.errors import InputError
from toolchain.frontend import ast as A
from toolchain.frontend.parser import parse_program
from toolchain.hls.interface import Vector

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


def test_batches_vectors_in_one_program_and_reads_every_kind(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    vectors: list[Vector] = [
        {"x": 5, "flags": 0x0F, "a": [1, 2], "s": [True]},
        {"x": -7, "flags": 0, "a": [10], "s": []},
    ]
    run = dafny_reference(SOURCE, "Mix", vectors, dafny, workdir=tmp_path)
    assert run.program.count("method P2sVector") == 2
    assert "method P2sProgramMain()" in run.program
    assert run.precondition_checked and run.accepted == [0, 1]
    assert [run.outputs[k] for k in run.accepted] == [
        {"y": -5, "b": True, "f": 0xF0, "a": [6, 2]},
        {"y": 7, "b": False, "f": 0xFF, "a": [3]},
    ]


def test_a_vector_that_breaks_the_precondition_is_rejected_not_run(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    vectors: list[Vector] = [
        {"x": 1, "flags": 0, "a": [], "s": []},  # a.Length >= 1 fails: never called
        {"x": 2, "flags": 1, "a": [0], "s": [False]},
    ]
    run = dafny_reference(SOURCE, "Mix", vectors, dafny, workdir=tmp_path)
    assert run.accepted == [1] and 0 not in run.outputs
    assert run.outputs[1] == {"y": -2, "b": False, "f": 0xFE, "a": [2]}


def test_missing_inputs_and_methods_are_input_errors(dafny: DafnyEngine) -> None:
    with pytest.raises(InputError, match="no value for parameter flags"):
        dafny_reference(SOURCE, "Mix", [{"x": 1}], dafny)
    with pytest.raises(InputError, match="no method Nope"):
        dafny_reference(SOURCE, "Nope", [{}], dafny)


def test_the_harness_prints_every_vector_it_accepts() -> None:
    decl = parse_program(SOURCE).find("Mix")
    assert isinstance(decl, A.MethodDecl)
    text = harness(decl, "Mix", [{"x": 3, "flags": 2, "a": [1], "s": [True]}], "a.Length >= 1")
    assert "var a := new int[1];" in text and "a[0] := 1;" in text
    assert 'print "P2S 0 f ", f, "\\n";' in text and 'print "P2S 0 a ", a[..], "\\n";' in text
    accepted, outputs = parse_harness_output(
        "P2S 0 !accepted\nP2S 0 y 3\nP2S 1 !rejected\nP2S 2 !accepted\nP2S 2 y [1, 2]\n"
    )
    assert accepted == [0, 2] and outputs == {0: {"y": 3}, 2: {"y": [1, 2]}}
