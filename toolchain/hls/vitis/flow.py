"""The commercial back end end to end: C++ + Tcl, C simulation with g++, and, where Vitis HLS or
Vivado HLS is on PATH, C synthesis with its `csynth.xml` read into the report.

The C simulation's outputs come back raw (`CsimRun`): judging them against Dafny's reference is
co-simulation's business (`toolchain.cosim.run.csim_report`), which sits above the back ends."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.atomic import write_atomic
from toolchain.errors import ToolCrashedError, ToolNotFoundError, ToolTimeoutError
from toolchain.frontend.ir import HardwareMethod
from toolchain.hls.directives import Directives
from toolchain.hls.interface import HwInterface, Value, Vector
from toolchain.hls.vitis.cpp import CppDesign, cpp_name, to_cpp
from toolchain.hls.vitis.csynth import CsynthReport, parse_csynth_xml
from toolchain.hls.vitis.tcl import DEFAULT_PART, csynth_xml_path, hls_script
from toolchain.hls.vitis.testbench import testbench
from toolchain.proc import CancelToken, run_tool, tool_workdir

HEADER = Path(__file__).with_name("p2s_ap_int.h")
HLS_TOOLS = ("vitis_hls", "vivado_hls")


SIMULATOR = f"g++ C simulation ({HEADER.name})"


@dataclass
class CsimRun:
    """What the g++-compiled design printed for each vector (None: the vector did not finish)."""

    outputs: list[dict[str, Value | None]]
    returncode: int
    duration_s: float
    log_file: Path
    simulator: str = SIMULATOR


@dataclass
class VitisOutcome:
    design: CppDesign
    files: dict[str, str]
    csim: CsimRun
    csynth: CsynthReport | None
    tool: str | None
    rtl_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_hls_tool() -> str | None:
    for name in HLS_TOOLS:
        if shutil.which(name):
            return name
    return None


def _csim(design: CppDesign, workdir: Path, cancel: CancelToken | None) -> CsimRun:
    """Compile the design and its self-checking testbench with g++ and run it."""
    if shutil.which("g++") is None:
        raise ToolNotFoundError("g++ is not installed", hint="apt-get install g++")
    workdir = workdir.resolve()  # g++ and the simulation run in `build`, not where we are
    build = workdir / "csim"
    build.mkdir(parents=True, exist_ok=True)
    write_atomic(build / HEADER.name, HEADER.read_bytes())
    write_atomic(build / "ap_int.h", f'#include "{HEADER.name}"\n')
    sources = [workdir / f"{design.top}.cpp", workdir / f"{design.top}_tb.cpp"]
    exe = build / "csim"
    compiled = run_tool(
        ["g++", "-std=c++17", "-O1", "-I", build, "-I", workdir, *sources, "-o", exe],
        timeout_s=300,
        cwd=build,
        cancel=cancel,
    )
    if compiled.returncode != 0:
        raise ToolCrashedError(f"g++ could not compile the C++ design: {compiled.output[-600:]}")
    ran = run_tool([exe], timeout_s=300, cwd=build, cancel=cancel)
    write_atomic(workdir / "csim.log", ran.output)
    if ran.timed_out:
        raise ToolTimeoutError("the C simulation ran past 300 s")
    actual: list[dict[str, Value | None]] = []
    for line in ran.stdout.splitlines():
        row = json.loads(line)
        if "vector" in row:
            k = int(row.pop("vector"))
            while len(actual) < k:
                actual.append({})
            actual.append(row)
    return CsimRun(
        outputs=actual,
        returncode=ran.returncode,
        duration_s=compiled.duration_s + ran.duration_s,
        log_file=workdir / "csim.log",
    )


def run_vitis(
    method: HardwareMethod,
    iface: HwInterface,
    workdir: Path,
    vectors: list[Vector],
    expected: list[dict[str, Value]],
    *,
    clock_ns: float,
    part: str = DEFAULT_PART,
    timeout_s: float = 3600.0,
    cancel: CancelToken | None = None,
    directives: Directives | None = None,
) -> VitisOutcome:
    workdir = tool_workdir(workdir)
    design = to_cpp(method, iface, directives=directives)
    names = {p.name: cpp_name(p.name) for p in method.ports}
    files = {
        f"{design.top}.cpp": design.source,
        f"{design.top}.h": design.header,
        f"{design.top}_tb.cpp": testbench(
            method, design.top, names, vectors, expected, design.result_lengths
        ),
        "run_hls.tcl": hls_script(design.top, clock_ns, part),
        HEADER.name: HEADER.read_text(encoding="utf-8"),
    }
    for name, text in files.items():
        write_atomic(workdir / name, text)
    warnings = list(design.warnings)
    csim = _csim(design, workdir, cancel)
    tool = find_hls_tool()
    csynth: CsynthReport | None = None
    rtl: list[Path] = []
    if tool is None:
        warnings.append(
            "Vitis HLS is not installed here: C++ and run_hls.tcl were written and checked by "
            "C simulation with g++; run `vitis_hls -f run_hls.tcl` for synthesis estimates"
        )
    else:
        result = run_tool(
            [tool, "-f", "run_hls.tcl"], timeout_s=timeout_s, cwd=workdir, cancel=cancel
        )
        write_atomic(workdir / f"{tool}.log", result.output)
        report = workdir / csynth_xml_path(".")
        if result.returncode != 0 or not report.exists():
            raise ToolCrashedError(f"{tool} failed (exit {result.returncode}); see {tool}.log")
        csynth = parse_csynth_xml(report.read_text(encoding="utf-8"))
        rtl = sorted((report.parent.parent / "verilog").glob("*.v"))
    return VitisOutcome(
        design=design,
        files=files,
        csim=csim,
        csynth=csynth,
        tool=tool,
        rtl_files=rtl,
        warnings=warnings,
    )
