"""Write generated files so that a crash never leaves half a file, and never clobber user files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from toolchain.errors import InputError


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write to a temporary file beside the target, then rename it over the target.

    With overwrite=False an existing file is an InputError that says how to proceed.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise InputError(f"{target} already exists", hint="pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
