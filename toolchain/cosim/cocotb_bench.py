"""The cocotb testbench every generated design runs under (loaded by iverilog's vvp, not imported).

It knows only the stable port interface (`toolchain.hls.interface`): the job file names the data
ports and gives every vector as one unsigned integer per input port. A driver offers the vectors
back to back over in_valid/in_ready while a monitor takes results over out_valid/out_ready, so a
pipeline is exercised at full rate and a state machine one vector at a time. What the monitor
saw is written to the result file; the comparison with the reference happens outside.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, First, ReadOnly, RisingEdge, Timer
from cocotb.utils import get_sim_time

from toolchain.cosim.simulate import OUT_OF_TIME

JOB_ENV = "P2S_COSIM_JOB"
_PERIOD_NS = 10
# the simulator runs natively at most this many cycles before the bench looks at the clock again
_CHUNK_CYCLES = 20_000


def _read(handle: Any) -> int | None:
    value = handle.value
    try:
        if hasattr(value, "to_unsigned"):
            return int(value.to_unsigned())
        return int(value)  # a single-bit port reads as a Logic
    except ValueError:
        return None  # x or z bits


def _hex(value: int | None) -> str | None:
    return None if value is None else hex(value)


async def _read_back(dut: Any, readouts: list[tuple[str, int]]) -> dict[str, list[str | None]]:
    """The final contents of the RAMs the method modified, one word per cycle through each read
    port: the RAM registers the word at the rising edge that takes the address. Called just
    after a rising edge, where the bench may drive the ports."""
    out: dict[str, list[str | None]] = {}
    for name, words in readouts:
        en, addr, data = (getattr(dut, f"{name}_rd_{s}") for s in ("en", "addr", "data"))
        got: list[str | None] = []
        for a in range(words):
            en.value, addr.value = 1, a
            await RisingEdge(dut.clk)
            await ReadOnly()
            got.append(_hex(_read(data)))
            await FallingEdge(dut.clk)
        en.value = 0
        out[name] = got
    return out


async def _run_until_handshake(dut: Any, limit: int) -> int:
    """Cycles until out_valid or in_ready rises (right after a clock edge, where the caller's
    loop stands after `RisingEdge(clk)`), or `limit` cycles; called in the read-only phase."""
    start = get_sim_time(unit="ns")
    timer = Timer(max(limit, 1) * _PERIOD_NS - _PERIOD_NS // 2, unit="ns")  # between two edges
    fired = await First(RisingEdge(dut.out_valid), RisingEdge(dut.in_ready), timer)
    if fired is timer:
        await RisingEdge(dut.clk)  # back onto an edge, as the caller's loop expects
    return round((get_sim_time(unit="ns") - start) / _PERIOD_NS)


@cocotb.test()
async def run_vectors(dut: Any) -> None:
    job = json.loads(Path(os.environ[JOB_ENV]).read_text(encoding="utf-8"))
    inputs: list[str] = job["inputs"]
    outputs: list[str] = job["outputs"]
    vectors = [[int(v, 16) for v in vec] for vec in job["vectors"]]
    max_cycles: int = job["max_cycles"]
    # the wall-clock time (epoch seconds) to stop at, writing the results that finished: a slow
    # vector then costs the vectors behind it, not every result of the run
    deadline: float | None = job.get("deadline")
    # block RAMs: (port prefix, words to load before each vector)
    memories = [
        (name, [[int(w, 16) for w in ws] for ws in per]) for name, per in job.get("memories", [])
    ]

    clock = Clock(dut.clk, _PERIOD_NS, unit="ns")
    clock.start()
    dut.rst.value = 1
    dut.in_valid.value = 0
    dut.out_ready.value = 1
    for name in inputs:
        getattr(dut, name).value = 0
    # block RAMs the method modifies: (port prefix, words read back after each result)
    readouts = [(str(name), int(words)) for name, words in job.get("readouts", [])]
    for name, _ in memories:
        getattr(dut, f"{name}_wr_en").value = 0
    for name, _ in readouts:
        getattr(dut, f"{name}_rd_en").value = 0
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.rst.value = 0

    cycle = 0
    accepted_at: list[int] = []
    results: list[dict[str, Any]] = []
    next_vector = 0
    status = "ok"
    last_progress = 0
    loaded = -1  # the vector whose array the RAMs hold
    while len(results) < len(vectors):
        idle = len(results) == len(accepted_at)
        if memories and next_vector < len(vectors) and loaded < next_vector and idle:
            # a RAM holds one vector's array: load the next once no result is outstanding,
            # one word per cycle through the write port (these cycles count as bench cycles)
            dut.in_valid.value = 0
            for name, per in memories:
                for addr, word in enumerate(per[next_vector]):
                    getattr(dut, f"{name}_wr_en").value = 1
                    getattr(dut, f"{name}_wr_addr").value = addr
                    getattr(dut, f"{name}_wr_data").value = word
                    await RisingEdge(dut.clk)
                    cycle += 1
                getattr(dut, f"{name}_wr_en").value = 0
            loaded = next_vector
            last_progress = cycle
            continue
        offer = next_vector < len(vectors) and (not memories or loaded == next_vector)
        if offer:
            for name, value in zip(inputs, vectors[next_vector], strict=True):
                getattr(dut, name).value = value
            dut.in_valid.value = 1
        else:
            dut.in_valid.value = 0
        await ReadOnly()
        took = offer and _read(dut.in_ready) == 1
        gave = _read(dut.out_valid) == 1
        sample = {name: _hex(_read(getattr(dut, name))) for name in outputs} if gave else None
        waiting_since = accepted_at[len(results)] if len(results) < len(accepted_at) else None
        if not took and not gave and (waiting_since is not None or offer):
            # a state machine at work: nothing can happen until out_valid or in_ready rises,
            # so the simulator runs on natively instead of this loop stepping every cycle
            since = waiting_since if waiting_since is not None else last_progress
            wait = min(max_cycles - (cycle - since) + 1, _CHUNK_CYCLES)
            cycle += await _run_until_handshake(dut, wait)
        else:
            await RisingEdge(dut.clk)
            cycle += 1
        if took or sample is not None:
            last_progress = cycle
        if took:
            accepted_at.append(cycle)
            next_vector += 1
        if sample is not None:
            index = len(results)
            if index >= len(accepted_at):
                status = "output before input"
                break
            results.append(
                {
                    "outputs": sample,
                    "latency": cycle - accepted_at[index],
                    "accepted": accepted_at[index],
                    "memories": await _read_back(dut, readouts),
                }
            )
            cycle += sum(words for _, words in readouts)
        waiting_since = accepted_at[len(results)] if len(results) < len(accepted_at) else None
        if waiting_since is not None and cycle - waiting_since > max_cycles:
            status = f"no result within {max_cycles} cycles for vector {len(results)}"
            break
        if waiting_since is None and cycle - last_progress > max_cycles:
            status = f"inputs not accepted within {max_cycles} cycles (vector {next_vector})"
            break
        if deadline is not None and time.time() > deadline:
            status = f"{OUT_OF_TIME} after {len(results)} results ({cycle} cycles)"
            break

    Path(job["results"]).write_text(
        json.dumps({"status": status, "cycles": cycle, "results": results}), encoding="utf-8"
    )
    assert status == "ok", status
