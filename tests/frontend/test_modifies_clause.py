"""`modifies a` followed by the next clause's `requires`: an array the method writes must be an
inout port. The parser once read `a requires ...` as the start of a lambda (`x requires P => e`),
kept the clause as text, and the array became an input whose final contents nobody checked."""

from __future__ import annotations

from pathlib import Path

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend.ast import MethodDecl
from toolchain.frontend.parser import parse_program

SWAP = """
method Swap(a: array<int>, i: int, j: int)
  modifies a
  requires a.Length <= 8 && 0 <= i < a.Length && 0 <= j < a.Length
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  ensures a[i] == old(a[j]) && a[j] == old(a[i])
{
  a[i], a[j] := a[j], a[i];
}
"""


def test_modifies_then_requires_names_the_array() -> None:
    swap = parse_program(SWAP).find("Swap")
    assert isinstance(swap, MethodDecl)
    modifies = swap.specs_of("modifies")
    assert [getattr(e, "name", None) for e in modifies[0].exprs] == ["a"]


def test_a_lambda_with_a_precondition_still_parses() -> None:
    p = parse_program("function F(): int { var f := x requires x > 0 => x + 1; f(2) }\n")
    assert "x requires x > 0 => x + 1" in repr(p.find("F"))


def test_the_swapped_array_is_checked_by_cosimulation(dafny: DafnyEngine, tmp_path: Path) -> None:
    r = passes_cosimulation(SWAP, "swap.dfy", "Swap", dafny, tmp_path)
    assert any(p.name.startswith("a") and p.direction == "output" for p in r.ports), [
        (p.name, p.direction) for p in r.ports
    ]
