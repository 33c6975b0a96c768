"""Generation: English spec -> LLM -> Dafny -> verifier -> prompt repair (PREFACE).

Shared by the CLI (`p2s generate`, `p2s train`), the language server's `proof2silicon.generate`
command and the VS Code extension (progress, results, trajectory view).
"""

from enum import StrEnum
from typing import Any

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.verification import FileVerification

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
    """Why a candidate may not count as verified. `bodiless`: a method, function, lemma or loop
    without a body, or a call of a bodiless trait member (assumed, not proved);
    `decreases_star`: `decreases *` (the code may not terminate: partial correctness only)."""

    assume = "assume"
    axiom = "axiom"
    verify_false = "verify_false"
    extern = "extern"
    bodiless = "bodiless"
    decreases_star = "decreases_star"
    no_code = "no_code"
    signature_changed = "signature_changed"
    options = "options"
    include = "include"


class GuardViolation(Model):
    """Why a candidate may not count as verified, whatever the verifier says."""

    reason: GuardReason
    message: str
    line: int | None = Field(default=None, description="0-based line in the candidate")


# -- specs --------------------------------------------------------------------------------------


class GenerationSpec(Model):
    """What to generate: an English description and, optionally, the signature to keep."""

    title: str
    description: str = Field(description="the task in English (the one-line form when short)")
    detailed_description: str | None = Field(
        default=None, description="a longer statement of the task, if the spec has one"
    )
    signature: str | None = Field(
        default=None,
        description="Dafny declaration header(s) the code must keep; with requires/ensures "
        "clauses the contract is fixed too",
    )
    examples: list[str] = Field(default_factory=list, description="input/output examples")
    source_path: str | None = Field(default=None, description="the .spec.md file, if any")


# -- generation -----------------------------------------------------------------------------------


class PromptStrategy(StrEnum):
    short = "short"
    detailed = "detailed"
    error_specified = "error_specified"
    few_shot = "few_shot"
    chain_of_thought = "chain_of_thought"
    preface = "preface"


class GenerationParams(Model):
    """One `generate` request. Endpoint fields left None come from settings / the environment."""

    spec_path: str | None = Field(default=None, description="a .spec.md file")
    spec: GenerationSpec | None = Field(
        default=None, description="an inline spec (e.g. the editor's selection)"
    )
    strategy: PromptStrategy = Field(
        default=PromptStrategy.error_specified,
        description="prompting strategy; preface when a policy checkpoint is given",
    )
    max_rounds: int | None = Field(
        default=None,
        ge=1,
        le=50,
        description="LLM attempts; default 7 for preface, 1 + 5 feedback rounds for baselines",
    )
    max_total_tokens: int | None = Field(
        default=None, gt=0, description="token budget for the whole run (prompt + completion)"
    )
    max_wall_s: float | None = Field(default=None, gt=0, description="wall-time budget in seconds")
    temperature: float | None = Field(default=None, ge=0, le=2)
    model: str | None = None
    base_url: str | None = None
    policy_checkpoint: str | None = Field(
        default=None, description="PREFACE policy checkpoint (implies preface)"
    )
    output_path: str | None = Field(
        default=None, description="where the verified Dafny goes; default beside the spec"
    )
    trajectory_path: str | None = Field(
        default=None, description="trajectory JSON; default beside the verified Dafny"
    )
    force: bool = Field(default=False, description="overwrite existing output files")
    verify_timeout_s: float = Field(default=60.0, gt=0)
    seed: int | None = None


class GenerationPhase(StrEnum):
    prompting = "prompting"
    verifying = "verifying"
    repairing = "repairing"
    done = "done"


class GenerationProgress(Model):
    """Streamed while the loop runs: round k of N, and what the verifier said last."""

    round: int = Field(ge=1)
    max_rounds: int = Field(ge=1)
    phase: GenerationPhase
    error_count: int | None = None
    status: str | None = Field(default=None, description="last candidate's verification status")
    tokens_used: int = 0
    elapsed_s: float = 0.0
    message: str = ""


class GenerationOutcome(StrEnum):
    verified = "verified"
    rounds_exhausted = "rounds_exhausted"
    tokens_exhausted = "tokens_exhausted"
    time_exhausted = "time_exhausted"
    cancelled = "cancelled"
    llm_error = "llm_error"


class TokenUsage(Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = Field(
        default=False, description="the endpoint reported no usage; counted from the text"
    )

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class ChatMessage(Model):
    role: str
    content: str


class PromptEditInfo(Model):
    """One prompt edit chosen by the PREFACE policy (or by a strategy's fixed rule)."""

    id: str
    text: str = Field(description="the instruction the edit added to the prompt")
    log_prob: float | None = None
    value: float | None = None


class RoundRecord(Model):
    round: int = Field(ge=1)
    messages: list[ChatMessage]
    edit: PromptEditInfo | None = None
    reply: str = ""
    finish_reason: str | None = None
    extraction: ExtractionResult
    guard: list[GuardViolation] = Field(default_factory=list)
    verification: FileVerification | None = None
    status: str = Field(description="verification status, or no_code / guard_rejected / llm_error")
    error_count: int = 0
    reward: float
    usage: TokenUsage = Field(default_factory=TokenUsage)
    llm_attempts: int = Field(default=1, description="HTTP attempts including retries")
    duration_s: float = 0.0
    llm_error: str | None = None


class TrajectoryRecord(Model):
    """Everything one generate run did; written as JSON beside the output."""

    schema_version: int = 1
    spec: GenerationSpec
    strategy: PromptStrategy
    model: str
    base_url: str | None = Field(default=None, description="the endpoint (never the key)")
    temperature: float
    max_rounds: int
    policy_checkpoint: str | None = None
    rounds: list[RoundRecord] = Field(default_factory=list)
    outcome: GenerationOutcome
    success: bool
    final_code: str | None = Field(default=None, description="the verified program, if any")
    output_path: str | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    discounted_return: float = 0.0
    gamma: float = 0.99
    started_at: str = Field(description="ISO 8601, UTC")
    duration_s: float = 0.0
    message: str = ""


class GenerationResult(Model):
    """What `generate` answers (CLI --json, the server's command result)."""

    success: bool
    outcome: GenerationOutcome
    rounds_used: int
    max_rounds: int
    output_path: str | None = None
    trajectory_path: str | None = None
    final_status: str | None = None
    error_count: int | None = None
    code: str | None = Field(default=None, description="the verified program, if any")
    usage: TokenUsage = Field(default_factory=TokenUsage)
    duration_s: float = 0.0
    message: str = ""


# -- PREFACE training -----------------------------------------------------------------------------


class PolicyKind(StrEnum):
    compact = "compact"
    hf_lora = "hf_lora"
    generative = "generative"  # a writer of refinement text (TrainingMode.generative)


class TrainingMode(StrEnum):
    """strategy: the policy picks an edit from the library; generative: a small model writes the
    prompt refinement itself."""

    strategy = "strategy"
    generative = "generative"


class TrainingConfig(Model):
    tasks: str = Field(description="task folder or corpus file")
    policy: PolicyKind = PolicyKind.compact
    hf_model_path: str | None = Field(
        default=None, description="local Hugging Face weights (hf_lora)"
    )
    mode: TrainingMode = TrainingMode.strategy
    policy_model: str | None = Field(
        default=None,
        description="local Hugging Face weights of the generative writer (never downloaded; "
        "without it a tiny random model runs the mechanics)",
    )
    iterations: int = Field(default=20, ge=1)
    episodes_per_iteration: int = Field(default=8, ge=1, description="episodes per PPO iteration")
    max_attempts: int = Field(default=7, ge=1, le=50, description="LLM attempts per episode")
    gamma: float = Field(default=0.99, gt=0, le=1)
    gae_lambda: float = Field(default=0.95, ge=0, le=1)
    clip: float = Field(default=0.2, gt=0)
    learning_rate: float = Field(default=3e-3, gt=0)
    ppo_epochs: int = Field(default=4, ge=1)
    minibatch_size: int = Field(default=64, ge=1)
    value_coef: float = Field(default=0.5, ge=0)
    entropy_coef: float = Field(default=0.01, ge=0)
    max_grad_norm: float = Field(default=0.5, gt=0)
    success_reward: float = Field(default=1.0, gt=0, description="R_succ")
    empty_penalty: float = Field(default=-2.0, le=0, description="reward for an empty reply")
    hidden_size: int = Field(default=64, ge=4)
    lora_rank: int = Field(default=8, ge=1)
    lora_alpha: int = Field(default=16, ge=1)
    seed: int = 0
    out_dir: str = Field(default="preface-run", description="checkpoint and curves")


class TrainingIteration(Model):
    iteration: int
    episodes: int
    mean_return: float
    mean_reward: float
    success_rate: float
    mean_attempts: float
    policy_loss: float
    value_loss: float
    entropy: float
    approx_kl: float
    clip_fraction: float
    duration_s: float


class TrainingReport(Model):
    config: TrainingConfig
    iterations: list[TrainingIteration] = Field(default_factory=list)
    checkpoint: str | None = None
    curves_csv: str | None = None
    curves_png: str | None = None
    duration_s: float = 0.0


class CheckpointMeta(Model):
    """Stored beside every policy checkpoint so a run can be traced and reloaded."""

    kind: PolicyKind
    created_at: str
    edit_ids: list[str] = Field(description="the prompt-edit library, in action order")
    feature_names: list[str] = Field(default_factory=list)
    config: TrainingConfig | None = None
    hf_model_path: str | None = None
    hf_config: dict[str, Any] | None = Field(
        default=None, description="config of a model built without local weights (tests)"
    )
    hidden_size: int | None = Field(default=None, description="compact policy width")
    lora_rank: int | None = None
    lora_alpha: int | None = None
    max_state_tokens: int | None = None
    iterations_trained: int = 0
    final_success_rate: float | None = None
    torch_version: str
