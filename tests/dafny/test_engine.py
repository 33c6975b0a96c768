"""The engine against the real Dafny 2.3: one program per outcome category, soundness, caching,
timeouts and cancellation with no process left behind."""

import os
import threading
import time
from pathlib import Path

import pytest

from shared_schemas.verification import DafnyInfo, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.errors import CancelledError
from toolchain.proc import CancelToken

SAMPLES = Path(__file__).parent / "samples"

VERIFIED = "method Inc(x: int) returns (y: int) ensures y == x + 1 { y := x + 1; }\n"


def descendants_named(*names: str) -> list[str]:
    """Live dafny / mono / z3 processes that descend from this test process."""
    me = os.getpid()
    parents: dict[int, int] = {}
    cmd: dict[int, str] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmdline = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        parents[int(d.name)] = int(fields[1])
        cmd[int(d.name)] = cmdline
    found = []
    for pid, line in cmd.items():
        p = pid
        while p in parents and p not in (0, 1):
            p = parents[p]
            if p == me:
                if any(n in line for n in names):
                    found.append(line)
                break
    return found


def test_verified(dafny: DafnyEngine) -> None:
    r = dafny.verify_source(VERIFIED, "inc.dfy")
    assert r.status == "verified" and r.ok
    assert r.error_count == 0 and r.verified_count >= 1
    [m] = r.methods
    assert m.name == "Inc" and m.status == "verified" and m.proof_obligations == 1


def test_postcondition_error_with_related_location(dafny: DafnyEngine) -> None:
    r = dafny.verify_file(SAMPLES / "postcondition.dfy")
    assert r.status == "errors" and r.error_count == 1
    [d] = [d for d in r.diagnostics if d.category == "verification"]
    assert d.code == "BP5003" and d.symbol == "Max"
    assert d.range.start.line == 2
    assert d.related[0].location.range.start.line == 1
    status = {m.name: m.status for m in r.methods}
    assert status == {"Max": "errors", "Ok": "verified", "Sq": "verified"}


def test_parse_error(dafny: DafnyEngine) -> None:
    r = dafny.verify_file(SAMPLES / "parse_error.dfy")
    assert r.status == "parse_error"
    assert r.diagnostics[0].category == "parse"


def test_resolution_error(dafny: DafnyEngine) -> None:
    r = dafny.verify_file(SAMPLES / "resolution_error.dfy")
    assert r.status == "resolution_error"
    assert "unresolved identifier" in r.diagnostics[0].message


def test_per_vc_timeout_is_reported_as_timeout(fresh_dafny: DafnyEngine) -> None:
    text = (SAMPLES / "slow.dfy").read_text()
    r = fresh_dafny.verify_source(text, "slow.dfy", VerifyRequest(vc_time_limit_s=1, timeout_s=60))
    assert r.status == "timeout"
    assert r.methods[0].status == "timed_out"


@pytest.mark.parametrize(
    ("snippet", "code"),
    [
        ("method M(x: int) ensures x > 0 { assume x > 0; }", "P2S-ASSUME"),
        ("lemma {:axiom} L() ensures false\nmethod M() { L(); assert false; }", "P2S-AXIOM"),
        ("method {:verify false} M() ensures false { }", "P2S-NOVERIFY"),
        ("lemma L() ensures false\nmethod M() { L(); assert 1 == 2; }", "P2S-BODILESS"),
    ],
)
def test_assumptions_are_never_reported_as_verified(
    dafny: DafnyEngine, snippet: str, code: str
) -> None:
    r = dafny.verify_source(snippet + "\n", "trust.dfy")
    assert r.status == "unsound" and not r.ok
    assert code in {d.code for d in r.diagnostics}


def test_cache_hit_by_content_not_by_path(tmp_path: Path) -> None:
    engine = DafnyEngine.discover(cache=ResultCache(tmp_path / "cache"))
    first = engine.verify_source(VERIFIED, str(tmp_path / "a.dfy"))
    again = DafnyEngine.discover(cache=ResultCache(tmp_path / "cache"))  # disk, not memory
    second = again.verify_source(VERIFIED, str(tmp_path / "b.dfy"))
    assert not first.cached and second.cached
    assert second.file == str(tmp_path / "b.dfy")
    assert second.status == first.status
    other_options = again.verify_source(
        VERIFIED, str(tmp_path / "b.dfy"), VerifyRequest(vc_time_limit_s=7)
    )
    assert not other_options.cached


def test_overall_timeout_kills_every_process(fresh_dafny: DafnyEngine) -> None:
    text = (SAMPLES / "slow.dfy").read_text()
    start = time.monotonic()
    r = fresh_dafny.verify_source(text, "slow.dfy", VerifyRequest(vc_time_limit_s=100, timeout_s=2))
    elapsed = time.monotonic() - start
    assert r.status == "timeout"
    assert "did not finish within 2 s" in r.diagnostics[-1].message
    assert elapsed < 2 + 2
    assert descendants_named("dafny", "mono", "z3") == []


def test_cancel_kills_every_process(fresh_dafny: DafnyEngine) -> None:
    text = (SAMPLES / "slow.dfy").read_text()
    token = CancelToken()
    threading.Timer(1.0, token.cancel).start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        fresh_dafny.verify_source(text, "slow.dfy", VerifyRequest(vc_time_limit_s=100), token)
    assert time.monotonic() - start < 3
    assert descendants_named("dafny", "mono", "z3") == []


def test_stoppable_twin_carries_its_token_into_every_run(fresh_dafny: DafnyEngine) -> None:
    # what the server's background width proofs rely on: the front end calls verify_source
    # without a token, and a new edit must still stop the proof's Dafny
    text = (SAMPLES / "slow.dfy").read_text()
    token = CancelToken()
    twin = fresh_dafny.stoppable(token)
    threading.Timer(1.0, token.cancel).start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        twin.verify_source(text, "slow.dfy", VerifyRequest(vc_time_limit_s=100))
    assert time.monotonic() - start < 3
    assert descendants_named("dafny", "mono", "z3") == []
    assert fresh_dafny.cancel is None  # the engine itself is untouched


def test_cancelled_twin_runs_nothing_even_from_the_cache(dafny: DafnyEngine) -> None:
    assert dafny.verify_source(VERIFIED, "inc.dfy").status == "verified"
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        dafny.stoppable(token).verify_source(VERIFIED, "inc.dfy")
    assert dafny.verify_source(VERIFIED, "inc.dfy").cached


def test_procedure_filter_verifies_only_the_chosen_method(dafny: DafnyEngine) -> None:
    text = (SAMPLES / "postcondition.dfy").read_text()
    r = dafny.verify_source(text, "pc.dfy", VerifyRequest(procedures=["Ok"]))
    assert r.status == "verified"
    status = {m.name: m.status for m in r.methods}
    assert status["Ok"] == "verified" and status["Max"] == "skipped"


def test_dafny4_command_line_is_built_for_4x() -> None:
    info = DafnyInfo(path="/opt/dafny/dafny", version="4.8.1", major=4)
    engine = DafnyEngine(info, cache=ResultCache(None))
    args = engine.verify_args(Path("f.dfy"), VerifyRequest(vc_time_limit_s=5), ["Max"])
    assert args == [
        "/opt/dafny/dafny",
        "verify",
        "--verification-time-limit:5",
        "--filter-symbol:Max",
        "f.dfy",
    ]


def test_decreases_star_method_has_a_body() -> None:
    from toolchain.dafny.symbols import find_symbols

    [m] = find_symbols("method M(n: nat) returns (r: bool) decreases * { r := true; }\n")
    assert not m.bodiless
