"""Both verifiers (the CLI engine and the warm server) refuse an oversized source before Dafny runs."""

from __future__ import annotations

import pytest

from shared_schemas.verification import VerifyRequest
from toolchain.dafny.engine import MAX_SOURCE_BYTES, DafnyEngine
from toolchain.dafny.warm import WarmVerifier
from toolchain.errors import InputError


def test_oversized_sources_are_input_errors_in_both_verifiers(dafny: DafnyEngine) -> None:
    big = "// x\n" * (MAX_SOURCE_BYTES // 5 + 1)
    with pytest.raises(InputError, match=r"big\.dfy is larger than 2048 KiB"):
        dafny.verify_source(big, "big.dfy")
    warm = WarmVerifier(dafny)
    try:
        with pytest.raises(InputError, match=r"big\.dfy is larger than 2048 KiB"):
            warm.verify_source(big, "big.dfy")
    finally:
        warm.close()


def test_a_missing_request_takes_the_settings_limits(dafny: DafnyEngine) -> None:
    mine = VerifyRequest(timeout_s=7, vc_time_limit_s=3)
    assert dafny.admit("method M() {}", "m.dfy", mine) is mine
    default = dafny.admit("method M() {}", "m.dfy", None)
    assert default.timeout_s == dafny.settings.timeout_s
    assert default.vc_time_limit_s == dafny.settings.vc_time_limit_s
