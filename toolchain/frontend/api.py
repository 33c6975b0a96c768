"""The front end's public surface: source text in, hardware IR and located diagnostics out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared_schemas.verification import Diagnostic, Severity
from toolchain.errors import ToolchainError
from toolchain.frontend.ir import HardwareMethod

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ranges import Options


@dataclass
class LoweringResult:
    method: HardwareMethod | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    obligation_program: str | None = None  # the Dafny text whose verification proved the widths

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.error]

    @property
    def ok(self) -> bool:
        """Lowered, and every width proven (or declared by the type)."""
        return self.method is not None and not self.errors and self.method.widths_proven


class HardwareLoweringError(ToolchainError):
    """The method cannot become hardware; `diagnostics` says where and why."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0] if diagnostics else None
        hint = f"line {first.range.start.line + 1}: {first.message}" if first is not None else None
        super().__init__(message, hint)
        self.diagnostics = diagnostics


def lower(
    source_text: str,
    method_name: str,
    *,
    filename: str = "input.dfy",
    engine: DafnyEngine | None = None,
    options: Options | None = None,
) -> LoweringResult:
    """Lower one method; with an engine, prove the widths with the real Dafny verifier.

    `options` (toolchain.frontend.ranges.Options) can state a hardware contract for inputs the
    program leaves unbounded (`assume_input_bits`, `assume_max_length`): reported as assumed,
    and given to the proofs as preconditions.
    """
    from toolchain.frontend.pipeline import run_frontend

    return run_frontend(source_text, method_name, filename=filename, engine=engine, options=options)


def lower_method(
    source_text: str,
    method_name: str,
    engine: DafnyEngine | None = None,
    *,
    filename: str = "input.dfy",
    options: Options | None = None,
) -> HardwareMethod:
    result = lower(source_text, method_name, filename=filename, engine=engine, options=options)
    if result.method is None or result.errors:
        raise HardwareLoweringError(
            f"{method_name} cannot be lowered to hardware", result.errors or result.diagnostics
        )
    return result.method
