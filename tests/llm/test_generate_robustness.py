"""`p2s generate` when things go wrong: keys that must not leak, a reply that trickles in,
answers that are not JSON, an output folder that cannot be written, and the retry after a failed
run. The real `openai` client against the real scripted server; real Dafny where a reply is
verified. Every reply here is scripted, not a model result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared_schemas.generation import (
    GenerationOutcome,
    GenerationParams,
    GenerationPhase,
    GenerationProgress,
    TrajectoryRecord,
)
from shared_schemas.settings import LlmSettings, Settings
from toolchain.cli import build_parser
from toolchain.cli import main as p2s
from toolchain.dafny import DafnyEngine
from toolchain.errors import InputError
from toolchain.generate import is_previous_failed_trajectory, is_rescue_path, run_generate
from toolchain.llm.scripted_server import Script, ScriptedServer

from .conftest import REPO, RIGHT, WRONG, fenced


@pytest.fixture
def endpoint(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> ScriptedServer:
    """The scripted server as the environment's endpoint, one attempt per request."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("P2S_MODEL", "scripted")
    monkeypatch.setenv("P2S_LLM_MAX_RETRIES", "0")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return server


def settings_for(server: ScriptedServer) -> Settings:
    return Settings(llm=LlmSettings(base_url=server.base_url, model="scripted"))


# -- secrets ---------------------------------------------------------------------------------


def test_keys_in_the_url_and_echoed_by_the_endpoint_reach_neither_output_nor_trajectory(
    server: ScriptedServer, spec_path: Path
) -> None:
    api_key = "k3yWithoutAnyShape0042"
    url_key = "p4sswordInTheUrl-77"
    server.load(Script(steps=[{"status": 400, "echo_key": True}]))
    base = server.base_url.replace("http://", f"http://alice:{url_key}@")
    env = {
        **os.environ,
        "OPENAI_BASE_URL": base,
        "OPENAI_API_KEY": api_key,
        "P2S_MODEL": "scripted",
        "P2S_LLM_MAX_RETRIES": "0",
        "PYTHONPATH": str(REPO),
    }
    cli = subprocess.run(
        [sys.executable, "-m", "toolchain.cli", "generate", str(spec_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO,
    )
    assert cli.returncode == 2, cli.stderr
    assert server.chat_requests, "the request reached the endpoint"
    assert "Incorrect API key provided" in cli.stderr  # the error itself is still shown
    trajectory = spec_path.with_name("max_array.trajectory.json")
    saved = trajectory.read_text()
    record = TrajectoryRecord.model_validate_json(saved)
    assert record.outcome == GenerationOutcome.llm_error and record.base_url is not None
    assert "alice" not in record.base_url and "127.0.0.1" in record.base_url
    for secret in (api_key, url_key):
        assert secret not in cli.stdout and secret not in cli.stderr and secret not in saved


# -- time limits -----------------------------------------------------------------------------


def test_a_trickling_reply_stops_at_max_wall_with_a_clear_message(
    endpoint: ScriptedServer, spec_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint.load(Script(steps=[{"reply": fenced(RIGHT), "trickle_s": 0.5}]))
    build_parser()  # the first call imports every command module: not the run's time
    started = time.monotonic()
    code = p2s(["generate", str(spec_path), "--max-wall", "2", "--quiet"])
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 1 and took < 2 + 1.5, f"exit {code} after {took:.1f} s"
    assert "wall-time budget ran out" in out
    record = TrajectoryRecord.model_validate_json(
        spec_path.with_name("max_array.trajectory.json").read_text()
    )
    assert record.outcome == GenerationOutcome.time_exhausted


def test_a_trickling_reply_stops_at_the_request_timeout(
    endpoint: ScriptedServer,
    spec_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("P2S_LLM_TIMEOUT", "1.5")
    endpoint.load(Script(steps=[{"reply": fenced(RIGHT), "trickle_s": 0.5}]))
    build_parser()
    started = time.monotonic()
    code = p2s(["generate", str(spec_path), "--quiet"])
    took = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and took < 1.5 + 1.5, f"exit {code} after {took:.1f} s"
    assert "did not answer within 1.5 s" in err


# -- exit codes ------------------------------------------------------------------------------


def test_answers_that_are_not_json_are_an_endpoint_error(
    endpoint: ScriptedServer, spec_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint.load(Script(rules=[{"contains": "", "raw": "<html>502 from a proxy</html>"}]))
    assert p2s(["generate", str(spec_path), "--rounds", "2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "p2s: error:" in err and "not JSON" in err
    assert len(endpoint.chat_requests) == 2


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        p2s(["generate", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "exit status:" in text
    for line in ("0    verified", "1    not verified", "2    bad input", "130  cancelled", "143"):
        assert line in text


# -- output locations ------------------------------------------------------------------------


def test_an_output_folder_that_cannot_be_created_fails_before_the_llm_call(
    endpoint: ScriptedServer, spec_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = spec_path.with_name("not-a-folder")
    blocker.write_text("a file where the output folder should be\n")
    endpoint.load(Script.replies(fenced(RIGHT)))
    for out in (blocker / "sub" / "max.dfy", Path("/proc/p2s-test/max.dfy")):
        assert p2s(["generate", str(spec_path), "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"cannot write {out}" in err and "Traceback" not in err
    assert endpoint.chat_requests == []
    assert sorted(p.name for p in spec_path.parent.iterdir()) == [
        "max_array.spec.md",
        "not-a-folder",
    ]


def test_a_write_that_fails_at_the_end_saves_the_verified_program_elsewhere(
    server: ScriptedServer, dafny: DafnyEngine, spec_path: Path
) -> None:
    out_dir = spec_path.parent / "out"
    server.load(Script.replies(fenced(RIGHT)))

    def sabotage(p: GenerationProgress) -> None:
        # after the pre-flight check passed: the folder becomes a file
        if p.phase == GenerationPhase.verifying and not out_dir.exists():
            out_dir.write_text("not a folder any more\n")

    result = run_generate(
        GenerationParams(spec_path=str(spec_path), output_path=str(out_dir / "max.dfy")),
        settings_for(server),
        engine=dafny,
        env={"P2S_LLM_MAX_RETRIES": "0"},
        progress=sabotage,
    )
    try:
        assert result.success and result.output_path and result.trajectory_path
        assert is_rescue_path(result.output_path) and is_rescue_path(result.trajectory_path)
        assert RIGHT in Path(result.output_path).read_text()
        assert f"could not write {out_dir / 'max.dfy'}" in result.message
        assert str(result.output_path) in result.message
        assert out_dir.read_text() == "not a folder any more\n"
    finally:
        if result.output_path:
            shutil.rmtree(Path(result.output_path).parent)


# -- the retry after a failed run ------------------------------------------------------------


def test_a_failed_runs_own_trajectory_does_not_block_the_retry_but_a_users_file_does(
    server: ScriptedServer, dafny: DafnyEngine, spec_path: Path
) -> None:
    trajectory = spec_path.with_name("max_array.trajectory.json")
    settings = settings_for(server)
    env = {"P2S_LLM_MAX_RETRIES": "0"}
    server.load(Script.replies(fenced(WRONG), fenced(RIGHT)))
    first = run_generate(
        GenerationParams(spec_path=str(spec_path), max_rounds=1), settings, engine=dafny, env=env
    )
    assert first.outcome == GenerationOutcome.rounds_exhausted
    assert is_previous_failed_trajectory(trajectory)
    second = run_generate(
        GenerationParams(spec_path=str(spec_path)), settings, engine=dafny, env=env
    )
    assert second.success and second.output_path and not is_rescue_path(second.output_path)
    assert TrajectoryRecord.model_validate_json(trajectory.read_text()).success
    # a successful run's record, or anything else, is not a failed run's: it needs --force
    assert not is_previous_failed_trajectory(trajectory)
    Path(second.output_path).unlink()
    for foreign in (trajectory.read_text(), json.dumps({"notes": "mine"}), "plain text\n"):
        trajectory.write_text(foreign)
        with pytest.raises(InputError, match="already exists"):
            run_generate(GenerationParams(spec_path=str(spec_path)), settings, engine=dafny)
        assert trajectory.read_text() == foreign
    assert len(server.chat_requests) == 2
