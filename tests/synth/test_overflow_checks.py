"""Results and accumulators nothing bounds (factorial, Fibonacci), with a run-time overflow check:
the design raises `overflow` exactly when Dafny's compiled program leaves the checked range, and
matches it everywhere else; nothing about the checked variables is reported as proven."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from shared_schemas.synthesis import (
    CosimVerdict,
    EvidenceManifest,
    SynthesizeParams,
)
from tests.synth.cosim_check import cosim_params, passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.frontend.ir import HardwareMethod, WidthStatus
from toolchain.frontend.ranges import Options
from toolchain.synthesize import run_synthesis

FACTORIAL = """
function Fact(n: nat): nat
{
  if n == 0 then 1 else n * Fact(n - 1)
}

method Factorial(n: nat) returns (f: nat)
  ensures f == Fact(n)
{
  f := 1;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
    invariant f == Fact(i)
  {
    i := i + 1;
    f := f * i;
  }
}
"""

# a parallel assignment of two checked variables, one of them a result
FIBONACCI = """
function Fib(n: nat): nat
{
  if n < 2 then n else Fib(n - 2) + Fib(n - 1)
}

method ComputeFib(n: nat) returns (b: nat)
  ensures b == Fib(n)
{
  var a := 1;
  b := 0;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
    invariant a == (if i == 0 then 1 else Fib(i - 1)) && b == Fib(i)
  {
    a, b := b, a + b;
    i := i + 1;
  }
}
"""

CONTRACT = Options(assume_input_bits=32, assume_max_length=16, overflow_check_bits=32)


def test_without_checks_an_unbounded_result_is_refused(dafny: DafnyEngine) -> None:
    r = lower(FACTORIAL, "Factorial", engine=dafny, options=Options(assume_input_bits=32))
    assert not r.ok
    assert any(d.code == "HW202" and "f has no bound" in d.message for d in r.errors)


def test_checked_ranges_are_assumed_only_after_their_assignments(dafny: DafnyEngine) -> None:
    r = lower(FACTORIAL, "Factorial", engine=dafny, options=CONTRACT)
    assert r.ok, [d.message for d in r.diagnostics]
    m = r.method
    assert m is not None and m.overflow_port == "overflow"
    assert [(c.source, c.lo, c.hi) for c in m.checked] == [("f", 1, 2**32 - 1)]
    status = {w.name: w.status for w in m.widths}
    assert status["f"] == WidthStatus.CHECKED  # never "proven"
    assert status["i"] == WidthStatus.PROVEN
    assert any(p.name == "overflow" and p.direction == "out" for p in m.ports)
    program = r.obligation_program or ""
    assumes = re.findall(r"^\s*assume (.*);$", program, flags=re.M)
    # one after `f := 1;` and one after `f := f * i;`: nothing else is taken on trust
    assert assumes == ["1 <= f <= 4294967295"] * 2
    assert all(o.proven for o in m.obligations)


def _fact_params(tmp_path: Path, vectors: int = 48) -> SynthesizeParams:
    return cosim_params(
        FACTORIAL,
        "fact.dfy",
        "Factorial",
        tmp_path,
        vectors=vectors,
        assume_input_bits=32,
        overflow_check_bits=32,
    )


def test_factorial_raises_overflow_exactly_where_dafny_leaves_the_range(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = run_synthesis(_fact_params(tmp_path), engine=dafny).report
    assert r.cosim.verdict == CosimVerdict.passed, r.cosim.message
    assert r.cosim.vectors_passed == r.cosim.vectors_run == 48
    over = re.search(r"\((\d+) of them leave a checked range", r.cosim.message)
    assert over is not None, r.cosim.message
    # both kinds of vector were compared: results in range, and the flag past 12!
    assert 0 < int(over.group(1)) < 48
    assert any("checked at run time" in w and "`overflow`" in w for w in r.warnings)
    assert "overflow: 1 when a value checked at run time left its range" in r.interface_doc


def test_a_flag_that_rises_late_fails_cosimulation(dafny: DafnyEngine, tmp_path: Path) -> None:
    # the reference is told the range ends at 5,000 (7! = 5,040 leaves it), the hardware still
    # checks 32 bits: on n = 7..12 the flags disagree, which must fail, not pass
    def narrow(m: HardwareMethod) -> HardwareMethod:
        wrong = copy.deepcopy(m)
        wrong.checked[0].hi = 5000
        return wrong

    r = run_synthesis(_fact_params(tmp_path), engine=dafny, transform_ir=narrow).report
    assert r.cosim.verdict == CosimVerdict.failed, r.cosim.message
    assert r.cosim.first_mismatch is not None
    assert r.cosim.first_mismatch.output == "overflow"


def test_parallel_assignment_of_two_checked_variables(dafny: DafnyEngine, tmp_path: Path) -> None:
    r = passes_cosimulation(
        FIBONACCI,
        "fib.dfy",
        "ComputeFib",
        dafny,
        tmp_path,
        assume_input_bits=32,
        overflow_check_bits=32,
    )
    assert "leave a checked range" in r.cosim.message
    manifest = EvidenceManifest.model_validate_json(
        (tmp_path / "out" / "manifest.json").read_text()
    )
    widths = {w.name: w.status for w in manifest.widths}
    assert widths.get("a") == widths.get("b") == "checked", widths


def test_the_method_attribute_asks_for_the_checks_and_explore_keeps_it(
    dafny: DafnyEngine,
) -> None:
    from shared_schemas.explore import ExploreDirectives
    from toolchain.explore.attributes import write_directives
    from toolchain.frontend.overflow_checks import attribute_insertion
    from toolchain.hls.directives import read_directives

    where = attribute_insertion(FACTORIAL, "Factorial", 24)
    assert where is not None
    at, piece = where
    marked = FACTORIAL[:at] + piece + FACTORIAL[at:]
    assert "method {:hls_overflow_check 24} Factorial(n: nat)" in marked
    assert attribute_insertion(marked, "Factorial", 24) is None  # never added twice
    r = lower(marked, "Factorial", engine=dafny, options=Options(assume_input_bits=32))
    assert r.ok and r.method is not None
    assert [(c.source, c.hi) for c in r.method.checked] == [("f", 2**24 - 1)]
    # no "unknown directive" warning, and a malformed one is located
    assert read_directives(marked, "Factorial", "fact.dfy").warnings == []
    bad = marked.replace("{:hls_overflow_check 24}", "{:hls_overflow_check 99}")
    (warning,) = read_directives(bad, "Factorial", "fact.dfy").warnings
    assert "1 to 64 bits" in warning.message
    # applying an explored point replaces the QoR directives, never the overflow check
    applied = write_directives(marked, "Factorial", ExploreDirectives(schedule="fsm"))
    assert "{:hls_overflow_check 24}" in applied and '{:hls_schedule "fsm"}' in applied


# `if case` is nondeterministic for Dafny, so it cannot prove y >= 36 in the second case; the
# hardware (and Dafny's compiler) take the first true case, where the analysis' range holds
NONDETERMINISTIC = """
method Triple(x: int) returns (r: int)
  ensures r == 3 * x
{
  if {
    case x < 18 => r := 3 * x;
    case 0 <= x => var y := 2 * x; r := x + y;
  }
}
"""


def test_a_range_dafny_cannot_prove_is_checked_not_trusted(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    plain = lower(NONDETERMINISTIC, "Triple", engine=dafny, options=Options(assume_input_bits=32))
    assert any(d.code == "HW203" and "did not prove y" in d.message for d in plain.errors)
    r = lower(NONDETERMINISTIC, "Triple", engine=dafny, options=CONTRACT)
    assert r.ok and r.method is not None, [d.message for d in r.diagnostics]
    ((name, lo),) = [(c.source, c.lo) for c in r.method.checked]
    assert name == "y" and lo == 36  # the analysis' range, now checked in hardware
    status = {w.name: w.status for w in r.method.widths}
    assert status["y"] == WidthStatus.CHECKED and status["r"] == WidthStatus.PROVEN
    report = passes_cosimulation(
        NONDETERMINISTIC,
        "triple.dfy",
        "Triple",
        dafny,
        tmp_path,
        assume_input_bits=32,
        overflow_check_bits=32,
    )
    assert "0 of them leave a checked range" in report.cosim.message


INCREMENT = """
method IncrementArray(a: array<int>)
  modifies a
  ensures forall i :: 0 <= i < a.Length ==> a[i] == old(a[i]) + 1
{
  var j := 0;
  while j < a.Length
    invariant 0 <= j <= a.Length
    invariant forall i :: 0 <= i < j ==> a[i] == old(a[i]) + 1
    invariant forall i :: j <= i < a.Length ==> a[i] == old(a[i])
  {
    a[j] := a[j] + 1;
    j := j + 1;
  }
}
"""

# two stores into a fresh array: the reference's element checks must still compile (Dafny
# 2.3's C# compiler fails on two quantifiers in one method)
PREFIX_SUMS = """
method PrefixSums(a: array<int>) returns (b: array<int>)
  requires a.Length > 0
  ensures b.Length == a.Length
  ensures b[0] == a[0]
  ensures forall i :: 1 <= i < a.Length ==> b[i] == b[i - 1] + a[i]
{
  b := new int[a.Length];
  b[0] := a[0];
  var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
    invariant b[0] == a[0]
    invariant forall k :: 1 <= k < i ==> b[k] == b[k - 1] + a[k]
  {
    b[i] := b[i - 1] + a[i];
    i := i + 1;
  }
}
"""


def test_array_elements_are_checked_where_they_are_stored(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    for program, method in ((INCREMENT, "IncrementArray"), (PREFIX_SUMS, "PrefixSums")):
        r = lower(
            program,
            method,
            engine=dafny,
            options=Options(assume_input_bits=32, assume_max_length=16),
        )
        assert not r.ok  # without checks: the elements have no bound
        r = lower(program, method, engine=dafny, options=CONTRACT)
        assert r.ok and r.method is not None, [d.message for d in r.diagnostics]
        (c,) = r.method.checked
        assert c.length is not None and (c.lo, c.hi) == (-(2**31), 2**31 - 1)
        widths = {w.name: w.status for w in r.method.widths}
        assert widths[f"{c.name}[..]"] == WidthStatus.CHECKED
        (tmp_path / method).mkdir()
        report = passes_cosimulation(
            program,
            f"{method}.dfy",
            method,
            dafny,
            tmp_path / method,
            assume_input_bits=32,
            assume_max_length=8,
            overflow_check_bits=32,
        )
        over = re.search(r"\((\d+) of them leave a checked range", report.cosim.message)
        assert over is not None and 0 < int(over.group(1)) < 24, report.cosim.message
