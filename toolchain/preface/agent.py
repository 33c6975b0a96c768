"""The PREFACE agent as the generate loop sees it: an EditChooser.

`PolicyChooser` asks a trained policy (greedy by default); `RuleChooser` is the hand-written
fallback used when no checkpoint is given: it maps the failure class to the edit a person would
try first, never repeating an edit while untried ones fit.
"""

from __future__ import annotations

from pathlib import Path

from shared_schemas.generation import CheckpointMeta, GuardReason, PromptEditInfo
from toolchain.llm.state import RepairState
from toolchain.preface.edits import EDIT_IDS, apply_edit
from toolchain.preface.features import error_class
from toolchain.preface.policy import Policy


class PolicyChooser:
    def __init__(self, policy: Policy, greedy: bool = True, meta: CheckpointMeta | None = None):
        self.policy = policy
        self.greedy = greedy
        self.meta = meta

    @classmethod
    def load(cls, path: str | Path, greedy: bool = True) -> PolicyChooser:
        from toolchain.preface.checkpoint import load_policy

        policy, meta = load_policy(path)
        return cls(policy, greedy, meta)

    def choose(self, state: RepairState) -> PromptEditInfo:
        act = self.policy.act([state], greedy=self.greedy)
        return apply_edit(
            int(act.actions[0]), state, log_prob=float(act.log_probs[0]), value=float(act.values[0])
        )


def rule_preferences(state: RepairState) -> list[str]:
    """Edits in the order a person would try them for this failure."""
    prefs: list[str] = []
    if state.status in ("empty", "no_code", "llm_error"):
        prefs += ["code_only", "step_by_step", "worked_example"]
    if state.status == "guard_rejected":
        if any(v.reason == GuardReason.signature_changed for v in state.guard):
            prefs.append("keep_signature")
        prefs += ["no_shortcuts", "show_errors"]
    if state.status in ("parse_error", "resolution_error"):
        prefs += ["dafny2_syntax", "show_errors"]
    if state.status == "timeout":
        prefs += ["simplify", "assert_steps"]
    classes = set()
    if state.verification is not None:
        classes = {error_class(d) for d in state.verification.diagnostics if d.severity == "error"}
    prefs.append("show_errors")
    if classes & {"invariant_entry", "invariant_maintained", "postcondition"}:
        prefs.append("loop_invariants")
    if "termination" in classes:
        prefs.append("termination")
    if classes & {"index", "precondition", "frame", "division"}:
        prefs.append("preconditions")
    if classes & {"assertion", "postcondition"}:
        prefs.append("assert_steps")
    prefs += ["step_by_step", "simplify", "worked_example"]
    return prefs


class RuleChooser:
    def choose(self, state: RepairState) -> PromptEditInfo:
        prefs = rule_preferences(state)
        untried = [e for e in prefs if e not in state.edits]
        pick = untried[0] if untried else prefs[0]
        return apply_edit(EDIT_IDS.index(pick), state)


__all__ = ["PolicyChooser", "RuleChooser", "rule_preferences"]
