"""The front end's public surface: source text in, hardware IR and located diagnostics out.

The stages themselves run in `toolchain.frontend.driver`, which does not import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from shared_schemas.verification import Diagnostic
from toolchain.errors import ToolchainError
from toolchain.frontend.ir import HardwareMethod
from toolchain.frontend.result import LoweringResult

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.driver import RunSettings
    from toolchain.frontend.ranges import Options


class HardwareLoweringError(ToolchainError):
    """The method cannot become hardware; `diagnostics` says where and why."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0] if diagnostics else None
        hint = f"line {first.range.start.line + 1}: {first.message}" if first is not None else None
        super().__init__(message, hint)
        self.diagnostics = diagnostics


def lower(source_text: str, method_name: str, **settings: Unpack[RunSettings]) -> LoweringResult:
    """Lower one method; with an `engine`, prove the widths with the real Dafny verifier.

    The keywords are `driver.run_parsed`'s: `filename` (the file the diagnostics name, default
    input.dfy), `engine` (default none: ranges derived, not proven) and `options`
    (toolchain.frontend.ranges.Options), which can state a hardware contract for inputs the
    program leaves unbounded (`assume_input_bits`, `assume_max_length`): reported as assumed,
    and given to the proofs as preconditions.
    """
    # imported here so that `import toolchain.frontend.ir` (the back ends) stays light: the driver
    # loads the parser, lowering and analyses
    from toolchain.frontend.driver import run_parsed
    from toolchain.frontend.parser import parse_program

    program = parse_program(source_text)
    return run_parsed(program, method_name, **settings)


def lower_method(
    source_text: str,
    method_name: str,
    engine: DafnyEngine | None = None,
    *,
    filename: str = "input.dfy",
    options: Options | None = None,
) -> HardwareMethod:
    result = lower(source_text, method_name, filename=filename, engine=engine, options=options)
    if result.method is None or result.errors:
        raise HardwareLoweringError(
            f"{method_name} cannot be lowered to hardware", result.errors or result.diagnostics
        )
    return result.method


__all__ = ["HardwareLoweringError", "LoweringResult", "lower", "lower_method"]
