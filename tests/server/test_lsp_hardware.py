"""Hardware status in the editor, through the real server over stdio with the real Dafny: the
front end's findings as located diagnostics and per-method readiness, quick fixes that state the
missing bounds, hovers with ranges Dafny proved (and that never start a verifier run), the
outline, and synthesis of a verified method next to a method that does not verify."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from lsp_helpers import (
    REPO,
    RecordingClient,
    StartServer,
    apply_edits,
    change_doc,
    open_doc,
    published_version,
    wait_until,
)
from lsprotocol import types as lsp

MIXED = """\
method Add(x: int, y: int) returns (z: int)
{
  z := x + y;
}

method Half(x: int) returns (y: real)
  requires 0 <= x < 16
{
  var h := 2.0;
  y := x as real / h;
}

method Clamp(a: int, b: int) returns (s: int)
  requires 0 <= a < 256 && 0 <= b < 256
{
  s := a + b;
  if s > 255 { s := 255; }
}
"""

BROKEN_NEIGHBOUR = (
    (REPO / "examples" / "saturating_add.dfy").read_text()
    + """
method Wrong(x: int) returns (y: int)
  ensures y == x + 1
{
  y := x;
}
"""
)


def _done(client: RecordingClient, uri: str, version: int) -> Any:
    found = [s for s in client.statuses_for(uri) if s.version == version and s.state == "done"]
    return found[-1] if found else None


async def _done_status(client: RecordingClient, uri: str, version: int) -> Any:
    await wait_until(lambda: _done(client, uri, version) is not None, what=f"status v{version}")
    return _done(client, uri, version)


def _hardware(status: Any) -> dict[str, Any]:
    return {s.name: s.hardware for s in status.symbols}


def _hw(diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    return [d for d in diagnostics if str(d.code).startswith("HW")]


async def _hover(client: RecordingClient, uri: str, line: int, character: int) -> str | None:
    found = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=line, character=character),
        )
    )
    if found is None:
        return None
    assert isinstance(found.contents, lsp.MarkupContent)
    return found.contents.value


async def _runs(client: RecordingClient) -> int:
    status = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="proof2silicon.serverStatus", arguments=[])
    )
    return int(status["verifier_runs"])


async def test_hardware_findings_are_located_diagnostics_and_lens_verdicts(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"proveWidths": False})
    uri = (tmp_path / "mixed.dfy").as_uri()
    open_doc(client, uri, MIXED)
    diagnostics = await published_version(client, uri, 1)
    status = await _done_status(client, uri, 1)
    assert {s.name: s.status for s in status.symbols} == {
        "Add": "verified",
        "Half": "verified",
        "Clamp": "verified",
    }
    hardware = _hardware(status)
    assert hardware["Clamp"].ready is True
    assert hardware["Add"].ready is False and hardware["Add"].code == "HW202"
    assert "x has no bound" in hardware["Add"].reason
    assert hardware["Half"].ready is False and hardware["Half"].code == "HW105"

    hw = _hw(diagnostics)
    add = [d for d in hw if d.data["symbol"] == "Add"]
    # at the parameter itself, with the bound that would fix it
    x = next(d for d in add if d.message.startswith("x has no bound"))
    assert (x.range.start.line, x.range.start.character) == (0, 11)
    assert "add `requires -2147483648 <= x <= 2147483647`" in x.message
    assert x.severity == lsp.DiagnosticSeverity.Warning  # correct Dafny, not hardware
    # Problems names the hardware front end as the finding's source, not Dafny
    assert {d.source for d in hw} == {"proof2silicon"}
    half = [d for d in hw if d.data["symbol"] == "Half"]
    # the real literal itself is squiggled, with a way forward
    literal = next(d for d in half if d.range.start.line == 8)
    assert (literal.code, literal.range.start.character) == ("HW105", 11)
    assert "way forward: use bounded integers (fixed point)" in literal.message
    assert not [d for d in hw if d.data["symbol"] == "Clamp"]


async def test_quick_fix_adds_the_bounds_and_the_method_becomes_hardware(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"proveWidths": False})
    uri = (tmp_path / "add.dfy").as_uri()
    text = MIXED.split("\nmethod Half")[0]
    open_doc(client, uri, text)
    diagnostics = _hw(await published_version(client, uri, 1))
    assert diagnostics and _hardware(await _done_status(client, uri, 1))["Add"].ready is False
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=diagnostics),
        )
    )
    assert actions
    fixes = [a for a in actions if isinstance(a, lsp.CodeAction)]
    preferred = next(a for a in fixes if a.is_preferred)
    assert preferred.kind == lsp.CodeActionKind.QuickFix
    assert "32 bits" in preferred.title
    assert preferred.edit is not None and preferred.edit.changes is not None
    (edit,) = preferred.edit.changes[uri]
    fixed = apply_edits(text, [edit])
    assert "requires -2147483648 <= x <= 2147483647" in fixed

    change_doc(client, uri, 2, fixed)
    assert _hw(await published_version(client, uri, 2)) == []
    status = await _done_status(client, uri, 2)
    assert status.status == "verified"
    assert _hardware(status)["Add"].ready is True


GROWING = """\
method Factorial(n: nat) returns (f: nat)
  requires n <= 20
{
  f := 1;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
  {
    i := i + 1;
    f := f * i;
  }
}
"""


async def test_quick_fix_checks_a_growing_result_at_run_time(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"proveWidths": False})
    uri = (tmp_path / "fact.dfy").as_uri()
    open_doc(client, uri, GROWING)
    diagnostics = _hw(await published_version(client, uri, 1))
    f = next(d for d in diagnostics if d.message.startswith("f has no bound"))
    assert "{:hls_overflow_check 32}" in f.message
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=f.range,
            context=lsp.CodeActionContext(diagnostics=diagnostics),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, lsp.CodeAction)]
    check = next(a for a in fixes if a.title.startswith("Check f at run time"))
    assert check.edit is not None and check.edit.changes is not None
    (edit,) = check.edit.changes[uri]
    fixed = apply_edits(GROWING, [edit])
    assert fixed.startswith("method {:hls_overflow_check 32} Factorial(n: nat)")

    change_doc(client, uri, 2, fixed)
    assert _hw(await published_version(client, uri, 2)) == []
    status = await _done_status(client, uri, 2)
    assert status.status == "verified"  # Dafny ignores the attribute
    assert _hardware(status)["Factorial"].ready is True


async def test_hover_shows_the_width_dafny_proved_and_starts_no_run(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server()
    source = (REPO / "examples" / "kernels" / "sum.dfy").read_text()
    uri = (tmp_path / "sum.dfy").as_uri()
    open_doc(client, uri, source)
    await published_version(client, uri, 1)
    line = source.splitlines().index("    s := s + a[i];")
    # The width proof runs after the lens is out (one Dafny run); the hover then says so.
    deadline = time.monotonic() + 120
    shown = None
    while time.monotonic() < deadline:
        shown = await _hover(client, uri, line, 4)
        if shown is not None and shown.endswith(", proven by Dafny"):
            break
        await asyncio.sleep(0.2)
    assert shown == "`s: u12`, [0, 4080], proven by Dafny"

    runs = await _runs(client)
    elapsed: list[float] = []
    for _ in range(20):
        started = time.perf_counter()
        assert await _hover(client, uri, line, 4) == shown
        elapsed.append(time.perf_counter() - started)
    assert await _runs(client) == runs, "a hover started a verifier run"
    header = next(i for i, t in enumerate(source.splitlines()) if t.startswith("method Sum("))
    param = source.splitlines()[header]
    on_a = await _hover(client, uri, header, param.index("a:"))
    assert on_a is not None and "`a[..]: u8`, [0, 255], from the precondition" in on_a
    loop = next(i for i, t in enumerate(source.splitlines()) if t.strip().startswith("while "))
    assert await _hover(client, uri, loop, 3) == (
        "loop in **Sum**: at most 16 iterations (from its `decreases` and the ranges of its "
        "variables)"
    )
    on_method = await _hover(client, uri, header, param.index("Sum"))
    assert on_method is not None and "hardware-ready" in on_method
    # nothing on a function (no hardware of its own) or outside any declaration
    assert await _hover(client, uri, 3, 10) is None
    assert await _hover(client, uri, 0, 5) is None
    # An edit elsewhere (a new method that is not hardware): Sum is reused by the planner and
    # keeps its proven widths; the only verifier run is the verification of the new method.
    edited = source + "\nmethod Add(x: int, y: int) returns (z: int)\n{\n  z := x + y;\n}\n"
    change_doc(client, uri, 2, edited)
    status = await _done_status(client, uri, 2)
    assert {s.name: s.reused for s in status.symbols}["Sum"] is True
    assert await _hover(client, uri, line, 4) == "`s: u12`, [0, 4080], proven by Dafny"
    assert await _runs(client) == runs + 1
    print(
        f"hover latency: median {sorted(elapsed)[10] * 1000:.1f} ms, max {max(elapsed) * 1000:.1f} ms"
    )


async def test_document_symbols_outline(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server({"verifyOn": "never"})
    uri = (tmp_path / "outline.dfy").as_uri()
    open_doc(
        client,
        uri,
        "module M {\n  class C {\n    method A() {}\n  }\n  function F(x: int): int { x }\n}\n"
        "lemma L() {}\nmethod Top() {}\n",
    )
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None
    tree = [
        (s.name, s.kind, [(c.name, [g.name for g in c.children or []]) for c in s.children or []])
        for s in symbols
        if isinstance(s, lsp.DocumentSymbol)
    ]
    assert tree == [
        ("M", lsp.SymbolKind.Module, [("C", ["A"]), ("F", [])]),
        ("L", lsp.SymbolKind.Method, []),
        ("Top", lsp.SymbolKind.Method, []),
    ]
    top = symbols[-1]
    assert isinstance(top, lsp.DocumentSymbol)
    assert (top.selection_range.start.line, top.selection_range.start.character) == (7, 7)


@pytest.mark.slow
async def test_a_verified_method_synthesizes_beside_one_that_does_not_verify(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server({"proveWidths": False})
    path = tmp_path / "hw.dfy"
    path.write_text(BROKEN_NEIGHBOUR)
    uri = path.as_uri()
    open_doc(client, uri, BROKEN_NEIGHBOUR)
    status = await _done_status(client, uri, 1)
    assert {s.name: s.status for s in status.symbols} == {
        "SaturatingAdd": "verified",
        "Wrong": "errors",
    }
    params = {"uri": uri, "method": "SaturatingAdd", "fmax": False, "vectors": 8}
    result = await asyncio.wait_for(
        client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="proof2silicon.synthesize", arguments=[params])
        ),
        300,
    )
    assert result["report"]["cosim"]["verdict"] == "passed"
    # the broken method itself is still refused, naming it
    with pytest.raises(Exception, match=r"Wrong in .* is not verified"):
        await asyncio.wait_for(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(
                    command="proof2silicon.synthesize",
                    arguments=[{**params, "method": "Wrong"}],
                )
            ),
            120,
        )
