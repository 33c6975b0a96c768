"""`p2s train` end to end: Proof2Silicon-layout tasks, the real OpenAI client against the local
scripted server (scripted replies, not a model), the real Dafny, PPO, checkpoint and curves;
then `p2s generate --policy` with the trained checkpoint."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shared_schemas.generation import TrajectoryRecord
from toolchain.cli import main as p2s
from toolchain.llm.scripted_server import Script, ScriptedServer
from toolchain.llm.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SPEC = REPO / "examples" / "specs" / "max_array.spec.md"
# the bundled demo script: a reply whose loop lacks invariants, then a corrected one
WRONG_REPLY, RIGHT_REPLY = (
    s["reply"]
    for s in json.loads((REPO / "examples" / "scripted" / "max_array.script.json").read_text())[
        "steps"
    ]
)


def test_train_then_generate_with_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    task = tmp_path / "tasks" / "Dafny(1)"
    task.mkdir(parents=True)
    (task / "one_line_description.txt").write_text("Return the largest element of an array.\n")
    (task / "detailed_description.txt").write_text("Largest element of a non-empty int array.\n")
    (task / "signature.dfy").write_text(load_spec(EXAMPLE_SPEC).signature or "")
    # round 1 of every episode gets the wrong program, every repair round the right one
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
        argv = ["train", "--tasks", str(tmp_path / "tasks"), "--iterations", "2"]
        argv += ["--episodes", "2", "--max-attempts", "3", "--out", str(out)]
        assert p2s(argv) == 0
        printed = capsys.readouterr().out
        assert "iteration 2: success 1.00" in printed
        rows = list(csv.DictReader((out / "curves.csv").open()))
        assert [r["success_rate"] for r in rows] == ["1.0", "1.0"]
        assert float(rows[0]["mean_attempts"]) == 2.0
        assert (out / "curves.png").stat().st_size > 1000
        meta = json.loads((out / "policy.json").read_text())
        assert meta["kind"] == "compact" and meta["iterations_trained"] == 2
        assert len(server.chat_requests) == 8  # 2 iterations x 2 episodes x 2 attempts
        episodes = (out / "episodes.jsonl").read_text().splitlines()
        assert len(episodes) == 4
        first = TrajectoryRecord.model_validate_json(episodes[0])
        assert [r.status for r in first.rounds] == ["errors", "verified"]
        assert first.rounds[1].edit is not None
        assert p2s(argv) == 2  # the checkpoint exists: refused without --force
        assert "already exists" in capsys.readouterr().err

        spec = tmp_path / "max_array.spec.md"
        spec.write_text(EXAMPLE_SPEC.read_text())
        assert p2s(["generate", str(spec), "--policy", str(out / "policy.pt")]) == 0
        traj = TrajectoryRecord.model_validate_json(
            spec.with_name("max_array.trajectory.json").read_text()
        )
        assert traj.strategy == "preface" and traj.policy_checkpoint == str(out / "policy.pt")
        assert traj.success and len(traj.rounds) == 2
        edit = traj.rounds[1].edit
        assert edit is not None and edit.log_prob is not None and edit.value is not None
