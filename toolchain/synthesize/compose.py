"""The composer: `run_synthesis` takes a request through every stage (see the package docstring),
and `synthesize_candidate` is the same for a replayed program held as text."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from shared_schemas.settings import Settings
from shared_schemas.synthesis import (
    HlsBackend,
    SynthesisReport,
    SynthesizeParams,
    SynthesizeResult,
)
from shared_schemas.verification import Severity
from toolchain.atomic import OutputFolder
from toolchain.dafny.callgraph import uses
from toolchain.errors import ToolchainError
from toolchain.proc import CancelToken
from toolchain.synthesize.cache import cached, content_key, tool_versions
from toolchain.synthesize.job import contract_warnings, overflow_warnings, resolve
from toolchain.synthesize.outputs import discard_empty_output, missing_folders
from toolchain.synthesize.stages import IrTransform, ProgressFn, Run
from toolchain.synthesize.vitis_flow import run_vitis_flow
from toolchain.synthesize.xls_flow import run_xls

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.datasets.hardware_probe import Candidate


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
    """Run every stage (see the package docstring) for one request.

    `engine`: a Dafny engine already running (the server's); else one is discovered with
    `settings.dafny`. `source_text`: the program when it is not on disk (replayed candidates);
    `params.uri` then only names it, and `params.out_dir` must be given. `transform_ir` rewrites
    the lowered IR before HLS; tests use it to inject a wrong lowering that co-simulation must
    catch."""
    from toolchain.dafny import DafnyEngine

    settings = settings or Settings()
    job = resolve(params, source_text=source_text)
    created = missing_folders(job.out_dir)
    folder = OutputFolder.claim(job.out_dir, force=params.force)
    finished = False
    try:
        dafny = engine if engine is not None else DafnyEngine.discover(settings.dafny)
        tools = tool_versions(f"Dafny {dafny.info.version}", params.backend)
        key = content_key(job, tools)
        if transform_ir is not None:
            key = f"{key}-transformed"
        run = Run(job, progress, cancel, dafny, folder, tools, key)
        if params.use_cache and transform_ir is None:
            hit = cached(job, key)
            if hit is not None:
                run.report_progress("report", "unchanged: cached", 1)
                finished = True
                return hit
        folder.remove_previous()
        result = _run_stages(run, transform_ir)
        finished = True
        return result
    finally:
        folder.release()
        if not finished:
            # a failed or cancelled run that wrote nothing leaves no empty folder behind
            discard_empty_output(folder.root, created)


# the co-simulation budget of a benchmark's program (Dafny's reference, then the simulation):
# both benches measure "reaches RTL and passes co-simulation" under the same budget, and a loop
# that runs to a 32-bit input would otherwise hold a replay for the interactive default's 300 s
BENCH_COSIM_TIME_LIMIT_S = 60


def bench_request(
    uri: str,
    method: str,
    out_dir: str,
    vectors: int,
    contract: tuple[int | None, int | None, int | None],
) -> SynthesizeParams:
    """What a benchmark asks of a program: every stage but yosys and place and route, which are
    the slowest and add nothing to "reaches RTL and passes co-simulation", under the benchmarks'
    co-simulation budget. `contract`: the hardware contract (assumed input bits, assumed array
    length, overflow check bits; see `SynthesizeParams`). `bench.synth_coverage` and replayed
    candidates (`synthesize_candidate`) both ask this, so their counts mean the same."""
    input_bits, max_length, overflow_bits = contract
    return SynthesizeParams(
        uri=uri,
        method=method,
        out_dir=out_dir,
        vectors=vectors,
        fmax=False,
        synth=False,
        assume_input_bits=input_bits,
        assume_max_length=max_length,
        overflow_check_bits=overflow_bits,
        cosim_time_limit_s=BENCH_COSIM_TIME_LIMIT_S,
    )


def synthesize_candidate(candidate: Candidate) -> SynthesisReport:
    """A replayed program (text, never a file) through the stages a benchmark runs
    (`bench_request`): the `Synthesizer` that `toolchain.datasets.hardware_probe` is handed."""
    contract = (
        candidate.assume_input_bits,
        candidate.assume_max_length,
        candidate.overflow_check_bits,
    )
    params = bench_request(
        "candidate.dfy", candidate.method, str(candidate.out_dir), candidate.vectors, contract
    )
    return run_synthesis(
        params,
        engine=candidate.engine,
        source_text=candidate.code,
        progress=lambda p: candidate.stage(p.stage),
    ).report


def _run_stages(run: Run, transform_ir: IrTransform | None) -> SynthesizeResult:
    from toolchain.frontend import lower
    from toolchain.frontend.ranges import Options

    job = run.job
    req = job.params
    with run.stage("verify", f"verifying {job.method} and what it uses"):
        # Only the method's call graph: an unfinished proof elsewhere in the file does not
        # make this method's hardware any less trustworthy.
        request = run.engine.admit(job.text, job.source_file, None).model_copy(
            update={"procedures": uses(job.text, job.method) or None}
        )
        verification = run.engine.verify_source(
            job.text, job.source_file, request, cancel=run.cancel
        )
        if not verification.ok:
            first = next(iter(verification.diagnostics), None)
            raise ToolchainError(
                f"{job.method} in {job.source_file} is not verified "
                f"({verification.status.value}); only verified methods are synthesized",
                hint=None
                if first is None
                else f"line {first.range.start.line + 1}: {first.message}",
            )
    with run.stage("lower", f"lowering {job.method} to hardware IR"):
        contract = Options(
            assume_input_bits=req.assume_input_bits,
            assume_max_length=req.assume_max_length,
            overflow_check_bits=req.overflow_check_bits,
        )
        lowered = lower(
            job.text, job.method, filename=job.source_file, engine=run.engine, options=contract
        )
        run.warnings.extend(contract_warnings(req.assume_input_bits, req.assume_max_length))
        if lowered.method is None or not lowered.ok:
            errors = lowered.errors or lowered.diagnostics
            bad = errors[0] if errors else None
            hint = f"line {bad.range.start.line + 1}: {bad.message}" if bad is not None else None
            raise ToolchainError(f"{job.method} cannot become hardware", hint=hint)
        method = lowered.method
        run.warnings.extend(overflow_warnings(method))
        run.warnings.extend(  # what the hardware leaves out (a print), located
            f"line {d.range.start.line + 1}: {d.message}"
            for d in lowered.diagnostics
            if d.severity == Severity.warning
        )
        if transform_ir is not None:
            method = transform_ir(method)
        _apply_directives(run)
    if req.backend == HlsBackend.vitis:
        return run_vitis_flow(run, method, verification)
    return run_xls(run, method, verification)


def _apply_directives(run: Run) -> None:
    """Read the method's {:hls_*} attributes; the clock target they name replaces the request's
    (the source is part of the content key, so the cache sees the change)."""
    from toolchain.hls.directives import read_directives

    job = run.job
    directives = read_directives(job.text, job.method, job.source_file)
    run.directives = directives
    if directives.clock_ns is not None:
        params = job.params.model_copy(update={"clock_ns": directives.clock_ns})
        run.job = dataclasses.replace(job, params=params)
