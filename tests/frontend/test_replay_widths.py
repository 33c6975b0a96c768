"""Width and range shapes found in replayed GPT-4 replies (MBPP-DFY, Misu et al.) that kept
verified programs from becoming hardware, each checked with the real Dafny verifier."""

from __future__ import annotations

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.ranges import Options

CONTRACT = Options(assume_input_bits=32, assume_max_length=16)

# MBPP 66, GPT-4 contextless: `var i: int;` is shadowed by the for loop's own `i` and never used
SHADOWED = """method CountPositive(arr: array<int>) returns (count: nat)
  requires arr != null
{
  var i: int;
  count := 0;
  for i := 0 to arr.Length
  {
    if arr[i] > 0
    {
      count := count + 1;
    }
  }
}
"""


def test_a_shadowed_local_that_is_never_used_is_no_hardware(dafny: DafnyEngine) -> None:
    result = lower(SHADOWED, "CountPositive", engine=dafny, options=CONTRACT)
    assert result.method is not None
    assert result.ok, [d.message for d in result.diagnostics]
    # the loop's own i is a register; the outer, never-assigned i is not
    assert [v.name for v in result.method.locals if v.name.startswith("i")] == ["i_1"]
    count = next(w for w in result.method.widths if w.name == "count")
    # (the analysis's bound may be one loose: one more than the 16 trips)
    assert count.status == ir.WidthStatus.PROVEN and count.lo == 0
    assert count.hi is not None and 16 <= count.hi <= 17
