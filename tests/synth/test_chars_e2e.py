"""Dafny chars and strings -> XLS -> RTL, co-simulated against Dafny's own compiled program (real
Dafny, XLS, iverilog): a char is its code point in 21 bits, a `string` parameter a read-only
sequence of them, `c in "..."` a set of comparisons, and a char array can be rewritten in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.synthesize import run_synthesis

PROGRAM = (Path(__file__).parent / "data" / "chars.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    "method", ["IsUpper", "ToLower", "CountVowels", "FirstDigit", "CaesarShift"]
)
def test_char_method_passes_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    src = tmp_path / "chars.dfy"
    src.write_text(PROGRAM)
    params = SynthesizeParams(
        uri=str(src),
        method=method,
        out_dir=str(tmp_path / "out"),
        vectors=24,
        fmax=False,
        synth=False,
        target=SynthTarget.ice40,
    )
    r = run_synthesis(params, engine=dafny).report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.reference == "dafny-compiled"
    assert r.cosim.vectors_run == 24 and r.cosim.vectors_passed == 24
