"""Guard rails on LLM-written Dafny: each reason code, and what must pass untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.generation import GenerationParams, GuardReason, TrajectoryRecord
from shared_schemas.settings import LlmSettings, Settings
from shared_schemas.verification import VerificationStatus
from toolchain.dafny import DafnyEngine
from toolchain.generate import run_generate
from toolchain.llm.guard import check_candidate
from toolchain.llm.scripted_server import Script, ScriptedServer

from .conftest import HEADER, RIGHT, fenced

SIG = "method Max(a: int, b: int) returns (m: int)\n  ensures m >= a && m >= b"
GOOD = """method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
  ensures m == a || m == b
{
  if a > b { m := a; } else { m := b; }
}
"""


def reasons(code: str, sig: str | None = None) -> list[GuardReason]:
    return [v.reason for v in check_candidate(code, sig)]


def test_clean_candidate_passes_with_and_without_signature() -> None:
    assert reasons(GOOD) == []
    assert reasons(GOOD, SIG) == []
    # layout differences are not signature changes
    assert reasons(GOOD.replace("(a: int, b: int)", "( a:int,b : int )"), SIG) == []


def test_soundness_escapes_each_get_their_reason() -> None:
    body = "{\n  m := a;\n  assume m >= b;\n}"
    assert reasons(GOOD.split("{")[0] + body) == [GuardReason.assume]
    assert reasons("lemma {:axiom} L() ensures false\n") == [
        GuardReason.axiom,
        GuardReason.bodiless,
    ]
    assert GuardReason.verify_false in reasons(
        GOOD.replace("method Max", "method {:verify false} Max")
    )
    assert GuardReason.extern in reasons(GOOD.replace("method Max", "method {:extern} Max"))
    assert reasons("method M(x: int) returns (y: int)\n  ensures y > x\n") == [GuardReason.bodiless]
    assert reasons("function F(x: int): int\n") == [GuardReason.bodiless]
    # a `free` clause is assumed, never checked: an assumption like `assume`
    free = GOOD.replace(
        "method Max(a: int, b: int) returns (m: int)",
        "method Max(a: int, b: int) returns (m: int)\n  free ensures false",
    )
    assert free != GOOD and reasons(free) == [GuardReason.assume]


def test_verifier_switches_and_includes() -> None:
    v = check_candidate('module {:options "/noVerify"} M {\n' + GOOD + "}\n")
    assert [x.reason for x in v] == [GuardReason.options] and v[0].line == 0
    assert reasons('include "helpers.dfy"\n' + GOOD) == [GuardReason.include]


def test_keywords_in_comments_and_strings_do_not_count() -> None:
    code = GOOD.replace("{\n  if", "{\n  // we never assume anything, no {:axiom} either\n  if")
    assert reasons(code, SIG) == []


def test_no_code() -> None:
    assert reasons("") == [GuardReason.no_code]
    assert reasons("// just a comment\n", SIG) == [GuardReason.no_code]


def test_signature_changes() -> None:
    assert reasons(GOOD.replace("a: int, b: int", "a: nat, b: int"), SIG) == [
        GuardReason.signature_changed
    ]
    assert reasons(GOOD.replace("returns (m: int)", "returns (r: int)"), SIG)[0] == (
        GuardReason.signature_changed
    )
    renamed = check_candidate(GOOD.replace("Max", "Maximum"), SIG)
    assert [v.reason for v in renamed] == [GuardReason.signature_changed]
    assert "missing" in renamed[0].message
    assert reasons(GOOD.replace("method Max", "lemma Max"), SIG) == [GuardReason.signature_changed]
    function_sig = "function Sq(x: int): int"
    assert reasons("function method Sq(x: int): int { x * x }", function_sig) == []
    assert reasons("function Sq(x: nat): int { x * x }", function_sig) == [
        GuardReason.signature_changed
    ]


def test_weakening_a_fixed_contract_is_a_signature_change() -> None:
    dropped = GOOD.replace("  ensures m >= a && m >= b\n", "")
    v = check_candidate(dropped, SIG)
    assert [x.reason for x in v] == [GuardReason.signature_changed]
    assert "ensures m >= a && m >= b" in v[0].message
    vacuous = GOOD.replace("  ensures m == a", "  requires false\n  ensures m == a")
    assert reasons(vacuous, SIG) == [GuardReason.signature_changed]
    # without a fixed contract, the model writes its own preconditions
    assert reasons(vacuous, "method Max(a: int, b: int) returns (m: int)") == []


# -- issue 11: false "verified" escapes ------------------------------------------------------

BODILESS_LOOP = """method Count(n: nat) returns (i: nat)
  ensures i == n
{
  i := 0;
  while i < n
    invariant i <= n
}
"""
DIVERGES = """method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
  decreases *
{
  while true decreases * { }
}
"""
TRAIT_CALL = """trait Oracle {
  static method Prove() ensures false
}
method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  Oracle.Prove();
}
"""
INSTANCE_CALL = """trait Oracle {
  method Prove() ensures false
}
method Max(o: Oracle, a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  o.Prove();
}
"""


def test_bodiless_loop_is_rejected() -> None:
    v = check_candidate(BODILESS_LOOP)
    assert [x.reason for x in v] == [GuardReason.bodiless]
    assert "loop has no body" in v[0].message and v[0].line == 4


def test_bodiless_forall_statement_is_rejected() -> None:
    code = (
        "method Z(a: array<int>) requires a.Length > 0 ensures a[0] == 7\n"
        "{\n  forall i | 0 <= i < a.Length\n    ensures a[i] == 7\n}\n"
    )
    assert reasons(code) == [GuardReason.bodiless]
    with_body = code.replace("ensures a[i] == 7\n", "ensures a[i] == 7 { }\n")
    assert reasons(with_body) == []


def test_decreases_star_is_rejected() -> None:
    v = check_candidate(DIVERGES, SIG)
    assert [x.reason for x in v] == [GuardReason.decreases_star, GuardReason.decreases_star]
    assert {x.line for x in v} == {2, 4}
    assert all("decreases *" in x.message for x in v)


def test_calls_of_bodiless_trait_members_are_rejected() -> None:
    assert reasons(TRAIT_CALL, SIG) == [GuardReason.bodiless, GuardReason.bodiless]
    v = check_candidate(INSTANCE_CALL)
    assert [x.reason for x in v] == [GuardReason.bodiless]
    assert "Prove" in v[0].message and v[0].line == 6
    # an implementation in the reply makes the call an ordinary dynamic dispatch
    implemented = INSTANCE_CALL + "class C extends Oracle { method Prove() ensures false { } }\n"
    assert reasons(implemented) == []


# What the probe got written out as verified: each is Dafny-verified (partially, or with
# an assumption) and must be a guard rejection that costs a round.
MAX_DIVERGES = (
    HEADER + "  decreases *\n{\n  m := a[0];\n  while true\n    decreases *\n  {\n  }\n}\n"
)
MAX_BODILESS_LOOP = HEADER + (
    "{\n  m := a[0];\n  var k := 1;\n  while k < a.Length\n    invariant 1 <= k <= a.Length\n"
    "    invariant forall i :: 0 <= i < k ==> a[i] <= m\n"
    "    invariant exists i :: 0 <= i < k && a[i] == m\n}\n"
)
MAX_TRAIT_ORACLE = (
    "trait Oracle {\n  static method Cheat(a: array<int>) returns (m: int)\n"
    "    ensures forall i :: 0 <= i < a.Length ==> a[i] <= m\n"
    "    ensures exists i :: 0 <= i < a.Length && a[i] == m\n}\n"
    + HEADER
    + "{\n  m := Oracle.Cheat(a);\n}\n"
)


@pytest.mark.parametrize(
    ("bad", "reason", "dafny_says"),
    [
        (MAX_DIVERGES, GuardReason.decreases_star, VerificationStatus.partial),
        (MAX_BODILESS_LOOP, GuardReason.bodiless, VerificationStatus.unsound),
        (MAX_TRAIT_ORACLE, GuardReason.bodiless, VerificationStatus.unsound),
    ],
    ids=["decreases-star", "bodiless-loop", "static-trait-oracle"],
)
def test_generate_never_writes_out_these_as_verified(
    server: ScriptedServer,
    dafny: DafnyEngine,
    spec_path: Path,
    bad: str,
    reason: GuardReason,
    dafny_says: VerificationStatus,
) -> None:
    server.load(Script.replies(fenced(bad), fenced(RIGHT)))
    result = run_generate(
        GenerationParams.model_validate({"spec_path": str(spec_path)}),
        Settings(llm=LlmSettings(base_url=server.base_url, model="scripted")),
        engine=dafny,
        env={"P2S_LLM_MAX_RETRIES": "1"},
    )
    assert result.success and result.trajectory_path
    traj = TrajectoryRecord.model_validate_json(Path(result.trajectory_path).read_text())
    rejected = traj.rounds[0]
    assert rejected.status == "guard_rejected" and rejected.reward < 0
    assert reason in [v.reason for v in rejected.guard]
    # the real Dafny proves each one, yet the engine's verdict is not plainly "verified" either
    assert rejected.verification is not None
    assert rejected.verification.status == dafny_says
    assert not rejected.verification.ok
    written = spec_path.with_name("max_array.dfy").read_text()
    assert RIGHT in written and bad not in written
