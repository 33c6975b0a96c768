"""The real language server (`python -m server`) started for a benchmark, as the editor starts it:
over stdio, with a cache folder of the benchmark's own (so no earlier run's results are reused)
and a client that answers `workspace/configuration` requests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]


async def start_server(client: LanguageClient, cache: str) -> None:
    """Starts the server under `client` and completes the initialize handshake."""
    env = {**os.environ, "P2S_CACHE_DIR": cache, "PYTHONPATH": str(REPO)}
    await client.start_io(sys.executable, "-m", "server", env=env)
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(
                workspace=lsp.WorkspaceClientCapabilities(configuration=True)
            ),
            process_id=os.getpid(),
        )
    )
    client.initialized(lsp.InitializedParams())
