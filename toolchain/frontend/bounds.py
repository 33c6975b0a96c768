"""Bounds as proof: the hardware contract written into the method's own precondition.

`p2s synth --assume-input-bits 32` lets the hardware rely on bounds the program never states;
they are reported as assumed. The alternative an engineer signs off is to state them: this module
turns the contract the front end would assume for one method into `requires` clauses, placed in
the method's header where the user would write them, so that Dafny re-verifies the whole file
(callers included) and the widths are then proven from the user's own spec.

The clauses are the ones the width proofs already assume (`ObligationBuilder.contract`), so what
is proposed is exactly what the assumed run relied on, no more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolchain.frontend import ast as A
from toolchain.frontend.lowering import lower_program_method
from toolchain.frontend.obligations import ObligationBuilder
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options, analyze_ranges

CONTRACT_WHERE = "hardware contract (assumed)"
_INDENT = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class BoundsProposal:
    """`requires` clauses for `method`, and the one insertion that adds them to the source."""

    method: str
    clauses: tuple[str, ...]  # each a whole clause, e.g. "requires a.Length <= 16"
    start: int  # text[start:end] of the source is replaced by `replacement`
    end: int
    replacement: str

    @property
    def empty(self) -> bool:
        return not self.clauses

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]


class BoundsError(ValueError):
    """The method cannot be read or lowered far enough to know its inputs' ranges."""


def propose_bounds(
    source_text: str, method_name: str, options: Options, *, filename: str = "input.dfy"
) -> BoundsProposal:
    """The precondition clauses that would make `options`' contract part of the spec."""
    program = parse_program(source_text)
    decl = program.find(method_name)
    if not isinstance(decl, A.MethodDecl):
        raise BoundsError(f"no method {method_name} in {filename}")
    if decl.body is None:
        raise BoundsError(f"{method_name} has no body: there is nothing to build")
    low, diagnostics = lower_program_method(program, method_name, filename)
    if low is None:
        first = diagnostics[0].message if diagnostics else "it cannot be lowered"
        raise BoundsError(f"{method_name} cannot become hardware: {first}")
    ranges, assumed = analyze_ranges(low, options)
    builder = ObligationBuilder(low, ranges, filename)
    builder.contract(assumed)
    already = {_normal(s.text) for s in decl.specs_of("requires")}
    clauses: list[str] = []
    for ob in builder.obs:
        if ob.kind == "requires" and ob.where == CONTRACT_WHERE and _normal(ob.text) not in already:
            clause = f"requires {ob.text}"
            if clause not in clauses:
                clauses.append(clause)
    start, end, replacement = _edit(source_text, decl, clauses)
    return BoundsProposal(method_name, tuple(clauses), start, end, replacement)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _edit(text: str, decl: A.MethodDecl, clauses: list[str]) -> tuple[int, int, str]:
    """The clauses just before the body's `{`, one per line, indented like the method's other
    clauses (or two spaces deeper than the method); a `{` at the end of a header line moves to
    a line of its own."""
    assert decl.body is not None
    brace = decl.body.start
    if not clauses:
        return brace, brace, ""
    decl_line = text.rfind("\n", 0, decl.start) + 1
    decl_indent = _indent(text, decl_line)
    specs = [s for s in decl.specs if s.kind in ("requires", "ensures", "modifies", "decreases")]
    pad = _indent(text, text.rfind("\n", 0, specs[0].start) + 1) if specs else decl_indent + "  "
    lines = "".join(f"{pad}{c}\n" for c in clauses)
    line_start = text.rfind("\n", 0, brace) + 1
    if not text[line_start:brace].strip():
        return line_start, line_start, lines
    header_end = len(text[:brace].rstrip())
    return header_end, brace, "\n" + lines + decl_indent


def _indent(text: str, line_start: int) -> str:
    m = _INDENT.match(text, line_start)
    return m.group(0) if m else ""


__all__ = ["BoundsError", "BoundsProposal", "propose_bounds"]
