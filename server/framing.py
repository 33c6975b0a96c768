"""The LSP base protocol's framing (`Content-Length: N\\r\\n\\r\\n<body>`), read defensively.

`FrameDecoder` is sans-IO: bytes go in through `feed()`, events come out. It never raises, never
waits for more input than the frame in hand needs, and holds at most one message of
`max_message_bytes` plus one header block in memory, whatever a client sends:

- A header block that is not `Name: value` lines, whose `Content-Length` is missing, not a
  decimal number, or repeated, or that runs past `max_header_bytes`, is one `Malformed` event;
  the decoder then skips to the next `Content-Length:` it sees (resynchronising).
- A declared length above `max_message_bytes` is skipped in chunks, never buffered: an
  `Oversized` event carries only the body's first `head_bytes` and last `TAIL_BYTES`, enough to
  find the request id, method and document uri of a well-formed message.
- A declared length that overstates the body (the next message's header shows up inside it) is
  cut where that header starts. This is sound because a JSON text can hold the letters
  `Content-Length:` only inside a string (raw letters are not JSON tokens), so the decoder tracks
  string state through every body and never cuts a valid JSON body.

`parse_message` turns a body into a JSON-RPC message or the error response it deserves (-32700
for JSON that does not parse, -32600 for a value that is not a JSON-RPC 2.0 message);
`peek_envelope` reads the id, method and uri from an oversized message's head and tail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

MIB: Final = 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES: Final = 8 * MIB
DEFAULT_MAX_HEADER_BYTES: Final = 8 * 1024
DEFAULT_HEAD_BYTES: Final = 64 * 1024
TAIL_BYTES: Final = 256

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600

_HEADER_NAME: Final = b"content-length:"
_CARRY: Final = len(_HEADER_NAME) - 1  # bytes that may hold the start of a split header name
_FIND_HEADER: Final = re.compile(re.escape(_HEADER_NAME), re.IGNORECASE)
# Outside a JSON string only a quote (string start) or the header name matters.
_OUTSIDE_STRING: Final = re.compile(rb'"|' + re.escape(_HEADER_NAME), re.IGNORECASE)
# Inside a string: everything up to the closing quote, escapes included.
_STRING_RUN: Final = re.compile(rb'(?:[^"\\]+|\\.)*', re.DOTALL)
_HEADER_LINE: Final = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*")
_DECIMAL: Final = re.compile(rb"[0-9]+")


@dataclass(frozen=True)
class Frame:
    """A complete body. `overstated`: the declared length ran into the next header."""

    body: bytes
    declared: int
    overstated: bool = False


@dataclass(frozen=True)
class Malformed:
    """Bytes that were not a well-formed frame (one event per garbage region)."""

    reason: str


@dataclass(frozen=True)
class Oversized:
    """A message above the limit, skipped without buffering it."""

    declared: int
    skipped: int
    head: bytes
    tail: bytes


Event = Frame | Malformed | Oversized


class _StringTracker:
    """Where a byte stream stands relative to JSON strings, fed piece by piece."""

    def __init__(self) -> None:
        self.in_string = False
        self.escaped = False

    def scan(self, data: bytes | bytearray, start: int, end: int) -> tuple[int | None, int]:
        """(position of the header name outside any string, or None; where to resume).

        When nothing is found, `resume` leaves the last few out-of-string bytes unscanned: they
        may be the start of a header name that the next bytes complete.
        """
        i = start
        while i < end:
            if self.in_string:
                if self.escaped:
                    self.escaped = False
                    i += 1
                    continue
                run = _STRING_RUN.match(data, i, end)
                i = run.end() if run else i
                if i >= end:
                    return None, end
                if data[i] == 0x22:  # closing quote
                    self.in_string = False
                else:  # backslash: the next byte is escaped
                    self.escaped = True
                i += 1
                continue
            hit = _OUTSIDE_STRING.search(data, i, end)
            if hit is None:
                return None, max(i, end - _CARRY)
            if hit.group() == b'"':
                self.in_string = True
                i = hit.end()
                continue
            return hit.start(), hit.start()
        return None, end


def _header_prefix_start(data: bytes | bytearray, start: int, end: int) -> int | None:
    """The first position in data[start:end] from which the rest begins a header name."""
    for j in range(max(start, end - _CARRY), end):
        if _HEADER_NAME.startswith(bytes(data[j:end]).lower()):
            return j
    return None


@dataclass
class _Block:
    """The header block being read."""

    length: int | None = None
    problem: str | None = None
    size: int = 0
    lines: int = 0


@dataclass
class _Skip:
    """An oversized body being skipped."""

    declared: int
    remaining: int
    head: bytearray = field(default_factory=bytearray)
    tail: bytes = b""
    carry: bytes = b""
    tracker: _StringTracker = field(default_factory=_StringTracker)


class FrameDecoder:
    """Incremental, bounded decoder of `Content-Length` framed messages."""

    def __init__(
        self,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        *,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        head_bytes: int = DEFAULT_HEAD_BYTES,
    ) -> None:
        self.max_message_bytes = max(0, max_message_bytes)
        self.max_header_bytes = max(64, max_header_bytes)
        self.head_bytes = max(0, min(head_bytes, self.max_message_bytes))
        self._buf = bytearray()
        self._state = "headers"  # headers | seek | body | skip
        self._block = _Block()
        self._length = 0
        self._tracker = _StringTracker()
        self._scanned = 0
        self._skip: _Skip | None = None

    @property
    def buffered(self) -> int:
        """Bytes held right now (bounded by one message plus one header block)."""
        skip = self._skip
        return len(self._buf) + (len(skip.head) + len(skip.tail) if skip else 0)

    def feed(self, data: bytes) -> list[Event]:
        """Consume `data`; return the events it completes."""
        events: list[Event] = []
        self._buf += data
        self._run(events)
        return events

    def eof(self) -> list[Event]:
        """The input ended: report a frame left unfinished."""
        events: list[Event] = []
        if self._state == "body":
            events.append(
                Malformed(
                    f"input ended {self._length - len(self._buf)} bytes short of a "
                    f"{self._length}-byte body"
                )
            )
        elif self._state == "skip" and self._skip is not None:
            events.append(Malformed(f"input ended inside a {self._skip.declared}-byte message"))
        elif self._state == "headers" and (self._block.lines or self._buf.strip()):
            events.append(Malformed("input ended inside a header block"))
        self._buf.clear()
        self._skip = None
        self._state = "headers"
        self._block = _Block()
        return events

    # -- the state machine -------------------------------------------------------------------
    def _run(self, events: list[Event]) -> None:
        """Step until a step needs more input. Every step that returns True consumed bytes or
        changed state in a way that leads to consuming some, so this ends."""
        steps: dict[str, Callable[[list[Event]], bool]] = {
            "headers": self._headers,
            "seek": self._seek,
            "body": self._body,
            "skip": self._skipping,
        }
        while steps[self._state](events):
            pass

    def _malformed(self, events: list[Event], reason: str) -> None:
        events.append(Malformed(reason))
        self._block = _Block()
        self._state = "seek"

    def _headers(self, events: list[Event]) -> bool:
        buf = self._buf
        newline = buf.find(b"\n")
        line_end = newline if newline >= 0 else len(buf)
        # A header name inside the line: whatever came before it is garbage (or a header block
        # cut short), and the new block starts there.
        embedded = _FIND_HEADER.search(buf, 1, line_end)
        if embedded is not None:
            if self._block.lines or buf[: embedded.start()].strip():
                events.append(Malformed("garbage before a Content-Length header"))
            del buf[: embedded.start()]
            self._block = _Block()
            return True
        if newline < 0:
            if self._block.size + len(buf) > self.max_header_bytes:
                # No header name starts past its first byte (checked above): keep only what
                # may begin one.
                del buf[: max(1, len(buf) - _CARRY)]
                self._malformed(events, f"a header line longer than {self.max_header_bytes} bytes")
                return True
            return False
        line = bytes(buf[:newline]).rstrip(b"\r")
        del buf[: newline + 1]
        block = self._block
        block.size += newline + 1
        if not line.strip():
            if not block.lines:
                block.size = 0
                return True  # blank lines between messages
            return self._end_of_headers(events)
        match = _HEADER_LINE.fullmatch(line)
        if match is None:
            self._malformed(events, "a line that is not a header")
            return True
        if block.size > self.max_header_bytes:
            self._malformed(events, f"a header block longer than {self.max_header_bytes} bytes")
            return True
        block.lines += 1
        if match.group(1).lower() == b"content-length":
            if block.length is not None or block.problem is not None:
                # A second Content-Length: the first block never ended; this one starts anew.
                events.append(Malformed("a header block without a body"))
                self._block = block = _Block(size=newline + 1, lines=1)
            value = match.group(2)
            if _DECIMAL.fullmatch(value):
                block.length = int(value)
            else:
                shown = value[:40].decode("ascii", "backslashreplace")
                block.problem = f"Content-Length {shown!r} is not a byte count"
        return True

    def _end_of_headers(self, events: list[Event]) -> bool:
        block = self._block
        if block.problem is not None:
            self._malformed(events, block.problem)
            return True
        if block.length is None:
            self._malformed(events, "a header block without Content-Length")
            return True
        self._block = _Block()
        self._length = block.length
        if block.length > self.max_message_bytes:
            self._skip = _Skip(declared=block.length, remaining=block.length)
            self._state = "skip"
        else:
            self._tracker = _StringTracker()
            self._scanned = 0
            self._state = "body"
        return True

    def _seek(self, events: list[Event]) -> bool:
        buf = self._buf
        hit = _FIND_HEADER.search(buf)
        if hit is None:
            del buf[: max(0, len(buf) - _CARRY)]
            return False
        del buf[: hit.start()]
        self._state = "headers"
        return True

    def _body(self, events: list[Event]) -> bool:
        buf, length = self._buf, self._length
        end = min(len(buf), length)
        found, self._scanned = self._tracker.scan(buf, self._scanned, end)
        if found is not None:
            events.append(Frame(bytes(buf[:found]), length, overstated=True))
            del buf[:found]
            self._state = "headers"
            return True
        if len(buf) < length:
            return False
        events.append(Frame(bytes(buf[:length]), length))
        # A body ending in the first letters of a header name is not JSON; those letters may
        # begin the next header, so they are read again as such.
        restart = _header_prefix_start(buf, self._scanned, length)
        del buf[: length if restart is None else restart]
        self._state = "headers"
        return True

    def _skipping(self, events: list[Event]) -> bool:
        skip, buf = self._skip, self._buf
        assert skip is not None
        take = min(len(buf), skip.remaining)
        if take == 0 and skip.remaining:
            return False
        window = skip.carry + bytes(buf[:take])
        base = skip.declared - skip.remaining - len(skip.carry)  # body offset of window[0]
        found, resume = skip.tracker.scan(window, 0, len(window))
        if found is not None:
            body_end = base + found
            consumed = found - len(skip.carry)  # bytes of buf that belong to the body
            if consumed >= 0:
                self._keep(skip, window[len(skip.carry) : found])
                del buf[:consumed]
            else:  # the header began in bytes taken earlier: they are read again
                buf[:0] = window[found : len(skip.carry)]
            self._finish_skip(events, body_end, overstated=True)
            return True
        self._keep(skip, window[len(skip.carry) :])
        skip.remaining -= take
        del buf[:take]
        skip.carry = window[resume:]
        if skip.remaining:
            return False
        restart = _header_prefix_start(skip.carry, 0, len(skip.carry))
        if restart is not None:
            self._buf[:0] = skip.carry[restart:]
        self._finish_skip(events, skip.declared, overstated=False)
        return True

    def _keep(self, skip: _Skip, data: bytes) -> None:
        room = self.head_bytes - len(skip.head)
        if room > 0:
            skip.head += data[:room]
        skip.tail = (skip.tail + data)[-TAIL_BYTES:]

    def _finish_skip(self, events: list[Event], body_len: int, *, overstated: bool) -> None:
        skip = self._skip
        assert skip is not None
        self._skip = None
        self._state = "headers"
        if overstated and body_len <= len(skip.head):
            events.append(Frame(bytes(skip.head[:body_len]), skip.declared, overstated=True))
            return
        events.append(Oversized(skip.declared, body_len, bytes(skip.head), skip.tail))


# -- JSON-RPC ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RpcError:
    """The error response a body deserves (`id` None: the request's id is unknown)."""

    code: int
    message: str
    id: int | str | None = None

    def response(self) -> dict[str, Any]:
        return {
            "jsonrpc": "2.0",
            "id": self.id,
            "error": {"code": self.code, "message": self.message},
        }


def _valid_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def parse_message(body: bytes) -> dict[str, Any] | RpcError:
    """The JSON-RPC 2.0 message in `body`, or the error response it deserves."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return RpcError(PARSE_ERROR, f"Parse error: {_short(exc)}")
    if isinstance(data, list):
        return RpcError(INVALID_REQUEST, "Invalid Request: batches are not part of LSP")
    if not isinstance(data, dict):
        return RpcError(INVALID_REQUEST, "Invalid Request: a message is a JSON object")
    msg_id = data.get("id")
    reply_id = msg_id if _valid_id(msg_id) else None
    if data.get("jsonrpc") != "2.0":
        return RpcError(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"', reply_id)
    if "id" in data and msg_id is not None and not _valid_id(msg_id):
        return RpcError(INVALID_REQUEST, "Invalid Request: an id is a number or a string")
    if "method" in data:
        if not isinstance(data["method"], str):
            return RpcError(
                INVALID_REQUEST, "Invalid Request: the method must be a string", reply_id
            )
        params = data.get("params")
        if "params" in data and params is not None and not isinstance(params, dict | list):
            return RpcError(
                INVALID_REQUEST, "Invalid Request: params must be an object or an array", reply_id
            )
        return data
    if "result" in data or "error" in data:
        if "id" not in data:
            return RpcError(INVALID_REQUEST, "Invalid Request: a response needs an id")
        if "error" in data and not isinstance(data["error"], dict):
            return RpcError(INVALID_REQUEST, "Invalid Request: error must be an object", reply_id)
        return data
    return RpcError(INVALID_REQUEST, "Invalid Request: no method", reply_id)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


# -- what an oversized message was ------------------------------------------------------------

_TOKEN: Final = re.compile(
    rb'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|(?P<atom>[-+.0-9A-Za-z]+))',
    re.DOTALL,
)
_TAIL_ID: Final = re.compile(rb'[{,]\s*"id"\s*:\s*(-?[0-9]+|"(?:[^"\\]|\\.)*")\s*}\s*$', re.DOTALL)


@dataclass(frozen=True)
class Envelope:
    """What could be read of a message from its first and last bytes."""

    id: int | str | None = None
    method: str | None = None
    uri: str | None = None


def peek_envelope(head: bytes, tail: bytes = b"") -> Envelope:
    """The top-level id and method, and `params.textDocument.uri`, of a (truncated) message.

    Walks the head's JSON tokens keeping the path of object keys, so an `id` nested in the
    params is not mistaken for the request's. An id after the params is found in the tail when
    the message ends with it.
    """
    wanted = {("id",), ("method",), ("params", "textDocument", "uri")}
    found: dict[tuple[str | None, ...], object] = {}
    # One entry per open container: (is_object, the key whose value comes next).
    stack: list[tuple[bool, str | None]] = []
    expect_key = False
    pos = 0
    while pos < len(head) and len(found) < len(wanted):
        token = _TOKEN.match(head, pos)
        if token is None:
            break  # the head ends inside a token, or is not JSON
        pos = token.end()
        punct = token.group("punct")
        if token.group("atom") is not None and pos == len(head):
            break  # a number cut short: "-1" of "-100"
        if punct in (b"{", b"["):
            stack.append((punct == b"{", None))
            expect_key = punct == b"{"
        elif punct in (b"}", b"]"):
            if stack:
                stack.pop()
            expect_key = False
        elif punct == b",":
            expect_key = bool(stack) and stack[-1][0]
        elif punct == b":":
            continue
        else:
            value = _atom(token)
            if expect_key:
                stack[-1] = (True, value if isinstance(value, str) else None)
                expect_key = False
                continue
            path = tuple(key for _, key in stack)
            if path in wanted and path not in found:
                found[path] = value
    msg_id = found.get(("id",))
    if not _valid_id(msg_id):
        tail_id = _TAIL_ID.search(tail)
        msg_id = _atom_bytes(tail_id.group(1)) if tail_id is not None else None
    method = found.get(("method",))
    uri = found.get(("params", "textDocument", "uri"))
    return Envelope(
        id=msg_id if isinstance(msg_id, int | str) and not isinstance(msg_id, bool) else None,
        method=method if isinstance(method, str) else None,
        uri=uri if isinstance(uri, str) else None,
    )


def _atom(token: re.Match[bytes]) -> object:
    raw = token.group("str") or token.group("atom") or b""
    return _atom_bytes(raw)


def _atom_bytes(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None
