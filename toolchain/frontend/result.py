"""What the front end returns for one method (`toolchain.frontend.driver` builds it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared_schemas.verification import Diagnostic, Severity
from toolchain.frontend.ir import HardwareMethod


@dataclass
class LoweringResult:
    """What the front end made of one method: the IR (None when it cannot become hardware) and
    every located problem it found."""

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
