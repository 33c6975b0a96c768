"""What a repair round knows about the last attempt: the MDP state before featurisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from shared_schemas.generation import (
    ExtractionResult,
    GenerationSpec,
    GuardReason,
    GuardViolation,
    PromptEditInfo,
)
from shared_schemas.verification import FileVerification, VerificationStatus

# Round statuses beyond the verifier's own.
EMPTY = "empty"
NO_CODE = "no_code"
GUARD_REJECTED = "guard_rejected"
LLM_ERROR = "llm_error"


@dataclass(frozen=True)
class RepairState:
    spec: GenerationSpec
    round: int  # the round about to be played, 2..max_rounds
    max_rounds: int
    reply: str
    code: str
    status: str
    error_count: int
    extraction: ExtractionResult | None = None
    verification: FileVerification | None = None
    guard: list[GuardViolation] = field(default_factory=list)
    llm_error: str | None = None
    edits: tuple[str, ...] = ()  # ids of the edits chosen in earlier rounds
    error_history: tuple[int, ...] = ()


class EditChooser(Protocol):
    """The repair agent: given the state after a failed round, the prompt edit to apply."""

    def choose(self, state: RepairState) -> PromptEditInfo: ...


def round_status(
    extraction: ExtractionResult,
    guard: list[GuardViolation],
    verification: FileVerification | None,
) -> tuple[str, int, bool]:
    """(status, error count, success) of one attempt.

    Success needs the verifier's `verified` AND a clean guard; a guard objection counts as an
    error even when Dafny was satisfied.
    """
    if not extraction.ok:
        return (EMPTY if extraction.failure == "empty_reply" else NO_CODE), 0, False
    if any(v.reason == GuardReason.no_code for v in guard):
        return NO_CODE, 0, False
    dafny_errors = 0
    status = GUARD_REJECTED
    if verification is not None:
        dafny_errors = verification.error_count + verification.timeout_count
        status = verification.status.value
        if verification.status != VerificationStatus.verified and dafny_errors == 0:
            dafny_errors = 1  # a tool error or unsound file still failed once
    if guard:
        dafny_errors = verification.error_count + verification.timeout_count if verification else 0
        return GUARD_REJECTED, dafny_errors + len(guard), False
    ok = verification is not None and verification.ok
    return status, (0 if ok else dafny_errors), ok


__all__ = [
    "EMPTY",
    "GUARD_REJECTED",
    "LLM_ERROR",
    "NO_CODE",
    "EditChooser",
    "RepairState",
    "round_status",
]
