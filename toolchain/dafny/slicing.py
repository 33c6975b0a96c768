"""Send the verifier only what the selected declarations need: other methods' bodies stubbed.

With `/proc:` Dafny 2.x still parses, resolves and translates every body of the file before it
proves the selected procedures; on a 20-method file that front end is about half of an edit's
warm run. A selected method needs from the others only their signatures and contracts (a call
is checked against the callee's `requires`/`ensures`/`modifies`/`decreases`, never its body), so
the bodies of unselected methods and lemmas become `{ assume false; }` padded with blanks.
Every newline is kept and every remaining character stays at its offset, so the verifier's
positions need no mapping and the result is interpreted against the user's text. A stub, not
no body: with bodiless declarations Boogie's program loses their implementations and z3's
search on fragile proofs changed (2 of 136 corpus methods got another verdict); with stubs
those two agree with the whole file again.

Kept whole: functions and predicates (their definitions are used by callers' proofs),
constructors, extreme (inductive/co-) lemmas and two-state lemmas (Dafny derives prefix lemmas
or old-state frames from them), bodies with no line long enough for the stub, and every
method/lemma that a selected declaration can reach and that can reach it back: mutual recursion
puts them in one call-graph component, where Dafny checks termination of the calls, and a stub
would break that component. Files whose meaning depends on more than signatures are not sliced
at all (includes, refinement, `{:autocontracts}`, iterators, externs).

Declarations the selection cannot reach at all (by mentions, from the selected ones and from
the text outside declarations: subset types, constants, datatypes) are removed whole, blanked
like the stubs: their signatures, and a function's axioms, would only add to what Dafny
translates and z3 searches (a third of a one-method warm run on a 20-method file). Kept
anyway: members of classes, traits and datatypes (a trait's method may be implemented there),
constructors and extreme or two-state lemmas.

A sliced run proves only the selected declarations: the stubbed and removed ones prove nothing,
so callers must never report a verdict for them from such a run (the engine reports unselected
declarations as skipped; `IncrementalVerifier` keeps their earlier results).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolchain.dafny.symbols import Symbol, find_symbols, outside_symbols
from toolchain.dafny.text import mask_comments_and_strings

_IDENT = re.compile(r"[A-Za-z_][\w'?]*")
# Constructs whose semantics reach across bodies or files: never sliced.
_UNSLICEABLE = re.compile(
    r"(?m)^\s*include\s+\"|\brefines\b|\{:autocontracts|\biterator\b|\{:extern"
)
_KEEP_MODIFIERS = re.compile(r"\b(?:inductive|least|greatest|twostate|co)\b")
_DROPPABLE_KINDS = ("method", "lemma")


@dataclass(frozen=True)
class Slice:
    text: str  # same length and line structure as the original
    dropped: frozenset[str]  # qualified names of declarations whose bodies were stubbed
    removed: frozenset[str] = frozenset()  # declarations blanked whole (unreachable)


_STUB = "assume false;"


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _stub(body: str) -> str | None:
    """`body` (from its `{` to its `}`) as `{ assume false; }`, blanks elsewhere, every newline
    kept; None when no line of it has room for the statement.

    A stub rather than no body: Boogie then still gets an implementation for the declaration,
    and z3's search on the selected ones stays as in the whole file. Without one (a bodiless
    method) a fragile corpus proof flipped from error to verified, another to a timeout.
    """
    chars = list(_blank(body))
    chars[0], chars[-1] = "{", "}"
    start = 1
    for segment in body[1:-1].split("\n"):
        if len(segment) >= len(_STUB):
            chars[start : start + len(_STUB)] = _STUB
            return "".join(chars)
        start += len(segment) + 1
    return None


def _graph(symbols: list[Symbol], masked: str) -> dict[str, set[str]]:
    """Qualified name -> qualified names it mentions (by identifier: a superset of its calls)."""
    by_name: dict[str, list[str]] = {}
    for sym in symbols:
        by_name.setdefault(sym.name, []).append(sym.qualified)
    edges: dict[str, set[str]] = {}
    for sym in symbols:
        found = set(_IDENT.findall(masked, sym.start, max(sym.end, sym.start)))
        edges.setdefault(sym.qualified, set()).update(
            q for ident in found for q in by_name.get(ident, ())
        )
    return edges


def _reach(edges: dict[str, set[str]], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    frontier = list(roots)
    while frontier:
        name = frontier.pop()
        if name in seen:
            continue
        seen.add(name)
        frontier.extend(edges.get(name, ()))
    return seen


def _removable(sym: Symbol, masked: str) -> bool:
    """Whether an unreachable declaration can go whole (see the module's docstring)."""
    if sym.container is not None or sym.kind == "constructor":
        return False
    header_end = sym.body_start if sym.body_start is not None else sym.end
    return not _KEEP_MODIFIERS.search(masked, sym.start, header_end)


def slice_for(text: str, selected: list[str], *, remove_unreached: bool = True) -> Slice | None:
    """`text` with the bodies of methods/lemmas that `selected` (simple or qualified names) do
    not need stubbed, and (`remove_unreached`) the declarations they cannot reach blanked whole;
    None when nothing can be dropped or the file must not be sliced."""
    masked = mask_comments_and_strings(text)
    if _UNSLICEABLE.search(masked):
        return None
    symbols = find_symbols(text)
    names = [s.qualified for s in symbols]
    if len(set(names)) != len(names):
        return None  # overloads by container we cannot tell apart: keep everything
    wanted = set(selected)
    roots = {s.qualified for s in symbols if s.name in wanted or s.qualified in wanted}
    if not roots:
        return None
    edges = _graph(symbols, masked)
    reached = _reach(edges, roots)
    # Declarations from which a selected one is reachable again: same component, keep whole.
    reverse: dict[str, set[str]] = {}
    for src, dsts in edges.items():
        for dst in dsts:
            reverse.setdefault(dst, set()).add(src)
    cyclic = reached & _reach(reverse, roots)
    kept = set(reached)
    if remove_unreached:
        # What stays in the text needs what it mentions: the text outside declarations (a
        # subset type's predicate, a constant's function) and declarations never removed.
        by_name: dict[str, list[str]] = {}
        for sym in symbols:
            by_name.setdefault(sym.name, []).append(sym.qualified)
        anchors = {
            q
            for lo, hi in outside_symbols(text, symbols)
            for ident in _IDENT.findall(masked, lo, hi)
            for q in by_name.get(ident, ())
        }
        anchors |= {s.qualified for s in symbols if not _removable(s, masked)}
        kept |= _reach(edges, anchors)
    pieces: list[str] = []
    pos = 0
    dropped: set[str] = set()
    removed: set[str] = set()
    for sym in sorted(symbols, key=lambda s: s.start):
        if sym.start < pos:
            continue  # inside a declaration already replaced
        if remove_unreached and sym.qualified not in kept:
            pieces.append(text[pos : sym.start])
            pieces.append(_blank(text[sym.start : sym.end]))
            pos = sym.end
            removed.add(sym.qualified)
            continue
        if (
            sym.kind not in _DROPPABLE_KINDS
            or sym.body_start is None
            or sym.qualified in roots
            or sym.qualified in cyclic
            or sym.body_start < pos
            or _KEEP_MODIFIERS.search(masked, sym.start, sym.body_start)
        ):
            continue
        stub = _stub(text[sym.body_start : sym.end])
        if stub is None:
            continue
        pieces.append(text[pos : sym.body_start])
        pieces.append(stub)
        pos = sym.end
        dropped.add(sym.qualified)
    if not dropped and not removed:
        return None
    pieces.append(text[pos:])
    return Slice("".join(pieces), frozenset(dropped), frozenset(removed))


__all__ = ["Slice", "slice_for"]
