"""Write generated files so that a crash never leaves half a file, and never clobber user files.

`write_atomic` writes one file; `OutputFolder` guards a whole output folder: it refuses one that
holds files the tool did not write, removes only files its own previous run recorded, and records
(in `.p2s-files.json`) exactly the files each run leaves there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from toolchain.errors import InputError, OutputExistsError


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


OWNERSHIP_FILE = ".p2s-files.json"
_TOOL: Literal["proof2silicon"] = "proof2silicon"
_SHOWN = 3  # foreign files named in the refusal


class OwnedFiles(BaseModel):
    """The ownership record of an output folder: which of its files this tool wrote.

    A finished run lists its files in `files`. While a run is under way `complete` is false and
    `foreign` holds the files that were there before it began: should the run die before it can
    list its files, everything else in the folder is still known to be the tool's own.
    """

    model_config = ConfigDict(extra="forbid")

    tool: Literal["proof2silicon"] = _TOOL
    complete: bool
    files: list[str] = Field(default_factory=list, description="relative POSIX paths")
    foreign: list[str] = Field(default_factory=list, description="relative POSIX paths")


_Signature = tuple[int, int, int]


def _signature(path: Path) -> _Signature:
    st = path.lstat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _walk(root: Path) -> Iterator[str]:
    """Relative POSIX paths of the files (and symbolic links) under `root`, never following a
    link: a link to a folder is one entry, not a way out of the folder."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        links = [d for d in dirs if (base / d).is_symlink()]
        for name in sorted(files) + sorted(links):
            rel = (base / name).relative_to(root).as_posix()
            if rel != OWNERSHIP_FILE:
                yield rel
        dirs[:] = sorted(d for d in dirs if d not in links)


def _safe_relative(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts


class ForeignFilesError(OutputExistsError):
    """An output folder holds files this tool did not write; nothing was changed. An
    OutputExistsError, so that a client can offer to resend the request with force."""

    def __init__(self, message: str, *, hint: str, paths: list[str]) -> None:
        InputError.__init__(self, message, hint=hint)  # its own message, not "X already exists"
        self.paths = paths


class OutputFolder:
    """An output folder written without ever deleting or silently replacing a user's file.

    `claim` refuses a folder that holds files no earlier run of the tool wrote (unless forced);
    `remove_previous` deletes only what the previous ownership record lists; `release` records
    exactly the files the tool owns now. Forced, the user's files stay where they are: only
    those with the very names the tool writes get replaced.
    """

    def __init__(self, root: Path, previous: set[str], foreign: dict[str, _Signature]) -> None:
        self.root = root
        self.previous = previous
        self.foreign = foreign

    @classmethod
    def claim(cls, root: Path, *, force: bool = False) -> OutputFolder:
        root = root.resolve()
        if root.exists() and not root.is_dir():
            raise InputError(f"the output folder {root} is a file", hint="choose a folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
            # probe: a folder one may list but not write (/proc, a read-only mount) fails here,
            # before any stage runs, rather than as a traceback from the first tool
            fd, probe = tempfile.mkstemp(prefix=".p2s-probe.", dir=root)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise InputError(
                f"cannot write the output folder {root}: {exc.strerror or exc}",
                hint="choose a folder you can write, e.g. --out out/NAME",
            ) from exc
        previous = cls._owned(root)
        foreign: dict[str, _Signature] = {}
        for rel in _walk(root):
            if rel in previous:
                continue
            foreign[rel] = _signature(root / rel)
            if not force and len(foreign) > _SHOWN:
                break  # enough to name a few; a huge folder need not be read whole
        if foreign and not force:
            names = sorted(foreign)[:_SHOWN]
            more = " and more" if len(foreign) > _SHOWN else ""
            raise ForeignFilesError(
                f"the output folder {root} holds files Proof2Silicon did not write "
                f"({', '.join(names)}{more}); nothing was changed",
                hint="move them away or choose another output folder; `p2s synth --force` "
                "writes beside them (replacing only files of the very names it writes)",
                paths=[str(root / name) for name in names],
            )
        folder = cls(root, previous, foreign)
        folder._record(OwnedFiles(complete=False, foreign=sorted(foreign)))
        return folder

    @staticmethod
    def _owned(root: Path) -> set[str]:
        """What the last run recorded as its own (everything but its foreign list, when it did
        not get to finish)."""
        try:
            record = OwnedFiles.model_validate_json(
                (root / OWNERSHIP_FILE).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            return set()
        if record.complete:
            owned = set(record.files)
        else:
            owned = set(_walk(root)) - set(record.foreign)
        return {rel for rel in owned if _safe_relative(rel)}

    def _record(self, record: OwnedFiles) -> None:
        try:
            write_atomic(self.root / OWNERSHIP_FILE, record.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            raise InputError(f"cannot write {self.root / OWNERSHIP_FILE}: {exc}") from exc

    def remove_previous(self) -> list[str]:
        """Delete the files the previous run recorded as its own (stale outputs must not pass
        for this run's), and the folders that this leaves empty. Returns what was removed."""
        removed: list[str] = []
        folders: set[Path] = set()
        for rel in sorted(self.previous):
            path = self.root / rel
            try:
                # a folder replaced by a link must not turn the removal into one elsewhere
                path.parent.resolve().relative_to(self.root)
            except ValueError:
                continue
            if path.is_symlink() or path.is_file():
                path.unlink()
                removed.append(rel)
                folders.update(p for p in path.parents if p != self.root and self.root in p.parents)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()  # only when empty: a user's file keeps its folder
            except OSError:
                pass
        self.previous = set()
        return removed

    def written(self) -> list[str]:
        """The files in the folder that are the tool's: all but the foreign files it found
        at the start and left untouched."""
        own: list[str] = []
        for rel in _walk(self.root):
            sig = self.foreign.get(rel)
            if sig is not None and _signature(self.root / rel) == sig:
                continue
            own.append(rel)
        return own

    def release(self) -> list[str]:
        """Record the tool's files (after success or failure alike, so that the next run may
        replace them). Returns them."""
        own = self.written()
        self._record(OwnedFiles(complete=True, files=own))
        return own
