"""The editor's cheap hardware pass (`toolchain.hardware_status`: the file parsed once, each
method lowered and its ranges analysed, no verifier) says what the front end's own `lower` says
method by method, on the bundled kernels and on a 20-method file; it adds a way forward to
findings that propose none, and a method's verdict comes from its first error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.editor_latency.__main__ import file_source
from toolchain.frontend import lower
from toolchain.hardware_status import hardware_methods, hardware_status, method_hardware

REPO = Path(__file__).resolve().parents[2]
KERNELS = sorted((REPO / "examples" / "kernels").glob("*.dfy"))

MIXED = """\
method Add(x: int, y: int) returns (z: int)
{
  z := x + y;
}

method Half(x: int) returns (y: real)
  requires 0 <= x < 16
{
  var h := 2.0;
  y := x as real / h;
}

method Clamp(a: int, b: int) returns (s: int)
  requires 0 <= a < 256 && 0 <= b < 256
{
  s := a + b;
  if s > 255 { s := 255; }
}

lemma NotHardware() {}
"""


def _sources() -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in KERNELS] + [
        ("twenty.dfy", file_source(20)),
        ("mixed.dfy", MIXED),
    ]


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if "\n" not in v else "")
def test_one_parse_for_the_file_says_what_lower_says_per_method(name: str, text: str) -> None:
    status = hardware_status(text, name)
    assert sorted(status) == sorted(s.qualified for s in hardware_methods(text))
    for method, found in status.items():
        alone = lower(text, method, filename=name)
        ready = alone.method is not None and not alone.errors
        assert found.ready == ready, (method, found.reason)
        shown = [(d.code, d.range) for d in found.diagnostics]
        all_of_them = [(d.code, d.range) for d in alone.diagnostics]
        left_out = [f for f in all_of_them if f not in shown]
        assert [f for f in all_of_them if f in shown] == shown
        # only consequences are left out: unbounded values in the body of a method whose
        # parameters are unbounded (the finding on the parameter says what to add)
        assert all(code == "HW202" for code, _ in left_out), left_out
        if left_out:
            assert any(code == "HW202" for code, _ in shown)
        widths = [(w.name, w.lo, w.hi, w.status) for w in found.widths]
        assert widths == [
            (w.name, w.lo, w.hi, w.status) for w in (alone.method.widths if alone.method else [])
        ]
        assert found == method_hardware(text, method, name)


def test_verdicts_reasons_and_ways_forward() -> None:
    status = hardware_status(MIXED, "mixed.dfy")
    assert sorted(status) == ["Add", "Clamp", "Half"]  # the lemma is no hardware candidate
    add, half, clamp = status["Add"], status["Half"], status["Clamp"]
    assert clamp.ready and clamp.reason is None and not clamp.diagnostics
    assert [(w.name, w.type) for w in clamp.widths] == [("a", "u8"), ("b", "u8"), ("s", "u9")]
    assert not add.ready and add.code == "HW202"
    # the parameters are the cause; `z`, computed from them, is not squiggled too
    assert [d.message.split(" ")[0] for d in add.diagnostics] == ["x", "y"]
    assert add.reason == "x has no bound ([-inf, +inf]): its hardware width would be unbounded"
    # a finding that already proposes its edit keeps its message
    assert "add `requires -2147483648 <= x <= 2147483647`" in add.diagnostics[0].message
    assert "way forward" not in add.diagnostics[0].message
    assert not half.ready and half.code == "HW105"
    assert all(d.symbol == "Half" for d in half.diagnostics)
    assert half.diagnostics[0].message.endswith(
        "(way forward: use bounded integers (fixed point) instead of real numbers)"
    )
