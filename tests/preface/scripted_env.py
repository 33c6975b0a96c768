"""A deterministic scripted MDP for PPO tests: no LLM, no Dafny, no randomness in transitions.

Each task has one hidden defect whose feedback looks like what the real loop produces (a
verifier diagnostic, a parse error, a guard objection, or a reply without code). Exactly one
edit of the library repairs each defect; any other edit leaves the defect in place for the next
attempt. Rewards follow the PREFACE scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared_schemas.generation import (
    ExtractionFailure,
    ExtractionResult,
    GenerationSpec,
    GuardReason,
    GuardViolation,
)
from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    Range,
    VerificationStatus,
)
from toolchain.llm.reward import RewardConfig, reward
from toolchain.llm.state import RepairState, round_status
from toolchain.llm.tasks import Task
from toolchain.preface.edits import EDIT_IDS
from toolchain.preface.env import StepResult

CODE = """method Sum(a: array<int>) returns (s: int)
  ensures s == SumTo(a[..], a.Length)
{
  s := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
  {
    s := s + a[i];
    i := i + 1;
  }
}
"""

# defect -> the edit that repairs it
FIXES = {
    "invariant": "loop_invariants",
    "syntax": "dafny2_syntax",
    "signature": "keep_signature",
    "no_code": "code_only",
}


def _observation(
    defect: str,
) -> tuple[ExtractionResult, list[GuardViolation], FileVerification | None]:
    ok_extraction = ExtractionResult(code=CODE, fenced=True, blocks_found=1, blocks_used=1)
    if defect == "no_code":
        return ExtractionResult(failure=ExtractionFailure.no_code), [], None
    if defect == "signature":
        v = GuardViolation(
            reason=GuardReason.signature_changed, message="Sum parameters differ", line=0
        )
        fv = FileVerification(file="c.dfy", status=VerificationStatus.verified)
        return ok_extraction, [v], fv
    if defect == "syntax":
        d = Diagnostic(
            file="c.dfy",
            range=Range.point(5, 2),
            category=DiagnosticCategory.parse,
            message="invalid UnaryExpression",
        )
        fv = FileVerification(
            file="c.dfy", status=VerificationStatus.parse_error, diagnostics=[d], error_count=1
        )
        return ok_extraction, [], fv
    d = Diagnostic(
        file="c.dfy",
        range=Range.point(6, 4),
        category=DiagnosticCategory.verification,
        code="BP5005",
        message="This loop invariant might not be maintained by the loop.",
    )
    fv = FileVerification(
        file="c.dfy", status=VerificationStatus.errors, diagnostics=[d, d], error_count=2
    )
    return ok_extraction, [], fv


def scripted_tasks() -> list[Task]:
    return [
        Task(
            id=defect,
            spec=GenerationSpec(title=defect, description=f"task with {defect}"),
            source="scripted",
        )
        for defect in FIXES
    ]


@dataclass
class ScriptedRepairEnv:
    max_attempts: int = 4
    rewards: RewardConfig = field(default_factory=RewardConfig)

    def __post_init__(self) -> None:
        self.defect = ""
        self.attempt = 0
        self.state: RepairState | None = None
        self.edits: tuple[str, ...] = ()
        self.history: tuple[int, ...] = ()

    def _fail(self, task_spec: GenerationSpec) -> StepResult:
        extraction, guard, fv = _observation(self.defect)
        status, errors, ok = round_status(extraction, guard, fv)
        assert not ok
        r = reward(status, errors, False, self.rewards)
        self.history = (*self.history, errors)
        done = self.attempt >= self.max_attempts
        self.state = (
            None
            if done
            else RepairState(
                spec=task_spec,
                round=self.attempt + 1,
                max_rounds=self.max_attempts,
                reply="" if self.defect == "no_code" else f"```dafny\n{CODE}```",
                code="" if self.defect == "no_code" else CODE,
                status=status,
                error_count=errors,
                extraction=extraction,
                verification=fv,
                guard=guard,
                edits=self.edits,
                error_history=self.history,
            )
        )
        return StepResult(self.state, r, done, False)

    def reset(self, task: Task) -> StepResult:
        self.defect = task.id
        self.spec = task.spec
        self.attempt = 1
        self.edits = ()
        self.history = ()
        return self._fail(task.spec)

    def step(self, action: int, log_prob: float | None = None) -> StepResult:
        assert self.state is not None, "episode over"
        self.attempt += 1
        edit = EDIT_IDS[action]
        self.edits = (*(e for e in self.edits if e != edit), edit)
        if edit == FIXES[self.defect]:
            self.state = None
            return StepResult(None, self.rewards.success, True, True)
        return self._fail(self.spec)
