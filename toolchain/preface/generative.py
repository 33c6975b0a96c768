"""The generative PREFACE mode: the small model writes the prompt refinement text itself,
conditioned on the verifier's feedback, and PPO trains it over its tokens with a value head.

Each generated token is an action; the refinement's reward (the PREFACE reward of the attempt
the refined prompt led to) arrives after its last token. Advantages are GAE over the tokens
(gamma 0.99, the reward's discount); the surrogate is PPO-clip on per-token log-probabilities.
Works with local weights (`RefinementWriter.from_pretrained`) or a tiny randomly initialised
model for tests (`RefinementWriter.tiny_random`); only the LM's own parameters and the value
head train (no LoRA here: the model is small).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from shared_schemas.generation import PolicyKind, TrainingConfig
from toolchain.llm.state import RepairState
from toolchain.preface.hf_policy import state_text
from toolchain.preface.local_lm import (
    ByteTokenizer,
    lm_from_config,
    load_local_lm,
    tiny_config,
    value_head,
)
from toolchain.preface.ppo_step import STAT_NAMES, clipped_step


def refinement_prompt(state: RepairState) -> str:
    """The feedback the writer conditions on (task, status, the verifier's errors)."""
    head = state_text(state).rsplit("\n", 1)[0]
    return head + "\nAdd to the prompt:"


@dataclass
class Sample:
    prompt: list[int]
    tokens: list[int]
    log_probs: list[float]
    values: list[float]
    text: str


class RefinementWriter(nn.Module):
    kind = PolicyKind.generative  # what its checkpoints are labelled

    def __init__(
        self, model: Any, tokenizer: Any, *, max_new_tokens: int = 48, max_prompt_tokens: int = 384
    ) -> None:
        super().__init__()
        self.lm = model
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.max_prompt_tokens = max_prompt_tokens
        self.model_path: str | None = None  # the local weights' folder, None for a tiny model
        self.value_head = value_head(int(model.config.hidden_size))

    @classmethod
    def from_pretrained(cls, path: str | Path, **kw: Any) -> RefinementWriter:
        model, tok = load_local_lm(path)
        writer = cls(model, tok, **kw)
        writer.model_path = str(Path(path))
        return writer

    @classmethod
    def tiny_random(cls, seed: int = 0, **kw: Any) -> RefinementWriter:
        torch.manual_seed(seed)
        return cls(lm_from_config(tiny_config()), ByteTokenizer(), **kw)

    def decode(self, tokens: Sequence[int]) -> str:
        if isinstance(self.tokenizer, ByteTokenizer):
            return bytes(t - 3 for t in tokens if t >= 3).decode("utf-8", errors="replace")
        text: str = self.tokenizer.tok.decode(list(tokens), skip_special_tokens=True)
        return text

    def encode_prompt(self, text: str) -> list[int]:
        ids: list[int] = self.tokenizer.encode(text)[-self.max_prompt_tokens :]
        bos = self.tokenizer.bos_token_id
        return ([bos] if bos is not None else []) + ids

    def _forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.lm(input_ids=ids, output_hidden_states=True)
        values = self.value_head(out.hidden_states[-1]).squeeze(-1)
        return torch.log_softmax(out.logits.float(), dim=-1), values

    @torch.no_grad()
    def write(self, prompt: list[int], generator: torch.Generator | None = None) -> Sample:
        """Sample a refinement token by token (stops at eos or max_new_tokens)."""
        self.eval()
        ids = list(prompt)
        tokens: list[int] = []
        logps: list[float] = []
        values: list[float] = []
        eos = getattr(self.tokenizer, "eos_token_id", None) or getattr(
            getattr(self.tokenizer, "tok", None), "eos_token_id", None
        )
        for _ in range(self.max_new_tokens):
            logp, value = self._forward(torch.tensor([ids]))
            dist = torch.exp(logp[0, -1])
            tok = int(torch.multinomial(dist, 1, generator=generator))
            tokens.append(tok)
            logps.append(float(logp[0, -1, tok]))
            values.append(float(value[0, -1]))
            ids.append(tok)
            if tok == eos:
                break
        return Sample(list(prompt), tokens, logps, values, self.decode(tokens))

    def evaluate(self, sample: Sample) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(log pi(token), entropy, V) for each generated token, with gradients."""
        ids = torch.tensor([sample.prompt + sample.tokens[:-1]])
        logp, values = self._forward(ids)
        start = len(sample.prompt) - 1  # the position that predicts the first generated token
        step_logp = logp[0, start:]
        chosen = step_logp.gather(-1, torch.tensor(sample.tokens).unsqueeze(-1)).squeeze(-1)
        entropy = -(torch.exp(step_logp) * step_logp).sum(-1)
        return chosen, entropy, values[0, start:]


def token_advantages(
    sample: Sample, reward: float, gamma: float, lam: float
) -> tuple[list[float], list[float]]:
    """GAE over the tokens; the whole reward comes after the last one."""
    n = len(sample.tokens)
    adv = [0.0] * n
    running = 0.0
    for t in reversed(range(n)):
        r = reward if t == n - 1 else 0.0
        nxt = sample.values[t + 1] if t + 1 < n else 0.0
        running = r + gamma * nxt - sample.values[t] + gamma * lam * running
        adv[t] = running
    return adv, [a + v for a, v in zip(adv, sample.values, strict=True)]


class TokenPPO:
    """PPO-clip on the writer's tokens, with the strategy mode's loss settings (`TrainingConfig`:
    gamma, gae_lambda, ppo_epochs, clip and the coefficients), so both modes read one config."""

    def __init__(self, writer: RefinementWriter, config: TrainingConfig) -> None:
        self.writer = writer
        self.config = config
        self.optimizer = torch.optim.Adam(writer.parameters(), lr=self.config.learning_rate)

    def update(self, samples: Sequence[Sample], rewards: Sequence[float]) -> dict[str, float]:
        cfg = self.config
        prepared = []
        all_adv: list[float] = []
        for s, r in zip(samples, rewards, strict=True):
            adv, targets = token_advantages(s, r, cfg.gamma, cfg.gae_lambda)
            prepared.append((s, adv, targets))
            all_adv += adv
        mean = sum(all_adv) / len(all_adv)
        std = (sum((a - mean) ** 2 for a in all_adv) / max(len(all_adv) - 1, 1)) ** 0.5
        stats = dict.fromkeys(STAT_NAMES, 0.0)
        steps = 0
        self.writer.train()
        for _ in range(cfg.ppo_epochs):
            for s, adv, targets in prepared:
                logp, entropy, values = self.writer.evaluate(s)
                step = clipped_step(
                    self.optimizer,
                    self.writer.parameters(),
                    cfg,
                    logp=logp,
                    old_logp=torch.tensor(s.log_probs),
                    advantages=(torch.tensor(adv) - mean) / (std + 1e-8),
                    entropy=entropy,
                    values=values,
                    targets=torch.tensor(targets),
                )
                for name in STAT_NAMES:
                    stats[name] += step[name]
                steps += 1
        self.writer.eval()
        return {k: v / max(steps, 1) for k, v in stats.items()}


__all__ = [
    "RefinementWriter",
    "Sample",
    "TokenPPO",
    "refinement_prompt",
    "token_advantages",
]
