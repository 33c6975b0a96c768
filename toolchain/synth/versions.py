"""Versions of every tool a report depends on, asked once per process."""

from __future__ import annotations

import functools
import importlib.metadata
import shutil

from toolchain.errors import ToolchainError
from toolchain.proc import run_tool

_COMMANDS = {
    "yosys": ["yosys", "-V"],
    "nextpnr-ice40": ["nextpnr-ice40", "--version"],
    "iverilog": ["iverilog", "-V"],
    "g++": ["g++", "--version"],
    "vitis_hls": ["vitis_hls", "-version"],
    "vivado_hls": ["vivado_hls", "-version"],
}
_PACKAGES = {"xls": "xls-python", "cocotb": "cocotb", "polyphony": "polyphony"}


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "unknown"


@functools.cache
def tool_version(name: str) -> str | None:
    """One line naming the installed version of `name`, or None when it is not installed."""
    if name in _PACKAGES:
        try:
            return f"{_PACKAGES[name]} {importlib.metadata.version(_PACKAGES[name])}"
        except importlib.metadata.PackageNotFoundError:
            return None
    argv = _COMMANDS.get(name)
    if argv is None or shutil.which(argv[0]) is None:
        return None
    try:
        result = run_tool(argv, timeout_s=30)
    except ToolchainError:
        return None
    line = _first_line(result.stdout or result.stderr)
    if name == "nextpnr-ice40":
        line = line.split("--")[-1].strip()
    return line


def tool_versions(names: list[str]) -> dict[str, str]:
    found = {n: tool_version(n) for n in names}
    return {n: v for n, v in found.items() if v is not None}
