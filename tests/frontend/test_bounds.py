"""Bounds as proof: the hardware contract written into the method's precondition (unit tests on
the edit), then `p2s bounds` with the real Dafny: a caller that cannot establish the bounds keeps
the file untouched, `--write` saves a file that verifies, and the widths are then proven from the
user's own precondition instead of assumed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from toolchain.frontend.bounds import BoundsError, propose_bounds
from toolchain.frontend.ranges import Options

REPO = Path(__file__).resolve().parents[2]
CONTRACT = Options(assume_input_bits=32, assume_max_length=16)

SUM = """\
method Sum(a: array<int>) returns (s: int)
  ensures true
{
  s := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
  {
    s := s + a[i];
    i := i + 1;
  }
}
"""

ADD = """\
module M {
  method Add(x: int, y: int) returns (z: int) {
    z := x + y;
  }
}
"""


def test_clauses_go_where_the_user_writes_them() -> None:
    p = propose_bounds(SUM, "Sum", CONTRACT)
    assert p.clauses == (
        "requires a.Length <= 16",
        "requires forall k :: 0 <= k < a.Length ==> -2147483648 <= a[k] <= 2147483647",
    )
    edited = p.apply(SUM)
    assert edited.startswith(
        "method Sum(a: array<int>) returns (s: int)\n"
        "  ensures true\n"
        "  requires a.Length <= 16\n"
        "  requires forall k :: 0 <= k < a.Length ==> -2147483648 <= a[k] <= 2147483647\n"
        "{\n"
    )
    assert edited.endswith(SUM.split("{", 1)[1])


def test_a_brace_on_the_header_line_moves_to_its_own_line() -> None:
    edited = propose_bounds(ADD, "Add", CONTRACT).apply(ADD)
    assert edited == (
        "module M {\n"
        "  method Add(x: int, y: int) returns (z: int)\n"
        "    requires -2147483648 <= x <= 2147483647\n"
        "    requires -2147483648 <= y <= 2147483647\n"
        "  {\n"
        "    z := x + y;\n"
        "  }\n"
        "}\n"
    )


def test_what_the_precondition_already_bounds_is_not_added_again() -> None:
    once = propose_bounds(ADD, "Add", CONTRACT).apply(ADD)
    again = propose_bounds(once, "Add", CONTRACT)
    assert again.empty and again.apply(once) == once
    partly = ADD.replace(") {\n", ")\n    requires 0 <= x < 256\n  {\n", 1)
    assert propose_bounds(partly, "Add", CONTRACT).clauses == (
        "requires -2147483648 <= y <= 2147483647",
    )


def test_a_method_that_is_not_there_is_a_clear_error() -> None:
    with pytest.raises(BoundsError, match="no method Nope"):
        propose_bounds(ADD, "Nope", CONTRACT)


def p2s(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolchain.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_bounds_are_written_only_when_the_file_still_verifies(tmp_path: Path) -> None:
    caller = "method Caller(n: int) returns (r: int) {\n  r := Add(n, n);\n}\n"
    src = tmp_path / "add.dfy"
    src.write_text(ADD.replace("module M {\n", "").replace("  }\n}\n", "  }\n") + caller)
    before = src.read_text()
    refused = p2s(
        "bounds", "add.dfy", "-m", "Add", "--assume-input-bits", "32", "--write", cwd=tmp_path
    )
    assert refused.returncode == 1, refused.stderr
    assert "not written" in refused.stdout and "precondition" in refused.stdout
    assert src.read_text() == before  # the user's file is untouched

    src.write_text(before.replace(caller, ""))
    shown = p2s(
        "bounds", "add.dfy", "-m", "Add", "--assume-input-bits", "32", "--json", cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["verification"] == "verified" and not report["written"]
    assert len(report["clauses"]) == 2 and report["range"]["start"]["line"] == 0

    written = p2s(
        "bounds", "add.dfy", "-m", "Add", "--assume-input-bits", "32", "--write", cwd=tmp_path
    )
    assert written.returncode == 0, written.stderr
    assert "requires -2147483648 <= x <= 2147483647" in src.read_text()

    # no contract now: every width comes from the user's own precondition, proven by Dafny
    ir = p2s("hw-ir", "add.dfy", "-m", "Add", "--json", cwd=tmp_path)
    assert ir.returncode == 0, ir.stdout + ir.stderr
    widths = {w["name"]: w["status"] for w in json.loads(ir.stdout)["widths"]}
    assert widths["x"] == widths["y"] == "precondition"
    assert "assumed" not in widths.values()


def test_no_contract_given_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "add.dfy").write_text(ADD)
    done = p2s("bounds", "add.dfy", "-m", "Add", cwd=tmp_path)
    assert done.returncode == 2 and "--assume-input-bits" in done.stderr
    assert "Traceback" not in done.stderr
