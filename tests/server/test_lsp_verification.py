"""The language server over stdio with the real Dafny: diagnostics, lenses, bursts, statuses."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_helpers import (
    MAX_FIXED,
    MAX_WRONG,
    RecordingClient,
    StartServer,
    change_doc,
    dafny_findings,
    open_doc,
    published_version,
    wait_until,
)
from lsprotocol import types as lsp


async def lens_titles(client: RecordingClient, uri: str) -> dict[int, str]:
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    return {lens.range.start.line: lens.command.title for lens in lenses if lens.command}


async def test_error_with_related_info_then_fix_clears_it(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "max.dfy").as_uri()
    open_doc(client, uri, MAX_WRONG)
    diagnostics = dafny_findings(await published_version(client, uri, 1))
    assert len(diagnostics) == 2
    d, clause = diagnostics
    assert d.source == "dafny"
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert d.code == "BP5003"
    assert "postcondition" in d.message.lower()
    # the return path: the else branch's statement, not its one-character `{`
    start, end = d.range.start, d.range.end
    assert (start.line, start.character, end.line, end.character) == (3, 30, 3, 37)
    assert MAX_WRONG.splitlines()[3][30:37] == "m := a;"
    # and the failing `ensures`, marked on its own
    assert (clause.code, clause.severity) == ("BP5003", lsp.DiagnosticSeverity.Error)
    assert clause.range.start.line == clause.range.end.line == 1
    line = MAX_WRONG.splitlines()[1]
    assert line[clause.range.start.character : clause.range.end.character] == (
        "ensures m >= a && m >= b"
    )
    assert clause.message == "this postcondition might not hold on the return path at line 4"
    assert d.related_information, "the failing postcondition should come as related info"
    rel = d.related_information[0]
    assert rel.location.uri == uri and rel.location.range.start.line == 1
    assert "postcondition" in rel.message.lower()

    change_doc(client, uri, 2, MAX_FIXED)
    assert dafny_findings(await published_version(client, uri, 2)) == []

    # Per-method status: the fix re-verified Max only; Inc's result carried over.
    await wait_until(
        lambda: any(s.version == 2 and s.state == "done" for s in client.statuses_for(uri)),
        what="the done status of v2",
    )
    done = [s for s in client.statuses_for(uri) if s.version == 2 and s.state == "done"][-1]
    by_name = {s.name: s for s in done.symbols}
    assert by_name["Max"].status == "verified" and not by_name["Max"].reused
    assert by_name["Inc"].status == "verified" and by_name["Inc"].reused
    assert done.status == "verified" and done.incremental


async def test_code_lenses_show_per_method_status(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "lens.dfy").as_uri()
    open_doc(client, uri, MAX_WRONG)
    await wait_until(
        lambda: any(s.state == "verifying" for s in client.statuses_for(uri)),
        what="a verifying status",
    )
    verifying = next(s for s in client.statuses_for(uri) if s.state == "verifying")
    assert {s.status for s in verifying.symbols} == {"verifying"}
    await published_version(client, uri, 1)
    titles = await lens_titles(client, uri)
    assert titles[0] == "✗ 1 error", titles
    assert titles[6].startswith("✓ verified"), titles
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert lenses[0].command is not None
    assert lenses[0].command.command == "proof2silicon.verify"
    assert list(lenses[0].command.arguments or []) == [{"uri": uri, "procedures": ["Max"]}]

    change_doc(client, uri, 2, MAX_FIXED)
    await published_version(client, uri, 2)
    titles = await lens_titles(client, uri)
    assert titles[0].startswith("✓ verified") and titles[6].startswith("✓ verified"), titles


async def test_burst_of_edits_publishes_only_the_final_version(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "burst.dfy").as_uri()
    open_doc(client, uri, MAX_FIXED)
    assert dafny_findings(await published_version(client, uri, 1)) == []
    before = len(client.published_for(uri))

    def broken(k: int) -> str:
        # each version fails a different assertion on its own line
        return MAX_FIXED + f"\nmethod Check{k}() {{\n  assert {k} == {k + 1};\n}}\n"

    change_doc(client, uri, 2, broken(2))
    await asyncio.sleep(0.3)  # version 2's run has started: it must be cancelled, not published
    for version in range(3, 7):
        change_doc(client, uri, version, broken(version))
    final = dafny_findings(await published_version(client, uri, 6))
    await asyncio.sleep(1.0)  # anything late from older runs would arrive now
    after = [p.version for p in client.published_for(uri)[before:]]
    # Version 2 may legitimately finish inside the 0.3 s gap on a fast machine (then it was the
    # document's version when published); the intermediate versions never may, and nothing
    # older may arrive after the final result.
    assert after[-1] == 6 and not {3, 4, 5} & set(after), after
    assert after.count(6) == 1 and set(after) <= {2, 6}, after
    assert len(final) == 1 and "assertion" in final[0].message
    assert final[0].range.start.line == MAX_FIXED.count("\n") + 2
    done_versions = {s.version for s in client.statuses_for(uri) if s.state == "done"}
    assert done_versions <= {1, 2, 6}, done_versions


async def test_untitled_buffer_and_other_languages(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    untitled = "untitled:Untitled-1"
    spec = (tmp_path / "adder.spec.md").as_uri()
    open_doc(client, spec, "# Adder\nAdd two numbers.\n", language="p2s-spec")
    open_doc(client, untitled, MAX_WRONG)
    diagnostics = dafny_findings(await published_version(client, untitled, 1))
    assert {d.code for d in diagnostics} == {"BP5003"}
    assert client.published_for(spec) == []
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=spec))
    )
    assert list(lenses) == []


async def test_verify_on_save_ignores_changes_until_saved(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"verifyOn": "save"})
    path = tmp_path / "saved.dfy"
    path.write_text(MAX_FIXED)
    uri = path.as_uri()
    open_doc(client, uri, MAX_FIXED)
    assert dafny_findings(await published_version(client, uri, 1)) == []
    change_doc(client, uri, 2, MAX_WRONG)
    await asyncio.sleep(1.0)
    assert [p.version for p in client.published_for(uri)] == [1]
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    diagnostics = dafny_findings(await published_version(client, uri, 2))
    assert {d.code for d in diagnostics} == {"BP5003"}


async def test_verify_command_returns_the_file_result(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    uri = (tmp_path / "cmd.dfy").as_uri()
    open_doc(client, uri, MAX_WRONG)
    await published_version(client, uri, 1)
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="proof2silicon.verify", arguments=[{"uri": uri, "procedures": ["Inc"]}]
        )
    )
    assert result["status"] == "errors"
    assert {m["name"]: m["status"] for m in result["methods"]} == {
        "Max": "errors",
        "Inc": "verified",
    }
    last = client.statuses_for(uri)[-1]
    assert last.state == "done"
    reused = {s.name for s in last.symbols if s.reused}
    assert reused == {"Max"}  # Inc was asked for: verified afresh
    status = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.serverStatus")
    )
    assert status["dafny"]["major"] >= 2 and status["dafny_error"] is None
    assert status["settings"]["debounce_ms"] == 50
