"""Training the PREFACE agent: PPO iterations over a task set, curves (CSV + PNG), checkpoint."""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

from shared_schemas.generation import (
    PolicyKind,
    TrainingConfig,
    TrainingIteration,
    TrainingReport,
)
from toolchain.atomic import write_atomic
from toolchain.errors import InputError
from toolchain.llm.reward import discounted_return
from toolchain.llm.tasks import Task
from toolchain.preface.checkpoint import save_policy
from toolchain.preface.env import Environment
from toolchain.preface.policy import CompactPolicy, Policy
from toolchain.preface.ppo import Episode, PPOTrainer
from toolchain.proc import CancelToken

CURVE_FIELDS = list(TrainingIteration.model_fields)
# (policy snapshot, tasks, episodes wanted, the trainer's task sampler) -> finished episodes
Collector = Callable[[Policy, Sequence[Task], int, random.Random], list[Episode]]


def make_policy(config: TrainingConfig) -> Policy:
    if config.policy == PolicyKind.compact:
        return CompactPolicy(hidden_size=config.hidden_size)
    if not config.hf_model_path:
        raise InputError(
            "the hf_lora policy needs local weights", hint="pass --hf-model PATH (a local folder)"
        )
    from toolchain.preface.hf_policy import HfLoraPolicy

    return HfLoraPolicy.from_pretrained(
        config.hf_model_path, lora_rank=config.lora_rank, lora_alpha=config.lora_alpha
    )


def episode_stats(episodes: Sequence[Episode], gamma: float) -> dict[str, float]:
    if not episodes:
        return {"mean_return": 0.0, "mean_reward": 0.0, "success_rate": 0.0, "mean_attempts": 0.0}
    rewards = [[ep.first_reward, *ep.rewards] for ep in episodes]
    flat = [r for rs in rewards for r in rs]
    return {
        "mean_return": sum(discounted_return(rs, gamma) for rs in rewards) / len(episodes),
        "mean_reward": sum(flat) / len(flat),
        "success_rate": sum(ep.success for ep in episodes) / len(episodes),
        "mean_attempts": sum(ep.attempts for ep in episodes) / len(episodes),
    }


def write_curves(rows: Sequence[TrainingIteration], csv_path: Path, png_path: Path | None) -> None:
    lines: list[str] = []

    class _Sink:
        def write(self, s: str) -> int:
            lines.append(s)
            return len(s)

    writer = csv.DictWriter(_Sink(), fieldnames=CURVE_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.model_dump())
    write_atomic(csv_path, "".join(lines))
    if png_path is None or not rows:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r.iteration for r in rows]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    ax1.plot(x, [r.mean_return for r in rows], marker="o", label="mean discounted return")
    ax1.plot(x, [r.mean_reward for r in rows], marker=".", label="mean reward per attempt")
    ax1.set_ylabel("reward")
    ax1.legend(loc="lower right")
    ax1.grid(alpha=0.3)
    ax2.plot(x, [r.success_rate for r in rows], marker="o", color="tab:green")
    ax2.set_ylabel("verification success rate")
    ax2.set_xlabel("PPO iteration")
    ax2.set_ylim(-0.05, 1.05)
    ax2.grid(alpha=0.3)
    fig.suptitle("PREFACE training")
    fig.tight_layout()
    tmp = png_path.with_name(f".{png_path.name}.tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(png_path)


def train(
    config: TrainingConfig,
    env: Environment,
    tasks: Sequence[Task],
    *,
    policy: Policy | None = None,
    progress: Callable[[TrainingIteration], None] | None = None,
    cancel: CancelToken | None = None,
    collect: Collector | None = None,
) -> TrainingReport:
    """collect: how an iteration's episodes are gathered (e.g. rollouts.ParallelCollector on
    Ray workers); by default they are played one after another against `env`."""
    if not tasks:
        raise InputError("no training tasks")
    torch.manual_seed(config.seed)
    policy = policy or make_policy(config)
    trainer = PPOTrainer(policy, config)
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out / "curves.csv", out / "curves.png"
    rows: list[TrainingIteration] = []
    started = time.monotonic()
    stop = (lambda: cancel.cancelled) if cancel is not None else None
    for it in range(1, config.iterations + 1):
        if stop is not None and stop():
            break
        t0 = time.monotonic()
        if collect is not None:
            episodes = collect(trainer.policy, tasks, config.episodes_per_iteration, trainer.rng)
        else:
            episodes = trainer.collect(env, tasks, config.episodes_per_iteration, stop)
        if not episodes:
            break
        stats = trainer.update(episodes)
        row = TrainingIteration(
            iteration=it,
            episodes=len(episodes),
            **episode_stats(episodes, config.gamma),
            policy_loss=stats.policy_loss,
            value_loss=stats.value_loss,
            entropy=stats.entropy,
            approx_kl=stats.approx_kl,
            clip_fraction=stats.clip_fraction,
            duration_s=time.monotonic() - t0,
        )
        rows.append(row)
        write_curves(rows, csv_path, None)  # a partial run still leaves its curve
        if progress is not None:
            progress(row)
    write_curves(rows, csv_path, png_path)
    checkpoint = save_policy(
        policy,
        out / "policy.pt",
        config=config,
        iterations=len(rows),
        success_rate=rows[-1].success_rate if rows else None,
    )
    report = TrainingReport(
        config=config,
        iterations=rows,
        checkpoint=str(checkpoint),
        curves_csv=str(csv_path),
        curves_png=str(png_path) if rows else None,
        duration_s=time.monotonic() - started,
    )
    write_atomic(out / "report.json", report.model_dump_json(indent=2) + "\n")
    return report


def evaluate(
    env: Environment, policy: Policy, tasks: Sequence[Task], greedy: bool = True
) -> list[Episode]:
    from toolchain.preface.ppo import run_episode

    return [run_episode(env, policy, t, greedy=greedy) for t in tasks]


__all__ = ["episode_stats", "evaluate", "make_policy", "train", "write_curves"]
