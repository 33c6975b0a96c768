"""PPO on the deterministic scripted MDP: the compact policy learns which edit repairs which
failure; GAE and checkpoints are checked on their own."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch

from shared_schemas.generation import CheckpointMeta, TrainingConfig
from toolchain.errors import InputError
from toolchain.preface.checkpoint import load_policy, save_policy
from toolchain.preface.edits import EDIT_IDS
from toolchain.preface.policy import CompactPolicy
from toolchain.preface.ppo import Episode, advantages
from toolchain.preface.train import episode_stats, evaluate, train

from .scripted_env import FIXES, ScriptedRepairEnv, scripted_tasks


def test_gae_on_a_hand_computed_episode() -> None:
    ep = Episode("t", values=[0.5, 0.2], rewards=[-0.9, 1.0])
    adv, targets = advantages(ep, gamma=0.99, lam=1.0)
    # lambda = 1: advantage = discounted return - value
    assert adv[1] == pytest.approx(1.0 - 0.2)
    assert adv[0] == pytest.approx(-0.9 + 0.99 * 1.0 - 0.5)
    assert targets == pytest.approx([-0.9 + 0.99, 1.0])
    adv0, _ = advantages(ep, gamma=0.99, lam=0.0)
    assert adv0[0] == pytest.approx(-0.9 + 0.99 * 0.2 - 0.5)


def test_compact_policy_learns_the_repairing_edit(tmp_path: Path) -> None:
    torch.manual_seed(0)
    env = ScriptedRepairEnv(max_attempts=4)
    tasks = scripted_tasks()
    cfg = TrainingConfig(
        tasks="scripted",
        # 12 iterations left seed 0 at 77 % on some CPUs (float kernels differ, so do the
        # sampled episodes); at 24 seeds 0-3 all reach 98-100 % here
        iterations=24,
        episodes_per_iteration=16,
        learning_rate=1e-2,
        minibatch_size=32,
        out_dir=str(tmp_path / "run"),
        seed=0,
    )
    policy = CompactPolicy(hidden_size=cfg.hidden_size)
    before = episode_stats(evaluate(env, policy, tasks * 15, greedy=False), cfg.gamma)
    report = train(cfg, env, tasks, policy=policy)
    after = episode_stats(evaluate(env, policy, tasks * 15, greedy=False), cfg.gamma)
    # 12 edits, 3 decisions per episode: an untrained policy succeeds about 1 - (11/12)^3 = 23 %
    assert before["success_rate"] < 0.45
    assert after["success_rate"] >= 0.85 and after["success_rate"] > before["success_rate"] + 0.4
    assert after["mean_return"] > before["mean_return"]
    greedy = evaluate(env, policy, tasks, greedy=True)
    right_first = [EDIT_IDS[ep.actions[0]] == FIXES[ep.task_id] for ep in greedy]
    assert sum(right_first) >= 3  # an untrained greedy policy picks one edit for everything

    # outputs: curves (CSV + PNG), checkpoint with metadata, report
    assert report.checkpoint and Path(report.checkpoint).exists()
    rows = list(csv.DictReader(Path(report.curves_csv or "").open()))
    assert len(rows) == 24 and {"success_rate", "mean_return", "policy_loss"} <= set(rows[0])
    assert Path(report.curves_png or "").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    meta = CheckpointMeta.model_validate_json(
        Path(report.checkpoint).with_suffix(".json").read_text()
    )
    assert meta.kind == "compact" and meta.iterations_trained == 24 and meta.config == cfg

    # the reloaded policy acts the same
    loaded, _ = load_policy(report.checkpoint)
    states = [env.reset(t).state for t in tasks]
    assert all(s is not None for s in states)
    a = policy.act(states, greedy=True).actions  # type: ignore[arg-type]
    b = loaded.act(states, greedy=True).actions  # type: ignore[arg-type]
    assert torch.equal(a, b)


def test_checkpoint_from_another_edit_library_is_refused(tmp_path: Path) -> None:
    path = save_policy(CompactPolicy(hidden_size=8), tmp_path / "p.pt")
    blob = torch.load(path, weights_only=True)
    blob["meta"]["edit_ids"] = ["something_else"]
    torch.save(blob, path)
    with pytest.raises(InputError, match="different prompt-edit library"):
        load_policy(path)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(InputError, match="not a PREFACE checkpoint"):
        load_policy(tmp_path / "junk.pt")
