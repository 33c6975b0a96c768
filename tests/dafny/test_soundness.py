"""False "verified" verdicts (issue 11): each program here is one the real Dafny 2.3 accepts,
and none of them may be reported plainly verified; the look-alikes with bodies must stay verified.
"""

from __future__ import annotations

import pytest

from server.features.code_lens import status_title
from shared_schemas.lsp import SymbolVerificationStatus
from shared_schemas.verification import MethodStatus, Range, VerificationStatus, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache
from toolchain.dafny.incremental import IncrementalVerifier
from toolchain.dafny.soundness import (
    BODILESS_LOOP,
    DECREASES_STAR,
    bodiless_statements,
    partial_methods,
    soundness_issues,
)
from toolchain.dafny.warm import WarmVerifier

BODILESS_WHILE = """method Count(n: nat) returns (i: nat)
  ensures i == n
{
  i := 0;
  while i < n
    invariant i <= n
}
"""
BODILESS_FORALL = """method Sevens(a: array<int>)
  requires a.Length > 0
  ensures a[0] == 7
{
  forall i | 0 <= i < a.Length
    ensures a[i] == 7
}
"""
STATIC_TRAIT = """trait T {
  static method Bad() ensures false
}
method Use() ensures false { T.Bad(); }
"""
ABSTRACT_INHERITED = """abstract module A {
  lemma L() ensures false
}
module B refines A { }
module C {
  import B
  method Use() ensures false { B.L(); }
}
"""
DIVERGES = """method Loop() ensures false decreases * { while true decreases * { } }
method Caller() ensures false decreases * { Loop(); }
lemma Fine() ensures 1 + 1 == 2 { }
"""
# Look-alikes that are sound: every loop and forall has a body, the trait member is an instance
# member its class implements, the abstract module's lemma is never inherited bodiless.
SOUND = """trait Shape { method Area() returns (a: int) ensures a >= 0 }
class Square extends Shape {
  var side: int
  method Area() returns (a: int) ensures a >= 0 { a := side * side; }
}
abstract module Spec { lemma Fact() ensures 2 > 1 }
module Impl refines Spec { lemma Fact() ensures 2 > 1 { } }
method Zero(a: array<int>, s: seq<int>) returns (i: nat)
  modifies a
  ensures forall k :: 0 <= k < a.Length ==> a[k] == 0
{
  i := 0;
  while i < |s| { i := i + 1; }
  while i < |s| invariant i <= |s| || i >= 0 { i := i + 1; }
  var j := 0;
  while j < a.Length
    invariant 0 <= j <= a.Length
    invariant forall k | 0 <= k < j :: a[k] == 0
    invariant var y := j; y >= 0
    decreases a.Length - j
  {
    a[j] := 0;
    j := j + 1;
  }
  forall k | 0 <= k < a.Length { a[k] := 0; }
  var c := 'x';
  while c != 'x' invariant c == 'x' { }
  while j < a.Length invariant j <= a.Length invariant c in {'x', 'y'} { j := j + 1; }
}
"""

# Dafny 2.3 accepts `free` clauses (warning: soon deprecated) and assumes them unchecked
FREE_ENSURES = """
method Oracle() returns (x: int)
  free ensures false
{
  x := 0;
}

method UsesIt() {
  var y := Oracle();
  assert false;
}
"""


def codes(text: str) -> list[str | None]:
    return [d.code for d in soundness_issues(text, "f.dfy")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (BODILESS_WHILE, BODILESS_LOOP),
        (BODILESS_FORALL, BODILESS_LOOP),
        (STATIC_TRAIT, "P2S-BODILESS"),
        (ABSTRACT_INHERITED, "P2S-BODILESS"),
        (FREE_ENSURES, "P2S-FREE"),
    ],
    ids=["while", "forall", "static-trait", "abstract-inherited", "free-ensures"],
)
def test_dafny_proves_it_but_it_is_never_verified(dafny: DafnyEngine, text: str, code: str) -> None:
    result = dafny.verify_source(text, "probe.dfy")
    # the real verifier has no complaint: the only thing between the user and "verified" is us
    assert result.error_count == 0, result.raw_output
    assert result.status == VerificationStatus.unsound and not result.ok
    [finding] = [d for d in result.diagnostics if d.category == "soundness"]
    assert finding.code == code and finding.severity == "error"


def test_sound_look_alikes_stay_verified(dafny: DafnyEngine) -> None:
    assert codes(SOUND) == []
    result = dafny.verify_source(SOUND, "sound.dfy")
    assert result.status == VerificationStatus.verified, result.diagnostics


def test_decreases_star_is_partial_for_the_method_and_its_callers(dafny: DafnyEngine) -> None:
    result = dafny.verify_source(DIVERGES, "diverges.dfy")
    assert result.status == VerificationStatus.partial and not result.ok
    status = {m.name: m.status for m in result.methods}
    assert status == {
        "Loop": MethodStatus.partial,
        "Caller": MethodStatus.partial,
        "Fine": MethodStatus.verified,
    }
    notes = [d for d in result.diagnostics if d.code == DECREASES_STAR]
    assert {(d.range.start.line, d.severity.value, d.category.value) for d in notes} == {
        (0, "warning", "termination"),
        (1, "warning", "termination"),
    }
    # the editor's lens says so too
    lens = SymbolVerificationStatus(
        name="Loop", kind="method", range=Range.point(0, 0), status=MethodStatus.partial
    )
    assert status_title(lens, None).startswith("◐ partial correctness only")


def test_a_partial_verdict_with_an_assumption_is_unsound(dafny: DafnyEngine) -> None:
    text = DIVERGES.replace("{ Loop(); }", "{ assume false; Loop(); }")
    assert dafny.verify_source(text, "both.dfy").status == VerificationStatus.unsound


@pytest.mark.parametrize("text", ["", "\n\n", "// only a comment\n/* and a block */\n"])
def test_nothing_to_verify_is_not_verified(dafny: DafnyEngine, text: str) -> None:
    result = dafny.verify_source(text, "empty.dfy")
    assert result.status == VerificationStatus.nothing_to_verify and not result.ok
    [note] = result.diagnostics
    assert note.severity == "information" and note.message.startswith("nothing to verify")


def test_bodiless_statement_forms() -> None:
    def found(body: str) -> list[str]:
        text = "method M(n: nat, a: array<int>) returns (i: nat)\n{\n" + body + "\n}\n"
        return [kw for _, _, kw in bodiless_statements(text)]

    # bodiless: followed by the end of the block, a statement, a block statement, a var
    assert found("while i < n invariant i <= n") == ["while"]
    assert found("while i < n invariant i <= n\n  i := 3;") == ["while"]
    assert found("while i < n decreases n - i\n  if n > 3 { i := n; }") == ["while"]
    assert found("while i < n\n  var k := 1;") == ["while"]
    assert found("while i < n invariant i <= |a[..]|\n  print i;") == ["while"]
    assert found("while i < n\n  while i < n { i := i + 1; }") == ["while"]
    assert found("for k := 0 to n invariant i <= n") == ["for"]
    assert found("forall k | 0 <= k < a.Length ensures a[k] == 0") == ["forall"]
    # with bodies, whatever the header holds
    assert found("while i < n invariant i <= |a[..]| { i := i + 1; }") == []
    assert found("while i < n invariant if i > 0 then true else i == 0 { i := i + 1; }") == []
    assert found("while i < n invariant var m := n; i <= m { i := i + 1; }") == []
    assert found("while i < n invariant i in {0, 1} || i >= 0 modifies {} { i := 1; }") == []
    assert found("while * decreases * { }") == []
    assert found("while\n  invariant i <= n\n{ case i < n => i := i + 1; }") == []
    assert found("forall k | 0 <= k < a.Length { a[k] := 0; }") == []
    assert found("assert forall k :: 0 <= k < a.Length ==> a[k] == a[k];") == []
    assert found('// while i < n invariant i <= n\nvar s := "while x";') == []


def test_partial_methods_follow_calls() -> None:
    text = DIVERGES + "method Outer() decreases * { Caller(); }\nmethod Apart() { }\n"
    assert set(partial_methods(text)) == {"Loop", "Caller", "Outer"}


def test_abstract_module_members_count_once_a_compiled_module_inherits_them() -> None:
    [d] = soundness_issues(ABSTRACT_INHERITED, "f.dfy")
    assert "compiled module B inherits it bodiless from A" in d.message
    alone = ABSTRACT_INHERITED.split("module B")[0]
    assert codes(alone) == []
    # an abstract refinement passes it on; the compiled module at the end of the chain counts
    chain = alone + "abstract module B refines A { }\nmodule C refines B { }\n"
    assert (
        "compiled module C inherits it bodiless from A" in soundness_issues(chain, "f")[0].message
    )
    assert (
        codes(chain.replace("module C refines B { }", "module C refines B { lemma L() { } }")) == []
    )


def test_the_editor_s_incremental_path_keeps_partial_and_nothing_to_verify() -> None:
    """The server verifies edits incrementally (warm DafnyServer, reused declarations): the
    qualified verdicts must survive reuse, including an edit that verifies nothing afresh."""
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    warm = WarmVerifier(engine)
    assert warm.available
    try:
        incremental = IncrementalVerifier(warm, default_request=VerifyRequest())
        first = incremental.verify("doc", DIVERGES, "/tmp/p2s-partial.dfy").verification
        assert first.status == VerificationStatus.partial
        moved = "\n// moved down\n" + DIVERGES
        again = incremental.verify("doc", moved, "/tmp/p2s-partial.dfy")
        assert again.verification.status == VerificationStatus.partial
        assert {m.name: m.status for m in again.verification.methods}["Caller"] == "partial"
        assert any(d.code == DECREASES_STAR for d in again.verification.diagnostics)
        empty = incremental.verify("doc", "// gone\n", "/tmp/p2s-partial.dfy").verification
        assert empty.status == VerificationStatus.nothing_to_verify
    finally:
        warm.close()
