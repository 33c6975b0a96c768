"""Hover latency: how long a hover on a variable takes once the method's verification (and its
width proof) finished, and that hovers start no verifier run.

    python -m bench.hover_latency [--hovers N] [--file examples/kernels/sum.dfy]

Starts the real language server (`python -m server`) over stdio, opens the file, waits until a
hover on the accumulator says "proven by Dafny" (the background width proof is done), then
times N hovers (`textDocument/hover` request -> response) over the method's variables and prints
the median and the slowest, with the server's verifier-run count before and after (target: a
median under 100 ms, no run started).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from bench.language_server import REPO, start_server

TARGET_MS = 100.0


async def run(path: Path, hovers: int) -> int:
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    client = LanguageClient("hover-latency-bench", "1")

    @client.feature(lsp.WORKSPACE_CONFIGURATION)
    def configuration(params: lsp.ConfigurationParams) -> list[Any]:
        return [{"debounceMs": 0} for _ in params.items]

    @client.feature("proof2silicon/verificationStatus")
    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def ignored(params: Any) -> None:
        return None  # not what this benchmark times

    with tempfile.TemporaryDirectory(prefix="p2s-bench-hover-") as cache:
        await start_server(client, cache)
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id="dafny", version=1, text=text
                )
            )
        )
        # every identifier inside method bodies: what a user would point at
        points = [
            (line, col)
            for line, content in enumerate(text.splitlines())
            for col, ch in enumerate(content)
            if ch.isalpha() and (col == 0 or not content[col - 1].isalnum()) and ":=" in content
        ]

        async def hover(line: int, col: int) -> str | None:
            found = await client.text_document_hover_async(
                lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=lsp.Position(line=line, character=col),
                )
            )
            contents = found.contents if found is not None else None
            return contents.value if isinstance(contents, lsp.MarkupContent) else None

        async def runs() -> int:
            status = await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="proof2silicon.serverStatus", arguments=[])
            )
            return int(status["verifier_runs"])

        started = time.monotonic()
        while time.monotonic() - started < 300:
            shown = [await hover(*p) for p in points]
            if any(s is not None and s.endswith("proven by Dafny") for s in shown):
                break
            await asyncio.sleep(0.2)
        ready_s = time.monotonic() - started
        before = await runs()
        times: list[float] = []
        answered = 0
        for k in range(hovers):
            line, col = points[k % len(points)]
            t = time.perf_counter()
            answered += await hover(line, col) is not None
            times.append((time.perf_counter() - t) * 1000)
        after = await runs()
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    median = statistics.median(times)
    print(f"{path.name}: proven widths shown {ready_s:.2f} s after opening")
    print(
        f"{hovers} hovers ({answered} with content): median {median:.2f} ms, max {max(times):.2f} ms"
    )
    print(f"verifier runs: {before} before the hovers, {after} after")
    ok = median < TARGET_MS and after == before
    print(f"target median < {TARGET_MS:g} ms and no run started: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hover_latency", description=__doc__)
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--file", type=Path, default=REPO / "examples" / "kernels" / "sum.dfy")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.file, args.hovers))


if __name__ == "__main__":
    raise SystemExit(main())
