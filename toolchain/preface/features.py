"""psi(prompt, code, feedback): the verifier's feedback as a fixed-length feature vector.

Error classes and counts, where the errors sit (loop annotations, contract, body), the guard's
objections, the round, the trend of the error count, and the edits already tried.
"""

from __future__ import annotations

import math
import re

from shared_schemas.generation import GuardReason
from shared_schemas.verification import Diagnostic, DiagnosticCategory, Severity
from toolchain.llm.state import RepairState
from toolchain.preface.edits import EDIT_IDS

STATUSES = (
    "verified",
    "errors",
    "timeout",
    "parse_error",
    "resolution_error",
    "unsound",
    "tool_error",
    "empty",
    "no_code",
    "guard_rejected",
    "llm_error",
)
_VERIFICATION_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("postcondition", re.compile(r"postcondition", re.I)),
    ("precondition", re.compile(r"precondition", re.I)),
    ("invariant_entry", re.compile(r"invariant might not hold on entry", re.I)),
    ("invariant_maintained", re.compile(r"invariant might not be maintained", re.I)),
    ("termination", re.compile(r"decrease|terminat", re.I)),
    ("assertion", re.compile(r"assertion", re.I)),
    ("index", re.compile(r"index out of range|out of bounds", re.I)),
    ("frame", re.compile(r"reads clause|modifies clause|might be null|not in the enclosing", re.I)),
    ("division", re.compile(r"division by zero", re.I)),
)
ERROR_CLASSES = (
    *(name for name, _ in _VERIFICATION_CLASSES),
    "verification_other",
    "parse",
    "resolution",
    "timeout",
    "tool",
)
GUARD_REASONS = tuple(r.value for r in GuardReason)
LOCATIONS = ("loop", "contract", "body")
TRENDS = ("improved", "same", "worse")

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "round_fraction",
    "rounds_left_fraction",
    *(f"status_{s}" for s in STATUSES),
    "log_errors",
    "has_errors",
    *(f"class_{c}" for c in ERROR_CLASSES),
    *(f"guard_{g}" for g in GUARD_REASONS),
    *(f"where_{w}" for w in LOCATIONS),
    "truncated",
    "fenced",
    "code_size",
    *(f"trend_{t}" for t in TRENDS),
    *(f"tried_{e}" for e in EDIT_IDS),
    *(f"last_{e}" for e in EDIT_IDS),
)
FEATURE_DIM = len(FEATURE_NAMES)


def error_class(d: Diagnostic) -> str:
    if d.category == DiagnosticCategory.parse:
        return "parse"
    if d.category == DiagnosticCategory.resolution:
        return "resolution"
    if d.category == DiagnosticCategory.timeout:
        return "timeout"
    if d.category == DiagnosticCategory.tool:
        return "tool"
    for name, pattern in _VERIFICATION_CLASSES:
        if pattern.search(d.message):
            return name
    return "verification_other"


def _location(line_text: str) -> str:
    s = line_text.strip()
    if re.match(r"(invariant|decreases|while)\b", s):
        return "loop"
    if re.match(r"(requires|ensures|method|function|predicate|lemma|reads|modifies)\b", s):
        return "contract"
    return "body"


def featurise(state: RepairState) -> list[float]:
    f: dict[str, float] = dict.fromkeys(FEATURE_NAMES, 0.0)
    f["bias"] = 1.0
    n = max(state.max_rounds, 1)
    f["round_fraction"] = state.round / n
    f["rounds_left_fraction"] = max(n - state.round + 1, 0) / n
    if state.status in STATUSES:
        f[f"status_{state.status}"] = 1.0
    f["log_errors"] = math.log1p(state.error_count)
    f["has_errors"] = 1.0 if state.error_count else 0.0
    lines = state.code.splitlines()
    errors: list[Diagnostic] = []
    if state.verification is not None:
        errors = [
            d
            for d in state.verification.diagnostics
            if d.severity == Severity.error and d.category != DiagnosticCategory.soundness
        ]
    counts = dict.fromkeys(ERROR_CLASSES, 0)
    where = dict.fromkeys(LOCATIONS, 0)
    for d in errors:
        counts[error_class(d)] += 1
        line = d.range.start.line
        where[_location(lines[line] if 0 <= line < len(lines) else "")] += 1
    for c, k in counts.items():
        f[f"class_{c}"] = math.log1p(k)
    for w, k in where.items():
        f[f"where_{w}"] = k / len(errors) if errors else 0.0
    for v in state.guard:
        f[f"guard_{v.reason.value}"] += 1.0
    for g in GUARD_REASONS:
        f[f"guard_{g}"] = math.log1p(f[f"guard_{g}"])
    if state.extraction is not None:
        f["truncated"] = 1.0 if state.extraction.truncated else 0.0
        f["fenced"] = 1.0 if state.extraction.fenced else 0.0
    f["code_size"] = min(len(state.code) / 2000.0, 2.0)
    history = state.error_history
    if len(history) >= 2:
        trend = (
            "improved"
            if history[-1] < history[-2]
            else "worse"
            if history[-1] > history[-2]
            else "same"
        )
        f[f"trend_{trend}"] = 1.0
    for e in state.edits:
        if f"tried_{e}" in f:
            f[f"tried_{e}"] = 1.0
    if state.edits and f"last_{state.edits[-1]}" in f:
        f[f"last_{state.edits[-1]}"] = 1.0
    return [f[name] for name in FEATURE_NAMES]


__all__ = ["ERROR_CLASSES", "FEATURE_DIM", "FEATURE_NAMES", "error_class", "featurise"]
