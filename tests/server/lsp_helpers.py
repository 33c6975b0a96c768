"""Helpers to drive the real language server (`python -m server`) over stdio with pytest-lsp."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
STATUS = "proof2silicon/verificationStatus"

MAX_WRONG = """method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  if a > b { m := a; } else { m := a; }
}

method Inc(x: int) returns (y: int)
  ensures y == x + 1
{
  y := x + 1;
}
"""
MAX_FIXED = MAX_WRONG.replace("else { m := a; }", "else { m := b; }")

SLOW_LEMMA = """lemma Slow(x: int, y: int, z: int)
  requires x > 1 && y > 1 && z > 1
  ensures x * x * x + y * y * y != z * z * z
{
}
"""


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics and status notification."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.statuses: list[Any] = []

    def statuses_for(self, uri: str) -> list[Any]:
        return [s for s in self.statuses if s.uri == uri]

    def published_for(self, uri: str) -> list[lsp.PublishDiagnosticsParams]:
        return [p for p in self.published if p.uri == uri]


def _publish(client: RecordingClient, params: lsp.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _status(client: RecordingClient, params: Any) -> None:
    client.statuses.append(params)


def make_client() -> RecordingClient:
    from pygls.protocol import default_converter

    client = RecordingClient(converter_factory=default_converter)
    features = {
        **DEFAULT_CLIENT_FEATURES,
        lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish,
        STATUS: _status,
    }
    register_lsp_features(client, features)
    return client


def capabilities(*, progress: bool = True) -> lsp.ClientCapabilities:
    return lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True
            ),
        ),
        workspace=lsp.WorkspaceClientCapabilities(configuration=True),
        window=lsp.WindowClientCapabilities(work_done_progress=progress),
    )


async def wait_until(
    predicate: Callable[[], object], timeout_s: float = 60.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        await asyncio.sleep(0.02)


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "dafny") -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def published_version(
    client: RecordingClient, uri: str, version: int
) -> list[lsp.Diagnostic]:
    await wait_until(
        lambda: any(p.version == version for p in client.published_for(uri)),
        what=f"diagnostics of {uri} v{version}",
    )
    return list([p for p in client.published_for(uri) if p.version == version][-1].diagnostics)


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """`text` with a workspace edit's text edits applied, as the client would."""
    lines = text.splitlines(keepends=True)

    def offset(p: lsp.Position) -> int:
        return sum(len(s) for s in lines[: p.line]) + p.character

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def dafny_findings(diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    """The verifier's findings only: the front end's hardware findings (HW codes, warnings on
    methods that cannot become hardware, e.g. unbounded `int` inputs) left out."""
    return [d for d in diagnostics if not str(d.code or "").startswith("HW")]


def server_descendants(pid: int) -> dict[int, str]:
    """pid -> command line of every live process below `pid`."""
    children: dict[int, list[int]] = {}
    cmdlines: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            state = stat[stat.rindex(")") + 2 :].split()[0]
            if state == "Z":
                continue
            cmdlines[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
        except (OSError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        p = todo.pop()
        if p in cmdlines:
            found[p] = cmdlines[p]
        todo.extend(children.get(p, []))
    return found


StartServer = Callable[..., Awaitable[RecordingClient]]
