"""Logic synthesis with yosys: map RTL to Xilinx 7-series or iCE40 cells and count them.

The counts come from `stat -json` (the text layout of `stat` differs between yosys versions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.settings import SynthTarget
from shared_schemas.synthesis import ResourceReport
from toolchain.atomic import write_atomic
from toolchain.errors import InputError, ToolCrashedError, ToolTimeoutError
from toolchain.proc import CancelToken, run_tool, tool_workdir

YOSYS = "yosys"

# Xilinx block RAMs are counted in 18 Kb units, as Vitis HLS reports BRAM_18K.
_XILINX_BRAM_UNITS = {"RAMB18E1": 1, "RAMB36E1": 2, "RAMB18E2": 1, "RAMB36E2": 2}
# LUTs used as memory (distributed RAM, shift registers), as many LUT sites as each takes: Vivado's
# "Slice LUTs" count them, and a LUT RAM design would look free without them (RAM64M: 4 LUTs)
_XILINX_LUT_MEMORY = {
    "RAM32X1S": 1,
    "RAM64X1S": 1,
    "RAM32X1D": 2,
    "RAM64X1D": 2,
    "RAM128X1S": 2,
    "RAM128X1D": 4,
    "RAM256X1S": 4,
    "RAM32M": 4,
    "RAM64M": 4,
    "RAM32M16": 8,
    "RAM64M8": 8,
    "SRL16E": 1,
    "SRLC16E": 1,
    "SRLC32E": 1,
}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class YosysResult:
    resources: ResourceReport
    netlist_json: Path | None  # the mapped iCE40 netlist (input of nextpnr), when asked for
    log: str
    duration_s: float


def classify_cells(cells: dict[str, int], target: SynthTarget, source: str) -> ResourceReport:
    """Group mapped cell types into the headline resource classes of the target."""
    lut = ff = dsp = bram = carry = 0
    for name, count in cells.items():
        if target == SynthTarget.xilinx:
            if re.fullmatch(r"LUT[1-6](_2)?", name):
                lut += count
            elif name in _XILINX_LUT_MEMORY:
                lut += count * _XILINX_LUT_MEMORY[name]
            elif re.fullmatch(r"FD[A-Z]*", name):
                ff += count
            elif name.startswith("DSP48"):
                dsp += count
            elif name in _XILINX_BRAM_UNITS:
                bram += count * _XILINX_BRAM_UNITS[name]
            elif name.startswith("CARRY"):
                carry += count
        else:
            if name == "SB_LUT4":
                lut += count
            elif name.startswith("SB_DFF"):
                ff += count
            elif name == "SB_MAC16":
                dsp += count
            elif name.startswith("SB_RAM"):
                bram += count
            elif name == "SB_CARRY":
                carry += count
    return ResourceReport(
        target=target,
        source=source,
        lut=lut,
        ff=ff,
        dsp=dsp,
        bram=bram,
        carry=carry,
        cells=dict(sorted(cells.items())),
        total_cells=sum(cells.values()),
    )


def parse_stat_json(text: str, target: SynthTarget, top: str | None = None) -> ResourceReport:
    """Read `stat -json`: the whole design's counts (or one module's when `top` is given)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolCrashedError(f"yosys wrote an unreadable stat report: {exc}") from exc
    section: dict[str, object] | None = None
    if top is not None:
        modules = data.get("modules", {})
        section = modules.get(f"\\{top}") or modules.get(top)
    if section is None:
        section = data.get("design")
    if not isinstance(section, dict):
        raise ToolCrashedError("yosys stat report has no design section")
    raw = section.get("num_cells_by_type", {})
    if not isinstance(raw, dict):
        raise ToolCrashedError("yosys stat report has no cell counts")
    cells = {str(k): int(v) for k, v in raw.items()}
    version = str(data.get("creator", "yosys")).split(" (")[0]
    flow = "synth_xilinx" if target == SynthTarget.xilinx else "synth_ice40"
    return classify_cells(cells, target, f"{version.lower()} {flow}")


def synth_script(
    sources: list[Path], top: str, target: SynthTarget, stat_name: str, netlist: str | None
) -> str:
    """A yosys script run in the work folder. Sources are quoted (read_verilog accepts quotes);
    the files yosys writes get plain names inside the work folder (tee -o keeps quotes)."""
    if not _IDENT.match(top):
        raise InputError(f"not a Verilog module name: {top!r}")
    for name in (stat_name, netlist or "x"):
        if not re.fullmatch(r"[\w.-]+", name):
            raise InputError(f"unsafe file name for yosys: {name!r}")
    lines = [f'read_verilog -sv "{p}"' for p in sources]
    if target == SynthTarget.xilinx:
        lines.append(f"synth_xilinx -flatten -noiopad -top {top}")
    else:
        write = f" -json {netlist}" if netlist is not None else ""
        lines.append(f"synth_ice40 -top {top}{write}")
    lines.append(f"tee -q -o {stat_name} stat -json")
    return "\n".join(lines) + "\n"


def synthesize(
    sources: list[Path],
    top: str,
    target: SynthTarget,
    workdir: Path,
    *,
    keep_netlist: bool = False,
    timeout_s: float = 300.0,
    cancel: CancelToken | None = None,
) -> YosysResult:
    """Run yosys on `sources` and return the resources of `top` mapped to `target`."""
    workdir = tool_workdir(workdir)
    stat_path = workdir / f"stat_{target.value}.json"
    netlist = workdir / f"netlist_{target.value}.json" if keep_netlist else None
    stat_path.unlink(missing_ok=True)
    script = workdir / f"synth_{target.value}.ys"
    write_atomic(
        script,
        synth_script(
            [p.resolve() for p in sources],
            top,
            target,
            stat_path.name,
            netlist.name if netlist is not None else None,
        ),
    )
    result = run_tool(
        [YOSYS, "-q", "-l", str(workdir / f"yosys_{target.value}.log"), "-s", str(script)],
        timeout_s=timeout_s,
        cwd=workdir,
        cancel=cancel,
    )
    if result.timed_out:
        raise ToolTimeoutError(f"yosys ran past {timeout_s:.0f} s on {top}")
    if result.returncode != 0 or not stat_path.exists():
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise ToolCrashedError(f"yosys failed on {top}: {' | '.join(tail) or 'no output'}")
    resources = parse_stat_json(stat_path.read_text(encoding="utf-8"), target, top)
    return YosysResult(
        resources=resources,
        netlist_json=netlist,
        log=result.output,
        duration_s=result.duration_s,
    )
