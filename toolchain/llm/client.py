"""The OpenAI-compatible chat client: OpenAI, vLLM, Ollama, llama.cpp and the scripted test server.

Built on the `openai` package, whose own retries (exponential backoff with jitter, honouring
`retry-after`) cover 408/409/429/5xx, timeouts and dropped connections. What it does not cover
is a 200 answer that is not a chat completion (garbage): that is retried here with the same
budget. Token usage comes from the endpoint, or is estimated from the text when it sends none.
The API key is never logged, printed, or stored in a record.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai

from shared_schemas.generation import ChatMessage, TokenUsage
from shared_schemas.settings import LlmSettings
from toolchain.errors import CancelledError, InputError, ToolchainError
from toolchain.proc import CancelToken

log = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 3
_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, but the client insists on one


class LlmError(ToolchainError):
    """The endpoint could not produce a usable answer (after retries)."""


class LlmTimeoutError(LlmError):
    """No answer within the request timeout, retries included."""


class LlmResponseError(LlmError):
    """The endpoint answered 200 with something that is not a chat completion."""


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
        timeout_s: float | None = None,
        max_retries: int | None = None,
    ) -> EndpointConfig:
        """Explicit arguments win, then the environment, then settings."""
        settings = settings or LlmSettings()
        env = os.environ if env is None else env
        retries = max_retries
        if retries is None:
            retries = int(env.get("P2S_LLM_MAX_RETRIES", DEFAULT_MAX_RETRIES))
        return cls(
            base_url=base_url or env.get("OPENAI_BASE_URL") or settings.base_url,
            model=model or env.get("P2S_MODEL") or settings.model,
            temperature=settings.temperature if temperature is None else temperature,
            timeout_s=timeout_s or float(env.get("P2S_LLM_TIMEOUT", settings.request_timeout_s)),
            max_tokens=settings.max_tokens,
            max_retries=max(0, retries),
            api_key=env.get("OPENAI_API_KEY") or None,
        )

    @property
    def configured(self) -> bool:
        return bool(self.base_url or self.api_key)

    def describe(self) -> str:
        """For messages and records: endpoint and model, never the key."""
        return f"{self.model} at {self.base_url or 'the OpenAI API'}"


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


class LlmClient:
    def __init__(self, config: EndpointConfig, http_client: Any = None) -> None:
        if not config.configured:
            raise InputError(
                "no LLM endpoint configured",
                hint="set OPENAI_BASE_URL (vLLM, Ollama, llama.cpp, ...) and/or OPENAI_API_KEY",
            )
        self.config = config
        self._http_client = http_client
        self._client = self._new_client()

    def _new_client(self) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=self.config.base_url,
            api_key=self.config.api_key or _PLACEHOLDER_KEY,
            timeout=self.config.timeout_s,
            max_retries=self.config.max_retries,
            http_client=self._http_client,
        )

    def __repr__(self) -> str:
        return f"LlmClient({self.config.describe()})"

    def close(self) -> None:
        self._client.close()

    def complete(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        cancel: CancelToken | None = None,
    ) -> Completion:
        """One chat completion; raises LlmError (or CancelledError) when there is none."""
        started = time.monotonic()
        attempts = 0
        last_problem = ""
        for garbage_retry in range(self.config.max_retries + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            raw, retries = self._request(messages, max_tokens, temperature, seed, cancel)
            attempts += retries + 1
            try:
                return self._completion(raw, messages, attempts, started)
            except LlmResponseError as exc:
                last_problem = exc.message
                log.warning("malformed completion (attempt %d): %s", attempts, exc.message)
                time.sleep(min(0.25 * 2**garbage_retry, 4.0))
        raise LlmResponseError(
            f"{self.config.describe()} sent no usable chat completion in {attempts} attempts: "
            f"{last_problem}"
        )

    # -- internals ------------------------------------------------------------------------------
    def _request(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int | None,
        temperature: float | None,
        seed: int | None,
        cancel: CancelToken | None,
    ) -> tuple[Any, int]:
        kwargs: dict[str, Any] = {
            "model": self.config.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": self.config.temperature if temperature is None else temperature,
            "max_tokens": max_tokens or self.config.max_tokens,
        }
        if seed is not None:
            kwargs["seed"] = seed
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

        # The request runs on a worker so that a cancel can return at once; closing the
        # connection pool makes the abandoned request end promptly.
        worker = threading.Thread(target=call, name="llm-request", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
            if cancel is not None and cancel.cancelled and worker.is_alive():
                self._client.close()
                self._client = self._new_client()
                raise CancelledError("cancelled while waiting for the LLM")
        if "error" in box:
            raise self._translate(box["error"]) from box["error"]
        return box["parsed"], int(box.get("retries", 0))

    def _translate(self, exc: BaseException) -> BaseException:
        where = self.config.describe()
        if isinstance(exc, openai.APITimeoutError):
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
        return exc

    def _completion(
        self, parsed: Any, messages: Sequence[ChatMessage], attempts: int, started: float
    ) -> Completion:
        if isinstance(parsed, Exception):
            raise LlmResponseError(f"the answer is not JSON ({_short(str(parsed))})")
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


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = [
    "Completion",
    "EndpointConfig",
    "LlmClient",
    "LlmError",
    "LlmResponseError",
    "LlmTimeoutError",
    "estimate_tokens",
]
