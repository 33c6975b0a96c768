"""Server features: one module per feature, each with `register(server: P2SServer) -> None`.

Adding a feature (e.g. `proof2silicon.generate`, `proof2silicon.synthesize`):

1. Write `server/features/<feature>.py` with a function `register(server)` that defines the
   handlers with pygls decorators and calls into `toolchain/` (no logic here):

       from server.app import P2SServer
       from server.progress import WorkDone
       from shared_schemas.lsp import COMMAND_SYNTHESIZE

       def register(server: P2SServer) -> None:
           @server.command(COMMAND_SYNTHESIZE)
           async def synthesize(ls: P2SServer, *args: object) -> dict[str, object]:
               params = SynthesizeParams.model_validate(args[0] if args else {})
               cancel = CancelToken()
               with ls.cancellable_request() as token:  # $/cancelRequest cancels this task
                   async with WorkDone(ls, "Synthesizing", on_cancel=cancel.cancel, token=token):
                       result = await asyncio.to_thread(run_synthesis, params, cancel)
               return result.model_dump(mode="json")

   A command receives the `arguments` array as separate parameters; validate them with your
   `shared_schemas` model (a ValidationError becomes the request's error response). Raise a
   `toolchain.errors.ToolchainError` for problems the user can fix: its message and hint reach
   the client. Code lenses: append a function `(server, document) -> list[CodeLens]` to
   `server.code_lens_contributors` (the per-method verification status of a document is
   `server.documents.status(uri)`).

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
