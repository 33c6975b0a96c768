"""A result named like its method (DafnyBench's `method max(a) returns (max: int)`): the port
must not share the top module's name, or the co-simulation bench reads the module, not the port."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = """
method max(a: array<int>) returns (max: int)
  requires a.Length <= 8
  requires forall k :: 0 <= k < a.Length ==> -1000 <= a[k] <= 1000
  ensures forall j :: 0 <= j < a.Length ==> max >= a[j]
{
  if a.Length == 0 { return 0; }
  max := a[0];
  var i := 1;
  while i < a.Length
    invariant 1 <= i <= a.Length
    invariant forall j :: 0 <= j < i ==> max >= a[j]
    invariant -1000 <= max <= 1000
  {
    if a[i] > max { max := a[i]; }
    i := i + 1;
  }
}
"""


def test_a_result_named_like_its_method_is_cosimulated(dafny: DafnyEngine, tmp_path: Path) -> None:
    r = passes_cosimulation(PROGRAM, "max.dfy", "max", dafny, tmp_path)
    outputs = [p.name for p in r.ports if p.direction == "output" and p.name.startswith("max")]
    assert outputs and "max" not in outputs, outputs
