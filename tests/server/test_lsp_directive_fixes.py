"""Directives synthesis would ignore (HW301), through the real server over stdio with the real
Dafny: warnings at the attribute right after verification, and quick fixes (correct or remove)
whose workspace edit leaves a file with no such warning."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import (
    RecordingClient,
    StartServer,
    apply_edits,
    change_doc,
    open_doc,
    published_version,
)
from lsprotocol import types as lsp

from toolchain.hls.directive_findings import corrections

COUNT = """\
method {:hls_shedule "fsm"} {:hls_schedule "pipelined"} Count(n: int) returns (s: int)
  requires 0 <= n < 16
{
  s := 0;
  var i := 0;
  while i < n
    invariant {:hls_unrol 2} 0 <= i <= n
    invariant s == i
  {
    s := s + 1;
    i := i + 1;
  }
}
"""


async def _actions(
    client: RecordingClient, uri: str, found: list[lsp.Diagnostic]
) -> dict[str, lsp.CodeAction]:
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=found),
        )
    )
    return {a.title: a for a in actions or [] if isinstance(a, lsp.CodeAction)}


def _directive_warnings(diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    return [d for d in diagnostics if d.code == "HW301"]


async def test_ignored_directives_are_located_warnings_with_fixes(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"proveWidths": False})
    uri = (tmp_path / "count.dfy").as_uri()
    open_doc(client, uri, COUNT)
    found = _directive_warnings(await published_version(client, uri, 1))
    lines = COUNT.splitlines()
    at = {
        lines[d.range.start.line][d.range.start.character : d.range.end.character]: d for d in found
    }
    assert set(at) == {'{:hls_shedule "fsm"}', '{:hls_schedule "pipelined"}', "{:hls_unrol 2}"}
    assert all(d.severity == lsp.DiagnosticSeverity.Warning for d in found)
    assert "unknown directive {:hls_unrol} on a loop" in at["{:hls_unrol 2}"].message

    actions = await _actions(client, uri, found)
    assert set(actions) >= {
        'Change {:hls_shedule "fsm"} to {:hls_schedule "fsm"}',
        'Change {:hls_schedule "pipelined"} to {:hls_schedule "unrolled"}',
        'Change {:hls_schedule "pipelined"} to {:hls_schedule "fsm"}',
        "Change {:hls_unrol 2} to {:hls_unroll 2}",
        'Remove {:hls_schedule "pipelined"} (synthesis ignores it)',
    }
    chosen = [
        'Change {:hls_shedule "fsm"} to {:hls_schedule "fsm"}',
        'Remove {:hls_schedule "pipelined"} (synthesis ignores it)',
        "Change {:hls_unrol 2} to {:hls_unroll 2}",
    ]
    edits: list[lsp.TextEdit] = []
    for title in chosen:
        edit = actions[title].edit
        assert edit is not None and edit.changes is not None
        edits.extend(e for e in edit.changes[uri] if isinstance(e, lsp.TextEdit))
    fixed = apply_edits(COUNT, edits)
    assert fixed.splitlines()[0] == 'method {:hls_schedule "fsm"} Count(n: int) returns (s: int)'
    assert "invariant {:hls_unroll 2} 0 <= i <= n" in fixed

    change_doc(client, uri, 2, fixed)
    after = await published_version(client, uri, 2)
    assert _directive_warnings(after) == []
    assert not [d for d in after if d.severity == lsp.DiagnosticSeverity.Error]


def test_corrections_of_one_attribute() -> None:
    assert corrections("{:hls_clock 5}", on_loop=False) == ["{:hls_clock_ns 5}"]
    assert corrections("{:hls_unroll 0}", on_loop=True) == ["{:hls_unroll 1}"]
    assert corrections('{:hls_memory "a", "bram"}', on_loop=False) == [
        '{:hls_memory "a", "ram"}',
        '{:hls_memory "a", "registers"}',
        '{:hls_memory "a", "distributed"}',
    ]
    assert corrections("{:hls_divider 0}", on_loop=False) == ["{:hls_divider 1}"]
    assert corrections("{:hls_divder 4}", on_loop=False) == ["{:hls_divider 4}"]
    assert corrections("{:hls_nothing_like_it}", on_loop=False) == []
