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


# MBPP 59, GPT-4 contextless: the original program proves `res: nat` alone; with the product
# lemma's facts in scope before the assignment Z3 no longer did
OCTAGONAL = """method OctagonalNumber(n: nat) returns (res: nat)
    requires n >= 0
    ensures res == n * (3 * n - 2)
{
    res := n * (3 * n - 2);
}
"""

# MBPP 287, GPT-4 contextless: the loop guard `i < n` narrows i inside the loop; the lemma call
# must bound the product as tightly as the accumulator invariant's per-trip growth
SUM_OF_SQUARES = """method sumOfSquares(n: int) returns (res: int)
  requires n >= 0
  ensures res >= 0
{
  var sum := 0;
  var i := 0;
  while i < n
    invariant i <= n
    invariant sum >= 0
  {
    sum := sum + (2*i)*(2*i);
    i := i + 1;
  }
  res := sum;
}
"""


def test_a_product_lemma_call_follows_a_statement_that_keeps_its_factors(
    dafny: DafnyEngine,
) -> None:
    result = lower(OCTAGONAL, "OctagonalNumber", engine=dafny, options=CONTRACT)
    assert result.ok, [d.message for d in result.diagnostics]
    program = result.obligation_program or ""
    assignment = program.index("res := n * (3 * n - 2);")
    call = program.index("P2S_MulBounds((n), ((3 * n - 2)),")
    check = program.index("assert 0 <= res <=")
    assert assignment < call < check
    res = next(w for w in result.method.widths if w.name == "res") if result.method else None
    assert res is not None and res.status == ir.WidthStatus.PROVEN


def test_a_product_in_a_loop_is_bounded_by_the_factors_range_inside_the_loop(
    dafny: DafnyEngine,
) -> None:
    result = lower(SUM_OF_SQUARES, "sumOfSquares", engine=dafny, options=CONTRACT)
    assert result.ok, [d.message for d in result.diagnostics]
    top = (1 << 31) - 2  # i < n <= 2^31 - 1 inside the loop
    program = result.obligation_program or ""
    assert f"P2S_MulBounds(((2*i)), ((2*i)), 0, {2 * top}, 0, {2 * top}, 0, {(2 * top) ** 2})" in (
        program
    )
    for name in ("sum", "res"):
        w = next(w for w in result.method.widths if w.name == name) if result.method else None
        assert w is not None and w.status == ir.WidthStatus.PROVEN and w.lo == 0
