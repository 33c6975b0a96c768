"""Keep secrets out of everything the tool prints, logs or saves.

One function, `redact`, removes what looks like a credential from a text: the API key(s) this
process knows of (from the environment and the endpoint settings, plus any the caller names),
the user-information part of URLs (`https://user:key@host`), `Authorization:` header values,
`Bearer` tokens, `sk-...`-shaped keys and `api_key=` / `token=` style query parameters. Known
keys are matched literally, so a key with no recognisable shape is caught too, wherever it
appears (an endpoint's error body that repeats it, an exception text, a URL).
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
# A known secret shorter than this is not masked: masking "a" or "test" everywhere would
# garble every message, and such values are not real keys.
_MIN_SECRET_LEN = 6
_SECRET_ENV_NAMES = ("OPENAI_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
_SECRET_ENV_SUFFIXES = ("_API_KEY", "_APIKEY", "_TOKEN", "_SECRET", "_PASSWORD")
_URL_ENV_NAMES = ("OPENAI_BASE_URL", "OPENAI_API_BASE", "P2S_BASE_URL")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # scheme://userinfo@host -> scheme://***@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@"), rf"\1{MASK}@"),
    # Authorization: <anything up to the end of the value>
    (
        re.compile(
            r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+|basic\s+)?[^\s\"',;}]+"
        ),
        rf"\1{MASK}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{4,}"), rf"\1{MASK}"),
    # HTTP Basic credentials (what httpx sends for a URL's user:password); base64-looking
    # only, so that "basic arithmetic" survives
    (
        re.compile(r"(?i)\b(basic\s+)(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{12,}={0,2}"),
        rf"\1{MASK}",
    ),
    # OpenAI-style keys: sk-..., sk-proj-..., and the like
    (re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}"), rf"\1-{MASK}"),
    # credential-named fields anywhere (`api_key=...`, `"access_token": "..."`); values must
    # look like tokens, so that code such as `api_key: string` survives
    (
        re.compile(
            r"(?i)\b((?:api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)"
            r"[\"']?\s*[=:]\s*[\"']?)[A-Za-z0-9._~+/=-]{8,}"
        ),
        rf"\1{MASK}",
    ),
    # generic names only as URL query parameters (`?key=...&token=...`)
    (
        re.compile(r"(?i)([?&](?:key|token|secret|password|sig|signature)=)[^&\s#\"']+"),
        rf"\1{MASK}",
    ),
]


def url_secrets(url: str | None) -> list[str]:
    """The user name and password inside a URL's user information, if any, and the HTTP Basic
    credentials an HTTP client derives from them (servers echo those back too)."""
    if not url:
        return []
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return []
    found = []
    for value in (parts.username, parts.password):
        if value:
            found.append(value)
            unquoted = urllib.parse.unquote(value)
            if unquoted != value:
                found.append(unquoted)
    if parts.username is not None and parts.password is not None:
        pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password)}"
        found.append(base64.b64encode(pair.encode("utf-8")).decode("ascii"))
    return found


def env_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """Secrets this process was given through its environment."""
    env = os.environ if env is None else env
    found: list[str] = []
    for name, value in env.items():
        upper = name.upper()
        if upper in _SECRET_ENV_NAMES or upper.endswith(_SECRET_ENV_SUFFIXES):
            found.append(value)
        if upper in _URL_ENV_NAMES:
            found.extend(url_secrets(value))
    return found


_extra_lock = threading.Lock()
_extra: set[str] = set()


def register_secret(*values: str | None) -> None:
    """Make `redact` mask these values from now on (keys that came from settings or flags)."""
    with _extra_lock:
        _extra.update(v for v in values if v)


def _known(extra: Iterable[str | None]) -> list[str]:
    with _extra_lock:
        values = {*_extra, *env_secrets(), *(v for v in extra if v)}
    variants = set()
    for v in values:
        v = v.strip()
        if len(v) >= _MIN_SECRET_LEN:
            variants.add(v)
            variants.add(urllib.parse.quote(v, safe=""))
    # Longest first, so that a key containing another known value is masked whole.
    return sorted(variants, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every known secret and everything shaped like a credential masked."""
    if not text:
        return text
    for secret in _known(secrets):
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_url(url: str | None) -> str | None:
    """A URL fit to print or store: no user information, no credential query parameters."""
    if url is None:
        return None
    return redact(url, url_secrets(url))


def redact_data(data: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Every string in a JSON-like structure (dict keys included) passed through `redact`."""
    known = list(secrets)
    if isinstance(data, str):
        return redact(data, known)
    if isinstance(data, dict):
        return {redact_data(k, known): redact_data(v, known) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact_data(v, known) for v in data]
    return data


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with `redact` (args folded in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_filter = RedactingFilter()
_installed_lock = threading.Lock()
_installed = False


def install_log_redaction() -> None:
    """Redact every log record this process creates, whichever logger or handler takes it
    (the `openai` and `httpx` libraries log request details of their own)."""
    global _installed
    with _installed_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _filter.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


__all__ = [
    "MASK",
    "RedactingFilter",
    "env_secrets",
    "install_log_redaction",
    "redact",
    "redact_data",
    "redact_url",
    "register_secret",
    "url_secrets",
]
