"""Parallel PPO rollouts (`p2s train --rollout-workers / --executor ray`) on the scripted MDP:
an episode depends only on its seed and the policy snapshot, so one worker and two give the same
episodes; training through the collector runs its iterations and updates the policy."""

from __future__ import annotations

import random
from pathlib import Path

import torch

from shared_schemas.generation import TrainingConfig
from tests.preface.scripted_env import ScriptedRepairEnv, scripted_tasks
from toolchain.executor import LocalExecutor
from toolchain.preface.policy import CompactPolicy
from toolchain.preface.ppo import Episode
from toolchain.preface.rollouts import ParallelCollector
from toolchain.preface.train import train


def config(tmp_path: Path, iterations: int = 2) -> TrainingConfig:
    return TrainingConfig(
        tasks="scripted",
        iterations=iterations,
        episodes_per_iteration=16,
        learning_rate=1e-2,
        minibatch_size=32,
        out_dir=str(tmp_path / "run"),
        seed=0,
    )


def fingerprint(episodes: list[Episode]) -> list[tuple[str, list[int], list[float], bool]]:
    return [(e.task_id, e.actions, [round(r, 6) for r in e.rewards], e.success) for e in episodes]


def collect_with(workers: int, cfg: TrainingConfig) -> list[Episode]:
    torch.manual_seed(1)
    policy = CompactPolicy(hidden_size=cfg.hidden_size)
    collector = ParallelCollector(LocalExecutor(workers), ScriptedRepairEnv, cfg)
    return collector(policy, scripted_tasks(), 12, random.Random(7))


def test_episodes_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    one, two = collect_with(1, cfg), collect_with(2, cfg)
    assert len(one) == 12 and fingerprint(one) == fingerprint(two)
    # an untrained policy explores: not every episode makes the same choices
    assert len({tuple(e.actions) for e in one}) > 1


def test_training_through_the_parallel_collector(tmp_path: Path) -> None:
    """Mechanics only (that PPO learns this MDP is tests/preface/test_ppo.py's job, and the
    collector plays the same episodes as one worker, above)."""
    torch.manual_seed(0)
    cfg = config(tmp_path, iterations=3)
    policy = CompactPolicy(hidden_size=cfg.hidden_size)
    before = {k: v.clone() for k, v in policy.state_dict().items()}
    collector = ParallelCollector(LocalExecutor(2), ScriptedRepairEnv, cfg)
    report = train(cfg, ScriptedRepairEnv(), scripted_tasks(), policy=policy, collect=collector)
    assert [r.episodes for r in report.iterations] == [16, 16, 16]
    assert all(r.mean_attempts >= 1 for r in report.iterations)
    assert any(not torch.equal(before[k], v) for k, v in policy.state_dict().items())
    assert collector.infrastructure_errors == 0
    assert report.checkpoint and Path(report.checkpoint).exists()
