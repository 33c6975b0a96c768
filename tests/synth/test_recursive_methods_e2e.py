"""Linearly recursive methods -> XLS -> RTL, co-simulated against Dafny's own compiled program
(real Dafny, XLS, iverilog): a method read as the function it computes runs on the same bounded
stack as a recursive function, its depth and per-level result range proven by Dafny."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.synthesize import run_synthesis

PROGRAM = (Path(__file__).parent / "data" / "recursive_methods.dfy").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["Mult", "AddUp", "CountEven"])
def test_recursive_method_passes_cosimulation(
    method: str, dafny: DafnyEngine, tmp_path: Path
) -> None:
    src = tmp_path / "recursive_methods.dfy"
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
