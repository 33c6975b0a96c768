"""The language-model policy: a tiny randomly initialised Llama-style model with LoRA and a value
head (nothing downloaded) runs PPO steps; LoRA weights move, the base model does not; checkpoints
round-trip; local weights load from a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from shared_schemas.generation import PolicyKind, TrainingConfig
from toolchain.errors import InputError
from toolchain.preface.checkpoint import load_policy, save_policy
from toolchain.preface.hf_policy import HfLoraPolicy, LoraOptions, state_text, tiny_config
from toolchain.preface.ppo import PPOTrainer
from toolchain.preface.train import make_policy

from .scripted_env import ScriptedRepairEnv, scripted_tasks


@pytest.fixture(scope="module")
def tiny() -> HfLoraPolicy:
    return HfLoraPolicy.tiny_random(
        seed=0, options=LoraOptions(rank=4, alpha=8, max_state_tokens=160)
    )


def test_ppo_step_trains_lora_and_value_head_only(tiny: HfLoraPolicy, tmp_path: Path) -> None:
    cfg = TrainingConfig(
        tasks="scripted",
        policy=PolicyKind.hf_lora,
        ppo_epochs=1,
        minibatch_size=8,
        learning_rate=1e-2,
        out_dir=str(tmp_path),
    )
    trainable = {n: p.detach().clone() for n, p in tiny.named_parameters() if p.requires_grad}
    frozen = {n: p.detach().clone() for n, p in tiny.named_parameters() if not p.requires_grad}
    assert any("lora_" in n for n in trainable) and any("value_head" in n for n in trainable)
    assert not any("lora_" in n for n in frozen)
    trainer = PPOTrainer(tiny, cfg)
    env = ScriptedRepairEnv(max_attempts=3)
    episodes = trainer.collect(env, scripted_tasks(), 2)
    assert sum(len(ep.actions) for ep in episodes) >= 2
    stats = trainer.update(episodes)
    assert all(torch.isfinite(torch.tensor(v)) for v in stats.__dict__.values())
    after = dict(tiny.named_parameters())
    moved = [n for n, old in trainable.items() if not torch.equal(old, after[n].detach())]
    assert any("lora_B" in n for n in moved) and any("value_head" in n for n in moved)
    assert all(torch.equal(old, after[n].detach()) for n, old in frozen.items())


def test_state_text_and_checkpoint_round_trip(tiny: HfLoraPolicy, tmp_path: Path) -> None:
    env = ScriptedRepairEnv()
    states = [env.reset(t).state for t in scripted_tasks()[:2]]
    assert all(s is not None for s in states)
    text = state_text(states[0])  # type: ignore[arg-type]
    assert "might not be maintained" in text and text.endswith("Best next edit to the prompt:")
    path = save_policy(tiny, tmp_path / "hf.pt")
    loaded, meta = load_policy(path)
    assert meta.kind == PolicyKind.hf_lora and meta.hf_config and meta.hf_model_path is None
    with torch.no_grad():
        a, _ = tiny.distribution(states)  # type: ignore[arg-type]
        b, _ = loaded.distribution(states)  # type: ignore[arg-type]
    assert torch.allclose(a, b, atol=1e-5)


def test_local_weights_folder(tmp_path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import AutoConfig, AutoModelForCausalLM, PreTrainedTokenizerFast

    # a local "pretrained" folder: random weights and a word-level tokenizer, built here
    vocab = "show the verifier errors loop invariants ask for a an of and with".split()
    words = ["[PAD]", "[UNK]", "[BOS]", *sorted(set(vocab))]
    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="[PAD]", unk_token="[UNK]", bos_token="[BOS]"
    )
    cfg = {k: v for k, v in tiny_config().items() if k != "model_type"}
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model("llama", **cfg))
    folder = tmp_path / "weights"
    model.save_pretrained(folder)
    tok.save_pretrained(folder)

    policy = HfLoraPolicy.from_pretrained(folder, LoraOptions(rank=2, alpha=4))
    state = ScriptedRepairEnv().reset(scripted_tasks()[0]).state
    assert state is not None
    act = policy.act([state])
    assert 0 <= int(act.actions[0]) < policy.n_actions
    ckpt = save_policy(policy, tmp_path / "lora.pt")
    stored = torch.load(ckpt, weights_only=True)["state"]
    assert stored and all("lora_" in k or "value_head" in k for k in stored)  # adapters only
    loaded, meta = load_policy(ckpt)
    assert meta.hf_model_path == str(folder) and meta.hf_config is None and meta.lora_rank == 2
    with torch.no_grad():
        assert torch.allclose(policy.distribution([state])[0], loaded.distribution([state])[0])
    # what `p2s train --policy hf_lora --hf-model` builds: the config's LoRA shape on the folder
    run = TrainingConfig(
        tasks="", policy=PolicyKind.hf_lora, hf_model_path=str(folder), lora_rank=2, lora_alpha=4
    )
    built = make_policy(run)
    assert isinstance(built, HfLoraPolicy) and built.options == LoraOptions(rank=2, alpha=4)
    assert (
        built.lm.peft_config["default"].r == 2 and built.lm.peft_config["default"].lora_alpha == 4
    )
    with pytest.raises(InputError, match="no Hugging Face model"):
        HfLoraPolicy.from_pretrained(tmp_path)
