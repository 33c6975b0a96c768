"""Non-tail recursion with no `decreases` clause (real Dafny, XLS, iverilog): the stack's depth
comes from a measure the front end infers and the obligation program states as `decreases p`,
so Dafny proves it; co-simulated against Dafny's own compiled program. A wrong guess is refuted
by Dafny, and the method is refused where the function is declared, never built."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict
from tests.synth.cosim_check import cosim_params
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.synthesize import run_synthesis

PROGRAM = (Path(__file__).parent / "data" / "inferred_measures.dfy").read_text()
VECTORS = 8


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "measure", "stacks"),
    [
        # `m` passed on unchanged, the way up reads neither: the loops only count levels
        ("AddUp", "decreases n", []),
        ("WeightedSum", "decreases n", ["Weighted_stack_n"]),
        # two parameters change: the one always passed as `y - 1`
        ("Walk", "decreases y", ["Steps_stack_x"]),
        ("Rotations", "decreases n", ["Rot_stack_k"]),
        # products on the way up: the result's range per level is a table Dafny proves
        ("Pow", "decreases e", []),
        ("FactorialOfLastDigit", "decreases n", ["Factorial_stack_n"]),
    ],
)
def test_inferred_measure_is_proven_and_passes_cosimulation(
    method: str, measure: str, stacks: list[str], dafny: DafnyEngine, tmp_path: Path
) -> None:
    r = lower(PROGRAM, method, filename="inferred_measures.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    claims = [o for o in r.method.obligations if "termination measure" in o.where]
    assert len(claims) == 1 and claims[0].proven is True and claims[0].where.endswith(measure)
    depth = [o for o in r.method.obligations if "depth of" in o.where]
    assert depth and all(o.proven is True for o in depth)
    assert sorted(v.name for v in r.method.locals if "_stack_" in v.name) == stacks

    params = cosim_params(PROGRAM, "inferred_measures.dfy", method, tmp_path, vectors=VECTORS)
    report = run_synthesis(params, engine=dafny).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    assert report.cosim.reference == "dafny-compiled"
    assert report.cosim.vectors_run == VECTORS == report.cosim.vectors_passed


def test_refuted_measure_blocks_the_method(dafny: DafnyEngine) -> None:
    # Up's default measure (k, n) drops through the ghost k; the inferred `n` grows
    r = lower(PROGRAM, "CountUp", filename="inferred_measures.dfy", engine=dafny)
    refuted = [
        d
        for d in r.errors
        if d.code == "HW203" and "`decreases n`" in d.message and "termination measure" in d.message
    ]
    assert refuted, [(d.code, d.message) for d in r.errors]
    # located at Up's name, with Dafny's own reason and the way out
    up_line = PROGRAM[: PROGRAM.index("Up(ghost")].count("\n")
    assert refuted[0].range.start.line == up_line
    assert "failure to decrease termination measure" in refuted[0].message
    assert "state one yourself with `decreases`" in refuted[0].message
    # the depth bound stood on it: refused too, with the reason
    assert any("depth of Up" in d.message and "not proven" in d.message for d in r.errors)


def test_no_single_measure_is_refused_where_written(dafny: DafnyEngine) -> None:
    program = """
function method Ack(n: nat, m: nat): nat
  requires n <= 3 && m <= 3
{
  if n == 0 then m else if m == 0 then 1 + Ack(n - 1, 3) else 1 + Ack(n, m - 1)
}

method A(n: nat, m: nat) returns (r: nat)
  requires n <= 3 && m <= 3
{
  r := Ack(n, m);
}
"""
    r = lower(program, "A", filename="ack.dfy", engine=dafny)
    assert r.method is None or r.errors
    msgs = [d.message for d in r.errors if d.code == "HW101"]
    assert msgs and "one integer `decreases` measure" in msgs[0], msgs


# Dafny's default measure (k, n) drops through the ghost k while n goes negative: 13 levels
# from n = 2, but `n < 3` holds at every call. Taking n as the measure unchecked (as the front
# end once did for a function with one integer parameter) sized the stack 3 and called the
# depth proven; Dafny now refutes `decreases n` (n is not bounded below by 0) and nothing is built.
NEGATIVE_MEASURE = """
function method Down(ghost k: nat, n: int): int
  requires -10 <= n <= 2 && k == n + 10
{
  if n == -10 then 5 else (if n > 100 then 1 else 0) + Down(k - 1, n - 1)
}

method SumDown(n: int) returns (r: int)
  requires 0 <= n <= 2
{
  r := Down(n + 10, n);
}
"""


def test_depth_is_never_claimed_on_an_unproven_measure(dafny: DafnyEngine) -> None:
    r = lower(NEGATIVE_MEASURE, "SumDown", filename="down.dfy", engine=dafny)
    assert r.errors, "a stack of 3 for 13 levels was built"
    assert any(
        "`decreases n`" in d.message and "bounded below by 0" in d.message for d in r.errors
    ), [d.message for d in r.errors]
    assert r.method is None or not any(
        o.proven is True for o in r.method.obligations if "depth of Down" in o.where
    )


@pytest.mark.parametrize(
    ("method", "function"), [("Pow", "Power"), ("FactorialOfLastDigit", "Factorial")]
)
def test_product_results_are_bounded_per_level(
    method: str, function: str, dafny: DafnyEngine
) -> None:
    # widening alone leaves `base * Power(...)` unbounded: the way up (at most depth trips) is
    # unrolled in the range analysis, and its per-trip ranges become a claim Dafny proves
    r = lower(PROGRAM, method, filename="inferred_measures.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    per_level = [o for o in r.method.obligations if f"result of {function} (per level" in o.where]
    assert len(per_level) == 1 and per_level[0].proven is True
    assert "if (" in per_level[0].where  # the table, not a sum
    width = next(w for w in r.method.widths if w.name == f"{function}_result")
    assert width.hi is not None and width.hi < 1 << 40
