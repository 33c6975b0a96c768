"""The background width proof of one method, stoppable: a new edit or shutdown kills its Dafny.

`toolchain.hardware_status.method_hardware` runs the front end with the Dafny engine (one or
more obligation runs per method) and takes no cancel token. It is given an engine whose every
run carries the proof's `CancelToken`: cancelling it kills the running Dafny's process group
(`toolchain.proc`), and any later run of the same proof stops before it starts.
"""

from __future__ import annotations

from shared_schemas.verification import FileVerification, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.hardware_status import MethodHardware, method_hardware
from toolchain.proc import CancelToken


class CancellableEngine(DafnyEngine):
    """`engine` (same Dafny, settings, cache and job slots) with `cancel` on every run."""

    def __init__(self, engine: DafnyEngine, cancel: CancelToken) -> None:
        super().__init__(engine.info, engine.settings, engine.cache)
        self._slots = engine._slots  # the job limit is the engine's, not one more
        self.cancel = cancel

    def verify_source(
        self,
        text: str,
        filename: str = "input.dfy",
        request: VerifyRequest | None = None,
        cancel: CancelToken | None = None,
    ) -> FileVerification:
        self.cancel.raise_if_cancelled()
        return super().verify_source(text, filename, request, cancel or self.cancel)


def prove_method_widths(
    text: str, name: str, filename: str, engine: DafnyEngine, cancel: CancelToken
) -> MethodHardware | None:
    """`method_hardware` with Dafny; None when cancelled (its result would say nothing)."""
    found = method_hardware(text, name, filename, CancellableEngine(engine, cancel))
    return None if cancel.cancelled else found


__all__ = ["CancellableEngine", "prove_method_widths"]
