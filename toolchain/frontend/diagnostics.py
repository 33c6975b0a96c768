"""Located front-end diagnostics: what cannot become hardware, and why.

Codes (stable, documented for users):
  HW100 the method cannot be found, is ghost, or has no body
  HW101 recursion a stack of arguments cannot run (tree recursion, a call only sometimes
        evaluated, no single integer measure, recursive methods that do not read as a function:
        heap writes, loops, early returns) or mutual recursion
  HW102 classes, objects and other heap data
  HW103 unbounded collections (seq/set/map/multiset values, slices, displays) in executable code
  HW104 strings built in executable code (char and string parameters are hardware data)
  HW105 real numbers
  HW106 higher-order functions and lambdas
  HW107 nondeterminism (`*`, `:|`, guarded-command `if`/`while`); for `if *` a warning: the
        hardware takes the branch Dafny's compiled program takes
  HW108 statements with no hardware meaning or not supported yet (a match whose cases bind
        constructor fields); for `print` a warning: the hardware leaves it out
  HW109 a loop or recursion without a termination bound (`decreases *`)
  HW110 the subset parser could not read this code
  HW111 datatypes with fields (records, tagged unions), recursive or generic datatypes, tuples,
        generic or unknown types (enumeration datatypes are hardware data)
  HW112 an array allocation whose size is not a bounded integer
  HW113 multi-dimensional arrays or nested collections
  HW114 a name or call the front end cannot resolve
  HW201 an integer may overflow its chosen or explicit width (with a suggested `requires` bound)
  HW202 an integer has no derivable bound
  HW203 the verifier did not prove a width obligation
  HW204 the original program does not verify
"""

from __future__ import annotations

from shared_schemas.verification import Diagnostic, DiagnosticCategory, Position, Range, Severity
from toolchain.dafny.text import LineIndex

# Dafny's own categories have no slot for "cannot become hardware": these are resolution-time
# facts about the program, reported with HW codes the editor can filter on.
HARDWARE_CATEGORY = DiagnosticCategory.hardware


def span_range(index: LineIndex, start: int, end: int) -> Range:
    sl, sc = index.position(start)
    el, ec = index.position(max(end, start + 1))
    return Range(start=Position(line=sl, character=sc), end=Position(line=el, character=ec))


def hw_diagnostic(
    file: str,
    index: LineIndex,
    start: int,
    end: int,
    code: str,
    message: str,
    *,
    symbol: str | None = None,
    severity: Severity = Severity.error,
    category: DiagnosticCategory = HARDWARE_CATEGORY,
) -> Diagnostic:
    return Diagnostic(
        file=file,
        range=span_range(index, start, end),
        severity=severity,
        category=category,
        code=code,
        message=message,
        symbol=symbol,
    )
