"""`bench.replay --resume`: the verdicts an earlier run journaled are kept, not verified again,
and the outcomes are the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _bench(out: Path, datasets_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["--cold", "--limit", "2", "--models", "gpt4", "--regimes", "--no-synth"]
    return subprocess.run(
        [sys.executable, "-m", "bench.replay", *args, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, "P2S_DATASETS": str(datasets_dir)},
    )


def test_replay_resume_keeps_journaled_verdicts(tmp_path: Path, datasets_dir: Path) -> None:
    first = _bench(tmp_path, datasets_dir)
    assert first.returncode == 0, first.stderr
    journal = tmp_path / "verdicts.jsonl"
    before = journal.read_text(encoding="utf-8")
    outcomes = (tmp_path / "outcomes.jsonl").read_text(encoding="utf-8")
    assert before.count("\n") >= 1
    again = _bench(tmp_path, datasets_dir, "--resume")
    assert again.returncode == 0, again.stderr
    assert journal.read_text(encoding="utf-8") == before  # nothing verified a second time
    assert (tmp_path / "outcomes.jsonl").read_text(encoding="utf-8") == outcomes
    assert "verify [" in again.stderr and "verify [" in first.stderr  # the progress line
