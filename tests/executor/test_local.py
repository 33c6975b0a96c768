"""The local executor, the journal and resume, and that the default path never imports Ray."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.executor.tasks import always_die, die_once, square
from toolchain.executor import Journal, LocalExecutor, ProgressBar, WorkItem, run_tasks

REPO = Path(__file__).resolve().parents[2]


def _items(n: int, **extra: object) -> list[WorkItem]:
    return [WorkItem(f"t{i}", {"n": i, **extra}) for i in range(n)]


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_every_item_once_in_item_order(mode: str) -> None:
    out = run_tasks(LocalExecutor(2, mode=mode), square, _items(6), progress=False)  # type: ignore[arg-type]
    assert [o.key for o in out] == [f"t{i}" for i in range(6)]
    assert [o.value["square"] for o in out] == [i * i for i in range(6)]
    assert all(o.ok and o.attempts == 1 for o in out)


def test_killed_worker_process_is_retried(tmp_path: Path) -> None:
    items = [
        WorkItem(f"t{i}", {"n": i, "die": i == 2, "marker_dir": str(tmp_path)}) for i in range(4)
    ]
    out = run_tasks(LocalExecutor(2, mode="processes"), die_once, items, progress=False)
    assert [o.value["square"] for o in out] == [0, 1, 4, 9]
    assert (tmp_path / "2.died").exists()  # the first attempt really died
    assert out[2].attempts >= 2


def test_task_that_keeps_dying_is_an_infrastructure_error() -> None:
    ex = LocalExecutor(1, mode="processes", max_retries=1)
    (out,) = run_tasks(ex, always_die, _items(1), progress=False)
    assert not out.ok and out.kind == "infrastructure" and out.value is None
    assert out.attempts == 2 and "BrokenProcessPool" in (out.error or "")


def test_resume_runs_only_what_the_interrupted_run_did_not_finish(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    items = _items(5)
    seen: list[str] = []

    class Interrupt(Exception):
        pass

    def stop_after_two(outcome: object) -> None:
        seen.append(outcome.key)  # type: ignore[attr-defined]
        if len(seen) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_tasks(
            LocalExecutor(1),
            square,
            items,
            journal=journal,
            on_outcome=stop_after_two,
            progress=False,
        )
    # a torn line, as a kill while writing leaves it
    with open(journal, "a", encoding="utf-8") as fh:
        fh.write('{"key": "t4", "ok": tr')
    assert set(Journal(journal).read()) == set(seen)
    rerun: list[str] = []
    out = run_tasks(
        LocalExecutor(1), square, items, journal=journal, resume=True,
        on_outcome=lambda o: rerun.append(o.key), progress=False,
    )  # fmt: skip
    assert sorted(rerun) == sorted(set(i.key for i in items) - set(seen))
    assert [o.value["square"] for o in out] == [0, 1, 4, 9, 16]
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all(json.loads(line)["ok"] for line in lines)


def test_without_resume_an_old_journal_is_replaced(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    run_tasks(LocalExecutor(1), square, _items(3), journal=journal, progress=False)
    run_tasks(LocalExecutor(1), square, _items(2), journal=journal, progress=False)
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 2


def test_infrastructure_errors_run_again_on_resume(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    ex = LocalExecutor(1, mode="processes", max_retries=0)
    (bad,) = run_tasks(ex, always_die, _items(1), journal=journal, progress=False)
    assert not bad.ok
    (good,) = run_tasks(
        LocalExecutor(1), square, _items(1), journal=journal, resume=True, progress=False
    )
    assert good.ok and good.value["square"] == 0


def test_progress_line_counts_rate_and_eta() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, "files", stream=stream, interval_s=0)
    bar.advance()
    bar.advance(ok=False)
    text = stream.getvalue().splitlines()[-1]
    assert "files" in text and "2/4" in text and "/s" in text and "ETA" in text
    assert "1 infrastructure errors" in text


def test_default_executor_never_imports_ray() -> None:
    code = (
        "import sys\n"
        "import bench.verify_corpus.__main__, bench.replay.__main__\n"
        "import bench.synth_coverage.__main__, bench.frontend_coverage.__main__\n"
        "import toolchain.commands.train, toolchain.preface.train\n"
        "from toolchain.executor import ExecutorOptions, WorkItem, make_executor, run_tasks\n"
        "from tests.executor.tasks import square\n"
        "out = run_tasks(make_executor(ExecutorOptions()), square, [WorkItem('a', {'n': 3})], progress=False)\n"
        "assert out[0].value['square'] == 9\n"
        "print('ray' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
