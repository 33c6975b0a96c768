"""How far a verified replayed program gets towards hardware: front end (IR), RTL, co-simulation.

"Hardware-plausible" means what the front end says: one method of the program lowers to the
hardware IR with no error diagnostic. Columns whose stage is not in this checkout are reported
as missing, with the reason, never guessed.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from shared_schemas.replay import MbppTask
from toolchain.dafny.symbols import find_symbols

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine

COLUMNS = ("hardware_plausible", "reaches_rtl", "cosim_passed")


@dataclass(frozen=True)
class HardwareVerdict:
    plausible: bool
    method: str | None = None
    reason: str | None = None
    reaches_rtl: bool | None = None
    cosim_passed: bool | None = None


class HardwareProbe(Protocol):
    def missing(self) -> dict[str, str]:
        """Column name -> why it cannot be measured in this checkout."""
        ...

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict: ...


def _module_present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _signature_name(signature: str) -> str | None:
    m = re.search(r"\bmethod\s+([A-Za-z_][\w']*)", signature)
    return m.group(1) if m else None


def candidate_methods(code: str, task: MbppTask | None) -> list[str]:
    """Top-level methods, the one named like the task's signature first; test drivers last."""
    names = [
        s.name
        for s in find_symbols(code)
        if s.kind == "method" and s.container is None and s.module is None and s.name
    ]
    wanted = _signature_name(task.method_signature) if task is not None else None

    def rank(name: str) -> tuple[int, int]:
        if wanted is not None and _key(name) == _key(wanted):
            return (0, names.index(name))
        if "test" in name.lower() or name == "Main":
            return (2, names.index(name))
        return (1, names.index(name))

    return sorted(dict.fromkeys(names), key=rank)


class FrontendProbe:
    """Lower verified programs with `toolchain.frontend`; RTL and co-simulation are not wired."""

    def __init__(self, engine: DafnyEngine | None = None) -> None:
        # With an engine, widths must also be proven by Dafny (one more verifier run per method).
        self.engine = engine

    def missing(self) -> dict[str, str]:
        gone: dict[str, str] = {}
        if not _module_present("toolchain.frontend.pipeline"):
            gone["hardware_plausible"] = (
                "the front end's lowering (toolchain.frontend.pipeline, issue #5) is not in "
                "this checkout"
            )
        reason = (
            "synthesis (toolchain.pipeline, issue #6) is not in this checkout"
            if not _module_present("toolchain.pipeline")
            else "synthesis exists but the replay bench does not drive it yet"
        )
        gone["reaches_rtl"] = reason
        gone["cosim_passed"] = reason
        return gone

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict:
        from toolchain.frontend import lower

        methods = candidate_methods(code, task)
        if not methods:
            return HardwareVerdict(False, reason="no method to lower")
        first_reason: str | None = None
        for name in methods:
            result = lower(code, name, engine=self.engine)
            if result.method is not None and not result.errors:
                if self.engine is not None and not result.ok:
                    first_reason = first_reason or f"{name}: widths not proven"
                    continue
                return HardwareVerdict(True, method=name)
            if first_reason is None:
                errors = result.errors or result.diagnostics
                detail = errors[0].message if errors else "not lowered"
                first_reason = f"{name}: {detail}"[:200]
        return HardwareVerdict(False, reason=first_reason)


__all__ = ["COLUMNS", "FrontendProbe", "HardwareProbe", "HardwareVerdict", "candidate_methods"]
