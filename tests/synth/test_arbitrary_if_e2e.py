"""`if *`: Dafny proves the method for both branches; the hardware takes the branch Dafny's
compiled program takes (the `then` branch when there is an `else`, none when there is not), says
so with a located warning (HW107), and co-simulates against that compiled program (real Dafny,
XLS, iverilog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.verification import Severity
from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower

PROGRAM = """
// Dafny_Verify examples 07: either split of 3 per step keeps a + b == 3 * i
method Split(n: int) returns (a: int, b: int)
  requires 0 <= n <= 1000
  ensures a + b == 3 * n
{
  var i: int := 0;
  a := 0;
  b := 0;
  while (i < n)
    invariant 0 <= i <= n
    invariant a + b == 3 * i
    invariant 0 <= a <= 2 * i && 0 <= b <= 2 * i
  {
    if (*) {
      a := a + 1;
      b := b + 2;
    } else {
      a := a + 2;
      b := b + 1;
    }
    i := i + 1;
  }
}

// no else: the compiled program skips the branch
method MaybeBump(x: int) returns (y: int)
  requires 0 <= x <= 1000
  ensures x <= y <= x + 1
{
  y := x;
  if * {
    y := y + 1;
  }
}
"""


@pytest.mark.parametrize(
    ("method", "first"), [("Split", "takes the first"), ("MaybeBump", "skips")]
)
def test_if_star_is_a_located_warning(method: str, first: str) -> None:
    result = lower(PROGRAM, method)
    assert result.method is not None and not result.errors
    (w,) = [d for d in result.diagnostics if d.code == "HW107"]
    assert w.severity == Severity.warning and first in w.message
    assert PROGRAM.splitlines()[w.range.start.line].strip().startswith("if")


@pytest.mark.parametrize("method", ["Split", "MaybeBump"])
def test_if_star_takes_the_compiled_programs_branch(
    method: str, dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = passes_cosimulation(PROGRAM, "choice.dfy", method, dafny, tmp_path)
    assert any("`if *`" in w for w in r.warnings)
