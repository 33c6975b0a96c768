"""Verification results: what the Dafny engine reports, the CLI prints and the server publishes.

Positions are 0-based for both line and character, as in LSP; the CLI adds one to the line and
the column when it prints compiler-style lines.
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model


class Position(Model):
    line: int = Field(ge=0, description="0-based line")
    character: int = Field(ge=0, description="0-based column")


class Range(Model):
    start: Position
    end: Position

    @classmethod
    def point(cls, line: int, character: int, length: int = 1) -> "Range":
        return cls(
            start=Position(line=line, character=character),
            end=Position(line=line, character=character + max(length, 0)),
        )


class Location(Model):
    file: str
    range: Range


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    information = "information"
    hint = "hint"


class DiagnosticCategory(StrEnum):
    """What a diagnostic is about. `soundness`: a construct the verifier takes on trust, so the
    file is not reported verified; `termination`: a `decreases *` (or a call of a method that has
    one), so what is proved holds only if the code terminates."""

    parse = "parse"
    resolution = "resolution"
    verification = "verification"
    timeout = "timeout"
    soundness = "soundness"
    termination = "termination"
    hardware = "hardware"
    tool = "tool"


class RelatedLocation(Model):
    location: Location
    message: str


class Diagnostic(Model):
    file: str
    range: Range
    severity: Severity = Severity.error
    category: DiagnosticCategory
    code: str | None = Field(default=None, description="Dafny error code such as BP5003")
    message: str
    related: list[RelatedLocation] = Field(default_factory=list)
    symbol: str | None = Field(default=None, description="method or function the error lies in")


class MethodStatus(StrEnum):
    """A declaration's outcome. `partial`: proved, but only for partial correctness: it uses
    `decreases *` (on itself or a loop) or calls a method that does, so it may not terminate;
    never counted as verified."""

    verified = "verified"
    partial = "partial"
    errors = "errors"
    timed_out = "timed_out"
    not_verified = "not_verified"
    skipped = "skipped"


class MethodOutcome(Model):
    name: str = Field(description="source-level name, e.g. Max or M.C.Foo")
    kind: str = Field(default="method", description="method, function, lemma, ...")
    range: Range | None = None
    status: MethodStatus
    duration_s: float | None = None
    error_count: int = 0
    proof_obligations: int | None = None


class VerificationStatus(StrEnum):
    """A file's outcome; only `verified` means everything in it is proved (and `ok` is true).

    `partial`: Dafny proved it, but some method uses `decreases *` (or calls one that does), so
    the proof holds only if it terminates (partial correctness). `unsound`: Dafny proved it, but it
    relies on something taken on trust (`assume`, `{:axiom}`, a bodiless method or loop, ...).
    `nothing_to_verify`: the file declares nothing Dafny proves anything about (empty, comments
    only, or no method, function, lemma or constrained type): an information diagnostic says so.
    """

    verified = "verified"
    partial = "partial"
    nothing_to_verify = "nothing_to_verify"
    errors = "errors"
    timeout = "timeout"
    parse_error = "parse_error"
    resolution_error = "resolution_error"
    unsound = "unsound"
    tool_error = "tool_error"


class DafnyInfo(Model):
    path: str
    version: str
    major: int
    prover: str | None = Field(default=None, description="path of the z3 given to Dafny, if any")


class FileVerification(Model):
    """The outcome of verifying one file (or one buffer)."""

    file: str
    status: VerificationStatus
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    methods: list[MethodOutcome] = Field(default_factory=list)
    verified_count: int = Field(default=0, description="Dafny's own count of verified units")
    error_count: int = 0
    timeout_count: int = 0
    duration_s: float = 0.0
    cached: bool = False
    shimmed: bool = Field(default=False, description="Dafny 4 syntax was rewritten for Dafny 2.x")
    dafny: DafnyInfo | None = None
    raw_output: str | None = Field(default=None, description="the tool's text, noise removed")

    @property
    def ok(self) -> bool:
        return self.status == VerificationStatus.verified


class VerifyRequest(Model):
    """Options for one verification; part of the cache key."""

    timeout_s: float = Field(default=120.0, gt=0, description="wall-clock limit for the process")
    vc_time_limit_s: int = Field(default=20, gt=0, description="per verification condition")
    procedures: list[str] | None = Field(
        default=None, description="source-level names of the methods to verify; None = all"
    )
    extra_args: list[str] = Field(default_factory=list)


class VerifySummary(Model):
    files: list[FileVerification]
    verified: int
    partial: int = Field(
        default=0, description="files proved only for partial correctness (not in `verified`)"
    )
    failed: int
    timed_out: int
    duration_s: float
