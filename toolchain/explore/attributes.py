"""Write a point's directives into Dafny source as attributes (and take old ones out).

Method directives go between `method` and the method's name (`method {:hls_schedule "fsm"} M`);
loop directives go on the loop's first `invariant` or `decreases` clause, the only place Dafny
2.3 takes a loop attribute (`invariant {:hls_unroll 4} 0 <= i <= n`). Only `{:hls_*}` attributes
are touched; every other character of the source stays as the user wrote it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from shared_schemas.explore import ExploreDirectives
from toolchain.errors import InputError
from toolchain.frontend import ast as A
from toolchain.frontend.overflow_checks import ATTRIBUTE as OVERFLOW_ATTRIBUTE
from toolchain.frontend.parser import parse_program


@dataclass(frozen=True)
class LoopSite:
    """A loop of the method that can carry directives: where its first clause's keyword ends."""

    loop_start: int
    clause_keyword_end: int


def _method(program: A.Program, method: str) -> A.MethodDecl:
    simple = method.rpartition(".")[2]
    found = [m for m in program.methods() if m.name == simple and not m.ghost]
    if not found:
        raise InputError(f"no method {method} in the source")
    return found[0]


def _loops(stmts: list[A.Stmt], out: list[tuple[int, list[A.Spec]]]) -> None:
    for s in stmts:
        if isinstance(s, A.WhileStmt | A.ForStmt):
            out.append((s.start, s.specs))
            if s.body is not None:
                _loops(s.body.body, out)
        elif isinstance(s, A.BlockStmt):
            _loops(s.body, out)
        elif isinstance(s, A.IfStmt):
            _loops(s.then.body, out)
            if s.otherwise is not None:
                _loops([s.otherwise], out)


def _method_loops(decl: A.MethodDecl) -> list[tuple[int, list[A.Spec]]]:
    found: list[tuple[int, list[A.Spec]]] = []
    if decl.body is not None:
        _loops(decl.body.body, found)
    return found


def loop_sites(text: str, method: str) -> tuple[list[LoopSite], int]:
    """The method's loops that have a clause to carry directives, and how many have none."""
    decl = _method(parse_program(text), method)
    sites: list[LoopSite] = []
    bare = 0
    for start, specs in _method_loops(decl):
        clauses = [s for s in specs if s.kind in ("invariant", "decreases")]
        if not clauses:
            bare += 1
            continue
        first = clauses[0]
        keyword_end = text.index(first.kind, first.start) + len(first.kind)
        sites.append(LoopSite(start, keyword_end))
    return sites, bare


def array_params(text: str, method: str) -> list[str]:
    """The method's array parameters: the memory axis maps each to RAM or registers."""
    decl = _method(parse_program(text), method)
    return [p.name for p in decl.params if p.type.name == "array" and not p.ghost]


def _divides(node: object, program: A.Program, seen: set[str]) -> bool:
    """Whether compiled code reachable from `node` divides by a variable: its own `/` and `%`,
    and those of the functions and methods it calls (specifications are ghost: not walked)."""
    if isinstance(node, A.BinaryExpr) and node.op in ("/", "%"):
        # by a literal: XLS makes it shifts and a multiply, and the divider axis leaves it be
        if not isinstance(node.rhs, A.IntLit):
            return True
    if isinstance(node, A.Spec | A.SpecStmt) or (isinstance(node, A.VarDecl) and node.ghost):
        return False
    if isinstance(node, A.Apply) and isinstance(node.func, A.Name) and node.func.name not in seen:
        seen.add(node.func.name)
        callee = program.find(node.func.name)
        if isinstance(callee, A.MethodDecl | A.FunctionDecl) and not callee.ghost:
            if callee.body is not None and _divides(callee.body, program, seen):
                return True
    if isinstance(node, list):
        return any(_divides(x, program, seen) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return any(_divides(getattr(node, f.name), program, seen) for f in dataclasses.fields(node))
    return False


def has_division(text: str, method: str) -> bool:
    """Whether the method's compiled code divides (the divider axis: `{:hls_divider k}`)."""
    program = parse_program(text)
    decl = _method(program, method)
    return decl.body is not None and _divides(decl.body, program, {decl.name})


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        while end < len(text) and text[end] in " \t":
            end += 1
        text = text[:start] + text[end:]
    return text


def strip_directives(text: str, method: str) -> str:
    """`text` without the `{:hls_*}` attributes of `method` and of its loops, except the
    overflow check: it decides what the design computes, not how fast or how large it is."""
    decl = _method(parse_program(text), method)
    spans = [
        (a.start, a.end)
        for a in decl.attrs
        if a.name.startswith("hls_") and a.name != OVERFLOW_ATTRIBUTE
    ]
    for _, specs in _method_loops(decl):
        spans += [(a.start, a.end) for s in specs for a in s.attrs if a.name.startswith("hls_")]
    return _cut(text, spans)


def method_attributes(d: ExploreDirectives) -> list[str]:
    out: list[str] = []
    if d.clock_ns is not None:
        out.append(f"{{:hls_clock_ns {d.clock_ns:g}}}")
    if d.latency is not None:
        out.append(f"{{:hls_latency {d.latency}}}")
    if d.schedule is not None:
        out.append(f'{{:hls_schedule "{d.schedule}"}}')
    if d.divider is not None:
        out.append(f"{{:hls_divider {d.divider}}}")
    out += [f'{{:hls_memory "{name}", "{kind}"}}' for name, kind in sorted(d.memory.items())]
    return out


def loop_attributes(d: ExploreDirectives) -> list[str]:
    return [f"{{:hls_unroll {d.unroll}}}"] if d.unroll is not None else []


def describe(d: ExploreDirectives) -> list[str]:
    """One line per place an attribute goes, for tables and explore.json."""
    out = []
    if method_attributes(d):
        out.append("method: " + " ".join(method_attributes(d)))
    if loop_attributes(d):
        out.append("each loop: " + " ".join(loop_attributes(d)))
    return out


def write_directives(text: str, method: str, d: ExploreDirectives) -> str:
    """`text` with `method`'s directives replaced by `d`'s."""
    text = strip_directives(text, method)
    decl = _method(parse_program(text), method)
    inserts: list[tuple[int, str]] = []
    m_attrs = method_attributes(d)
    if m_attrs:
        inserts.append((decl.name_start, " ".join(m_attrs) + " "))
    l_attrs = loop_attributes(d)
    if l_attrs:
        sites, _ = loop_sites(text, method)
        inserts += [(s.clause_keyword_end, " " + " ".join(l_attrs)) for s in sites]
    for at, piece in sorted(inserts, reverse=True):
        text = text[:at] + piece + text[at:]
    return text


__all__ = [
    "LoopSite",
    "array_params",
    "describe",
    "has_division",
    "loop_sites",
    "method_attributes",
    "strip_directives",
    "write_directives",
]
