"""`proof2silicon.generate`: English spec (a *.spec.md file or the selection) -> verified Dafny,
with work-done progress (round k of N, error count) and cancel. The work is
`toolchain.generate.run_generate`; this only adapts it to LSP."""

from __future__ import annotations

from server.app import P2SServer
from server.engine_call import register_engine_command
from shared_schemas.generation import GenerationParams, GenerationProgress
from shared_schemas.lsp import COMMAND_GENERATE
from toolchain.generate import run_generate


def progress_text(p: GenerationProgress) -> tuple[str, int]:
    errors = f" ({p.error_count} error(s))" if p.error_count is not None else ""
    return f"round {p.round} of {p.max_rounds}: {p.phase.value}{errors}", int(
        100 * (p.round - 1) / p.max_rounds
    )


def register(server: P2SServer) -> None:
    register_engine_command(
        server,
        COMMAND_GENERATE,
        GenerationParams,
        lambda params: "Generating verified Dafny",
        run_generate,
        progress_text,
    )


__all__ = ["progress_text", "register"]
