"""Fixtures: the real language server (`python -m server`) over stdio, real Dafny."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from lsp_helpers import REPO, RecordingClient, StartServer, capabilities, make_client
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig


@pytest_asyncio.fixture
async def start_server(tmp_path: Path) -> AsyncIterator[StartServer]:
    """Start `python -m server` with given settings (the `proof2silicon` section) and env."""
    clients: list[RecordingClient] = []

    async def start(
        settings: dict[str, Any] | None = None,
        *,
        env: dict[str, str] | None = None,
        progress: bool = True,
    ) -> RecordingClient:
        config = ClientServerConfig(
            server_command=[sys.executable, "-m", "server"],
            client_factory=make_client,
            server_env={
                **os.environ,
                "P2S_CACHE_DIR": str(tmp_path / "cache"),
                "PYTHONPATH": str(REPO),
                **(env or {}),
            },
        )
        client = await config.start()
        assert isinstance(client, RecordingClient)
        clients.append(client)
        client.set_configuration({"debounceMs": 50, **(settings or {})}, section="proof2silicon")
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities(progress=progress), root_uri=tmp_path.as_uri()
            )
        )
        return client

    yield start
    for client in clients:
        try:
            # a test that ended the session itself (shutdown and exit) left nothing to shut down
            if client._server is None or client._server.returncode is None:
                await asyncio.wait_for(client.shutdown_session(), 20)
        finally:
            await client.stop()
