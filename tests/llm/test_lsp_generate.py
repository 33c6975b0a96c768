"""`proof2silicon.generate` through the real language server (`python -m server` over stdio),
the real scripted OpenAI-compatible server and the real Dafny: work-done progress with round
k of N and error counts, the Cancel button, and errors as one clear response."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from shared_schemas.lsp import ErrorCode, OutputExistsData
from tests.lsp_session import lsp_session
from toolchain.llm.scripted_server import Script, ScriptedServer

from .conftest import RIGHT, WRONG, fenced


@pytest_asyncio.fixture
async def lsp_client(server: ScriptedServer, tmp_path: Path) -> AsyncIterator[LanguageClient]:
    async with lsp_session(
        tmp_path, OPENAI_BASE_URL=server.base_url, P2S_MODEL="scripted"
    ) as client:
        yield client


def _generate(client: LanguageClient, params: dict[str, Any]) -> Any:
    return client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.generate", arguments=[params])
    )


def _generation_progress(client: LanguageClient) -> tuple[str, list[Any]] | None:
    for token, values in client.progress_reports.items():
        if any(
            isinstance(v, lsp.WorkDoneProgressBegin) and v.title == "Generating verified Dafny"
            for v in values
        ):
            return str(token), values
    return None


async def test_generate_reports_rounds_and_writes_verified_dafny(
    lsp_client: LanguageClient, server: ScriptedServer, spec_path: Path
) -> None:
    server.load(Script.replies(fenced(WRONG), fenced(RIGHT)))
    result = await asyncio.wait_for(_generate(lsp_client, {"spec_path": str(spec_path)}), 120)
    assert result["success"] and result["rounds_used"] == 2 and result["outcome"] == "verified"
    assert Path(result["output_path"]).exists() and Path(result["trajectory_path"]).exists()
    found = _generation_progress(lsp_client)
    assert found is not None
    messages = [v.message for v in found[1] if isinstance(v, lsp.WorkDoneProgressReport)]
    assert "round 1 of 6: repairing (2 error(s))" in messages
    assert "round 2 of 6: done (0 error(s))" in messages
    assert isinstance(found[1][-1], lsp.WorkDoneProgressEnd)


async def test_cancel_button_stops_generation(
    lsp_client: LanguageClient, server: ScriptedServer, spec_path: Path
) -> None:
    server.load(Script(steps=[{"delay_s": 60, "reply": fenced(RIGHT)}]))
    pending = asyncio.ensure_future(_generate(lsp_client, {"spec_path": str(spec_path)}))
    deadline = time.monotonic() + 60
    while _generation_progress(lsp_client) is None or not server.chat_requests:
        assert time.monotonic() < deadline, "no generation progress"
        await asyncio.sleep(0.05)
    token = _generation_progress(lsp_client)
    assert token is not None
    cancelled_at = time.monotonic()
    lsp_client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token[0]))
    result = await asyncio.wait_for(pending, 20)
    assert time.monotonic() - cancelled_at < 10
    assert result["outcome"] == "cancelled" and not result["success"]
    assert not spec_path.with_name("max_array.dfy").exists()


async def test_bad_spec_is_one_clear_error(lsp_client: LanguageClient, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file"):
        await asyncio.wait_for(
            _generate(lsp_client, {"spec_path": str(tmp_path / "no.spec.md")}), 60
        )


async def test_existing_output_is_refused_with_the_output_exists_code(
    lsp_client: LanguageClient, server: ScriptedServer, spec_path: Path
) -> None:
    """The client decides to offer "Overwrite?" on this code and data, never on the text."""
    existing = spec_path.with_name("max_array.dfy")
    existing.write_text("// the user's own file\n", encoding="utf-8")
    server.load(Script.replies(fenced(RIGHT)))
    with pytest.raises(JsonRpcException) as info:
        await asyncio.wait_for(_generate(lsp_client, {"spec_path": str(spec_path)}), 60)
    assert info.value.code == int(ErrorCode.output_exists)
    assert OutputExistsData.model_validate(info.value.data).paths == [str(existing)]
    assert existing.read_text(encoding="utf-8") == "// the user's own file\n"
    assert not server.chat_requests  # refused before any token was spent
