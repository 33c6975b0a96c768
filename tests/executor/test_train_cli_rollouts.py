"""`p2s train --rollout-workers 2`: episodes played by two workers, each with its own OpenAI
client (against the local scripted server: scripted replies, not a model) and the real Dafny;
the driver records every episode and learns."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shared_schemas.generation import TrajectoryRecord
from tests.preface.test_train_cli import EXAMPLE_SPEC, RIGHT_REPLY, WRONG_REPLY
from toolchain.cli import main as p2s
from toolchain.llm.scripted_server import Script, ScriptedServer
from toolchain.llm.spec import load_spec


def test_train_with_parallel_rollouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
        out = tmp_path / "run"
        argv = ["train", "--tasks", str(tmp_path / "tasks"), "--iterations", "1"]
        argv += ["--episodes", "2", "--max-attempts", "3", "--out", str(out)]
        assert p2s([*argv, "--rollout-workers", "2"]) == 0
        assert len(server.chat_requests) == 4  # 2 episodes x (wrong, then right)
    rows = list(csv.DictReader((out / "curves.csv").open()))
    assert [r["success_rate"] for r in rows] == ["1.0"] and rows[0]["episodes"] == "2"
    episodes = (out / "episodes.jsonl").read_text().splitlines()
    assert len(episodes) == 2
    for line in episodes:
        record = TrajectoryRecord.model_validate_json(line)
        assert [r.status for r in record.rounds] == ["errors", "verified"]
    assert json.loads((out / "policy.json").read_text())["iterations_trained"] == 1
