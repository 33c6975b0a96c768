"""Synthesize: verified Dafny method -> RTL, synthesis numbers and a co-simulation verdict.

`run_synthesis(SynthesizeParams, Settings)` is the one entry point: `p2s synth` builds the params
from its flags and the language server validates the editor's request into the same model. What
the params leave open is decided here, once: the default method (the file's only compiled
method), the default output folder (`<file>.p2s/<method>`), where a relative folder starts (the
document's folder for a file:// URI, else the working directory) and what is valid.

Stages, in order (the names progress callbacks receive):

    verify  the real Dafny verifier; only a verified (and sound) program goes on
    lower   the front end: hardware IR with widths the verifier proved
    hls     XLS (DSLX -> Verilog with the stable port interface), or the Vitis C++ back end
    synth   yosys: cells for the chosen target (Xilinx 7-series or iCE40)
    fmax    yosys + nextpnr-ice40 place and route of the design in a pin-saving wrapper
    cosim   cocotb + iverilog against Dafny's own compiled program (Vitis: g++ C simulation)
    report  report.json, report.html, manifest.json, rtl/*.v

Everything the result depends on (the source, the options, the versions of the tools and of this
code) is hashed into a content key; when the output folder already holds a report with that key
and the files it lists are unchanged, the run returns at once.

The output folder is resolved to an absolute path once, here: the tools run in folders of their
own, where a relative path would name somewhere else. It is guarded by `toolchain.atomic.
OutputFolder`: a folder holding files this tool did not write is refused unless forced, only files
the previous run recorded as its own are removed, and `.p2s-files.json` lists what each run wrote.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from urllib.request import url2pathname

from shared_schemas.settings import Settings
from shared_schemas.synthesis import (
    Architecture,
    ArtifactDigest,
    CosimReport,
    EvidenceManifest,
    HlsBackend,
    LatencyReport,
    ResourceReport,
    StageTiming,
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
    SynthesizeResult,
    SynthTarget,
    TimingReport,
    WidthEvidence,
)
from shared_schemas.verification import FileVerification
from toolchain.atomic import OutputFolder, write_atomic
from toolchain.errors import InputError, ToolchainError
from toolchain.proc import CancelToken

if TYPE_CHECKING:
    from toolchain.cosim.run import PreparedReference
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ir import HardwareMethod

STAGES = ("verify", "lower", "hls", "synth", "fmax", "cosim", "report")
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
MANIFEST_JSON = "manifest.json"
COSIM_LOG = "cosim.log"
_CODE_PACKAGES = ("hls", "synth", "cosim", "frontend")
# a Dafny identifier, or a qualified name (Module.Method); it names a folder, so nothing else
_IDENT = r"[A-Za-z_][A-Za-z0-9_'?]*"
_METHOD_NAME = re.compile(rf"{_IDENT}(?:\.{_IDENT})*")

ProgressFn = Callable[[SynthesisProgress], None]
IrTransform = Callable[["HardwareMethod"], "HardwareMethod"]


@dataclass(frozen=True)
class Job:
    """A request with everything it left open decided: the method, the source text and where it
    came from, and the absolute output folder."""

    params: SynthesizeParams
    method: str
    text: str
    source_file: str
    out_dir: Path

    def key_fields(self) -> dict[str, object]:
        p = self.params
        return {
            "method": self.method,
            "backend": p.backend.value,
            "target": p.target.value,
            "clock_ns": p.clock_ns,
            "vectors": p.vectors,
            "seed": p.seed,
            "fmax": p.fmax,
            "synth": p.synth,
            "delay_model": p.delay_model.value,
            "pipeline_stages": p.pipeline_stages,
            "unroll_limit": p.unroll_limit,
            "assume_input_bits": p.assume_input_bits,
            "assume_max_length": p.assume_max_length,
            "cosim_time_limit_s": p.cosim_time_limit_s,
        }


@dataclass
class _Run:
    job: Job
    progress: ProgressFn | None
    cancel: CancelToken | None
    engine: DafnyEngine
    folder: OutputFolder
    stages: list[StageTiming] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str, message: str) -> Iterator[None]:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if self.progress is not None:
            self.progress(
                SynthesisProgress(
                    stage=name, message=message, fraction=STAGES.index(name) / len(STAGES)
                )
            )
        started = time.monotonic()
        yield
        self.stages.append(StageTiming(stage=name, duration_s=round(time.monotonic() - started, 3)))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_digest() -> str:
    """A digest of the code that shapes the result, so an upgrade invalidates old reports."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".h") and path.is_file():
                h.update(path.relative_to(root).as_posix().encode())
                h.update(path.read_bytes())
    h.update(Path(__file__).resolve().read_bytes())
    return h.hexdigest()[:16]


def content_key(job: Job, tools: dict[str, str]) -> str:
    blob = json.dumps(
        {
            "source": _sha256(job.text.encode("utf-8")),
            "options": job.key_fields(),
            "tools": tools,
            "code": code_digest(),
        },
        sort_keys=True,
    )
    return _sha256(blob.encode("utf-8"))[:32]


def _digest(path: Path, root: Path) -> ArtifactDigest:
    data = path.read_bytes()
    return ArtifactDigest(
        path=path.relative_to(root).as_posix(), sha256=_sha256(data), bytes=len(data)
    )


def check_method_name(name: str) -> str:
    """A method name becomes a folder name (FILE.p2s/METHOD): refuse anything but a Dafny
    identifier, or a dotted qualified one, before any path is built from it."""
    if not _METHOD_NAME.fullmatch(name) or name == "_":
        raise InputError(
            f"not a Dafny method name: {name!r}",
            hint="a name such as SaturatingAdd, or Module.Method",
        )
    return name


def contract_warnings(assume_input_bits: int | None, assume_max_length: int | None) -> list[str]:
    """One warning per hardware-contract option given, saying exactly what it assumes."""
    found: list[str] = []
    if assume_input_bits is not None:
        found.append(
            "hardware contract beyond the precondition: integer inputs the precondition leaves "
            f"unbounded are assumed to fit {assume_input_bits} bits"
        )
    if assume_max_length is not None:
        found.append(
            "hardware contract beyond the precondition: arrays whose length the precondition "
            f"leaves unbounded are assumed to hold at most {assume_max_length} elements"
        )
    return found


def _cached(job: Job, key: str) -> SynthesizeResult | None:
    out = job.out_dir
    report_path, manifest_path = out / REPORT_JSON, out / MANIFEST_JSON
    if not (report_path.exists() and manifest_path.exists() and (out / REPORT_HTML).exists()):
        return None
    try:
        report = SynthesisReport.model_validate_json(report_path.read_text(encoding="utf-8"))
        manifest = EvidenceManifest.model_validate_json(manifest_path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if report.content_key != key or manifest.content_key != key:
        return None
    for art in manifest.artifacts:
        path = out / art.path
        if not path.exists() or _sha256(path.read_bytes()) != art.sha256:
            return None
    return result_for(report, out, cached=True)


def _tool_versions(engine_version: str, backend: HlsBackend) -> dict[str, str]:
    from toolchain.synth.versions import tool_versions

    names = ["yosys", "nextpnr-ice40", "iverilog", "cocotb"]
    names += ["xls"] if backend == HlsBackend.xls else ["g++", "vitis_hls", "vivado_hls"]
    found = tool_versions(names)
    found["dafny"] = engine_version
    return found


def run_synthesis(
    params: SynthesizeParams,
    settings: Settings | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    engine: DafnyEngine | None = None,
    source_text: str | None = None,
    transform_ir: IrTransform | None = None,
) -> SynthesizeResult:
    """Run every stage (see the module docstring) for one request.

    `engine`: a Dafny engine already running (the server's); else one is discovered with
    `settings.dafny`. `source_text`: the program when it is not on disk (replayed candidates);
    `params.uri` then only names it, and `params.out_dir` must be given. `transform_ir` rewrites
    the lowered IR before HLS; tests use it to inject a wrong lowering that co-simulation must
    catch."""
    from toolchain.dafny import DafnyEngine

    settings = settings or Settings()
    job = resolve(params, source_text=source_text)
    folder = OutputFolder.claim(job.out_dir, force=params.force)
    try:
        dafny = engine if engine is not None else DafnyEngine.discover(settings.dafny)
        tools = _tool_versions(f"Dafny {dafny.info.version}", params.backend)
        key = content_key(job, tools)
        if transform_ir is not None:
            key = f"{key}-transformed"
        if params.use_cache and transform_ir is None:
            hit = _cached(job, key)
            if hit is not None:
                if progress is not None:
                    progress(
                        SynthesisProgress(stage="report", message="unchanged: cached", fraction=1)
                    )
                return hit
        folder.remove_previous()
        run = _Run(job, progress, cancel, dafny, folder)
        return _run_stages(run, dafny, tools, key, transform_ir)
    finally:
        folder.release()


def synthesize_candidate(
    code: str,
    method: str,
    out_dir: Path,
    *,
    vectors: int,
    engine: DafnyEngine | None,
    stage: Callable[[str], None],
) -> SynthesisReport:
    """A replayed program (text, never a file) through every stage but place and route, which is
    the slowest and adds nothing to "reaches RTL": the `Synthesizer` that
    `toolchain.datasets.hardware_probe` is handed."""
    params = SynthesizeParams(
        uri="candidate.dfy", method=method, out_dir=str(out_dir), vectors=vectors, fmax=False
    )
    return run_synthesis(
        params, engine=engine, source_text=code, progress=lambda p: stage(p.stage)
    ).report


def source_path(uri: str) -> tuple[Path, bool]:
    """The file a request names, and whether it was named by a file:// URI (the editor's way)."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(url2pathname(parsed.path)), True
    return Path(uri).expanduser(), False


def default_method(text: str, source: Path) -> str:
    """The method to synthesize when the request names none: the file's only compiled method."""
    from toolchain.frontend.parser import parse_program

    program = parse_program(text)
    methods = [m.name for m in program.methods() if not m.ghost and m.kind == "method"]
    if len(methods) == 1:
        return methods[0]
    raise InputError(
        f"{source} declares {len(methods)} methods; say which one",
        hint="--method " + (methods[0] if methods else "NAME"),
    )


def default_out_dir(source: Path, method: str) -> Path:
    """FILE.p2s/METHOD beside the source (the method name checked before it becomes a folder)."""
    return source.with_suffix(".p2s") / check_method_name(method)


def resolve(params: SynthesizeParams, *, source_text: str | None = None) -> Job:
    """Decide what the request leaves open, or refuse it before any tool runs."""
    from toolchain.dafny import read_dafny_file

    source, from_uri = source_path(params.uri)
    if source_text is None:
        text = read_dafny_file(source)
    elif params.out_dir is None:
        raise InputError("a program given as text needs an output folder")
    else:
        text = source_text
    method = check_method_name(params.method or default_method(text, source))
    if params.out_dir is None:
        out = default_out_dir(source, method)
    else:
        given = Path(params.out_dir).expanduser()
        # the editor's server runs in a folder of its own: a relative folder means the document's
        out = source.parent / given if from_uri else given
    return Job(
        params=params, method=method, text=text, source_file=str(source), out_dir=out.resolve()
    )


def result_for(report: SynthesisReport, out: Path, *, cached: bool) -> SynthesizeResult:
    """What a request returns: the report and where its files are."""
    return SynthesizeResult(
        report=report,
        out_dir=str(out),
        report_html=str(out / REPORT_HTML),
        report_json=str(out / REPORT_JSON),
        manifest_json=str(out / MANIFEST_JSON),
        cached=cached,
    )


def _run_stages(
    run: _Run,
    dafny: DafnyEngine,
    tools: dict[str, str],
    key: str,
    transform_ir: IrTransform | None,
) -> SynthesizeResult:
    from toolchain.frontend import lower
    from toolchain.frontend.ranges import Options

    job = run.job
    req = job.params
    with run.stage("verify", f"verifying {job.source_file}"):
        verification = dafny.verify_source(job.text, job.source_file, cancel=run.cancel)
        if not verification.ok:
            raise ToolchainError(
                f"{job.source_file} is not verified ({verification.status.value}); only verified "
                "programs are synthesized",
                hint=_first_error(verification),
            )
    with run.stage("lower", f"lowering {job.method} to hardware IR"):
        contract = Options(
            assume_input_bits=req.assume_input_bits, assume_max_length=req.assume_max_length
        )
        lowered = lower(
            job.text, job.method, filename=job.source_file, engine=dafny, options=contract
        )
        run.warnings.extend(contract_warnings(req.assume_input_bits, req.assume_max_length))
        if lowered.method is None or not lowered.ok:
            errors = lowered.errors or lowered.diagnostics
            first = errors[0] if errors else None
            hint = (
                f"line {first.range.start.line + 1}: {first.message}" if first is not None else None
            )
            raise ToolchainError(f"{job.method} cannot become hardware", hint=hint)
        method = lowered.method
        if transform_ir is not None:
            method = transform_ir(method)
    if req.backend == HlsBackend.vitis:
        return _vitis_rest(run, method, verification, tools, key)
    return _xls_rest(run, method, verification, tools, key)


def _first_error(v: FileVerification) -> str | None:
    for d in v.diagnostics:
        return f"line {d.range.start.line + 1}: {d.message}"
    return None


def _xls_rest(
    run: _Run,
    method: HardwareMethod,
    verification: FileVerification,
    tools: dict[str, str],
    key: str,
) -> SynthesizeResult:
    from toolchain.cosim.run import prepare_reference

    job = run.job
    req = job.params
    out = job.out_dir
    # Dafny's compiled reference does not depend on the RTL: let it run while XLS and yosys work.
    ref_cancel = CancelToken()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="p2s-reference")
    reference = pool.submit(
        prepare_reference,
        method,
        job.text,
        run.engine,
        out / "cosim",
        vectors=req.vectors,
        seed=req.seed,
        timeout_s=req.cosim_time_limit_s,
        cancel=ref_cancel,
    )
    try:
        return _xls_stages(run, method, verification, tools, key, reference)
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
    run: _Run,
    method: HardwareMethod,
    verification: FileVerification,
    tools: dict[str, str],
    key: str,
    reference: Future[PreparedReference],
) -> SynthesizeResult:
    from toolchain.cosim.run import cosimulate
    from toolchain.hls.interface import describe
    from toolchain.hls.structurize import StructureOptions
    from toolchain.hls.xls_backend import XlsOptions, synthesize_xls
    from toolchain.synth.nextpnr import estimate_fmax
    from toolchain.synth.yosys import synthesize

    job = run.job
    req = job.params
    out = job.out_dir
    with run.stage("hls", "XLS: DSLX, scheduling, Verilog"):
        hls = synthesize_xls(
            method,
            XlsOptions(
                clock_ns=req.clock_ns,
                delay_model=req.delay_model.value,
                pipeline_stages=req.pipeline_stages,
                structure=StructureOptions(unroll_limit=req.unroll_limit),
            ),
            cancel=run.cancel,
        )
        rtl_dir, hls_dir = out / "rtl", out / "hls"
        rtl_paths: list[Path] = []
        for name, text in hls.files.items():
            folder = rtl_dir if name in hls.rtl_files else hls_dir
            write_atomic(folder / name, text)
            if name in hls.rtl_files:
                rtl_paths.append(folder / name)
        run.warnings.extend(hls.warnings)
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
            job.text,
            run.engine,
            out / "cosim",
            vectors=req.vectors,
            seed=req.seed,
            timeout_s=req.cosim_time_limit_s,
            cancel=run.cancel,
            prepared=_wait(reference, run.cancel),
        )
        run.warnings.extend(sim.warnings)
        if (out / "cosim" / COSIM_LOG).exists():
            write_atomic(out / COSIM_LOG, (out / "cosim" / COSIM_LOG).read_bytes())
            sim.report.log_file = COSIM_LOG
    lat = sim.latencies
    scheduler_fmax = 1e6 / hls.critical_path_ps if hls.critical_path_ps else None
    best = fmax_mhz if fmax_mhz is not None else scheduler_fmax
    report = SynthesisReport(
        method=job.method,
        source_file=job.source_file,
        backend=req.backend,
        target=req.target,
        top_module=iface.top,
        architecture=hls.architecture,
        ports=iface.rtl_ports(),
        interface_doc=describe(iface),
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
        warnings=run.warnings,
        tool_versions=tools,
        rtl_files=[p.relative_to(out).as_posix() for p in rtl_paths],
        content_key=key,
    )
    if fmax_mhz is not None and fmax_mhz < 1000.0 / req.clock_ns:
        report.warnings.append(
            f"nextpnr-ice40 reached {fmax_mhz:.1f} MHz, below the {1000.0 / req.clock_ns:.1f} MHz "
            "target (on an iCE40 HX8K: a Xilinx part is several times faster)"
        )
    return _finish(run, report, method, verification, lat, key)


def _vitis_rest(
    run: _Run,
    method: HardwareMethod,
    verification: FileVerification,
    tools: dict[str, str],
    key: str,
) -> SynthesizeResult:
    from toolchain.cosim.run import csim_report, prepare_reference
    from toolchain.hls.interface import build_interface
    from toolchain.hls.vitis.flow import run_vitis

    job = run.job
    req = job.params
    out = job.out_dir
    if req.target != SynthTarget.xilinx:
        raise InputError("the Vitis back end targets Xilinx parts only", hint="use --target xilinx")
    iface = build_interface(method)
    with run.stage("cosim", "reference outputs from Dafny's compiler"):
        prepared = prepare_reference(
            method,
            job.text,
            run.engine,
            out / "cosim",
            vectors=req.vectors,
            seed=req.seed,
            timeout_s=req.cosim_time_limit_s,
            cancel=run.cancel,
        )
        ref, candidates = prepared.run, prepared.candidates
        chosen = [k for k in ref.accepted if k in ref.outputs][: req.vectors]
        vectors = [candidates[k] for k in chosen]
        expected = [ref.outputs[k] for k in chosen]
        run.warnings.extend(ref.warnings)
    with run.stage("hls", "Vitis C++, C simulation, C synthesis where Vitis HLS is installed"):
        outcome = run_vitis(
            method, iface, out / "hls", vectors, expected, clock_ns=req.clock_ns, cancel=run.cancel
        )
        run.warnings.extend(outcome.warnings)
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
    report = SynthesisReport(
        method=job.method,
        source_file=job.source_file,
        backend=req.backend,
        target=req.target,
        top_module=iface.top,
        architecture=Architecture.vitis,
        ports=iface.rtl_ports() if cs is None else [],
        interface_doc=(
            "Vitis HLS block protocol ap_ctrl_hs (ap_start/ap_done/ap_idle/ap_ready); scalars "
            "ap_none, results ap_vld, small arrays partitioned into registers, large ones ap_memory."
            " The ports listed are the C function's parameters in the stable order of "
            "toolchain/hls/interface.py."
        ),
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
        warnings=run.warnings,
        tool_versions=tools,
        rtl_files=rtl_files,
        content_key=key,
    )
    return _finish(run, report, method, verification, [], key)


def _finish(
    run: _Run,
    report: SynthesisReport,
    method: HardwareMethod,
    verification: FileVerification,
    latencies: list[int],
    key: str,
) -> SynthesizeResult:
    from toolchain.synth.html import render_report

    job = run.job
    out = job.out_dir
    with run.stage("report", "writing report.json, report.html, manifest.json"):
        # the evidence files (this run's, never a user's file kept beside them by --force);
        # report.json and report.html summarise them and carry the key
        artifacts = [
            _digest(out / rel, out)
            for rel in sorted(run.folder.written())
            if (out / rel).is_file()
            and (Path(rel).parent.as_posix() in ("rtl", "hls") or rel == COSIM_LOG)
        ]
        manifest = EvidenceManifest(
            method=job.method,
            source_file=job.source_file,
            source_sha256=_sha256(job.text.encode("utf-8")),
            verification_status=verification.status.value,
            verified_count=verification.verified_count,
            dafny_version=verification.dafny.version if verification.dafny else None,
            widths=[
                WidthEvidence(
                    name=w.name, lo=w.lo, hi=w.hi, type=str(w.type), status=w.status.value
                )
                for w in method.widths
            ],
            width_obligations_total=len(method.obligations),
            width_obligations_proven=sum(1 for o in method.obligations if o.proven),
            cosim_verdict=report.cosim.verdict,
            cosim_vectors=report.cosim.vectors_run,
            cosim_reference=report.cosim.reference,
            tool_versions=report.tool_versions,
            artifacts=artifacts,
            content_key=key,
            created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        )
        if not method.widths_proven:
            report.warnings.append("some widths are not proven by the verifier")
        write_atomic(out / MANIFEST_JSON, manifest.model_dump_json(indent=2) + "\n")
    report.stages = list(run.stages)
    write_atomic(out / REPORT_HTML, render_report(report, latencies))
    write_atomic(out / REPORT_JSON, report.model_dump_json(indent=2) + "\n")
    if run.progress is not None:
        run.progress(SynthesisProgress(stage="report", message="done", fraction=1.0))
    return result_for(report, out, cached=False)


__all__ = [
    "MANIFEST_JSON",
    "REPORT_HTML",
    "REPORT_JSON",
    "STAGES",
    "Job",
    "check_method_name",
    "content_key",
    "contract_warnings",
    "default_method",
    "default_out_dir",
    "resolve",
    "result_for",
    "run_synthesis",
    "source_path",
    "synthesize_candidate",
]
