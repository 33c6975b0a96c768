"""The stdio transport: `server.framing`'s bounded reader in front of pygls' message handling.

pygls 2.1 reads stdio with `readline()` and `read(Content-Length)`: a bad header stalls it for
good, a huge length is a MemoryError, and a body that is not JSON gets no answer. Here a daemon
thread reads the pipe in chunks, `FrameDecoder` turns them into events, and each event gets an
answer: a well-formed message goes to pygls (`structure_message` + `handle_message`, as pygls'
own loop does), a malformed frame or body gets a JSON-RPC error response (-32700/-32600 with id
null when its id is unknown), and an oversized message goes to `TransportHost.refuse_oversized` (the server's).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, BinaryIO, Final, Protocol

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.protocol import LanguageServerProtocol

from server.framing import (
    INVALID_REQUEST,
    PARSE_ERROR,
    Envelope,
    Event,
    Frame,
    FrameDecoder,
    Malformed,
    Oversized,
    RpcError,
    parse_message,
    peek_envelope,
)
from server.settings import TransportLimits

log = logging.getLogger("proof2silicon.server")

CHUNK_BYTES: Final = 64 * 1024
# Chunks read ahead of the event loop: the reader thread waits when the loop falls behind.
QUEUE_CHUNKS: Final = 4


class TransportHost(Protocol):
    """What the transport needs of the server (`server.app.P2SServer` is one): pygls' protocol
    to hand messages to, the limits, and someone to tell about a skipped notification."""

    @property
    def protocol(self) -> LanguageServerProtocol: ...

    @property
    def limits(self) -> TransportLimits: ...

    def refuse_oversized(self, envelope: Envelope, size: int) -> None: ...


def _read_chunks(
    stdin: BinaryIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes]
) -> None:
    """Thread body: stdin's bytes into `queue`, b"" at end of input. A daemon thread, so a
    client that keeps stdin open after `exit` cannot keep the process alive; it reads the file
    descriptor itself, because a daemon thread blocked inside a BufferedReader aborts the
    interpreter at exit."""
    read: Callable[[int], bytes]
    try:
        fd = stdin.fileno()
        read = functools.partial(os.read, fd)
    except (OSError, ValueError, AttributeError):
        read = getattr(stdin, "read1", stdin.read)
    while True:
        try:
            data = read(CHUNK_BYTES)
        except (OSError, ValueError):
            data = b""
        try:
            asyncio.run_coroutine_threadsafe(queue.put(data), loop).result()
        except (RuntimeError, asyncio.CancelledError):
            return  # the loop is gone
        if not data:
            return


async def serve(
    server: TransportHost, stdin: BinaryIO, stop_event: threading.Event, max_message_bytes: int
) -> None:
    """Answer the client until its input ends or the server stops."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_CHUNKS)
    threading.Thread(
        target=_read_chunks, args=(stdin, loop, queue), name="lsp-stdin", daemon=True
    ).start()
    decoder = FrameDecoder(max_message_bytes)
    while not stop_event.is_set():
        data = await queue.get()
        events = decoder.feed(data) if data else decoder.eof()
        for event in events:
            dispatch(server, event)
        if not data:
            log.info("the client closed the input")
            return


def dispatch(server: TransportHost, event: Event) -> None:
    """Answer one framing event; only `exit` (SystemExit) gets out of here."""
    try:
        if isinstance(event, Frame):
            _message(server, event)
        elif isinstance(event, Malformed):
            log.warning("malformed input from the client: %s", event.reason)
            send(
                server,
                RpcError(
                    PARSE_ERROR,
                    f"Parse error: {event.reason}; skipped to the next Content-Length header",
                ).response(),
            )
        else:
            _oversized(server, event)
    except Exception:
        # A failure here must not end the loop: the next message may be fine.
        log.exception("could not handle a message")


def send(server: TransportHost, payload: dict[str, Any]) -> None:
    """Write a JSON-RPC message as is (pygls' response types cannot say `"id": null`)."""
    server.protocol._send_data(payload)


def _message(server: TransportHost, frame: Frame) -> None:
    parsed = parse_message(frame.body)
    if isinstance(parsed, RpcError):
        log.warning("%s (a %d-byte body)", parsed.message, len(frame.body))
        send(server, parsed.response())
        return
    if frame.overstated:
        log.warning(
            "Content-Length %d overstated a %d-byte message (the next header began inside it)",
            frame.declared,
            len(frame.body),
        )
    protocol = server.protocol
    method = parsed.get("method")
    is_request = isinstance(method, str) and "id" in parsed
    msg_id = parsed.get("id")
    if is_request and getattr(protocol, "_shutdown", False) and method != lsp.EXIT:
        # LSP: requests after `shutdown` are errors (pygls would drop them unanswered).
        send(server, RpcError(INVALID_REQUEST, "the server is shutting down", msg_id).response())
        return
    if isinstance(method, str):
        # JSON-RPC lets a message leave params out; pygls' generic message types require them.
        parsed.setdefault("params", None)
    try:
        message = protocol.structure_message(parsed)
    except JsonRpcException as exc:
        log.warning("%s: %s", method or "a response", exc)
        if is_request:
            detail = f": {exc.__cause__}" if exc.__cause__ is not None else ""
            send(server, RpcError(exc.code, f"{exc.message}{detail}", msg_id).response())
        return
    try:
        protocol.handle_message(message)
    except Exception as exc:
        log.exception("handling %s failed", method or "a response")
        if is_request:
            error = RpcError(JsonRpcInternalError.CODE, f"{type(exc).__name__}: {exc}", msg_id)
            send(server, error.response())


def _oversized(server: TransportHost, event: Oversized) -> None:
    envelope = peek_envelope(event.head, event.tail)
    limit = server.limits.max_message_bytes
    what = f"a {envelope.method or 'message'} of {event.skipped} bytes"
    log.warning("skipped %s (declared %d; the limit is %d)", what, event.declared, limit)
    if envelope.id is not None and envelope.method is None:
        # A response to one of our requests: fail that request instead of waiting forever.
        future = server.protocol._request_futures.pop(envelope.id, None)
        if future is not None and not future.done():
            future.set_exception(JsonRpcInternalError(f"{what} is above the limit of {limit}"))
        return
    if envelope.id is not None:
        send(
            server,
            RpcError(
                INVALID_REQUEST,
                f"Invalid Request: {what} is above the server's limit of {limit} bytes "
                "(P2S_MAX_MESSAGE_BYTES); it was not read",
                envelope.id,
            ).response(),
        )
        return
    server.refuse_oversized(envelope, event.skipped)
