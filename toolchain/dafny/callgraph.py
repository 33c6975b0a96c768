"""What one declaration uses: the declarations its text mentions, followed transitively.

Synthesis of a method needs the method and what it calls (methods, functions, lemmas in its
proofs) verified, and nothing else in the file: an unfinished proof elsewhere must not block it.
Names are matched by identifier, so the set is a superset of the real call graph (a local
variable named like a function pulls that function in), never a subset.
"""

from __future__ import annotations

import re

from toolchain.dafny.symbols import Symbol, find_symbols
from toolchain.dafny.text import mask_comments_and_strings

_IDENT = re.compile(r"[A-Za-z_][\w'?]*")


def uses(text: str, name: str) -> list[str]:
    """Qualified names of `name` (simple or qualified) and of every declaration it reaches,
    in file order; empty when no declaration has that name."""
    symbols = find_symbols(text)
    masked = mask_comments_and_strings(text)
    by_name: dict[str, list[Symbol]] = {}
    for sym in symbols:
        by_name.setdefault(sym.name, []).append(sym)
    roots = [s for s in symbols if name in (s.name, s.qualified)]
    reached: set[str] = set()
    frontier = list(roots)
    while frontier:
        sym = frontier.pop()
        if sym.qualified in reached:
            continue
        reached.add(sym.qualified)
        for ident in set(_IDENT.findall(masked, sym.start, max(sym.end, sym.start))):
            frontier.extend(s for s in by_name.get(ident, ()) if s.qualified not in reached)
    return [s.qualified for s in symbols if s.qualified in reached]


__all__ = ["uses"]
