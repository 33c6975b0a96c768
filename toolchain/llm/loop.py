"""The generate-verify-repair loop: prompt -> LLM -> extract -> guard -> verify -> reward -> repair.

Bounded by rounds, tokens and wall time; cancellable between and during steps; reports progress
(round k of N, error count) through a callback; returns a full trajectory record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from shared_schemas.generation import (
    ExtractionFailure,
    ExtractionResult,
    GenerationOutcome,
    GenerationPhase,
    GenerationProgress,
    GenerationSpec,
    GuardReason,
    PromptEditInfo,
    PromptStrategy,
    RoundRecord,
    TokenUsage,
    TrajectoryRecord,
)
from shared_schemas.verification import FileVerification, VerifyRequest
from toolchain.dafny import DafnyEngine
from toolchain.errors import CancelledError
from toolchain.llm.client import (
    ChatClient,
    Completion,
    LlmDeadlineError,
    LlmError,
    LlmResponseError,
)
from toolchain.llm.extract import extract_dafny
from toolchain.llm.guard import check_candidate
from toolchain.llm.prompts import round_messages
from toolchain.llm.reward import RewardConfig, discounted_return, reward
from toolchain.llm.state import LLM_ERROR, EditChooser, RepairState, round_status
from toolchain.proc import CancelToken
from toolchain.redact import redact_url

ProgressFn = Callable[[GenerationProgress], None]
# Guard findings that make running the verifier itself unsafe or meaningless.
_DO_NOT_VERIFY = {GuardReason.no_code, GuardReason.include, GuardReason.options}
_MIN_COMPLETION_TOKENS = 64


@dataclass(frozen=True)
class Budget:
    max_rounds: int
    max_total_tokens: int | None = None
    max_wall_s: float | None = None


class GenerateLoop:
    def __init__(
        self,
        llm: ChatClient,
        engine: DafnyEngine,
        strategy: PromptStrategy,
        budget: Budget,
        *,
        chooser: EditChooser | None = None,
        verify_timeout_s: float = 60.0,
        vc_time_limit_s: int = 20,
        rewards: RewardConfig | None = None,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        seed: int | None = None,
        candidate_name: str = "candidate.dfy",
        render_edit: Callable[[str, RepairState], str] | None = None,
    ) -> None:
        if strategy == PromptStrategy.preface and chooser is None:
            raise ValueError("the preface strategy needs an edit chooser (a policy)")
        self.llm = llm
        self.engine = engine
        self.strategy = strategy
        self.budget = budget
        self.chooser = chooser
        self.verify_timeout_s = verify_timeout_s
        self.vc_time_limit_s = vc_time_limit_s
        self.rewards = rewards or RewardConfig()
        self.progress = progress
        self.cancel = cancel or CancelToken()
        self.seed = seed
        self.candidate_name = candidate_name
        # Edits carrying feedback (the errors) go stale; with a renderer, every edit kept from
        # earlier rounds is re-rendered against the latest state.
        self.render_edit = render_edit

    # -- helpers --------------------------------------------------------------------------------
    def _report(self, **kw: object) -> None:
        if self.progress is not None:
            self.progress(GenerationProgress.model_validate(kw))

    def _exhausted(self, used: TokenUsage, started: float) -> GenerationOutcome | None:
        if self.budget.max_total_tokens is not None and used.total >= self.budget.max_total_tokens:
            return GenerationOutcome.tokens_exhausted
        if (
            self.budget.max_wall_s is not None
            and time.monotonic() - started >= self.budget.max_wall_s
        ):
            return GenerationOutcome.time_exhausted
        return None

    def _completion_limit(self, used: TokenUsage) -> int | None:
        if self.budget.max_total_tokens is None:
            return None
        left = self.budget.max_total_tokens - used.total
        return max(_MIN_COMPLETION_TOKENS, min(left, self.llm.config.max_tokens))

    def _verify(self, code: str, started: float) -> FileVerification:
        timeout = self.verify_timeout_s
        if self.budget.max_wall_s is not None:
            timeout = max(1.0, min(timeout, self.budget.max_wall_s - (time.monotonic() - started)))
        request = VerifyRequest(timeout_s=timeout, vc_time_limit_s=self.vc_time_limit_s)
        return self.engine.verify_source(code, self.candidate_name, request, self.cancel)

    # -- the loop -------------------------------------------------------------------------------
    def session(self, spec: GenerationSpec) -> LoopSession:
        return LoopSession(self, spec)

    def run(self, spec: GenerationSpec) -> TrajectoryRecord:
        session = self.session(spec)
        while not session.done:
            edit = None
            if session.state is not None and self.chooser is not None:
                edit = self.chooser.choose(session.state)
            session.play(edit)
        return session.record()


class LoopSession:
    """One run of the loop, played a round at a time (the PREFACE environment steps it)."""

    def __init__(self, loop: GenerateLoop, spec: GenerationSpec) -> None:
        self.loop = loop
        self.spec = spec
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.rounds: list[RoundRecord] = []
        self.used = TokenUsage()
        self.state: RepairState | None = None
        self.edits: dict[str, str] = {}  # id -> rendered text; re-chosen edits move to the end
        self.outcome: GenerationOutcome | None = None
        self.final_code: str | None = None
        self.message = ""

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def _progress(self, k: int, phase: GenerationPhase, message: str, **kw: object) -> None:
        self.loop._report(
            round=k,
            max_rounds=self.loop.budget.max_rounds,
            phase=phase,
            tokens_used=self.used.total,
            elapsed_s=time.monotonic() - self.started,
            message=message,
            **kw,
        )

    def _stop(self, outcome: GenerationOutcome, message: str) -> None:
        self.outcome = outcome
        self.message = message

    def play(self, edit: PromptEditInfo | None = None) -> RoundRecord | None:
        """Play the next round with an optional prompt edit; None when the run stopped first."""
        loop = self.loop
        n = loop.budget.max_rounds
        k = len(self.rounds) + 1
        if self.done:
            return None
        if loop.cancel.cancelled:
            self._stop(GenerationOutcome.cancelled, f"cancelled after {k - 1} round(s)")
            return None
        exhausted = loop._exhausted(self.used, self.started)
        if exhausted is not None:
            self._stop(exhausted, f"budget exhausted before round {k}")
            return None
        round_started = time.monotonic()
        if edit is not None:
            self.edits.pop(edit.id, None)
            self.edits[edit.id] = edit.text
        if loop.render_edit is not None and self.state is not None:
            for edit_id in self.edits:
                self.edits[edit_id] = loop.render_edit(edit_id, self.state)
        messages = round_messages(self.spec, loop.strategy, self.state, list(self.edits.values()))
        self._progress(
            k,
            GenerationPhase.prompting,
            f"round {k} of {n}: asking {loop.llm.config.model}"
            + (f" (edit: {edit.id})" if edit else ""),
        )
        completion: Completion | None = None
        llm_error: str | None = None
        fatal = False
        out_of_time = False
        # The wall-time budget bounds the request itself, not only the start of each round.
        deadline: dict[str, float] = {}
        if loop.budget.max_wall_s is not None:
            deadline["deadline"] = self.started + loop.budget.max_wall_s
        try:
            completion = loop.llm.complete(
                messages,
                max_tokens=loop._completion_limit(self.used),
                seed=loop.seed,
                cancel=loop.cancel,
                **deadline,
            )
        except CancelledError:
            self._stop(GenerationOutcome.cancelled, f"cancelled after {k - 1} round(s)")
            return None
        except LlmResponseError as exc:
            llm_error = exc.message  # a garbage answer costs a round; the loop goes on
        except LlmDeadlineError as exc:
            llm_error = str(exc)
            out_of_time = True
        except LlmError as exc:
            llm_error = str(exc)
            fatal = True
        reply = completion.text if completion else ""
        if completion is not None:
            self.used = TokenUsage(
                prompt_tokens=self.used.prompt_tokens + completion.usage.prompt_tokens,
                completion_tokens=self.used.completion_tokens + completion.usage.completion_tokens,
                estimated=self.used.estimated or completion.usage.estimated,
            )
        extraction = (
            extract_dafny(reply, self.spec.signature)
            if completion is not None
            else ExtractionResult(failure=ExtractionFailure.empty_reply)
        )
        guard = check_candidate(extraction.code, self.spec.signature) if extraction.ok else []
        verification: FileVerification | None = None
        if extraction.ok and not any(v.reason in _DO_NOT_VERIFY for v in guard):
            self._progress(k, GenerationPhase.verifying, f"round {k} of {n}: verifying with Dafny")
            try:
                verification = loop._verify(extraction.code, self.started)
            except CancelledError:
                self._stop(GenerationOutcome.cancelled, f"cancelled after {k - 1} round(s)")
                return None
        if llm_error is not None:
            status, errors, ok = LLM_ERROR, 0, False
        else:
            status, errors, ok = round_status(extraction, guard, verification)
        record = RoundRecord(
            round=k,
            messages=messages,
            edit=edit,
            reply=reply,
            finish_reason=completion.finish_reason if completion else None,
            extraction=extraction,
            guard=guard,
            verification=verification,
            status=status,
            error_count=errors,
            reward=reward(status, errors, ok, loop.rewards),
            usage=completion.usage if completion else TokenUsage(),
            llm_attempts=completion.attempts if completion else 0,
            duration_s=time.monotonic() - round_started,
            llm_error=llm_error,
        )
        self.rounds.append(record)
        self._progress(
            k,
            GenerationPhase.done if ok else GenerationPhase.repairing,
            f"round {k} of {n}: {status}, {errors} error(s)",
            error_count=errors,
            status=status,
        )
        if ok:
            self.final_code = extraction.code
            self._stop(GenerationOutcome.verified, f"verified in round {k} of {n}")
        elif out_of_time:
            self._stop(GenerationOutcome.time_exhausted, llm_error or "wall-time budget exhausted")
        elif fatal:
            self._stop(GenerationOutcome.llm_error, llm_error or "LLM error")
        elif k >= n and all(r.llm_error is not None for r in self.rounds):
            # Not one usable answer (garbage every time): an endpoint problem like any other,
            # not a program that failed to verify.
            self._stop(GenerationOutcome.llm_error, llm_error or "LLM error")
        elif k >= n:
            self._stop(GenerationOutcome.rounds_exhausted, f"not verified after {k} round(s)")
        self.state = RepairState(
            spec=self.spec,
            round=k + 1,
            max_rounds=n,
            reply=reply,
            code=extraction.code,
            status=status,
            error_count=errors,
            extraction=extraction,
            verification=verification,
            guard=guard,
            llm_error=llm_error,
            edits=tuple(self.edits),
            error_history=(*(self.state.error_history if self.state else ()), errors),
        )
        return record

    def record(self) -> TrajectoryRecord:
        loop = self.loop
        outcome = self.outcome or GenerationOutcome.rounds_exhausted
        return TrajectoryRecord(
            spec=self.spec,
            strategy=loop.strategy,
            model=loop.llm.config.model,
            base_url=redact_url(loop.llm.config.base_url),
            temperature=loop.llm.config.temperature,
            max_rounds=loop.budget.max_rounds,
            rounds=list(self.rounds),
            outcome=outcome,
            success=outcome == GenerationOutcome.verified,
            final_code=self.final_code,
            usage=self.used,
            discounted_return=discounted_return(
                [r.reward for r in self.rounds], loop.rewards.gamma
            ),
            gamma=loop.rewards.gamma,
            started_at=self.started_at,
            duration_s=time.monotonic() - self.started,
            message=self.message,
        )


__all__ = ["Budget", "GenerateLoop", "LoopSession", "ProgressFn"]
