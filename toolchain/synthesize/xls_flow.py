"""The XLS back end's stages after lowering: DSLX -> Verilog, yosys cells, nextpnr-ice40 Fmax and
co-simulation against Dafny's compiled program, which is prepared in a thread of its own while the
RTL is built (it does not depend on the RTL)."""

from __future__ import annotations

import statistics
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING

from shared_schemas.synthesis import (
    LatencyReport,
    ResourceReport,
    SynthesizeResult,
    SynthTarget,
    TimingReport,
)
from shared_schemas.verification import FileVerification
from toolchain.atomic import write_atomic
from toolchain.cosim.verilog_check import check_verilog_parses
from toolchain.proc import CancelToken
from toolchain.synth.html import COSIM_LOG
from toolchain.synthesize.job import overflow_doc
from toolchain.synthesize.outputs import write_outputs
from toolchain.synthesize.stages import Run

# cycles one vector may take in co-simulation when the design's worst case is not known to be
# larger (a loop counting to a 32-bit input has no useful bound)
MIN_CYCLE_BUDGET = 100_000

if TYPE_CHECKING:
    from toolchain.cosim.run import PreparedReference
    from toolchain.frontend.ir import HardwareMethod
    from toolchain.hls.structurize import StructureOptions


def run_xls(run: Run, method: HardwareMethod, verification: FileVerification) -> SynthesizeResult:
    # Dafny's compiled reference does not depend on the RTL: let it run while XLS and yosys work.
    ref_cancel = CancelToken()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="p2s-reference")
    reference = pool.submit(run.prepare_reference, method, ref_cancel)
    try:
        return _xls_stages(run, method, verification, reference)
    finally:
        if not reference.done():
            ref_cancel.cancel()
        pool.shutdown(wait=True)


def _wait(future: Future[PreparedReference], cancel: CancelToken | None) -> PreparedReference:
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            return future.result(timeout=0.1)
        except FutureTimeout:
            continue


def _xls_stages(
    run: Run,
    method: HardwareMethod,
    verification: FileVerification,
    reference: Future[PreparedReference],
) -> SynthesizeResult:
    from toolchain.cosim.run import cosimulate
    from toolchain.cosim.simulate import SimBudget
    from toolchain.hls.interface import describe
    from toolchain.hls.xls_backend import XlsOptions, synthesize_xls
    from toolchain.synth.nextpnr import estimate_fmax
    from toolchain.synth.yosys import synthesize

    job = run.job
    req = job.params
    out = job.out_dir
    with run.stage("hls", "XLS: DSLX, scheduling, Verilog"):
        structure, stages = _directed(run, method)
        hls = synthesize_xls(
            method,
            XlsOptions(
                clock_ns=req.clock_ns,
                delay_model=req.delay_model.value,
                pipeline_stages=stages,
                structure=structure,
                ram_arrays=_marked(run, "ram") | _marked(run, "distributed"),
                register_arrays=_marked(run, "registers"),
                distributed_arrays=_marked(run, "distributed"),
                divider_bits=run.directives.divider if run.directives is not None else None,
            ),
            cancel=run.cancel,
        )
        if run.directives is not None:
            from shared_schemas.synthesis import Architecture
            from toolchain.hls.directive_plan import xls_warnings

            fsm = hls.architecture == Architecture.fsm
            mem = ({m.ir_name for m in hls.interface.memories}, hls.memory_refused)
            run.warnings.extend(
                str(w)
                for w in xls_warnings(
                    run.directives, hls.structure, fsm, mem, hls.sequential_dividers
                )
            )
        rtl_dir, hls_dir = out / "rtl", out / "hls"
        rtl_paths: list[Path] = []
        for name, text in hls.files.items():
            folder = rtl_dir if name in hls.rtl_files else hls_dir
            write_atomic(folder / name, text)
            if name in hls.rtl_files:
                rtl_paths.append(folder / name)
        run.warnings.extend(hls.warnings)
        # a back-end bug must surface as one, before yosys or the simulator say something odder
        check_verilog_parses(rtl_paths, hls.interface.top, run.job.method, cancel=run.cancel)
    iface = hls.interface
    resources: ResourceReport | None = None
    ice40: ResourceReport | None = None
    if req.synth:
        with run.stage("synth", f"yosys synth_{req.target.value}"):
            resources = synthesize(
                rtl_paths, iface.top, req.target, out / "synth", cancel=run.cancel
            ).resources
    fmax_mhz: float | None = None
    device: str | None = None
    if req.fmax:
        with run.stage("fmax", "nextpnr-ice40 place and route"):
            fmax = estimate_fmax(
                rtl_paths,
                iface.top,
                iface.rtl_ports(),
                out / "fmax",
                target_mhz=1000.0 / req.clock_ns,
                cancel=run.cancel,
            )
            fmax_mhz, device = fmax.fmax_mhz, fmax.device
            if req.target == SynthTarget.ice40:
                ice40 = resources
            else:
                ice40 = synthesize(
                    rtl_paths, iface.top, SynthTarget.ice40, out / "synth", cancel=run.cancel
                ).resources
    with run.stage("cosim", f"co-simulating {req.vectors} vectors against Dafny"):
        sim = cosimulate(
            method,
            iface,
            rtl_paths,
            _wait(reference, run.cancel),
            out / "cosim",
            budget=SimBudget(
                # a state machine may need more cycles than the default budget (a bubble sort
                # of 256 words in block RAM: 130 K); its proven worst case, with room, is the
                # budget
                max_cycles=max(MIN_CYCLE_BUDGET, 2 * (hls.latency_estimate or 0)),
                timeout_s=req.cosim_time_limit_s,
            ),
            cancel=run.cancel,
        )
        run.warnings.extend(sim.warnings)
        if (out / "cosim" / COSIM_LOG).exists():
            write_atomic(out / COSIM_LOG, (out / "cosim" / COSIM_LOG).read_bytes())
            sim.report.log_file = COSIM_LOG
    lat = sim.latencies
    scheduler_fmax = 1e6 / hls.critical_path_ps if hls.critical_path_ps else None
    best = fmax_mhz if fmax_mhz is not None else scheduler_fmax
    report = run.report(
        top_module=iface.top,
        architecture=hls.architecture,
        ports=iface.rtl_ports(),
        interface_doc=describe(iface) + overflow_doc(method),
        latency=LatencyReport(
            measured_min_cycles=min(lat) if lat else None,
            measured_max_cycles=max(lat) if lat else None,
            measured_mean_cycles=round(statistics.fmean(lat), 2) if lat else None,
            estimate_cycles=hls.latency_estimate,
            estimate_note=hls.latency_note,
            initiation_interval=hls.initiation_interval,
        ),
        timing=TimingReport(
            clock_target_ns=req.clock_ns,
            scheduler_delay_model=hls.delay_model,
            scheduler_critical_path_ps=hls.critical_path_ps,
            scheduler_fmax_mhz=round(scheduler_fmax, 2) if scheduler_fmax else None,
            nextpnr_fmax_mhz=fmax_mhz,
            nextpnr_device=device,
            meets_target=None if best is None else best >= 1000.0 / req.clock_ns,
        ),
        resources=resources,
        ice40_resources=ice40,
        cosim=sim.report,
        rtl_files=[p.relative_to(out).as_posix() for p in rtl_paths],
    )
    if fmax_mhz is not None and fmax_mhz < 1000.0 / req.clock_ns:
        report.warnings.append(
            f"nextpnr-ice40 reached {fmax_mhz:.1f} MHz, below the {1000.0 / req.clock_ns:.1f} MHz "
            "target (on an iCE40 HX8K: a Xilinx part is several times faster)"
        )
    return write_outputs(run, report, method, verification, lat)


def _marked(run: Run, kind: str) -> frozenset[str]:
    """The arrays `{:hls_memory "a", kind}` puts in RAM or keeps in registers."""
    marked = run.directives.memory if run.directives is not None else {}
    return frozenset(n for n, k in marked.items() if k == kind)


def _directed(run: Run, method: HardwareMethod) -> tuple[StructureOptions, int | None]:
    """The loop schedules and pipeline stages the source's directives ask for (the request's
    when it has none): `{:hls_latency N}` sets the stages of a design without state machine."""
    from toolchain.hls.directive_plan import structure_options
    from toolchain.hls.structurize import StructureOptions, structurize

    req = run.job.params
    d = run.directives
    if d is None or d.empty:
        return StructureOptions(unroll_limit=req.unroll_limit), req.pipeline_stages
    structure = structure_options(d, req.unroll_limit)
    stages = req.pipeline_stages
    if d.latency is not None and structurize(method, structure)[1].kept_loops == 0:
        stages = d.latency
    return structure, stages
