"""The Vitis back end's stages after lowering: reference outputs from Dafny's compiler, the C++
flow (C simulation, and C synthesis where Vitis HLS is installed), and the co-simulation verdict
on the flow's C simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared_schemas.synthesis import (
    Architecture,
    CosimReport,
    LatencyReport,
    SynthesizeResult,
    SynthTarget,
    TimingReport,
)
from shared_schemas.verification import FileVerification
from toolchain.atomic import write_atomic
from toolchain.errors import InputError
from toolchain.synth.html import COSIM_LOG
from toolchain.synthesize.outputs import write_outputs
from toolchain.synthesize.stages import Run

if TYPE_CHECKING:
    from toolchain.frontend.ir import HardwareMethod

_INTERFACE_DOC = (
    "Vitis HLS block protocol ap_ctrl_hs (ap_start/ap_done/ap_idle/ap_ready); scalars "
    "ap_none, results ap_vld, small arrays partitioned into registers, large ones ap_memory."
    " The ports listed are the C function's parameters in the stable order of "
    "toolchain/hls/interface.py."
)


def run_vitis_flow(
    run: Run, method: HardwareMethod, verification: FileVerification
) -> SynthesizeResult:
    from toolchain.cosim.run import csim_report
    from toolchain.hls.interface import build_interface
    from toolchain.hls.vitis.flow import run_vitis

    job = run.job
    req = job.params
    out = job.out_dir
    if req.target != SynthTarget.xilinx:
        raise InputError("the Vitis back end targets Xilinx parts only", hint="use --target xilinx")
    iface = build_interface(method)
    from toolchain.cosim.run import choose_vectors, expected_outputs

    with run.stage("cosim", "reference outputs from Dafny's compiler"):
        prepared = run.prepare_reference(method, run.cancel)
        ref, candidates = prepared.run, prepared.candidates
        chosen = choose_vectors(method, ref, req.vectors)
        vectors = [candidates[k] for k in chosen]
        expected = expected_outputs(method, ref, chosen)
        run.warnings.extend(ref.warnings)
    with run.stage("hls", "Vitis C++, C simulation, C synthesis where Vitis HLS is installed"):
        outcome = run_vitis(
            method,
            iface,
            out / "hls",
            vectors,
            expected,
            clock_ns=req.clock_ns,
            cancel=run.cancel,
            directives=run.directives,
        )
        run.warnings.extend(outcome.warnings)
        if run.directives is not None:
            from toolchain.hls.directive_plan import vitis_warnings

            # pragmas carry the directives but the divider; malformed or unknown ones are warned
            run.warnings.extend(str(w) for w in vitis_warnings(run.directives))
        rtl_dir = out / "rtl"
        rtl_files: list[str] = []
        for path in outcome.rtl_files:
            write_atomic(rtl_dir / path.name, path.read_bytes())
            rtl_files.append(f"rtl/{path.name}")
        # co-simulation judges the back end's C simulation (the flow only runs it)
        csim: CosimReport = csim_report(method, vectors, expected, outcome.csim)
        csim.rejected_candidates = len(candidates) - len(ref.accepted)
        csim.seed = req.seed
        if (out / "hls" / "csim.log").exists():
            write_atomic(out / COSIM_LOG, (out / "hls" / "csim.log").read_bytes())
            csim.log_file = COSIM_LOG
    cs = outcome.csynth
    report = run.report(
        top_module=iface.top,
        architecture=Architecture.vitis,
        ports=iface.rtl_ports() if cs is None else [],
        interface_doc=_INTERFACE_DOC,
        latency=LatencyReport(
            estimate_cycles=cs.worst_latency if cs else None,
            estimate_note=(
                f"Vitis HLS estimate: best {cs.best_latency}, worst {cs.worst_latency} cycles"
                if cs
                else "Vitis HLS is not installed: no schedule"
            ),
            initiation_interval=cs.interval_min if cs else None,
        ),
        timing=TimingReport(
            clock_target_ns=req.clock_ns,
            scheduler_delay_model="vitis_hls" if cs else None,
            scheduler_critical_path_ps=int(cs.estimated_clock_ns * 1000)
            if cs and cs.estimated_clock_ns
            else None,
            scheduler_fmax_mhz=round(cs.fmax_mhz, 2) if cs and cs.fmax_mhz else None,
            meets_target=(cs.estimated_clock_ns <= req.clock_ns)
            if cs and cs.estimated_clock_ns
            else None,
        ),
        resources=cs.resource_report() if cs else None,
        cosim=csim,
        rtl_files=rtl_files,
    )
    return write_outputs(run, report, method, verification, [])
