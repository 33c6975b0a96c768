"""Dafny chars and strings -> XLS -> RTL, co-simulated against Dafny's own compiled program (real
Dafny, XLS, iverilog): a char is its code point in 21 bits, a `string` parameter a read-only
sequence of them, `c in "..."` a set of comparisons, and a char array can be rewritten in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = (Path(__file__).parent / "data" / "chars.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    "method", ["IsUpper", "ToLower", "CountVowels", "FirstDigit", "CaesarShift"]
)
def test_char_method_passes_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    passes_cosimulation(PROGRAM, "chars.dfy", method, dafny, tmp_path)
