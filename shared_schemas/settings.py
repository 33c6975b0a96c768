"""User settings, shared by the CLI (env / flags), the server (workspace configuration) and the
extension (package.json contributes.configuration mirrors these names)."""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model


class VerifyOn(StrEnum):
    change = "change"
    save = "save"
    never = "never"


class HlsBackend(StrEnum):
    xls = "xls"
    vitis = "vitis"


class SynthTarget(StrEnum):
    xilinx = "xilinx"
    ice40 = "ice40"


class DafnySettings(Model):
    path: str | None = Field(default=None, description="Dafny executable; else $P2S_DAFNY, PATH")
    prover: str | None = Field(
        default=None, description="z3 for Dafny 2.x (/z3exe:); else the venv's z3-solver z3"
    )
    vc_time_limit_s: int = Field(default=20, gt=0)
    timeout_s: float = Field(default=120.0, gt=0)
    jobs: int = Field(default=2, ge=1, description="concurrent Dafny processes")


class LlmSettings(Model):
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint")
    model: str = "gpt-4o-mini"
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_rounds: int = Field(default=7, ge=1, le=50)
    max_tokens: int = Field(default=2048, gt=0)
    request_timeout_s: float = Field(default=120.0, gt=0)
    policy_checkpoint: str | None = None


class HlsSettings(Model):
    backend: HlsBackend = HlsBackend.xls
    target: SynthTarget = SynthTarget.xilinx
    clock_ns: float = Field(default=10.0, gt=0)


class Settings(Model):
    verify_on: VerifyOn = VerifyOn.change
    debounce_ms: int = Field(default=400, ge=0)
    dafny: DafnySettings = Field(default_factory=DafnySettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    hls: HlsSettings = Field(default_factory=HlsSettings)
