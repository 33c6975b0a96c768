"""SIGTERM and Ctrl-C to a running `p2s verify` (real Dafny 2.3 on a slow proof): the CLI exits
promptly with 130 / 143, no Dafny, Mono or z3 process survives it, and the temporary copy it
wrote beside the user's file (the file has an include) is gone."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SLOW = (REPO / "tests" / "dafny" / "samples" / "slow.dfy").read_text()
MARKER_VAR = "P2S_SIGNAL_TEST_MARKER"
LONG_LIMITS = ["--vc-time-limit", "100", "--timeout", "100"]


def marked_processes(marker: str) -> dict[int, str]:
    """Live (non-zombie) processes whose environment carries the marker: the CLI and everything
    it started, whatever their parent or session now is (orphans are re-parented to PID 1)."""
    needle = f"{MARKER_VAR}={marker}".encode()
    found: dict[int, str] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if needle not in (d / "environ").read_bytes().split(b"\0"):
                continue
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if state != "Z":
            found[int(d.name)] = cmdline
    return found


def z3_is_proving(marker: str) -> bool:
    return any(c.split(" ", 1)[0].endswith("z3") for c in marked_processes(marker).values())


def wait_for(predicate: object, timeout_s: float, poll_s: float = 0.05) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll_s)
    return bool(predicate())


@pytest.fixture
def slow_project(tmp_path: Path) -> Path:
    """A user's folder: a slow proof that includes a second file (so the engine has to put its
    copy beside it, where includes resolve)."""
    (tmp_path / "lib.dfy").write_text("function method One(): int { 1 }\n")
    main = tmp_path / "main.dfy"
    main.write_text('include "lib.dfy"\n' + SLOW)
    return main


def start_verify(main: Path, marker: str) -> subprocess.Popen[str]:
    env = {**os.environ, MARKER_VAR: marker}
    return subprocess.Popen(
        [sys.executable, "-m", "toolchain.cli", "verify", "--no-cache", *LONG_LIMITS, main.name],
        cwd=main.parent,
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_and_signal(main: Path, signals: list[signal.Signals]) -> tuple[int, float, str]:
    """Start `p2s verify`, wait until z3 is proving, send the signals; return the exit status,
    the seconds from the first signal to exit, and stderr. Leftovers are checked, then killed."""
    marker = uuid.uuid4().hex
    cli = start_verify(main, marker)
    try:
        # A short z3 version probe may run before the proof starts: wait for both the copy and z3.
        def proving() -> bool:
            return bool(list(main.parent.glob(".p2s-*"))) and z3_is_proving(marker)

        assert wait_for(proving, 60), (
            f"z3 never proved the copy: {cli.poll()=} {sorted(main.parent.iterdir())}"
        )
        started = time.monotonic()
        for i, sig in enumerate(signals):
            if i:
                time.sleep(0.1)
            with contextlib.suppress(ProcessLookupError):
                cli.send_signal(sig)
        _, err = cli.communicate(timeout=15)
        took = time.monotonic() - started
        # SIGKILL is asynchronous: give the kernel a moment to tear the processes down.
        leftovers_gone = wait_for(lambda: not marked_processes(marker), 2)
        assert leftovers_gone, f"left running: {marked_processes(marker)}"
        return cli.returncode, took, err
    finally:
        cli.kill()
        for pid in marked_processes(marker):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_kills_dafny_and_z3_and_removes_the_temporary_copy(slow_project: Path) -> None:
    code, took, err = run_and_signal(slow_project, [signal.SIGTERM])
    assert code == 143, err
    assert "p2s: terminated" in err and "Traceback" not in err
    assert took < 4, f"took {took:.1f} s"
    assert sorted(p.name for p in slow_project.parent.iterdir()) == ["lib.dfy", "main.dfy"]


def test_one_ctrl_c_stops_within_a_moment(slow_project: Path) -> None:
    code, took, err = run_and_signal(slow_project, [signal.SIGINT])
    assert code == 130, err
    assert "p2s: interrupted" in err and "Traceback" not in err
    assert took < 4, f"took {took:.1f} s"
    assert sorted(p.name for p in slow_project.parent.iterdir()) == ["lib.dfy", "main.dfy"]


def test_two_ctrl_c_leave_nothing_behind(slow_project: Path) -> None:
    code, took, err = run_and_signal(slow_project, [signal.SIGINT, signal.SIGINT])
    assert code == 130, err
    assert "Traceback" not in err
    assert took < 4, f"took {took:.1f} s"
    assert sorted(p.name for p in slow_project.parent.iterdir()) == ["lib.dfy", "main.dfy"]
