"""Reward scheme, featurisation, the edit library and the rule-based agent."""

from __future__ import annotations

import pytest

from shared_schemas.generation import GuardReason, GuardViolation
from toolchain.llm.reward import RewardConfig, discounted_return, reward
from toolchain.llm.state import RepairState
from toolchain.preface.agent import RuleChooser
from toolchain.preface.edits import EDIT_IDS, apply_edit
from toolchain.preface.features import FEATURE_DIM, FEATURE_NAMES, featurise

from .scripted_env import ScriptedRepairEnv, scripted_tasks


def test_reward_scheme() -> None:
    assert reward("verified", 0, True) == 1.0
    assert reward("errors", 3, False) == pytest.approx(-0.2 * 3 - 0.5)
    assert reward("parse_error", 1, False) == pytest.approx(-0.7)
    assert reward("guard_rejected", 2, False) == pytest.approx(-0.9)
    for empty in ("empty", "no_code", "llm_error"):
        assert reward(empty, 0, False) == -2.0
    assert reward("verified", 0, True, RewardConfig(success=5.0)) == 5.0
    assert discounted_return([-0.9, 1.0], 0.99) == pytest.approx(-0.9 + 0.99)


def _state(task_id: str) -> RepairState:
    env = ScriptedRepairEnv()
    task = next(t for t in scripted_tasks() if t.id == task_id)
    step = env.reset(task)
    assert step.state is not None
    return step.state


def test_features_separate_the_failure_classes() -> None:
    assert len(FEATURE_NAMES) == FEATURE_DIM == len(set(FEATURE_NAMES))
    vectors = {t.id: featurise(_state(t.id)) for t in scripted_tasks()}
    assert all(len(v) == FEATURE_DIM for v in vectors.values())
    f = {k: dict(zip(FEATURE_NAMES, v, strict=True)) for k, v in vectors.items()}
    assert f["invariant"]["class_invariant_maintained"] > 0 and f["invariant"]["where_loop"] == 1.0
    assert f["syntax"]["class_parse"] > 0 and f["syntax"]["status_parse_error"] == 1.0
    assert f["signature"]["guard_signature_changed"] > 0
    assert f["no_code"]["status_no_code"] == 1.0 and f["no_code"]["code_size"] == 0.0
    assert len({tuple(v) for v in vectors.values()}) == 4


def test_edits_render_with_the_state() -> None:
    state = _state("invariant")
    shown = apply_edit(EDIT_IDS.index("show_errors"), state)
    assert shown.id == "show_errors" and "might not be maintained" in shown.text
    assert "line 7" in shown.text  # 0-based diagnostic line 6, shown 1-based


def test_rule_chooser_fits_the_failure_and_does_not_repeat() -> None:
    chooser = RuleChooser()
    assert chooser.choose(_state("no_code")).id == "code_only"
    assert chooser.choose(_state("syntax")).id == "dafny2_syntax"
    sig = _state("signature")
    assert sig.guard[0].reason == GuardReason.signature_changed
    assert chooser.choose(sig).id == "keep_signature"
    inv = _state("invariant")
    assert chooser.choose(inv).id == "show_errors"
    tried = RepairState(**{**inv.__dict__, "edits": ("show_errors",)})
    assert chooser.choose(tried).id == "loop_invariants"
    assume = RepairState(
        **{
            **inv.__dict__,
            "status": "guard_rejected",
            "guard": [GuardViolation(reason=GuardReason.assume, message="assume")],
        }
    )
    assert chooser.choose(assume).id == "no_shortcuts"
