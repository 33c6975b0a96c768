"""The background width proof of one method, stoppable: a new edit or shutdown kills its Dafny.

`toolchain.hardware_status.method_hardware` runs the front end with the Dafny engine (one or
more obligation runs per method) and takes no cancel token. It is given the engine's
`stoppable` twin, whose every run carries the proof's `CancelToken`: cancelling it kills the
running Dafny's process group (`toolchain.proc`), and any later run of the same proof stops
before it starts.
"""

from __future__ import annotations

from toolchain.dafny import DafnyEngine
from toolchain.hardware_status import MethodHardware, method_hardware
from toolchain.proc import CancelToken


def prove_method_widths(
    text: str, name: str, filename: str, engine: DafnyEngine, cancel: CancelToken
) -> MethodHardware | None:
    """`method_hardware` with Dafny; None when cancelled (its result would say nothing)."""
    found = method_hardware(text, name, filename, engine.stoppable(cancel))
    return None if cancel.cancelled else found


__all__ = ["prove_method_widths"]
