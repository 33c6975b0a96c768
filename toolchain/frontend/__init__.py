"""Verified Dafny -> typed hardware IR (see `toolchain.frontend.ir` for the IR's semantics).

Public entry points:

    lower(source_text, method_name, *, filename="input.dfy", engine=None) -> LoweringResult
        Parse the Dafny subset, lower `method_name` (callees inlined, tail recursion turned into
        loops), derive integer ranges and, when a `DafnyEngine` is given, prove the chosen widths
        with the real verifier. Never raises for problems in the user's program: they come back as
        located `shared_schemas.verification.Diagnostic`s in `LoweringResult.diagnostics`, and
        `LoweringResult.method` is None when the method cannot become hardware.

    lower_method(source_text, method_name, engine=None, *, filename="input.dfy") -> HardwareMethod
        The same, but raises `HardwareLoweringError` (a ToolchainError carrying the diagnostics)
        when the method cannot be lowered.
"""

from toolchain.frontend.api import HardwareLoweringError, LoweringResult, lower, lower_method

__all__ = ["HardwareLoweringError", "LoweringResult", "lower", "lower_method"]
