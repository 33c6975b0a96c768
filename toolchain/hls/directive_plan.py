"""What the directives of a method (`toolchain.hls.directives`) ask of the back ends, and which of
them a finished back end run could not honour.

XLS: schedules and unroll factors become `StructureOptions`; `{:hls_clock_ns}` the clock target;
`{:hls_latency}` the pipeline stages of a straight-line design. Vitis: every directive becomes a
pragma (`vitis_loop_pragmas`, `vitis_port_pragmas`, `vitis_top_pragmas`).
"""

from __future__ import annotations

from toolchain.frontend.ir import SourceSpan
from toolchain.hls.directives import RAM_KINDS, Directives, DirectiveWarning
from toolchain.hls.structurize import LoopPlan, StructureOptions, StructureStats


def structure_options(directives: Directives, unroll_limit: int) -> StructureOptions:
    plans = tuple(
        (key, LoopPlan(schedule=d.schedule, unroll=d.unroll))
        for key, d in sorted(directives.loops.items())
        if d.schedule is not None or d.unroll is not None
    )
    return StructureOptions(unroll_limit=unroll_limit, schedule=directives.schedule, loops=plans)


def xls_warnings(
    directives: Directives,
    stats: StructureStats | None,
    state_machine: bool,
    memories: tuple[set[str], dict[str, str]] = (set(), {}),
    dividers: int = 0,
) -> list[DirectiveWarning]:
    """Every directive the XLS flow did not honour, located at the directive. `memories`: the
    arrays the design holds in RAM, and why marked ones could not be; `dividers`: the divisions
    written as divider loops."""
    out = list(directives.warnings)
    if directives.divider is not None and dividers == 0:
        span = directives.divider_span or _nowhere(directives)
        out.append(
            DirectiveWarning(
                span,
                f"{{:hls_divider {directives.divider}}} cannot be honoured: the method has no "
                "divide or modulo a divider loop can compute (see the other warnings)",
            )
        )
    by_key = directives.loops
    if stats is not None:
        for loc, why in stats.refused:
            d = by_key.get((loc.start_line, loc.start_col))
            out.append(DirectiveWarning(d.span if d is not None else loc, why))
        for key in stats.unmatched:
            if key not in directives.own_loops:
                continue  # a callee's loop that this method does not inline
            d = by_key[key]
            out.append(
                DirectiveWarning(d.span, "no hardware loop of the method starts here; ignored")
            )
    for d in by_key.values():
        if d.pipeline_ii is not None and d.pipeline_ii != 1:
            out.append(
                DirectiveWarning(
                    d.span,
                    f"{{:hls_pipeline {d.pipeline_ii}}} cannot be honoured: XLS starts a loop "
                    "iteration (or a new input of an unrolled design) every cycle, II=1",
                )
            )
    in_ram, refused = memories
    for name, kind in directives.memory.items():
        if kind in RAM_KINDS and name not in in_ram:
            why = refused.get(name, "the design has no state machine to read it")
            out.append(
                DirectiveWarning(
                    directives.memory_spans[name],
                    f'{{:hls_memory "{name}", "{kind}"}} cannot be honoured: {why}; '
                    f"{name} stays in registers (flat ports)",
                )
            )
    if directives.latency is not None and state_machine:
        span = directives.latency_span or _nowhere(directives)
        out.append(
            DirectiveWarning(
                span,
                f"{{:hls_latency {directives.latency}}} cannot be honoured: the design is a state "
                "machine whose latency is its loop trips; unroll its loops to pipeline it",
            )
        )
    return out


def _nowhere(directives: Directives) -> SourceSpan:
    return SourceSpan(directives.method, 0, 0, 0, 0)


def vitis_loop_pragmas(directives: Directives, loc: SourceSpan) -> list[str] | None:
    """The pragmas a loop's directives become, or None when it has none (the defaults apply)."""
    d = directives.loops.get((loc.start_line, loc.start_col))
    schedule = d.schedule if d is not None and d.schedule else directives.schedule
    if d is None and schedule is None:
        return None
    out: list[str] = []
    if schedule == "unrolled":
        out.append("#pragma HLS UNROLL")
    elif d is not None and d.unroll is not None and d.unroll > 1:
        out.append(f"#pragma HLS UNROLL factor={d.unroll}")
    if schedule != "unrolled":
        ii = d.pipeline_ii if d is not None and d.pipeline_ii is not None else 1
        out.append(f"#pragma HLS PIPELINE II={ii}")
    return out


def vitis_port_pragmas(directives: Directives, name: str, cpp_name: str) -> list[str] | None:
    kind = directives.memory.get(name)
    if kind in RAM_KINDS:
        # a top-level array argument is a memory port of the block: one-port RAM protocol
        impl = " storage_impl=lutram" if kind == "distributed" else ""
        return [f"#pragma HLS INTERFACE mode=ap_memory port={cpp_name} storage_type=ram_1p{impl}"]
    if kind == "registers":
        return [f"#pragma HLS ARRAY_PARTITION variable={cpp_name} type=complete"]
    return None


def vitis_warnings(directives: Directives) -> list[DirectiveWarning]:
    """The directives the Vitis path does not carry as pragmas (besides malformed ones)."""
    out = list(directives.warnings)
    if directives.divider is not None:
        out.append(
            DirectiveWarning(
                directives.divider_span or _nowhere(directives),
                f"{{:hls_divider {directives.divider}}} is honoured by the XLS back end only: "
                "Vitis HLS chooses its own divider cores",
            )
        )
    return out


def vitis_top_pragmas(directives: Directives) -> list[str]:
    if directives.latency is not None:
        return [f"#pragma HLS LATENCY max={directives.latency}"]
    return []


__all__ = [
    "structure_options",
    "vitis_loop_pragmas",
    "vitis_port_pragmas",
    "vitis_top_pragmas",
    "vitis_warnings",
    "xls_warnings",
]
