"""`proof2silicon.verify` (verify a document now, with progress and cancel) and
`proof2silicon.serverStatus` (Dafny version, settings) for the client's status bar."""

from __future__ import annotations

import asyncio
from typing import Any

from pygls.exceptions import JsonRpcRequestCancelled

from server.app import SERVER_VERSION, P2SServer
from server.convert import is_dafny_document
from server.engine_call import CommandFailed, engine_call
from shared_schemas.lsp import (
    COMMAND_SERVER_STATUS,
    COMMAND_VERIFY,
    ServerStatus,
    VerifyCommandParams,
)
from shared_schemas.verification import FileVerification
from toolchain.errors import ToolchainError


async def _wait(run_task: asyncio.Task[FileVerification | None]) -> None:
    await asyncio.wait({run_task})


def register(server: P2SServer) -> None:
    @server.command(COMMAND_VERIFY)
    async def verify(ls: P2SServer, *args: Any) -> dict[str, Any]:
        # The engine call here is the document's verification run (`server.documents`), which
        # has its own thread and progress; the request waits for it.
        async with engine_call(ls, VerifyCommandParams, args, "verify") as call:
            params = call.params
            refusal = ls.too_large(params.uri)
            if refusal is not None:
                raise CommandFailed(refusal)
            doc = ls.workspace.get_text_document(params.uri)
            if not is_dafny_document(params.uri, doc.language_id):
                raise CommandFailed(f"{params.uri} is not a Dafny document")
            run = ls.documents.schedule(
                params.uri,
                force=params.procedures or (),
                full=params.full,
                progress_token=call.progress_token,
            )
            try:
                while True:
                    await _wait(run.task)
                    newer = ls.documents.current_run(params.uri)
                    if run.task.cancelled() and newer is not None and newer is not run:
                        run = newer  # an edit superseded this run: answer for the new text
                        continue
                    break
            except asyncio.CancelledError:
                run.cancel.cancel()
                run.task.cancel()
                raise
            if run.task.cancelled():
                raise JsonRpcRequestCancelled("verification cancelled")
            result = run.task.result()
            if result is None:
                record = ls.documents.records.get(params.uri)
                error = record.error if record is not None else None
                if isinstance(error, ToolchainError):
                    raise error
                raise JsonRpcRequestCancelled("verification cancelled")
        return result.model_dump(mode="json")

    @server.command(COMMAND_SERVER_STATUS)
    async def server_status(ls: P2SServer, *args: Any) -> dict[str, Any]:
        error: str | None = None
        try:
            verifier = await ls.verifier()
            warm = verifier.warm is not None
        except ToolchainError as exc:
            error, warm = str(exc), False
        status = ServerStatus(
            version=SERVER_VERSION,
            dafny=ls.dafny_info,
            dafny_error=error,
            warm_verifier=warm,
            settings=ls.settings,
            verifier_runs=ls.documents.verifier_runs,
        )
        return status.model_dump(mode="json")


__all__ = ["register"]
