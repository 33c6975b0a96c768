"""`proof2silicon.explore` (the design-space sweep of `p2s explore`, under work-done progress with
cancel; the result carries the scatter and table for the report panel) and
`proof2silicon.exploreApply` (a chosen point's directives as the document's new text, which the
client applies as a workspace edit the user sees; the server never writes the file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from server.app import P2SServer
from server.convert import filename_for
from server.engine_call import as_response_error, register_engine_command, validated
from shared_schemas.explore import ExploreApplyParams, ExploreParams, ExploreProgress
from shared_schemas.lsp import COMMAND_EXPLORE, COMMAND_EXPLORE_APPLY
from toolchain.errors import ToolchainError
from toolchain.explore.service import apply_edit, run_explore
from toolchain.userfile import read_user_text


def progress_text(p: ExploreProgress) -> tuple[str, int]:
    return f"point {p.point}: {p.message}", int(100 * p.fraction)


def register(server: P2SServer) -> None:
    register_engine_command(
        server,
        COMMAND_EXPLORE,
        ExploreParams,
        lambda params: f"Exploring {params.method}",
        run_explore,
        progress_text,
    )

    @server.command(COMMAND_EXPLORE_APPLY)
    async def explore_apply(ls: P2SServer, *args: Any) -> dict[str, Any]:
        params = validated(ExploreApplyParams, args, "exploreApply")
        doc = ls.workspace.text_documents.get(params.uri)
        try:
            if doc is not None:
                text = doc.source
            else:
                path = Path(filename_for(params.uri))
                text = await asyncio.to_thread(
                    read_user_text, path, max_bytes=4 << 20, directory_hint="a .dfy file"
                )
            return apply_edit(params, text).model_dump(mode="json")
        except ToolchainError as exc:
            raise as_response_error(exc) from exc


__all__ = ["progress_text", "register"]
