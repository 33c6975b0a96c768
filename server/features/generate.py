"""`proof2silicon.generate`: English spec (a *.spec.md file or the selection) -> verified Dafny,
with work-done progress (round k of N, error count) and cancel. The work is
`toolchain.generate.run_generate`; this only adapts it to LSP."""

from __future__ import annotations

import asyncio
from typing import Any

from pygls.exceptions import JsonRpcException

from server.app import P2SServer
from server.features.commands import CommandFailed, require_engine
from server.progress import WorkDone
from shared_schemas.generation import GenerationParams, GenerationProgress
from shared_schemas.lsp import COMMAND_GENERATE, ErrorCode, OutputExistsData
from toolchain.errors import OutputExistsError, ToolchainError
from toolchain.generate import run_generate
from toolchain.proc import CancelToken


def progress_text(p: GenerationProgress) -> tuple[str, int]:
    errors = f" ({p.error_count} error(s))" if p.error_count is not None else ""
    return f"round {p.round} of {p.max_rounds}: {p.phase.value}{errors}", int(
        100 * (p.round - 1) / p.max_rounds
    )


def register(server: P2SServer) -> None:
    @server.command(COMMAND_GENERATE)
    async def generate(ls: P2SServer, *args: Any) -> dict[str, Any]:
        params = GenerationParams.model_validate(args[0] if args else {})
        loop = asyncio.get_running_loop()
        cancel = CancelToken()
        engine = await require_engine(ls)
        with ls.cancellable_request() as token:
            async with WorkDone(
                ls, "Generating verified Dafny", on_cancel=cancel.cancel, token=token
            ) as work:

                def report(p: GenerationProgress) -> None:
                    # called on the worker thread; progress goes out on the event loop
                    loop.call_soon_threadsafe(work.report, *progress_text(p))

                try:
                    result = await asyncio.to_thread(
                        run_generate,
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
        return result.model_dump(mode="json")


__all__ = ["progress_text", "register"]
