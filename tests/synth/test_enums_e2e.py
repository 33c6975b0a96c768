"""Enumeration datatypes -> XLS -> RTL, co-simulated against Dafny's own compiled program (real
Dafny, XLS, iverilog): a value is its constructor's index in the fewest bits, `match` statements
and expressions are if chains, `c.Ctor?` and `==` compare indices; the harness builds inputs as
`Type.Ctor` and prints results as indices."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.synthesize import run_synthesis

PROGRAM = (Path(__file__).parent / "data" / "enums.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["NextLight", "Alu", "Classify", "CountRuns"])
def test_enum_method_passes_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    src = tmp_path / "enums.dfy"
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
