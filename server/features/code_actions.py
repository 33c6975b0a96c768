"""Quick fixes for the front end's width findings (HW201, HW202): state the bounds the hardware
needs as `requires` clauses of the method, as `p2s bounds` does (`toolchain.frontend.bounds`),
or, for a result that grows without bound, ask for the run-time check `{:hls_overflow_check 32}`;
for `{:hls_*}` directives synthesis would ignore (HW301): remove the attribute, or change it
to what was probably meant (`toolchain.hls.directive_findings.corrections`); and for recursion
refused for want of one integer measure (HW101): the suggested `decreases` clause.

The fix is a workspace edit of the method's header; the client applies it, the changed document
is verified as usual, and the lens turns to Synthesize when the method then lowers. Nothing here
runs Dafny: whether callers establish the new precondition is the next verification's verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document, lsp_range
from toolchain.dafny.text import LineIndex
from toolchain.frontend.bounds import BoundsError, BoundsProposal, propose_bounds
from toolchain.frontend.lowering.recursion_measures import decreases_insertion
from toolchain.frontend.overflow_checks import ATTRIBUTE as OVERFLOW_ATTRIBUTE
from toolchain.frontend.overflow_checks import attribute_insertion
from toolchain.frontend.ranges import Options
from toolchain.hls.directive_findings import DIRECTIVE_CODE, corrections

BOUND_CODES = ("HW201", "HW202")
# Offered contracts, most useful first: (title, options, preferred). 32 bits and 256 elements
# match what the findings' own messages suggest for an unbounded `int` input and array.
CONTRACTS: tuple[tuple[str, Options, bool], ...] = (
    ("integer inputs of 32 bits", Options(assume_input_bits=32), True),
    ("integer inputs of 16 bits", Options(assume_input_bits=16), False),
    ("integer inputs of 8 bits", Options(assume_input_bits=8), False),
    ("a length bound of 256", Options(assume_max_length=256), True),
    ("a length bound of 16", Options(assume_max_length=16), False),
)


def _method_of(d: lsp.Diagnostic) -> str | None:
    data: Any = d.data
    symbol = data.get("symbol") if isinstance(data, dict) else None
    return symbol if isinstance(symbol, str) and symbol else None


def bound_fixes(uri: str, text: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """One action per distinct edit, for the methods the width findings in `diagnostics` name."""
    by_method: dict[str, list[lsp.Diagnostic]] = {}
    for d in diagnostics:
        method = _method_of(d)
        if d.code in BOUND_CODES and method is not None:
            by_method.setdefault(method, []).append(d)
    index = LineIndex.of(text)
    actions: list[lsp.CodeAction] = []
    for method, found in by_method.items():
        seen: set[tuple[str, ...]] = set()
        for what, options, preferred in CONTRACTS:
            try:
                proposal = propose_bounds(text, method, options, filename=uri)
            except BoundsError:
                break  # the method cannot be read far enough: no fix to offer
            if proposal.empty or proposal.clauses in seen:
                continue
            seen.add(proposal.clauses)
            actions.append(_action(uri, index, proposal, what, found, preferred))
    return actions


def _action(
    uri: str,
    index: LineIndex,
    proposal: BoundsProposal,
    what: str,
    diagnostics: list[lsp.Diagnostic],
    preferred: bool,
) -> lsp.CodeAction:
    clauses = "; ".join(c.removeprefix("requires ") for c in proposal.clauses)
    return quick_fix(
        uri,
        f"Add `requires` for {what} to {proposal.method}: {clauses}",
        diagnostics,
        lsp_range(index.range(proposal.start, proposal.end)),
        proposal.replacement,
        preferred,
    )


def quick_fix(
    uri: str,
    title: str,
    diagnostics: list[lsp.Diagnostic],
    spot: lsp.Range,
    new_text: str,
    preferred: bool | None = None,
) -> lsp.CodeAction:
    """The quick fix that replaces `spot` of document `uri` by `new_text` (every fix here is
    one such edit)."""
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=diagnostics,
        is_preferred=preferred,
        edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=spot, new_text=new_text)]}),
    )


CHECK_BITS = 32  # as the finding's own message suggests


# A fix that inserts text: (what it fixes, so that each gets one fix; the (offset, text) to
# insert, None where the declaration's header cannot take it; the action's title; whether it is
# the preferred fix)
Insertion = tuple[str, tuple[int, str] | None, str, bool]


def insertion_fixes(
    uri: str,
    text: str,
    diagnostics: list[lsp.Diagnostic],
    propose: Callable[[lsp.Diagnostic], Insertion | None],
) -> list[lsp.CodeAction]:
    """The insertions `propose` finds for `diagnostics`, one per declaration it names."""
    index = LineIndex.of(text)
    actions: list[lsp.CodeAction] = []
    done: set[str] = set()
    for d in diagnostics:
        found = propose(d)
        if found is None:
            continue
        name, where, title, preferred = found
        if where is None or name in done:
            continue
        done.add(name)
        at, piece = where
        actions.append(quick_fix(uri, title, [d], lsp_range(index.range(at, at)), piece, preferred))
    return actions


def overflow_check_fixes(
    uri: str, text: str, diagnostics: list[lsp.Diagnostic]
) -> list[lsp.CodeAction]:
    """For a result or accumulator with no bound (HW202 saying it can be checked at run time):
    the method attribute that gives it 32 bits and an `overflow` output."""

    def propose(d: lsp.Diagnostic) -> Insertion | None:
        method = _method_of(d)
        # without the attribute in the message it is an input or a buffer length: only a bound
        # helps there
        if d.code != "HW202" or method is None or OVERFLOW_ATTRIBUTE not in d.message:
            return None
        where = attribute_insertion(text, method, CHECK_BITS)
        piece = where[1].strip() if where is not None else ""
        variable = d.message.split(" ", 1)[0]
        title = (
            f"Check {variable} at run time: add {piece} to {method} "
            "(an `overflow` output rises when it leaves 32 bits)"
        )
        return method, where, title, False

    return insertion_fixes(uri, text, diagnostics, propose)


# the HW101 refusal of recursion with no single measure (`lowering.stack`), naming an example
_NO_MEASURE = re.compile(r"^(\w+) recurses outside tail position: .*\(e\.g\. `decreases (\w+)`")


def decreases_fixes(uri: str, text: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """For recursion refused for want of one integer measure: state the suggested `decreases`
    on the recursive function. The next verification is Dafny's verdict on it."""

    def propose(d: lsp.Diagnostic) -> Insertion | None:
        found = _NO_MEASURE.match(d.message) if d.code == "HW101" else None
        if found is None:
            return None
        function, measure = found.group(1), found.group(2)
        title = (
            f"Add `decreases {measure}` to {function} (hardware sizes its recursion "
            "stack from it; Dafny checks it)"
        )
        return function, decreases_insertion(text, function, measure), title, True

    return insertion_fixes(uri, text, diagnostics, propose)


_LOOP_CLAUSE = re.compile(r"\b(?:invariant|decreases|modifies)\s*$")


def directive_fixes(uri: str, text: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """For each ignored directive: its corrections, then its removal."""
    index = LineIndex.of(text)
    lines = text.splitlines()
    actions: list[lsp.CodeAction] = []
    for d in diagnostics:
        r = d.range
        if d.code != DIRECTIVE_CODE or r.start.line != r.end.line or r.start.line >= len(lines):
            continue
        line = lines[r.start.line]
        attribute = line[r.start.character : r.end.character]
        if not attribute.startswith("{:hls_"):
            continue  # the text changed since the finding
        on_loop = bool(_LOOP_CLAUSE.search(line[: r.start.character]))
        for fixed in corrections(attribute, on_loop):
            actions.append(quick_fix(uri, f"Change {attribute} to {fixed}", [d], r, fixed, False))
        # the attribute and the blanks after it, so that no double space is left
        end = index.offset(r.end.line, r.end.character)
        while end < len(text) and text[end] in " \t":
            end += 1
        removal = lsp.Range(start=r.start, end=lsp_range(index.range(end, end)).start)
        actions.append(
            quick_fix(uri, f"Remove {attribute} (synthesis ignores it)", [d], removal, "")
        )
    return actions


def register(server: P2SServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: P2SServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        doc = ls.workspace.text_documents.get(uri)
        if doc is None or not is_dafny_document(uri, doc.language_id):
            return []
        found = list(params.context.diagnostics)
        return [
            *bound_fixes(uri, doc.source, found),
            *overflow_check_fixes(uri, doc.source, found),
            *directive_fixes(uri, doc.source, found),
            *decreases_fixes(uri, doc.source, found),
        ]
