"""The source's `{:hls_*}` directives that synthesis would ignore, found without synthesizing.

`read_directives` warns about an unknown directive, a wrong argument count or an argument
outside its choices when a synthesis reads the method; the editor shows the same warnings right
after verification, located at the attribute, so that they can be fixed (removed or corrected,
`correction`) before anything is built. One parse serves every method of the file.
"""

from __future__ import annotations

import difflib
import re

from shared_schemas.verification import Diagnostic, DiagnosticCategory, Severity
from toolchain.frontend.parser import parse_program
from toolchain.hls.directives import (
    LOOP_DIRECTIVES,
    MEMORIES,
    METHOD_DIRECTIVES,
    SCHEDULES,
    _Reader,
)

DIRECTIVE_CODE = "HW301"
_ATTRIBUTE = re.compile(r"^\{:\s*(?P<name>hls_\w*)(?P<args>.*)\}$", re.DOTALL)
_STRING_CHOICES = {"hls_schedule": SCHEDULES}


def directive_findings(text: str, filename: str) -> dict[str, list[Diagnostic]]:
    """Per method (simple name), the warnings about its own directives and its loops'."""
    program = parse_program(text)
    found: dict[str, list[Diagnostic]] = {}
    for decl in program.methods():
        reader = _Reader(text, filename, decl.name)
        reader.method_attrs(decl)
        if decl.body is not None:
            reader.walk(decl.body.body)
        for w in reader.out.warnings:
            found.setdefault(decl.name, []).append(
                Diagnostic(
                    file=filename,
                    range=w.span.to_range(),
                    severity=Severity.warning,
                    category=DiagnosticCategory.hardware,
                    code=DIRECTIVE_CODE,
                    message=f"{w.message} (quick fix: remove or correct the directive)",
                    symbol=decl.name,
                )
            )
    return found


def corrections(attribute: str, on_loop: bool) -> list[str]:
    """Attributes that could be meant by `attribute` (the text `{:hls_... ...}` of one that is
    ignored): the closest known directive name for an unknown one, each allowed value for an
    argument outside its choices, 1 for a count that is not a positive integer."""
    m = _ATTRIBUTE.match(attribute.strip())
    if m is None:
        return []
    name, args = m.group("name"), m.group("args").strip()
    known = LOOP_DIRECTIVES if on_loop else METHOD_DIRECTIVES
    if name not in known:
        close = difflib.get_close_matches(name, known, n=2, cutoff=0.75)
        return [f"{{:{c}{' ' + args if args else ''}}}" for c in close]
    choices = _STRING_CHOICES.get(name)
    if choices is not None:
        return [f'{{:{name} "{c}"}}' for c in choices if f'"{c}"' != args]
    if name == "hls_memory":
        parts = [p.strip() for p in args.split(",")]
        if len(parts) == 2:
            return [f'{{:{name} {parts[0]}, "{c}"}}' for c in MEMORIES if f'"{c}"' != parts[1]]
        return []
    if name in ("hls_unroll", "hls_pipeline", "hls_latency", "hls_divider") and args != "1":
        return [f"{{:{name} 1}}"]
    return []


__all__ = ["DIRECTIVE_CODE", "corrections", "directive_findings"]
