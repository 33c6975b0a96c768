"""Policy checkpoints: weights plus metadata (kind, edit library, features, config, results).

`NAME.pt` holds {"meta": ..., "state": ...}; `NAME.json` beside it repeats the metadata for
people and tools. Loading refuses a checkpoint whose edit library differs from this build's.
Compact and tiny test policies store all weights; a LoRA policy over local weights stores only
the adapters and the value head, and names the weights folder it needs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from shared_schemas.generation import CheckpointMeta, PolicyKind, TrainingConfig
from toolchain.atomic import write_atomic
from toolchain.errors import InputError
from toolchain.preface.edits import EDIT_IDS
from toolchain.preface.features import FEATURE_NAMES
from toolchain.preface.policy import CompactPolicy, Policy

if TYPE_CHECKING:
    from toolchain.preface.generative import RefinementWriter


def save_policy(
    policy: Policy | RefinementWriter,
    path: str | Path,
    *,
    config: TrainingConfig | None = None,
    iterations: int = 0,
    success_rate: float | None = None,
) -> Path:
    target = Path(path)
    kind = policy.kind
    meta = CheckpointMeta(
        kind=kind,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        edit_ids=list(EDIT_IDS),
        feature_names=list(FEATURE_NAMES) if kind == PolicyKind.compact else [],
        config=config,
        iterations_trained=iterations,
        final_success_rate=success_rate,
        torch_version=torch.__version__,
    )
    if isinstance(policy, CompactPolicy):
        meta.hidden_size = policy.hidden_size
        state = policy.state_dict()
    elif kind == PolicyKind.hf_lora:
        from toolchain.preface.hf_policy import HfLoraPolicy

        assert isinstance(policy, HfLoraPolicy)
        meta.lora_rank = policy.options.rank
        meta.lora_alpha = policy.options.alpha
        meta.max_state_tokens = policy.options.max_state_tokens
        meta.hf_model_path = policy.model_path
        if policy.model_path is None:
            meta.hf_config = policy.base_config()
            state = policy.state_dict()
        else:
            state = policy.trainable_state()
        meta.config = config
    else:
        # imported here: transformers and peft load only for the models that need them
        from toolchain.preface.generative import RefinementWriter
        from toolchain.preface.local_lm import tiny_config

        if not isinstance(policy, RefinementWriter):
            raise TypeError(f"cannot save a {type(policy).__name__}")
        # the generative mode's writer: all its weights train, so all are stored; local
        # weights are named too (the tokenizer is read from there)
        meta.hf_model_path = policy.model_path
        if policy.model_path is None:
            meta.hf_config = tiny_config()
        state = policy.state_dict()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    torch.save({"meta": meta.model_dump(mode="json"), "state": state}, tmp)
    tmp.replace(target)
    write_atomic(target.with_suffix(".json"), meta.model_dump_json(indent=2) + "\n")
    return target


def load_policy(path: str | Path) -> tuple[Policy, CheckpointMeta]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such checkpoint")
    try:
        blob = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # a damaged or foreign file: say so in one line
        raise InputError(f"{p} is not a PREFACE checkpoint ({type(exc).__name__})") from exc
    meta = CheckpointMeta.model_validate(blob["meta"])
    if tuple(meta.edit_ids) != EDIT_IDS:
        raise InputError(
            f"{p} was trained with a different prompt-edit library",
            hint="retrain with `p2s train`",
        )
    if meta.kind == PolicyKind.generative:
        raise InputError(
            f"{p} holds a generative-mode writer, not an edit policy",
            hint="`p2s generate --policy` takes a checkpoint of `p2s train --mode strategy`",
        )
    policy: Policy
    if meta.kind == PolicyKind.compact:
        if tuple(meta.feature_names) != FEATURE_NAMES:
            raise InputError(f"{p} was trained with different features", hint="retrain it")
        policy = CompactPolicy(hidden_size=meta.hidden_size or 64)
        policy.load_state_dict(blob["state"])
    else:
        from toolchain.preface.hf_policy import HfLoraPolicy, LoraOptions

        cfg = meta.config or TrainingConfig(tasks="")
        options = LoraOptions(
            rank=meta.lora_rank or cfg.lora_rank,
            alpha=meta.lora_alpha or cfg.lora_alpha,
            max_state_tokens=meta.max_state_tokens or LoraOptions.max_state_tokens,
        )
        if meta.hf_model_path:
            policy = HfLoraPolicy.from_pretrained(meta.hf_model_path, options)
            missing = policy.load_state_dict(blob["state"], strict=False)
            if missing.unexpected_keys:
                raise InputError(f"{p} does not fit the model in {meta.hf_model_path}")
        elif meta.hf_config is not None:
            policy = HfLoraPolicy.from_config_dict(meta.hf_config, options)
            policy.load_state_dict(blob["state"])
        else:
            raise InputError(f"{p} names no model for its LoRA adapters")
    policy.eval()
    return policy, meta


__all__ = ["load_policy", "save_policy"]
