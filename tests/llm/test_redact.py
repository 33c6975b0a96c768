"""toolchain.redact: what it masks, and what it must leave alone (Dafny code, prose)."""

from __future__ import annotations

import logging

import pytest

from toolchain.redact import MASK, install_log_redaction, redact, redact_data, redact_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://user:hunter2secret@10.0.0.1:8000/v1", f"http://{MASK}@10.0.0.1:8000/v1"),
        ("https://sk-abcdefghijklmnop@api.example.com", f"https://{MASK}@api.example.com"),
        ("Authorization: Bearer abc.def.ghi-123", f"Authorization: {MASK}"),
        ('{"authorization": "Basic dXNlcjpwYXNz"}', f'{{"authorization": "{MASK}"}}'),
        ("sent Bearer tok_1234567890", f"sent Bearer {MASK}"),
        ("got Basic c29tZW9uZTpzZWNyZXQ=", f"got Basic {MASK}"),
        (
            "Incorrect API key provided: sk-proj-AbC123xyz789",
            f"Incorrect API key provided: sk-{MASK}",
        ),
        ("https://h/v1/chat?api_key=abc123def456&x=1", f"https://h/v1/chat?api_key={MASK}&x=1"),
        ("https://h/v1?key=zzz&token=yyy", f"https://h/v1?key={MASK}&token={MASK}"),
        ('{"api_key": "abcdef123456789"}', f'{{"api_key": "{MASK}"}}'),
    ],
)
def test_credential_shapes_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "method Find(key: int, api_key: string) returns (token: int)",
        "the bearer of the result is m; ensures exists i :: a[i] == m",
        "basic arithmetic on Basic types",
        "http://127.0.0.1:8000/v1",
        "var sk := a[0]; assert sk - 1 < sk;",
    ],
)
def test_code_and_prose_survive(text: str) -> None:
    assert redact(text) == text


def test_known_secrets_are_masked_whatever_their_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "noShapeAtAll99")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://me:pa%2Fss77word@host/v1")
    assert redact("echo: noShapeAtAll99!") == f"echo: {MASK}!"
    assert redact("pa/ss77word and pa%2Fss77word") == f"{MASK} and {MASK}"
    assert redact("given xyzSecret123", ["xyzSecret123"]) == f"given {MASK}"
    assert redact_url("http://me:pa%2Fss77word@host/v1") == f"http://{MASK}@host/v1"
    nested = {"a": ["noShapeAtAll99", {"noShapeAtAll99": 1}], "n": 3}
    assert redact_data(nested) == {"a": [MASK, {MASK: 1}], "n": 3}


def test_log_records_are_redacted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "logSecret-abcdef")
    install_log_redaction()
    caplog.set_level(logging.INFO)
    logging.getLogger("some.library").info("request to %s with %s", "x", "logSecret-abcdef")
    assert "logSecret-abcdef" not in caplog.text and MASK in caplog.text
