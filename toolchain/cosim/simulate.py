"""Simulate a design with iverilog + cocotb (the cocotb runner's steps, through `run_tool`)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolchain.atomic import write_atomic
from toolchain.errors import ToolCrashedError, ToolNotFoundError, ToolTimeoutError
from toolchain.proc import CancelToken, run_tool

IVERILOG = "iverilog"
VVP = "vvp"
BENCH_MODULE = "toolchain.cosim.cocotb_bench"
REPO_ROOT = Path(__file__).resolve().parents[2]
# how a bench stopped by its wall-clock deadline begins its status: the results that finished
# are kept (see `simulate`)
OUT_OF_TIME = "time budget reached"


# how long before the time limit the bench stops on its own (at least 2 s, at most 30), so that
# it writes what finished instead of being killed
def _deadline_margin(timeout_s: float) -> float:
    return min(max(0.15 * timeout_s, 2.0), 30.0)


@dataclass(frozen=True)
class SimBudget:
    """What a co-simulation may spend: cycles per vector (a design that takes longer to answer is
    taken as stuck) and wall-clock seconds per simulator run. It travels as one value from the
    synthesis flow through the bench to the waveform captures, which simulate again."""

    max_cycles: int = 100_000
    timeout_s: float = 300.0

    def describe(self, timed: bool) -> str:
        """The budget that ran out: the time budget (`timed`), else the cycle budget."""
        if timed:
            return f"{self.timeout_s:.0f} s simulation budget"
        return f"simulation budget of {self.max_cycles} cycles per vector"


DEFAULT_SIM_BUDGET = SimBudget()


@dataclass(frozen=True)
class SimResult:
    status: str  # "ok" or why the bench stopped
    cycles: int
    results: list[dict[str, Any]]  # per vector: outputs (port -> unsigned int | None), latency
    log: str
    duration_s: float


def _cocotb_env(top: str, job: Path, results_xml: Path) -> dict[str, str]:
    try:
        import find_libpython
        from cocotb_tools import config
    except ImportError as exc:  # pragma: no cover - cocotb is a dependency
        raise ToolNotFoundError(
            "cocotb is not installed", hint="pip install cocotb==2.1.0"
        ) from exc
    libpython = find_libpython.find_libpython()
    if libpython is None:
        raise ToolNotFoundError("cocotb needs libpython, which was not found")
    env = dict(os.environ)
    env["PATH"] = env.get("PATH", "") + os.pathsep + str(config.libs_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *sys.path])
    env["PYGPI_PYTHON_BIN"] = sys.executable
    env["GPI_USERS"] = ";".join([libpython, config.pygpi_entry_point()])
    env["COCOTB_TOPLEVEL"] = top
    env["TOPLEVEL_LANG"] = "verilog"
    env["COCOTB_TEST_MODULES"] = BENCH_MODULE
    env["COCOTB_RESULTS_FILE"] = str(results_xml)
    env["COCOTB_RANDOM_SEED"] = "1"
    env["P2S_COSIM_JOB"] = str(job)
    return env


def vpi_module() -> str:
    from cocotb_tools import config

    return str(config.lib_entry("vpi", "icarus"))


def simulate(
    sources: list[Path],
    top: str,
    inputs: list[str],
    outputs: list[str],
    vectors: list[list[int]],
    workdir: Path,
    *,
    max_cycles: int = 100_000,
    timeout_s: float = 300.0,
    cancel: CancelToken | None = None,
    extra_roots: Sequence[tuple[str, Path]] = (),
    dump: bool = False,
    memories: Sequence[tuple[str, list[list[int]]]] = (),
    readouts: Sequence[tuple[str, int]] = (),
) -> SimResult:
    """Drive `vectors` (one unsigned int per input port) into `top`; read every output port.
    `extra_roots`: further top-level modules (name, file) elaborated beside `top`, such as the
    one that dumps a waveform; `dump` lets its $dumpvars write the VCD (vvp -vcd, else -none).
    Near the time limit the bench stops by itself: the status then begins with OUT_OF_TIME and
    the results hold the vectors that finished, in order."""
    # iverilog and vvp run inside `workdir`: the paths they are given must not depend on that
    workdir = workdir.resolve()
    sources = [p.resolve() for p in sources]
    workdir.mkdir(parents=True, exist_ok=True)
    sim = workdir / "sim.vvp"
    cmds = workdir / "cmds.f"
    write_atomic(cmds, "+timescale+1ns/1ps\n")
    roots = [arg for name, _ in extra_roots for arg in ("-s", name)]
    extra = [path.resolve() for _, path in extra_roots]
    build = run_tool(
        [IVERILOG, "-o", sim, "-s", top, *roots, "-g2012", "-f", cmds, *sources, *extra],
        timeout_s=timeout_s,
        cwd=workdir,
        cancel=cancel,
    )
    if build.returncode != 0:
        raise ToolCrashedError(f"iverilog could not compile {top}: {build.output.strip()[:500]}")
    job = workdir / "cosim_job.json"
    results_file = workdir / "cosim_results.json"
    results_file.unlink(missing_ok=True)
    write_atomic(
        job,
        json.dumps(
            {
                "inputs": inputs,
                "outputs": outputs,
                # hex strings: wide ports hold integers with more digits than int() parses
                "vectors": [[hex(v) for v in vec] for vec in vectors],
                "max_cycles": max_cycles,
                "deadline": time.time() + timeout_s - _deadline_margin(timeout_s),
                "results": str(results_file),
                # block RAMs the bench loads before each vector: port prefix, words per vector
                "memories": [
                    [name, [[hex(w) for w in ws] for ws in per]] for name, per in memories
                ],
                # block RAMs the method modifies: port prefix, words to read back per result
                "readouts": [[name, words] for name, words in readouts],
            }
        ),
    )
    run = run_tool(
        [VVP, "-m", vpi_module(), sim, "-vcd" if dump else "-none"],
        timeout_s=timeout_s,
        cwd=workdir,
        env=_cocotb_env(top, job, workdir / "results.xml"),
        cancel=cancel,
    )
    log = run.output
    write_atomic(workdir / "cosim.log", log)
    if run.timed_out:
        raise ToolTimeoutError(f"simulation of {top} ran past {timeout_s:.0f} s")
    if not results_file.exists():
        tail = " | ".join(log.strip().splitlines()[-4:])
        raise ToolCrashedError(f"the cocotb bench for {top} wrote no results: {tail}")
    data = json.loads(results_file.read_text(encoding="utf-8"))
    results = list(data["results"])
    for r in results:
        r["outputs"] = {k: None if v is None else int(v, 16) for k, v in r["outputs"].items()}
        r["memories"] = {
            k: [None if w is None else int(w, 16) for w in ws]
            for k, ws in r.get("memories", {}).items()
        }
    return SimResult(
        status=str(data["status"]),
        cycles=int(data["cycles"]),
        results=results,
        log=log,
        duration_s=build.duration_s + run.duration_s,
    )
