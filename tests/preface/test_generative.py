"""The generative PREFACE mode on a tiny randomly initialised model: the writer samples refinement
text conditioned on the verifier's feedback, token-level PPO with the value head moves its
behaviour toward what the reward pays for."""

from __future__ import annotations

import pytest
import torch

from shared_schemas.generation import TrainingConfig
from toolchain.preface.generative import (
    RefinementWriter,
    TokenPPO,
    refinement_prompt,
    token_advantages,
)

from .scripted_env import ScriptedRepairEnv, scripted_tasks


def feedback_prompt(writer: RefinementWriter) -> list[int]:
    step = ScriptedRepairEnv(max_attempts=3).reset(scripted_tasks()[0])
    assert step.state is not None
    text = refinement_prompt(step.state)
    assert "invariant might not be maintained" in text  # the verifier's error is in the prompt
    return writer.encode_prompt(text)


def test_token_advantages_put_the_reward_after_the_last_token() -> None:
    from toolchain.preface.generative import Sample

    s = Sample([1], [5, 6], [-1.0, -1.0], [0.0, 0.0], "")
    adv, targets = token_advantages(s, 1.0, gamma=0.99, lam=1.0)
    assert adv == pytest.approx([0.99, 1.0]) and targets == pytest.approx([0.99, 1.0])


def test_token_ppo_raises_rewarded_text_and_lowers_penalised_text() -> None:
    writer = RefinementWriter.tiny_random(seed=0, max_new_tokens=3, max_prompt_tokens=96)
    prompt = feedback_prompt(writer)
    gen = torch.Generator().manual_seed(0)
    samples = [writer.write(prompt, gen) for _ in range(6)]
    assert all(len(s.tokens) == 3 and isinstance(s.text, str) for s in samples)
    rewards = [1.0 if i % 2 == 0 else -1.0 for i in range(len(samples))]

    def logp(sample_index: int) -> float:
        with torch.no_grad():
            return float(writer.evaluate(samples[sample_index])[0].sum())

    before = [logp(i) for i in range(len(samples))]
    # evaluate() agrees with what write() sampled (the PPO ratio starts at 1)
    assert before == pytest.approx([sum(s.log_probs) for s in samples], abs=1e-3)
    value_head = writer.value_head.weight.detach().clone()
    lm_weight = next(writer.lm.parameters()).detach().clone()
    # the settings the removed TokenPPOConfig defaulted to, with its lr 1e-2 and 2 epochs
    config = TrainingConfig(
        tasks="unused",
        learning_rate=1e-2,
        ppo_epochs=2,
        entropy_coef=0.0,
        max_grad_norm=1.0,
    )
    ppo = TokenPPO(writer, config)
    stats = ppo.update(samples, rewards)
    after = [logp(i) for i in range(len(samples))]
    up = [after[i] - before[i] for i in range(0, len(samples), 2)]
    down = [after[i] - before[i] for i in range(1, len(samples), 2)]
    assert sum(up) / len(up) > sum(down) / len(down)
    assert sum(up) > 0 > sum(down)
    assert not torch.equal(value_head, writer.value_head.weight)
    assert not torch.equal(lm_weight, next(writer.lm.parameters()))
    assert stats["value_loss"] > 0
