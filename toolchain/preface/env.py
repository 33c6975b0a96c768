"""The PREFACE MDP. State: the repair state after an attempt (featurised by the policy). Action:
an edit from the library. Transition: the LLM answers the edited prompt and Dafny judges the
code. Reward: +R_succ on success, else -0.2 * errors - 0.5, a large penalty for no code. An
episode ends on success or after at most `max_attempts` LLM attempts.

`reset` plays the first attempt (the unedited prompt): an episode that verifies at once has no
decision in it.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Protocol

from shared_schemas.generation import PromptEditInfo, PromptStrategy, TrajectoryRecord
from toolchain.dafny import DafnyEngine
from toolchain.llm.client import LlmClient
from toolchain.llm.loop import Budget, GenerateLoop, LoopSession
from toolchain.llm.reward import RewardConfig
from toolchain.llm.state import RepairState
from toolchain.llm.tasks import Task
from toolchain.preface.edits import EDIT_IDS, apply_edit, render_edit
from toolchain.proc import CancelToken


@dataclass(frozen=True)
class StepResult:
    state: RepairState | None  # None once the episode is over
    reward: float
    done: bool
    success: bool


class Environment(Protocol):
    max_attempts: int

    def reset(self, task: Task) -> StepResult: ...

    def step(self, action: int, log_prob: float | None = None) -> StepResult: ...


# a stateful environment (identity, not field equality); no generated repr, which would print
# the LLM client and its endpoint
@dataclass(eq=False, repr=False)
class LoopEnvironment:
    """The real environment: an OpenAI-compatible LLM and the Dafny verifier."""

    llm: LlmClient
    engine: DafnyEngine
    _: KW_ONLY
    max_attempts: int = 7
    rewards: RewardConfig = field(default_factory=RewardConfig)
    verify_timeout_s: float = 60.0
    max_tokens_per_episode: int | None = None
    cancel: CancelToken = field(default_factory=CancelToken)
    record_to: Path | None = None  # finished episodes appended here as JSON lines
    session: LoopSession | None = field(default=None, init=False)
    last_record: str | None = field(default=None, init=False)  # the last finished episode's, JSON

    def _result(self) -> StepResult:
        assert self.session is not None
        s = self.session
        last = s.rounds[-1] if s.rounds else None
        r = last.reward if last else self.rewards.empty
        success = s.final_code is not None
        if s.done:
            self.last_record = self._record_json(s.record())
            if self.record_to is not None:
                self._append(self.last_record)
        return StepResult(None if s.done else s.state, r, s.done, success)

    @staticmethod
    def _record_json(record: TrajectoryRecord) -> str:
        return record.model_dump_json(
            exclude={"rounds": {"__all__": {"verification": {"raw_output"}}}}
        )

    def _append(self, line: str) -> None:
        target = self.record_to
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def reset(self, task: Task) -> StepResult:
        loop = GenerateLoop(
            self.llm,
            self.engine,
            PromptStrategy.preface,
            Budget(self.max_attempts, self.max_tokens_per_episode),
            chooser=_Unused(),
            verify_timeout_s=self.verify_timeout_s,
            rewards=self.rewards,
            cancel=self.cancel,
            render_edit=self._render,
        )
        self.session = loop.session(task.spec)
        self.session.play(None)
        return self._result()

    def _render(self, edit_id: str, state: RepairState) -> str:
        # library edits are rendered afresh for the latest state; written text (the generative
        # mode's refinement) stays as the writer wrote it
        if edit_id in EDIT_IDS or self.session is None:
            return render_edit(edit_id, state)
        return self.session.edits[edit_id]

    def step(self, action: int, log_prob: float | None = None) -> StepResult:
        if self.session is None or self.session.done or self.session.state is None:
            raise RuntimeError("step() after the episode ended; call reset()")
        return self.step_edit(apply_edit(action, self.session.state, log_prob=log_prob))

    def step_edit(self, edit: PromptEditInfo) -> StepResult:
        """The next attempt with any prompt edit (a library edit, or text a model wrote)."""
        if self.session is None or self.session.done or self.session.state is None:
            raise RuntimeError("step() after the episode ended; call reset()")
        self.session.play(edit)
        return self._result()


class _Unused:
    """The environment is stepped from outside; the loop's own chooser is never asked."""

    def choose(self, state: RepairState) -> PromptEditInfo:
        raise RuntimeError("LoopEnvironment is driven by step()")


__all__ = ["Environment", "LoopEnvironment", "StepResult"]
