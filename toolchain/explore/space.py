"""The directive space of one method, in the order the explorer tries it.

What exists today: a loop is unrolled completely (straight-line logic, pipelined by XLS into
`{:hls_latency}` stages) or stays a state machine running k iterations per cycle (`{:hls_unroll
k}`). A state machine over array parameters also chooses where they live: all in block RAM
(`{:hls_memory "a", "ram"}`: flip-flops become a RAM, each access costs a cycle) or all in
registers (every element a flip-flop, read in the same cycle); the one-iteration state machine
also tries a RAM built of LUTs (`"distributed"`: no block RAM, more LUTs, as many cycles). A method without loops has only
its pipeline stages. A method that divides by a variable also tries its divides and modulos as
sequential dividers (`{:hls_divider k}`: k quotient bits per cycle, see
`toolchain.hls.sequential_division`), the far area end of the trade. The order interleaves the families so that a short budget still sees both
ends of the area / latency trade-off.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared_schemas.explore import ExploreDirectives

UNROLL_FACTORS = (1, 4, 2, 8)
PIPELINE_STAGES = (1, 2, 3, 4)
DIVIDER_BITS = (1, 4)


def directive_space(
    has_loops: bool, arrays: Sequence[str] = (), divides: bool = False
) -> list[ExploreDirectives]:
    """`arrays`: the method's array parameters (the memory axis; none: no such axis);
    `divides`: whether it divides by a variable (the divider axis)."""
    if not has_loops:
        staged = [ExploreDirectives(latency=n) for n in PIPELINE_STAGES]
        # a divider loop makes the design a state machine: no pipeline stages to choose
        return staged[:1] + _dividers(None, divides) + staged[1:]
    fsm = [ExploreDirectives(schedule="fsm", unroll=k) for k in UNROLL_FACTORS]
    unrolled = [ExploreDirectives(schedule="unrolled", latency=n) for n in PIPELINE_STAGES[:3]]
    order: list[ExploreDirectives] = []
    for i in range(max(len(fsm), len(unrolled))):
        order += fsm[i : i + 1] + unrolled[i : i + 1]
    # the memory axis: each state machine with every array in RAM, then in registers (one of
    # the two is what the size threshold picks without a directive: the front drops the twin)
    memory = [
        ExploreDirectives(schedule="fsm", unroll=k, memory={a: kind for a in arrays})
        for k in UNROLL_FACTORS
        for kind in ("ram", "distributed", "registers")
        if arrays and (kind != "distributed" or k == 1)
    ]
    # after the first three points (both schedules), the dividers (few, and seconds each), then
    # alternate with the rest
    head, rest = order[:3] + _dividers("fsm", divides), order[3:]
    for i in range(max(len(memory), len(rest))):
        head += memory[i : i + 1] + rest[i : i + 1]
    return head


def _dividers(schedule: str | None, divides: bool) -> list[ExploreDirectives]:
    if not divides:
        return []
    unroll = 1 if schedule == "fsm" else None
    return [ExploreDirectives(schedule=schedule, unroll=unroll, divider=k) for k in DIVIDER_BITS]


__all__ = ["DIVIDER_BITS", "PIPELINE_STAGES", "UNROLL_FACTORS", "directive_space"]
