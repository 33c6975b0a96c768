"""Lower one Dafny method (AST) to the hardware IR; see `lowering.lowerer` for the overview.

    lower_program_method(program, method_name, filename) -> (Lowered | None, diagnostics)

The package's modules, each importing only ones listed before it: `results` (what lowering hands
to the width analysis and the obligation generator), `scope` (the state one run shares),
`expressions`, `measures` (loop termination measures), `arrays` (allocation), `statements`,
`recursion` (tail-recursive functions as loops), `recursion_measures` (the measure a recursion
stack is sized by, inferred where none is written), `stack` (linear recursion on a bounded
stack), `calls` (inlining) and `lowerer` (the entry point that wires them together).
"""

from toolchain.frontend.lowering.lowerer import Lowerer, lower_program_method
from toolchain.frontend.lowering.results import (
    AllocSite,
    AssignSite,
    CallFrame,
    LoopSite,
    Lowered,
    SourceVar,
)
from toolchain.frontend.lowering.scope import (
    Abort,
    ArrayRef,
    Binding,
    ConstVal,
    ExitTarget,
    GhostVar,
    Located,
    Scalar,
)

__all__ = [
    "Abort",
    "AllocSite",
    "ArrayRef",
    "AssignSite",
    "Binding",
    "CallFrame",
    "ConstVal",
    "ExitTarget",
    "GhostVar",
    "Located",
    "LoopSite",
    "Lowered",
    "Lowerer",
    "Scalar",
    "SourceVar",
    "lower_program_method",
]
