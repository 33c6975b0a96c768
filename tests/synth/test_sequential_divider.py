"""`{:hls_divider k}`: divides and modulos as divider loops of k quotient bits per cycle, on the
real flow (Dafny, XLS, yosys, iverilog): every design co-simulated against Dafny's compiled
program, the divider trading cycles for LUTs against the combinational one; and the explorer's
divider axis, written as an attribute Dafny still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import SynthesisReport
from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.explore.attributes import has_division, strip_directives, write_directives
from toolchain.explore.space import DIVIDER_BITS, directive_space
from toolchain.hls.directives import read_directives

REPO = Path(__file__).resolve().parents[2]

# Euclid's algorithm on 8-bit numbers (an 8-bit modulo in a loop)
GCD8 = """
function Gcd(a: nat, b: nat): nat
  decreases b
{
  if b == 0 then a else Gcd(b, a % b)
}

method {ATTR} Gcd8(a: nat, b: nat) returns (g: nat)
  requires a < 256 && b < 256
  ensures g == Gcd(a, b)
{
  var x, y := a, b;
  while y != 0
    invariant x < 256 && y < 256
    invariant Gcd(x, y) == Gcd(a, b)
    decreases y
  {
    x, y := y, x % y;
  }
  g := x;
}
"""

# no loop: quotient and remainder of one division, and a division by a constant
DIVMOD = """
method {:hls_divider 3} DivMod(a: nat, b: nat) returns (q: nat, r: nat, h: nat)
  requires a < 1024 && 0 < b < 64
  ensures q == a / b && r == a % b && h == a / 10
{
  q := a / b;
  r := a % b;
  h := a / 10;
}
"""


def _gcd8(attr: str, dafny: DafnyEngine, tmp_path: Path) -> SynthesisReport:
    folder = tmp_path / (attr.strip("{}:").replace(" ", "_") or "plain")
    folder.mkdir()
    return passes_cosimulation(
        GCD8.replace("{ATTR}", attr),
        "gcd8.dfy",
        "Gcd8",
        dafny,
        folder,
        synth=True,  # yosys synth_ice40: LUT4s
    )


def test_a_divider_loop_trades_cycles_for_luts_and_matches_dafny(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    plain = _gcd8("", dafny, tmp_path)
    one = _gcd8("{:hls_divider 1}", dafny, tmp_path)
    # 3 bits a cycle do not divide 8: the dividend is zero-extended to 9 bits, 3 trips
    three = _gcd8("{:hls_divider 3}", dafny, tmp_path)
    luts, cycles = {}, {}
    for name, r in (("plain", plain), ("one", one), ("three", three)):
        assert r.resources is not None and r.latency.measured_max_cycles is not None
        luts[name], cycles[name] = r.resources.lut, r.latency.measured_max_cycles
        assert r.architecture.value == "fsm"
        assert not [w for w in r.warnings if "divider" in w or "combinational" in w], r.warnings
    # at 8 bits a 3-bit-a-cycle divider's counter and registers outweigh the rows it saves
    # (measured on iCE40: 151 LUT combinational, 121 one bit a cycle, 173 three)
    assert luts["one"] < luts["plain"], luts
    assert cycles["plain"] < cycles["three"] < cycles["one"], cycles
    # each Euclid step: its head state, 8 divider steps, the exit state (the cycle count is
    # data-dependent; the bound is exact per step)
    assert one.latency.estimate_cycles is not None and plain.latency.estimate_cycles is not None
    assert one.latency.estimate_cycles == (plain.latency.estimate_cycles - 1) * 10 + 1


def test_a_loop_free_method_becomes_a_divider_state_machine(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = passes_cosimulation(DIVMOD, "divmod.dfy", "DivMod", dafny, tmp_path)
    assert r.architecture.value == "fsm"
    # a / b and a % b: two divider loops of 4 trips (10 bits, 3 a cycle: 12) and their exit
    # states, as the bound says; a / 10 stays
    assert r.latency.measured_max_cycles == r.latency.estimate_cycles == 2 * (4 + 1)
    kept = [w for w in r.warnings if "stays combinational" in w]
    assert len(kept) == 1 and "divisor is a constant" in kept[0], r.warnings
    assert "divmod.dfy:8:8 stays combinational" in kept[0], kept[0]


def test_a_method_with_no_variable_divisor_gets_a_located_warning(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    program = DIVMOD.replace("q := a / b;", "q := a / 8;").replace("r := a % b;", "r := a % 7;")
    program = program.replace("a / b && r == a % b", "a / 8 && r == a % 7")
    r = passes_cosimulation(program, "divmod.dfy", "DivMod", dafny, tmp_path)
    assert r.architecture.value == "pipeline"  # nothing became a loop
    located = [w for w in r.warnings if "{:hls_divider 3} cannot be honoured" in w]
    assert len(located) == 1 and ":2:8:" in located[0], r.warnings


def test_the_divider_axis_is_offered_to_methods_that_divide(dafny: DafnyEngine) -> None:
    text = GCD8.replace("{ATTR} ", "")
    assert has_division(text, "Gcd8")
    # a division by a literal (isqrt's midpoint) or in a specification only is no divider
    halves = text.replace("x, y := y, x % y;", "x, y := y, y / 2;")
    assert not has_division(halves, "Gcd8")
    space = directive_space(True, [], divides=True)
    dividers = [d for d in space if d.divider is not None]
    assert [d.divider for d in dividers] == list(DIVIDER_BITS)
    assert space.index(dividers[0]) == 3  # right after the first three: budgets reach it
    assert directive_space(True) == [d for d in space if d.divider is None]
    assert [d.divider for d in directive_space(False, divides=True)][1:3] == list(DIVIDER_BITS)
    written = write_directives(text, "Gcd8", dividers[0])
    assert 'method {:hls_schedule "fsm"} {:hls_divider 1} Gcd8' in written
    assert read_directives(written, "Gcd8").divider == 1
    assert strip_directives(written, "Gcd8") == text
    assert dafny.verify_source(written, "gcd8_point.dfy").ok


def test_negative_operands_keep_the_combinational_divider(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    program = """
method {:hls_divider 2} Floor(a: int, b: int) returns (q: int)
  requires -100 < a < 100 && 0 < b < 100
  ensures q == a / b
{
  q := a / b;
}
"""
    r = passes_cosimulation(program, "floor.dfy", "Floor", dafny, tmp_path)
    kept = [w for w in r.warnings if "stays combinational" in w]
    assert len(kept) == 1 and "may be negative" in kept[0], r.warnings
    assert any("{:hls_divider 2} cannot be honoured" in w for w in r.warnings), r.warnings


def test_the_vitis_path_warns_that_it_does_not_take_the_divider() -> None:
    from toolchain.hls.directive_plan import vitis_warnings

    text = GCD8.replace("{ATTR}", "{:hls_divider 4}")
    warned = [str(w) for w in vitis_warnings(read_directives(text, "Gcd8", "gcd8.dfy"))]
    assert len(warned) == 1 and warned[0].startswith("gcd8.dfy:8:8:"), warned
    assert "XLS back end only" in warned[0]


@pytest.mark.slow
def test_explore_reaches_the_divider_and_runs_one_refused_unroll(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    """`p2s explore` on the bundled gcd16 kernel: the divider points are co-simulated and on the
    front with fewer LUTs than the combinational state machine; Euclid's 16-bit loop cannot be
    unrolled (65,536 trips), so after the first unrolled point came out a state machine the
    other unrolled ones, the same design, are not run. (At 8 bits the loop does unroll, into 256
    dividers: minutes of yosys.)"""
    from shared_schemas.explore import ExploreParams
    from toolchain.explore.run import ExploreOptions, explore

    src = tmp_path / "gcd16.dfy"
    src.write_bytes((REPO / "bench" / "qor" / "kernels" / "gcd16.dfy").read_bytes())
    params = ExploreParams(uri=str(src), method="Gcd16", budget_s=3000, vectors=8, max_points=6)
    report = explore(
        ExploreOptions(source=src, method="Gcd16", out_dir=tmp_path / "x", params=params),
        engine=dafny,
    )
    ran = {p.index: p for p in report.points}
    assert sorted(ran) == [0, 1, 2, 3, 4], ran  # 5: unrolled with 2 stages, not run
    assert all(p.ok and p.cosim.value == "passed" and p.vectors == 8 for p in ran.values())
    assert ran[1].directives.schedule == "unrolled" and ran[1].architecture == "fsm"
    assert any("(5) would be the same design" in n for n in report.notes), report.notes
    one = ran[3]
    assert one.directives.divider == 1 and one.index in report.front
    assert one.lut is not None and ran[0].lut is not None and one.lut * 2 < ran[0].lut
    assert one.cycles is not None and ran[0].cycles is not None and one.cycles > ran[0].cycles
