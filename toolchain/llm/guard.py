"""Guard rails: what disqualifies LLM-written Dafny from counting as verified.

The engine's soundness scan already refuses `assume`, `{:axiom}`, `{:verify false}`, `{:extern}`
and bodiless declarations; here the same findings become reason codes, plus what only matters
for generated code: no code at all, a signature or contract that differs from the one the spec
fixed, `{:options}` (which can switch verification off from inside the file) and `include` (code
pulled in from outside the candidate). A violation is feedback for the next round, never success.
"""

from __future__ import annotations

import re

from shared_schemas.generation import GuardReason, GuardViolation
from toolchain.dafny.soundness import soundness_issues
from toolchain.dafny.symbols import find_containers, find_symbols
from toolchain.dafny.text import LineIndex, mask_comments_and_strings
from toolchain.llm.signature import Signature, declared_signatures, parse_signatures

_SOUNDNESS_CODES = {
    "P2S-ASSUME": GuardReason.assume,
    "P2S-AXIOM": GuardReason.axiom,
    "P2S-NOVERIFY": GuardReason.verify_false,
    "P2S-EXTERN": GuardReason.extern,
    "P2S-BODILESS": GuardReason.bodiless,
}
_OPTIONS = re.compile(r"\{:\s*options\b[^}]*\}")
_INCLUDE = re.compile(r"(?m)^[ \t]*include\b")
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


def check_candidate(code: str, spec_signature: str | None = None) -> list[GuardViolation]:
    """Every reason `code` may not count as verified; empty when it may."""
    masked = mask_comments_and_strings(code)
    if not masked.strip() or not (find_symbols(code) or find_containers(code)):
        return [GuardViolation(reason=GuardReason.no_code, message="the reply holds no Dafny code")]
    index = LineIndex.of(code)
    found: list[GuardViolation] = []
    for d in soundness_issues(code, "candidate.dfy"):
        reason = _SOUNDNESS_CODES.get(d.code or "")
        if reason is not None:
            message = d.message.split(";")[0]
            found.append(GuardViolation(reason=reason, message=message, line=d.range.start.line))
    for m in _OPTIONS.finditer(masked):
        found.append(
            GuardViolation(
                reason=GuardReason.options,
                message="`{:options}` changes how the verifier runs from inside the file",
                line=index.position(m.start())[0],
            )
        )
    for m in _INCLUDE.finditer(masked):
        found.append(
            GuardViolation(
                reason=GuardReason.include,
                message="`include` pulls in code from outside the candidate",
                line=index.position(m.start())[0],
            )
        )
    if spec_signature and spec_signature.strip():
        found.extend(check_signature(code, spec_signature))
    return found


__all__ = ["check_candidate", "check_signature"]
