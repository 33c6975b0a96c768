"""Replaying published model outputs (MBPP-DFY, Misu et al. FSE 2024) through our pipeline.

Numbers built from these models are "replayed published outputs": the replies were written by
GPT-4 and PaLM-2 for the paper's authors; we only re-check them. They are never a model result of
ours.
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.verification import VerificationStatus


class ReplayStrategy(StrEnum):
    """The paper's three prompting strategies (its RQ1, RQ2 and RQ3)."""

    contextless = "contextless"
    signature = "signature"
    dynamic_few_shot = "dynamic_few_shot"


class ReplayModelName(StrEnum):
    gpt4 = "gpt4"
    palm2 = "palm2"


class HardwareRegime(StrEnum):
    """Which input bounds a replayed program's hardware may rely on."""

    as_written = "as_written"  # only the program's own precondition
    spec = "spec"  # the hardware contract written into the precondition, re-verified by Dafny
    assumed = "assumed"  # the hardware contract assumed beyond the precondition (reported so)


class RegimeOutcome(Model):
    """How far one verified reply gets towards hardware under one regime."""

    lowers_to_ir: bool = False
    reaches_rtl: bool | None = None
    cosim_passed: bool | None = None
    reason: str | None = Field(default=None, description="the first reason it stops short")


class RegimeCounts(Model):
    """Verified replies of one model and strategy that get this far under one regime."""

    lowers_to_ir: int = 0
    reaches_rtl: int | None = None
    cosim_passed: int | None = None


class MbppTask(Model):
    """One MBPP-san-DFY task: what every strategy's prompt was built from."""

    task_id: str
    description: str
    method_signature: str
    test_cases: list[str] = Field(default_factory=list, description="Dafny test snippets")
    reference_solution: str | None = Field(
        default=None, description="a verified solution, where MBPP-DFY ships one"
    )
    human_written: bool = Field(default=False, description="one of the authors' MBPP-DFY-50")


class RecordedReply(Model):
    """One published reply, with what the authors concluded about it."""

    task_id: str
    model: ReplayModelName
    strategy: ReplayStrategy
    temperature: float
    reply: str = Field(description="the model's full reply (the code stage for few-shot)")
    spec_reply: str | None = Field(
        default=None, description="dynamic few-shot: the first stage's specification reply"
    )
    authors_code: str = Field(description="the code the authors extracted from the reply")
    authors_verified: bool = Field(description="the authors' flag (Dafny 4.0 on authors_code)")
    attempts: int = Field(
        ge=1, description="samples the authors drew for this task (their K, at most 5)"
    )
    authors_note: str = ""
    source_file: str = Field(description="the published file this reply comes from")


class ReplayOutcome(Model):
    """What our pipeline makes of one recorded reply."""

    task_id: str
    model: ReplayModelName
    strategy: ReplayStrategy
    extracted: bool
    extraction_failure: str | None = None
    blocks_found: int = 0
    code_sha: str | None = Field(default=None, description="sha256 of the extracted code")
    same_code_as_authors: bool | None = Field(
        default=None, description="our extraction equals the authors' (whitespace-normalised)"
    )
    guard_reasons: list[str] = Field(default_factory=list)
    signature_kept: bool | None = Field(
        default=None,
        description="signature strategy only: the code keeps the signature the prompt gave",
    )
    dafny_status: VerificationStatus | None = Field(
        default=None, description="the real verifier's verdict on the extracted code"
    )
    dafny_first_error: str | None = None
    verified: bool = Field(description="extracted, passed the guard, and Dafny verified it")
    authors_verified: bool
    hardware_plausible: bool | None = Field(
        default=None,
        description="the front end finds a method with no structural obstacle (no HW1xx)",
    )
    lowers_to_ir: bool | None = Field(
        default=None, description="that method lowers to hardware IR with no error"
    )
    hardware_method: str | None = None
    hardware_reason: str | None = Field(
        default=None, description="the front end's first reason (HW code) when it stops short"
    )
    reaches_rtl: bool | None = None
    cosim_passed: bool | None = None
    regimes: dict[HardwareRegime, RegimeOutcome] = Field(
        default_factory=dict,
        description="the hardware columns again under the bench's hardware-contract regimes",
    )
    disagreement: str | None = Field(
        default=None, description="why we and the authors differ, when we do"
    )
    authors_code_status: VerificationStatus | None = Field(
        default=None,
        description="on a disagreement where our extraction differs: our verifier on theirs",
    )


class ReplayRow(Model):
    """Counts for one model and strategy."""

    model: ReplayModelName
    strategy: ReplayStrategy
    replies: int
    code_extracted: int
    guard_rejected: int
    guard_by_reason: dict[str, int] = Field(default_factory=dict)
    signature_changed: int | None = Field(
        default=None, description="signature strategy: replies whose code changed the signature"
    )
    dafny_by_status: dict[str, int] = Field(default_factory=dict)
    verified_ours: int
    verified_authors: int
    verified_both: int
    agree: int
    ours_only: int
    authors_only: int
    hardware_plausible: int | None = None
    hardware_unjudged: int | None = Field(
        default=None, description="verified replies the front end crashed on (unknown)"
    )
    lowers_to_ir: int | None = None
    reaches_rtl: int | None = None
    cosim_passed: int | None = None
    regimes: dict[HardwareRegime, RegimeCounts] = Field(default_factory=dict)

    @property
    def agreement(self) -> float:
        return self.agree / self.replies if self.replies else 0.0


class StrategySelectionResult(Model):
    """An offline strategy-selection check on replayed published outputs.

    The policy sees only the task's text; it is fitted on the training folds' recorded outcomes
    and scored on the held-out tasks, against always using one strategy.
    """

    label: str = "replayed published outputs"
    model: ReplayModelName
    outcome_source: str = Field(description="whose verdicts are the outcomes: ours or authors'")
    tasks: int
    folds: int
    repeats: int
    policy_successes: float = Field(description="mean over repeats of held-out successes")
    best_single_strategy: ReplayStrategy = Field(description="best over all tasks (hindsight)")
    best_single_successes: int
    best_single_cv_successes: float = Field(
        description="the best single strategy chosen on the training folds only"
    )
    oracle_successes: int = Field(description="tasks where any strategy succeeded")
    per_strategy: dict[str, int] = Field(default_factory=dict)
    policy_choices: dict[str, int] = Field(default_factory=dict)


class ReplayReport(Model):
    label: str = "replayed published outputs"
    dataset: str
    dafny_version: str
    vc_time_limit_s: int
    rows: list[ReplayRow]
    selection: list[StrategySelectionResult] = Field(default_factory=list)
    replies: int
    unique_programs: int
    verifier_runs: int = Field(description="programs the verifier actually ran (not cached)")
    synthesized: int = Field(default=0, description="distinct programs sent through synthesis")
    synthesis_s: float = Field(default=0.0, description="wall time spent in synthesis")
    wall_s: float
    disagreements_file: str | None = None
    missing: list[str] = Field(default_factory=list, description="columns not available, and why")
    contract: str | None = Field(
        default=None, description="the hardware contract of the `spec` and `assumed` regimes"
    )
