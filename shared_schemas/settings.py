"""User settings, shared by the CLI (env / flags), the server (workspace configuration) and the
extension (package.json contributes.configuration mirrors these names)."""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.explore import ExploreParams
from shared_schemas.synthesis import HlsBackend, SynthesizeParams, SynthTarget


class VerifyOn(StrEnum):
    change = "change"
    save = "save"
    never = "never"


class DafnySettings(Model):
    path: str | None = Field(
        default=None,
        description="Path of the Dafny executable (Dafny 2.x `dafny` script or Dafny 4 "
        "`dafny`). Empty: $P2S_DAFNY, else the first `dafny` on PATH.",
    )
    prover: str | None = Field(
        default=None,
        description="Path of the z3 prover Dafny 2.x should use (passed as /z3exe:). Empty: "
        "the z3 of the Python environment's z3-solver package.",
    )
    vc_time_limit_s: int = Field(default=20, gt=0)
    timeout_s: float = Field(default=120.0, gt=0)
    jobs: int = Field(
        default=2,
        ge=1,
        description="How many Dafny processes may run at once (verification, width proofs, "
        "co-simulation references).",
    )


class LlmSettings(Model):
    base_url: str | None = Field(
        default=None,
        description="Base URL of the OpenAI-compatible endpoint Generate talks to, e.g. "
        "http://localhost:8000/v1. Empty: $OPENAI_BASE_URL, else the OpenAI API (which needs "
        "an API key: run 'Proof2Silicon: Set LLM API Key').",
    )
    model: str = "gpt-4o-mini"
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_rounds: int = Field(default=7, ge=1, le=50)
    max_tokens: int = Field(default=2048, gt=0)
    request_timeout_s: float = Field(default=120.0, gt=0)
    policy_checkpoint: str | None = None


_REQUEST = SynthesizeParams.model_fields


class HlsSettings(Model):
    """The user's synthesis choices (`proof2silicon.hls.*`), which the editor puts into each
    synthesize request. Their defaults are the request's own (`SynthesizeParams`), not a copy."""

    backend: HlsBackend = Field(
        default=_REQUEST["backend"].default,
        description="HLS backend: the open XLS flow, or Vitis HLS when installed.",
    )
    target: SynthTarget = Field(
        default=_REQUEST["target"].default,
        description="Synthesis target for resource and timing estimates.",
    )
    clock_ns: float = Field(
        default=_REQUEST["clock_ns"].default,
        gt=0,
        description="Target clock period in nanoseconds.",
    )


_EXPLORE = ExploreParams.model_fields


class ExploreSettings(Model):
    """How far "Explore Design Space" goes (`proof2silicon.explore.*`); the editor puts them into
    each explore request. Their defaults are the request's own (`ExploreParams`)."""

    budget_s: float = Field(
        default=_EXPLORE["budget_s"].default,
        gt=0,
        description="Time budget in seconds of one design-space exploration: no point is started "
        "that would end past it.",
    )
    max_points: int | None = Field(
        default=_EXPLORE["max_points"].default,
        ge=1,
        description="Try at most this many points of the directive space, in the explorer's "
        "order; automatic: as many as the time budget allows.",
    )


class Settings(Model):
    verify_on: VerifyOn = VerifyOn.change
    debounce_ms: int = Field(default=400, ge=0)
    dafny: DafnySettings = Field(default_factory=DafnySettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    hls: HlsSettings = Field(default_factory=HlsSettings)
    explore: ExploreSettings = Field(default_factory=ExploreSettings)


__all__ = [
    "DafnySettings",
    "ExploreSettings",
    "HlsBackend",
    "HlsSettings",
    "LlmSettings",
    "Settings",
    "SynthTarget",
    "VerifyOn",
]
