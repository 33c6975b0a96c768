"""Generation: English spec -> LLM -> Dafny -> verifier -> prompt repair (PREFACE).

Shared by the CLI (`p2s generate`, `p2s train`), the language server's `proof2silicon.generate`
command and the VS Code extension (progress, results, trajectory view).
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model

# -- extraction and guard rails -------------------------------------------------------------------


class ExtractionFailure(StrEnum):
    empty_reply = "empty_reply"
    no_code = "no_code"


class ExtractionResult(Model):
    """The Dafny code found in one LLM reply (or why there is none)."""

    code: str = Field(default="", description="the extracted program; empty on failure")
    failure: ExtractionFailure | None = None
    fenced: bool = Field(default=False, description="found in Markdown code fences")
    blocks_found: int = Field(default=0, description="fenced blocks in the reply, any language")
    blocks_used: int = Field(default=0, description="blocks that make up `code`")
    truncated: bool = Field(default=False, description="a code fence was never closed")

    @property
    def ok(self) -> bool:
        return self.failure is None


class GuardReason(StrEnum):
    assume = "assume"
    axiom = "axiom"
    verify_false = "verify_false"
    extern = "extern"
    bodiless = "bodiless"
    no_code = "no_code"
    signature_changed = "signature_changed"
    options = "options"
    include = "include"


class GuardViolation(Model):
    """Why a candidate may not count as verified, whatever the verifier says."""

    reason: GuardReason
    message: str
    line: int | None = Field(default=None, description="0-based line in the candidate")
