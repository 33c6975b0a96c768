"""The causal language models the PREFACE policies are built on (the LoRA edit ranker in
`hf_policy`, the refinement writer in `generative`): local Hugging Face weights (nothing is
downloaded) or a tiny randomly initialised Llama-style model with a byte tokenizer for tests,
the tokenizer adapter that makes both look alike, and the value head both put on the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch import nn

from toolchain.errors import InputError


class ByteTokenizer:
    """UTF-8 bytes as tokens, after three specials (pad 0, bos 1, eos 2)."""

    vocab_size = 259
    pad_token_id = 0
    bos_token_id = 1
    eos_token_id = 2

    def encode(self, text: str) -> list[int]:
        return [b + 3 for b in text.encode("utf-8")]


class _HfTokenizer:
    """Adapter so a transformers tokenizer and ByteTokenizer look alike."""

    def __init__(self, tok: Any) -> None:
        self.tok = tok
        self.pad_token_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        self.bos_token_id = tok.bos_token_id

    def encode(self, text: str) -> list[int]:
        ids: list[int] = self.tok(text, add_special_tokens=False)["input_ids"]
        return ids


def load_local_lm(path: str | Path, hint: str | None = None) -> tuple[Any, _HfTokenizer]:
    """The causal LM and its tokenizer from a local folder; an InputError (with `hint`) when the
    folder holds no Hugging Face model."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    p = Path(path)
    if not (p / "config.json").exists():
        raise InputError(f"{p} holds no Hugging Face model (no config.json)", hint=hint)
    model = AutoModelForCausalLM.from_pretrained(str(p), local_files_only=True)
    tok = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
    return model, _HfTokenizer(tok)


def lm_from_config(config: dict[str, Any]) -> Any:
    """A randomly initialised causal LM of a `tiny_config()`-style dict (`model_type` + fields)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = dict(config)
    model_type = cfg.pop("model_type")
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **cfg))  # type: ignore[no-untyped-call]


def value_head(hidden_size: int) -> nn.Linear:
    """V(state) from the last hidden layer, zero at the start so that the first updates are
    driven by the rewards, not by a random baseline."""
    head = nn.Linear(hidden_size, 1)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    return head


def tiny_config() -> dict[str, Any]:
    return {
        "model_type": "llama",
        "vocab_size": ByteTokenizer.vocab_size,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "max_position_embeddings": 1024,
        "pad_token_id": ByteTokenizer.pad_token_id,
        "bos_token_id": ByteTokenizer.bos_token_id,
        "eos_token_id": ByteTokenizer.eos_token_id,
        "tie_word_embeddings": False,
    }


__all__ = ["ByteTokenizer", "lm_from_config", "load_local_lm", "tiny_config", "value_head"]
