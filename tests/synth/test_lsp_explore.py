"""`proof2silicon.explore` and `proof2silicon.exploreApply` through the real language server
(`python -m server` over stdio) with the real tools: points synthesized and co-simulated, the
scatter in the result, and a chosen point returned as the document's new text while the file on
disk stays as it was, saying whether that text is the one the point was measured on."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_session import lsp_session

REPO = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture
async def lsp_client(tmp_path: Path) -> AsyncIterator[LanguageClient]:
    async with lsp_session(tmp_path) as client:
        yield client


def _command(client: LanguageClient, command: str, params: dict[str, Any]) -> Any:
    return client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command, arguments=[params])
    )


@pytest.mark.slow
async def test_explore_then_apply_returns_the_edit(
    lsp_client: LanguageClient, tmp_path: Path
) -> None:
    source = tmp_path / "max_array.dfy"
    shutil.copyfile(REPO / "examples" / "kernels" / "max_array.dfy", source)
    before = source.read_text(encoding="utf-8")
    params = {"uri": source.as_uri(), "method": "MaxArray", "vectors": 8, "max_points": 2}
    result = await asyncio.wait_for(_command(lsp_client, "proof2silicon.explore", params), 900)
    points = result["report"]["points"]
    assert len(points) == 2 and all(p["ok"] and p["cosim"] == "passed" for p in points)
    assert "<svg" in result["report_body"] and "data-point='1'" in result["report_body"]
    # the panel's body: an Apply button on each point of the front, and on no other
    front = result["report"]["front"]
    assert front and all(f"data-apply='{i}'" in result["report_body"] for i in front)
    assert result["report_body"].count("data-apply=") == len(front)
    edit = await asyncio.wait_for(
        _command(
            lsp_client,
            "proof2silicon.exploreApply",
            {"uri": source.as_uri(), "method": "MaxArray", "index": 1},
        ),
        60,
    )
    assert edit["uri"] == source.as_uri()
    assert '{:hls_schedule "unrolled"}' in edit["text"] and edit["attributes"]
    assert edit["reproduces"] is True  # the text point 1 was synthesized from
    assert source.read_text(encoding="utf-8") == before  # the server never writes the file
    # the method changed since the exploration: the point's numbers no longer hold, and it says so
    source.write_text(before.replace("m := a[0];", "m := a[0]; // first"), encoding="utf-8")
    changed = await asyncio.wait_for(
        _command(
            lsp_client,
            "proof2silicon.exploreApply",
            {"uri": source.as_uri(), "method": "MaxArray", "index": 1},
        ),
        60,
    )
    assert '{:hls_schedule "unrolled"}' in changed["text"] and changed["reproduces"] is False
    source.write_text(before, encoding="utf-8")
    with pytest.raises(Exception, match="no point 7"):
        await _command(
            lsp_client,
            "proof2silicon.exploreApply",
            {"uri": source.as_uri(), "method": "MaxArray", "index": 7},
        )
