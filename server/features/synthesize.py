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

from server.app import P2SServer
from server.convert import filename_for
from server.engine_call import register_engine_command
from shared_schemas.lsp import COMMAND_SHOW_REPORT, COMMAND_SYNTHESIZE
from shared_schemas.synthesis import (
    SynthesisProgress,
    SynthesisReport,
    SynthesizeParams,
    SynthesizeResult,
)
from toolchain.synthesize import REPORT_JSON, result_for, run_synthesis


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
    def remember(ls: P2SServer, params: SynthesizeParams, result: SynthesizeResult) -> None:
        ls.syntheses[params.uri] = result

    register_engine_command(
        server,
        COMMAND_SYNTHESIZE,
        SynthesizeParams,
        lambda params: f"Synthesizing {params.method or 'the method'}",
        run_synthesis,
        progress_text,
        done=remember,
    )

    @server.command(COMMAND_SHOW_REPORT)
    async def show_report(ls: P2SServer, *args: Any) -> dict[str, Any] | None:
        first = args[0] if args and isinstance(args[0], dict) else {}
        uri = first.get("uri")
        if isinstance(uri, str):
            found = ls.syntheses.get(uri) or await asyncio.to_thread(
                latest_on_disk, Path(filename_for(uri))
            )
        else:
            found = next(reversed(ls.syntheses.values()), None)
        return found.model_dump(mode="json") if found is not None else None


__all__ = ["latest_on_disk", "progress_text", "register"]
