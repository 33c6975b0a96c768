"""Guard rails: what disqualifies LLM-written Dafny from counting as verified.

The engine's soundness scan already refuses `assume`, `{:axiom}`, `{:verify false}`, `{:extern}`,
bodiless declarations and bodiless loops; here the same findings become reason codes, plus what
only matters for generated code: `decreases *` (the engine reports it as partial correctness; a
reply must prove termination), calls of bodiless trait members that no declaration in the reply
implements, no code at all, a signature or contract that differs from the one the spec fixed,
`{:options}` (which can switch verification off from inside the file) and `include` (code pulled
in from outside the candidate). A violation is feedback for the next round, never success.
"""

from __future__ import annotations

import re

from shared_schemas.generation import GuardReason, GuardViolation
from toolchain.dafny.soundness import DECREASES_STAR, soundness_issues, termination_notes
from toolchain.dafny.symbols import Symbol, find_containers, find_symbols
from toolchain.dafny.text import LineIndex, mask_comments_and_strings
from toolchain.llm.signature import Signature, declared_signatures, parse_signatures

_SOUNDNESS_CODES = {
    "P2S-ASSUME": GuardReason.assume,
    "P2S-FREE": GuardReason.assume,
    "P2S-AXIOM": GuardReason.axiom,
    "P2S-NOVERIFY": GuardReason.verify_false,
    "P2S-EXTERN": GuardReason.extern,
    "P2S-BODILESS": GuardReason.bodiless,
    "P2S-BODILESS-LOOP": GuardReason.bodiless,
    "P2S-NOTERMINATION": GuardReason.decreases_star,
    DECREASES_STAR: GuardReason.decreases_star,
}
_CALL = re.compile(r"(?<![\w'])([A-Za-z_][\w'?]*)\s*(?:<[^<>;{}()]*>)?\s*\(")
# Text the guard refuses wherever it stands outside comments and strings.
_TEXT_RULES: tuple[tuple[re.Pattern[str], GuardReason, str], ...] = (
    (
        re.compile(r"\{:\s*options\b[^}]*\}"),
        GuardReason.options,
        "`{:options}` changes how the verifier runs from inside the file",
    ),
    (
        re.compile(r"(?m)^[ \t]*include\b"),
        GuardReason.include,
        "`include` pulls in code from outside the candidate",
    ),
)
# Contract clauses whose addition makes the obligation weaker (a stronger precondition, a wider
# frame); added `ensures` only make it stronger, so they are always allowed.
_WEAKENING = ("requires", "modifies", "reads")


def _compare(spec: Signature, got: Signature) -> list[str]:
    problems: list[str] = []
    if spec.kind != got.kind:
        problems.append(f"is a {got.kind}, the spec fixes a {spec.kind}")
    if spec.type_params != got.type_params:
        problems.append(f"type parameters <{got.type_params}> differ from <{spec.type_params}>")
    if spec.params != got.params:
        problems.append(
            f"parameters ({', '.join(got.params)}) differ from ({', '.join(spec.params)})"
        )
    if spec.results != got.results:
        problems.append(f"results ({got.results}) differ from ({spec.results})")
    if spec.clauses:
        for expr in sorted(spec.clause_set("ensures") - got.clause_set("ensures")):
            problems.append(f"drops or changes the postcondition `ensures {expr}`")
        for kw in _WEAKENING:
            for expr in sorted(got.clause_set(kw) - spec.clause_set(kw)):
                problems.append(f"adds `{kw} {expr}`, which weakens the fixed contract")
    return problems


def check_signature(code: str, spec_signature: str) -> list[GuardViolation]:
    wanted = parse_signatures(spec_signature)
    declared = declared_signatures(code)
    index = LineIndex.of(code)
    found: list[GuardViolation] = []
    for spec in wanted:
        if spec.name not in declared:
            found.append(
                GuardViolation(
                    reason=GuardReason.signature_changed,
                    message=f"{spec.kind} {spec.name} is missing: the spec fixes `{spec.header()}`",
                )
            )
            continue
        got, offset = declared[spec.name]
        for problem in _compare(spec, got):
            found.append(
                GuardViolation(
                    reason=GuardReason.signature_changed,
                    message=f"{spec.name} {problem}",
                    line=index.position(offset)[0],
                )
            )
    return found


def _bodiless_trait_calls(code: str, masked: str, index: LineIndex) -> list[GuardViolation]:
    """Calls of a bodiless trait member that no declaration in the reply gives a body.

    Dafny makes every class that extends the trait implement it; a reply that calls it with no
    implementation at all proves its result from the trait's contract alone, which is vacuous
    for a task's own code."""
    symbols = find_symbols(code)
    traits = [c for c in find_containers(code) if c.kind == "trait"]
    implemented = {s.name for s in symbols if not s.bodiless}

    def in_trait(sym: Symbol) -> bool:
        return any(t.body_start < sym.start < t.end for t in traits)

    abstract = {s.name for s in symbols if s.bodiless and in_trait(s)} - implemented
    found: list[GuardViolation] = []
    for sym in symbols:
        if sym.body_start is None:
            continue
        for call in _CALL.finditer(masked, sym.body_start, sym.end):
            if call.group(1) in abstract:
                found.append(
                    GuardViolation(
                        reason=GuardReason.bodiless,
                        message=f"{sym.name} calls trait member {call.group(1)}, which has no "
                        "body anywhere in the reply: its contract is assumed, not proved",
                        line=index.position(call.start())[0],
                    )
                )
    return found


def check_candidate(code: str, spec_signature: str | None = None) -> list[GuardViolation]:
    """Every reason `code` may not count as verified; empty when it may."""
    masked = mask_comments_and_strings(code)
    if not masked.strip() or not (find_symbols(code) or find_containers(code)):
        return [GuardViolation(reason=GuardReason.no_code, message="the reply holds no Dafny code")]
    index = LineIndex.of(code)
    found: list[GuardViolation] = []
    for d in soundness_issues(code, "candidate.dfy") + termination_notes(code, "candidate.dfy"):
        if d.code == DECREASES_STAR and d.symbol is not None:
            continue  # a caller of a `decreases *` method: the `decreases *` itself is reported
        # A soundness finding without a reason of its own still disqualifies the candidate.
        reason = _SOUNDNESS_CODES.get(d.code or "", GuardReason.bodiless)
        message = d.message.split(";")[0].split(": it is proved")[0]
        found.append(GuardViolation(reason=reason, message=message, line=d.range.start.line))
    found.extend(_bodiless_trait_calls(code, masked, index))
    for pattern, reason, message in _TEXT_RULES:
        found.extend(
            GuardViolation(reason=reason, message=message, line=index.position(m.start())[0])
            for m in pattern.finditer(masked)
        )
    if spec_signature and spec_signature.strip():
        found.extend(check_signature(code, spec_signature))
    return found


__all__ = ["check_candidate", "check_signature"]
