"""Property test: the IR interpreter (with width checks on every value) agrees with the code
Dafny itself compiles, on random inputs that satisfy each kernel's precondition."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolchain.cosim.reference import dafny_reference
from toolchain.dafny import DafnyEngine
from toolchain.frontend import LoweringResult
from toolchain.frontend.interp import run_method
from toolchain.hls.interface import Vector

from .kernel_table import CORPUS, Kernel

VECTORS = 24


@pytest.mark.slow
@pytest.mark.parametrize("kernel", CORPUS, ids=[k.id for k in CORPUS])
@settings(
    max_examples=1,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rnd=st.randoms(use_true_random=False))
def test_interpreter_matches_compiled_dafny(
    kernel: Kernel,
    rnd: random.Random,
    dafny: DafnyEngine,
    lowered_kernels: dict[str, tuple[Kernel, LoweringResult]],
) -> None:
    _, result = lowered_kernels[kernel.id]
    assert result.method is not None
    vectors: list[Vector] = [kernel.inputs(rnd) for _ in range(VECTORS)]
    # one compiled program runs every vector; each satisfies the precondition, so all are run
    run = dafny_reference(kernel.path.read_text(), kernel.method, vectors, dafny)
    assert run.precondition_checked and run.accepted == list(range(VECTORS))
    # the method's outputs: its results and the arrays it modifies (the harness prints all arrays)
    names = [p.name for p in result.method.outputs]
    for k, vec in enumerate(vectors):
        exp = {name: run.outputs[k][name] for name in names}
        got = run_method(result.method, vec, check_widths=True)
        assert got == exp, (vec, got, exp)
