"""`p2s synth` on the bundled example, as a user runs it: Verilog, a report with real yosys and
nextpnr numbers, a passing co-simulation, and an instant second run."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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


def _user_files(root: Path) -> dict[str, bytes]:
    files = {
        "rtl/my_design.v": b"module my_design; endmodule\n",
        "hls/keep.txt": b"keep me\n",
        "report.json": b'{"mine": true}\n',
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


@pytest.mark.slow
def test_relative_out_from_an_odd_working_directory(tmp_path: Path) -> None:
    """The issue's `make demo` failure: a relative --out, with yosys, nextpnr, iverilog, XLS and
    Dafny's reference each running in a folder of its own; the file is given relatively too."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "sat.dfy").write_text(EXAMPLE.read_text())
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    args = ["synth", "../../src/sat.dfy", "--method", "SaturatingAdd", "--out", "out/rel"]
    env = {**os.environ, "P2S_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}

    def p2s(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "toolchain.cli", *args, "--vectors", "8", *extra],
            cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip

    first = p2s("--assume-max-length", "8")
    assert first.returncode == 0, first.stderr + first.stdout
    out = work / "out" / "rel"
    report = json.loads((out / "report.json").read_text())
    assert report["cosim"]["verdict"] == "passed" and report["cosim"]["vectors_run"] == 8
    assert report["resources"]["lut"] > 0 and report["timing"]["nextpnr_fmax_mhz"] > 0
    assert (out / "synth" / "yosys_xilinx.log").exists() and (out / "fmax" / "nextpnr.log").exists()
    # one warning for the one contract option given, naming only what it assumed
    contract = [w for w in report["warnings"] if "hardware contract" in w]
    assert contract == [
        "hardware contract beyond the precondition: arrays whose length the precondition "
        "leaves unbounded are assumed to hold at most 8 elements"
    ]
    assert "None" not in first.stdout and first.stdout.count("hardware contract") == 1
    owned = json.loads((out / ".p2s-files.json").read_text())
    assert owned["complete"] and "rtl/SaturatingAdd.v" in owned["files"]
    assert "report.json" in owned["files"] and "cosim/sim.vvp" in owned["files"]

    # a rerun over its own output is fine and leaves only its own files
    second = p2s("--no-cache", "--no-fmax")
    assert second.returncode == 0, second.stderr + second.stdout
    assert not (out / "fmax").exists()  # the previous run's files that this one did not rewrite

    # the user's files beside them: refused, nothing touched; forced, they are kept
    users = _user_files(out)
    refused = p2s("--no-cache", "--no-fmax")
    assert refused.returncode == 2 and "did not write" in refused.stderr
    assert "[verify]" not in refused.stderr
    assert all((out / rel).read_bytes() == data for rel, data in users.items())
    forced = p2s("--no-cache", "--no-fmax", "--force")
    assert forced.returncode == 0, forced.stderr + forced.stdout
    assert (out / "rtl" / "my_design.v").read_bytes() == users["rtl/my_design.v"]
    assert (out / "hls" / "keep.txt").read_bytes() == users["hls/keep.txt"]
    assert json.loads((out / "report.json").read_text())["cosim"]["verdict"] == "passed"
    manifest = json.loads((out / "manifest.json").read_text())
    evidence = {a["path"] for a in manifest["artifacts"]}
    assert "rtl/SaturatingAdd.v" in evidence and "rtl/my_design.v" not in evidence
    assert "hls/keep.txt" not in evidence
    owned = json.loads((out / ".p2s-files.json").read_text())
    assert "rtl/my_design.v" not in owned["files"] and "report.json" in owned["files"]


@pytest.mark.slow
def test_make_demo_verbatim_in_a_copy_of_the_repository(tmp_path: Path) -> None:
    """The README's first command, as typed, from the root of a fresh copy of the repository
    (its files as git lists them; the virtual environment and npm packages shared, set-up stamps copied so
    `scripts/setup` finds everything installed and changes nothing)."""
    copy = tmp_path / "repo"
    # tracked files and new ones not ignored: the working tree as a clone of it would hold it
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = raw.decode()
        if (REPO / rel).is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, copy / rel)
    # the stamps scripts/setup checks: with them it installs nothing into the shared .venv
    stamps = REPO / ".setup-stamps"
    pip = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()[:16]
    npm_inputs = (REPO / "package.json").read_bytes() + (REPO / "package-lock.json").read_bytes()
    npm = hashlib.sha256(npm_inputs).hexdigest()[:16]
    assert (stamps / f"pip-{pip}").exists() and (stamps / f"npm-{npm}").exists(), (
        "run scripts/setup first"
    )
    shutil.copytree(stamps, copy / ".setup-stamps")
    (copy / ".venv").symlink_to(REPO / ".venv")
    (copy / "node_modules").symlink_to(REPO / "node_modules")
    demo = subprocess.run(
        ["make", "demo"],
        cwd=copy,
        # the copy's code, not the editable install's
        env={**os.environ, "PYTHONPATH": str(copy), "P2S_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr[-3000:] + demo.stdout[-2000:]
    assert "co-simulation: passed (64/64" in demo.stdout
    out = copy / "out" / "demo"
    report = json.loads((out / "report.json").read_text())
    assert report["method"] == "SaturatingAdd" and report["cosim"]["verdict"] == "passed"
    assert report["resources"]["source"].endswith("synth_xilinx") and report["resources"]["lut"] > 0
    assert report["ice40_resources"]["lut"] > 0 and report["timing"]["nextpnr_fmax_mhz"] > 0
    assert report["source_file"] == "examples/saturating_add.dfy"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["verification_status"] == "verified"
    assert manifest["content_key"] == report["content_key"]
    assert (out / "rtl" / "SaturatingAdd.v").exists() and (out / "report.html").exists()
    # the set-up step found everything in place: the shared environment was not reinstalled
    assert "installing" not in demo.stderr
