"""`proof2silicon.synthesize` (one method -> RTL, report, co-simulation; work-done progress named
after the stages, with cancel) and `proof2silicon.showReport` (the last report for a file). The
work is `toolchain.pipeline.run_synthesis`; this only adapts it to LSP. A relative `out_dir` is
taken relative to the document's folder (the server's own working directory means nothing to the
user); the engine refuses an output folder holding files it did not write, as the CLI does."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from server.app import P2SServer
from server.convert import filename_for
from server.features.commands import CommandFailed, require_engine
from server.progress import WorkDone
from shared_schemas.lsp import COMMAND_SHOW_REPORT, COMMAND_SYNTHESIZE
from shared_schemas.synthesis import (
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
    SynthesizeResult,
)
from toolchain.errors import ToolchainError
from toolchain.pipeline import (
    REPORT_HTML,
    REPORT_JSON,
    SynthesisRequest,
    check_method_name,
    run_synthesis,
)
from toolchain.proc import CancelToken

_last: dict[str, SynthesizeResult] = {}  # document URI -> its latest synthesis


def default_out_dir(source: Path, method: str) -> Path:
    """Where `p2s synth` also writes by default: FILE.p2s/METHOD beside the source."""
    return source.with_suffix(".p2s") / check_method_name(method)


def out_dir_for(source: Path, method: str, out_dir: str | None) -> Path:
    """The output folder of a synthesize request, absolute."""
    if not out_dir:
        return default_out_dir(source, method).resolve()
    return (source.parent / Path(out_dir).expanduser()).resolve()


def progress_text(p: SynthesisProgress) -> tuple[str, int]:
    return f"{p.stage}: {p.message}", int(100 * p.fraction)


def _result(outcome_report: SynthesisReport, out: Path, cached: bool) -> SynthesizeResult:
    return SynthesizeResult(
        report=outcome_report,
        out_dir=str(out),
        report_html=str(out / REPORT_HTML),
        report_json=str(out / REPORT_JSON),
        cached=cached,
    )


def latest_on_disk(source: Path) -> SynthesizeResult | None:
    """The most recent report under FILE.p2s/ (after a restart, or from the CLI)."""
    reports = sorted(
        source.with_suffix(".p2s").glob(f"*/{REPORT_JSON}"), key=lambda p: p.stat().st_mtime
    )
    for path in reversed(reports):
        try:
            report = SynthesisReport.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        return _result(report, path.parent, cached=True)
    return None


def register(server: P2SServer) -> None:
    @server.command(COMMAND_SYNTHESIZE)
    async def synthesize(ls: P2SServer, *args: Any) -> dict[str, Any]:
        params = SynthesizeParams.model_validate(args[0] if args else {})
        source = Path(filename_for(params.uri))
        try:
            text = await asyncio.to_thread(source.read_text, encoding="utf-8")
        except OSError as exc:
            raise CommandFailed(f"cannot read {source}: save the file first ({exc})") from exc
        try:
            out = out_dir_for(source, params.method, params.out_dir)
        except ToolchainError as exc:
            raise CommandFailed(str(exc)) from exc
        loop = asyncio.get_running_loop()
        cancel = CancelToken()
        engine = await require_engine(ls)
        request = SynthesisRequest(
            source_text=text,
            method=params.method,
            out_dir=out,
            source_file=str(source),
            backend=params.backend,
            target=params.target,
            clock_ns=params.clock_ns,
            vectors=params.vectors,
        )
        with ls.cancellable_request() as token:
            async with WorkDone(
                ls, f"Synthesizing {params.method}", on_cancel=cancel.cancel, token=token
            ) as work:

                def report(p: SynthesisProgress) -> None:
                    # called on the worker thread; progress goes out on the event loop
                    loop.call_soon_threadsafe(work.report, *progress_text(p))

                try:
                    outcome = await asyncio.to_thread(
                        run_synthesis, request, engine=engine, progress=report, cancel=cancel
                    )
                except asyncio.CancelledError:
                    cancel.cancel()
                    raise
                except ToolchainError as exc:
                    raise CommandFailed(str(exc)) from exc
        result = _result(outcome.report, outcome.out_dir, outcome.cached)
        _last[params.uri] = result
        return result.model_dump(mode="json")

    @server.command(COMMAND_SHOW_REPORT)
    async def show_report(ls: P2SServer, *args: Any) -> dict[str, Any] | None:
        first = args[0] if args and isinstance(args[0], dict) else {}
        uri = first.get("uri")
        if isinstance(uri, str):
            found = _last.get(uri) or await asyncio.to_thread(
                latest_on_disk, Path(filename_for(uri))
            )
        else:
            found = next(reversed(_last.values()), None)
        return found.model_dump(mode="json") if found is not None else None


__all__ = ["default_out_dir", "latest_on_disk", "out_dir_for", "progress_text", "register"]
