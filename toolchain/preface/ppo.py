"""PPO-clip for the PREFACE policy: episodes, GAE advantages, normalised, clipped surrogate,
value loss, entropy bonus, gradient clipping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from shared_schemas.generation import TrainingConfig
from toolchain.llm.state import RepairState
from toolchain.llm.tasks import Task
from toolchain.preface.env import Environment, StepResult
from toolchain.preface.policy import Policy
from toolchain.preface.ppo_step import STAT_NAMES, EpisodeCollector, clipped_step, play_attempts


@dataclass
class Episode:
    task_id: str
    states: list[RepairState] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    log_probs: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)  # reward of the attempt each action led to
    first_reward: float = 0.0  # the unedited first attempt's reward (no action behind it)
    success: bool = False
    attempts: int = 0


@dataclass(frozen=True)
class UpdateStats:
    policy_loss: float
    value_loss: float
    entropy: float
    approx_kl: float
    clip_fraction: float


def run_episode(
    env: Environment,
    policy: Policy,
    task: Task,
    greedy: bool = False,
    generator: torch.Generator | None = None,
) -> Episode:
    ep = Episode(task.id)

    def choose(state: RepairState) -> StepResult:
        act = policy.act([state], greedy=greedy, generator=generator)
        a = int(act.actions[0])
        ep.states.append(state)
        ep.actions.append(a)
        ep.log_probs.append(float(act.log_probs[0]))
        ep.values.append(float(act.values[0]))
        return env.step(a, log_prob=float(act.log_probs[0]))

    play_attempts(env.reset(task), ep, choose)
    return ep


def advantages(ep: Episode, gamma: float, lam: float) -> tuple[list[float], list[float]]:
    """GAE(lambda) advantages and the value targets (advantage + value) for one episode."""
    n = len(ep.rewards)
    adv = [0.0] * n
    gae = 0.0
    for t in reversed(range(n)):
        next_value = ep.values[t + 1] if t + 1 < n else 0.0  # the episode ends after the last
        delta = ep.rewards[t] + gamma * next_value - ep.values[t]
        gae = delta + gamma * lam * gae
        adv[t] = gae
    return adv, [a + v for a, v in zip(adv, ep.values, strict=True)]


class PPOTrainer(EpisodeCollector[Episode]):
    def __init__(self, policy: Policy, config: TrainingConfig) -> None:
        super().__init__(config.seed)
        self.policy = policy
        self.config = config
        self.optimizer = torch.optim.Adam(
            list(policy.trainable_parameters()), lr=config.learning_rate
        )

    def player(self, env: Environment) -> Callable[[Task], Episode]:
        return lambda task: run_episode(env, self.policy, task)

    def update(self, episodes: Sequence[Episode]) -> UpdateStats:
        cfg = self.config
        states: list[RepairState] = []
        actions: list[int] = []
        old_logp: list[float] = []
        adv: list[float] = []
        targets: list[float] = []
        for ep in episodes:
            a, r = advantages(ep, cfg.gamma, cfg.gae_lambda)
            states += ep.states
            actions += ep.actions
            old_logp += ep.log_probs
            adv += a
            targets += r
        if not states:
            return UpdateStats(0.0, 0.0, 0.0, 0.0, 0.0)
        actions_t = torch.tensor(actions, dtype=torch.long)
        old_logp_t = torch.tensor(old_logp)
        adv_t = torch.tensor(adv)
        if len(adv) > 1:
            adv_t = (adv_t - adv_t.mean()) / (adv_t.std() + 1e-8)
        targets_t = torch.tensor(targets)
        n = len(states)
        totals = dict.fromkeys(STAT_NAMES, 0.0)
        batches = 0
        self.policy.train()
        for _ in range(cfg.ppo_epochs):
            order = list(range(n))
            self.rng.shuffle(order)
            for start in range(0, n, cfg.minibatch_size):
                idx = order[start : start + cfg.minibatch_size]
                idx_t = torch.tensor(idx, dtype=torch.long)
                logp, entropy, values = self.policy.evaluate(
                    [states[i] for i in idx], actions_t[idx_t]
                )
                step = clipped_step(
                    self.optimizer,
                    list(self.policy.trainable_parameters()),
                    cfg,
                    logp=logp,
                    old_logp=old_logp_t[idx_t],
                    advantages=adv_t[idx_t],
                    entropy=entropy,
                    values=values,
                    targets=targets_t[idx_t],
                )
                for name in STAT_NAMES:
                    totals[name] += step[name]
                batches += 1
        self.policy.eval()
        return UpdateStats(**{name: totals[name] / batches for name in STAT_NAMES})


__all__ = ["Episode", "PPOTrainer", "UpdateStats", "advantages", "run_episode"]
