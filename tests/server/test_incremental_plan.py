"""Planning incremental verification: which declarations an edit affects, how results move."""

from __future__ import annotations

from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    Location,
    MethodOutcome,
    MethodStatus,
    Range,
    RelatedLocation,
    VerificationStatus,
)
from toolchain.dafny.incremental import (
    Outline,
    PositionMap,
    Snapshot,
    _Planned,
    plan_against,
)

BASE = """// arithmetic helpers
datatype Color = Red | Green

function Sq(x: int): int { x * x }

lemma SqNonNeg(x: int)
  ensures Sq(x) >= 0
{
}

method UseSq(x: int) returns (y: int)
  ensures y >= 0
{
  SqNonNeg(x);
  y := Sq(x);
}

method Alone(a: int) returns (b: int)
  ensures b == a + 1
{
  b := a + 1;
}

class Counter {
  var n: int
  method Bump()
    modifies this
    ensures n == old(n) + 1
  {
    n := n + 1;
  }
}
"""

OPTIONS = "{}"
FILE = "/work/f.dfy"


def snapshot(text: str, diagnostics: list[Diagnostic] | None = None) -> Snapshot:
    outline = Outline.of(text)
    methods = [
        MethodOutcome(name=name, kind=d.symbol.kind, status=MethodStatus.verified)
        for name, d in outline.declarations.items()
    ]
    result = FileVerification(
        file=FILE,
        status=VerificationStatus.verified,
        methods=methods,
        diagnostics=diagnostics or [],
    )
    return Snapshot(outline, result, OPTIONS)


def plan(before: str, after: str, diagnostics: list[Diagnostic] | None = None) -> _Planned:
    return plan_against(snapshot(before, diagnostics), Outline.of(after), OPTIONS, FILE)


def test_declarations_are_found_with_qualified_names() -> None:
    outline = Outline.of(BASE)
    assert list(outline.declarations) == ["Sq", "SqNonNeg", "UseSq", "Alone", "Counter.Bump"]
    assert "Sq" in outline.declarations["UseSq"].mentions


def test_editing_one_method_body_verifies_only_that_method() -> None:
    planned = plan(BASE, BASE.replace("b := a + 1;", "b := 1 + a;"))
    assert not planned.plan.full
    assert planned.plan.verify == {"Alone"}
    assert planned.plan.reuse == {"Sq", "SqNonNeg", "UseSq", "Counter.Bump"}


def test_changing_a_function_reverifies_everything_that_uses_it_transitively() -> None:
    planned = plan(BASE, BASE.replace("{ x * x }", "{ x * x + 0 }"))
    assert planned.plan.verify == {"Sq", "SqNonNeg", "UseSq"}
    assert planned.plan.reuse == {"Alone", "Counter.Bump"}


def test_comments_and_blank_lines_outside_methods_change_nothing() -> None:
    edited = "// a new header\n\n\n" + BASE.replace("// arithmetic helpers", "// helpers")
    planned = plan(BASE, edited)
    assert not planned.plan.full and planned.plan.verify == frozenset()


def test_a_comment_inside_a_method_reverifies_it_but_not_its_callers() -> None:
    planned = plan(BASE, BASE.replace("{ x * x }", "{ x * x /* squared */ }"))
    assert planned.plan.verify == {"Sq"}


def test_changing_a_datatype_or_a_field_verifies_the_whole_file() -> None:
    assert plan(BASE, BASE.replace("Red | Green", "Red | Green | Blue")).plan.full
    assert plan(BASE, BASE.replace("var n: int", "var n: nat")).plan.full


def test_a_new_method_is_verified_alone() -> None:
    added = BASE + "\nmethod Fresh() { assert 1 + 1 == 2; }\n"
    planned = plan(BASE, added)
    assert planned.plan.verify == {"Fresh"}


def test_removing_a_lemma_reverifies_its_callers() -> None:
    without = BASE.replace("lemma SqNonNeg(x: int)\n  ensures Sq(x) >= 0\n{\n}\n", "")
    planned = plan(BASE, without)
    assert planned.plan.verify == {"UseSq"}


def test_string_literals_count_even_though_comments_do_not() -> None:
    text = 'const Greeting := "hi"\n' + BASE
    assert plan(text, text.replace('"hi"', '"ho"')).plan.full
    assert not plan(text, text.replace("// arithmetic", "// some arithmetic")).plan.full


def test_files_with_includes_are_always_verified_whole() -> None:
    text = 'include "lib.dfy"\n' + BASE
    assert plan(text, text.replace("b := a + 1;", "b := 1 + a;")).plan.full


def test_previous_findings_move_with_their_method() -> None:
    line = BASE.splitlines().index("  y := Sq(x);")
    error = Diagnostic(
        file=FILE,
        range=Range.point(line, 2, 1),
        category=DiagnosticCategory.verification,
        message="postcondition might not hold",
        symbol="UseSq",
        related=[
            RelatedLocation(
                location=Location(file=FILE, range=Range.point(line - 3, 10, 6)),
                message="this postcondition",
            )
        ],
    )
    edited = "\n\n" + BASE.replace("b := a + 1;", "b := 1 + a;")
    planned = plan(BASE, edited, [error])
    assert "UseSq" in planned.plan.reuse
    (moved,) = planned.moved["UseSq"]
    assert moved.range.start.line == line + 2 and moved.range.start.character == 2
    assert moved.related[0].location.range.start.line == line - 1


def test_position_map_refuses_positions_in_changed_text() -> None:
    edited = BASE.replace("b := a + 1;", "b := 1 + a;")
    moves = PositionMap(Outline.of(BASE), Outline.of(edited))
    line = BASE.splitlines().index("  b := a + 1;")
    assert moves.range(Range.point(line, 2, 1)) is None
    assert moves.range(Range.point(line - 1, 0, 1)) is not None


def test_other_options_or_no_history_mean_a_full_run() -> None:
    outline = Outline.of(BASE)
    assert plan_against(None, outline, OPTIONS, FILE).plan.full
    assert plan_against(snapshot(BASE), outline, '{"vc_time_limit_s": 3}', FILE).plan.full


def test_an_undone_edit_takes_the_outcome_of_the_result_that_saw_that_text() -> None:
    first = snapshot(BASE)
    second = snapshot(BASE.replace("b := a + 1;", "b := 1 + a;"))  # Alone edited
    # Alone is back to its first text (an undo) while UseSq changes
    now = Outline.of(BASE.replace("y := Sq(x);", "y := Sq(x) + 0;"))
    planned = plan_against(second, now, OPTIONS, FILE, older=[first])
    assert planned.plan.verify == {"UseSq"}
    assert "Alone" in planned.plan.reuse and planned.outcomes["Alone"].name == "Alone"
    assert "back to a text verified before" in planned.plan.reason
    # without the older result Alone is verified again
    assert plan_against(second, now, OPTIONS, FILE).plan.verify == {"UseSq", "Alone"}


def test_an_older_result_with_another_callee_or_options_is_not_recalled() -> None:
    older_sq = snapshot(BASE.replace("{ x * x }", "{ x * x + 0 }"))
    previous = snapshot(BASE.replace("y := Sq(x);", "y := Sq(x) + 0;"))
    now = Outline.of(BASE.replace("b := a + 1;", "b := 1 + a;"))  # UseSq back to BASE's text
    # the older result saw UseSq's text, but with another Sq: its verdict says nothing now
    assert plan_against(previous, now, OPTIONS, FILE, older=[older_sq]).plan.verify == {
        "UseSq",
        "Alone",
    }
    other_options = snapshot(BASE)
    other_options.options = '{"vc_time_limit_s": 3}'
    assert plan_against(previous, now, OPTIONS, FILE, older=[other_options]).plan.verify == {
        "UseSq",
        "Alone",
    }


def test_a_recalled_outcome_brings_its_findings_to_where_the_text_is_now() -> None:
    line = BASE.splitlines().index("  b := a + 1;")
    error = Diagnostic(
        file=FILE,
        range=Range.point(line, 2, 1),
        category=DiagnosticCategory.verification,
        message="postcondition might not hold",
        symbol="Alone",
    )
    first = snapshot(BASE, [error])
    first.result.methods = [
        m.model_copy(update={"status": MethodStatus.errors}) if m.name == "Alone" else m
        for m in first.result.methods
    ]
    second = snapshot(BASE.replace("b := a + 1;", "b := 1 + a;"))
    now = Outline.of("\n\n" + BASE.replace("y := Sq(x);", "y := Sq(x) + 0;"))
    planned = plan_against(second, now, OPTIONS, FILE, older=[first])
    assert planned.outcomes["Alone"].status == MethodStatus.errors
    (moved,) = planned.moved["Alone"]
    assert moved.range.start.line == line + 2


def test_an_undo_with_nothing_else_to_verify_still_verifies_what_it_brought_back() -> None:
    # With no run at all, the whole file's resolution warnings would come from the last result
    # alone; recalled outcomes are used only beside a run that reports them afresh.
    first = snapshot(BASE)
    second = snapshot(BASE.replace("b := a + 1;", "b := 1 + a;"))
    planned = plan_against(second, Outline.of(BASE), OPTIONS, FILE, older=[first])
    assert planned.plan.verify == {"Alone"} and not planned.outcomes
