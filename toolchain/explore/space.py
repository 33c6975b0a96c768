"""The directive space of one method, in the order the explorer tries it.

What exists today: a loop is unrolled completely (straight-line logic, pipelined by XLS into
`{:hls_latency}` stages) or stays a state machine running k iterations per cycle (`{:hls_unroll
k}`). A state machine over array parameters also chooses where they live: all in block RAM
(`{:hls_memory "a", "ram"}`: flip-flops become a RAM, each access costs a cycle) or all in
registers (every element a flip-flop, read in the same cycle). A method without loops has only
its pipeline stages. The order interleaves the families so that a short budget still sees both
ends of the area / latency trade-off.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared_schemas.explore import ExploreDirectives

UNROLL_FACTORS = (1, 4, 2, 8)
PIPELINE_STAGES = (1, 2, 3, 4)


def directive_space(has_loops: bool, arrays: Sequence[str] = ()) -> list[ExploreDirectives]:
    """`arrays`: the method's array parameters (the memory axis; none: no such axis)."""
    if not has_loops:
        return [ExploreDirectives(latency=n) for n in PIPELINE_STAGES]
    memories = [{a: "ram" for a in arrays}, {a: "registers" for a in arrays}] if arrays else [{}]
    families = [
        [ExploreDirectives(schedule="fsm", unroll=k, memory=m) for k in UNROLL_FACTORS]
        for m in memories
    ]
    families.append(
        [ExploreDirectives(schedule="unrolled", latency=n) for n in PIPELINE_STAGES[:3]]
    )
    order: list[ExploreDirectives] = []
    for i in range(max(len(f) for f in families)):
        for family in families:
            order += family[i : i + 1]
    return order


__all__ = ["PIPELINE_STAGES", "UNROLL_FACTORS", "directive_space"]
