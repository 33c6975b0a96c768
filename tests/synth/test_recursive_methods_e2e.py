"""Linearly recursive methods -> XLS -> RTL, co-simulated against Dafny's own compiled program
(real Dafny, XLS, iverilog): a method read as the function it computes runs on the same bounded
stack as a recursive function, its depth and per-level result range proven by Dafny."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = (Path(__file__).parent / "data" / "recursive_methods.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["Mult", "AddUp", "CountEven"])
def test_recursive_method_passes_cosimulation(
    method: str, dafny: DafnyEngine, tmp_path: Path
) -> None:
    passes_cosimulation(PROGRAM, "recursive_methods.dfy", method, dafny, tmp_path)
