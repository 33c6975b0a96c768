"""Server features: one module per feature, each with `register(server: P2SServer) -> None`.

Imports point down: features use `server.engine_call`, which uses `server.app` (the server
object), which uses `server.documents`, `server.progress` and `server.transport`; those take the
server through small protocols and never import it.

Adding a feature (e.g. `proof2silicon.generate`, `proof2silicon.synthesize`):

1. Write `server/features/<feature>.py` with a function `register(server)` that defines the
   handlers with pygls decorators and calls into `toolchain/` (no logic here).
   `generate.py` is the model of a command that calls the engine: its handler is three lines
   around `server.engine_call.engine_call`.

   A command receives the `arguments` array as separate parameters; `engine_call` validates the
   first into your `shared_schemas` model, wires `$/cancelRequest` and the progress' Cancel
   button to the engine's `CancelToken`, and turns a `toolchain.errors.ToolchainError` (a
   problem the user can fix) into the request's error response. State a feature keeps per
   server is an attribute of `P2SServer`, not a module global. The per-method verification
   status of a document is `server.documents.status(uri)`.

2. Add the module's name to FEATURES below (one line).

A feature that fails to import or register is logged and skipped; the others still load.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.app import P2SServer

log = logging.getLogger("proof2silicon.server")

FEATURES: tuple[str, ...] = (
    "lifecycle",
    "diagnostics",
    "code_lens",
    "commands",
    "generate",
    "synthesize",
    "hover",
    "inlay_hints",
    "code_actions",
    "symbols",
    "explore",
)


def register_all(server: P2SServer) -> list[str]:
    """Register every feature; returns the names that failed."""
    failed: list[str] = []
    for name in FEATURES:
        try:
            module = importlib.import_module(f"server.features.{name}")
            module.register(server)
        except Exception:
            log.exception("feature %s could not be registered; the server runs without it", name)
            failed.append(name)
    return failed
