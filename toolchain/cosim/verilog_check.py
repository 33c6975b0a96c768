"""Every Verilog file the flow emits is read by the simulator's own parser before anything runs it.

Generated Verilog that iverilog rejects is a bug of the back end, never the user's: it is reported
as an internal error that names the method, so that it is neither mistaken for a problem of the
Dafny program nor for a co-simulation mismatch.
"""

from __future__ import annotations

from pathlib import Path

from toolchain.errors import ToolchainError
from toolchain.proc import CancelToken, run_tool

IVERILOG = "iverilog"
_MAX_MESSAGE = 600


class GeneratedVerilogError(ToolchainError):
    """The Verilog the back end generated for a method does not parse or elaborate."""

    def __init__(self, method: str, detail: str) -> None:
        super().__init__(
            f"internal error: generated Verilog for {method} does not parse: {detail}",
            "this is a bug in Proof2Silicon's hardware back end, not in your program; "
            "please report it with the method",
        )
        self.method = method
        self.detail = detail


def check_verilog_parses(
    sources: list[Path],
    top: str,
    method: str,
    *,
    timeout_s: float = 60.0,
    cancel: CancelToken | None = None,
) -> None:
    """Parse and elaborate `sources` with top module `top` (iverilog's null target: no output
    file); raise GeneratedVerilogError naming `method` when iverilog refuses them."""
    paths = [p.resolve() for p in sources]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise GeneratedVerilogError(method, f"no such file: {', '.join(missing)}")
    result = run_tool(
        [IVERILOG, "-g2012", "-t", "null", "-s", top, *paths],
        timeout_s=timeout_s,
        cancel=cancel,
    )
    if result.timed_out:
        raise GeneratedVerilogError(method, f"iverilog did not finish within {timeout_s:.0f} s")
    if result.returncode != 0:
        text = " | ".join(line for line in result.output.strip().splitlines() if line.strip())
        if len(text) > _MAX_MESSAGE:
            text = text[:_MAX_MESSAGE] + " ..."
        raise GeneratedVerilogError(method, text or f"iverilog exited {result.returncode}")
