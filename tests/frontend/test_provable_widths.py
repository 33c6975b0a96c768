"""Widths the real Dafny proves with the help the obligation program gives it: relational loop
invariants for accumulators, counters and max trackers (none written by the user), and proven
monotonicity lemmas for nonlinear products. A bound that is really false stays unproven."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolchain.frontend.product_obligations as product_obligations
from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import Lowered, lower_program_method
from toolchain.frontend.obligations import ObligationBuilder, check
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options, RangeResult, analyze_ranges
from toolchain.frontend.ranges.products import LEMMA_NAME
from toolchain.frontend.result import LoweringResult

CONTRACT = Options(assume_input_bits=32, assume_max_length=64)

# the notes' Sum (shared/notes/coverage.md) without the user's `s <= i * 255` invariant
SUM = """method Sum(a: array<int>) returns (s: int)
  requires a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 256
{
  s := 0; var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
  { s := s + a[i]; i := i + 1; }
}
"""

COUNT = """method Count(a: seq<int>, x: int) returns (c: int)
{
  c := 0;
  for i := 0 to |a|
  { if a[i] == x { c := c + 1; } }
}
"""

MAX = """method Max(a: array<int>) returns (m: int)
  requires 0 < a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
{
  m := a[0]; var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
  { if a[i] > m { m := a[i]; } i := i + 1; }
}
"""

# MBPP (GPT-4): `volume := s * s * s`, s a 32-bit input
CUBE = """method CubeVolume(s: int) returns (volume: int)
  requires s >= 0
{
  volume := s * s * s;
}
"""

SIGNED = """method Area(w: int, h: int) returns (p: int)
  requires -1000 <= w <= 1000 && -50 <= h <= 20
{
  var q := w * h;
  p := q * h;
}
"""


def _width(result: LoweringResult, name: str) -> ir.WidthFact:
    assert result.method is not None, [d.message for d in result.diagnostics]
    return next(w for w in result.method.widths if w.name == name)


def _proven(result: LoweringResult, name: str, lo: int, hi: int) -> None:
    w = _width(result, name)
    assert (w.lo, w.hi, w.status) == (lo, hi, ir.WidthStatus.PROVEN), w
    assert result.ok, [d.message for d in result.diagnostics]


def test_accumulator_without_user_invariant(dafny: DafnyEngine) -> None:
    result = lower(SUM, "Sum", engine=dafny)
    _proven(result, "s", 0, 16 * 255)
    program = result.obligation_program or ""
    # the relational invariant: s <= 255 * (trips so far), stated by the obligation program
    assert "invariant s <= 0 + 255 * (16 - ((a.Length) - (i)))" in program
    assert "invariant 0 <= s <= 4080" in program


def test_counter_bounded_by_trip_count(dafny: DafnyEngine) -> None:
    result = lower(COUNT, "Count", engine=dafny, options=CONTRACT)
    w = _width(result, "c")
    assert w.status == ir.WidthStatus.PROVEN and w.lo == 0 and w.hi is not None and w.hi <= 65
    assert result.ok, [d.message for d in result.diagnostics]
    program = result.obligation_program or ""
    assert "invariant c <= 0 + 1 * (i - (0))" in program
    # the contract on a sequence's length is stated the way Dafny spells it
    assert "requires |a| <= 64" in program and "a.Length" not in program


def test_max_tracker_stays_in_element_range(dafny: DafnyEngine) -> None:
    result = lower(MAX, "Max", engine=dafny)
    _proven(result, "m", -100, 100)
    assert "invariant -100 <= m <= 100" in (result.obligation_program or "")


def test_cube_of_a_32_bit_input_is_proven_with_the_product_lemma(dafny: DafnyEngine) -> None:
    result = lower(CUBE, "CubeVolume", engine=dafny, options=Options(assume_input_bits=32))
    top = (1 << 31) - 1
    _proven(result, "volume", 0, top**3)
    assert str(_width(result, "volume").type) == "u93"
    program = result.obligation_program or ""
    assert f"lemma {LEMMA_NAME}(" in program
    assert f"{LEMMA_NAME}((s), (s), 0, {top}, 0, {top}, 0, {top * top});" in program
    assert f"{LEMMA_NAME}((s * s), (s), 0, {top * top}, 0, {top}, 0, {top**3});" in program
    assert "assume" not in program and "{:axiom}" not in program


def test_signed_products_use_the_four_corners(dafny: DafnyEngine) -> None:
    result = lower(SIGNED, "Area", engine=dafny)
    _proven(result, "q", -50000, 50000)
    _proven(result, "p", -2500000, 2500000)
    program = result.obligation_program or ""
    assert f"{LEMMA_NAME}((w), (h), -1000, 1000, -50, 20, -50000, 50000);" in program
    assert f"{LEMMA_NAME}((q), (h), -50000, 50000, -50, 20, -2500000, 2500000);" in program


def test_a_lemma_dafny_cannot_prove_proves_nothing(
    dafny: DafnyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same cube, with a lemma whose promise is false (the corner product itself is
    # excluded): trusted, it would still bound the cube, but its body does not verify, so the
    # lemma and its calls are dropped and the cube's width is not proven
    good = product_obligations.lemma_text

    def broken(static: bool) -> str:
        return good(static).replace("ensures lo <= a * b <= hi", "ensures lo <= a * b <= hi - 1", 1)

    monkeypatch.setattr(product_obligations, "lemma_text", broken)
    result = lower(CUBE, "CubeVolume", engine=dafny, options=Options(assume_input_bits=32))
    assert not result.ok
    assert _width(result, "volume").status == ir.WidthStatus.UNPROVEN
    assert any(d.code == "HW203" and "volume" in d.message for d in result.diagnostics)


def _claims(
    source: str, method: str, options: Options | None = None
) -> tuple[Lowered, RangeResult]:
    low, _ = lower_program_method(parse_program(source), method, "claims.dfy")
    assert low is not None
    ranges, _ = analyze_ranges(low, options)
    return low, ranges


def test_an_accumulator_that_overflows_its_claimed_range_stays_unproven(
    dafny: DafnyEngine,
) -> None:
    # the analysis is made to claim 100 per trip where an element can be 255: the claimed bound
    # is false, and the relational invariant stating it does not make it proven
    low, ranges = _claims(SUM, "Sum")
    (_loop, accs), *_ = ranges.accumulations.items()
    acc = next(a for a in accs if a.variable == "s")
    acc.delta = Interval(0, 100)
    ranges.vars["s"] = Interval(0, 16 * 100)
    obs = ObligationBuilder(low, ranges, "claims.dfy").build()
    helper = next(o for o in obs if o.helper and o.kind == "invariant")
    assert helper.text.startswith("s <= 0 + 100 * ")
    run = check(dafny, low, obs, "claims.dfy")
    claims = [o for o in obs if o.key is not None and o.key[1] == "s"]
    # `s := 0` meets the claim; the loop's invariant and the assertion after `s := s + a[i]`
    # do not, so s is not proven
    assert [o.proven for o in claims] == [True, False, False]
    assert helper.proven is False
    assert claims[0].key not in run.proven_keys()


def test_a_product_claimed_too_narrow_stays_unproven_despite_the_lemma(
    dafny: DafnyEngine,
) -> None:
    low, ranges = _claims(CUBE, "CubeVolume", Options(assume_input_bits=32))
    top = (1 << 31) - 1
    ranges.vars["volume"] = Interval(0, top * top)  # false: s * s * s reaches top ** 3
    obs = ObligationBuilder(low, ranges, "claims.dfy").build({"s"})
    # `volume := s * s * s` leaves s as it was: the calls follow the assignment
    calls = [o for o in obs if o.kind in ("call", product_obligations.AFTER)]
    assert len(calls) == 2 and all(o.kind == product_obligations.AFTER for o in calls)
    run = check(dafny, low, obs, "claims.dfy")
    claim = next(o for o in obs if o.key is not None and o.key[1] == "volume")
    assert claim.proven is False and claim.message
    # the lemma and its calls are true and stay proven: they bound the product, not the claim
    assert all(o.proven for o in obs if o.kind in ("lemma", "call", product_obligations.AFTER))
    assert claim.key not in run.proven_keys()


# an insertion-sort step stores into the array it reads: without an element-range invariant
# Dafny forgets the input contract's bounds after the first store
SHIFT = """method Shift(a: array<nat>)
  modifies a
{
  var n := 1;
  while n < a.Length
  {
    var curr := a[n];
    var j := n - 1;
    while j >= 0 && a[j] > curr
    {
      a[j + 1] := a[j];
      j := j - 1;
    }
    a[j + 1] := curr;
    n := n + 1;
  }
}
"""

# the callee is verified on its own: the caller's length contract must reach it
CALLEE = """method ArgMax(v: array<int>) returns (i: int)
  requires v.Length > 0
  ensures 0 <= i < v.Length
{
  var j := 1; i := 0;
  while j < v.Length
    invariant 0 <= j <= v.Length && 0 <= i < j
  {
    if v[j] > v[i] { i := j; }
    j := j + 1;
  }
}

method MaxValue(v: array<int>) returns (m: int)
  requires v.Length > 0
{
  var i := ArgMax(v);
  m := v[i];
}
"""


def test_arrays_stored_in_a_loop_keep_their_element_range(dafny: DafnyEngine) -> None:
    result = lower(SHIFT, "Shift", engine=dafny, options=CONTRACT)
    _proven(result, "curr", 0, (1 << 32) - 1)
    program = result.obligation_program or ""
    assert program.count("invariant forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 4294967295") == 2


def test_inlined_callee_gets_the_callers_array_length(dafny: DafnyEngine) -> None:
    result = lower(CALLEE, "MaxValue", engine=dafny, options=CONTRACT)
    assert result.ok, [d.message for d in result.diagnostics]
    assert _width(result, "m").status == ir.WidthStatus.PROVEN
    program = result.obligation_program or ""
    callee = program[: program.index("method MaxValue")]
    assert "requires v.Length <= 64" in callee


def test_a_proof_the_obligations_unsettle_is_not_lost(
    dafny: DafnyEngine, datasets_dir: Path
) -> None:
    # DafnyBench ExerciseAllEqual: the program verifies as written, but with the contract's
    # quantified element ranges added, Dafny 2.3 no longer finds mallEqual1's postcondition
    # proof; the widths are then checked without the method's own (already proven) ensures
    path = (
        datasets_dir
        / "dafnybench/ground_truth/Dafny-Exercises_tmp_tmpjm75muf__Session4Exercises_ExerciseAllEqual.dfy"
    )
    source = path.read_text(encoding="utf-8")
    for method in ("mallEqual1", "mallEqual4"):
        result = lower(
            source,
            method,
            engine=dafny,
            options=Options(assume_input_bits=32, assume_max_length=16),
        )
        assert result.ok, [d.message for d in result.diagnostics]
        assert _width(result, "i").status == ir.WidthStatus.PROVEN
        program = result.obligation_program or ""
        assert (
            "ensures b==allEqual(v[0..v.Length])"
            not in program.split(f"method {method}(")[1].split("method ")[0]
        )
