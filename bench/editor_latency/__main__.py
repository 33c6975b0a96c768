"""Editor latency: time from an edit to its published diagnostics, for a 20-method Dafny file.

    python -m bench.editor_latency [--edits N] [--methods M]

Starts the real language server (`python -m server`) once per mode over stdio, opens the same
file in each, then edits one method at a time (alternating a change that keeps it verified and
one that breaks it) and times `didChange` -> `publishDiagnostics` for that version. The modes
take turns edit by edit, so machine load hits them alike:

- whole-file: every edit verifies the whole file with a fresh Dafny process (incremental and
  warm verifier off): what an editor does without this work;
- warm whole-file: the whole file re-sent to a warm DafnyServer.exe (incremental off): shows
  what the warm process alone brings;
- incremental: warm server plus per-declaration planning (only the edited method is verified,
  the other results carried over): the server's default;
- cold incremental (only with `--modes`): per-declaration planning on a fresh Dafny process per
  edit, as with Dafny 4.x where there is no DafnyServer.exe.

Prints each mode's median and the ratio incremental / whole-file (target <= 0.1, issue #15).
Each server gets an empty result cache and the edited method's text is new at every edit, so no
edit is served from a cache. The method edited before it is restored at the same time (an undo:
one method differs from the original file); the incremental mode answers that one from the
result that saw its text (`toolchain.dafny.incremental`), as it would a user's undo.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from bench.language_server import start_server

TARGET_RATIO = 0.1

MODES: dict[str, dict[str, Any]] = {
    "whole-file": {"incremental": False, "warmVerifier": False},
    "warm whole-file": {"incremental": False, "warmVerifier": True},
    "incremental": {"incremental": True, "warmVerifier": True},
    # Per-declaration `/proc:` runs of a fresh Dafny each time: what Dafny 4.x users (no
    # DafnyServer.exe) get. Not run by default (slow); `--modes` adds it.
    "cold incremental": {"incremental": True, "warmVerifier": False},
}
DEFAULT_MODES = ("whole-file", "warm whole-file", "incremental")


def method_source(i: int, k: int = 0, broken: bool = False) -> str:
    """Method i of the file; k varies its text so that every edit is new, `broken` fails it."""
    bound = "i + 1" if broken else "i"
    kind = i % 4
    if kind == 0:
        return f"""method MaxArr_{i}(a: array<int>) returns (m: int)
  requires a.Length > 0
  ensures forall j :: 0 <= j < a.Length ==> a[j] <= m
  ensures exists j :: 0 <= j < a.Length && a[j] == m
{{
  m := a[0];
  var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
    invariant forall j :: 0 <= j < {bound} ==> a[j] <= m
    invariant exists j :: 0 <= j < i && a[j] == m
  {{
    if a[i] > m {{ m := a[i]; }}
    i := i + 1;
  }}
  assert m + {k} >= a[0] + {k};
}}
"""
    if kind == 1:
        return f"""function SumTo_{i}(n: nat): nat {{ if n == 0 then 0 else n + SumTo_{i}(n - 1) }}

method ComputeSum_{i}(n: nat) returns (s: nat)
  ensures s == SumTo_{i}(n)
{{
  s := 0;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
    invariant s == SumTo_{i}({bound})
  {{
    i := i + 1;
    s := s + i;
  }}
  assert s + {k} == SumTo_{i}(n) + {k};
}}
"""
    if kind == 2:
        return f"""method LinearSearch_{i}(a: array<int>, key: int) returns (idx: int)
  ensures 0 <= idx ==> idx < a.Length && a[idx] == key
  ensures idx < 0 ==> forall j :: 0 <= j < a.Length ==> a[j] != key
{{
  idx := 0;
  while idx < a.Length
    invariant 0 <= idx <= a.Length
    invariant forall j :: 0 <= j < {"idx + 1" if broken else "idx"} ==> a[j] != key
  {{
    if a[idx] == key {{ return; }}
    idx := idx + 1;
  }}
  idx := -1 - {k};
}}
"""
    return f"""method Swap_{i}(a: array<int>, x: int, y: int)
  requires 0 <= x < a.Length && 0 <= y < a.Length
  modifies a
  ensures a[x] == old(a[y]) && a[y] == old(a[x])
  ensures forall j :: 0 <= j < a.Length && j != x && j != y ==> a[j] == old(a[j])
{{
  var t := a[x] + {k};
  a[x] := a[y];
  a[y] := t - {k}{" + 1" if broken else ""};
}}
"""


def file_source(methods: int, edits: dict[int, tuple[int, bool]] | None = None) -> str:
    edits = edits or {}
    return "\n".join(method_source(i, *edits.get(i, (0, False))) for i in range(methods))


@dataclass
class Session:
    name: str
    settings: dict[str, Any]
    cache: str
    client: LanguageClient = field(init=False)
    uri: str = "file:///bench/editor_latency/Twenty.dfy"
    version: int = 1
    published: dict[int, list[lsp.Diagnostic]] = field(default_factory=dict)
    arrived: dict[int, asyncio.Event] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    first_s: float = 0.0

    async def start(self) -> None:
        client = LanguageClient("editor-latency-bench", "1")
        settings = {"debounceMs": 0, **self.settings}

        @client.feature(lsp.WORKSPACE_CONFIGURATION)
        def configuration(params: lsp.ConfigurationParams) -> list[Any]:
            return [settings for _ in params.items]

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            if params.uri == self.uri and params.version is not None:
                # Dafny's findings: the front end's hardware findings (HW codes: these methods
                # have unbounded inputs) come with every version and are not what is timed
                self.published[params.version] = [
                    d for d in params.diagnostics if not str(d.code or "").startswith("HW")
                ]
                self.arrived.setdefault(params.version, asyncio.Event()).set()

        @client.feature("proof2silicon/verificationStatus")
        def status(params: Any) -> None:
            return None  # per-method status: not what this benchmark times

        @client.feature(lsp.WINDOW_LOG_MESSAGE)
        def log_message(params: lsp.LogMessageParams) -> None:
            if params.type == lsp.MessageType.Error:
                print(f"[{self.name}] server error: {params.message}", file=sys.stderr)

        await start_server(client, self.cache)
        self.client = client

    async def wait(self, version: int, timeout_s: float = 300) -> list[lsp.Diagnostic]:
        event = self.arrived.setdefault(version, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout_s)
        return self.published[version]

    async def open(self, text: str) -> None:
        started = time.monotonic()
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=self.uri, language_id="dafny", version=1, text=text
                )
            )
        )
        diagnostics = await self.wait(1)
        self.first_s = time.monotonic() - started
        if diagnostics:
            raise SystemExit(f"[{self.name}] the unedited file should verify: {diagnostics}")

    async def edit(self, text: str, broken: bool) -> float:
        self.version += 1
        version = self.version
        started = time.monotonic()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        diagnostics = await self.wait(version)
        elapsed = time.monotonic() - started
        if bool(diagnostics) != broken:
            raise SystemExit(
                f"[{self.name}] edit {version}: expected {'errors' if broken else 'none'}, "
                f"got {[d.message for d in diagnostics]}"
            )
        self.times.append(elapsed)
        return elapsed

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.shutdown_async(None), 30)
            self.client.exit(None)
        await self.client.stop()


async def run(edits: int, methods: int, modes: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="p2s-bench-latency-") as tmp:
        sessions = [
            Session(name, MODES[name], str(Path(tmp) / f"cache-{i}"))
            for i, name in enumerate(modes)
        ]
        text = file_source(methods)
        try:
            for s in sessions:
                await s.start()
                await s.open(text)
            print(
                f"{methods}-method file, {text.count(chr(10))} lines; {edits} edits, one method each"
            )
            print(
                "first verification on open (cold): "
                + ", ".join(f"{s.name} {s.first_s:.2f} s" for s in sessions)
            )
            print()
            header = f"{'edit':>4}  {'method':<16} {'kind':<8}" + "".join(
                f"{s.name:>19}" for s in sessions
            )
            print(header)
            state: dict[int, tuple[int, bool]] = {}
            for k in range(1, edits + 1):
                target = (k * 7) % methods
                broken = k % 2 == 0
                state = {target: (k, broken)}  # earlier edits are undone: one method differs
                new_text = file_source(methods, state)
                row = []
                for s in sessions:
                    row.append(await s.edit(new_text, broken))
                name = re.findall(r"method (\w+)", method_source(target))[0]
                print(
                    f"{k:>4}  {name:<16} {'breaks' if broken else 'keeps':<8}"
                    + "".join(f"{t:>17.3f} s" for t in row)
                )
        finally:
            for s in sessions:
                await s.stop()
    medians = {s.name: statistics.median(s.times) for s in sessions}
    print()
    for name, m in medians.items():
        print(f"median {name:<16} {m:7.3f} s")
    ratio = medians["incremental"] / medians["whole-file"]
    for name in modes:
        if name not in ("whole-file", "incremental"):
            other = medians[name] / medians["whole-file"]
            print(f"ratio {name} / whole-file: {other:.3f}")
    print(
        f"ratio incremental / whole-file:     {ratio:.3f}  "
        f"(target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'})"
    )
    return 0 if ratio <= TARGET_RATIO else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.editor_latency", description=__doc__)
    parser.add_argument("--edits", type=int, default=8, help="timed edits per mode")
    parser.add_argument("--methods", type=int, default=20, help="methods in the file")
    parser.add_argument(
        "--modes",
        default=",".join(DEFAULT_MODES),
        help=f"comma-separated, from: {', '.join(MODES)} (whole-file and incremental required)",
    )
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.edits < 1 or args.methods < 2:
        parser.error("need at least one edit and two methods")
    if not {"whole-file", "incremental"} <= set(modes) or not set(modes) <= set(MODES):
        parser.error(
            f"--modes: choose from {', '.join(MODES)}, including whole-file and incremental"
        )
    return asyncio.run(run(args.edits, args.methods, modes))


if __name__ == "__main__":
    raise SystemExit(main())
