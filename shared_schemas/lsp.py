"""What the language server and its clients exchange beyond standard LSP.

- `proof2silicon.verify` (workspace/executeCommand): one argument `VerifyCommandParams`; result:
  `shared_schemas.verification.FileVerification` of the document's current text.
- `proof2silicon.serverStatus`: no argument; result `ServerStatus`.
- `proof2silicon/verificationStatus` (server -> client notification): `VerificationStatusParams`,
  sent when a verification starts and when it ends, with a status per method/function/lemma.
- Settings: the `proof2silicon` configuration section has the shape of `ServerSettings` (the
  toolchain's `Settings` plus server-only options), snake_case or camelCase keys.

Command names of other features (`proof2silicon.generate`, `proof2silicon.synthesize`,
`proof2silicon.showReport`) are listed here too; their params and results live in the modules of
those features.
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.settings import Settings
from shared_schemas.verification import DafnyInfo, Range, VerificationStatus

COMMAND_VERIFY = "proof2silicon.verify"
COMMAND_SERVER_STATUS = "proof2silicon.serverStatus"
COMMAND_GENERATE = "proof2silicon.generate"
COMMAND_SYNTHESIZE = "proof2silicon.synthesize"
COMMAND_SHOW_REPORT = "proof2silicon.showReport"
VERIFICATION_STATUS_NOTIFICATION = "proof2silicon/verificationStatus"
CONFIGURATION_SECTION = "proof2silicon"


class ServerSettings(Settings):
    """The `proof2silicon` configuration section as the language server reads it."""

    incremental: bool = Field(
        default=True,
        description="re-verify only the declarations an edit affected, reusing earlier results",
    )
    warm_verifier: bool = Field(
        default=True,
        description="keep one Dafny 2.x DafnyServer.exe running instead of starting Dafny per run",
    )


class VerifyCommandParams(Model):
    """Argument of `proof2silicon.verify`."""

    uri: str = Field(description="document to verify (its open buffer, else the file on disk)")
    procedures: list[str] | None = Field(
        default=None, description="declarations to verify afresh even if unchanged"
    )
    full: bool = Field(default=False, description="verify every declaration, reuse nothing")


class VerificationState(StrEnum):
    """Where the verification of one document version stands."""

    verifying = "verifying"
    done = "done"
    cancelled = "cancelled"
    unavailable = "unavailable"  # Dafny missing or not runnable: see `message`


class SymbolState(StrEnum):
    verifying = "verifying"
    verified = "verified"
    errors = "errors"
    timed_out = "timed_out"
    not_verified = "not_verified"
    skipped = "skipped"


class SymbolVerificationStatus(Model):
    name: str = Field(description="qualified name, e.g. Max or M.C.Foo")
    kind: str = Field(description="method, function, lemma, predicate, constructor, ...")
    range: Range
    status: SymbolState
    duration_s: float | None = None
    error_count: int = 0
    reused: bool = Field(
        default=False, description="carried over from an earlier version: unaffected by edits"
    )


class VerificationStatusParams(Model):
    """Params of the `proof2silicon/verificationStatus` notification."""

    uri: str
    version: int | None = Field(default=None, description="document version this describes")
    state: VerificationState
    status: VerificationStatus | None = Field(
        default=None, description="the file's result when state is done"
    )
    symbols: list[SymbolVerificationStatus] = Field(default_factory=list)
    dafny: DafnyInfo | None = None
    message: str | None = None
    duration_s: float | None = None
    incremental: bool = Field(
        default=False, description="only some declarations were verified; the rest were reused"
    )


class ServerStatus(Model):
    """Result of `proof2silicon.serverStatus`."""

    version: str
    dafny: DafnyInfo | None = None
    dafny_error: str | None = Field(default=None, description="why Dafny cannot be used")
    warm_verifier: bool = Field(description="a warm DafnyServer.exe serves verifications")
    settings: ServerSettings
