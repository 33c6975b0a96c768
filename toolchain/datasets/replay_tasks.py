"""The unit of work of the replay check on an executor: one distinct program verified by the real
Dafny in the worker that runs it (a thread here, or a Ray worker elsewhere). The payload carries
the program's text and the verifier's limits; the result is the FileVerification as JSON."""

from __future__ import annotations

import threading
from typing import Any

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache, default_cache_dir

CANDIDATE_FILE = "candidate.dfy"
_ENGINES: dict[bool, DafnyEngine] = {}
_LOCK = threading.Lock()
# The executor bounds how many run at once; the engine's own slots only need to exceed that.
_SLOTS = 64


def _engine(cold: bool) -> DafnyEngine:
    with _LOCK:
        if cold not in _ENGINES:
            cache = ResultCache(None) if cold else ResultCache(default_cache_dir())
            _ENGINES[cold] = DafnyEngine.discover(DafnySettings(jobs=_SLOTS), cache=cache)
        return _ENGINES[cold]


def verify_program(payload: dict[str, Any]) -> dict[str, Any]:
    request = VerifyRequest(
        timeout_s=payload["timeout_s"], vc_time_limit_s=payload["vc_time_limit_s"]
    )
    result = _engine(bool(payload.get("cold"))).verify_source(
        payload["code"], CANDIDATE_FILE, request
    )
    return result.model_dump(mode="json")


__all__ = ["verify_program"]
