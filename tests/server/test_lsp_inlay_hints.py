"""Inlay hints (setting `inlayHints`, off by default) through the real server over stdio with
the real Dafny: each integer's width and range after its declaration, from the front end's
facts of the last verification, never a verifier run."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import REPO, RecordingClient, StartServer, change_doc, open_doc, published_version
from lsprotocol import types as lsp

SUM = (REPO / "examples" / "kernels" / "sum.dfy").read_text()


async def _hints(client: RecordingClient, uri: str, text: str) -> list[lsp.InlayHint] | None:
    lines = text.splitlines()
    found = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(
                start=lsp.Position(line=0, character=0),
                end=lsp.Position(line=len(lines), character=0),
            ),
        )
    )
    return None if found is None else list(found)


async def _runs(client: RecordingClient) -> int:
    status = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.serverStatus", arguments=[])
    )
    assert status is not None
    return int(status["verifier_runs"])


def _shown(text: str, hints: list[lsp.InlayHint]) -> list[str]:
    """Each hint's line with its label inserted where the editor shows it."""
    lines = text.splitlines()
    out = []
    for h in hints:
        line = lines[h.position.line]
        label = h.label if isinstance(h.label, str) else "".join(p.value for p in h.label)
        pad = " " if h.padding_left else ""
        c = h.position.character
        out.append((line[:c] + pad + label + line[c:]).strip())
    return out


async def test_widths_show_after_declarations_and_start_no_run(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"inlayHints": True, "proveWidths": False})
    uri = (tmp_path / "sum.dfy").as_uri()
    open_doc(client, uri, SUM)
    await published_version(client, uri, 1)
    runs = await _runs(client)
    hints = await _hints(client, uri, SUM)
    assert hints is not None
    labels = {h.label for h in hints}
    assert labels == {"a[..]: u8 [0,255]", "u12 [0,4080]", ": u5 [0,16]"}
    by_label = {h.label: h for h in hints}
    i_hint = by_label[": u5 [0,16]"]
    assert _shown(SUM, [i_hint]) == ["var i: u5 [0,16] := 0;"]
    assert _shown(SUM, [by_label["u12 [0,4080]"]]) == [
        "method Sum(a: array<int>) returns (s: int u12 [0,4080])"
    ]
    tooltip = by_label["a[..]: u8 [0,255]"].tooltip
    assert isinstance(tooltip, lsp.MarkupContent)
    assert "from the precondition" in tooltip.value and "**Sum**" in tooltip.value
    assert await _runs(client) == runs, "inlay hints started a verifier run"

    # an edit: no hints for text the facts are not about, then the new text's hints
    edited = "// a comment\n" + SUM
    change_doc(client, uri, 2, edited)
    await published_version(client, uri, 2)
    moved = await _hints(client, uri, edited)
    assert moved is not None
    assert sorted(h.position.line for h in moved) == sorted(h.position.line + 1 for h in hints)


async def test_no_hints_unless_the_setting_is_on(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server({"proveWidths": False})
    uri = (tmp_path / "sum.dfy").as_uri()
    open_doc(client, uri, SUM)
    await published_version(client, uri, 1)
    assert not await _hints(client, uri, SUM)
