"""The published MBPP-DFY corpus, loaded once per session from the shared datasets folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.datasets.mbpp_dfy import MbppDfy


@pytest.fixture(scope="session")
def corpus(datasets_dir: Path) -> MbppDfy:
    return MbppDfy.load(datasets_dir)
