"""The library of prompt edits the PREFACE agent chooses from (its action space).

Each edit adds one instruction to the repair prompt. Some carry the verifier's feedback (the
errors, with source lines), others only advice; which helps depends on the failure, and that is
what the policy learns. The action order is part of a checkpoint: append, never reorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared_schemas.generation import PromptEditInfo
from toolchain.llm.fewshot import render_examples
from toolchain.llm.prompts import error_report
from toolchain.llm.state import RepairState


@dataclass(frozen=True)
class PromptEdit:
    id: str
    summary: str  # one line, also what the language-model policy scores
    render: Callable[[RepairState], str]


def _errors(state: RepairState) -> str:
    return f"The verifier reported these problems; fix each one:\n{error_report(state)}"


def _signature(state: RepairState) -> str:
    sig = state.spec.signature
    if not sig:
        return (
            "Keep the method names, parameters and results you used, and keep the "
            "specification faithful to the task: do not weaken requires/ensures to make the "
            "proof easier."
        )
    return (
        "Keep exactly this signature and contract; do not rename, retype, or weaken it:\n"
        f"```dafny\n{sig.strip()}\n```"
    )


EDITS: tuple[PromptEdit, ...] = (
    PromptEdit("show_errors", "show the verifier's errors with their source lines", _errors),
    PromptEdit(
        "loop_invariants",
        "ask for loop invariants strong enough for the postcondition",
        lambda s: (
            "Every loop needs invariants: bounds on the loop index, and the partial result "
            "described in terms of the part already processed (for example a[..i]). Check that "
            "each invariant holds before the loop, is preserved by the body, and together with "
            "the negated loop guard implies the postcondition."
        ),
    ),
    PromptEdit(
        "termination",
        "ask for decreases clauses",
        lambda s: (
            "Make termination evident: give each loop and recursive call a `decreases` clause "
            "with a quantity that strictly decreases and is bounded below."
        ),
    ),
    PromptEdit(
        "dafny2_syntax",
        "ask for Dafny 2.3 syntax",
        lambda s: (
            "Use Dafny 2.3 syntax only: `function method` for functions called from methods, "
            "`while` loops instead of `for`, `predicate` not `ghost predicate`, no `expect`, "
            "no `:-`, no datatype member functions. Check that every identifier you use is "
            "declared."
        ),
    ),
    PromptEdit("keep_signature", "insist on the fixed signature and contract", _signature),
    PromptEdit(
        "no_shortcuts",
        "forbid assume, axioms and bodiless declarations",
        lambda s: (
            "Do not use `assume`, `{:axiom}`, `{:verify false}`, `{:extern}`, `{:options}`, "
            "`include`, or any method, function or lemma without a body. Every step must be "
            "proved."
        ),
    ),
    PromptEdit(
        "code_only",
        "ask for exactly one dafny code block",
        lambda s: (
            "Answer with exactly one Markdown code block tagged `dafny` that contains the whole "
            "program, and nothing else."
        ),
    ),
    PromptEdit(
        "simplify",
        "ask for a simpler implementation",
        lambda s: (
            "Start again with the simplest implementation that meets the specification: one "
            "loop over indices, no clever tricks, helper functions only where the "
            "specification needs them."
        ),
    ),
    PromptEdit(
        "assert_steps",
        "ask for intermediate assertions and lemma calls",
        lambda s: (
            "Where a postcondition or invariant is not proved, add intermediate `assert` "
            "statements that spell out the reasoning step by step (and call helper lemmas where "
            "a fact needs induction)."
        ),
    ),
    PromptEdit(
        "preconditions",
        "ask to check preconditions, indices and framing",
        lambda s: (
            "Check every array and sequence index is provably within bounds, every call meets "
            "its callee's requires clause, divisors are non-zero, and functions that read "
            "arrays declare `reads`, methods that change them declare `modifies`."
        ),
    ),
    PromptEdit(
        "worked_example",
        "show a worked example of a verified program",
        lambda s: "Here are examples of programs that verify:\n\n" + render_examples(1),
    ),
    PromptEdit(
        "step_by_step",
        "ask to reason step by step before coding",
        lambda s: (
            "Before writing code, think step by step: restate what the postconditions require, "
            "choose the loop invariants, and check each proof obligation; then write the code."
        ),
    ),
)
EDIT_IDS: tuple[str, ...] = tuple(e.id for e in EDITS)
_BY_ID = {e.id: e for e in EDITS}


def edit_by_id(edit_id: str) -> PromptEdit:
    return _BY_ID[edit_id]


def render_edit(edit_id: str, state: RepairState) -> str:
    return _BY_ID[edit_id].render(state)


def apply_edit(
    index: int, state: RepairState, log_prob: float | None = None, value: float | None = None
) -> PromptEditInfo:
    edit = EDITS[index]
    return PromptEditInfo(id=edit.id, text=edit.render(state), log_prob=log_prob, value=value)


__all__ = ["EDITS", "EDIT_IDS", "PromptEdit", "apply_edit", "edit_by_id", "render_edit"]
