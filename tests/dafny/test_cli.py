"""`p2s verify`: compiler-style text, JSON, exit codes and one-line errors for bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"
REPO = Path(__file__).resolve().parents[2]


def p2s(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "P2S_CACHE_DIR": str(REPO / ".p2s-cache" / "tests"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "toolchain.cli", "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        cwd=REPO,
    )


def test_failing_postcondition_text_and_exit_code() -> None:
    f = str(SAMPLES / "postcondition.dfy")
    r = p2s(f)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert f"{f}:3:1: error: A postcondition might not hold on this return path. [BP5003]" in lines
    assert f"{f}:2:23: note: This is the postcondition that might not hold." in lines


def test_json_carries_both_ranges() -> None:
    r = p2s("--json", str(SAMPLES / "postcondition.dfy"))
    assert r.returncode == 1
    data = json.loads(r.stdout)
    [d] = [d for d in data["files"][0]["diagnostics"] if d["category"] == "verification"]
    assert d["range"]["start"] == {"line": 2, "character": 0}
    assert d["related"][0]["location"]["range"]["start"] == {"line": 1, "character": 22}
    assert data["failed"] == 1 and data["verified"] == 0


def test_verified_file_exits_zero() -> None:
    r = p2s(str(REPO / "examples" / "saturating_add.dfy"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert ": verified (" in r.stdout


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    assert "no such file" in one_line_error(p2s(str(tmp_path / "missing.dfy")))
    assert "is a directory" in one_line_error(p2s(str(tmp_path)))
    latin1 = tmp_path / "latin1.dfy"
    latin1.write_bytes(b"// caf\xe9\nmethod M() {}\n")
    assert "not UTF-8" in one_line_error(p2s(str(latin1)))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert "not a Dafny file" in one_line_error(p2s(str(text)))
    big = tmp_path / "big.dfy"
    big.write_text("// x\n" * 600_000)
    assert "over the" in one_line_error(p2s(str(big)))


def test_dafny_not_installed_says_how_to_install() -> None:
    msg = one_line_error(
        p2s(str(SAMPLES / "postcondition.dfy"), env={"P2S_DAFNY": "/nonexistent/dafny"})
    )
    assert "Dafny not found" in msg and "apt-get install dafny" in msg


def test_dafny_crash_is_a_tool_error(tmp_path: Path) -> None:
    # Not a fake verifier: a stand-in that crashes, to check how a crash is reported.
    crasher = tmp_path / "dafny"
    crasher.write_text(
        "#!/bin/sh\ncase \"$1\" in --version) echo 'Dafny 2.3.0.10506';;\n"
        "*) echo 'Unhandled Exception: System.NullReferenceException' >&2; exit 134;; esac\n"
    )
    crasher.chmod(0o755)
    r = p2s("--no-cache", str(SAMPLES / "postcondition.dfy"), env={"P2S_DAFNY": str(crasher)})
    assert r.returncode == 2
    assert "Dafny ended unexpectedly (exit 134)" in r.stdout
    assert "NullReferenceException" in r.stdout


def test_timeout_flag() -> None:
    r = p2s("--no-cache", "--timeout", "2", "--vc-time-limit", "100", str(SAMPLES / "slow.dfy"))
    assert r.returncode == 1
    assert "did not finish within 2 s" in r.stdout
    assert ": timeout (" in r.stdout


def test_partial_correctness_is_not_verified(tmp_path: Path) -> None:
    f = tmp_path / "spin.dfy"
    f.write_text("method Spin() ensures false decreases *\n{\n  while true decreases * { }\n}\n")
    r = p2s(str(f), "--no-cache")
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert f"{f}:1:29: warning:" in lines[0] and "[P2S-DECREASES-STAR]" in lines[0]
    assert lines[-2].startswith(f"{f}: partial (")
    assert lines[-1].startswith(f"{f}: proved for partial correctness only")
    data = json.loads(p2s("--json", str(f)).stdout)
    assert (data["verified"], data["partial"], data["failed"]) == (0, 1, 0)
    assert data["files"][0]["methods"][0]["status"] == "partial"


def test_bodiless_loop_and_empty_file_are_not_verified(tmp_path: Path) -> None:
    loop = tmp_path / "loop.dfy"
    loop.write_text(
        "method Count(n: nat) returns (i: nat)\n  ensures i == n\n{\n  i := 0;\n"
        "  while i < n\n    invariant i <= n\n}\n"
    )
    empty = tmp_path / "empty.dfy"
    empty.write_text("// nothing here yet\n")
    r = p2s(str(loop), str(empty))
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{loop}:5:3: error: this loop has no body" in r.stdout
    assert f"{loop}: unsound (1 verified, 0 errors" in r.stdout
    assert f"{empty}:1:1: information: nothing to verify" in r.stdout
    assert f"{empty}: nothing_to_verify (0 verified, 0 errors" in r.stdout
