"""Reading a file the user named (a Dafny source, a generation spec) with one clear InputError.

Every way such a read fails (missing, a directory, the wrong kind of file, too large, not UTF-8,
unreadable) becomes an InputError that names the file, so the CLI and the editor show one line
instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

from toolchain.errors import InputError


def read_user_text(
    path: str | Path,
    *,
    max_bytes: int,
    directory_hint: str,
    suffix: str | None = None,
    kind: str = "",
) -> str:
    """The UTF-8 text of `path`; with `suffix`, the file's `Path.suffix` must be it (`kind`
    names such a file in the error)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p} is a directory", hint=directory_hint)
    if suffix is not None and p.suffix != suffix:
        raise InputError(f"{p} is not {kind}", hint=f"expected a {suffix} file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(f"{p} is {size // 1024} KiB, over the {max_bytes // 1024} KiB limit")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p} is not UTF-8 text (byte {exc.start})", hint="save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise InputError(f"{p}: {exc.strerror}") from exc
