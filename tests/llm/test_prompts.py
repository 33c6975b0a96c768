"""Prompt strategies, and the few-shot examples verified by the real Dafny."""

from __future__ import annotations

from shared_schemas.generation import ExtractionResult, GenerationSpec, PromptStrategy
from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    Range,
    VerificationStatus,
)
from toolchain.dafny import DafnyEngine
from toolchain.llm.fewshot import EXAMPLES
from toolchain.llm.prompts import base_prompt, default_rounds, round_messages
from toolchain.llm.state import RepairState

SPEC = GenerationSpec(
    title="Abs",
    description="Absolute value.",
    detailed_description="Return x when x is non-negative, else -x.",
    signature="method Abs(x: int) returns (y: int)",
)


def test_few_shot_examples_verify(dafny: DafnyEngine) -> None:
    for ex in EXAMPLES:
        assert dafny.verify_source(ex.code, "example.dfy").status == VerificationStatus.verified


def test_strategies_differ_where_they_should() -> None:
    short = base_prompt(SPEC, PromptStrategy.short)
    detailed = base_prompt(SPEC, PromptStrategy.detailed)
    assert "Absolute value." in short and "non-negative" not in short
    assert "non-negative" in detailed and "Requirements" in detailed
    assert "method Abs(x: int) returns (y: int)" in short and "method Abs" in detailed
    assert "IndexOf" in base_prompt(SPEC, PromptStrategy.few_shot)
    assert "step by step" in base_prompt(SPEC, PromptStrategy.chain_of_thought)
    assert default_rounds(PromptStrategy.preface) == 7 and default_rounds(PromptStrategy.short) == 6


def test_repair_round_replays_the_last_attempt_only() -> None:
    code = "method Abs(x: int) returns (y: int)\n  ensures y >= 0\n{\n  y := x;\n}\n"
    d = Diagnostic(
        file="c.dfy",
        range=Range.point(2, 0),
        category=DiagnosticCategory.verification,
        message="A postcondition might not hold on this return path.",
    )
    state = RepairState(
        spec=SPEC,
        round=2,
        max_rounds=6,
        reply=f"```dafny\n{code}```",
        code=code,
        status="errors",
        error_count=1,
        extraction=ExtractionResult(code=code, fenced=True),
        verification=FileVerification(
            file="c.dfy", status=VerificationStatus.errors, diagnostics=[d], error_count=1
        ),
    )
    msgs = round_messages(SPEC, PromptStrategy.error_specified, state)
    assert [m.role for m in msgs] == ["system", "user", "assistant", "user"]
    assert "line 3: A postcondition might not hold" in msgs[3].content and "{" in msgs[3].content
    plain = round_messages(SPEC, PromptStrategy.detailed, state)[3].content
    assert "1 error(s)" in plain and "postcondition" not in plain
    assert len(round_messages(SPEC, PromptStrategy.detailed, None)) == 2
