"""Shared fixtures: the real Dafny engine with a private cache per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def dafny() -> Iterator[DafnyEngine]:
    """The real verifier; results cached in memory only, so every session verifies afresh."""
    yield DafnyEngine.discover(cache=ResultCache(None))


@pytest.fixture
def fresh_dafny() -> DafnyEngine:
    """A real verifier with no cache at all."""
    engine = DafnyEngine.discover(cache=ResultCache(None, capacity=0))
    return engine
