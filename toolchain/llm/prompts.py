"""Prompt strategies: the paper's baselines (short, detailed, error-specified, few-shot,
chain-of-thought) and the PREFACE base prompt that the agent's edits extend.

Every round after the first shows the model its previous attempt; what the repair message adds
depends on the strategy. Only `error_specified` (and PREFACE edits that ask for it) show the
verifier's errors themselves; the other baselines are told only that and how much it failed.
"""

from __future__ import annotations

from shared_schemas.generation import ChatMessage, GenerationSpec, PromptStrategy
from shared_schemas.verification import Diagnostic, FileVerification
from toolchain.llm.fewshot import render_examples
from toolchain.llm.state import RepairState

SYSTEM_PROMPT = (
    "You are an expert in Dafny and formal verification. You write complete Dafny programs "
    "that the Dafny 2.3 verifier proves correct: precise specifications (requires/ensures), "
    "loop invariants and termination measures, and no assume statements, axioms, "
    "{:verify false}, {:extern} or bodiless methods. Give the whole program in one ```dafny "
    "code block."
)

_RULES = (
    "Requirements:\n"
    "- Use Dafny 2.3 syntax: `function method` for functions called from executable code, "
    "`while` loops (no `for`), no `expect`.\n"
    "- Write requires/ensures clauses that state what the task asks.\n"
    "- Give every loop invariants strong enough to prove the postconditions, and decreases "
    "clauses where Dafny cannot guess them.\n"
    "- Do not use assume, {:axiom}, {:verify false}, {:extern}, or declarations without bodies."
)


def _signature_block(spec: GenerationSpec) -> str:
    if not spec.signature:
        return ""
    return (
        "\n\nUse exactly this signature (keep its names, types and any requires/ensures "
        f"clauses unchanged):\n```dafny\n{spec.signature.strip()}\n```"
    )


def _examples_block(spec: GenerationSpec) -> str:
    if not spec.examples:
        return ""
    items = "\n".join(f"- {e}" for e in spec.examples)
    return f"\n\nExamples:\n{items}"


def base_prompt(spec: GenerationSpec, strategy: PromptStrategy) -> str:
    """The first user message of a run."""
    if strategy == PromptStrategy.short:
        return f"Write a verified Dafny program for this task: {spec.description.strip()}" + (
            _signature_block(spec)
        )
    task = (spec.detailed_description or spec.description).strip()
    text = f"Task: {spec.title}\n\n{task}"
    if spec.detailed_description and spec.description.strip() not in task:
        text = f"Task: {spec.title}\n\n{spec.description.strip()}\n\n{task}"
    text += _signature_block(spec) + _examples_block(spec) + "\n\n" + _RULES
    if strategy == PromptStrategy.few_shot:
        text = (
            "Here are examples of tasks with Dafny programs that verify:\n\n"
            + render_examples()
            + "\n\nNow solve the following.\n\n"
            + text
        )
    if strategy == PromptStrategy.chain_of_thought:
        text += (
            "\n\nThink step by step before writing code: state the preconditions, the "
            "postconditions, and for each loop the invariant and what decreases; check that the "
            "invariant holds on entry, is preserved, and with the loop's exit condition implies "
            "the postcondition. Then give the program in one ```dafny block."
        )
    return text


def format_diagnostic(d: Diagnostic, code_lines: list[str]) -> str:
    line = d.range.start.line
    where = f"line {line + 1}"
    source = code_lines[line].strip() if 0 <= line < len(code_lines) else ""
    text = f"- {where}: {d.message}"
    if source:
        text += f"\n    {source}"
    for rel in d.related:
        rl = rel.location.range.start.line
        rsrc = code_lines[rl].strip() if 0 <= rl < len(code_lines) else ""
        text += f"\n    related, line {rl + 1}: {rel.message}" + (f": {rsrc}" if rsrc else "")
    return text


def error_report(state: RepairState, limit: int = 12) -> str:
    """The verifier's errors and the guard's objections, with the offending source lines."""
    lines = state.code.splitlines()
    parts: list[str] = []
    if state.extraction is not None and not state.extraction.ok:
        parts.append("- the reply contained no Dafny code block")
    for v in state.guard:
        at = f"line {v.line + 1}: " if v.line is not None else ""
        parts.append(f"- {at}{v.message} (not allowed)")
    fv: FileVerification | None = state.verification
    if fv is not None:
        shown = [d for d in fv.diagnostics if d.severity == "error" and d.category != "soundness"]
        parts.extend(format_diagnostic(d, lines) for d in shown[:limit])
        if len(shown) > limit:
            parts.append(f"- ... and {len(shown) - limit} more")
    if state.llm_error:
        parts.append(f"- the previous request failed: {state.llm_error}")
    return "\n".join(parts) if parts else "- (no details)"


def summary_line(state: RepairState) -> str:
    if state.status in ("empty", "no_code"):
        return "Your previous answer contained no Dafny code."
    if state.status == "llm_error":
        return "The previous request failed before any code arrived."
    if state.status == "guard_rejected":
        return (
            f"Your previous program cannot be accepted: it uses constructs that make the "
            f"verifier assume instead of prove, or changes the required signature "
            f"({state.error_count} problem(s))."
        )
    return (
        f"The Dafny verifier did not accept your previous program "
        f"(status: {state.status}, {state.error_count} error(s))."
    )


def repair_message(strategy: PromptStrategy, state: RepairState, edits: list[str]) -> str:
    """The user message of a repair round. `edits` are the PREFACE agent's rendered edits."""
    head = summary_line(state)
    if strategy == PromptStrategy.preface:
        body = "\n\n".join(edits) if edits else "Fix the program."
        return f"{head}\n\n{body}\n\nGive the complete corrected program in one ```dafny block."
    if strategy == PromptStrategy.error_specified:
        return (
            f"{head} The verifier reported:\n{error_report(state)}\n\n"
            "Fix every one of these errors and give the complete corrected program in one "
            "```dafny block."
        )
    tail = "Fix the program and give the complete corrected program in one ```dafny block."
    if strategy == PromptStrategy.chain_of_thought:
        tail = "Think step by step about what is wrong, then " + tail[0].lower() + tail[1:]
    return f"{head} {tail}"


def round_messages(
    spec: GenerationSpec,
    strategy: PromptStrategy,
    state: RepairState | None,
    edits: list[str] | None = None,
) -> list[ChatMessage]:
    """Messages for one round: only the latest attempt is replayed, so prompts stay bounded."""
    messages = [
        ChatMessage(role="system", content=SYSTEM_PROMPT),
        ChatMessage(role="user", content=base_prompt(spec, strategy)),
    ]
    if state is None:
        return messages
    previous = state.reply.strip() or "(empty answer)"
    messages.append(ChatMessage(role="assistant", content=previous))
    messages.append(ChatMessage(role="user", content=repair_message(strategy, state, edits or [])))
    return messages


def default_rounds(strategy: PromptStrategy) -> int:
    """PREFACE: at most 7 attempts; baselines: the first answer plus up to 5 feedback rounds."""
    return 7 if strategy == PromptStrategy.preface else 6


__all__ = [
    "SYSTEM_PROMPT",
    "base_prompt",
    "default_rounds",
    "error_report",
    "repair_message",
    "round_messages",
]
