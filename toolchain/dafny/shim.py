"""Accept Dafny 4 sources on a Dafny 2.x verifier through a source rewrite.

Every rewrite is a recorded edit on the original text, so a position that Dafny reports on the
rewritten text maps back to the user's text (inside inserted text: to the start of the edit).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from toolchain.dafny.symbols import find_symbols
from toolchain.dafny.text import LineIndex, mask_comments_and_strings
from toolchain.dafny.text import brace_end as _match_brace


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str


@dataclass
class ShimResult:
    original: str
    text: str
    edits: list[Edit] = field(default_factory=list)
    kept_ghost: frozenset[str] = frozenset()

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def __post_init__(self) -> None:
        self._orig_index = LineIndex.of(self.original)
        self._new_index = LineIndex.of(self.text)
        # Start offsets of each edit in the new text, to map new offsets back.
        self._new_starts: list[int] = []
        self._deltas: list[int] = []
        delta = 0
        for e in self.edits:
            self._new_starts.append(e.start + delta)
            delta += len(e.replacement) - (e.end - e.start)
            self._deltas.append(delta)

    def original_offset(self, new_offset: int) -> int:
        k = bisect.bisect_right(self._new_starts, new_offset) - 1
        if k < 0:
            return new_offset
        e = self.edits[k]
        new_start = self._new_starts[k]
        if new_offset < new_start + len(e.replacement):
            # inside replaced text: keep the column when the replacement starts like the original
            within = new_offset - new_start
            return e.start + min(within, max(e.end - e.start - 1, 0))
        return new_offset - self._deltas[k]

    def original_position(self, line: int, column: int) -> tuple[int, int]:
        if not self.edits:
            return line, column
        return self._orig_index.position(self.original_offset(self._new_index.offset(line, column)))


_GHOST_FN = re.compile(r"(?<![\w.])ghost(\s+)(?=(?:function|predicate)\b)")
_LEAST = re.compile(r"(?<![\w.])(least|greatest)\s+(predicate|lemma)\b")
_OPAQUE_FN = re.compile(r"(?<![\w.])opaque\s+(?=(?:ghost\s+)?(?:function|predicate)\b)")
_COMPILED_FN = re.compile(
    r"(?<![\w.])(?<!ghost )(?<!twostate )(?<!least )(?<!greatest )(?<!inductive )"
    r"(function|predicate)\b(?!\s+method)"
)
_FOR = re.compile(
    r"(?<![\w.])for\s+(?P<var>[A-Za-z]\w*)\s*(?::\s*(?P<type>[\w<>]+)\s*)?:=\s*"
    r"(?P<lo>.+?)\s+(?P<dir>to|downto)\s+(?P<hi>.+?)(?=\s*(?:\{|\binvariant\b|\bdecreases\b|\bmodifies\b))",
    re.S,
)
_EXPECT = re.compile(r"(?<![\w.])expect\s+(?P<cond>[^;]+?)\s*(?:,\s*(?P<msg>[^;]+))?;")
_LEGACY = re.compile(r"\b(?:function|predicate)\s+method\b")


def needs_shim(text: str) -> bool:
    masked = mask_comments_and_strings(text)
    return bool(
        _GHOST_FN.search(masked)
        or _LEAST.search(masked)
        or _OPAQUE_FN.search(masked)
        or _FOR.search(masked)
        or _EXPECT.search(masked)
        or (not _LEGACY.search(masked) and _COMPILED_FN.search(masked))
    )


def _for_loop_edits(masked: str, text: str) -> Iterable[Edit]:
    for m in _FOR.finditer(masked):
        body = masked.find("{", m.end())
        while body >= 0 and masked.startswith("{:", body):
            body = masked.find("{", _match_brace(masked, body))
        if body < 0:
            continue
        close = _match_brace(masked, body) - 1
        var = m.group("var")
        typ = f": {m.group('type')}" if m.group("type") else ""
        lo = text[m.start("lo") : m.end("lo")]
        hi = text[m.start("hi") : m.end("hi")]
        lo_name, hi_name = f"p2s_lo_{var}", f"p2s_hi_{var}"
        if m.group("dir") == "to":
            head = (
                f"{{ var {lo_name}{typ} := {lo}; var {hi_name}{typ} := {hi}; "
                f"var {var}{typ} := {lo_name}; "
                f"while {var} < {hi_name} invariant {lo_name} <= {var} <= {hi_name}"
            )
            tail = f" {var} := {var} + 1; }} }}"
            yield Edit(m.start(), m.end(), head)
            yield Edit(close, close + 1, tail)
        else:
            head = (
                f"{{ var {hi_name}{typ} := {lo}; var {lo_name}{typ} := {hi}; "
                f"var {var}{typ} := {hi_name}; "
                f"while {var} > {lo_name} invariant {lo_name} <= {var} <= {hi_name}"
            )
            yield Edit(m.start(), m.end(), head)
            yield Edit(body, body + 1, f"{{ {var} := {var} - 1;")
            yield Edit(close, close + 1, "} }")


def rewrite_for_dafny2(text: str, keep_ghost: Iterable[str] = ()) -> ShimResult:
    """Rewrite Dafny 4 syntax into what Dafny 2.3 accepts.

    keep_ghost names Dafny 4 compiled functions to leave as 2.x ghost functions (used when making
    them `function method` breaks resolution, e.g. a body that calls a ghost function).
    """
    masked = mask_comments_and_strings(text)
    keep = frozenset(keep_ghost)
    edits: list[Edit] = []
    for m in _GHOST_FN.finditer(masked):
        edits.append(Edit(m.start(), m.end(), ""))
    for m in _LEAST.finditer(masked):
        word = {
            ("least", "predicate"): "inductive predicate",
            ("greatest", "predicate"): "copredicate",
            ("least", "lemma"): "inductive lemma",
            ("greatest", "lemma"): "colemma",
        }
        edits.append(Edit(m.start(), m.end(), word[(m.group(1), m.group(2))]))
    opaque_at: set[int] = set()
    for m in _OPAQUE_FN.finditer(masked):
        edits.append(Edit(m.start(), m.end(), ""))
        opaque_at.add(m.end())
    if not _LEGACY.search(masked):
        symbols = {s.start: s for s in find_symbols(text)}
        for m in _COMPILED_FN.finditer(masked):
            ghost_prefix = masked[max(0, m.start() - 12) : m.start()]
            if re.search(r"\b(ghost|twostate|least|greatest|inductive)\s+$", ghost_prefix):
                continue
            sym = symbols.get(m.start())
            name = sym.name if sym else ""
            attrs = " {:opaque}" if m.start() in opaque_at else ""
            if name in keep:
                if attrs:
                    edits.append(Edit(m.end(), m.end(), attrs))
                continue
            edits.append(Edit(m.end(), m.end(), " method" + attrs))
    elif opaque_at:
        for at in opaque_at:
            kw = re.match(r"(?:ghost\s+)?(?:function|predicate)(?:\s+method)?", masked[at:])
            if kw:
                edits.append(Edit(at + kw.end(), at + kw.end(), " {:opaque}"))
    edits.extend(_for_loop_edits(masked, text))
    for m in _EXPECT.finditer(masked):
        cond = text[m.start("cond") : m.end("cond")]
        # A printed check keeps run-time behaviour; the verifier gets no assumption from it.
        edits.append(
            Edit(m.start(), m.end(), f'if !({cond}) {{ print "expectation violation\\n"; }}')
        )
    edits.sort(key=lambda e: (e.start, e.end))
    merged: list[Edit] = []
    for e in edits:
        if merged and e.start < merged[-1].end:
            continue  # overlapping rewrites: keep the first
        merged.append(e)
    out: list[str] = []
    pos = 0
    for e in merged:
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return ShimResult(original=text, text="".join(out), edits=merged, kept_ghost=keep)
