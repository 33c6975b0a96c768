"""Carrying the front end's hardware verdicts across an edit (server.hardware_reuse): a carried
verdict must equal what the real front end says about the new text."""

from __future__ import annotations

from server.hardware_reuse import carry_hardware
from toolchain.dafny.outline import Outline
from toolchain.hardware_status import MethodHardware, hardware_status

FILE = "/work/carry.dfy"

TEXT = """\
function Cap(): int { 255 }

method Clamp(a: int, b: int) returns (s: int)
  requires 0 <= a < 256 && 0 <= b < 256
{
  s := a + b;
  if s > Cap() { s := Cap(); }
}

method Add(x: int, y: int) returns (z: int)
{
  z := x + y;
}

method Sum(a: array<int>) returns (s: int)
  requires a.Length <= 16
  requires forall i :: 0 <= i < a.Length ==> 0 <= a[i] < 256
{
  s := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    decreases a.Length - i
  {
    if s < 4080 { s := s + a[i]; }
    i := i + 1;
  }
}
"""


def _carry(before: str, after: str) -> tuple[dict[str, MethodHardware], dict[str, MethodHardware]]:
    verdicts = hardware_status(before, FILE)
    carried = carry_hardware(Outline.of(before), verdicts, Outline.of(after), FILE, FILE)
    return carried, dict(hardware_status(after, FILE))


def test_verdicts_of_untouched_methods_move_with_their_text_and_equal_a_fresh_analysis() -> None:
    # Add edited and two lines inserted above everything: Clamp and Sum move down
    after = "// header\n\n" + TEXT.replace("z := x + y;", "z := y + x;")
    carried, fresh = _carry(TEXT, after)
    assert set(carried) == {"Clamp", "Sum"}
    for name, verdict in carried.items():
        assert verdict == fresh[name], name
    before = hardware_status(TEXT, FILE)["Sum"]
    assert before.loops and before.widths  # positions that had to move
    assert carried["Sum"].loops[0].range.start.line == before.loops[0].range.start.line + 2
    # the findings of Add (unbounded inputs) are not carried: Add changed
    assert fresh["Add"].diagnostics and "Add" not in carried


def test_a_changed_function_takes_its_callers_out_of_the_carry() -> None:
    carried, _ = _carry(TEXT, TEXT.replace("{ 255 }", "{ 127 }"))
    assert set(carried) == {"Add", "Sum"}


def test_a_change_outside_declarations_carries_nothing() -> None:
    carried, _ = _carry(TEXT, "const K := 3\n" + TEXT)
    assert carried == {}
