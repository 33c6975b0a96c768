"""The OpenAI-compatible chat client: OpenAI, vLLM, Ollama, llama.cpp and the scripted test server.

Built on the `openai` package, whose own retries (exponential backoff with jitter, honouring
`retry-after`) cover 408/409/429/5xx, timeouts and dropped connections. What it does not cover
is a 200 answer that is not a chat completion (garbage): that is retried here with the same
budget. Token usage comes from the endpoint, or is estimated from the text when it sends none.

Time limits hold for a whole answer, not per read: each attempt must be complete within the
request timeout (a reply trickling in a byte at a time is cut off and retried like a silent one),
and `complete` never runs past the caller's deadline (the run's wall-time budget).

The API key is never logged, printed, or stored in a record: every message this module makes
passes through toolchain.redact, which also masks a key inside the endpoint URL or echoed back
in an error body.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai

from shared_schemas.generation import ChatMessage, TokenUsage
from shared_schemas.settings import LlmSettings
from toolchain.errors import CancelledError, InputError, ToolchainError
from toolchain.proc import CancelToken
from toolchain.redact import install_log_redaction, redact, redact_url, register_secret, url_secrets

log = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 3
_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, but the client insists on one


class LlmError(ToolchainError):
    """The endpoint could not produce a usable answer (after retries)."""


class LlmTimeoutError(LlmError):
    """No answer within the request timeout, retries included."""


class LlmResponseError(LlmError):
    """The endpoint answered 200 with something that is not a chat completion."""


class LlmDeadlineError(LlmTimeoutError):
    """The caller's deadline (the run's wall-time budget) passed before an answer was complete."""


# Slack on top of the request timeout for one attempt, and per retry for openai's backoff: the
# outer watchdog only catches what the per-attempt limit cannot (headers sent a byte at a time).
_ATTEMPT_SLACK_S = 2.0
_BACKOFF_ALLOWANCE_S = 10.0


@dataclass(frozen=True)
class EndpointConfig:
    base_url: str | None
    model: str
    temperature: float
    timeout_s: float
    max_tokens: int
    max_retries: int = DEFAULT_MAX_RETRIES
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def resolve(
        cls,
        settings: LlmSettings | None = None,
        env: Mapping[str, str] | None = None,
        *,
        base_url: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
    ) -> EndpointConfig:
        """Explicit arguments win, then the environment, then settings. (The request timeout
        and the retries come from the environment or settings only: no caller sets them.)"""
        settings = settings or LlmSettings()
        env = os.environ if env is None else env
        retries = int(env.get("P2S_LLM_MAX_RETRIES", DEFAULT_MAX_RETRIES))
        return cls(
            base_url=base_url or env.get("OPENAI_BASE_URL") or settings.base_url,
            model=model or env.get("P2S_MODEL") or settings.model,
            temperature=settings.temperature if temperature is None else temperature,
            timeout_s=float(env.get("P2S_LLM_TIMEOUT", settings.request_timeout_s)),
            max_tokens=settings.max_tokens,
            max_retries=max(0, retries),
            api_key=env.get("OPENAI_API_KEY") or None,
        )

    @property
    def configured(self) -> bool:
        return bool(self.base_url or self.api_key)

    def describe(self) -> str:
        """For messages and records: endpoint and model, never the key."""
        return f"{self.model} at {self.public_base_url or 'the OpenAI API'}"

    @property
    def public_base_url(self) -> str | None:
        """The endpoint URL fit to print and store (user information and keys masked)."""
        return redact_url(self.base_url)

    @property
    def secrets(self) -> list[str]:
        """What must never appear in output: the key, and any user information in the URL."""
        return [s for s in (self.api_key, *url_secrets(self.base_url)) if s]

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None
    usage: TokenUsage
    attempts: int
    model: str
    duration_s: float


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


@dataclass(frozen=True)
class CompletionOptions:
    """A caller's choices for one completion; None keeps the endpoint's configured value."""

    max_tokens: int | None = None
    seed: int | None = None
    cancel: CancelToken | None = None
    deadline: float | None = None  # a time.monotonic() value: the caller's wall-time budget


class ChatClient(ABC):
    """What the generation loop asks of a chat model: `LlmClient` over HTTP, or another source
    of replies with the same interface (the replay of published replies,
    `toolchain.datasets.replay_server.ReplayClient`). The interface is written once, here."""

    config: EndpointConfig

    def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        seed: int | None = None,
        cancel: CancelToken | None = None,
        deadline: float | None = None,
    ) -> Completion:
        """One chat completion; raises LlmError (or CancelledError) when there is none.

        `deadline` (a time.monotonic() value) bounds the whole call, retries included: past it
        the request is abandoned with LlmDeadlineError. The sampling temperature is the
        endpoint's (`config.temperature`), which is what a trajectory records."""
        return self.answer(messages, CompletionOptions(max_tokens, seed, cancel, deadline))

    @abstractmethod
    def answer(self, messages: Sequence[ChatMessage], options: CompletionOptions) -> Completion:
        """`complete`, with the caller's choices in one value."""

    @abstractmethod
    def close(self) -> None: ...


class LlmClient(ChatClient):
    def __init__(self, config: EndpointConfig, http_client: Any = None) -> None:
        if not config.configured:
            raise InputError(
                "no LLM endpoint configured",
                hint="set OPENAI_BASE_URL (vLLM, Ollama, llama.cpp, ...) and/or OPENAI_API_KEY",
            )
        self.config = config
        register_secret(*config.secrets)
        install_log_redaction()
        self._http_client = http_client
        self._client = self._new_client()

    def _new_client(self) -> openai.OpenAI:
        http_client = self._http_client
        if http_client is None:
            http_client = openai.DefaultHttpxClient(
                transport=WholeAnswerTimeout(httpx2.HTTPTransport(), self.config.timeout_s)
            )
        return openai.OpenAI(
            base_url=self.config.base_url,
            api_key=self.config.api_key or _PLACEHOLDER_KEY,
            timeout=self.config.timeout_s,
            max_retries=self.config.max_retries,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"LlmClient({self.config.describe()})"

    def close(self) -> None:
        self._client.close()

    def answer(self, messages: Sequence[ChatMessage], options: CompletionOptions) -> Completion:
        started = time.monotonic()
        attempts = 0
        last_problem = ""
        deadline = options.deadline
        for garbage_retry in range(self.config.max_retries + 1):
            if options.cancel is not None:
                options.cancel.raise_if_cancelled()
            raw, retries = self._request(messages, options)
            attempts += retries + 1
            try:
                return self._completion(raw, messages, attempts, started)
            except LlmResponseError as exc:
                last_problem = exc.message
                log.warning("malformed completion (attempt %d): %s", attempts, exc.message)
                pause = min(0.25 * 2**garbage_retry, 4.0)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
        raise self._scrub(
            LlmResponseError(
                f"{self.config.describe()} sent no usable chat completion in {attempts} "
                f"attempts: {last_problem}"
            )
        )

    # -- internals ------------------------------------------------------------------------------
    def _request(
        self, messages: Sequence[ChatMessage], options: CompletionOptions
    ) -> tuple[Any, int]:
        cancel, deadline = options.cancel, options.deadline
        kwargs: dict[str, Any] = {
            "model": self.config.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": self.config.temperature,
            "max_tokens": options.max_tokens or self.config.max_tokens,
        }
        if options.seed is not None:
            kwargs["seed"] = options.seed
        box: dict[str, Any] = {}

        def call() -> None:
            try:
                resp = self._client.chat.completions.with_raw_response.create(**kwargs)
                box["retries"] = resp.retries_taken
                try:
                    box["parsed"] = resp.parse()
                except (json.JSONDecodeError, ValueError, TypeError) as exc:
                    box["parsed"] = exc
            except BaseException as exc:
                box["error"] = exc

        # The request runs on a worker so that a cancel or a deadline can return at once;
        # closing the connection pool makes the abandoned request end promptly.
        started = time.monotonic()
        retries = self.config.max_retries
        own_limit = started + (self.config.timeout_s + _ATTEMPT_SLACK_S) * (retries + 1)
        own_limit += _BACKOFF_ALLOWANCE_S * retries
        limit = own_limit if deadline is None else min(own_limit, deadline)
        worker = threading.Thread(target=call, name="llm-request", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
            if not worker.is_alive():
                break
            if cancel is not None and cancel.cancelled:
                self._abandon()
                raise CancelledError("cancelled while waiting for the LLM")
            if time.monotonic() >= limit:
                self._abandon()
                waited = time.monotonic() - started
                if deadline is not None and limit == deadline:
                    raise self._scrub(
                        LlmDeadlineError(
                            f"stopped waiting for {self.config.describe()} after {waited:.1f} s: "
                            "the run's wall-time budget ran out"
                        )
                    )
                raise self._scrub(
                    LlmTimeoutError(
                        f"{self.config.describe()} did not finish its answer within "
                        f"{waited:.0f} s ({retries} retries)",
                        hint="raise llm.request_timeout_s or P2S_LLM_TIMEOUT, or check the server",
                    )
                )
        if "error" in box:
            raise self._translate(box["error"]) from None
        return box["parsed"], int(box.get("retries", 0))

    def _abandon(self) -> None:
        self._client.close()
        self._client = self._new_client()

    def _scrub(self, exc: LlmError) -> LlmError:
        """The error with the key (and anything like a credential) masked in its text."""
        exc.message = self.config.redact(exc.message)
        exc.hint = self.config.redact(exc.hint) if exc.hint else exc.hint
        exc.args = (exc.message,)
        return exc

    def _translate(self, exc: BaseException) -> BaseException:
        if not isinstance(exc, Exception):
            return exc  # KeyboardInterrupt and the like go on as they are
        return self._scrub(self._as_llm_error(exc))

    def _as_llm_error(self, exc: Exception) -> LlmError:
        where = self.config.describe()
        if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
            return LlmTimeoutError(
                f"{where} did not answer within {self.config.timeout_s:g} s "
                f"({self.config.max_retries} retries)",
                hint="raise llm.request_timeout_s or P2S_LLM_TIMEOUT, or check the server",
            )
        if isinstance(exc, openai.APIConnectionError):
            return LlmError(f"cannot reach {where}", hint="check OPENAI_BASE_URL")
        if isinstance(exc, openai.AuthenticationError):
            return LlmError(f"{where} refused the API key", hint="check OPENAI_API_KEY")
        if isinstance(exc, openai.RateLimitError):
            return LlmError(
                f"{where} is rate limiting (429) after {self.config.max_retries} retries"
            )
        if isinstance(exc, openai.APIStatusError):
            return LlmError(f"{where} answered HTTP {exc.status_code}: {_short(exc.message)}")
        if isinstance(exc, openai.OpenAIError):
            return LlmError(f"{where}: {_short(str(exc))}")
        if isinstance(exc, httpx2.HTTPError):
            return LlmError(f"cannot talk to {where}: {_short(str(exc))}", hint="check the server")
        return LlmError(f"{where}: unexpected {type(exc).__name__}: {_short(str(exc))}")

    def _completion(
        self, parsed: Any, messages: Sequence[ChatMessage], attempts: int, started: float
    ) -> Completion:
        if isinstance(parsed, Exception):
            raise self._scrub(LlmResponseError(f"the answer is not JSON ({_short(str(parsed))})"))
        choices = getattr(parsed, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise LlmResponseError("the answer has no choices")
        message = getattr(choices[0], "message", None)
        content = getattr(message, "content", None)
        if content is not None and not isinstance(content, str):
            raise LlmResponseError("the message content is not text")
        text = content or ""
        usage = getattr(parsed, "usage", None)
        prompt_tokens = getattr(usage, "prompt_tokens", None)
        completion_tokens = getattr(usage, "completion_tokens", None)
        if isinstance(prompt_tokens, int) and isinstance(completion_tokens, int):
            tokens = TokenUsage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        else:
            tokens = TokenUsage(
                prompt_tokens=sum(estimate_tokens(m.content) for m in messages),
                completion_tokens=estimate_tokens(text),
                estimated=True,
            )
        return Completion(
            text=text,
            finish_reason=getattr(choices[0], "finish_reason", None),
            usage=tokens,
            attempts=attempts,
            model=str(getattr(parsed, "model", None) or self.config.model),
            duration_s=time.monotonic() - started,
        )


class WholeAnswerTimeout(httpx2.BaseTransport):
    """A transport that gives each request `limit_s` for its whole answer, body included.

    httpx's read timeout is per read: a server sending one byte a second never trips it. Past
    the limit this raises httpx's own ReadTimeout, so the openai client retries it and reports
    it exactly like a silent server."""

    def __init__(self, inner: httpx2.BaseTransport, limit_s: float) -> None:
        self.inner = inner
        self.limit_s = limit_s

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = time.monotonic() + self.limit_s
        response = self.inner.handle_request(request)
        if time.monotonic() > deadline:
            response.close()
            raise httpx2.ReadTimeout(_too_slow(self.limit_s), request=request)
        response.stream = _DeadlineStream(response.stream, deadline, self.limit_s, request)
        return response

    def close(self) -> None:
        self.inner.close()


class _DeadlineStream(httpx2.SyncByteStream):
    def __init__(
        self, inner: Any, deadline: float, limit_s: float, request: httpx2.Request
    ) -> None:
        self.inner = inner
        self.deadline = deadline
        self.limit_s = limit_s
        self.request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            if time.monotonic() > self.deadline:
                raise httpx2.ReadTimeout(_too_slow(self.limit_s), request=self.request)
            yield chunk

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if callable(close):
            close()


def _too_slow(limit_s: float) -> str:
    return f"the answer was not complete within {limit_s:g} s"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = [
    "ChatClient",
    "Completion",
    "CompletionOptions",
    "EndpointConfig",
    "LlmClient",
    "LlmDeadlineError",
    "LlmError",
    "LlmResponseError",
    "LlmTimeoutError",
    "estimate_tokens",
]
