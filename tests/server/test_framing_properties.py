"""Property tests of the framing reader (`server.framing`): whatever bytes arrive, in whatever
chunks, it never raises, holds bounded memory, and yields every valid frame that follows a
garbage region as soon as that frame's last byte has arrived."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.framing import (
    TAIL_BYTES,
    Event,
    Frame,
    FrameDecoder,
    Malformed,
    Oversized,
    RpcError,
    parse_message,
    peek_envelope,
)

EXAMPLES = settings(
    max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
LIMIT = 256
HEADER_LIMIT = 128
HEAD = 64

# Pieces that steer random bytes into the reader's interesting states.
PLAIN = [
    b"Content-Type: x",
    b"X: 1",
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b"{",
    b"}",
    b"0",
    b"12",
    b":",
    b"Conte",
]
QUOTES = [b'"', b"\\"]
HEADERS = [
    b"Content-Length: ",
    b"content-length:",
    b"CONTENT-LENGTH:7",
    b"Content-Length: 99999999999",
    b"Content-Length: -1",
]


def pieces(tokens: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.lists(st.one_of(st.sampled_from(tokens), st.binary(max_size=16)), max_size=20).map(
        b"".join
    )


hostile_bytes = pieces(PLAIN + QUOTES + HEADERS)
# Garbage that cannot start a frame of its own: no header name in it.
garbage = pieces(PLAIN + QUOTES).filter(lambda b: b"content-length:" not in b.lower())

text_pieces = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        ["Content-Length: 12\r\n\r\n", '"', "\\", "\u2028", "\ud800", "content-length:"]
    ),
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text_pieces
    # Long strings full of escapes: bodies past the limit, escapes across chunk cuts.
    | st.integers(min_value=0, max_value=120).map(lambda n: 'x"\\' * n)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text_pieces, inner, max_size=3),
    max_leaves=5,
)


@st.composite
def json_bodies(draw: st.DrawFn) -> bytes:
    value = draw(json_values)
    ascii_only = draw(st.booleans())
    compact = draw(st.booleans())
    text = json.dumps(
        value, ensure_ascii=ascii_only, separators=(",", ":") if compact else (", ", ": ")
    )
    return text.encode("utf-8", "surrogatepass")


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def feed_in_chunks(
    decoder: FrameDecoder, stream: bytes, cuts: list[int]
) -> list[tuple[int, Event]]:
    """(bytes fed when the event came out, event) for the stream cut at `cuts`."""
    out: list[tuple[int, Event]] = []
    bounds = sorted({c % (len(stream) + 1) for c in cuts} | {len(stream)})
    start = 0
    for end in bounds:
        for event in decoder.feed(stream[start:end]):
            out.append((end, event))
        start = end
        assert decoder.buffered <= LIMIT + HEADER_LIMIT + HEAD + TAIL_BYTES
    return out


@EXAMPLES
@given(stream=hostile_bytes, cuts=st.lists(st.integers(min_value=0), max_size=8))
def test_any_bytes_in_any_chunks_never_raise_and_stay_bounded(
    stream: bytes, cuts: list[int]
) -> None:
    decoder = FrameDecoder(LIMIT, max_header_bytes=HEADER_LIMIT, head_bytes=HEAD)
    events = feed_in_chunks(decoder, stream, cuts)
    tail = decoder.eof()
    for _, event in events:
        if isinstance(event, Frame):
            assert len(event.body) <= LIMIT
            assert isinstance(parse_message(event.body), dict | RpcError)
        elif isinstance(event, Oversized):
            assert event.declared > LIMIT and len(event.head) <= HEAD
            peek_envelope(event.head, event.tail)
    assert all(isinstance(e, Malformed) for e in tail)
    assert decoder.buffered == 0


@EXAMPLES
@given(
    parts=st.lists(st.tuples(garbage, json_bodies()), min_size=1, max_size=4),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_every_frame_after_garbage_is_yielded_as_soon_as_it_is_complete(
    parts: list[tuple[bytes, bytes]], cuts: list[int]
) -> None:
    stream = b""
    expected: list[tuple[int, Event]] = []
    for junk, body in parts:
        stream += junk + frame(body)
        if len(body) <= LIMIT:
            expected.append((len(stream), Frame(body, len(body))))
        else:
            tail = body[-TAIL_BYTES:]
            expected.append((len(stream), Oversized(len(body), len(body), body[:HEAD], tail)))
    decoder = FrameDecoder(LIMIT, max_header_bytes=HEADER_LIMIT, head_bytes=HEAD)
    got = [
        (at, e) for at, e in feed_in_chunks(decoder, stream, cuts) if not isinstance(e, Malformed)
    ]
    assert [e for _, e in got] == [e for _, e in expected]
    bounds = sorted({c % (len(stream) + 1) for c in cuts} | {len(stream)})
    for (emitted_at, _), (complete_at, _) in zip(got, expected, strict=True):
        # Out with the first chunk that completes it: never held back for more input.
        assert emitted_at == min(b for b in bounds if b >= complete_at)


hostile_headers = st.one_of(
    st.sampled_from(
        [
            b"Content-Length: abc\r\n\r\n",
            b"Content-Length: -20\r\n\r\n",
            b"Content-Length:\r\n\r\n",
            b"Content-Length: 1e3\r\n\r\n",
            b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
            b"Content-Type: text/plain\r\n\r\n",
            b"Content-Length: " + b"9" * 300 + b"\r\n\r\n",
        ]
    ),
    # Declared lengths that run into the frames after them, within the limit and beyond it.
    st.integers(min_value=1, max_value=10**13).map(lambda n: b"Content-Length: %d\r\n\r\n" % n),
)
# What may follow a hostile header: anything without quotes, escapes or a header name.
junk = (
    pieces(PLAIN)
    .map(lambda b: b.replace(b'"', b"").replace(b"\\", b""))
    .filter(lambda b: b"content-length:" not in b.lower())
)


@EXAMPLES
@given(
    header=hostile_headers,
    after=junk,
    bodies=st.lists(json_bodies().filter(lambda b: len(b) <= LIMIT), min_size=1, max_size=3),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_hostile_content_lengths_do_not_swallow_the_frames_after_them(
    header: bytes, after: bytes, bodies: list[bytes], cuts: list[int]
) -> None:
    stream = header + after + b"".join(frame(b) for b in bodies)
    decoder = FrameDecoder(LIMIT, max_header_bytes=HEADER_LIMIT, head_bytes=HEAD)
    events = [e for _, e in feed_in_chunks(decoder, stream, cuts)]
    frames = [e for e in events if isinstance(e, Frame)]
    assert [f.body for f in frames[-len(bodies) :]] == bodies
    assert not any(f.overstated for f in frames[-len(bodies) :])
    assert decoder.buffered == 0


message_ids = st.one_of(st.integers(min_value=-(2**40), max_value=2**40), st.text(max_size=8))


@st.composite
def rpc_messages(draw: st.DrawFn) -> tuple[dict[str, Any], bytes]:
    message: dict[str, Any] = {"jsonrpc": "2.0"}
    has_id = draw(st.booleans())
    fields = ["method", "params"] + (["id"] if has_id else [])
    for name in draw(st.permutations(fields)):
        if name == "id":
            message["id"] = draw(message_ids)
        elif name == "method":
            message["method"] = draw(st.sampled_from(["textDocument/didOpen", "x/y", "initialize"]))
        else:
            document = {"uri": draw(st.text(max_size=10)), "text": draw(text_pieces), "id": 7}
            keys = draw(st.permutations(list(document)))
            message["params"] = {
                "extra": draw(scalars),
                "textDocument": {k: document[k] for k in keys},
            }
    return message, json.dumps(message, ensure_ascii=draw(st.booleans())).encode(
        "utf-8", "surrogatepass"
    )


@EXAMPLES
@given(message=rpc_messages(), cut=st.integers(min_value=0))
def test_an_oversized_message_envelope_is_right_or_unknown(
    message: tuple[dict[str, Any], bytes], cut: int
) -> None:
    data, body = message
    whole = peek_envelope(body, body[-TAIL_BYTES:])
    assert whole.id == data.get("id")
    assert whole.method == data["method"]
    assert whole.uri == data["params"]["textDocument"]["uri"]
    head = body[: cut % (len(body) + 1)]
    part = peek_envelope(head, b"")
    # From a cut head: the true values or nothing, never a nested "id" or a wrong uri.
    assert part.id in (None, data.get("id"))
    assert part.method in (None, data["method"])
    assert part.uri in (None, data["params"]["textDocument"]["uri"])
