"""Dafny's compiled reference runs the cheapest-looking candidates first: one input that makes
the program loop for billions of steps must not keep every other vector from finishing."""

from __future__ import annotations

from pathlib import Path

from toolchain.cosim.run import prepare_reference
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.frontend.ranges import Options

COUNT = """
method CountTo(n: nat) returns (c: nat)
  ensures c == n
{
  c := 0;
  while c < n
    invariant c <= n
  {
    c := c + 1;
  }
}
"""


def test_a_huge_candidate_does_not_starve_the_others(dafny: DafnyEngine, tmp_path: Path) -> None:
    low = lower(COUNT, "CountTo", options=Options(assume_input_bits=32))
    assert low.method is not None
    # the candidates include n = 2**32 - 1 (a corner, drawn early): billions of steps in C#
    prepared = prepare_reference(
        low.method, COUNT, dafny, tmp_path, vectors=16, seed=1, timeout_s=20
    )
    run = prepared.run
    finished = [k for k in run.accepted if "c" in run.outputs.get(k, {})]
    assert len(finished) >= 16, (len(finished), len(prepared.candidates))
    huge = [k for k, v in enumerate(prepared.candidates) if v["n"] == 2**32 - 1]
    assert huge and not set(huge) & set(finished)
    # the outputs belong to the candidates they are filed under, in the original numbering
    for k in finished:
        assert run.outputs[k]["c"] == prepared.candidates[k]["n"]
