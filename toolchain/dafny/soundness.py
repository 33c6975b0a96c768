"""Find what would make a "verified" verdict a lie: assumptions the verifier takes on trust.

Two kinds of finding. Soundness issues (`soundness_issues`) are constructs Dafny assumes instead
of proving (`assume`, `{:axiom}`, bodiless methods, loops and `forall` statements, ...): a file
with one is never reported verified. Termination notes (`termination_notes`) mark methods that
use `decreases *` or call one that does: Dafny proves them only for partial correctness, so they
are reported `partial`, never plainly verified. `qualify_verdict` applies both to a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    MethodStatus,
    Range,
    Severity,
    VerificationStatus,
)
from toolchain.dafny.symbols import Container, Symbol, find_containers, find_symbols
from toolchain.dafny.text import LineIndex, mask_comments_and_strings
from toolchain.dafny.text import brace_end as _match_brace

_CHECKS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"(?<![\w.'])assume\b(?!\s*:)"),
        "P2S-ASSUME",
        "`assume` statement: the verifier takes it on trust",
    ),
    (
        # Dafny 2.3 still accepts `free` clauses (with a deprecation warning) and assumes them
        # without a check: `free ensures false` proves anything after a call
        re.compile(r"(?<![\w.'])free\s+(?:requires|ensures|invariant)\b"),
        "P2S-FREE",
        "`free` clause: the verifier assumes it without checking it",
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
    (
        re.compile(r"\{:\s*termination\s+false\s*\}"),
        "P2S-NOTERMINATION",
        "`{:termination false}`: termination is not checked",
    ),
)

BODILESS_LOOP = "P2S-BODILESS-LOOP"
DECREASES_STAR = "P2S-DECREASES-STAR"
NOTHING_TO_VERIFY = "P2S-NOTHING-TO-VERIFY"

_WORD = re.compile(r"[A-Za-z_][\w'?]*|\d[\w.]*")
_LOOP_KEYWORD = re.compile(r"(?<![\w.'?])(?P<kw>while|forall|for)\b")
_FOR_HEAD = re.compile(r"for\s+[A-Za-z_][\w'?]*\s*(?::[^:=;{}]*)?:=")
# Words that may follow a complete expression inside a loop or `forall` header without starting
# a new statement: binary keyword operators and the header's own clause keywords.
_CONTINUES = frozenset(
    "in as is then else to downto invariant decreases modifies ensures requires reads free "
    "case yields".split()
)
# Words after which an expression must follow (so a `{` there opens a set display).
_EXPECTS_EXPR = frozenset(
    "in as is then else to downto invariant decreases modifies ensures requires reads free if "
    "case old fresh forall exists set iset map imap seq multiset var assert match calc reveal "
    "unchanged allocated while".split()
)
# Words that only ever begin a statement.
_STATEMENT_ONLY = frozenset(
    "while return print break label modify yield ghost expect method lemma function predicate "
    "class trait module datatype codatatype constructor".split()
)
# Words that, in expression position, begin `X; expression` (a let or a statement-in-expression).
_SEMICOLON_PREFIX = frozenset(("var", "assert", "assume", "reveal"))
_OPERATOR_END = re.compile(r"[-+*/%<>=!&|^:.,@~]")


def _position_diag(
    index: LineIndex,
    file: str,
    start: int,
    end: int,
    code: str,
    message: str,
    *,
    severity: Severity = Severity.error,
    category: DiagnosticCategory = DiagnosticCategory.soundness,
    symbol: str | None = None,
) -> Diagnostic:
    return Diagnostic(
        file=file,
        range=index.range(start, end),
        severity=severity,
        category=category,
        code=code,
        message=message,
        symbol=symbol,
    )


def _header_body(masked: str, start: int, kind: str) -> int | bool | None:
    """Where the body `{` of a loop or `forall` statement whose header begins at `start` is.

    None: the statement has no body (the header ran into the next statement or the end of the
    block, as Dafny's parser sees it); False: this `forall` is an expression, not a statement.
    Dafny has no juxtaposition, so a word right after a complete expression starts a new
    statement unless it is one of the header's clause keywords.
    """
    i, n = start, len(masked)
    depth = 0
    pending_semicolons = 0
    ends_expr = False  # the last token completes an expression
    seen_any = False
    seen_ensures = False
    last_word = ""
    while i < n:
        ch = masked[i]
        if ch.isspace():
            i += 1
            continue
        if masked.startswith("{:", i):
            i = _match_brace(masked, i)
            continue
        if ch in "([":
            depth += 1
            ends_expr, seen_any, last_word = False, True, ""
            i += 1
            continue
        if ch in ")]":
            depth -= 1
            if depth < 0:
                return None
            ends_expr, last_word = True, ""
            i += 1
            continue
        if ch == "{":
            if depth == 0 and (ends_expr or not seen_any):
                return i
            i = _match_brace(masked, i)
            ends_expr, seen_any, last_word = True, True, ""
            continue
        if ch == "}":
            if depth <= 0:
                return None
            i += 1
            continue
        if ch == ";":
            if depth == 0:
                if pending_semicolons == 0:
                    return None
                pending_semicolons -= 1
            ends_expr, last_word = False, ""
            i += 1
            continue
        if ch in "\"'":
            ends_expr, seen_any, last_word = True, True, ""
            i += 1
            continue
        if m := _WORD.match(masked, i):
            w = m.group()
            if depth == 0:
                if w in _STATEMENT_ONLY:
                    return None
                if ends_expr and w not in _CONTINUES:
                    return None  # a new statement begins: the header had no body
                if w in _SEMICOLON_PREFIX:
                    pending_semicolons += 1
                if w == "ensures":
                    seen_ensures = True
            ends_expr = w not in _EXPECTS_EXPR and w not in _CONTINUES
            seen_any, last_word = True, w
            i = m.end()
            continue
        if masked.startswith("::", i):
            if kind == "forall" and depth == 0 and not seen_ensures:
                return False
            ends_expr, seen_any, last_word = False, True, ""
            i += 2
            continue
        if masked.startswith(":=", i) or masked.startswith(":|", i):
            if depth == 0 and pending_semicolons == 0:
                return None  # an assignment statement follows
            ends_expr, last_word = False, ""
            i += 2
            continue
        if ch == "*" and (last_word in ("decreases", "while") or not seen_any):
            ends_expr, seen_any, last_word = True, True, ""  # `decreases *`, `while *`
            i += 1
            continue
        if ch == "|" and not masked.startswith("||", i):
            # A `|` right before `{` closes a cardinality `|s|`; anywhere else it may open one
            # or separate a range, and what follows decides.
            j = i + 1
            while j < n and masked[j].isspace():
                j += 1
            ends_expr = j < n and masked[j] == "{"
            seen_any, last_word = True, ""
            i += 1
            continue
        if _OPERATOR_END.match(ch):
            ends_expr, seen_any, last_word = False, True, ""
            i += 1
            continue
        ends_expr, seen_any, last_word = True, True, ""
        i += 1
    return None


def bodiless_statements(text: str) -> list[tuple[int, int, str]]:
    """(start, end, keyword) of every `while`/`for` loop and `forall` statement with no body.

    Dafny 2.3 only warns about these ("this loop has no body") and then assumes that the loop
    ends with its invariant true, or that the `forall`'s ensures hold: nothing is proved.
    """
    masked = mask_comments_and_strings(text)
    found: list[tuple[int, int, str]] = []
    for m in _LOOP_KEYWORD.finditer(masked):
        kw = m.group("kw")
        start = m.end()
        if kw == "for":
            head = _FOR_HEAD.match(masked, m.start())
            if not head:
                continue
            start = head.end()
        body = _header_body(masked, start, kw)
        if body is None:
            found.append((m.start(), m.end(), kw))
    return found


@dataclass(frozen=True)
class _Module:
    container: Container
    abstract: bool
    refines: str | None


def _modules(masked: str, containers: list[Container]) -> list[_Module]:
    out: list[_Module] = []
    for c in containers:
        if c.kind != "module":
            continue
        header = masked[c.start : c.body_start]
        refined = re.search(r"\brefines\s+([\w.']+)", header)
        # The declaration's match starts at its modifiers: `abstract module` begins with it.
        abstract = header.startswith("abstract") or (
            masked[max(0, c.start - 9) : c.start].strip() == "abstract"
        )
        out.append(_Module(c, abstract, refined.group(1).split(".")[-1] if refined else None))
    return out


def _innermost(containers: list[Container], offset: int) -> Container | None:
    inside = [c for c in containers if c.body_start < offset < c.end]
    return min(inside, key=lambda c: c.end - c.start) if inside else None


def _inherited_by_concrete(
    sym: Symbol, module: str, modules: list[_Module], symbols: list[Symbol], seen: set[str]
) -> str | None:
    """A non-abstract module that inherits bodiless `sym` from abstract `module` through a chain
    of `refines` without giving it a body (Dafny then lets it be called, unproved), or None."""
    for m in modules:
        if m.refines != module or m.container.name in seen:
            continue
        redefined = any(
            s.name == sym.name
            and s.container == sym.container
            and s.module == m.container.name
            and not s.bodiless
            for s in symbols
        )
        if redefined:
            continue
        if not m.abstract:
            return m.container.name
        deeper = _inherited_by_concrete(
            sym, m.container.name, modules, symbols, seen | {m.container.name}
        )
        if deeper:
            return deeper
    return None


def _unproved_because(
    sym: Symbol, containers: list[Container], modules: list[_Module], symbols: list[Symbol]
) -> str | None:
    """Why a bodiless declaration is taken on trust, or None when it is legitimate: a trait's
    instance member (every class that extends the trait must implement it, and Dafny 2.3 checks
    the implementation against it), or a member of an abstract module that no compiled module
    inherits without a body (Dafny refuses compiled modules that import abstract ones)."""
    if sym.kind == "constructor" and sym.container is None:
        return None
    inner = _innermost([c for c in containers if c.kind != "module"], sym.start)
    if inner is not None and inner.kind == "trait":
        if not sym.static:
            return None
        because = " (a static trait member: no class implements it)"
    else:
        because = ""
    module = _innermost([m.container for m in modules], sym.start)
    info = next((m for m in modules if m.container is module), None)
    if info is None or not info.abstract:
        return because
    name = info.container.name
    heir = _inherited_by_concrete(sym, name, modules, symbols, {name})
    return None if heir is None else f" (compiled module {heir} inherits it bodiless from {name})"


def soundness_issues(text: str, file: str) -> list[Diagnostic]:
    """Every construct that makes the verifier assume instead of prove, as a located error.

    Bodiless methods, lemmas and functions are assumed by their callers, so they count too,
    except a trait's instance members (classes must implement them) and the members of abstract
    modules that no compiled module inherits bodiless; so do bodiless loops and `forall`
    statements.
    """
    masked = mask_comments_and_strings(text)
    index = LineIndex.of(text)
    found: list[Diagnostic] = []

    def add(start: int, end: int, code: str, message: str) -> None:
        found.append(
            _position_diag(
                index, file, start, end, code, message + "; the file is not reported as verified"
            )
        )

    for pattern, code, message in _CHECKS:
        for m in pattern.finditer(masked):
            add(m.start(), m.end(), code, message)
    symbols = find_symbols(text)
    containers = find_containers(text)
    modules = _modules(masked, containers)
    for sym in symbols:
        where = _unproved_because(sym, containers, modules, symbols) if sym.bodiless else None
        if where is None:
            continue
        add(
            sym.start,
            sym.start + len(sym.kind),
            "P2S-BODILESS",
            f"{sym.kind} {sym.name} has no body{where}: callers assume its specification",
        )
    for start, end, kw in bodiless_statements(text):
        what = "loop" if kw != "forall" else "`forall` statement"
        assumed = "its invariant at exit" if kw != "forall" else "its ensures clauses"
        add(start, end, BODILESS_LOOP, f"this {what} has no body: Dafny assumes {assumed}")
    return found


_DECREASES_STAR_AT = re.compile(r"(?<![\w.'])decreases\s*\*")
_CALLED = re.compile(r"(?<![\w'])([A-Za-z_][\w'?]*)\s*(?:<[^<>;{}()]*>)?\s*\(")


def partial_methods(text: str) -> dict[str, str]:
    """Qualified names of the methods proved only for partial correctness, each with why: they
    use `decreases *` (on themselves or a loop) or call, directly or not, one that does."""
    masked = mask_comments_and_strings(text)
    symbols = [s for s in find_symbols(text) if s.kind in ("method", "constructor")]
    why: dict[str, str] = {}
    for m in _DECREASES_STAR_AT.finditer(masked):
        inside = [s for s in symbols if s.start <= m.start() < max(s.end, s.start + 1)]
        if inside:
            sym = min(inside, key=lambda s: s.end - s.start)
            why.setdefault(sym.qualified, "uses `decreases *`")
    changed = True
    while changed:
        changed = False
        partial_names = {q.split(".")[-1]: q for q in why}
        for sym in symbols:
            if sym.qualified in why or sym.body_start is None:
                continue
            for call in _CALLED.finditer(masked, sym.body_start, sym.end):
                callee = partial_names.get(call.group(1))
                if callee is not None:
                    why[sym.qualified] = f"calls {callee}, which may not terminate"
                    changed = True
                    break
    return why


def termination_notes(text: str, file: str) -> list[Diagnostic]:
    """A warning on each `decreases *` and on each method that calls a possibly non-terminating
    method: what Dafny proves there holds only if the code terminates."""
    masked = mask_comments_and_strings(text)
    index = LineIndex.of(text)
    partial = partial_methods(text)
    symbols = {s.qualified: s for s in find_symbols(text)}
    notes: list[Diagnostic] = []
    for m in _DECREASES_STAR_AT.finditer(masked):
        notes.append(
            _position_diag(
                index,
                file,
                m.start(),
                m.end(),
                DECREASES_STAR,
                "`decreases *`: this may not terminate; it is proved for partial correctness "
                "only (if it terminates), not reported as verified",
                severity=Severity.warning,
                category=DiagnosticCategory.termination,
            )
        )
    for name, reason in partial.items():
        sym = symbols.get(name)
        if sym is None or reason.startswith("uses"):
            continue
        notes.append(
            _position_diag(
                index,
                file,
                sym.start,
                sym.start + len(sym.kind),
                DECREASES_STAR,
                f"{name} {reason}: it is proved for partial correctness only",
                severity=Severity.warning,
                category=DiagnosticCategory.termination,
                symbol=name,
            )
        )
    return notes


_NO_BODY_WARNING = re.compile(r"this (loop|forall statement) has no body")


def qualify_verdict(result: FileVerification, text: str) -> FileVerification:
    """What a result may claim, beyond what Dafny said: methods with `decreases *` (or calling
    one) become `partial`, a verified file with such methods becomes `partial`, a file that
    declares nothing to prove becomes `nothing_to_verify`, and Dafny's own "has no body"
    warnings count as soundness issues even where the static scan missed them. Idempotent."""
    have = {(d.code, d.range.start.line, d.range.start.character) for d in result.diagnostics}

    def add(d: Diagnostic) -> None:
        key = (d.code, d.range.start.line, d.range.start.character)
        if key not in have:
            have.add(key)
            result.diagnostics.append(d)

    static_loops = {
        (d.range.start.line, d.range.start.character)
        for d in result.diagnostics
        if d.code == BODILESS_LOOP
    }
    for d in list(result.diagnostics):
        match = _NO_BODY_WARNING.search(d.message)
        if d.severity != Severity.warning or not match or d.file != result.file:
            continue
        if (d.range.start.line, d.range.start.character) in static_loops:
            continue
        add(
            Diagnostic(
                file=d.file,
                range=d.range,
                category=DiagnosticCategory.soundness,
                code=BODILESS_LOOP,
                message=f"this {match.group(1)} has no body: Dafny assumes what it should "
                "prove; the file is not reported as verified",
                symbol=d.symbol,
            )
        )
    for note in termination_notes(text, result.file):
        add(note)
    partial = partial_methods(text)
    for m in result.methods:
        if m.name in partial and m.status == MethodStatus.verified:
            m.status = MethodStatus.partial
    unsound = any(d.category == DiagnosticCategory.soundness for d in result.diagnostics)
    if result.status == VerificationStatus.verified and unsound:
        result.status = VerificationStatus.unsound
    if result.status == VerificationStatus.verified and partial:
        result.status = VerificationStatus.partial
    if (
        result.status == VerificationStatus.verified
        and result.verified_count == 0
        and not find_symbols(text)
    ):
        result.status = VerificationStatus.nothing_to_verify
        add(
            Diagnostic(
                file=result.file,
                range=Range.point(0, 0, 0),
                severity=Severity.information,
                category=DiagnosticCategory.verification,
                code=NOTHING_TO_VERIFY,
                message="nothing to verify: the file declares no method, function, lemma or "
                "constrained type, so it is not reported as verified",
            )
        )
    return result


__all__ = [
    "BODILESS_LOOP",
    "DECREASES_STAR",
    "NOTHING_TO_VERIFY",
    "bodiless_statements",
    "partial_methods",
    "qualify_verdict",
    "soundness_issues",
    "termination_notes",
]
