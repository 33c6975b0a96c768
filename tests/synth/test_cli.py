"""`p2s synth` on the bundled example, as a user runs it: Verilog, a report with real yosys and
nextpnr numbers, a passing co-simulation, and an instant second run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "saturating_add.dfy"


def _p2s(*args: str, cache: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolchain.cli", *args],
        cwd=REPO,
        env={**os.environ, "P2S_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_p2s_synth_bundled_example(tmp_path: Path) -> None:
    out = tmp_path / "sat"
    args = [
        "synth",
        str(EXAMPLE),
        "--method",
        "SaturatingAdd",
        "--out",
        str(out),
        "--vectors",
        "32",
    ]
    first = _p2s(*args, cache=tmp_path / "cache")
    assert first.returncode == 0, first.stderr + first.stdout
    for stage in ("[verify]", "[lower]", "[hls]", "[synth]", "[fmax]", "[cosim]", "[report]"):
        assert stage in first.stderr
    assert "co-simulation: passed (32/32" in first.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["cosim"]["verdict"] == "passed"
    assert report["resources"]["source"].endswith("synth_xilinx")
    assert report["resources"]["lut"] > 0 and report["resources"]["ff"] > 0
    assert report["ice40_resources"]["lut"] > 0
    assert report["timing"]["nextpnr_fmax_mhz"] > 0
    assert report["latency"]["measured_max_cycles"] == report["latency"]["estimate_cycles"]
    assert {p["name"] for p in report["ports"]} >= {"clk", "rst", "a", "b", "s", "in_valid"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["verification_status"] == "verified"
    assert manifest["content_key"] == report["content_key"]
    assert (out / "rtl" / "SaturatingAdd.v").exists() and (out / "cosim.log").exists()
    assert (out / "report.html").read_text().count("<svg") >= 2

    started = time.monotonic()
    again = _p2s(*args, cache=tmp_path / "cache")
    assert again.returncode == 0
    assert "(cached)" in again.stdout
    assert "[hls]" not in again.stderr
    assert time.monotonic() - started < 20

    # a changed input is not served from the cache
    (out / "rtl" / "SaturatingAdd.v").write_text("// edited\n")
    third = _p2s(*args, "--no-fmax", "--target", "ice40", cache=tmp_path / "cache")
    assert third.returncode == 0 and "(cached)" not in third.stdout
    assert json.loads((out / "report.json").read_text())["resources"]["source"].endswith(
        "synth_ice40"
    )


def test_p2s_synth_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    missing = _p2s("synth", str(tmp_path / "none.dfy"), "--method", "M", cache=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("p2s: error:") and "Traceback" not in missing.stderr
    two = tmp_path / "two.dfy"
    two.write_text(
        "method A(x: int) returns (y: int) { y := x; }\nmethod B(x: int) returns (y: int) { y := x; }\n"
    )
    ambiguous = _p2s("synth", str(two), cache=tmp_path)
    assert ambiguous.returncode == 2 and "--method" in ambiguous.stderr
