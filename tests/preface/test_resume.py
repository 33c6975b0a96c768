"""Resumable training on the deterministic scripted MDP: a run stopped inside an iteration and
resumed from its saved state ends with the very weights, curve and episode record of a run that
was never stopped (strategy and generative modes); a state from another configuration is refused."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from shared_schemas.generation import PromptEditInfo, TrainingConfig, TrainingMode
from toolchain.errors import InputError
from toolchain.llm.tasks import Task
from toolchain.preface.edits import EDIT_IDS
from toolchain.preface.env import StepResult
from toolchain.preface.generative import RefinementWriter
from toolchain.preface.policy import Policy
from toolchain.preface.resume import STATE_FILE, load_state
from toolchain.preface.train import train
from toolchain.proc import CancelToken

from .scripted_env import FIXES, ScriptedRepairEnv, scripted_tasks


@dataclass
class RecordingEnv(ScriptedRepairEnv):
    """The scripted MDP, appending one line per finished episode to episodes.jsonl (as the
    real environment does) and pulling the cancel token when the episode numbered `stop_at`
    starts: an interruption in the middle of an iteration."""

    record_to: Path | None = None
    cancel: CancelToken | None = None
    stop_at: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.started = 0
        self.actions: list[str] = []

    def reset(self, task: Task) -> StepResult:
        self.started += 1
        if self.cancel is not None and self.started == self.stop_at:
            self.cancel.cancel()
        self.actions = []
        return self._record(super().reset(task))

    def step(self, action: int, log_prob: float | None = None) -> StepResult:
        self.actions.append(EDIT_IDS[action])
        return self._record(super().step(action, log_prob))

    def step_edit(self, edit: PromptEditInfo) -> StepResult:
        # the scripted verifier of the generative mode: a refinement of even length repairs the
        # defect, any other leaves it (a rule on the text, so the reward depends on what the
        # writer wrote)
        fix = EDIT_IDS.index(FIXES[self.defect])
        other = (fix + 1) % len(EDIT_IDS)
        self.actions.append(f"{len(edit.text)}")
        return self._record(super().step(fix if len(edit.text) % 2 == 0 else other))

    def _record(self, step: StepResult) -> StepResult:
        if step.done and self.record_to is not None:
            with open(self.record_to, "a", encoding="utf-8") as fh:
                fh.write(f"{self.defect} {' '.join(self.actions)} {step.success}\n")
        return step


def config(out: Path, iterations: int, mode: TrainingMode) -> TrainingConfig:
    return TrainingConfig(
        tasks="scripted",
        mode=mode,
        iterations=iterations,
        episodes_per_iteration=6,
        max_attempts=3,
        learning_rate=1e-2,
        minibatch_size=8,
        ppo_epochs=2,
        out_dir=str(out),
        seed=3,
    )


def model(mode: TrainingMode) -> Policy | RefinementWriter | None:
    """The generative writer kept small (4 tokens a refinement) so the test runs in seconds;
    the strategy mode builds its compact policy from the config."""
    if mode == TrainingMode.strategy:
        return None
    return RefinementWriter.tiny_random(seed=3, max_new_tokens=4, max_prompt_tokens=64)


def curve(out: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader((out / "curves.csv").open()))
    for r in rows:
        del r["duration_s"]
    return rows


def weights(out: Path) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = torch.load(out / "policy.pt", weights_only=True)["state"]
    return state


@pytest.mark.parametrize("mode", [TrainingMode.strategy, TrainingMode.generative])
def test_a_resumed_run_ends_where_an_uninterrupted_one_does(
    tmp_path: Path, mode: TrainingMode
) -> None:
    tasks = scripted_tasks()
    iterations = 3
    whole = tmp_path / "whole"
    whole.mkdir()
    env = RecordingEnv(max_attempts=3, record_to=whole / "episodes.jsonl")
    train(config(whole, iterations, mode), env, tasks, policy=model(mode))

    parts = tmp_path / "parts"
    parts.mkdir()
    cancel = CancelToken()
    # stopped at the second episode of the last iteration
    stop_at = 6 * (iterations - 1) + 2
    env = RecordingEnv(
        max_attempts=3, record_to=parts / "episodes.jsonl", cancel=cancel, stop_at=stop_at
    )
    report = train(config(parts, iterations, mode), env, tasks, policy=model(mode), cancel=cancel)
    assert len(report.iterations) == iterations - 1  # the cut iteration was not learned from
    unfinished = (parts / "episodes.jsonl").read_text().splitlines()
    assert len(unfinished) == 6 * (iterations - 1) + 2  # the cut iteration's episodes, recorded

    state = load_state(parts, config(parts, iterations, mode))
    assert state.iteration == iterations - 1
    env = RecordingEnv(max_attempts=3, record_to=parts / "episodes.jsonl")
    train(config(parts, iterations, mode), env, tasks, policy=model(mode), resume=state)

    assert curve(parts) == curve(whole) and len(curve(whole)) == iterations
    a, b = weights(whole), weights(parts)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # the record was appended to: the cut iteration's episodes gave way to the replayed ones
    episodes = (parts / "episodes.jsonl").read_text().splitlines()
    assert episodes == (whole / "episodes.jsonl").read_text().splitlines()
    assert episodes[: 6 * (iterations - 1)] == unfinished[: 6 * (iterations - 1)]
    assert len(episodes) == 6 * iterations


def test_a_state_from_another_configuration_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with pytest.raises(InputError, match="nothing to resume"):
        load_state(out, config(out, 2, TrainingMode.strategy))
    train(config(out, 1, TrainingMode.strategy), RecordingEnv(max_attempts=3), scripted_tasks())
    assert (out / STATE_FILE).is_file()
    with pytest.raises(InputError, match=r"learning_rate 0\.01 there, 0\.05 here"):
        load_state(
            out, config(out, 2, TrainingMode.strategy).model_copy(update={"learning_rate": 0.05})
        )
    with pytest.raises(InputError, match="mode 'strategy' there, 'generative' here"):
        load_state(out, config(out, 2, TrainingMode.generative))
    with pytest.raises(InputError, match="already finished 1 of the 1 iterations"):
        load_state(out, config(out, 1, TrainingMode.strategy))
    # more iterations (and another folder name) are what resuming is for
    assert load_state(out, config(out, 4, TrainingMode.strategy)).iteration == 1
    (out / STATE_FILE).write_bytes(b"not a state")
    with pytest.raises(InputError, match="not a PREFACE training state"):
        load_state(out, config(out, 2, TrainingMode.strategy))


def test_generative_training_from_a_local_weights_folder(tmp_path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import AutoConfig, AutoModelForCausalLM, PreTrainedTokenizerFast

    from toolchain.preface.generative_train import make_writer
    from toolchain.preface.hf_policy import tiny_config

    # a local "pretrained" folder: random weights and a word-level tokenizer, built here (the
    # CLI's --policy-model reads such a folder and never downloads)
    words = ["[PAD]", "[UNK]", "[BOS]", *sorted(set("add a loop invariant with bounds".split()))]
    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=core, pad_token="[PAD]", unk_token="[UNK]", bos_token="[BOS]"
    )
    cfg = {k: v for k, v in tiny_config().items() if k != "model_type"}
    cfg.update(vocab_size=len(words), pad_token_id=0, bos_token_id=2, eos_token_id=None)
    folder = tmp_path / "weights"
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model("llama", **cfg))  # type: ignore[no-untyped-call]
    model.save_pretrained(folder)
    tok.save_pretrained(folder)

    out = tmp_path / "run"
    run = config(out, 1, TrainingMode.generative).model_copy(
        update={"policy_model": str(folder), "episodes_per_iteration": 2}
    )
    writer = make_writer(run)  # what train() builds: the folder's model and its tokenizer
    assert writer.model_path == str(folder) and writer.decode([3, 4]) == f"{words[3]} {words[4]}"
    train(run, RecordingEnv(max_attempts=2, record_to=out / "episodes.jsonl"), scripted_tasks())
    blob = torch.load(out / "policy.pt", weights_only=True)
    assert blob["meta"]["kind"] == "generative"
    assert blob["meta"]["hf_model_path"] == str(folder) and blob["meta"]["hf_config"] is None
    first = blob["state"]
    more = run.model_copy(update={"iterations": 2})
    train(
        more,
        RecordingEnv(max_attempts=2, record_to=out / "episodes.jsonl"),
        scripted_tasks(),
        resume=load_state(out, more),
    )
    second = torch.load(out / "policy.pt", weights_only=True)
    assert second["meta"]["iterations_trained"] == 2
    assert any(not torch.equal(first[k], second["state"][k]) for k in first)
    assert len((out / "episodes.jsonl").read_text().splitlines()) == 4
