"""Buffers whose length no hardware-sized bound holds (`new int[n]`, a sequence grown in a loop
up to a 32-bit `n`), with run-time checks on: the buffer gets a fixed capacity, the design raises
`overflow` exactly where Dafny's compiled program would exceed it, and matches the program
everywhere else; the capacity is reported as checked, never as proven."""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from shared_schemas.synthesis import (
    CosimVerdict,
    EvidenceManifest,
    HlsBackend,
    SynthesisReport,
    SynthTarget,
)
from tests.synth.cosim_check import array_lengths, cosim_params
from toolchain.cosim.reference import dafny_reference, instrument_checks
from toolchain.cosim.run import csim_report
from toolchain.cosim.vectors import sample_candidates
from toolchain.dafny import DafnyEngine
from toolchain.frontend import ast as A
from toolchain.frontend import lower
from toolchain.frontend.ir import ArrayType, HardwareMethod, WidthStatus
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options
from toolchain.hls.vitis.flow import CsimRun
from toolchain.synthesize import run_synthesis

UP_TO_N = """
method UpToN(n: nat) returns (a: array<int>)
  ensures a.Length == n
  ensures forall j :: 0 <= j < n ==> a[j] == 2 * j
{
  a := new int[n];
  var i := 0;
  while i < n
    invariant 0 <= i <= n
    invariant forall k :: 0 <= k < i ==> a[k] == 2 * k
  {
    a[i] := 2 * i;
    i := i + 1;
  }
}
"""

# a sequence grown in a loop that counts to a 32-bit input
MULTIPLES = """
method Multiples(n: nat) returns (r: seq<int>)
  ensures forall k :: 0 <= k < |r| ==> r[k] % 3 == 0 && r[k] <= n
{
  r := [];
  var i := 0;
  while i <= n
    invariant 0 <= i <= n + 1
    invariant forall k :: 0 <= k < |r| ==> r[k] % 3 == 0 && r[k] < i
  {
    if i % 3 == 0 {
      r := r + [i];
    }
    i := i + 1;
  }
}
"""

CONTRACT = Options(assume_input_bits=32, assume_max_length=16, overflow_check_bits=32)


def _flagged(message: str) -> int:
    over = re.search(r"\((\d+) of them leave a checked range", message)
    assert over is not None, message
    return int(over.group(1))


def test_without_checks_the_buffer_is_refused(dafny: DafnyEngine) -> None:
    plain = Options(assume_input_bits=32, assume_max_length=16)
    r = lower(UP_TO_N, "UpToN", engine=dafny, options=plain)
    assert any(
        d.code == "HW202"
        and "a.Length can reach" in d.message
        and "hls_overflow_check" in d.message
        for d in r.errors
    ), [d.message for d in r.errors]


def test_an_allocation_is_checked_and_assumed_only_right_after_it(dafny: DafnyEngine) -> None:
    r = lower(UP_TO_N, "UpToN", engine=dafny, options=CONTRACT)
    assert r.ok, [d.message for d in r.diagnostics]
    m = r.method
    assert m is not None and m.overflow_port == "overflow"
    (c,) = m.checked
    assert (c.source, c.lo, c.hi, c.capacity_of) == ("a.Length", 0, 16, "a")
    assert [size for _, size in c.before] == ["n"]
    (a,) = [p for p in m.ports if p.name == "a"]
    assert isinstance(a.type, ArrayType) and a.type.max_length == 16
    status = {w.name: w.status for w in m.widths}
    assert a.length_var is not None and status[a.length_var] == WidthStatus.CHECKED
    assert status["i"] == WidthStatus.PROVEN
    program = r.obligation_program or ""
    assumes = re.findall(r"^\s*(.*)\n\s*assume (.*);$", program, flags=re.M)
    # the one assumption sits right after the allocation; everything else Dafny proved
    assert assumes == [("a := new int[n];", "0 <= a.Length <= 16")]
    assert all(o.proven for o in m.obligations if o.variable != "(helper)")
    # the reference checks the size before it allocates (the compiled program would otherwise
    # try to allocate billions of elements), and leaves no result null behind
    text = instrument_checks(UP_TO_N, m.checked, _decl(UP_TO_N, "UpToN"))
    assert "if !(0 <= (n) <= 16) { a := new int[0]; print" in text
    assert text.index("if !(0 <= (n) <= 16)") < text.index("a := new int[n];")


# a synthesis request under the checks: 32-bit inputs, 16 vectors
_CHECKED_RUN: dict[str, Any] = {"vectors": 16, "assume_input_bits": 32, "overflow_check_bits": 32}


def _passes_with_both_kinds_of_vector(
    program: str, file_name: str, method: str, dafny: DafnyEngine, tmp_path: Path, **settings: Any
) -> SynthesisReport:
    """The report of a checked run whose 16 vectors all matched Dafny's compiled program, with
    both kinds of vector: lengths that fit (results compared) and lengths that do not."""
    params = cosim_params(program, file_name, method, tmp_path, **{**_CHECKED_RUN, **settings})
    r = run_synthesis(params, engine=dafny).report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.vectors_passed == r.cosim.vectors_run == 16
    assert 0 < _flagged(r.cosim.message) < 16
    return r


def _decl(program: str, method: str) -> A.MethodDecl:
    decl = parse_program(program).find(method)
    assert isinstance(decl, A.MethodDecl)
    return decl


def test_an_allocation_from_a_32_bit_input_matches_dafny(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = _passes_with_both_kinds_of_vector(UP_TO_N, "upto.dfy", "UpToN", dafny, tmp_path)
    assert any("buffer a has a capacity of 16 elements" in w for w in r.warnings), r.warnings
    assert "a.Length would exceed the capacity 16 of a" in r.interface_doc
    manifest = EvidenceManifest.model_validate_json(
        (tmp_path / "out" / "manifest.json").read_text()
    )
    widths = {w.name: w.status for w in manifest.widths}
    assert "checked" in widths.values() and "proven" in widths.values(), widths


def test_a_sequence_grown_up_to_a_32_bit_input_matches_dafny(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = lower(MULTIPLES, "Multiples", engine=dafny, options=CONTRACT)
    assert r.ok and r.method is not None, [d.message for d in r.diagnostics]
    (c,) = r.method.checked
    assert (c.source, c.hi, c.before) == ("|r|", 16, [])
    program = r.obligation_program or ""
    assert re.findall(r"assume (.*);", program) == ["0 <= |r| <= 16"] * 2  # `r := []` too
    _passes_with_both_kinds_of_vector(MULTIPLES, "mult.dfy", "Multiples", dafny, tmp_path)


def test_a_flag_the_reference_raises_elsewhere_fails_cosimulation(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    # the reference is told the capacity is 0, the hardware still holds 16: on n = 1..16 the
    # flags disagree (the candidates include n = 1), which must fail, not pass
    def narrow(m: HardwareMethod) -> HardwareMethod:
        wrong = copy.deepcopy(m)
        wrong.checked[0].hi = 0
        return wrong

    params = cosim_params(UP_TO_N, "upto.dfy", "UpToN", tmp_path, **_CHECKED_RUN)
    r = run_synthesis(params, engine=dafny, transform_ir=narrow).report
    assert r.cosim.verdict == CosimVerdict.failed, r.cosim.message
    assert r.cosim.first_mismatch is not None
    assert r.cosim.first_mismatch.output == "overflow"


# the buffer grows in a `return`: the reference's check must run before the method leaves
RETURNED = """
method Clamp(a: array<int>) returns (r: array<int>)
  requires a.Length < 1000
  modifies a
{
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
  {
    if a[i] > 100 { a[i] := 100; }
    i := i + 1;
  }
  return a;
}
"""


def test_a_check_at_a_return_runs_in_the_reference(dafny: DafnyEngine) -> None:
    r = lower(RETURNED, "Clamp", engine=dafny, options=CONTRACT)
    assert r.ok and r.method is not None, [d.message for d in r.diagnostics]
    (c,) = r.method.checked
    assert (c.source, c.hi, c.capacity_of) == ("r.Length", 16, "r")
    text = instrument_checks(RETURNED, r.method.checked, _decl(RETURNED, "Clamp"))
    assert "r := a; if !(0 <= r.Length <= 16) {" in text and "} return;" in text
    short, long = [5, 200, -3], list(range(40))
    run = dafny_reference(
        RETURNED, "Clamp", [{"a": short}, {"a": long}], dafny, checked=r.method.checked
    )
    assert run.accepted == [0, 1]
    assert run.overflowed == {1}  # 40 elements do not fit 16; 3 do, and come back clamped
    assert run.outputs[0]["r"] == [5, 100, -3]


def test_long_input_arrays_are_drawn_short_mostly() -> None:
    # `a.Length < 10000`: a buffer built from it holds 16 elements, and every element of a
    # candidate is a literal of the reference program Dafny compiles: short arrays must dominate
    r = lower(RETURNED.replace("< 1000", "< 10000"), "Clamp", options=CONTRACT)
    assert r.method is not None
    lengths = array_lengths(sample_candidates(r.method, 64, 1), "a")
    assert sum(n <= 16 for n in lengths) >= 32
    assert any(16 < n for n in lengths)  # some overflow the capacity
    assert max(lengths) <= 256 and sum(lengths) < 64 * 64


# an accumulator in a fresh array (longest increasing subsequence): its elements start at 1 and
# have no bound; the checked range must also hold the 0 hardware starts a fresh array with
FRESH_COUNTS = """
method Chains(a: array<int>) returns (best: int)
  requires 1 <= a.Length
{
  var dp := new int[a.Length](_ => 1);
  best := 1;
  var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
  {
    var j := 0;
    while j < i
      invariant 0 <= j <= i
    {
      if a[j] < a[i] && dp[i] < dp[j] + 1 { dp[i] := dp[j] + 1; }
      j := j + 1;
    }
    if best < dp[i] { best := dp[i]; }
    i := i + 1;
  }
}
"""


def test_a_fresh_arrays_unbounded_elements_are_checked_including_zero(
    dafny: DafnyEngine,
) -> None:
    r = lower(FRESH_COUNTS, "Chains", engine=dafny, options=CONTRACT)
    assert r.ok and r.method is not None, [d.message for d in r.diagnostics]
    (dp,) = [c for c in r.method.checked if c.source == "dp"]
    assert (dp.lo, dp.hi) == (0, 2**32 - 1)
    status = {w.name: w.status for w in r.method.widths}
    assert status[f"{dp.name}[..]"] == WidthStatus.CHECKED


# Dafny proves `a[n - 1]` inside the array; with the checks on, the buffer holds 16 elements
# whatever `n` asked for, and the write and read after the failed check still run
LAST_OF_N = """
method LastOfN(n: nat) returns (s: int)
  requires n >= 1
  ensures s == 7
{
  var a := new int[n];
  a[n - 1] := 7;
  s := a[n - 1];
}
"""


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is part of the setup")
def test_the_c_simulation_keeps_every_access_inside_a_checked_buffer(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    # before: g++'s program wrote a[n - 1] with n up to 2^32 into 16 elements and died of SIGBUS
    _passes_with_both_kinds_of_vector(
        LAST_OF_N,
        "last.dfy",
        "LastOfN",
        dafny,
        tmp_path,
        backend=HlsBackend.vitis,
        target=SynthTarget.xilinx,
    )
    cpp = (tmp_path / "out" / "hls" / "LastOfN.cpp").read_text()
    # as in XLS: a write past the storage is dropped, a read past it gives the last element
    assert re.search(r"if \(p2s_i\w+ < 16\) v_a\[", cpp), cpp
    assert re.search(r"v_a\[p2s_at\(.*, 16\)\]", cpp), cpp


def test_a_c_simulation_that_dies_is_a_failure_that_says_so(tmp_path: Path) -> None:
    r = lower(LAST_OF_N, "LastOfN", options=CONTRACT)
    assert r.method is not None
    run = CsimRun(
        outputs=[{"s": 7, "overflow": False}],
        returncode=-11,
        duration_s=0.1,
        log_file=tmp_path / "csim.log",
    )
    expected = [{"s": 7, "overflow": False}, {"s": 0, "overflow": True}]
    report = csim_report(r.method, [{"n": 3}, {"n": 70000}], expected, run)
    assert report.verdict == CosimVerdict.failed
    assert (report.vectors_run, report.vectors_passed) == (1, 1)
    assert "stopped (signal 11) after 1 of 2 vectors" in report.message
    # every output printed and matching, but the testbench's own checks failed
    exited = dataclasses.replace(
        run, outputs=[{"s": 7, "overflow": False}, {"s": 0, "overflow": True}], returncode=1
    )
    report = csim_report(r.method, [{"n": 3}, {"n": 70000}], expected, exited)
    assert report.verdict == CosimVerdict.failed
    assert "every output of the 2 vectors matches, but the C simulation exited 1" in report.message
