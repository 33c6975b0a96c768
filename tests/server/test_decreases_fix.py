"""The quick fix for recursion refused for want of one integer measure (HW101): it states the
suggested `decreases` on the recursive function, and with it (real Dafny) the program still
verifies and the method lowers, the stack's depth sized by the user's own clause."""

from __future__ import annotations

from server.convert import lsp_diagnostic
from server.features.code_actions import decreases_fixes
from tests.server.lsp_helpers import apply_edits
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

# both parameters change and neither is always passed as `p - k`: no measure is inferred
PROGRAM = """function method Digits(n: nat, k: nat): nat
  requires n <= 1000 && k <= 3
{
  if n == 0 then 0 else 1 + Digits(n / 10, (k + 1) % 4)
}

method CountDigits(n: nat) returns (r: nat)
  requires n <= 1000
{
  r := Digits(n, 0);
}
"""
URI = "file:///digits.dfy"


def test_missing_measure_gets_a_decreases_quick_fix(dafny: DafnyEngine) -> None:
    before = lower(PROGRAM, "CountDigits", filename="digits.dfy", engine=dafny)
    refusals = [d for d in before.errors if d.code == "HW101"]
    assert refusals and "e.g. `decreases n`" in refusals[0].message, before.errors
    found = [lsp_diagnostic(d, "digits.dfy", URI, True) for d in refusals]

    actions = decreases_fixes(URI, PROGRAM, found)
    assert [a.title.split(" (")[0] for a in actions] == ["Add `decreases n` to Digits"]
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    fixed = apply_edits(PROGRAM, edit.changes[URI])
    assert "  requires n <= 1000 && k <= 3\n  decreases n\n{" in fixed

    after = lower(fixed, "CountDigits", filename="digits.dfy", engine=dafny)
    assert after.method is not None and not after.errors, [d.message for d in after.errors]
    depth = [o for o in after.method.obligations if "depth of Digits" in o.where]
    assert depth and all(o.proven is True for o in depth)
    # the user's own clause: no inferred measure claim
    assert not any("termination measure" in o.where for o in after.method.obligations)


def test_no_fix_where_a_decreases_is_already_stated(dafny: DafnyEngine) -> None:
    # a lexicographic clause: a second one would extend Dafny's tuple, not replace it
    text = PROGRAM.replace("k <= 3\n{", "k <= 3\n  decreases n, k\n{")
    r = lower(text, "CountDigits", filename="digits.dfy", engine=dafny)
    refusals = [d for d in r.errors if d.code == "HW101"]
    assert refusals and "lexicographic measure `decreases n, k`" in refusals[0].message
    found = [lsp_diagnostic(d, "digits.dfy", URI, True) for d in refusals]
    assert decreases_fixes(URI, text, found) == []
