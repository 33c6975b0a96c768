"""Training the PREFACE agent: PPO iterations over a task set, curves (CSV + PNG), checkpoint."""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import torch

from shared_schemas.generation import (
    PolicyKind,
    TrainingConfig,
    TrainingIteration,
    TrainingMode,
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
from toolchain.preface.resume import TrainingState, drop_unfinished_episodes, save_state
from toolchain.proc import CancelToken

if TYPE_CHECKING:
    from toolchain.preface.generative import RefinementWriter
    from toolchain.preface.generative_train import GenerativeTrainer

CURVE_FIELDS = list(TrainingIteration.model_fields)
# (policy snapshot, tasks, episodes wanted, the trainer's task sampler) -> finished episodes
Collector = Callable[[Policy, Sequence[Task], int, random.Random], list[Episode]]


class EpisodeLike(Protocol):
    """What the curves read from an episode (a strategy Episode or a generative one)."""

    first_reward: float
    rewards: list[float]
    success: bool
    attempts: int


def make_policy(config: TrainingConfig) -> Policy:
    if config.policy == PolicyKind.compact:
        return CompactPolicy(hidden_size=config.hidden_size)
    if config.policy == PolicyKind.generative:
        raise InputError("a generative writer is not an edit policy", hint="pass --mode generative")
    if not config.hf_model_path:
        raise InputError(
            "the hf_lora policy needs local weights", hint="pass --hf-model PATH (a local folder)"
        )
    from toolchain.preface.hf_policy import HfLoraPolicy, LoraOptions

    options = LoraOptions(rank=config.lora_rank, alpha=config.lora_alpha)
    return HfLoraPolicy.from_pretrained(config.hf_model_path, options)


def episode_stats(episodes: Sequence[EpisodeLike], gamma: float) -> dict[str, float]:
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
    policy: Policy | RefinementWriter | None = None,
    progress: Callable[[TrainingIteration], None] | None = None,
    cancel: CancelToken | None = None,
    collect: Collector | None = None,
    resume: TrainingState | None = None,
) -> TrainingReport:
    """collect: how an iteration's episodes are gathered (e.g. rollouts.ParallelCollector on
    Ray workers); by default they are played one after another against `env`.
    resume: the state an interrupted run saved (`resume.load_state`); training goes on from it.
    config.mode generative trains a writer of refinement text (`policy`, when given, is one)."""
    if not tasks:
        raise InputError("no training tasks")
    torch.manual_seed(config.seed)
    trainer: PPOTrainer | GenerativeTrainer
    if config.mode == TrainingMode.generative:
        if collect is not None:
            raise InputError(
                "the generative mode plays its episodes in this process",
                hint="drop --executor ray / --rollout-workers (they serve --mode strategy)",
            )
        from toolchain.preface.generative import RefinementWriter
        from toolchain.preface.generative_train import GenerativeTrainer, make_writer

        if policy is not None and not isinstance(policy, RefinementWriter):
            raise TypeError(f"the generative mode trains a RefinementWriter, not {policy!r}")
        trainer = GenerativeTrainer(policy or make_writer(config), config)
        model: Policy | RefinementWriter = trainer.writer
    else:
        if policy is not None and not isinstance(policy, Policy):
            raise TypeError(f"the strategy mode trains a Policy, not {policy!r}")
        policy = policy or make_policy(config)
        trainer = PPOTrainer(policy, config)
        model = policy
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out / "curves.csv", out / "curves.png"
    rows: list[TrainingIteration] = []
    first = 1
    if resume is not None:
        drop_unfinished_episodes(out, resume)
        resume.restore(model, trainer.optimizer, trainer.rng)
        rows = list(resume.rows)
        first = resume.iteration + 1
    started = time.monotonic()
    stop = (lambda: cancel.cancelled) if cancel is not None else None
    for it in range(first, config.iterations + 1):
        if stop is not None and stop():
            break
        t0 = time.monotonic()
        episodes: Sequence[EpisodeLike]
        if collect is not None:
            assert isinstance(trainer, PPOTrainer)
            episodes = collect(trainer.policy, tasks, config.episodes_per_iteration, trainer.rng)
        else:
            episodes = trainer.collect(env, tasks, config.episodes_per_iteration, stop)
            if stop is not None and stop():
                # stopped inside the iteration: its episodes are partial (the last one cut
                # short), so it is not learned from; a resumed run plays it again
                break
        if not episodes:
            break
        stats = trainer.update(episodes)  # type: ignore[arg-type]
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
        save_state(
            out,
            config=config,
            iteration=it,
            rows=rows,
            model=model,
            optimizer=trainer.optimizer,
            rng=trainer.rng,
        )
        if progress is not None:
            progress(row)
    write_curves(rows, csv_path, png_path)
    checkpoint = save_policy(
        model,
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
