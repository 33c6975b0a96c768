"""The background width proof (proveWidths) is cancellable: a new edit or shutdown kills the
Dafny it runs, through the real server over stdio with the real Dafny. The proof runs the cold
CLI (`Dafny.exe`); the warm verifier is `DafnyServer.exe` and is not what these tests watch."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_helpers import (
    REPO,
    RecordingClient,
    StartServer,
    change_doc,
    open_doc,
    published_version,
    server_descendants,
    wait_until,
)

SUM = (REPO / "examples" / "kernels" / "sum.dfy").read_text()


def _proof_processes(client: RecordingClient) -> set[int]:
    process = client._server
    assert process is not None
    return {
        p
        for p, cmd in server_descendants(process.pid).items()
        if "DafnyServer" not in cmd and ("Dafny.exe" in cmd or "/z3" in cmd)
    }


async def _proof_running(client: RecordingClient, uri: str) -> set[int]:
    open_doc(client, uri, SUM)
    await published_version(client, uri, 1)
    await wait_until(
        lambda: bool(_proof_processes(client)), timeout_s=60, what="the width proof's Dafny"
    )
    return _proof_processes(client)


async def test_an_edit_kills_the_running_width_proof(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "sum.dfy").as_uri()
    running = await _proof_running(client, uri)
    # Sum no longer verifies: the new version starts no proof of its own
    change_doc(client, uri, 2, SUM.replace("s := s + a[i];", "s := s + a[i] + 1;"))
    await wait_until(
        lambda: not (running & _proof_processes(client)),
        timeout_s=15,
        what="the cancelled proof's Dafny to be killed",
    )
    await published_version(client, uri, 2)
    await asyncio.sleep(1.0)
    assert _proof_processes(client) == set()


async def test_shutdown_kills_the_running_width_proof(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "sum.dfy").as_uri()
    running = await _proof_running(client, uri)
    await asyncio.wait_for(client.shutdown_async(None), 20)
    await wait_until(
        lambda: not (running & _proof_processes(client)),
        timeout_s=15,
        what="the proof's Dafny to be killed at shutdown",
    )
    # end the session here: a second `shutdown` from the fixture would get no answer
    client.exit(None)
    assert client._server is not None
    assert await asyncio.wait_for(client._server.wait(), 20) == 0
