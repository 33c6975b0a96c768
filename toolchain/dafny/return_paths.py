"""Where a postcondition failure is: the return path's statement and the `ensures` that fails.

Dafny 2.x reports "A postcondition might not hold on this return path" at the `{` of the block
the path leaves (one character, often far from the code that is wrong), and the failing clause
only as related information on its operator. This widens the first to the last statement of
that block (what the path executed last) and adds a finding on the whole `ensures` clause, so
that both show where an engineer looks. An explicit `return` keeps Dafny's own location.
"""

from __future__ import annotations

from shared_schemas.verification import Diagnostic
from toolchain.dafny.text import LineIndex, mask_comments_and_strings, matching_close

RETURN_PATH_CODE = "BP5003"
_CLAUSE_END = ("requires", "ensures", "modifies", "decreases", "reads", "{")


def _last_statement(masked: str, open_at: int) -> tuple[int, int] | None:
    """(start, end) of the last top-level statement inside the block opened at `open_at`."""
    close = matching_close(masked, open_at)
    if close is None:
        return None
    depth = 0
    boundaries = [open_at + 1]
    for i in range(open_at + 1, close):
        ch = masked[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and ch == "}":
                boundaries.append(i + 1)
        elif ch == ";" and depth == 0:
            boundaries.append(i + 1)
    ends = [b for b in boundaries if masked[open_at + 1 : b].strip()]
    if not ends:
        return None  # an empty block: Dafny's brace is all there is
    end = ends[-1]
    earlier = [b for b in boundaries if b < end]
    start = earlier[-1] if earlier else open_at + 1
    while start < end and masked[start].isspace():
        start += 1
    return start, end


def _clause(masked: str, at: int) -> tuple[int, int]:
    """The `ensures` clause around offset `at`: from its keyword to where the next clause or the
    body starts (trailing blanks left out)."""
    start = masked.rfind("ensures", 0, at + 1)
    start = start if start >= 0 else at
    stops = [masked.find(k, at) for k in _CLAUSE_END]
    end = min((s for s in stops if s >= 0), default=len(masked))
    while end > start and masked[end - 1].isspace():
        end -= 1
    return start, max(end, at + 1)


def locate_return_paths(text: str, file: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` with each return-path failure in `file` widened to its statement, each
    followed by a finding on the `ensures` clause it names."""
    masked = mask_comments_and_strings(text)
    index = LineIndex.of(text)
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.code != RETURN_PATH_CODE or d.file != file:
            out.append(d)
            continue
        at = index.offset(d.range.start.line, d.range.start.character)
        widened = d
        if at < len(masked) and masked[at] == "{":
            span = _last_statement(masked, at)
            if span is not None:
                widened = d.model_copy(update={"range": index.range(*span)})
        out.append(widened)
        for rel in d.related:
            if rel.location.file != file:
                continue
            r = rel.location.range.start
            clause = _clause(masked, index.offset(r.line, r.character))
            out.append(
                d.model_copy(
                    update={
                        "range": index.range(*clause),
                        "message": f"this postcondition might not hold on the return path at "
                        f"line {widened.range.start.line + 1}",
                        "related": [],
                    }
                )
            )
    return out


__all__ = ["RETURN_PATH_CODE", "locate_return_paths"]
