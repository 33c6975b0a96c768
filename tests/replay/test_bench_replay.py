"""`python -m bench.replay` on a few tasks: the table, report.json and the disagreements file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shared_schemas.replay import ReplayReport

REPO = Path(__file__).resolve().parents[2]


def bench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.replay", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def test_bench_on_two_tasks(tmp_path: Path, datasets_dir: Path) -> None:
    done = bench(
        "--cold",
        "--limit",
        "2",
        "--models",
        "gpt4",
        "--out",
        str(tmp_path),
        "--regimes",  # as written only; the regimes have a test of their own
        env={"P2S_DATASETS": str(datasets_dir)},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Replayed published outputs" in out
    assert "gpt4   contextless" in out and "gpt4   all" in out
    assert "Offline strategy selection (replayed published outputs, not a model result)" in out
    report = ReplayReport.model_validate(json.loads((tmp_path / "report.json").read_text()))
    assert report.replies == 6
    assert [(r.model.value, r.strategy.value) for r in report.rows] == [
        ("gpt4", "contextless"),
        ("gpt4", "signature"),
        ("gpt4", "dynamic_few_shot"),
    ]
    assert report.verifier_runs >= report.unique_programs > 0  # cold: nothing from the cache
    lines = (tmp_path / "outcomes.jsonl").read_text().splitlines()
    assert len(lines) == 6
    disagreements = (tmp_path / "disagreements.md").read_text()
    assert disagreements.startswith("# Replay disagreements")
    n = sum(1 for line in lines if json.loads(line)["disagreement"])
    assert f"{n} disagreements" in disagreements
    for item in report.missing:
        column = item.split(":")[0]
        assert f"  {column}" in out or column == "strategy selection"


def test_bench_regime_table(tmp_path: Path, datasets_dir: Path) -> None:
    done = bench(
        "--limit", "3", "--models", "gpt4", "--strategies", "dynamic_few_shot", "--no-synth",
        "--out", str(tmp_path), env={"P2S_DATASETS": str(datasets_dir)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "Hardware by regime (contract: integers 32 bits, lengths <= 16; assumed regime: results "
        "with no bound checked at run time in 32 bits)"
    ) in done.stdout
    assert "spec:lowers" in done.stdout and "assumed:lowers" in done.stdout
    report = ReplayReport.model_validate(json.loads((tmp_path / "report.json").read_text()))
    [row] = report.rows
    assert set(row.regimes) == {"spec", "assumed"}
    assert row.regimes["spec"].lowers_to_ir <= row.regimes["assumed"].lowers_to_ir
    assert row.regimes["assumed"].lowers_to_ir >= 1  # task 3's unbounded n, under the contract


def test_bench_reports_a_missing_dataset_in_one_line(tmp_path: Path) -> None:
    done = bench(
        "--limit", "1", "--out", str(tmp_path / "out"), env={"P2S_DATASETS": str(tmp_path)}
    )
    assert done.returncode == 2
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("bench.replay: error: MBPP-DFY not found")
