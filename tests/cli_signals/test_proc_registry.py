"""toolchain.proc's registry of live process groups and temporary paths, and shutdown(), with
real processes (a shell that leaves a grandchild, as Mono leaves z3)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolchain import proc
from toolchain.proc import ShuttingDownError, run_tool, temp_dir, temp_file


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    proc.reset_shutdown()
    yield
    proc.reset_shutdown()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies still count for killpg: only running members matter.
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def test_shutdown_kills_a_running_tool_and_its_children_and_blocks_new_ones(
    tmp_path: Path,
) -> None:
    outcome: dict[str, BaseException | None] = {}

    def work() -> None:
        try:
            run_tool(["sh", "-c", "sleep 60 & sleep 60"], timeout_s=120)
            outcome["error"] = None
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 10
    while not proc.live_groups() and time.monotonic() < deadline:
        time.sleep(0.02)
    groups = proc.live_groups()
    assert len(groups) == 1
    with temp_file(tmp_path, ".p2s-x-", ".dfy") as kept:
        assert kept.exists()
        started = time.monotonic()
        signalled, removed = proc.shutdown()
        worker.join(5)
        assert not worker.is_alive() and time.monotonic() - started < 2
        assert (signalled, removed) == (1, 1)
        assert not kept.exists()  # removed by shutdown() while its block was still open
    assert isinstance(outcome["error"], ShuttingDownError)
    # SIGKILL is delivered asynchronously: on a busy machine the grandchild may take a moment
    gone = time.monotonic() + 2
    while group_alive(groups[0]) and time.monotonic() < gone:
        time.sleep(0.02)
    assert not group_alive(groups[0])
    assert proc.live_groups() == []
    with pytest.raises(ShuttingDownError):
        run_tool(["true"], timeout_s=5)


def test_finished_tools_leave_the_registry_and_temp_paths_go_with_their_block(
    tmp_path: Path,
) -> None:
    assert run_tool(["true"], timeout_s=5).returncode == 0
    assert proc.live_groups() == []
    with temp_file(tmp_path, ".p2s-a-", ".dfy") as f, temp_dir("p2s-test-") as d:
        (d / "inner.dfy").write_text("x")
        assert f.parent == tmp_path and f.name.startswith(".p2s-a-") and f.suffix == ".dfy"
        assert f.exists() and d.is_dir()
    assert not f.exists() and not d.exists()
    assert list(tmp_path.iterdir()) == []
    assert proc.shutdown() == (0, 0)  # nothing left registered
