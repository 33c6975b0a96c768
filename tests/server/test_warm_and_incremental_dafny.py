"""The warm DafnyServer.exe verifier and incremental verification against the real Dafny 2.x."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsp_helpers import MAX_FIXED, MAX_WRONG, SLOW_LEMMA, server_descendants

from shared_schemas.verification import FileVerification, VerificationStatus, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.dafny.incremental import IncrementalVerifier
from toolchain.dafny.warm import WarmVerifier, find_dafny_server
from toolchain.errors import CancelledError
from toolchain.proc import CancelToken


@pytest.fixture
def engine() -> DafnyEngine:
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    if engine.info.major >= 3:
        pytest.fail("these tests need Dafny 2.x (DafnyServer.exe); scripts/setup installs it")
    return engine


@pytest.fixture
def warm(engine: DafnyEngine) -> Iterator[WarmVerifier]:
    verifier = WarmVerifier(engine)
    assert verifier.available
    yield verifier
    verifier.close()


def summary(result: FileVerification) -> tuple[object, ...]:
    return (
        result.status,
        sorted(
            (d.range.start.line, d.range.start.character, d.code, d.message)
            for d in result.diagnostics
        ),
        sorted((m.name, m.status) for m in result.methods),
        sorted(
            (r.location.range.start.line, r.message) for d in result.diagnostics for r in d.related
        ),
    )


def test_finds_the_server_beside_dafny(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "Dafny.exe").write_text("")
    (tmp_path / "lib" / "DafnyServer.exe").write_text("")
    script = tmp_path / "dafny"
    script.write_text(f'#!/bin/sh\nexec mono {tmp_path}/lib/Dafny.exe "$@"\n')
    assert find_dafny_server(str(script)) == ["mono", str(tmp_path / "lib" / "DafnyServer.exe")]
    (tmp_path / "lib" / "DafnyServer.exe").unlink()
    assert find_dafny_server(str(script)) is None


def test_warm_results_match_the_cli(engine: DafnyEngine, warm: WarmVerifier) -> None:
    broken_syntax = "method M() {\n  var x := ;\n}\n"
    unresolved = "method M() returns (r: int) {\n  r := y;\n}\n"
    for text in (MAX_WRONG, MAX_FIXED, broken_syntax, unresolved):
        cold = engine.verify_source(text, "/tmp/parity.dfy")
        hot = warm.verify_source(text, "/tmp/parity.dfy")
        assert summary(hot) == summary(cold), text
    # Parse and resolution errors are the CLI's to classify; verification stayed warm.
    assert warm.fallbacks == 2
    assert warm.requests == 4


def test_timeout_kills_the_server_and_the_next_request_restarts_it(warm: WarmVerifier) -> None:
    warm.verify_source(MAX_FIXED, "/tmp/t.dfy")  # start-up is not what is timed here
    request = VerifyRequest(timeout_s=3, vc_time_limit_s=60)
    pid = warm.server_pid
    assert pid is not None
    started = time.monotonic()
    result = warm.verify_source(SLOW_LEMMA, "/tmp/t.dfy", request)
    assert time.monotonic() - started < 10
    assert result.status == VerificationStatus.timeout
    assert any("did not finish" in d.message for d in result.diagnostics)
    assert warm.server_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert warm.verify_source(MAX_WRONG, "/tmp/t.dfy").status == VerificationStatus.errors
    assert warm.restarts == 1


def test_a_crashed_server_is_restarted(warm: WarmVerifier) -> None:
    warm.verify_source(MAX_FIXED, "/tmp/c.dfy")
    pid = warm.server_pid
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    result = warm.verify_source(MAX_WRONG, "/tmp/c.dfy")
    assert result.status == VerificationStatus.errors
    assert warm.server_pid not in (None, pid)


def test_cancel_stops_a_long_request_after_the_grace_period(warm: WarmVerifier) -> None:
    warm.verify_source(MAX_FIXED, "/tmp/x.dfy")
    pid = warm.server_pid
    assert pid is not None
    token = CancelToken()
    threading.Timer(1.0, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        warm.verify_source(SLOW_LEMMA, "/tmp/x.dfy", VerifyRequest(vc_time_limit_s=60), token)
    assert time.monotonic() - started < 1.0 + warm.cancel_grace_s + 3
    left = server_descendants(os.getpid()).values()
    assert not [cmd for cmd in left if "DafnyServer" in cmd or "/z3" in cmd], left


def test_incremental_results_equal_whole_file_results(
    engine: DafnyEngine, warm: WarmVerifier
) -> None:
    """Each edit verified incrementally gives what verifying the whole text gives."""
    incremental = IncrementalVerifier(warm, default_request=VerifyRequest())
    text = (
        MAX_FIXED
        + "\nfunction Twice(x: int): int { 2 * x }\n\nmethod UseTwice(a: int) returns (b: int)\n  ensures b == Twice(a)\n{\n  b := a + a;\n}\n"
    )
    edits = [
        text,
        text.replace("else { m := b; }", "else { m := a; }"),  # Max broken
        text.replace("{ 2 * x }", "{ 3 * x }"),  # Twice changed: UseTwice breaks
        "\n// moved down\n" + text.replace("{ 2 * x }", "{ 3 * x }"),  # nothing to verify
    ]
    ran: list[bool] = []
    for version, edit in enumerate(edits):
        outcome = incremental.verify("doc", edit, "/tmp/inc.dfy")
        ran.append(outcome.ran_verifier)
        whole = engine.verify_source(edit, "/tmp/inc.dfy")
        assert summary(outcome.verification) == summary(whole), f"edit {version}"
        if version > 0:
            assert not outcome.plan.full, outcome.plan.reason
    assert ran == [True, True, True, False]


# GPT-4's published few-shot reply to MBPP-DFY task 142: the CLI proves it; DafnyServer with its
# default snapshot verification reported a false postcondition error.
SET_CARDINALITY = """\
method CountIdenticalPositions(a: seq<int>, b: seq<int>, c: seq<int>) returns (count: int)
    requires |a| == |b| && |b| == |c|
    ensures count >= 0
    ensures count == | set i: int | 0 <= i < |a| && a[i] == b[i] && b[i] == c[i]|
{
    var identical := set i: int | 0 <= i < |a| && a[i] == b[i] && b[i] == c[i];
    count := |identical|;
}
"""


def test_warm_verdict_equals_the_cli_on_set_cardinality(
    engine: DafnyEngine, warm: WarmVerifier
) -> None:
    cold = engine.verify_source(SET_CARDINALITY, "/tmp/cardinality.dfy")
    hot = warm.verify_source(SET_CARDINALITY, "/tmp/cardinality.dfy")
    assert cold.status == "verified"
    assert summary(hot) == summary(cold)
    assert warm.fallbacks == 0


def test_an_undone_edit_is_answered_by_the_earlier_result_and_equals_the_whole_file(
    engine: DafnyEngine, warm: WarmVerifier
) -> None:
    """Max broken, then restored while UseTwice changes, then broken again while UseTwice changes
    again: Max's verdict and errors come from the results that saw its text, and every edit
    gives what verifying the whole text gives."""
    incremental = IncrementalVerifier(warm, default_request=VerifyRequest())
    text = (
        MAX_FIXED
        + "\nfunction Twice(x: int): int { 2 * x }\n\nmethod UseTwice(a: int) returns (b: int)\n  ensures b == Twice(a)\n{\n  b := a + a;\n}\n"
    )
    broken = "else { m := a; }"
    edits = [
        text,
        text.replace("else { m := b; }", broken),
        text.replace("b := a + a;", "b := a + a + 0;"),
        text.replace("else { m := b; }", broken).replace("b := a + a;", "b := 0 + a + a;"),
    ]
    verified: list[set[str]] = []
    for version, edit in enumerate(edits):
        outcome = incremental.verify("doc", edit, "/tmp/undo.dfy")
        verified.append(set(outcome.plan.verify))
        whole = engine.verify_source(edit, "/tmp/undo.dfy")
        assert summary(outcome.verification) == summary(whole), f"edit {version}"
    assert verified[1:] == [{"Max"}, {"UseTwice"}, {"UseTwice"}]
    assert incremental.verify("doc", edits[3], "/tmp/undo.dfy").verification.status == (
        VerificationStatus.errors
    )
