"""The unit of work of bench.verify_corpus: one file verified by the real Dafny, in whichever
worker (thread, process, Ray) runs it. The payload carries the file's text, so a worker on
another machine needs no shared disk."""

from __future__ import annotations

import threading
from typing import Any

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache

_ENGINE: DafnyEngine | None = None
_LOCK = threading.Lock()
# Each worker verifies one file at a time; the executor bounds concurrency, so the engine's own
# job slots only need to be at least as many as the threads that share it.
_SLOTS = 64


def _engine() -> DafnyEngine:
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            # no result cache: every file is verified afresh, in every pass
            _ENGINE = DafnyEngine.discover(
                DafnySettings(jobs=_SLOTS), cache=ResultCache(None, capacity=0)
            )
        return _ENGINE


def verify_one(payload: dict[str, Any]) -> dict[str, Any]:
    request = VerifyRequest(
        timeout_s=payload["timeout_s"], vc_time_limit_s=payload["vc_time_limit_s"]
    )
    result = _engine().verify_source(payload["text"], payload["name"], request)
    return result.model_dump(mode="json", exclude={"raw_output"})


def verdict(result: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the executor: status, counts, diagnostics, per-method status
    (timings and where it ran aside)."""
    return {
        "file": result["file"],
        "status": result["status"],
        "verified_count": result["verified_count"],
        "error_count": result["error_count"],
        "timeout_count": result["timeout_count"],
        "shimmed": result["shimmed"],
        "diagnostics": [
            (d["severity"], d["range"]["start"]["line"], d["message"])
            for d in result["diagnostics"]
        ],
        "methods": [(m["name"], m["status"]) for m in result["methods"]],
    }


__all__ = ["verdict", "verify_one"]
