"""Guard rails on LLM-written Dafny: each reason code, and what must pass untouched."""

from __future__ import annotations

from shared_schemas.generation import GuardReason
from toolchain.llm.guard import check_candidate

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
