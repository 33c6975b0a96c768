"""PPO over recorded outcomes: the reward is PREFACE's, the agent learns a choice that depends on
the task's text, and the held-out folds are the offline selector's."""

from __future__ import annotations

import random

from shared_schemas.replay import MbppTask, ReplayModelName, ReplayOutcome, ReplayStrategy
from shared_schemas.verification import VerificationStatus
from toolchain.datasets.replay_ppo import (
    STRATEGIES,
    Attempt,
    Featurizer,
    PPOSettings,
    attempt_of,
    build_table,
    play,
    train_policy,
)
from toolchain.datasets.strategy_selection import fold_splits

FAIL = Attempt(False, "errors", 2, -0.2 * 2 - 0.5)
WIN = Attempt(True, "verified", 0, 1.0)


def outcome(**kw: object) -> ReplayOutcome:
    base: dict[str, object] = {
        "task_id": "1", "model": ReplayModelName.gpt4, "strategy": ReplayStrategy.contextless,
        "extracted": True, "verified": False, "authors_verified": False, "code_sha": "c",
    }  # fmt: skip
    return ReplayOutcome.model_validate({**base, **kw})


def test_attempt_reward_is_preface_reward() -> None:
    ok = attempt_of(outcome(verified=True, dafny_status=VerificationStatus.verified), {})
    assert ok == Attempt(True, "verified", 0, 1.0)
    bad = attempt_of(outcome(dafny_status=VerificationStatus.errors), {"c": 3})
    assert bad.errors == 3 and abs(bad.reward - (-0.2 * 3 - 0.5)) < 1e-9
    guard = attempt_of(
        outcome(guard_reasons=["assume"], dafny_status=VerificationStatus.verified), {"c": 0}
    )
    assert guard.status == "guard_rejected" and guard.errors == 1
    empty = attempt_of(outcome(extracted=False), {})
    assert empty.status == "no_code" and empty.reward == -2.0


def test_table_keeps_tasks_with_every_strategy() -> None:
    rows = [outcome(task_id="1", strategy=s) for s in ReplayStrategy] + [outcome(task_id="2")]
    assert set(build_table(rows, {}, "gpt4")) == {"1"}


def synthetic() -> tuple[dict[str, MbppTask], dict[str, dict[ReplayStrategy, Attempt]]]:
    """'sorting' tasks verify only with the signature strategy, 'counting' ones only with
    few-shot: the right first pick is in the text."""
    rng = random.Random(3)
    tasks, table = {}, {}
    for i in range(60):
        kind = "sorting" if i % 2 else "counting"
        noise = " ".join(rng.sample(["list", "numbers", "array", "value", "index", "pair"], 2))
        tasks[str(i)] = MbppTask(task_id=str(i), description=f"{kind} {noise}", method_signature="")
        good = ReplayStrategy.signature if kind == "sorting" else ReplayStrategy.dynamic_few_shot
        table[str(i)] = {s: WIN if s == good else FAIL for s in ReplayStrategy}
    return tasks, table


def test_ppo_learns_the_choice_the_text_tells() -> None:
    tasks, table = synthetic()
    ids = sorted(table)
    train, held = fold_splits(ids, 5, 1)[0]
    feats = Featurizer(tasks, train)
    untrained = train_policy(feats, table, train, seed=0, settings=PPOSettings(iterations=0))
    _, before = play(untrained, feats, table, held, greedy=True)
    policy = train_policy(feats, table, train, seed=0, settings=PPOSettings(iterations=40))
    _, after = play(policy, feats, table, held, greedy=True)
    # untrained greedy picks one strategy for all: right for at most half the tasks
    assert sum(s == 1 for s in before) <= len(held) // 2 + 1
    assert sum(s == 1 for s in after) == len(held)
    assert all(s in (1, 2, 3) for s in after)


def test_folds_partition_the_tasks() -> None:
    ids = [str(i) for i in range(23)]
    splits = fold_splits(ids, 10, 2, seed=0)
    assert len(splits) == 20
    for r in range(2):
        held = [t for _, h in splits[r * 10 : (r + 1) * 10] for t in h]
        assert sorted(held) == sorted(ids)
    assert all(not set(train) & set(h) for train, h in splits)
    assert len(STRATEGIES) == 3
