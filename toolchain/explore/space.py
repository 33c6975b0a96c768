"""The directive space of one method, in the order the explorer tries it.

What exists today: a loop is unrolled completely (straight-line logic, pipelined by XLS into
`{:hls_latency}` stages) or stays a state machine running k iterations per cycle (`{:hls_unroll
k}`). A method without loops has only its pipeline stages. The order interleaves the two families
so that a short budget still sees both ends of the area / latency trade-off.
"""

from __future__ import annotations

from shared_schemas.explore import ExploreDirectives

UNROLL_FACTORS = (1, 4, 2, 8)
PIPELINE_STAGES = (1, 2, 3, 4)


def directive_space(has_loops: bool) -> list[ExploreDirectives]:
    if not has_loops:
        return [ExploreDirectives(latency=n) for n in PIPELINE_STAGES]
    fsm = [ExploreDirectives(schedule="fsm", unroll=k) for k in UNROLL_FACTORS]
    unrolled = [ExploreDirectives(schedule="unrolled", latency=n) for n in PIPELINE_STAGES[:3]]
    order: list[ExploreDirectives] = []
    for i in range(max(len(fsm), len(unrolled))):
        order += fsm[i : i + 1] + unrolled[i : i + 1]
    return order


__all__ = ["PIPELINE_STAGES", "UNROLL_FACTORS", "directive_space"]
