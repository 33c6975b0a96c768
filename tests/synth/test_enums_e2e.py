"""Enumeration datatypes -> XLS -> RTL, co-simulated against Dafny's own compiled program (real
Dafny, XLS, iverilog): a value is its constructor's index in the fewest bits, `match` statements
and expressions are if chains, `c.Ctor?` and `==` compare indices; the harness builds inputs as
`Type.Ctor` and prints results as indices."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = (Path(__file__).parent / "data" / "enums.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["NextLight", "Alu", "Classify", "CountRuns"])
def test_enum_method_passes_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "enums.dfy", method, dafny, tmp_path)
