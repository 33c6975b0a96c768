"""The extension in a real VS Code (code-server + Debian chromium + playwright-core).

Builds the .vsix offline, installs code-server once (scripts/e2e-setup, cached outside the repo),
then runs extension/test/e2e/run.mjs: a failing .dfy shows a squiggle and a Problems entry and
fixing it clears them; Synthesize on the verified method opens the report panel with the real
flow's numbers; Generate against the scripted OpenAI-compatible server writes verified Dafny (the key set through SecretStorage, found in no log); with a stand-in
carrying the official Dafny extension's id installed, our .dfy diagnostics are dropped. The editor
features (editorFeatures.mjs): the report's waveform and highlighted Verilog, a "not hardware" lens
and its HW warning in Problems, the quick fix that makes the method hardware, a hover with a proven
width, the outline, Verify File and Restart Server from the palette, a synthesis cancelled from its
notification (the earlier report shown stale while it runs) leaving the
failed panel, a synthesis that fails (a method that is not hardware) replacing the report on
screen with its failure, and Generate's error buttons with no endpoint configured.
Screenshots: .e2e/screenshots/*.png; summary: .e2e/result.json.

Design-space exploration (issue #13, extension/test/e2e/explore.mjs) runs as its own test, in a
session and a folder of its own (.e2e/explore/): Explore from the lens of a bundled loop kernel,
the panel's Pareto table and scatter from the real flow, and Apply writing the point's attributes
into the editor's source.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
E2E_DIR = REPO / ".e2e"


def _run(
    argv: list[str], timeout_s: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run with a time limit; past it, SIGTERM first so the e2e driver can stop code-server and
    the language server it started, then SIGKILL."""
    with subprocess.Popen(
        argv,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=None if env is None else {**os.environ, **env},
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            try:
                out, err = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            err += f"\n[killed after {timeout_s} s]"
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def _packaged_run(
    args: list[str], out: Path, *, timeout_s: float, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Build the .vsix, install code-server (cached), run `run.mjs ARGS` and return its summary
    (`OUT/result.json`) once every check in it passed."""
    package = _run(["npm", "run", "--silent", "package"], timeout_s=180)
    assert package.returncode == 0, package.stdout[-2000:] + package.stderr[-2000:]
    vsix = REPO / "extension" / "dist" / "proof2silicon.vsix"
    assert vsix.is_file() and vsix.stat().st_size > 10_000

    setup = _run([str(REPO / "scripts" / "e2e-setup")], timeout_s=300)
    assert setup.returncode == 0, setup.stderr[-3000:]

    e2e = _run(["node", "extension/test/e2e/run.mjs", *args], timeout_s=timeout_s, env=env)
    summary_file = out / "result.json"
    assert summary_file.is_file(), e2e.stderr[-4000:]
    summary: dict[str, Any] = json.loads(summary_file.read_text(encoding="utf-8"))
    failed = [c for c in summary["checks"] if not c["ok"]]
    assert e2e.returncode == 0 and summary["ok"], (
        f"failure: {summary['failure']}\nfailed checks: {failed}\n{e2e.stderr[-4000:]}"
    )
    return summary


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_extension_flows_in_code_server() -> None:
    assert shutil.which("node"), "node is required (scripts/setup)"
    assert (REPO / "node_modules" / "playwright-core").is_dir(), (
        "npm packages missing: scripts/setup"
    )

    summary = _packaged_run([], E2E_DIR, timeout_s=420)
    names = {c["name"] for c in summary["checks"]}
    for expected in (
        "failing .dfy shows an error squiggle",
        "fixing the file clears the squiggle and the Problems entry",
        "the report shows a latency and resource numbers from the flow",
        "a report link opens the generated Verilog",
        "Show Last Synthesis Report reopens the panel",
        "cancelling generation from the notification stops it, writes no Dafny and records the cancel",
        "Dafny verifies the written file",
        "Generate from a selection writes verified Dafny beside the document",
        "the API key appears in no log",
        "with the Dafny extension installed our .dfy diagnostics are dropped",
        # issue #15's editor features (extension/test/e2e/editorFeatures.mjs)
        "a .v file opened from the report is Verilog, highlighted",
        "the co-simulation log link opens the log",
        "the report draws the co-simulation waveform as SVG",
        'a method with an unbounded int gets a "not hardware: ..." lens, a bounded one "Synthesize"',
        "the HW finding is a warning in the Problems panel, with a way forward",
        "the Outline view lists the file's methods",
        'a hover on a variable shows its width, "proven by Dafny"',
        "Verify File from the command palette reports the file verified",
        "Ctrl+. offers adding a `requires` for 32-bit inputs",
        'the quick fix adds the bound and, re-verified, the lens reads "Synthesize"',
        "Restart Language Server from the palette starts a new server",
        "a synthesis that starts marks the report on screen stale",
        "cancelling a synthesis from its notification leaves the failed panel (no earlier report)",
        "a synthesis that fails replaces the earlier report with its failure (no stale PASS)",
        "Generate with no endpoint: the error toast offers Open Settings, Set API Key and Show Output",
        "its Open Settings button opens the LLM settings",
    ):
        assert expected in names
    for shot in summary["screenshots"]:
        assert Path(shot).is_file() and Path(shot).stat().st_size > 5_000, shot


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_explore_panel_applies_a_point_to_the_source() -> None:
    """Explore a bundled loop kernel from its lens (3 points: proof2silicon.explore.maxPoints),
    then Apply a point of the front in the panel: its attributes appear in the editor's source."""
    assert shutil.which("node"), "node is required (scripts/setup)"
    out = E2E_DIR / "explore"
    summary = _packaged_run(
        ["--only", "explore"],
        out,
        timeout_s=660,
        env={"P2S_E2E_DIR": str(out), "P2S_E2E_LIMIT_S": "600"},
    )
    names = {c["name"] for c in summary["checks"]}
    for expected in (
        'a verified loop kernel gets an "Explore" lens beside "Synthesize"',
        "the exploration runs under a progress notification with Cancel",
        "the panel lists every explored point, co-simulated and passed, with its numbers",
        "each point of the Pareto front, and only those, has an Apply button",
        "the scatter draws the front's points",
        "Apply writes the point's attributes into the editor's source",
        "the edit is the editor's (unsaved), the file on disk untouched",
        "the edited source verifies again",
        "Undo takes the point's attributes out again",
    ):
        assert expected in names
    shots = {Path(s).name for s in summary["screenshots"]}
    assert {"26-explore-panel.png", "27-explore-point-applied.png"} <= shots
    for shot in summary["screenshots"]:
        assert Path(shot).is_file() and Path(shot).stat().st_size > 5_000, shot
