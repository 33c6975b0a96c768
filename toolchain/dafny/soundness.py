"""Find what would make a "verified" verdict a lie: assumptions the verifier takes on trust."""

from __future__ import annotations

import re

from shared_schemas.verification import Diagnostic, DiagnosticCategory, Range, Severity
from toolchain.dafny.symbols import find_containers, find_symbols
from toolchain.dafny.text import LineIndex, mask_comments_and_strings

_CHECKS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"(?<![\w.'])assume\b(?!\s*:)"),
        "P2S-ASSUME",
        "`assume` statement: the verifier takes it on trust",
    ),
    (
        re.compile(r"\{:\s*axiom\b[^}]*\}"),
        "P2S-AXIOM",
        "`{:axiom}`: the declaration is trusted, not proved",
    ),
    (
        re.compile(r"\{:\s*verify\s+false\s*\}"),
        "P2S-NOVERIFY",
        "`{:verify false}`: the declaration is not verified",
    ),
    (
        re.compile(r"\{:\s*extern\b[^}]*\}"),
        "P2S-EXTERN",
        "`{:extern}`: the implementation lies outside Dafny and is trusted",
    ),
)


def soundness_issues(text: str, file: str) -> list[Diagnostic]:
    """Every construct that makes the verifier assume instead of prove, as a located warning.

    Bodiless methods, lemmas and functions outside traits and abstract modules are assumed by
    their callers, so they count too.
    """
    masked = mask_comments_and_strings(text)
    index = LineIndex.of(text)
    found: list[Diagnostic] = []

    def add(start: int, end: int, code: str, message: str) -> None:
        (sl, sc), (el, ec) = index.position(start), index.position(end)
        found.append(
            Diagnostic(
                file=file,
                range=Range.model_validate(
                    {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}
                ),
                severity=Severity.error,
                category=DiagnosticCategory.soundness,
                code=code,
                message=message + "; the file is not reported as verified",
            )
        )

    for pattern, code, message in _CHECKS:
        for m in pattern.finditer(masked):
            add(m.start(), m.end(), code, message)
    traits = [
        c
        for c in find_containers(text)
        if c.kind == "trait" or masked[max(0, c.start - 9) : c.start].strip() == "abstract"
    ]
    for sym in find_symbols(text):
        if not sym.bodiless or (sym.kind == "constructor" and sym.container is None):
            continue
        if any(t.body_start < sym.start < t.end for t in traits):
            continue
        add(
            sym.start,
            sym.start + len(sym.kind),
            "P2S-BODILESS",
            f"{sym.kind} {sym.name} has no body: callers assume its specification",
        )
    return found
