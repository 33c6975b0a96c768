"""Overflows are caught where they happen, with the `requires` bound that fixes them, and only
ranges Dafny proves are accepted."""

from __future__ import annotations

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.lowering import lower_program_method
from toolchain.frontend.obligations import Ob, ObligationBuilder, check, render
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options, analyze_ranges

OVERFLOW = """method Acc(x: nat, y: nat) returns (z: nat)
  requires x < 200 && y < 200
{
  var {:hw_width 8} t := x + y;
  z := t;
}
"""

UNBOUNDED = """method SumAll(a: array<int>) returns (s: int)
{
  s := 0;
  var i := 0;
  while i < a.Length
  {
    s := s + a[i];
    i := i + 1;
  }
}
"""


def test_explicit_width_overflow_is_caught_with_a_requires_fix(dafny: DafnyEngine) -> None:
    result = lower(OVERFLOW, "Acc", engine=dafny)
    assert not result.ok
    d = next(d for d in result.diagnostics if d.code == "HW201")
    assert d.range.start.line == 3  # the `var {:hw_width 8} t := x + y;` line
    assert "t may overflow its 8-bit width" in d.message
    assert "[0, 398]" in d.message
    assert "requires 0 <= x <= 127" in d.message and "requires 0 <= y <= 127" in d.message
    # the suggestion is right: with it, the width holds and Dafny proves it
    fixed = OVERFLOW.replace("x < 200 && y < 200", "x <= 127 && y <= 127")
    good = lower(fixed, "Acc", engine=dafny)
    assert good.ok, [d.message for d in good.diagnostics]
    t = next(w for w in good.method.widths if w.name == "t")  # type: ignore[union-attr]
    assert (str(t.type), t.status) == ("u8", ir.WidthStatus.EXPLICIT)


def test_unbounded_accumulator_names_the_variable_and_the_inputs() -> None:
    result = lower(UNBOUNDED, "SumAll")
    assert result.method is not None and not result.ok
    by_code = {(d.code, d.range.start.line) for d in result.diagnostics}
    assert ("HW202", 6) in by_code  # s := s + a[i]
    s_diag = next(d for d in result.diagnostics if d.message.startswith("s has no bound"))
    assert "requires a.Length <=" in s_diag.message
    assert "requires forall k :: 0 <= k < a.Length ==>" in s_diag.message


def test_hardware_contract_assumes_input_widths(dafny: DafnyEngine) -> None:
    contract = Options(assume_input_bits=16, assume_max_length=64)
    result = lower(UNBOUNDED, "SumAll", engine=dafny, options=contract)
    assert result.method is not None
    widths = {w.name: w for w in result.method.widths}
    assert widths["a[..]"].status == ir.WidthStatus.ASSUMED
    assert str(widths["a[..]"].type) == "s16"
    # 64 elements of 16-bit signed values: s fits 22 bits, and Dafny proves it under the
    # contract, which the obligation program states as preconditions
    assert (widths["s"].lo, widths["s"].hi) == (-(1 << 15) * 64, ((1 << 15) - 1) * 64)
    assert str(widths["s"].type) == "s22"
    assert widths["s"].status == ir.WidthStatus.PROVEN
    assert result.ok, [d.message for d in result.diagnostics]
    assert result.obligation_program is not None
    assert "requires a.Length <= 64" in result.obligation_program
    assert "==> -32768 <= a[k] <= 32767" in result.obligation_program


def test_a_range_dafny_refutes_is_not_accepted(dafny: DafnyEngine) -> None:
    source = """method Tri(n: nat) returns (s: nat)
  requires n <= 10
{
  s := 0;
  var i := 0;
  while i < n
    invariant 0 <= i <= n
  {
    s := s + i;
    i := i + 1;
  }
}
"""
    program = parse_program(source)
    low, _ = lower_program_method(program, "Tri", "tri.dfy")
    assert low is not None
    ranges, _ = analyze_ranges(low)
    obs = ObligationBuilder(low, ranges, "tri.dfy").build()
    # a wrong claim (s never exceeds 5) next to the right ones
    # after `s := s + i;`, inside the loop
    wrong_site = [o for o in obs if o.kind == "assert" and o.key and o.key[1] == "s"][-1]
    bogus = Ob(
        id=len(obs),
        kind="assert",
        text="0 <= s <= 5",
        offset=wrong_site.offset,
        key=("Tri", "bogus", 0),
        lo=0,
        hi=5,
        where="test",
        loc=wrong_site.loc,
    )
    run = check(dafny, low, [*obs, bogus], "tri.dfy")
    assert bogus.proven is False
    assert bogus.message
    # once the refuted claim is dropped, the real ranges are proven
    assert all(o.proven for o in obs)
    assert run.rounds == 2
    rendered = render(source, [bogus])
    assert rendered.line_of == {9: bogus.id}
    assert rendered.original_line(11) == 10
