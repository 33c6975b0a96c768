"""`proof2silicon.synthesize` (one method -> RTL, report, co-simulation; work-done progress named
after the stages, with cancel) and `proof2silicon.showReport` (the last report for a file). The
work is `toolchain.synthesize.run_synthesis`, the same call `p2s synth` makes: the request is
validated into `SynthesizeParams` and the engine decides the rest (default method and output
folder, a relative folder taken from the document's folder). An output folder holding files the
tool did not write is refused with `ErrorCode.output_exists`, so that the client can offer to
resend the request with `force`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pygls.exceptions import JsonRpcException

from server.app import P2SServer
from server.convert import filename_for
from server.features.commands import CommandFailed, require_engine
from server.progress import WorkDone
from shared_schemas.lsp import (
    COMMAND_SHOW_REPORT,
    COMMAND_SYNTHESIZE,
    ErrorCode,
    OutputExistsData,
)
from shared_schemas.synthesis import (
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
    SynthesizeResult,
)
from toolchain.errors import OutputExistsError, ToolchainError
from toolchain.proc import CancelToken
from toolchain.synthesize import REPORT_JSON, result_for, run_synthesis

_last: dict[str, SynthesizeResult] = {}  # document URI -> its latest synthesis


def progress_text(p: SynthesisProgress) -> tuple[str, int]:
    return f"{p.stage}: {p.message}", int(100 * p.fraction)


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
        return result_for(report, path.parent, cached=True)
    return None


def register(server: P2SServer) -> None:
    @server.command(COMMAND_SYNTHESIZE)
    async def synthesize(ls: P2SServer, *args: Any) -> dict[str, Any]:
        try:
            params = SynthesizeParams.model_validate(args[0] if args else {})
        except ValidationError as exc:
            raise CommandFailed(f"invalid synthesize request: {exc}") from exc
        loop = asyncio.get_running_loop()
        cancel = CancelToken()
        engine = await require_engine(ls)
        with ls.cancellable_request() as token:
            async with WorkDone(
                ls,
                f"Synthesizing {params.method or 'the method'}",
                on_cancel=cancel.cancel,
                token=token,
            ) as work:

                def report(p: SynthesisProgress) -> None:
                    # called on the worker thread; progress goes out on the event loop
                    loop.call_soon_threadsafe(work.report, *progress_text(p))

                try:
                    result = await asyncio.to_thread(
                        run_synthesis,
                        params,
                        ls.settings,
                        progress=report,
                        cancel=cancel,
                        engine=engine,
                    )
                except asyncio.CancelledError:
                    cancel.cancel()
                    raise
                except OutputExistsError as exc:
                    raise JsonRpcException(
                        str(exc),
                        code=int(ErrorCode.output_exists),
                        data=OutputExistsData(paths=exc.paths).model_dump(mode="json"),
                    ) from exc
                except ToolchainError as exc:
                    raise CommandFailed(str(exc)) from exc
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


__all__ = ["latest_on_disk", "progress_text", "register"]
