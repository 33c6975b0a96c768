"""`proof2silicon.synthesize` and `proof2silicon.showReport` through the real language server
(`python -m server` over stdio) with the real tools: progress named after the stages, the Cancel
button, and the last report served again."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from shared_schemas.lsp import ErrorCode, OutputExistsData
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


def _progress(client: LanguageClient) -> tuple[str, list[Any]] | None:
    for token, values in client.progress_reports.items():
        if any(
            isinstance(v, lsp.WorkDoneProgressBegin) and v.title.startswith("Synthesizing")
            for v in values
        ):
            return str(token), values
    return None


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "saturating_add.dfy"
    shutil.copyfile(REPO / "examples" / "saturating_add.dfy", path)
    return path


@pytest.mark.slow
async def test_synthesize_reports_stages_and_show_report_returns_it(
    lsp_client: LanguageClient, source: Path
) -> None:
    params = {"uri": source.as_uri(), "method": "SaturatingAdd", "target": "ice40", "vectors": 16}
    result = await asyncio.wait_for(_command(lsp_client, "proof2silicon.synthesize", params), 300)
    assert result["report"]["cosim"]["verdict"] == "passed"
    assert result["report"]["resources"]["source"].endswith("synth_ice40")
    out = Path(result["out_dir"])
    assert out == source.with_suffix(".p2s") / "SaturatingAdd"
    assert Path(result["report_html"]).exists() and Path(result["report_json"]).exists()
    found = _progress(lsp_client)
    assert found is not None
    messages = [v.message for v in found[1] if isinstance(v, lsp.WorkDoneProgressReport)]
    for stage in ("verify", "lower", "hls", "synth", "cosim", "report"):
        assert any(m.startswith(f"{stage}:") for m in messages), (stage, messages)
    assert isinstance(found[1][-1], lsp.WorkDoneProgressEnd)
    shown = await asyncio.wait_for(
        _command(lsp_client, "proof2silicon.showReport", {"uri": source.as_uri()}), 30
    )
    assert shown["report"]["content_key"] == result["report"]["content_key"]


async def test_show_report_without_any_is_null(lsp_client: LanguageClient, source: Path) -> None:
    shown = await _command(lsp_client, "proof2silicon.showReport", {"uri": source.as_uri()})
    assert shown is None


@pytest.mark.slow
async def test_cancel_button_stops_synthesis(lsp_client: LanguageClient, source: Path) -> None:
    params = {"uri": source.as_uri(), "method": "SaturatingAdd", "vectors": 16}
    pending = asyncio.ensure_future(_command(lsp_client, "proof2silicon.synthesize", params))
    deadline = time.monotonic() + 120
    while True:
        found = _progress(lsp_client)
        reports = [
            v for v in (found[1] if found else []) if isinstance(v, lsp.WorkDoneProgressReport)
        ]
        if any(r.message.startswith(("hls:", "synth:")) for r in reports):
            break
        assert time.monotonic() < deadline, "no synthesis progress"
        await asyncio.sleep(0.05)
    assert found is not None
    cancelled_at = time.monotonic()
    lsp_client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=found[0]))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(pending, 60)
    assert time.monotonic() - cancelled_at < 30
    assert not (source.with_suffix(".p2s") / "SaturatingAdd" / "report.json").exists()


@pytest.mark.slow
async def test_relative_out_dir_is_taken_from_the_documents_folder(
    lsp_client: LanguageClient, source: Path
) -> None:
    params = {
        "uri": source.as_uri(),
        "method": "SaturatingAdd",
        "target": "ice40",
        "vectors": 8,
        "out_dir": "build/sat",
    }
    result = await asyncio.wait_for(_command(lsp_client, "proof2silicon.synthesize", params), 300)
    out = source.parent / "build" / "sat"
    assert Path(result["out_dir"]) == out
    assert result["report"]["cosim"]["verdict"] == "passed"
    assert result["report"]["resources"]["lut"] > 0
    assert Path(result["report_json"]) == out / "report.json" and (out / "report.json").exists()
    assert (out / "synth" / "yosys_ice40.log").exists()


async def test_a_folder_with_the_users_files_is_refused_and_left_alone(
    lsp_client: LanguageClient, source: Path
) -> None:
    out = source.parent / "mine"
    (out / "rtl").mkdir(parents=True)
    (out / "rtl" / "my_design.v").write_text("module my_design; endmodule\n")
    (out / "report.json").write_text('{"mine": true}\n')
    params = {"uri": source.as_uri(), "method": "SaturatingAdd", "out_dir": "mine"}
    with pytest.raises(Exception, match="holds files Proof2Silicon did not write") as refused:
        await asyncio.wait_for(_command(lsp_client, "proof2silicon.synthesize", params), 60)
    # a code the client decides on (resend with force), naming the user's files
    assert getattr(refused.value, "code", None) == int(ErrorCode.output_exists)
    data = OutputExistsData.model_validate(getattr(refused.value, "data", None))
    assert sorted(data.paths) == sorted(
        str(p.resolve()) for p in (out / "rtl" / "my_design.v", out / "report.json")
    )
    assert (out / "rtl" / "my_design.v").read_text() == "module my_design; endmodule\n"
    assert (out / "report.json").read_text() == '{"mine": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "rtl"]


async def test_a_method_name_with_a_path_is_refused(
    lsp_client: LanguageClient, source: Path
) -> None:
    params = {"uri": source.as_uri(), "method": "../../escape"}
    with pytest.raises(Exception, match="not a Dafny method name"):
        await asyncio.wait_for(_command(lsp_client, "proof2silicon.synthesize", params), 60)
    assert not (source.parent.parent / "escape").exists()
    assert sorted(p.name for p in source.parent.iterdir() if p.suffix == ".p2s") == []
