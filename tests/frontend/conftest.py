"""Kernel lowerings with the real Dafny proving widths, computed once per session (two at a
time: the machine has two cores)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import LoweringResult, lower

from .kernel_table import CORPUS, Kernel


@pytest.fixture(scope="session")
def lowered_kernels(dafny: DafnyEngine) -> dict[str, tuple[Kernel, LoweringResult]]:
    def one(k: Kernel) -> tuple[Kernel, LoweringResult]:
        return k, lower(k.path.read_text(), k.method, filename=k.file, engine=dafny)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {k.id: kr for k, kr in zip(CORPUS, pool.map(one, CORPUS), strict=True)}
