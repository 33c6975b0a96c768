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

`ServerCommand`, `ServerNotification` and `ErrorCode` are `PROTOCOL_ENUMS`: the schema export
keeps their member names, so the extension gets them as TypeScript enums and never spells a
command id or an error code by hand.
"""

from enum import Enum, IntEnum, StrEnum
from typing import Annotated, Final, Literal

from pydantic import Field
from typing_extensions import TypeAliasType

from shared_schemas.base import Model
from shared_schemas.settings import Settings
from shared_schemas.verification import DafnyInfo, MethodStatus, Range, VerificationStatus


class ServerCommand(StrEnum):
    """The `workspace/executeCommand` ids the language server registers."""

    verify = "proof2silicon.verify"
    server_status = "proof2silicon.serverStatus"
    generate = "proof2silicon.generate"
    synthesize = "proof2silicon.synthesize"
    show_report = "proof2silicon.showReport"
    explore = "proof2silicon.explore"
    explore_apply = "proof2silicon.exploreApply"


class ServerNotification(StrEnum):
    """Notifications the server sends beyond standard LSP."""

    verification_status = "proof2silicon/verificationStatus"


class ErrorCode(IntEnum):
    """Codes of the error responses a client decides on (it never parses error text).

    Application codes, outside -32768..-32000, which JSON-RPC and LSP reserve (vscode-jsonrpc
    itself answers with -32099..-32096 and -32002..-32001).
    """

    output_exists = 1001  # nothing was written; `data` is OutputExistsData; resend with force


PROTOCOL_ENUMS: tuple[type[Enum], ...] = (ServerCommand, ServerNotification, ErrorCode)

# The names server/ imports, as plain strings: pygls and its serializer see exactly what they
# saw before the enums existed.
COMMAND_VERIFY: str = ServerCommand.verify.value
COMMAND_SERVER_STATUS: str = ServerCommand.server_status.value
COMMAND_GENERATE: str = ServerCommand.generate.value
COMMAND_SYNTHESIZE: str = ServerCommand.synthesize.value
COMMAND_SHOW_REPORT: str = ServerCommand.show_report.value
COMMAND_EXPLORE: str = ServerCommand.explore.value
COMMAND_EXPLORE_APPLY: str = ServerCommand.explore_apply.value
VERIFICATION_STATUS_NOTIFICATION: str = ServerNotification.verification_status.value
CONFIGURATION_SECTION = "proof2silicon"


class OutputExistsData(Model):
    """`data` of an `ErrorCode.output_exists` error response."""

    paths: list[str] = Field(description="the files the request would have overwritten")


class ServerSettings(Settings):
    """The `proof2silicon` configuration section as the language server reads it."""

    incremental: bool = Field(
        default=True,
        description="Re-verify only the declarations an edit affected, reusing the results of "
        "the others; off: every change verifies the whole file.",
    )
    warm_verifier: bool = Field(
        default=True,
        description="Keep one Dafny 2.x DafnyServer.exe running instead of starting Dafny per "
        "run: verification after an edit answers in about half a second instead of several.",
    )
    prove_widths: bool = Field(
        default=True,
        description="After a method verifies and lowers, prove its integer ranges with Dafny in "
        "the background, so that hovers show proven widths (one extra Dafny run per method).",
    )
    inlay_hints: bool = Field(
        default=False,
        description="Show each integer's hardware width and range inline after its declaration "
        "(`: u8 [0,255]`) in methods that lower, from the same analysis the hover uses (no "
        "extra Dafny run); the tooltip says whether Dafny proved it.",
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


VERIFYING: Final = "verifying"
SymbolState = TypeAliasType(
    "SymbolState",
    Annotated[
        MethodStatus | Literal["verifying"],
        Field(
            description="A declaration's state in the editor: the verifier's outcome for it "
            "(`partial`: proved only for partial correctness, shown as such, never as verified), "
            "or `verifying` while a run that covers it is under way."
        ),
    ],
)


class HardwareReadiness(Model):
    """Whether the front end can lower a method (parse, lowering and range analysis only; no
    synthesis and no extra Dafny run), and if not, the first reason."""

    ready: bool = Field(description="the method lowers with no error finding: Synthesize")
    reason: str | None = Field(default=None, description="why it is not hardware, in one line")
    code: str | None = Field(default=None, description="the finding's code: HW1xx or HW2xx")


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
    hardware: HardwareReadiness | None = Field(
        default=None, description="the front end's verdict (methods only; None: not checked)"
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
    verifier_runs: int = Field(
        default=0,
        description="Dafny runs this server started (verifications and width proofs); hovers, "
        "lenses and outlines never add to it",
    )
