"""The language server keeps serving: Dafny missing, handler failures, cancellation, timeouts."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from lsp_helpers import (
    MAX_FIXED,
    MAX_WRONG,
    SLOW_LEMMA,
    RecordingClient,
    StartServer,
    dafny_findings,
    open_doc,
    published_version,
    server_descendants,
    wait_until,
)
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled


def _server_pid(client: RecordingClient) -> int:
    process = client._server
    assert process is not None
    return process.pid


def _dafny_processes(pid: int) -> set[int]:
    return {
        p
        for p, cmd in server_descendants(pid).items()
        if "Dafny" in cmd or os.path.basename(cmd.split(" ")[0]) == "z3"
    }


async def test_dafny_missing_one_notification_and_a_line_one_diagnostic(
    start_server: StartServer, tmp_path: Path
) -> None:
    env = {"PATH": str(tmp_path / "empty-bin"), "P2S_DAFNY": ""}
    client = await start_server(env=env)
    first, second = (tmp_path / "a.dfy").as_uri(), (tmp_path / "b.dfy").as_uri()
    open_doc(client, first, MAX_WRONG)
    open_doc(client, second, MAX_FIXED)
    for uri in (first, second):
        diagnostics = await published_version(client, uri, 1)
        assert len(diagnostics) == 1
        d = diagnostics[0]
        assert d.range.start.line == 0 and d.severity == lsp.DiagnosticSeverity.Error
        assert "not installed" in d.message and "apt-get install dafny" in d.message
    await asyncio.sleep(0.5)
    errors = [m for m in client.messages if m.type == lsp.MessageType.Error]
    assert len(errors) == 1, [m.message for m in client.messages]
    assert "apt-get install dafny" in errors[0].message
    assert client.statuses_for(first)[-1].state == "unavailable"
    with pytest.raises(JsonRpcException, match="not installed"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="proof2silicon.verify", arguments=[{"uri": first}])
        )
    status = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.serverStatus")
    )
    assert status["dafny"] is None and "not installed" in status["dafny_error"]
    assert len([m for m in client.messages if m.type == lsp.MessageType.Error]) == 1


async def test_a_failing_handler_does_not_stop_the_server(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    # A command handler fails on arguments it cannot use: the request gets an error response.
    with pytest.raises(JsonRpcException, match="uri"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="proof2silicon.verify", arguments=[{"uri": 42}])
        )
    # A change to a document that was never opened is ignored with a log line: no KeyError
    # traceback, nothing shown to the user.
    never_opened = (tmp_path / "never-opened.dfy").as_uri()
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=never_opened, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="method M() {}")],
        )
    )
    await wait_until(
        lambda: any(
            m.type == lsp.MessageType.Warning and "which is not open" in m.message
            for m in client.log_messages
        ),
        timeout_s=10,
        what="the log line about the change",
    )
    assert never_opened in next(m.message for m in client.log_messages if "not open" in m.message)
    # ... and the server still verifies.
    uri = (tmp_path / "after.dfy").as_uri()
    open_doc(client, uri, MAX_WRONG)
    diagnostics = dafny_findings(await published_version(client, uri, 1))
    assert {d.code for d in diagnostics} == {"BP5003"}
    assert client.messages == [], [m.message for m in client.messages]
    assert not any("KeyError" in m.message for m in client.log_messages)
    assert client.published_for(never_opened) == []


async def test_cancelling_the_verify_command_stops_dafny(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"verifyOn": "never", "dafny": {"vcTimeLimitS": 60}})
    uri = (tmp_path / "slow.dfy").as_uri()
    open_doc(client, uri, SLOW_LEMMA)
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(
            lsp.WORKSPACE_EXECUTE_COMMAND,
            lsp.ExecuteCommandParams(command="proof2silicon.verify", arguments=[{"uri": uri}]),
            msg_id="slow-verify",
        )
    )
    await wait_until(
        lambda: any(s.state == "verifying" for s in client.statuses_for(uri)),
        what="the verification to start",
    )
    pid = _server_pid(client)
    await wait_until(lambda: _dafny_processes(pid), timeout_s=30, what="Dafny to run")
    await asyncio.sleep(1.0)  # well into the proof that would take 60 s
    running = _dafny_processes(pid)
    cancelled_at = time.monotonic()
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="slow-verify"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(pending, 10)
    await wait_until(
        lambda: client.statuses_for(uri)[-1].state == "cancelled", timeout_s=10, what="cancelled"
    )
    await wait_until(
        lambda: not (running & _dafny_processes(pid)), timeout_s=10, what="Dafny to be killed"
    )
    assert time.monotonic() - cancelled_at < 10
    assert client.published_for(uri) == []
    # The server goes on: the next verification works.
    other = (tmp_path / "quick.dfy").as_uri()
    open_doc(client, other, MAX_WRONG)
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.verify", arguments=[{"uri": other}])
    )
    assert result["status"] == "errors"


async def test_cancel_button_on_progress_stops_the_run(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"dafny": {"vcTimeLimitS": 60}})
    uri = (tmp_path / "slow.dfy").as_uri()
    open_doc(client, uri, SLOW_LEMMA)

    def begun() -> list[str]:
        return [
            str(token)
            for token, values in client.progress_reports.items()
            if any(isinstance(v, lsp.WorkDoneProgressBegin) for v in values)
        ]

    await wait_until(begun, timeout_s=30, what="a progress notification")
    token = begun()[0]
    begin = next(
        v for v in client.progress_reports[token] if isinstance(v, lsp.WorkDoneProgressBegin)
    )
    assert begin.cancellable and "slow.dfy" in begin.title
    pid = _server_pid(client)
    running = _dafny_processes(pid)
    client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    await wait_until(
        lambda: client.statuses_for(uri)[-1].state == "cancelled", timeout_s=10, what="cancelled"
    )
    await wait_until(
        lambda: not (running & _dafny_processes(pid)), timeout_s=10, what="Dafny to be killed"
    )
    await wait_until(
        lambda: any(isinstance(v, lsp.WorkDoneProgressEnd) for v in client.progress_reports[token]),
        timeout_s=5,
        what="the progress to end",
    )
    assert client.published_for(uri) == []


async def test_timed_out_method_shows_in_its_lens(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"dafny": {"vcTimeLimitS": 2}})
    uri = (tmp_path / "slow.dfy").as_uri()
    open_doc(client, uri, SLOW_LEMMA + "\n" + MAX_FIXED)
    diagnostics = await published_version(client, uri, 1)
    assert any("timed out" in d.message for d in diagnostics), [d.message for d in diagnostics]
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    titles = {lens.range.start.line: lens.command.title for lens in lenses if lens.command}
    assert titles[0] == "⏱ timed out", titles
    assert titles[6].startswith("✓ verified"), titles
    assert client.statuses_for(uri)[-1].status == "timeout"
