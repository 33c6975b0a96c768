"""PPO rollouts collected in parallel: each episode is one task on an executor (local threads, or
Ray workers across machines), played by a snapshot of the policy against an environment the
worker builds for itself; one learner (the driver) applies the PPO update.

An episode carries its own seed, so what it does depends only on the policy snapshot, the task
and the seed, never on which worker ran it or in which order episodes finished.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from shared_schemas.generation import TrainingConfig
from shared_schemas.settings import DafnySettings
from toolchain.executor import Executor, WorkItem, run_tasks
from toolchain.llm.client import EndpointConfig, LlmClient
from toolchain.llm.tasks import Task
from toolchain.preface.env import Environment, LoopEnvironment
from toolchain.preface.policy import Policy
from toolchain.preface.ppo import Episode, run_episode

EnvFactory = Callable[[], Environment]


@dataclass(frozen=True)
class LoopEnvSpec:
    """What a worker needs to build the real environment itself: the LLM endpoint and Dafny.
    (The endpoint's API key travels with it; on a shared cluster prefer a key set in the
    workers' own environment.)"""

    endpoint: EndpointConfig
    dafny_path: str | None
    max_attempts: int
    verify_timeout_s: float

    def __call__(self) -> Environment:
        from toolchain.dafny import DafnyEngine

        engine = DafnyEngine.discover(DafnySettings(path=self.dafny_path))
        return LoopEnvironment(
            LlmClient(self.endpoint),
            engine,
            max_attempts=self.max_attempts,
            verify_timeout_s=self.verify_timeout_s,
        )


_LOCAL = threading.local()  # one environment per worker thread / process, built once


def _environment(factory: EnvFactory) -> Environment:
    cached: tuple[EnvFactory, Environment] | None = getattr(_LOCAL, "env", None)
    if cached is None or cached[0] != factory:  # equal specs reuse the engine and client
        cached = (factory, factory())
        _LOCAL.env = cached
    return cached[1]


def rollout(payload: dict[str, Any]) -> tuple[Episode, str | None]:
    """One episode in a worker: the episode and, when the environment keeps one, its record."""
    from toolchain.preface.train import make_policy

    policy: Policy = make_policy(payload["config"])
    policy.load_state_dict(payload["state"])
    policy.eval()
    generator = torch.Generator().manual_seed(payload["seed"])
    env = _environment(payload["env"])
    episode = run_episode(env, policy, payload["task"], generator=generator)
    record = getattr(env, "last_record", None)
    return episode, record


# a collector is a stateful object (identity, not field equality); no generated repr, which would
# print the environment spec and with it the endpoint's API key
@dataclass(eq=False, repr=False)
class ParallelCollector:
    """`collect(policy, tasks, n, rng)` for `train()`: n episodes on the executor."""

    executor: Executor
    env: EnvFactory
    config: TrainingConfig
    record_to: Path | None = field(default=None, kw_only=True)
    infrastructure_errors: int = field(default=0, init=False)
    _round: int = field(default=0, init=False)

    def __call__(
        self, policy: Policy, tasks: Sequence[Task], episodes: int, rng: random.Random
    ) -> list[Episode]:
        self._round += 1
        state = {k: v.detach().cpu() for k, v in policy.state_dict().items()}
        items = [
            WorkItem(
                f"{self._round}:{i}",
                {
                    "config": self.config,
                    "state": state,
                    "seed": rng.randrange(2**31),
                    "env": self.env,
                    "task": rng.choice(list(tasks)),
                },
            )
            for i in range(episodes)
        ]
        outcomes = run_tasks(self.executor, rollout, items, label=f"episodes {self._round}")
        out: list[Episode] = []
        for o in outcomes:
            if not o.ok:
                # an episode lost to the infrastructure is not a failed episode: it is dropped
                self.infrastructure_errors += 1
                continue
            episode, record = o.value
            out.append(episode)
            if record is not None and self.record_to is not None:
                self.record_to.parent.mkdir(parents=True, exist_ok=True)
                with open(self.record_to, "a", encoding="utf-8") as fh:
                    fh.write(record + "\n")
        return out


__all__ = ["LoopEnvSpec", "ParallelCollector", "rollout"]
