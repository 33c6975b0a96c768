"""Parse Dafny's command-line output (2.x and 4.x text formats) into diagnostics and outcomes.

Both versions print `file(line,col): Error[ CODE]: message`, line 1-based and column 0-based, and
`file(line,col): Related location: message` after the error it belongs to. 4.x adds source
snippets (`  |` lines) which are skipped. Positions come out 0-based for both line and column.

The output is read as untrusted text: no input makes these functions raise or loop. A line of an
unknown shape is ignored (it stays in `cleaned`), numbers too large to convert are clamped, and a
JSON diagnostic whose severity cannot be read counts as an error, never as something milder.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    Location,
    MethodStatus,
    Range,
    RelatedLocation,
    Severity,
)

_POS = r"(?P<file>.*?)\((?P<line>-?\d+),(?P<col>-?\d+)\)"
_ERROR = re.compile(rf"^{_POS}: (?P<sev>Error|Warning|Info)(?: (?P<code>[A-Z]+\d+))?: (?P<msg>.*)$")
_RELATED = re.compile(rf"^{_POS}: Related location(?: \d+)?: ?(?P<msg>.*)$")
_TIMED_OUT_ON = re.compile(rf"^{_POS}: Timed out on(?: [A-Z]+\d+)?: (?P<msg>.*)$")
_VC_TIMEOUT = re.compile(
    rf"^{_POS}: Verification of '(?P<proc>[^']+)' timed out after (?P<secs>\d+) seconds"
)
_SUMMARY = re.compile(
    r"Dafny program verifier finished with (?P<verified>\d+) verified, (?P<errors>\d+) errors?"
    r"(?:, (?P<timeouts>\d+) time outs?)?(?:, (?P<oom>\d+) out of memory)?"
)
_PARSE_COUNT = re.compile(r"^(?P<n>\d+) parse errors? detected in (?P<file>.+)$")
_RESOLUTION_COUNT = re.compile(r"^(?P<n>\d+) resolution/type errors? detected in (?P<file>.+)$")
_VERIFYING = re.compile(r"^Verifying (?P<proc>\S+) \.\.\.$")
_PROC_RESULT = re.compile(
    r"^\s*\[(?P<secs>\d+(?:\.\d+)?) s, (?P<n>\d+) proof obligations?\]\s+"
    r"(?P<outcome>verified|error|errors|"
    r"timed out|out of memory|out of resource|inconclusive)"
)
# Debian's z3 4.8.12 rejects an option Dafny 2.3 always sends; the results are still right.
_HARMLESS_PROVER_NOISE = re.compile(
    r"model_compress|Prover error: line \d+ column \d+: unknown parameter"
)
_PROVER_ERROR = re.compile(r"^Prover error: (?P<msg>.*)$")


@dataclass
class ProcedureOutcome:
    boogie_name: str
    status: MethodStatus
    duration_s: float | None
    obligations: int | None


@dataclass
class ParsedOutput:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    procedures: list[ProcedureOutcome] = field(default_factory=list)
    verified: int | None = None
    errors: int | None = None
    timeouts: int = 0
    parse_errors: int = 0
    resolution_errors: int = 0
    prover_errors: list[str] = field(default_factory=list)
    cleaned: str = ""

    @property
    def saw_summary(self) -> bool:
        return self.verified is not None


FileMapper = Callable[[str], str]


# LSP positions are unsigned 32-bit and many clients read them as signed: stay below both.
MAX_POSITION = 2**31 - 1


def _clamped(digits: str, hi: int = MAX_POSITION) -> int:
    """A matched `-?\\d+` as an int in [0, hi]; negative is 0, too many digits to convert is hi."""
    if digits.startswith("-"):
        return 0
    body = digits.lstrip("0") or "0"
    if len(body) > len(str(hi)):
        return hi
    return min(int(body), hi)


def _seconds(text: str) -> float | None:
    secs = float(text)
    return secs if math.isfinite(secs) else None


def _range(line: str, col: str) -> Range:
    # Dafny reports (0,-1) for some whole-program errors; clamp into the document.
    # the point range ends one past its column: keep that end a valid position too
    return Range.point(max(_clamped(line) - 1, 0), _clamped(col, MAX_POSITION - 1))


def _timeout(line: str, map_file: FileMapper) -> Diagnostic | None:
    """A declaration (`Verification of 'P' timed out`) or one assertion (`Timed out on`) that ran
    out of time; None for any other line."""
    if m := _VC_TIMEOUT.match(line):
        severity, symbol = Severity.information, m.group("proc")
        message = f"verification of this declaration timed out after {m.group('secs')} s"
    elif m := _TIMED_OUT_ON.match(line):
        severity, symbol = Severity.error, None
        message = f"timed out on: {m.group('msg')}"
    else:
        return None
    return Diagnostic(
        file=map_file(m.group("file")),
        range=_range(m.group("line"), m.group("col")),
        severity=severity,
        category=DiagnosticCategory.timeout,
        message=message,
        symbol=symbol,
    )


_RESOLUTION_HINTS = (
    "unresolved identifier",
    "type mismatch",
    "not found",
    "wrong number of",
    "is not allowed",
    "must be",
    "cannot",
    "does not",
    "undeclared",
    "ghost",
    "incompatible",
    "expected",
    "duplicate",
)


def _category(message: str, code: str | None, context: str) -> DiagnosticCategory:
    if code and code.startswith("BP"):
        return DiagnosticCategory.verification
    if context in ("parse", "resolution"):
        return DiagnosticCategory(context)
    lowered = message.lower()
    verification_words = (
        "might not",
        "could not be proved",
        "assertion",
        "postcondition",
        "precondition",
        "invariant",
        "decreases",
        "termination",
        "index out of range",
        "possible division by zero",
        "might be null",
        "might violate",
        "could not prove",
        "result of operation might",
        "value does not satisfy",
        "cannot establish",
        "not be allowed",
        "may not",
    )
    if any(w in lowered for w in verification_words):
        return DiagnosticCategory.verification
    return DiagnosticCategory.resolution


def parse_output(text: str, map_file: FileMapper = lambda f: f) -> ParsedOutput:
    """Parse the combined stdout/stderr of one Dafny run."""
    result = ParsedOutput()
    kept: list[str] = []
    lines = text.splitlines()
    # A parse or resolution error count line tells which kind the located errors before it are.
    context = "verification"
    for line in lines:
        if _PARSE_COUNT.match(line.strip()):
            context = "parse"
        elif _RESOLUTION_COUNT.match(line.strip()):
            context = "resolution"
    last_error: Diagnostic | None = None
    current_proc: str | None = None
    for raw in lines:
        line = raw.rstrip()
        if _HARMLESS_PROVER_NOISE.search(line):
            continue
        kept.append(line)
        stripped = line.strip()
        if not stripped or re.match(r"^\d*\s*\|", stripped):
            continue  # Dafny 4 source snippets
        if stripped.startswith("{") and (json_diag := _json_diagnostic(stripped, map_file)):
            result.diagnostics.append(json_diag)
            last_error = json_diag
            continue
        if m := _VERIFYING.match(stripped):
            current_proc = m.group("proc")
            continue
        if (m := _PROC_RESULT.match(line)) and current_proc:
            outcome = m.group("outcome")
            status = {
                "verified": MethodStatus.verified,
                "error": MethodStatus.errors,
                "errors": MethodStatus.errors,
                "timed out": MethodStatus.timed_out,
            }.get(outcome, MethodStatus.not_verified)
            result.procedures.append(
                ProcedureOutcome(
                    current_proc, status, _seconds(m.group("secs")), _clamped(m.group("n"))
                )
            )
            current_proc = None
            continue
        if m := _SUMMARY.search(stripped):
            result.verified = _clamped(m.group("verified"))
            result.errors = _clamped(m.group("errors"))
            result.timeouts = _clamped(m.group("timeouts") or "0")
            continue
        if m := _PARSE_COUNT.match(stripped):
            result.parse_errors = min(result.parse_errors + _clamped(m.group("n")), MAX_POSITION)
            continue
        if m := _RESOLUTION_COUNT.match(stripped):
            result.resolution_errors = min(
                result.resolution_errors + _clamped(m.group("n")), MAX_POSITION
            )
            continue
        if m := _PROVER_ERROR.match(stripped):
            result.prover_errors.append(m.group("msg"))
            continue
        if timeout := _timeout(stripped, map_file):
            last_error = timeout
            result.diagnostics.append(timeout)
            continue
        if (m := _RELATED.match(stripped)) and last_error is not None:
            last_error.related.append(
                RelatedLocation(
                    location=Location(
                        file=map_file(m.group("file")),
                        range=_range(m.group("line"), m.group("col")),
                    ),
                    message=m.group("msg").strip() or "related location",
                )
            )
            continue
        if m := _ERROR.match(stripped):
            sev = {"Error": Severity.error, "Warning": Severity.warning}.get(
                m.group("sev"), Severity.information
            )
            code = m.group("code")
            msg = m.group("msg").strip()
            last_error = Diagnostic(
                file=map_file(m.group("file")),
                range=_range(m.group("line"), m.group("col")),
                severity=sev,
                category=_category(msg, code, context),
                code=code,
                message=msg,
            )
            result.diagnostics.append(last_error)
            continue
    result.cleaned = "\n".join(kept).strip()
    return result


def widen_to_token(diag_range: Range, line_text: str) -> Range:
    """Stretch a point range over the identifier or operator at that column (a visible squiggle)."""
    col = diag_range.start.character
    if col >= len(line_text):
        return diag_range
    end = col
    if line_text[col].isalnum() or line_text[col] == "_":
        while end < len(line_text) and (line_text[end].isalnum() or line_text[end] in "_'?"):
            end += 1
    else:
        while end < len(line_text) and line_text[end] in "=<>!&|+-*/%:{":
            end += 1
    end = max(end, col + 1)
    return Range.point(diag_range.start.line, col, end - col)


def _json_int(value: object) -> int | None:
    """A JSON position as an int in [0, MAX_POSITION], or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return min(max(value, 0), MAX_POSITION)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        # 1e400 arrives as infinity
        return MAX_POSITION if value >= MAX_POSITION else 0 if value <= 0 else int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return _clamped(value.strip())
    return None


def _json_position(node: object) -> tuple[int, int] | None:
    """A JSON `{line, character}` as 0-based (line, character); JSON lines are 1-based."""
    if not isinstance(node, dict):
        return None
    line, char = _json_int(node.get("line")), _json_int(node.get("character"))
    if line is None or char is None:
        return None
    return max(line - 1, 0), char


def _json_location(node: dict[str, object], map_file: FileMapper) -> Location | None:
    """A location of Dafny's JSON diagnostics: 3.x `{filename, range: {start}}`, 4.x adds `end`."""
    rng = node.get("range")
    filename = node.get("filename") or node.get("filePath")
    if not isinstance(rng, dict) or not isinstance(filename, str):
        return None
    start = _json_position(rng.get("start"))
    if start is None:
        return None
    # a range never ends before it starts
    end = max(_json_position(rng.get("end")) or start, start)
    r = Range.model_validate(
        {
            "start": {"line": start[0], "character": start[1]},
            "end": {"line": end[0], "character": end[1]},
        }
    )
    return Location(file=map_file(filename), range=r)


_JSON_SEVERITY: dict[object, Severity] = {
    1: Severity.error,
    2: Severity.warning,
    3: Severity.information,
    4: Severity.hint,
    "error": Severity.error,
    "warning": Severity.warning,
    "information": Severity.information,
    "info": Severity.information,
    "hint": Severity.hint,
}


def _json_severity(value: object) -> Severity:
    # Absent, null, "high", 7: whatever was meant, reading it as milder than an error could let
    # a failed proof pass for a verified one.
    if isinstance(value, str):
        return _JSON_SEVERITY.get(value.strip().lower(), Severity.error)
    if isinstance(value, bool) or not isinstance(value, int):
        return Severity.error
    return _JSON_SEVERITY.get(value, Severity.error)


def _json_text(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (ValueError, RecursionError):
        return "?"


def _json_diagnostic(line: str, map_file: FileMapper) -> Diagnostic | None:
    """One diagnostic line of `--json-diagnostics` (3.x/4.x) or `--json-output` (4.10+)."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        # RecursionError: a line of a few thousand nested brackets
        return None
    if not isinstance(data, dict):
        return None
    if data.get("type") == "diagnostic" and isinstance(data.get("value"), dict):
        data = data["value"]
    where = data.get("location") or data.get("range")
    if not isinstance(where, dict) or "message" not in data:
        return None
    loc = _json_location(where, map_file)
    if loc is None:
        return None
    message = re.sub(r"^(Error|Warning|Info): ", "", _json_text(data["message"]))
    severity = _json_severity(data.get("severity", 1))
    source = _json_text(data.get("source", "")).lower()
    context = {"parser": "parse", "resolver": "resolution"}.get(source, "verification")
    if source == "verifier":
        category = DiagnosticCategory.verification
    else:
        category = _category(message, None, context)
    related: list[RelatedLocation] = []
    infos = data.get("relatedInformation")
    for rel in infos if isinstance(infos, list) else []:
        if isinstance(rel, dict) and isinstance(rel.get("location"), dict):
            rel_loc = _json_location(rel["location"], map_file)
            if rel_loc is not None:
                text = _json_text(rel.get("message", ""))
                text = re.sub(r"^Related location(?: \d+)?: ?", "", text)
                related.append(
                    RelatedLocation(location=rel_loc, message=text or "related location")
                )
    return Diagnostic(
        file=loc.file,
        range=loc.range,
        severity=severity,
        category=category,
        message=message,
        related=related,
    )


# DafnyServer.exe (Dafny 2.x) prints these once Boogie has the program, i.e. after parsing and
# resolution succeeded; a reply without them stopped in the front end.
_SERVER_REACHED_VERIFIER = re.compile(r"^(?:Coalescing blocks\.\.\.|Verifying \S+ \.\.\.)$")
_SERVER_TRAILER = re.compile(
    r"^(?:Verification completed successfully!|\[(?:SUCCESS|FAILURE)\].*)$"
)


def server_reached_verifier(text: str) -> bool:
    """Whether a DafnyServer.exe reply got past parsing and resolution."""
    return any(_SERVER_REACHED_VERIFIER.match(line.strip()) for line in text.splitlines())


def parse_server_output(text: str, map_file: FileMapper = lambda f: f) -> ParsedOutput:
    """Parse one reply of Dafny 2.x's `DafnyServer.exe` into what the CLI's output would give.

    The server prints the CLI's `/trace` text but no closing summary and no "N parse errors
    detected" lines, adds tooltips (`Info:` lines) that the CLI keeps to itself, and ends every
    reply with "Verification completed successfully!" whatever the outcome. A reply that reached
    the verifier gets the CLI's summary counts from its per-procedure results; one that did not
    keeps `saw_summary` False (the caller cannot tell parse from resolution errors from it).
    """
    kept = [line for line in text.splitlines() if not _SERVER_TRAILER.match(line.strip())]
    parsed = parse_output("\n".join(kept), map_file)
    parsed.diagnostics = [d for d in parsed.diagnostics if d.severity != Severity.information]
    if not server_reached_verifier(text):
        return parsed
    parsed.verified = sum(1 for p in parsed.procedures if p.status == MethodStatus.verified)
    parsed.timeouts = sum(1 for p in parsed.procedures if p.status == MethodStatus.timed_out)
    # Past resolution every located error is the verifier's, whatever its wording.
    located = sum(
        1
        for d in parsed.diagnostics
        if d.severity == Severity.error and d.category != DiagnosticCategory.timeout
    )
    failed = sum(1 for p in parsed.procedures if p.status == MethodStatus.errors)
    parsed.errors = max(located, failed)
    return parsed
