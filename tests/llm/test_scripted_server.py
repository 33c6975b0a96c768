"""The scripted server itself: the chat API shape (plain and streamed), rules, script
exhaustion, runtime script loading, and `python -m toolchain.llm.scripted_server`."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import openai
import pytest

from toolchain.llm.scripted_server import Script, ScriptedServer

from .conftest import REPO


def test_streamed_and_plain_answers_through_the_openai_client(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"reply": "streamed " * 20}, {"reply": "plain"}]))
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    chunks = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
    assert text == "streamed " * 20
    r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == "plain" and r.usage is not None
    assert [m.id for m in client.models.list()] == ["scripted"]


def test_rules_answer_after_the_steps_and_exhaustion_is_a_400(server: ScriptedServer) -> None:
    server.load(Script(steps=[{"reply": "first"}], rules=[{"contains": "Max", "reply": "rule"}]))
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)

    def ask(text: str) -> str | None:
        r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
        return r.choices[0].message.content

    assert ask("Max please") == "first"
    assert ask("Max again") == "rule"
    with pytest.raises(openai.BadRequestError, match="script exhausted"):
        ask("something else")


def test_script_validation_and_runtime_loading(server: ScriptedServer) -> None:
    with pytest.raises(ValueError, match="unknown step fields"):
        Script.from_json([{"replly": "typo"}])
    req = urllib.request.Request(
        server.base_url.replace("/v1", "/_scripted/script"),
        data=json.dumps(["loaded"]).encode(),
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert json.load(resp) == {"ok": True}
    client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert r.choices[0].message.content == "loaded"
    with urllib.request.urlopen(
        server.base_url.replace("/v1", "/_scripted/requests"), timeout=5
    ) as resp:
        log = json.load(resp)
    assert log[-1]["body"]["messages"][0]["content"] == "x"


def test_runs_as_a_module_on_a_given_port(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"steps": ["from the script file"]}))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolchain.llm.scripted_server",
            "--script",
            str(script),
            "--port",
            "0",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("scripted OpenAI-compatible server on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[-1]
        client = openai.OpenAI(base_url=url, api_key="k", max_retries=0)
        r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert r.choices[0].message.content == "from the script file"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolchain.llm.scripted_server",
            "--script",
            str(tmp_path / "none.json"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "none.json" in bad.stderr
