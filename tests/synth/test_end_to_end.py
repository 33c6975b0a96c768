"""Verified Dafny -> RTL -> co-simulation against Dafny's compiled program, with the real tools,
one kernel per class: a pipelined function over an array, a state machine, an array modified in
place with a run-time length, an early return over an array kept in the state; plus the mutation
test (a wrong lowering must fail co-simulation) and the Vitis back end's C simulation."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from shared_schemas.synthesis import (
    Architecture,
    CosimVerdict,
    EvidenceManifest,
    HlsBackend,
    SynthesizeParams,
    SynthTarget,
)
from toolchain.dafny import DafnyEngine
from toolchain.frontend.ir import Assign, Binary, BinOp, Expr, HardwareMethod, If, Stmt, While
from toolchain.proc import CancelToken
from toolchain.synthesize import STAGES, run_synthesis

KERNELS = Path(__file__).parent / "kernels"


def _request(kernel: str, method: str, out: Path, **kw: object) -> SynthesizeParams:
    path = KERNELS / f"{kernel}.dfy"
    options: dict[str, object] = {
        "vectors": 24,
        "fmax": False,
        "target": SynthTarget.ice40,
        "synth": kernel == "sum4",  # one yosys run is enough here; test_cli covers both targets
    }
    options.update(kw)
    return SynthesizeParams(
        uri=str(path),
        method=method,
        out_dir=str(out),
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kernel", "method", "arch"),
    [
        ("sum4", "Sum4", Architecture.pipeline),
        ("gcd16", "Gcd16", Architecture.fsm),
        ("reverse8", "Reverse", Architecture.pipeline),
        ("find64", "Find", Architecture.fsm),
    ],
)
def test_kernel_class_passes_cosimulation(
    kernel: str, method: str, arch: Architecture, dafny: DafnyEngine, tmp_path: Path
) -> None:
    stages: list[str] = []
    out = run_synthesis(
        _request(kernel, method, tmp_path), engine=dafny, progress=lambda p: stages.append(p.stage)
    )
    r = out.report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.vectors_run == 24 and r.cosim.vectors_passed == 24
    assert r.cosim.reference == "dafny-compiled"
    assert r.architecture == arch
    if kernel == "sum4":
        assert r.resources is not None and r.resources.lut > 0 and r.resources.ff > 0
    assert r.latency.measured_min_cycles is not None and r.latency.measured_max_cycles is not None
    if arch == Architecture.pipeline:
        assert (
            r.latency.measured_min_cycles
            == r.latency.measured_max_cycles
            == r.latency.estimate_cycles
        )
        assert r.latency.initiation_interval == 1
    else:
        assert r.latency.estimate_cycles is not None
        assert r.latency.measured_max_cycles <= r.latency.estimate_cycles
    ran = [s for s in STAGES if s != "fmax" and (s != "synth" or kernel == "sum4")]
    assert [s for s in STAGES if s in stages] == ran
    assert (tmp_path / "rtl" / f"{r.top_module}.v").exists()
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert Path(out.out_dir) == tmp_path.resolve() and not out.cached
    manifest = EvidenceManifest.model_validate_json(Path(out.manifest_json).read_text())
    assert manifest.verification_status == "verified"
    assert manifest.cosim_verdict == CosimVerdict.passed
    assert manifest.content_key == r.content_key
    assert {a.path for a in manifest.artifacts} >= {f"rtl/{r.top_module}.v", "cosim.log"}


def _flip_first(stmts: list[Stmt], old: BinOp, new: BinOp) -> bool:
    """Change the first `old` operator found (in statement order) to `new`."""

    def in_expr(e: Expr) -> bool:
        if isinstance(e, Binary) and e.op == old:
            e.op = new
            return True
        return any(in_expr(x) for x in vars(e).values() if isinstance(x, Expr))

    for s in stmts:
        if isinstance(s, Assign) and any(in_expr(v) for v in s.values):
            return True
        if isinstance(s, If) and (
            in_expr(s.cond) or _flip_first(s.then, old, new) or _flip_first(s.otherwise, old, new)
        ):
            return True
        if isinstance(s, While) and (in_expr(s.cond) or _flip_first(s.body, old, new)):
            return True
    return False


@pytest.mark.slow
def test_a_wrong_lowering_is_caught_by_cosimulation(dafny: DafnyEngine, tmp_path: Path) -> None:
    flipped: list[bool] = []

    def mutate(m: HardwareMethod) -> HardwareMethod:
        wrong = copy.deepcopy(m)
        flipped.append(_flip_first(wrong.body, BinOp.ADD, BinOp.SUB))
        return wrong

    out = run_synthesis(
        _request("sum4", "Sum4", tmp_path, synth=False), engine=dafny, transform_ir=mutate
    )
    assert flipped == [True]
    cosim = out.report.cosim
    assert cosim.verdict == CosimVerdict.failed
    assert cosim.first_mismatch is not None and cosim.first_mismatch.output == "s"
    assert cosim.vectors_passed < cosim.vectors_run


@pytest.mark.slow
def test_vitis_backend_checks_its_cpp_by_c_simulation(dafny: DafnyEngine, tmp_path: Path) -> None:
    out = run_synthesis(
        _request("find64", "Find", tmp_path, backend=HlsBackend.vitis, target=SynthTarget.xilinx),
        engine=dafny,
    )
    r = out.report
    assert r.architecture == Architecture.vitis
    assert r.cosim.verdict == CosimVerdict.passed and r.cosim.simulator.startswith("g++")
    assert (tmp_path / "hls" / "Find.cpp").exists() and (tmp_path / "hls" / "run_hls.tcl").exists()
    if r.resources is None:  # no Vitis HLS on this machine
        assert any("not installed" in w for w in r.warnings)


def test_unverified_programs_are_refused(dafny: DafnyEngine, tmp_path: Path) -> None:
    from toolchain.errors import ToolchainError

    text = "method Bad(a: nat) returns (b: nat)\n  ensures b == a + 1\n{\n  b := a;\n}\n"
    source = tmp_path / "bad.dfy"
    source.write_text(text)
    request = SynthesizeParams(uri=source.as_uri(), out_dir="out")  # the only method: Bad
    with pytest.raises(ToolchainError, match="not verified"):
        run_synthesis(request, engine=dafny)
    # the editor's relative folder is the document's, and the method the file's only one
    from toolchain.synthesize.job import resolve

    job = resolve(request)
    assert job.out_dir == (tmp_path / "out").resolve() and job.method == "Bad"
    # a run that failed before writing anything leaves no empty folder behind
    assert not (tmp_path / "out").exists()


def test_cancel_before_start_stops_at_the_first_stage(dafny: DafnyEngine, tmp_path: Path) -> None:
    from toolchain.errors import CancelledError

    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        run_synthesis(_request("sum4", "Sum4", tmp_path), engine=dafny, cancel=token)
    assert not (tmp_path / "report.json").exists()
