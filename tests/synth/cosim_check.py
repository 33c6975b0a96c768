"""One method of a Dafny program through the whole flow (no yosys/nextpnr), co-simulated against
Dafny's own compiled program: the check every construct end-to-end test makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shared_schemas.synthesis import CosimVerdict, SynthesisReport, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.hls.interface import Vector
from toolchain.synthesize import run_synthesis


def cosim_params(
    program: str, file_name: str, method: str, tmp_path: Path, **settings: Any
) -> SynthesizeParams:
    """A request for `method` of `program` (written to tmp_path/file_name): by default 24
    vectors, no yosys or place and route."""
    src = tmp_path / file_name
    src.write_text(program)
    defaults: dict[str, Any] = {
        "vectors": 24,
        "fmax": False,
        "synth": False,
        "target": SynthTarget.ice40,
    }
    return SynthesizeParams(
        uri=str(src),
        method=method,
        out_dir=str(tmp_path / "out"),
        **{**defaults, **settings},
    )


def passes_cosimulation(
    program: str,
    file_name: str,
    method: str,
    dafny: DafnyEngine,
    tmp_path: Path,
    **settings: Any,
) -> SynthesisReport:
    """The report of a run whose 24 vectors all matched Dafny's compiled program."""
    params = cosim_params(program, file_name, method, tmp_path, **settings)
    r = run_synthesis(params, engine=dafny).report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.reference == "dafny-compiled"
    assert r.cosim.vectors_run == 24 and r.cosim.vectors_passed == 24
    return r


def array_lengths(vectors: list[Vector], name: str) -> list[int]:
    """The length of array input `name` in each vector (every one must hold an array there)."""
    arrays = [v[name] for v in vectors]
    assert all(isinstance(a, list) for a in arrays), arrays
    return [len(a) for a in arrays if isinstance(a, list)]
