"""What the two PREFACE trainers share: an episode's attempt loop, drawing the episodes of an
iteration, and one PPO-clip gradient step with its statistics. `ppo.PPOTrainer` acts by choosing
an edit from the library, `generative_train.GenerativeTrainer` by writing a refinement token by
token; the loop around the action and the loss over its log-probabilities are the same."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, Protocol, TypeVar

import torch

from toolchain.llm.state import RepairState
from toolchain.llm.tasks import Task
from toolchain.preface.env import Environment, StepResult

EpisodeT = TypeVar("EpisodeT")

# The statistics one update reports, in `UpdateStats`' field order.
STAT_NAMES = ("policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction")


class EpisodeTally(Protocol):
    """The fields every episode record keeps about its attempts."""

    rewards: list[float]
    first_reward: float
    success: bool
    attempts: int


def play_attempts(
    first: StepResult, ep: EpisodeTally, act: Callable[[RepairState], StepResult]
) -> None:
    """Run an episode from its first attempt (`reset`'s step, unedited prompt) to its end: `act`
    records its own decision on the state and returns the attempt it led to."""
    step = first
    ep.first_reward = step.reward
    ep.attempts = 1
    while not step.done and step.state is not None:
        step = act(step.state)
        ep.rewards.append(step.reward)
        ep.attempts += 1
    ep.success = step.success


class EpisodeCollector(ABC, Generic[EpisodeT]):
    """What both trainers share in drawing an iteration's episodes: tasks drawn from the
    trainer's own seeded `rng` (saved and restored on resume), each played by `player(env)`."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    @abstractmethod
    def player(self, env: Environment) -> Callable[[Task], EpisodeT]:
        """How this trainer plays one episode on a task against `env`."""

    def collect(
        self,
        env: Environment,
        tasks: Sequence[Task],
        episodes: int,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[EpisodeT]:
        """Up to `episodes` episodes on tasks drawn from `rng`; stops early when `should_stop`
        says so (a cancelled or interrupted run keeps what it played)."""
        play = self.player(env)
        out = []
        for _ in range(episodes):
            if should_stop is not None and should_stop():
                break
            out.append(play(self.rng.choice(list(tasks))))
        return out


class ClipCoefficients(Protocol):
    """The loss settings of a PPO-clip step (`TrainingConfig` has them)."""

    @property
    def clip(self) -> float: ...

    @property
    def value_coef(self) -> float: ...

    @property
    def entropy_coef(self) -> float: ...

    @property
    def max_grad_norm(self) -> float: ...


def clipped_step(
    optimizer: torch.optim.Optimizer,
    parameters: Iterable[torch.Tensor],
    cfg: ClipCoefficients,
    *,
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    advantages: torch.Tensor,
    entropy: torch.Tensor,
    values: torch.Tensor,
    targets: torch.Tensor,
) -> dict[str, float]:
    """One gradient step on the clipped surrogate, the value loss and the entropy bonus (the
    gradient's norm clipped to `max_grad_norm`); returns this step's STAT_NAMES."""
    ratio = torch.exp(logp - old_logp)
    surrogate = torch.min(
        ratio * advantages, torch.clamp(ratio, 1 - cfg.clip, 1 + cfg.clip) * advantages
    )
    policy_loss = -surrogate.mean()
    value_loss = torch.mean((values - targets) ** 2)
    loss = policy_loss + cfg.value_coef * value_loss - cfg.entropy_coef * entropy.mean()
    optimizer.zero_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    torch.nn.utils.clip_grad_norm_(parameters, cfg.max_grad_norm)
    optimizer.step()
    with torch.no_grad():
        return {
            "policy_loss": float(policy_loss),
            "value_loss": float(value_loss),
            "entropy": float(entropy.mean()),
            "approx_kl": float((old_logp - logp).mean()),
            "clip_fraction": float(((ratio - 1).abs() > cfg.clip).float().mean()),
        }


__all__ = [
    "STAT_NAMES",
    "ClipCoefficients",
    "EpisodeCollector",
    "EpisodeTally",
    "clipped_step",
    "play_attempts",
]
