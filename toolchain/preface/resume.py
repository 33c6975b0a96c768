"""Resumable PREFACE training: after every finished PPO iteration the learner's whole state goes
to `train_state.pt` in the run's folder (written atomically, so a crash leaves the previous one).

The state is what the next iteration depends on: the weights, the optimiser's moments, the
iteration count, the curve rows so far, both random streams (the task sampler's and torch's), and
the length of `episodes.jsonl` at that point. `p2s train --resume` restores all of it, so N
iterations run in two parts end where an uninterrupted run of N with the same seed ends.
Episodes recorded by an iteration that did not finish are cut from `episodes.jsonl` (that
iteration is played again); the file is otherwise only appended to.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from shared_schemas.generation import TrainingConfig, TrainingIteration
from toolchain.atomic import write_atomic
from toolchain.errors import InputError

STATE_FILE = "train_state.pt"
EPISODES_FILE = "episodes.jsonl"
# what a resumed run may change: how far to train, and where the folder now lies
MAY_CHANGE = frozenset({"iterations", "out_dir"})


def model_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The weights training changes: LoRA adapters and the value head over local weights (the
    frozen base is named by its folder), everything for a model built from a config."""
    trainable = getattr(model, "trainable_state", None)
    if callable(trainable) and getattr(model, "model_path", None):
        state: dict[str, torch.Tensor] = trainable()
        return state
    return dict(model.state_dict())


def _python_rng(state: Any) -> tuple[Any, ...]:
    # torch.load gives lists back where random.getstate() had tuples
    version, internal, gauss = state
    return (version, tuple(internal), gauss)


@dataclass
class TrainingState:
    config: TrainingConfig
    iteration: int
    rows: list[TrainingIteration]
    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    python_rng: tuple[Any, ...]
    torch_rng: torch.Tensor
    episodes_bytes: int

    def restore(
        self, model: nn.Module, optimizer: torch.optim.Optimizer, rng: random.Random
    ) -> None:
        model.load_state_dict(self.model, strict=False)
        optimizer.load_state_dict(self.optimizer)
        rng.setstate(self.python_rng)
        torch.set_rng_state(self.torch_rng)


def save_state(
    out: Path,
    *,
    config: TrainingConfig,
    iteration: int,
    rows: list[TrainingIteration],
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    rng: random.Random,
) -> Path:
    episodes = out / EPISODES_FILE
    blob = {
        "config": config.model_dump_json(),
        "iteration": iteration,
        "rows": json.dumps([r.model_dump() for r in rows]),
        "model": {k: v.detach().cpu() for k, v in model_state(model).items()},
        "optimizer": optimizer.state_dict(),
        "python_rng": rng.getstate(),
        "torch_rng": torch.get_rng_state(),
        "episodes_bytes": episodes.stat().st_size if episodes.exists() else 0,
    }
    buf = io.BytesIO()
    torch.save(blob, buf)
    return write_atomic(out / STATE_FILE, buf.getvalue())


def _differences(saved: TrainingConfig, wanted: TrainingConfig) -> list[str]:
    a = saved.model_dump(mode="json", exclude=set(MAY_CHANGE))
    b = wanted.model_dump(mode="json", exclude=set(MAY_CHANGE))
    return [f"{k} {a[k]!r} there, {b[k]!r} here" for k in a if a[k] != b.get(k)]


def load_state(out: Path, wanted: TrainingConfig) -> TrainingState:
    """The state to resume from, refused when it belongs to a differently configured run."""
    path = out / STATE_FILE
    if not path.is_file():
        raise InputError(
            f"nothing to resume: {path} does not exist",
            hint="start the run without --resume (a run writes it after its first iteration)",
        )
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        config = TrainingConfig.model_validate_json(blob["config"])
    except Exception as exc:  # a damaged or foreign file: say so in one line
        raise InputError(f"{path} is not a PREFACE training state ({type(exc).__name__})") from exc
    diffs = _differences(config, wanted)
    if diffs:
        raise InputError(
            f"{path} belongs to a run with another configuration: {'; '.join(diffs)}",
            hint="resume with the same flags, or start afresh with --force",
        )
    iteration = int(blob["iteration"])
    if iteration >= wanted.iterations:
        raise InputError(
            f"{path}: the run already finished {iteration} of the {wanted.iterations} "
            "iterations asked for",
            hint=f"pass --iterations above {iteration} to train further",
        )
    episodes = out / EPISODES_FILE
    size = int(blob["episodes_bytes"])
    have = episodes.stat().st_size if episodes.exists() else 0
    if have < size:
        raise InputError(
            f"{episodes} is shorter ({have} bytes) than when {path} was written ({size} bytes)",
            hint="the run's folder was changed; start afresh with --force",
        )
    return TrainingState(
        config=config,
        iteration=iteration,
        rows=[TrainingIteration.model_validate(r) for r in json.loads(blob["rows"])],
        model=blob["model"],
        optimizer=blob["optimizer"],
        python_rng=_python_rng(blob["python_rng"]),
        torch_rng=blob["torch_rng"],
        episodes_bytes=size,
    )


def drop_unfinished_episodes(out: Path, state: TrainingState) -> int:
    """Cut the episodes an unfinished iteration recorded after the state was saved (that
    iteration is played again). Returns the bytes removed."""
    episodes = out / EPISODES_FILE
    if not episodes.exists():
        return 0
    extra = episodes.stat().st_size - state.episodes_bytes
    if extra > 0:
        with open(episodes, "r+b") as fh:
            fh.truncate(state.episodes_bytes)
    return max(extra, 0)


__all__ = [
    "MAY_CHANGE",
    "STATE_FILE",
    "TrainingState",
    "drop_unfinished_episodes",
    "load_state",
    "model_state",
    "save_state",
]
