"""The front end's driver: runs its stages in order (parse, lower, analyse ranges, prove widths,
choose types) and gathers the IR and every stage's diagnostics in a `LoweringResult`.

`toolchain.frontend.api` is the public surface over it (`lower` parses the text, then runs this).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from toolchain.dafny.text import LineIndex
from toolchain.frontend import ir
from toolchain.frontend.checked_capacity import checked_capacity
from toolchain.frontend.diagnostics import hw_diagnostic
from toolchain.frontend.ir import check_constants
from toolchain.frontend.lowering import lower_program_method
from toolchain.frontend.obligations import ObligationBuilder, check
from toolchain.frontend.overflow_checks import add_overflow_checks, requested_bits
from toolchain.frontend.ranges import Options, analyze_ranges
from toolchain.frontend.result import LoweringResult
from toolchain.frontend.unused_locals import drop_unused_scalars
from toolchain.frontend.widths import WidthFinalizer

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ast import Program


class RunSettings(TypedDict, total=False):
    """The optional keywords of `run_parsed`, for the entry points that pass them on unchanged
    (`toolchain.frontend.lower`); their defaults are `run_parsed`'s."""

    filename: str
    engine: DafnyEngine | None
    options: Options | None


def run_parsed(
    program: Program,
    method_name: str,
    *,
    filename: str = "input.dfy",
    engine: DafnyEngine | None = None,
    options: Options | None = None,
) -> LoweringResult:
    """Lower `method_name` of a parsed program (`toolchain.frontend.lower` parses the text first;
    the editor parses a file once for all of its methods: parsing is most of the cost of lowering
    one without a verifier)."""
    options = options or Options()
    index = LineIndex.of(program.text)
    decl = program.find(method_name)
    diags = []
    for msg, start, end in program.errors:
        # a parse error inside the method (or before we could find it) blocks lowering
        if decl is None or decl.start <= start <= decl.end:
            diags.append(
                hw_diagnostic(filename, index, start, end, "HW110", f"cannot read this: {msg}")
            )
    if diags and decl is None:
        return LoweringResult(None, diags)
    # a run's own option first, else what the method's attribute asks for
    bits = options.overflow_check_bits or requested_bits(decl)
    first = _lower_once(program, method_name, filename, engine, options, bits, {})
    if first.method is None or bits is None or engine is None:
        return LoweringResult(first.method, diags + first.diagnostics, first.obligation_program)
    # a range the analysis found but Dafny could not prove (an invariant the program lacks) is
    # checked at run time too, in a lowering of its own (the first one's IR carries its checks)
    forced = {
        w.name: (w.lo, w.hi)
        for w in first.method.widths
        if w.status == ir.WidthStatus.UNPROVEN and w.lo is not None and w.hi is not None
    }
    if not first.errors or not forced:
        return LoweringResult(first.method, diags + first.diagnostics, first.obligation_program)
    second = _lower_once(program, method_name, filename, engine, options, bits, forced)
    if second.method is None or second.errors:
        return LoweringResult(first.method, diags + first.diagnostics, first.obligation_program)
    return LoweringResult(second.method, diags + second.diagnostics, second.obligation_program)


def _lower_once(
    program: Program,
    method_name: str,
    filename: str,
    engine: DafnyEngine | None,
    options: Options,
    bits: int | None,
    forced: dict[str, tuple[int, int]],
) -> LoweringResult:
    low, diags = lower_program_method(program, method_name, filename)
    if low is None:
        return LoweringResult(None, diags)
    drop_unused_scalars(low.method)  # a shadowed, never-used `var i: int;` is no hardware
    ranges, assumed = analyze_ranges(low, options)
    capacity = checked_capacity(options.assume_max_length)
    if bits is not None and add_overflow_checks(low, ranges, bits, forced, capacity):
        ranges, assumed = analyze_ranges(low, options)  # the checked ranges bound the rest
    run = None
    if engine is not None:
        obligations = ObligationBuilder(low, ranges, filename).build(assumed)
        run = check(engine, low, obligations, filename)
        for d in run.other_errors:
            d.code = d.code or "HW204"
            d.message = f"the program does not verify here: {d.message}"
            diags.append(d)
    diags.extend(WidthFinalizer(low, ranges, run, assumed, options).finalize())
    check_constants(low.method)
    return LoweringResult(low.method, diags, run.program if run is not None else None)
