"""Verified Dafny with non-tail recursion -> XLS -> RTL, co-simulated against Dafny's own compiled
program (real Dafny, XLS, iverilog): the recursion runs as a descend and an ascend loop over a
stack whose depth Dafny proved (`requires m < D` on the function), and the result's range is
proven per level of recursion."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth.cosim_check import passes_cosimulation
from toolchain.dafny import DafnyEngine

PROGRAM = (Path(__file__).parent / "data" / "recursion.dfy").read_text()


@pytest.mark.slow
# CountChar as a state machine: unrolled into a pipeline (its loops run at most 13 and 14
# times, under the default unroll limit) XLS ran past its 300 s budget on this machine
@pytest.mark.parametrize(
    ("method", "unroll_limit"), [("Triangle", 32), ("Sum", 32), ("CountChar", 4)]
)
def test_recursive_function_passes_cosimulation(
    method: str, unroll_limit: int, dafny: DafnyEngine, tmp_path: Path
) -> None:
    passes_cosimulation(
        PROGRAM, "recursion.dfy", method, dafny, tmp_path, unroll_limit=unroll_limit
    )
