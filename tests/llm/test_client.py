"""The OpenAI client against the real local scripted server: retries, garbage, timeouts, usage,
cancel, and the key kept out of every record."""

from __future__ import annotations

import base64
import logging
import threading
import time

import pytest

from shared_schemas.generation import ChatMessage
from shared_schemas.settings import LlmSettings
from toolchain.errors import CancelledError, InputError
from toolchain.llm.client import (
    EndpointConfig,
    LlmClient,
    LlmDeadlineError,
    LlmError,
    LlmResponseError,
    LlmTimeoutError,
)
from toolchain.llm.scripted_server import Script, ScriptedServer
from toolchain.proc import CancelToken

from .conftest import client_for

ASK = [ChatMessage(role="user", content="write Dafny")]


def test_plain_reply_with_usage(server: ScriptedServer) -> None:
    server.load(
        Script(steps=[{"reply": "hello", "usage": {"prompt_tokens": 7, "completion_tokens": 3}}])
    )
    c = client_for(server).complete(ASK)
    assert c.text == "hello" and c.finish_reason == "stop" and c.attempts == 1
    assert (c.usage.prompt_tokens, c.usage.completion_tokens, c.usage.estimated) == (7, 3, False)
    body = server.chat_requests[0]["body"]
    assert body["model"] == "scripted" and body["messages"] == [
        {"role": "user", "content": "write Dafny"}
    ]


def test_missing_usage_is_estimated(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"reply": "x" * 40, "usage": None}]))
    c = client_for(server).complete(ASK)
    assert c.usage.estimated and c.usage.completion_tokens == 10 and c.usage.prompt_tokens > 0


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_server_errors_are_retried(server: ScriptedServer, status: int) -> None:
    server.load(Script(steps=[{"status": status, "retry_after": 0.05}, {"reply": "ok"}]))
    c = client_for(server).complete(ASK)
    assert c.text == "ok" and c.attempts == 2
    assert [r["retry_count"] for r in server.chat_requests] == ["0", "1"]


def test_rate_limit_beyond_the_retry_budget_is_a_typed_error(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"status": 429, "retry_after": 0.01}] * 3))
    with pytest.raises(LlmError, match="rate limiting"):
        client_for(server, max_retries=2).complete(ASK)
    assert len(server.chat_requests) == 3


def test_garbage_body_is_retried_then_reported(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"raw": "<html>oops"}, {"raw": '{"foo": 1}'}, {"reply": "fine"}]))
    c = client_for(server).complete(ASK)
    assert c.text == "fine" and c.attempts == 3
    server.load(Script(steps=[{"raw": "not json"}] * 3))
    with pytest.raises(LlmResponseError, match="no usable chat completion"):
        client_for(server, max_retries=2).complete(ASK)


def test_timeout_then_success_and_persistent_timeout(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"delay_s": 5, "reply": "late"}, {"reply": "on time"}]))
    assert client_for(server, timeout_s=0.4, max_retries=1).complete(ASK).text == "on time"
    server.load(Script(steps=[{"delay_s": 5, "reply": "late"}] * 2))
    started = time.monotonic()
    with pytest.raises(LlmTimeoutError, match=r"did not answer within 0\.4 s"):
        client_for(server, timeout_s=0.4, max_retries=1).complete(ASK)
    assert time.monotonic() - started < 4


def test_dropped_connection_is_retried(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"close": True}, {"reply": "again"}]))
    assert client_for(server).complete(ASK).text == "again"


def test_cancel_returns_while_the_request_is_in_flight(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"delay_s": 10, "reply": "never"}]))
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        client_for(server, timeout_s=30).complete(ASK, cancel=token)
    assert time.monotonic() - started < 3


def test_key_is_sent_but_never_shown(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-test-SECRET-1234567890"
    server.load(Script(steps=[{"status": 500}, {"reply": "ok"}], require_key=secret))
    caplog.set_level(logging.DEBUG)
    client = client_for(server, key=secret)
    assert client.complete(ASK).text == "ok"
    assert all(r["authorized"] for r in server.chat_requests)
    shown = repr(client) + repr(client.config) + client.config.describe() + caplog.text
    assert secret not in shown
    server.load(Script(steps=[{"reply": "ok"}], require_key=secret))
    with pytest.raises(LlmError, match="refused the API key") as info:
        client_for(server, key="sk-wrong").complete(ASK)
    assert "sk-wrong" not in str(info.value)


def test_endpoint_resolution() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "P2S_MODEL": "qwen", "OPENAI_API_KEY": "k"}
    cfg = EndpointConfig.resolve(LlmSettings(model="gpt-x", temperature=0.7), env)
    assert (cfg.base_url, cfg.model, cfg.temperature, cfg.api_key) == (
        "http://127.0.0.1:9/v1",
        "qwen",
        0.7,
        "k",
    )
    cfg = EndpointConfig.resolve(
        LlmSettings(base_url="http://s/v1"), {}, model="m", temperature=0.0
    )
    assert (cfg.base_url, cfg.model, cfg.temperature, cfg.api_key) == (
        "http://s/v1",
        "m",
        0.0,
        None,
    )
    with pytest.raises(InputError, match="no LLM endpoint configured"):
        LlmClient(EndpointConfig.resolve(LlmSettings(), {}))


def test_unreachable_endpoint_is_one_clear_error() -> None:
    with ScriptedServer(Script()) as srv:
        url = srv.base_url
    cfg = EndpointConfig(
        base_url=url, model="m", temperature=0, timeout_s=2, max_tokens=10, max_retries=0
    )
    with pytest.raises(LlmError, match="cannot reach"):
        LlmClient(cfg).complete(ASK)


def test_a_reply_trickling_one_byte_at_a_time_is_cut_at_the_request_timeout(
    server: ScriptedServer,
) -> None:
    # ~300 bytes at 0.2 s each: a minute of trickle, yet no single read waits 1 s
    server.load(Script(steps=[{"reply": "hello", "trickle_s": 0.2}]))
    started = time.monotonic()
    with pytest.raises(LlmTimeoutError, match=r"did not answer within 1 s"):
        client_for(server, timeout_s=1, max_retries=0).complete(ASK)
    assert time.monotonic() - started < 1 + 1.5


def test_the_callers_deadline_bounds_the_whole_call(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"reply": "hello", "trickle_s": 0.2}]))
    started = time.monotonic()
    with pytest.raises(LlmDeadlineError, match="wall-time budget ran out"):
        client_for(server, timeout_s=30).complete(ASK, deadline=started + 1.0)
    assert time.monotonic() - started < 1 + 1.0


def test_a_trickled_reply_within_the_limit_still_arrives(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"reply": "ok", "trickle_s": 0.001}]))
    assert client_for(server, timeout_s=10, max_retries=0).complete(ASK).text == "ok"


def test_a_key_echoed_in_an_error_body_or_inside_the_url_is_masked(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    key = "plainKEYwithNoShape42"  # no sk- prefix: only knowing the key can catch it
    url_key = "urlSECRET-7f3a9b"
    server.load(Script(steps=[{"status": 400, "echo_key": True}]))
    caplog.set_level(logging.DEBUG)
    base = server.base_url.replace("http://", f"http://someone:{url_key}@")
    client = LlmClient(
        EndpointConfig(
            base_url=base,
            model="scripted",
            temperature=0.0,
            timeout_s=5,
            max_tokens=16,
            max_retries=0,
            api_key=key,
        )
    )
    with pytest.raises(LlmError, match="HTTP 400") as info:
        client.complete(ASK)
    assert server.chat_requests, "the request reached the server"
    shown = str(info.value) + client.config.describe() + repr(client) + caplog.text
    # httpx turns the URL's user:password into HTTP Basic credentials, and the server echoes them
    assert "Incorrect API key provided: Basic ***" in str(info.value)
    basic = base64.b64encode(f"someone:{url_key}".encode()).decode()
    assert key not in shown and url_key not in shown and basic not in shown

    server.load(Script(steps=[{"status": 400, "echo_key": True}]))
    with pytest.raises(LlmError, match="HTTP 400") as info:
        client_for(server, max_retries=0, key=key).complete(ASK)
    assert "Incorrect API key provided: ***" in str(info.value) and key not in str(info.value)
