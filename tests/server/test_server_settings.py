"""The `proof2silicon` configuration section -> ServerSettings, in either key spelling."""

from __future__ import annotations

from server.settings import parse_settings, unwrap_initialization_options
from shared_schemas.settings import VerifyOn


def test_camel_case_as_vscode_sends_it() -> None:
    settings, warnings = parse_settings(
        {
            "verifyOn": "save",
            "debounceMs": 120,
            "dafny": {"vcTimeLimitS": 7, "path": ""},
            "warmVerifier": False,
            "pythonPath": "/usr/bin/python3",
            "trace": {"server": "verbose"},
        }
    )
    assert settings.verify_on == VerifyOn.save and settings.debounce_ms == 120
    assert settings.dafny.vc_time_limit_s == 7 and settings.dafny.path is None
    assert settings.warm_verifier is False and settings.incremental is True
    assert warnings == []


def test_snake_case_as_the_extension_converts_it() -> None:
    settings, _ = parse_settings({"verify_on": "never", "hls": {"clock_ns": 5.0}})
    assert settings.verify_on == VerifyOn.never and settings.hls.clock_ns == 5.0


def test_an_invalid_value_falls_back_to_its_default_with_a_warning() -> None:
    settings, warnings = parse_settings(
        {"verifyOn": "sometimes", "debounceMs": 10, "dafny": {"timeoutS": -1, "jobs": 3}}
    )
    assert settings.verify_on == VerifyOn.change and settings.debounce_ms == 10
    assert settings.dafny.timeout_s == 120.0 and settings.dafny.jobs == 3
    assert len(warnings) == 2
    assert any("verify_on" in w for w in warnings) and any("timeout_s" in w for w in warnings)


def test_nothing_or_nonsense_gives_the_defaults() -> None:
    assert parse_settings(None)[0].verify_on == VerifyOn.change
    settings, warnings = parse_settings(["not", "an", "object"])
    assert settings.debounce_ms == 400 and len(warnings) == 1


def test_initialization_options_may_wrap_the_section() -> None:
    assert unwrap_initialization_options({"settings": {"verifyOn": "save"}, "client": "x"}) == {
        "verifyOn": "save"
    }
    assert unwrap_initialization_options({"verifyOn": "save"}) == {"verifyOn": "save"}
