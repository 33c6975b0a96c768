"""`p2s train --resume` and `p2s train --mode generative` end to end: the real OpenAI client
against the local scripted server (scripted replies, not a model) and the real Dafny."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from shared_schemas.generation import TrajectoryRecord
from toolchain.cli import main as p2s
from toolchain.llm.scripted_server import Script, ScriptedServer
from toolchain.llm.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SPEC = REPO / "examples" / "specs" / "max_array.spec.md"
WRONG_REPLY, RIGHT_REPLY = (
    s["reply"]
    for s in json.loads((REPO / "examples" / "scripted" / "max_array.script.json").read_text())[
        "steps"
    ]
)


@pytest.fixture
def tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """One task; round 1 of every episode gets a program Dafny refutes, repairs a right one."""
    task = tmp_path / "tasks" / "Dafny(1)"
    task.mkdir(parents=True)
    (task / "one_line_description.txt").write_text("Return the largest element of an array.\n")
    (task / "detailed_description.txt").write_text("Largest element of a non-empty int array.\n")
    (task / "signature.dfy").write_text(load_spec(EXAMPLE_SPEC).signature or "")
    script = Script(
        rules=[
            {"contains": "Give the complete corrected program", "reply": RIGHT_REPLY},
            {"contains": "", "reply": WRONG_REPLY},
        ]
    )
    with ScriptedServer(script) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("P2S_MODEL", "scripted")
        yield tmp_path / "tasks"


def argv(tasks: Path, out: Path, iterations: int, *extra: str) -> list[str]:
    return [
        "train",
        "--tasks",
        str(tasks),
        "--iterations",
        str(iterations),
        "--episodes",
        "2",
        "--max-attempts",
        "3",
        "--seed",
        "5",
        "--out",
        str(out),
        *extra,
    ]


def rounds(out: Path) -> list[list[tuple[str, str | None]]]:
    """Each recorded episode's rounds as (status, edit id)."""
    return [
        [(r.status, r.edit.id if r.edit else None) for r in rec.rounds]
        for rec in (
            TrajectoryRecord.model_validate_json(line)
            for line in (out / "episodes.jsonl").read_text().splitlines()
        )
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_resume_continues_the_run_to_the_uninterrupted_state(
    tasks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    # with 2 rollout workers each episode's seed comes from the restored task sampler
    rollouts = ("--rollout-workers", workers)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert p2s(argv(tasks, whole, 2, *rollouts)) == 0
    assert p2s(argv(tasks, parts, 1, *rollouts)) == 0
    assert p2s(argv(tasks, parts, 2, *rollouts)) == 2  # a finished part is not overwritten
    assert "pass --resume to continue that run" in capsys.readouterr().err
    assert p2s(argv(tasks, parts, 2, "--resume", "--lr", "0.01", *rollouts)) == 2
    assert "learning_rate 0.003 there, 0.01 here" in capsys.readouterr().err
    assert p2s(argv(tasks, parts, 2, "--resume", *rollouts)) == 0
    captured = capsys.readouterr()
    assert "resuming after iteration 1 of 2" in captured.err
    assert "iteration 2: success 1.00" in captured.out and "iteration 1:" not in captured.out

    a = torch.load(whole / "policy.pt", weights_only=True)
    b = torch.load(parts / "policy.pt", weights_only=True)
    assert all(torch.equal(a["state"][k], b["state"][k]) for k in a["state"])
    assert a["meta"]["iterations_trained"] == b["meta"]["iterations_trained"] == 2
    drop = ("duration_s",)
    curves = [
        [{k: v for k, v in r.items() if k not in drop} for r in csv.DictReader(p.open())]
        for p in (whole / "curves.csv", parts / "curves.csv")
    ]
    assert curves[0] == curves[1] and len(curves[0]) == 2
    # 2 iterations x 2 episodes, appended across the two parts; the same edits were chosen
    # (parallel workers record in completion order)
    assert sorted(rounds(parts)) == sorted(rounds(whole)) and len(rounds(whole)) == 4
    assert p2s(argv(tasks, parts, 2, "--resume", *rollouts)) == 2
    assert "already finished 2 of the 2 iterations" in capsys.readouterr().err


def test_generative_mode_from_the_cli(
    tasks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gen"
    args = argv(tasks, out, 1, "--mode", "generative")
    assert p2s([*args, "--rollout-workers", "2"]) == 2
    assert "plays its episodes in this process" in capsys.readouterr().err
    empty = tmp_path / "no-weights"
    empty.mkdir()
    assert p2s([*args, "--policy-model", str(empty)]) == 2
    assert "holds no Hugging Face model" in capsys.readouterr().err

    assert p2s(args) == 0  # no --policy-model: the tiny random writer (a mechanics run)
    assert "iteration 1: success 1.00" in capsys.readouterr().out
    meta = json.loads((out / "policy.json").read_text())
    assert meta["kind"] == "generative" and meta["config"]["mode"] == "generative"
    assert meta["iterations_trained"] == 1
    assert (out / "train_state.pt").is_file()
    records = [
        TrajectoryRecord.model_validate_json(line)
        for line in (out / "episodes.jsonl").read_text().splitlines()
    ]
    assert len(records) == 2
    for rec in records:
        assert [r.status for r in rec.rounds] == ["errors", "verified"]
        edit = rec.rounds[1].edit
        assert edit is not None and edit.id == "written" and edit.log_prob is not None
        # what the writer wrote is what the repair prompt carried
        assert edit.text in rec.rounds[1].messages[-1].content

    spec = tmp_path / "max_array.spec.md"
    spec.write_text(EXAMPLE_SPEC.read_text())
    assert p2s(["generate", str(spec), "--policy", str(out / "policy.pt")]) == 2
    assert "holds a generative-mode writer" in capsys.readouterr().err
