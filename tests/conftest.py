"""Shared fixtures: the real Dafny engine with a private cache per test session, and the corpora.

Tests that read the public corpora (`../shared/datasets`, or `$P2S_DATASETS`) take the
`datasets_dir` fixture. Without the corpora they are skipped with one reason that names
`P2S_DATASETS`; CI sets `P2S_REQUIRE_DATASETS=1`, which turns that skip into a failure so that
every corpus test runs there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("P2S_DATASETS") or REPO.parent / "shared" / "datasets")
CORPORA = ("mbpp-dfy", "dafnybench", "clover")


def require_datasets() -> Path:
    """The corpora folder; skips the calling test when it is absent (fails when CI requires it)."""
    missing = [c for c in CORPORA if not (DATASETS / c).is_dir()]
    if not missing:
        return DATASETS
    reason = (
        f"public corpora not found at {DATASETS} (missing {', '.join(missing)}): "
        "set P2S_DATASETS to the folder that holds mbpp-dfy/, dafnybench/ and clover/"
    )
    if os.environ.get("P2S_REQUIRE_DATASETS") == "1":
        pytest.fail(reason + " (P2S_REQUIRE_DATASETS=1: corpus tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    return require_datasets()


@pytest.fixture(scope="session")
def dafny() -> Iterator[DafnyEngine]:
    """The real verifier; results cached in memory only, so every session verifies afresh."""
    yield DafnyEngine.discover(cache=ResultCache(None))


@pytest.fixture
def fresh_dafny() -> DafnyEngine:
    """A real verifier with no cache at all."""
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    return engine
