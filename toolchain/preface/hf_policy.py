"""The language-model PREFACE policy: a Hugging Face causal LM with LoRA adapters and a value head.

Point it at local weights (`HfLoraPolicy.from_pretrained(path)`, nothing is downloaded). The
model reads the repair state as text (task, last status, the verifier's errors, edits tried) and
scores each edit of the library by the mean log-likelihood of the edit's description after that
text; the softmax of those scores is the action distribution, so PPO trains the LoRA weights and
the value head through ordinary log-probabilities. (It ranks the library's edits; it does not
write free-form prompt text.)

`HfLoraPolicy.tiny_random()` builds a randomly initialised two-layer Llama-style model with a
byte tokenizer: for tests, no weights or tokenizer files needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from peft import LoraConfig, get_peft_model

from shared_schemas.generation import PolicyKind
from toolchain.llm.prompts import error_report
from toolchain.llm.state import RepairState
from toolchain.preface.edits import EDITS
from toolchain.preface.local_lm import (
    ByteTokenizer,
    lm_from_config,
    load_local_lm,
    tiny_config,
    value_head,
)
from toolchain.preface.policy import Policy


def state_text(state: RepairState) -> str:
    tried = ", ".join(state.edits) if state.edits else "none"
    return (
        f"Task: {state.spec.description.strip()}\n"
        f"Attempt {state.round - 1} of {state.max_rounds}: {state.status}, "
        f"{state.error_count} error(s)\n"
        f"Feedback:\n{error_report(state, limit=6)}\n"
        f"Edits tried: {tried}\n"
        "Best next edit to the prompt:"
    )


@dataclass(frozen=True)
class LoraOptions:
    """The policy's shape beyond its base model: the LoRA adapters' rank and scale, and how many
    tokens of the state text the model reads (its last ones). A checkpoint records all three to
    build the same policy again."""

    rank: int = 8
    alpha: int = 16
    max_state_tokens: int = 384


class HfLoraPolicy(Policy):
    kind = PolicyKind.hf_lora
    n_actions = len(EDITS)

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        options: LoraOptions = LoraOptions(),
        *,
        model_path: str | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.model_path = model_path
        self.tokenizer = tokenizer
        for p in model.parameters():
            p.requires_grad_(False)
        config = LoraConfig(
            r=options.rank,
            lora_alpha=options.alpha,
            lora_dropout=0.0,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
        self.lm = get_peft_model(model, config)
        self.value_head = value_head(int(model.config.hidden_size))
        self.edit_ids = [tokenizer.encode(" " + e.summary + ".") for e in EDITS]

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_pretrained(
        cls, path: str | Path, options: LoraOptions = LoraOptions()
    ) -> HfLoraPolicy:
        model, tok = load_local_lm(
            path, hint="point --hf-model at a local folder with weights; nothing is downloaded"
        )
        return cls(model, tok, options, model_path=str(Path(path)))

    @classmethod
    def from_config_dict(
        cls, config: dict[str, Any], options: LoraOptions = LoraOptions()
    ) -> HfLoraPolicy:
        return cls(lm_from_config(config), ByteTokenizer(), options)

    @classmethod
    def tiny_random(cls, seed: int = 0, options: LoraOptions = LoraOptions()) -> HfLoraPolicy:
        torch.manual_seed(seed)
        return cls.from_config_dict(tiny_config(), options)

    # -- the policy -----------------------------------------------------------------------------
    def _encode_batch(
        self, states: Sequence[RepairState]
    ) -> tuple[torch.Tensor, torch.Tensor, list[int], list[list[tuple[int, int]]]]:
        seqs: list[list[int]] = []
        state_ends: list[int] = []
        spans: list[list[tuple[int, int]]] = []
        bos = [self.tokenizer.bos_token_id] if self.tokenizer.bos_token_id is not None else []
        for s in states:
            ids = bos + self.tokenizer.encode(state_text(s))[-self.options.max_state_tokens :]
            state_ends.append(len(ids) - 1)
            row: list[tuple[int, int]] = []
            for a in self.edit_ids:
                row.append((len(ids), len(ids) + len(a)))
                seqs.append(ids + a)
            spans.append(row)
        width = max(len(x) for x in seqs)
        pad = int(self.tokenizer.pad_token_id)
        input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for i, x in enumerate(seqs):
            input_ids[i, : len(x)] = torch.tensor(x)
            mask[i, : len(x)] = 1
        return input_ids, mask, state_ends, spans

    def distribution(self, states: Sequence[RepairState]) -> tuple[torch.Tensor, torch.Tensor]:
        input_ids, mask, state_ends, spans = self._encode_batch(states)
        out = self.lm(input_ids=input_ids, attention_mask=mask, output_hidden_states=True)
        logp = torch.log_softmax(out.logits.float(), dim=-1)
        n_a = self.n_actions
        hidden = out.hidden_states[-1]
        score_rows = []
        value_rows = []
        for b in range(len(states)):
            row = []
            for a in range(n_a):
                i = b * n_a + a
                start, end = spans[b][a]
                targets = input_ids[i, start:end]
                # token t is predicted by position t - 1
                picked = logp[i, start - 1 : end - 1].gather(-1, targets.unsqueeze(-1)).squeeze(-1)
                row.append(picked.mean())
            score_rows.append(torch.stack(row))
            value_rows.append(self.value_head(hidden[b * n_a, state_ends[b]].float()).squeeze(-1))
        scores = torch.stack(score_rows)
        values = torch.stack(value_rows)
        return torch.log_softmax(scores, dim=-1), values

    def trainable_state(self) -> dict[str, torch.Tensor]:
        names = {n for n, p in self.named_parameters() if p.requires_grad}
        return {k: v for k, v in self.state_dict().items() if k in names}

    def base_config(self) -> dict[str, Any]:
        base: Any = self.lm.get_base_model()
        config: dict[str, Any] = base.config.to_diff_dict()
        config["model_type"] = base.config.model_type
        return config


__all__ = ["ByteTokenizer", "HfLoraPolicy", "LoraOptions", "state_text", "tiny_config"]
