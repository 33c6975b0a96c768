"""Where the public corpora live: `<repo>/../shared/datasets`, or $P2S_DATASETS."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def datasets_dir() -> Path:
    env = os.environ.get("P2S_DATASETS")
    path = Path(env) if env else REPO.parent / "shared" / "datasets"
    if not path.is_dir():
        raise SystemExit(f"datasets not found at {path}: set P2S_DATASETS to the datasets folder")
    return path
