"""A real local HTTP server speaking the OpenAI chat-completions API, with scripted replies.

For tests and demos only: every reply is written in a script, none comes from a model. It listens
on 127.0.0.1, answers `POST /v1/chat/completions` (plain JSON or server-sent events when the
request asks for `stream`), `GET /v1/models`, and for test drivers `GET /_scripted/requests` (what
it received, keys redacted) and `POST /_scripted/script` (load a new script).

A script is JSON: either a list of steps, or an object
    {"steps": [...], "rules": [{"contains": "...", ...step}], "require_key": "..."}
Each request consumes the next step; when the steps run out, the first rule whose `contains`
occurs in the last user message answers; otherwise a 400 "script exhausted" error. Step fields:
    reply            assistant message content
    finish_reason    default "stop"
    usage            {"prompt_tokens": n, "completion_tokens": m}, or null to omit usage
    status           HTTP status to answer instead (429, 500, ...), with an OpenAI error body
    retry_after      seconds, sent as `retry-after-ms` with an error status
    delay_s          wait this long before answering (a client timeout shorter than it fires)
    raw              send this text verbatim as the body (garbage), status default 200
    close            true: drop the connection without answering
    trickle_s        send the body one byte at a time, this many seconds apart (a reply that
                     never stalls long enough for a per-read timeout to fire)
    echo_key         true, with an error status: the error message repeats the API key the
                     request carried, as some servers do ("Incorrect API key provided: ...")

Run: `python -m toolchain.llm.scripted_server --script FILE [--port N]`; it prints one line,
`scripted OpenAI-compatible server on http://127.0.0.1:N/v1`, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class Script:
    steps: list[JsonDict] = field(default_factory=list)
    rules: list[JsonDict] = field(default_factory=list)
    require_key: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Script:
        if isinstance(data, list):
            return cls(steps=[_step(s) for s in data])
        if not isinstance(data, dict):
            raise ValueError("a script is a list of steps or an object with steps/rules")
        unknown = set(data) - {"steps", "rules", "require_key"}
        if unknown:
            raise ValueError(f"unknown script fields: {', '.join(sorted(unknown))}")
        return cls(
            steps=[_step(s) for s in data.get("steps", [])],
            rules=[_step(s) for s in data.get("rules", [])],
            require_key=data.get("require_key"),
        )

    @classmethod
    def load(cls, path: str | Path) -> Script:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def replies(cls, *texts: str) -> Script:
        return cls(steps=[{"reply": t} for t in texts])


_STEP_FIELDS = {
    "reply",
    "finish_reason",
    "usage",
    "status",
    "retry_after",
    "delay_s",
    "raw",
    "close",
    "trickle_s",
    "echo_key",
    "contains",
    "content_type",
}


def _step(s: object) -> JsonDict:
    if isinstance(s, str):
        return {"reply": s}
    if not isinstance(s, dict):
        raise ValueError(f"a script step is an object or a string, not {type(s).__name__}")
    unknown = set(s) - _STEP_FIELDS
    if unknown:
        raise ValueError(f"unknown step fields: {', '.join(sorted(unknown))}")
    return dict(s)


def _rough_tokens(text: str) -> int:
    # The script may not say; a crude count (4 characters a token) keeps usage plausible.
    return max(1, len(text) // 4)


class _QuietHTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (a timeout, a cancel: what the tests provoke) is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class ScriptedServer:
    """Start with `with ScriptedServer(script) as srv:`; point the client at `srv.base_url`."""

    def __init__(self, script: Script | None = None, host: str = "127.0.0.1", port: int = 0):
        self.script = script or Script()
        self._lock = threading.Lock()
        self._next_step = 0
        self._stopping = threading.Event()
        self.requests: list[JsonDict] = []
        self._httpd = _QuietHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="scripted-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_until_terminated(self) -> None:
        """Serve (already started) until SIGTERM or Ctrl-C, then stop: the command-line servers."""
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            done.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a `delay_s` step
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def load(self, script: Script) -> None:
        with self._lock:
            self.script = script
            self._next_step = 0

    @property
    def chat_requests(self) -> list[JsonDict]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def choose(self, body: JsonDict) -> JsonDict | None:
        with self._lock:
            if self._next_step < len(self.script.steps):
                step = self.script.steps[self._next_step]
                self._next_step += 1
                return step
        last_user = _last_user_text(body)
        for rule in self.script.rules:
            if str(rule.get("contains", "")) in last_user:
                return rule
        return None

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def wait_stopping(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the server is stopping meanwhile."""
        return self._stopping.wait(seconds)


def message_text(message: JsonDict) -> str:
    """The text of one request message: its content string, or its text parts joined."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _last_user_text(body: JsonDict) -> str:
    messages = body.get("messages") or []
    for m in reversed(messages if isinstance(messages, list) else []):
        if isinstance(m, dict) and m.get("role") == "user":
            return message_text(m)
    return ""


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: tests read `requests` instead

        trickle_s: float | None = None  # set per request from the step

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if not self.trickle_s:
                self.wfile.write(body)
                return
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    if server.wait_stopping(self.trickle_s):
                        return
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up: that is what a trickle is for

        def _json(
            self, status: int, payload: object, headers: dict[str, str] | None = None
        ) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", headers or {})

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            kind = {429: "rate_limit_error", 401: "authentication_error"}.get(status, "api_error")
            self._json(status, {"error": {"message": message, "type": kind}}, headers)

        def _read_body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:
            self.trickle_s = None  # a kept-alive connection reuses this handler
            if self.path.rstrip("/").endswith("/models"):
                self._json(
                    200,
                    {"object": "list", "data": [{"id": "scripted", "object": "model"}]},
                )
            elif self.path.startswith("/_scripted/requests"):
                self._json(200, server.requests)
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:
            self.trickle_s = None
            raw = self._read_body()
            if self.path.startswith("/_scripted/script"):
                try:
                    server.load(Script.from_json(json.loads(raw or b"null")))
                except (ValueError, json.JSONDecodeError) as exc:
                    self._error(400, f"bad script: {exc}")
                    return
                self._json(200, {"ok": True})
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._error(404, f"no route {self.path}")
                return
            try:
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("body is not an object")
            except (ValueError, json.JSONDecodeError) as exc:
                self._error(400, f"request body is not JSON: {exc}")
                return
            auth = self.headers.get("Authorization") or ""
            key = auth.removeprefix("Bearer ").strip()
            server.requests.append(
                {
                    "path": self.path,
                    "body": body,
                    "authorized": bool(key),
                    "retry_count": self.headers.get("x-stainless-retry-count"),
                    "received_at": time.time(),
                }
            )
            if server.script.require_key is not None and key != server.script.require_key:
                self._error(401, "invalid api key")
                return
            step = server.choose(body)
            if step is None:
                self._error(
                    400,
                    f"scripted server: script exhausted after {len(server.script.steps)} steps",
                )
                return
            self._answer(step, body)

        def _answer(self, step: JsonDict, body: JsonDict) -> None:
            self.trickle_s = float(step["trickle_s"]) if step.get("trickle_s") else None
            if step.get("delay_s"):
                server.wait(float(step["delay_s"]))
                if server._stopping.is_set():
                    return
            if step.get("close"):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if "raw" in step:
                self._send(
                    int(step.get("status", 200)),
                    str(step["raw"]).encode(),
                    str(step.get("content_type", "application/json")),
                    {},
                )
                return
            status = int(step.get("status", 200))
            if status != 200:
                headers = {}
                if "retry_after" in step:
                    headers["retry-after-ms"] = str(int(float(step["retry_after"]) * 1000))
                message = f"scripted error {status}"
                if step.get("echo_key"):
                    key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                    message += f": Incorrect API key provided: {key.strip()}"
                self._error(status, message, headers)
                return
            reply = str(step.get("reply", ""))
            prompt_text = json.dumps(body.get("messages", []))
            usage = step.get(
                "usage",
                {
                    "prompt_tokens": _rough_tokens(prompt_text),
                    "completion_tokens": _rough_tokens(reply) if reply else 0,
                },
            )
            if usage is not None:
                usage = {
                    **usage,
                    "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"],
                }
            model = str(body.get("model", "scripted"))
            finish = str(step.get("finish_reason", "stop"))
            n = len(server.requests)
            if body.get("stream"):
                self._stream(n, model, reply, finish, usage)
                return
            payload: JsonDict = {
                "id": f"chatcmpl-scripted-{n}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": finish,
                    }
                ],
            }
            if usage is not None:
                payload["usage"] = usage
            self._json(200, payload)

        def _stream(
            self, n: int, model: str, reply: str, finish: str, usage: JsonDict | None
        ) -> None:
            def chunk(delta: JsonDict, fin: str | None, extra: JsonDict | None = None) -> bytes:
                data: JsonDict = {
                    "id": f"chatcmpl-scripted-{n}",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": fin}],
                }
                data.update(extra or {})
                return f"data: {json.dumps(data)}\n\n".encode()

            parts = [chunk({"role": "assistant", "content": ""}, None)]
            for i in range(0, len(reply), 64):
                parts.append(chunk({"content": reply[i : i + 64]}, None))
            parts.append(chunk({}, finish, {"usage": usage} if usage else None))
            parts.append(b"data: [DONE]\n\n")
            self._send(200, b"".join(parts), "text/event-stream", {})

    return Handler


@contextmanager
def scripted_server(script: Script | list[str] | None = None) -> Iterator[ScriptedServer]:
    """Context manager for tests: a list of strings is a script of plain replies."""
    if isinstance(script, list):
        script = Script.replies(*script)
    server = ScriptedServer(script).start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolchain.llm.scripted_server",
        description="A local OpenAI-compatible chat server whose replies come from a script "
        "(for tests: nothing it says comes from a model).",
    )
    parser.add_argument("--script", required=True, help="JSON script file")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    args = parser.parse_args(argv)
    try:
        script = Script.load(args.script)
    except (OSError, ValueError) as exc:
        print(f"scripted_server: error: {args.script}: {exc}", file=sys.stderr)
        return 2
    server = ScriptedServer(script, port=args.port).start()
    print(f"scripted OpenAI-compatible server on {server.base_url}", flush=True)
    server.serve_until_terminated()
    return 0


if __name__ == "__main__":
    sys.exit(main())
