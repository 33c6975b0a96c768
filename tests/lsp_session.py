"""One way for tests to run the real language server (`python -m server`) over stdio."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parent.parent


@contextlib.asynccontextmanager
async def lsp_session(workspace: Path, **env: str) -> AsyncIterator[LanguageClient]:
    """An initialised client (configuration and work-done progress capable) with a private
    result cache under `workspace`; `env` adds to the server's environment."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "server"],
        server_env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "P2S_CACHE_DIR": str(workspace / "cache"),
            **env,
        },
    )
    client = await config.start()
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(
                workspace=lsp.WorkspaceClientCapabilities(configuration=True),
                window=lsp.WindowClientCapabilities(work_done_progress=True),
            ),
            root_uri=workspace.as_uri(),
        )
    )
    try:
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), 20)
        finally:
            await client.stop()
