"""`p2s train --mode generative`: episodes in which the writer (generative.RefinementWriter)
writes each repair round's prompt refinement from the verifier's feedback, and the token-level
PPO update over what it wrote. `train.train()` drives it like the strategy mode's PPOTrainer
(same curves, checkpoints, resume state and episodes.jsonl).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

import torch

from shared_schemas.generation import PromptEditInfo, TrainingConfig
from toolchain.errors import InputError
from toolchain.llm.state import RepairState
from toolchain.llm.tasks import Task
from toolchain.preface.env import Environment, StepResult
from toolchain.preface.generative import (
    RefinementWriter,
    Sample,
    TokenPPO,
    refinement_prompt,
)
from toolchain.preface.ppo import UpdateStats
from toolchain.preface.ppo_step import EpisodeCollector, play_attempts

# the edit id a written refinement carries in the trajectory (one at a time: each new
# refinement replaces the previous one in the prompt)
WRITTEN_EDIT = "written"


class TextEnvironment(Protocol):
    """What the generative mode needs of an environment: LoopEnvironment is one."""

    max_attempts: int

    def reset(self, task: Task) -> StepResult: ...

    def step_edit(self, edit: PromptEditInfo) -> StepResult: ...


@dataclass
class WrittenEpisode:
    task_id: str
    samples: list[Sample] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)  # the attempt each refinement led to
    first_reward: float = 0.0
    success: bool = False
    attempts: int = 0


def make_writer(config: TrainingConfig) -> RefinementWriter:
    """Local weights when --policy-model names them (nothing is downloaded), else the tiny
    randomly initialised model (a mechanics run: its text is noise)."""
    if config.policy_model:
        return RefinementWriter.from_pretrained(config.policy_model)
    return RefinementWriter.tiny_random(seed=config.seed)


def play_written_episode(
    env: TextEnvironment,
    writer: RefinementWriter,
    task: Task,
    generator: torch.Generator | None = None,
) -> WrittenEpisode:
    ep = WrittenEpisode(task.id)

    def write(state: RepairState) -> StepResult:
        sample = writer.write(writer.encode_prompt(refinement_prompt(state)), generator)
        edit = PromptEditInfo(
            id=WRITTEN_EDIT,
            text=sample.text,
            log_prob=sum(sample.log_probs),
            value=sample.values[0] if sample.values else None,
        )
        step = env.step_edit(edit)
        ep.samples.append(sample)
        return step

    play_attempts(env.reset(task), ep, write)
    return ep


class GenerativeTrainer(EpisodeCollector[WrittenEpisode]):
    """The generative counterpart of ppo.PPOTrainer: collect episodes, update on their tokens."""

    def __init__(self, writer: RefinementWriter, config: TrainingConfig) -> None:
        super().__init__(config.seed)
        self.writer = writer
        self.config = config
        self.ppo = TokenPPO(writer, config)
        self.optimizer = self.ppo.optimizer

    def player(self, env: Environment) -> Callable[[Task], WrittenEpisode]:
        if not hasattr(env, "step_edit"):
            raise InputError(f"the generative mode needs an environment that takes text ({env!r})")
        text_env = cast(TextEnvironment, env)
        return lambda task: play_written_episode(text_env, self.writer, task)

    def update(self, episodes: Sequence[WrittenEpisode]) -> UpdateStats:
        samples: list[Sample] = []
        returns: list[float] = []
        for ep in episodes:
            # each refinement is credited with the discounted return from the attempt it led to
            # (a refinement that sets up a later success shares in it)
            g = 0.0
            tail: list[float] = []
            for r in reversed(ep.rewards):
                g = r + self.config.gamma * g
                tail.append(g)
            samples += [s for s in ep.samples if s.tokens]
            returns += [g for s, g in zip(ep.samples, reversed(tail), strict=True) if s.tokens]
        if not samples:
            return UpdateStats(0.0, 0.0, 0.0, 0.0, 0.0)
        stats = self.ppo.update(samples, returns)
        return UpdateStats(
            policy_loss=stats["policy_loss"],
            value_loss=stats["value_loss"],
            entropy=stats["entropy"],
            approx_kl=stats["approx_kl"],
            clip_fraction=stats["clip_fraction"],
        )


__all__ = [
    "WRITTEN_EDIT",
    "GenerativeTrainer",
    "WrittenEpisode",
    "make_writer",
    "play_written_episode",
]
