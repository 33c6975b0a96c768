"""`p2s hw-ir`: text and JSON output, exit codes."""

from __future__ import annotations

import argparse
import json

import pytest

from shared_schemas.hardware import HardwareIrReport
from toolchain.commands import hw_ir

from .kernel_table import KERNELS


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    hw_ir.add_parser(sub)
    args = parser.parse_args(["hw-ir", *argv])
    code: int = args.func(args)
    return code


def test_json_report_with_proven_widths(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli([str(KERNELS / "sat_add.dfy"), "--method", "SatAdd", "--json"])
    report = HardwareIrReport.model_validate(json.loads(capsys.readouterr().out))
    assert code == 0 and report.ok and report.verifier_ran
    widths = {w.name: w for w in report.widths}
    assert widths["s"].type == "u9" and widths["s"].status.value == "proven"
    assert report.obligations and all(o.proven for o in report.obligations)
    assert report.ir_text and report.ir_text.startswith("hw SatAdd(")


def test_text_output_without_proofs_and_a_failing_method(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    code = run_cli([str(KERNELS / "isqrt.dfy"), "--method", "Isqrt", "--no-prove"])
    out = capsys.readouterr().out
    assert code == 1  # ranges found but unchecked: not ok
    assert "hw Isqrt(in n: u16, out r: u8)" in out and "unchecked" in out
    code = run_cli([str(KERNELS / "isqrt.dfy"), "--method", "Nope", "--no-prove"])
    assert code == 1
    assert "[HW100]" in capsys.readouterr().out
