"""Task functions for the executor tests: module level, so Ray workers import them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def square(payload: dict[str, Any]) -> dict[str, Any]:
    time.sleep(payload.get("sleep", 0.0))
    return {"n": payload["n"], "square": payload["n"] ** 2, "pid": os.getpid()}


def die_once(payload: dict[str, Any]) -> dict[str, Any]:
    """The first attempt kills its own worker process (as an OOM kill or a crash would); the
    marker file tells the retry that its predecessor died."""
    marker = Path(payload["marker_dir"]) / f"{payload['n']}.died"
    if payload.get("die") and not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(9)
    return {"n": payload["n"], "square": payload["n"] ** 2}


def always_die(payload: dict[str, Any]) -> dict[str, Any]:
    os._exit(9)


def where(payload: dict[str, Any]) -> dict[str, Any]:
    import ray

    time.sleep(payload.get("sleep", 0.0))
    return {"n": payload["n"], "node": ray.get_runtime_context().get_node_id()}
