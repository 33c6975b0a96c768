"""Find the Dafny executable, learn its version, and pick the prover for Dafny 2.x."""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from pathlib import Path

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import DafnyInfo
from toolchain.errors import ToolCrashedError, ToolNotFoundError
from toolchain.proc import run_tool

INSTALL_HINT = (
    "install it with `sudo apt-get install dafny` (Dafny 2.3) or from the Dafny releases (4.x), "
    "or set the dafny path setting / $P2S_DAFNY"
)
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:\.\d+)?")


def find_dafny_path(settings: DafnySettings | None = None) -> Path:
    configured = (settings.path if settings else None) or os.environ.get("P2S_DAFNY")
    if configured:
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        found = shutil.which(configured)
        if found:
            return Path(found)
        raise ToolNotFoundError(f"Dafny not found at {configured}", hint=INSTALL_HINT)
    found = shutil.which("dafny")
    if not found:
        raise ToolNotFoundError("Dafny is not installed", hint=INSTALL_HINT)
    return Path(found)


@functools.lru_cache(maxsize=8)
def _version_of(path: str, mtime: float) -> str:
    # 4.x answers `--version` with a bare version; 2.x prints its banner then complains.
    probe = run_tool([path, "--version"], timeout_s=60)
    if probe.timed_out:
        raise ToolCrashedError(f"{path} --version did not answer within 60 s")
    m = _VERSION.search(probe.output)
    if not m:
        probe = run_tool([path, "/version"], timeout_s=60)
        m = _VERSION.search(probe.output)
    if not m:
        raise ToolCrashedError(f"cannot tell the version of {path}: {probe.output.strip()[:200]!r}")
    return m.group(0)


def find_prover(settings: DafnySettings | None = None) -> Path | None:
    """The z3 to hand to Dafny 2.x: a setting, $P2S_Z3, or the z3-solver wheel's binary."""
    configured = (settings.prover if settings else None) or os.environ.get("P2S_Z3")
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise ToolNotFoundError(f"z3 not found at {configured}", hint="fix the prover setting")
        return path
    candidates = [Path(sys.prefix) / "bin" / "z3", Path(sys.executable).parent / "z3"]
    try:
        import z3  # the z3-solver wheel ships its own z3 binary

        candidates.append(
            Path(z3.__file__).parent / "lib" / ".." / ".." / ".." / ".." / "bin" / "z3"
        )
    except ImportError:
        pass
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c.resolve()
    return None


def describe_dafny(settings: DafnySettings | None = None) -> DafnyInfo:
    path = find_dafny_path(settings)
    version = _version_of(str(path), path.stat().st_mtime)
    major = int(version.split(".")[0])
    prover = find_prover(settings) if major < 3 else None
    return DafnyInfo(
        path=str(path), version=version, major=major, prover=str(prover) if prover else None
    )
