"""The real server (`python -m server`) over raw stdio pipes, against hostile framing: every
malformed message is answered, the server stays in sync and usable, memory stays bounded."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from raw_lsp import RawServer, frame

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
REQUEST_FAILED = -32803
INIT_PARAMS = {"processId": None, "rootUri": None, "capabilities": {}}

Start = Callable[..., Awaitable[RawServer]]


@pytest_asyncio.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    servers: list[RawServer] = []

    async def start_one(env: dict[str, str] | None = None) -> RawServer:
        server = await RawServer.start(tmp_path, env)
        servers.append(server)
        return server

    yield start_one
    for server in servers:
        await server.kill()


HUGE_DIGITS = b"9" * 20_000
# (case, bytes sent, the (code, id) of every response they must get, in order)
MALFORMED: list[tuple[str, bytes, list[tuple[int, int | str | None]]]] = [
    ("non-numeric length", b"Content-Length: abc\r\n\r\n{}", [(PARSE_ERROR, None)]),
    ("negative length", b"Content-Length: -5\r\n\r\n{}", [(PARSE_ERROR, None)]),
    ("empty length", b"Content-Length: \r\n\r\n{}", [(PARSE_ERROR, None)]),
    (
        "missing length (its shutdown must not run)",
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n"
        b'{"jsonrpc":"2.0","id":"lost","method":"shutdown"}',
        [(PARSE_ERROR, None)],
    ),
    (
        "length line of 20,000 digits",
        b"Content-Length: " + HUGE_DIGITS + b"\r\n\r\n",
        [(PARSE_ERROR, None)],
    ),
    (
        "length overstated: the next header cuts the body",
        b'Content-Length: 5000\r\n\r\n{"jsonrpc":"2.0","id":"long","method":"p2s/none"}',
        [(METHOD_NOT_FOUND, "long")],
    ),
    (
        "length understated: a body that is not JSON, then garbage",
        b'Content-Length: 10\r\n\r\n{"jsonrpc":"2.0","id":"short","method":"p2s/none"}',
        [(PARSE_ERROR, None), (PARSE_ERROR, None)],
    ),
    (
        "two lengths, one body",
        b"Content-Length: 3\r\n" + frame(b"[1]"),
        [(PARSE_ERROR, None), (INVALID_REQUEST, None)],
    ),
    ("an HTTP request", b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n", [(PARSE_ERROR, None)]),
    ("binary garbage", bytes(range(256)) * 40, [(PARSE_ERROR, None)]),
    ("a body that is not JSON", frame(b"{not json"), [(PARSE_ERROR, None)]),
    ("an empty body", frame(b""), [(PARSE_ERROR, None)]),
    ("a body that is not UTF-8", frame(b'{"a": "\xff\xfe"}'), [(PARSE_ERROR, None)]),
    (
        "a batch",
        frame(b'[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]'),
        [(INVALID_REQUEST, None)],
    ),
    ("a string", frame(b'"hello"'), [(INVALID_REQUEST, None)]),
    ("a numeric method", frame(b'{"jsonrpc":"2.0","id":5,"method":42}'), [(INVALID_REQUEST, 5)]),
    (
        "JSON-RPC 1.0",
        frame(b'{"jsonrpc":"1.0","id":6,"method":"shutdown"}'),
        [(INVALID_REQUEST, 6)],
    ),
    (
        "an object id",
        frame(b'{"jsonrpc":"2.0","id":{},"method":"shutdown"}'),
        [(INVALID_REQUEST, None)],
    ),
    ("no method", frame(b'{"jsonrpc":"2.0","id":8}'), [(INVALID_REQUEST, 8)]),
    (
        "params of the wrong shape",
        frame(
            b'{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":{"textDocument":5}}'
        ),
        [(INVALID_PARAMS, 9)],
    ),
    ("deeply nested JSON", frame(b"[" * 100_000 + b"]" * 100_000), [(PARSE_ERROR, None)]),
]


async def test_every_malformed_message_is_answered_and_the_server_stays_usable(
    start: Start,
) -> None:
    server = await start()
    for n, (case, data, expected) in enumerate(MALFORMED):
        before = len(server.received)
        await server.write(data)
        # A well-formed request right after it: its answer proves the reader resynchronised.
        probe = await server.request(f"probe-{n}", "p2s/probe", timeout_s=20)
        assert probe["error"]["code"] == METHOD_NOT_FOUND, case
        answers = [
            (m["error"]["code"], m["id"])
            for m in server.received[before:]
            if "method" not in m and m.get("id") != f"probe-{n}"
        ]
        assert answers == expected, case
        assert all(m["error"]["message"] for m in server.received[before:] if "error" in m), case
    assert not any(m.get("id") == "lost" for m in server.received)
    init = await server.request("init", "initialize", INIT_PARAMS)
    assert "capabilities" in init["result"]
    # After shutdown, requests are refused (LSP) rather than left unanswered.
    assert (await server.shutdown_and_exit()) == 0


async def test_requests_after_shutdown_get_invalid_request(start: Start) -> None:
    server = await start()
    await server.request("init", "initialize", INIT_PARAMS)
    assert (await server.request("down", "shutdown"))["result"] is None
    late = await server.request("late", "textDocument/hover", {})
    assert late["error"]["code"] == INVALID_REQUEST
    await server.send({"method": "exit"})
    assert await server.proc.wait() == 0


async def test_exit_without_shutdown_exits_with_1(start: Start) -> None:
    server = await start()
    await server.request("init", "initialize", INIT_PARAMS)
    await server.send({"method": "exit"})
    assert await server.proc.wait() == 1


async def test_content_length_999999999999_is_skipped_in_bounded_memory(start: Start) -> None:
    server = await start()
    await server.request("init", "initialize", INIT_PARAMS)
    baseline = server.rss_mib()
    await server.write(b"Content-Length: 999999999999\r\n\r\n")
    peak = baseline
    chunk = b"x" * (1 << 20)
    for _ in range(64):  # 64 MiB of a body that never ends
        await server.write(chunk)
        peak = max(peak, server.rss_mib())
    # The next message's header ends the skipped body; the server answers it.
    answer = await server.request("after", "p2s/probe", timeout_s=60)
    assert answer["error"]["code"] == METHOD_NOT_FOUND
    shown = await server.wait_for(lambda m: m.get("method") == "window/showMessage")
    assert f"of {64 << 20} bytes" in shown["params"]["message"]
    assert "P2S_MAX_MESSAGE_BYTES" in shown["params"]["message"]
    assert peak - baseline < 32, f"RSS grew from {baseline:.0f} to {peak:.0f} MiB"
    assert (await server.shutdown_and_exit()) == 0


async def test_messages_and_documents_above_the_limits_are_refused_unread(
    start: Start, tmp_path: Path
) -> None:
    server = await start({"P2S_MAX_MESSAGE_BYTES": "65536", "P2S_MAX_DOCUMENT_BYTES": "4096"})
    await server.request("init", "initialize", INIT_PARAMS)
    await server.send({"method": "initialized", "params": {}})
    baseline = server.rss_mib()
    big = "x" * (1 << 20)

    # A request above the message limit: an error response for its id, the id read from the
    # first bytes, or from the last ones when the client puts it after the params.
    too_big = await server.request(
        "big", "workspace/executeCommand", {"command": "p2s.none", "arguments": [big]}
    )
    assert too_big["error"]["code"] == INVALID_REQUEST
    assert "65536" in too_big["error"]["message"]
    await server.write(
        frame(
            '{"jsonrpc":"2.0","method":"workspace/executeCommand","params":{"command":"x",'
            f'"arguments":["{big}"]}},"id":"id-last"}}'
        )
    )
    assert (await server.response("id-last"))["error"]["code"] == INVALID_REQUEST

    def did_open(uri: str, text: str, language: str = "dafny") -> dict[str, object]:
        item = {"uri": uri, "languageId": language, "version": 1, "text": text}
        return {"method": "textDocument/didOpen", "params": {"textDocument": item}}

    def diagnostics_of(uri: str) -> list[list[dict[str, object]]]:
        return [
            m["params"]["diagnostics"]
            for m in server.notifications("textDocument/publishDiagnostics")
            if m["params"]["uri"] == uri
        ]

    # A didOpen above the message limit: skipped unread, then a message and a diagnostic.
    huge_uri = (tmp_path / "huge.dfy").as_uri()
    await server.send(did_open(huge_uri, big))
    await server.wait_for(lambda m: bool(diagnostics_of(huge_uri)), what="huge.dfy's diagnostic")
    [diagnostic] = diagnostics_of(huge_uri)[-1]
    assert diagnostic["code"] == "document-too-large"
    assert "P2S_MAX_MESSAGE_BYTES" in str(diagnostic["message"])

    # A document under the message limit but above the document limit.
    large_uri = (tmp_path / "large.dfy").as_uri()
    await server.send(did_open(large_uri, "method M() {}\n" * 1000))
    await server.wait_for(lambda m: bool(diagnostics_of(large_uri)), what="large.dfy's diagnostic")
    [diagnostic] = diagnostics_of(large_uri)[-1]
    assert diagnostic["code"] == "document-too-large"
    assert "14000 bytes" in str(diagnostic["message"]) and "P2S_MAX_DOCUMENT_BYTES" in str(
        diagnostic["message"]
    )
    await server.wait_for(lambda m: len(server.notifications("window/showMessage")) >= 2)
    shown = [m["params"]["message"] for m in server.notifications("window/showMessage")]
    assert len(shown) == 2 and "huge.dfy" in shown[0] and "large.dfy" in shown[1], shown
    # Its edits are ignored quietly, and the verify command refuses it without running Dafny.
    change = {"range": None, "text": "method N() {}\n" * 1000}
    await server.send(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": large_uri, "version": 2},
                "contentChanges": [{"text": change["text"]}],
            },
        }
    )
    verify = await server.request(
        "verify",
        "workspace/executeCommand",
        {"command": "proof2silicon.verify", "arguments": [{"uri": large_uri}]},
    )
    assert verify["error"]["code"] == REQUEST_FAILED
    assert "4096" in verify["error"]["message"]
    # A save does not verify the file on disk either.
    (tmp_path / "large.dfy").write_text("method M() {}\n" * 1000)
    await server.send(
        {"method": "textDocument/didSave", "params": {"textDocument": {"uri": large_uri}}}
    )
    status = await server.wait_for(
        lambda m: (
            m.get("method") == "proof2silicon/verificationStatus"
            and m["params"]["uri"] == large_uri
        ),
        what="the status of the save",
    )
    assert status["params"]["state"] == "unavailable"
    assert "4096" in status["params"]["message"]
    assert diagnostics_of(large_uri)[-1][0]["code"] == "document-too-large"

    # A document that grows past the limit is dropped and says so.
    notes_uri = (tmp_path / "notes.txt").as_uri()
    await server.send(did_open(notes_uri, "small", language="plaintext"))
    await server.send(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": notes_uri, "version": 2},
                "contentChanges": [{"text": "y" * 5000}],
            },
        }
    )
    await server.wait_for(lambda m: bool(diagnostics_of(notes_uri)), what="notes.txt's diagnostic")
    assert diagnostics_of(notes_uri)[-1][0]["code"] == "document-too-large"

    # Closing a refused document clears its diagnostic.
    await server.send(
        {"method": "textDocument/didClose", "params": {"textDocument": {"uri": large_uri}}}
    )
    await server.wait_for(lambda m: diagnostics_of(large_uri)[-1] == [], what="cleared")
    await server.request("sync", "p2s/probe")
    shown_now = server.notifications("window/showMessage")
    assert len(shown_now) == 3, [m["params"]["message"] for m in shown_now]
    assert not [
        m
        for m in server.notifications("window/logMessage")
        if "Traceback" in m["params"]["message"]
    ]
    assert server.rss_mib() - baseline < 32
    assert (await server.shutdown_and_exit()) == 0


async def test_a_5_mb_document_is_refused_at_once_and_closing_frees_memory(
    start: Start, tmp_path: Path
) -> None:
    server = await start()
    await server.request("init", "initialize", INIT_PARAMS)
    await server.send({"method": "initialized", "params": {}})
    baseline = server.rss_mib()
    text = "".join(f"method M{i}() {{ }}\n" for i in range(320_000))  # ~5.9 MB
    uri = (tmp_path / "big.dfy").as_uri()
    sent = time.monotonic()
    item = {"uri": uri, "languageId": "dafny", "version": 1, "text": text}
    await server.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
    diagnostic = await server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    )
    refused_after = time.monotonic() - sent
    assert diagnostic["params"]["diagnostics"][0]["code"] == "document-too-large"
    assert refused_after < 10, f"refused after {refused_after:.1f} s"
    await server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    await server.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"] == {"uri": uri, "diagnostics": []}
        )
    )
    # An accepted 3 MB buffer, closed again: the server gives the memory back.
    notes = (tmp_path / "notes.txt").as_uri()
    item = {"uri": notes, "languageId": "plaintext", "version": 1, "text": "z" * (3 << 20)}
    await server.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
    await server.request("sync-1", "p2s/probe")
    await server.send(
        {"method": "textDocument/didClose", "params": {"textDocument": {"uri": notes}}}
    )
    await server.request("sync-2", "p2s/probe")
    after_close = server.rss_mib()
    assert after_close - baseline < 24, f"RSS {baseline:.0f} MiB before, {after_close:.0f} after"
    assert (await server.shutdown_and_exit()) == 0


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_bad_limits_fall_back_to_the_defaults(value: str) -> None:
    from server.settings import TransportLimits, transport_limits

    limits, warnings = transport_limits({"P2S_MAX_MESSAGE_BYTES": value})
    assert limits == TransportLimits()
    assert len(warnings) == 1 and "P2S_MAX_MESSAGE_BYTES" in warnings[0]
    limits, warnings = transport_limits(
        {"P2S_MAX_DOCUMENT_BYTES": "2048"}, max_message_bytes=100_000
    )
    assert (limits.max_message_bytes, limits.max_document_bytes, warnings) == (100_000, 2048, [])
