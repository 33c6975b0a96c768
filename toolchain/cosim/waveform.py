"""Waveforms of co-simulation: one vector simulated again with every port and register dumped.

The bench is deterministic, so running the vectors up to and including vector k again replays
exactly what the first run did to vector k (a pipeline's earlier vectors included). A second
root module, `p2s_dump`, starts the VCD a few cycles before vector k was taken, so a state
machine that ran for thousands of cycles on earlier vectors does not fill the file with them.
The times in the result (when the inputs were taken, when the result was sampled) are read
back from the VCD itself, not computed from the bench's counters."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.synthesis import CosimWaveform
from toolchain.atomic import write_atomic
from toolchain.cosim.simulate import DEFAULT_SIM_BUDGET, SimBudget, simulate
from toolchain.proc import CancelToken
from toolchain.vcd.parse import Vcd, as_int, ns_per_unit, parse_vcd, rising_edges

# the bench's clock and reset (toolchain/cosim/cocotb_bench.py): 10 ns, 4 cycles in reset
CLOCK_NS = 10
RESET_CYCLES = 4
MARGIN_CYCLES = 4  # cycles shown before the vector is taken
DUMP_ROOT = "p2s_dump"
VCD_NAME = "wave.vcd"
WAVEFORM_DIR = "waveforms"


def dump_module(top: str, from_ns: int) -> str:
    """A root module that dumps `top` and one level below it (the core's state registers)."""
    return (
        "`timescale 1ns/1ps\n"
        f"module {DUMP_ROOT};\n"
        "  initial begin\n"
        f"    #{from_ns};\n"
        f'    $dumpfile("{VCD_NAME}");\n'
        f"    $dumpvars(2, {top});\n"
        "  end\n"
        "endmodule\n"
    )


@dataclass(frozen=True)
class Edges:
    """Rising clock edges (VCD time units) where the top took an input and gave a result."""

    accepted: list[int]
    results: list[int]


def handshake_edges(vcd: Vcd, top: str) -> Edges:
    """The edges at which in_valid & in_ready, and out_valid & out_ready, were high just before
    the edge (where the bench samples them)."""

    def high(name: str, t: int) -> bool:
        sig = vcd.find(f"{top}.{name}")
        return sig is not None and as_int(sig.value_at(t - 1)) == 1

    clk = vcd.find(f"{top}.clk")
    edges = rising_edges(clk) if clk is not None else []
    return Edges(
        accepted=[t for t in edges if high("in_valid", t) and high("in_ready", t)],
        results=[t for t in edges if high("out_valid", t) and high("out_ready", t)],
    )


def capture_waveform(
    sources: list[Path],
    top: str,
    inputs: list[str],
    outputs: list[str],
    vectors: list[list[int]],
    vector: int,
    accepted_cycle: int,
    workdir: Path,
    out_root: Path,
    *,
    passed: bool,
    output: str | None = None,
    budget: SimBudget = DEFAULT_SIM_BUDGET,
    cancel: CancelToken | None = None,
    memories: Sequence[tuple[str, list[list[int]]]] = (),
) -> CosimWaveform:
    """Simulate vectors[0..vector] again with the dump on from a few cycles before `vector` was
    taken (`accepted_cycle`, the bench's count); keep the VCD under out_root/waveforms/."""
    kind = "pass" if passed else "fail"
    run_dir = workdir / f"wave-{kind}"
    shutil.rmtree(run_dir, ignore_errors=True)
    from_ns = max(0, (RESET_CYCLES + accepted_cycle - MARGIN_CYCLES) * CLOCK_NS)
    dumper = write_atomic(run_dir / f"{DUMP_ROOT}.v", dump_module(top, from_ns))
    simulate(
        sources,
        top,
        inputs,
        outputs,
        vectors[: vector + 1],
        run_dir,
        max_cycles=budget.max_cycles,
        timeout_s=budget.timeout_s,
        cancel=cancel,
        extra_roots=[(DUMP_ROOT, dumper)],
        dump=True,
        memories=[(name, per[: vector + 1]) for name, per in memories],
    )
    return keep_waveform(
        run_dir / VCD_NAME, top, out_root, vector, passed=passed, output=output, last=True
    )


def keep_waveform(
    dumped: Path,
    top: str,
    out_root: Path,
    vector: int,
    *,
    passed: bool,
    output: str | None,
    last: bool,
) -> CosimWaveform:
    """Copy a dump to out_root/waveforms/ and read from it when the vector was taken and its
    result sampled: the last input and result of a replayed prefix (`last`), else the first
    ones (the main run's dump of vector 0)."""
    kind = "pass" if passed else "fail"
    target = out_root / WAVEFORM_DIR / f"vector{vector}-{kind}.vcd"
    write_atomic(target, dumped.read_bytes())
    vcd = parse_vcd(dumped.read_text(encoding="utf-8", errors="replace"))
    scale = ns_per_unit(vcd.timescale)
    edges = handshake_edges(vcd, top)
    pick = -1 if last else 0
    accepted = edges.accepted[pick] if edges.accepted else 0
    after = [t for t in edges.results if t > accepted]
    result = (after[-1] if last else after[0]) if after else None
    return CosimWaveform(
        vector=vector,
        passed=passed,
        vcd_file=target.relative_to(out_root).as_posix(),
        accepted_ns=round(accepted * scale),
        result_ns=None if result is None else round(result * scale),
        output=output,
    )


FIRST_VCD = "first.vcd"
FIRST_DUMP_CYCLES = 1024  # a first result slower than this is replayed (see capture_waveform)


def first_vector_dumper(top: str) -> str:
    """A root module for the main run: dump from the start until two cycles after the first
    result (vector 0's), then stop, so a passing run keeps a waveform without a second
    simulation; at most FIRST_DUMP_CYCLES, so a slow or stuck design writes no long file."""
    return (
        "`timescale 1ns/1ps\n"
        f"module {DUMP_ROOT};\n"
        "  initial begin\n"
        f'    $dumpfile("{FIRST_VCD}");\n'
        f"    $dumpvars(2, {top});\n"
        "    fork\n"
        f"      @(posedge {top}.out_valid);\n"
        f"      #{(RESET_CYCLES + FIRST_DUMP_CYCLES) * CLOCK_NS};\n"
        "    join_any\n"
        f"    repeat (3) @(posedge {top}.clk);\n"
        "    $dumpoff;\n"
        "  end\n"
        "endmodule\n"
    )


__all__ = [
    "CLOCK_NS",
    "DUMP_ROOT",
    "FIRST_VCD",
    "WAVEFORM_DIR",
    "capture_waveform",
    "dump_module",
    "first_vector_dumper",
    "handshake_edges",
    "keep_waveform",
]
