"""The PREFACE reward: +R_succ when the code verifies (0 errors, guard clean), otherwise
-0.2 * errors - 0.5, and a large penalty when the model produced no code at all."""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.llm.state import EMPTY, LLM_ERROR, NO_CODE


@dataclass(frozen=True)
class RewardConfig:
    success: float = 1.0
    per_error: float = -0.2
    failure: float = -0.5
    empty: float = -2.0
    gamma: float = 0.99


def reward(status: str, error_count: int, success: bool, cfg: RewardConfig | None = None) -> float:
    cfg = cfg or RewardConfig()
    if success:
        return cfg.success
    if status in (EMPTY, NO_CODE, LLM_ERROR):
        return cfg.empty
    return cfg.per_error * max(error_count, 0) + cfg.failure


def discounted_return(rewards: list[float], gamma: float) -> float:
    total = 0.0
    for r in reversed(rewards):
        total = r + gamma * total
    return total


__all__ = ["RewardConfig", "discounted_return", "reward"]
