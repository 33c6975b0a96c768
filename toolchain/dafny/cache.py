"""Verification results cached by content hash + Dafny version + options.

An in-memory LRU in front of a directory of JSON files ($P2S_CACHE_DIR, else
~/.cache/proof2silicon), so that the CLI, the server and the benchmarks all skip work they
have done before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

from shared_schemas.verification import FileVerification
from toolchain.atomic import write_atomic


def default_cache_dir() -> Path:
    env = os.environ.get("P2S_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "proof2silicon"


def cache_key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None = None, capacity: int = 512) -> None:
        self.directory = directory
        self.capacity = capacity
        self._memory: OrderedDict[str, FileVerification] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> FileVerification | None:
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
                return hit.model_copy(deep=True)
        if self.directory is None:
            return None
        path = self.directory / "verify" / f"{key}.json"
        with contextlib.suppress(OSError, ValueError):
            loaded = FileVerification.model_validate(json.loads(path.read_text("utf-8")))
            self._remember(key, loaded)
            return loaded.model_copy(deep=True)
        return None

    def put(self, key: str, value: FileVerification) -> None:
        self._remember(key, value)
        if self.directory is not None:
            with contextlib.suppress(OSError):
                write_atomic(self.directory / "verify" / f"{key}.json", value.model_dump_json())

    def _remember(self, key: str, value: FileVerification) -> None:
        with self._lock:
            self._memory[key] = value.model_copy(deep=True)
            self._memory.move_to_end(key)
            while len(self._memory) > self.capacity:
                self._memory.popitem(last=False)
