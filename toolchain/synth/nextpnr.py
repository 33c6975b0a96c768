"""Fmax on a real FPGA fabric: place and route for an iCE40 HX8K with nextpnr-ice40.

Generated designs often have hundreds of data bits on their ports, more than any package has
pins. `fmax_wrapper` therefore puts the design between a serial-in shift register (feeding every
data input) and a parallel-load, serial-out register (observing every data output): nine pins
whatever the design, register-to-register paths through the whole datapath, nothing optimized away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.settings import SynthTarget
from shared_schemas.synthesis import PortRole, RtlPort
from toolchain.atomic import write_atomic
from toolchain.errors import ToolCrashedError, ToolTimeoutError
from toolchain.proc import CancelToken, run_tool, tool_workdir
from toolchain.synth.yosys import synthesize

NEXTPNR_ICE40 = "nextpnr-ice40"
DEVICE = "hx8k"
PACKAGE = "ct256"
WRAPPER_TOP = "p2s_fmax_wrap"

_FMAX = re.compile(r"Max frequency for clock '([^']*)': ([0-9.]+) MHz")


@dataclass(frozen=True)
class FmaxResult:
    fmax_mhz: float | None
    device: str
    log: str
    duration_s: float


def parse_fmax(log: str) -> float | None:
    """The last (post-routing) Fmax nextpnr printed for the design's clock."""
    found = [float(m.group(2)) for m in _FMAX.finditer(log)]
    return found[-1] if found else None


def fmax_wrapper(top: str, ports: list[RtlPort]) -> str:
    """Verilog of a nine-pin wrapper around `top` (see the module docstring)."""
    ins = [p for p in ports if p.role == PortRole.data_in]
    outs = [p for p in ports if p.role == PortRole.data_out]
    in_bits = max(sum(p.width for p in ins), 1)
    out_bits = max(sum(p.width for p in outs), 1)
    conns: list[str] = []
    offset = 0
    for p in ins:
        conns.append(f".{p.name}(sin[{offset + p.width - 1}:{offset}])")
        offset += p.width
    offset = 0
    for p in outs:
        conns.append(f".{p.name}(dout_w[{offset + p.width - 1}:{offset}])")
        offset += p.width
    for p in ports:
        if p.role == PortRole.clock:
            conns.append(f".{p.name}(clk)")
        elif p.role == PortRole.reset:
            conns.append(f".{p.name}(rst)")
        elif p.role == PortRole.handshake:
            pin = {"input": "hs_in", "output": "hs_out"}[p.direction]
            conns.append(f".{p.name}({pin}_{p.name})")
    hs_in = [p.name for p in ports if p.role == PortRole.handshake and p.direction == "input"]
    hs_out = [p.name for p in ports if p.role == PortRole.handshake and p.direction == "output"]
    pin_decls = ["input wire clk", "input wire rst", "input wire din", "input wire load"]
    pin_decls += [f"input wire hs_in_{n}" for n in hs_in]
    pin_decls += ["output wire dout"] + [f"output wire hs_out_{n}" for n in hs_out]
    body = ",\n    ".join(conns)
    return (
        f"module {WRAPPER_TOP}(\n  " + ",\n  ".join(pin_decls) + "\n);\n"
        f"  reg [{in_bits - 1}:0] sin;\n"
        f"  wire [{out_bits - 1}:0] dout_w;\n"
        f"  reg [{out_bits - 1}:0] sout;\n"
        f"  always @(posedge clk) sin <= {{sin, din}};\n"
        f"  always @(posedge clk) sout <= load ? dout_w : (sout >> 1);\n"
        f"  assign dout = sout[0];\n"
        f"  {top} dut(\n    {body}\n  );\n"
        "endmodule\n"
    )


def estimate_fmax(
    sources: list[Path],
    top: str,
    ports: list[RtlPort],
    workdir: Path,
    *,
    target_mhz: float,
    seed: int = 1,
    timeout_s: float = 300.0,
    cancel: CancelToken | None = None,
) -> FmaxResult:
    """Synthesize the wrapped design for iCE40, place and route it, and read its Fmax."""
    workdir = tool_workdir(workdir)
    wrapper = write_atomic(workdir / f"{WRAPPER_TOP}.v", fmax_wrapper(top, ports))
    synth = synthesize(
        [*(p.resolve() for p in sources), wrapper],
        WRAPPER_TOP,
        SynthTarget.ice40,
        workdir,
        keep_netlist=True,
        timeout_s=timeout_s,
        cancel=cancel,
    )
    assert synth.netlist_json is not None
    result = run_tool(
        [
            NEXTPNR_ICE40,
            f"--{DEVICE}",
            "--package",
            PACKAGE,
            "--json",
            str(synth.netlist_json),
            "--freq",
            f"{target_mhz:.3f}",
            "--seed",
            str(seed),
            "--timing-allow-fail",
            "--pcf-allow-unconstrained",
        ],
        timeout_s=timeout_s,
        cwd=workdir,
        cancel=cancel,
    )
    if result.timed_out:
        raise ToolTimeoutError(f"nextpnr-ice40 ran past {timeout_s:.0f} s on {top}")
    log = result.output
    write_atomic(workdir / "nextpnr.log", log)
    if result.returncode != 0:
        tail = [ln for ln in log.splitlines() if "ERROR" in ln][-2:] or log.splitlines()[-2:]
        raise ToolCrashedError(f"nextpnr-ice40 failed on {top}: {' | '.join(tail)}")
    return FmaxResult(
        fmax_mhz=parse_fmax(log),
        device=f"iCE40 {DEVICE.upper()} {PACKAGE}",
        log=log,
        duration_s=synth.duration_s + result.duration_s,
    )
