"""The hardware front end's report: the IR of one method, its integer widths and their proofs.

`p2s hw-ir FILE --method M --json` prints a `HardwareIrReport`; the editor shows its
`diagnostics` (0-based ranges, code HW1xx: cannot become hardware, HW2xx: widths).
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.verification import Diagnostic, Range


class HwWidthStatus(StrEnum):
    proven = "proven"
    declared = "declared"
    explicit = "explicit"
    precondition = "precondition"
    derived = "derived"
    assumed = "assumed"
    unproven = "unproven"
    unbounded = "unbounded"
    unchecked = "unchecked"
    checked = "checked"  # no bound proven: checked at run time (the `overflow` output)


class HwWidth(Model):
    name: str = Field(description="IR variable (inlined callee variables are prefixed)")
    lo: int | None = Field(default=None, description="smallest value; None = unbounded")
    hi: int | None = Field(default=None, description="largest value; None = unbounded")
    type: str = Field(description="u12, s18, bv8, ...")
    width: int | None = None
    signed: bool = False
    status: HwWidthStatus
    range: Range | None = Field(default=None, description="where the variable is declared")


class HwObligation(Model):
    variable: str
    lo: int
    hi: int
    where: str = Field(description="after assignment, loop head, parameter of F, ...")
    proven: bool | None = Field(default=None, description="None when no verifier ran")
    range: Range


class HwPort(Model):
    name: str
    direction: str = Field(description="in, out or inout")
    type: str


class HardwareIrReport(Model):
    file: str
    method: str
    lowered: bool = Field(description="the method became IR")
    widths_proven: bool = Field(description="every width is proven, declared or bounded by inputs")
    ok: bool = Field(description="lowered, widths proven, no error diagnostics")
    ports: list[HwPort] = Field(default_factory=list)
    widths: list[HwWidth] = Field(default_factory=list)
    obligations: list[HwObligation] = Field(default_factory=list)
    inlined: list[str] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    ir_text: str | None = None
    verifier_ran: bool = False
    duration_s: float = 0.0


class BoundsReport(Model):
    """`p2s bounds FILE --method M --json`: the hardware contract written into the method's
    precondition, and Dafny's verdict on the file with it (callers included)."""

    file: str
    method: str
    clauses: list[str] = Field(
        default_factory=list, description="`requires` clauses added, in order; empty: none needed"
    )
    range: Range | None = Field(
        default=None, description="the source range the edit replaces (0-based, LSP style)"
    )
    new_text: str = Field(default="", description="what replaces `range`")
    verification: str | None = Field(
        default=None, description="Dafny's status for the edited file; None when not checked"
    )
    errors: list[Diagnostic] = Field(
        default_factory=list, description="what Dafny refused in the edited file"
    )
    written: bool = Field(default=False, description="the file was rewritten (--write)")
