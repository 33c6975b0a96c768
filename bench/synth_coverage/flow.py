"""The per-method unit of work of bench.synth_coverage: one method through verification,
lowering, XLS and co-simulation, in whichever worker runs it (module level, so process and Ray
workers import it by name)."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shared_schemas.synthesis import CosimVerdict
from toolchain.dafny import DafnyEngine
from toolchain.errors import ToolchainError
from toolchain.synthesize import run_synthesis
from toolchain.synthesize.compose import bench_request


@dataclass
class Outcome:
    corpus: str
    file: str
    method: str
    stage: str  # the last stage entered
    rtl: bool
    verdict: str  # passed, failed, error, or the stage that stopped the flow
    reason: str
    seconds: float
    checked: bool = False  # passed with run-time overflow checks (frontend.overflow_checks)


def _gist(message: str) -> str:
    text = re.sub(r"\d+", "N", message)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    return text[:90]


def run_one(
    corpus: str,
    path: Path,
    method: str,
    engine: DafnyEngine,
    vectors: int,
    contract: tuple[int | None, int | None],
    text: str | None = None,
    overflow_bits: int | None = None,
) -> Outcome:
    stages: list[str] = []
    started = time.monotonic()
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
    with tempfile.TemporaryDirectory(prefix="p2s-cov-") as tmp:
        # a fresh folder holds no cached run: every method goes through every stage
        request = bench_request(path.name, method, tmp, vectors, (*contract, overflow_bits))
        try:
            out = run_synthesis(
                request,
                engine=engine,
                source_text=text,
                progress=lambda p: stages.append(p.stage),
            )
        except ToolchainError as exc:
            stage = stages[-1] if stages else "verify"
            reason = f"{stage}: {_gist(str(exc))}"
            rtl = "cosim" in stages
            return Outcome(
                corpus, path.name, method, stage, rtl, stage, reason, time.monotonic() - started
            )
        except Exception as exc:  # a crash is a finding, not the end of the run
            stage = stages[-1] if stages else "verify"
            reason = f"{stage}: crash {type(exc).__name__}: {_gist(str(exc))}"
            return Outcome(
                corpus, path.name, method, stage, "cosim" in stages, "crash", reason,
                time.monotonic() - started,
            )  # fmt: skip
    cosim = out.report.cosim
    reason = ""
    if cosim.verdict != CosimVerdict.passed:
        reason = f"cosim {cosim.verdict.value}: {_gist(cosim.message)}"
    return Outcome(
        corpus,
        path.name,
        method,
        "report",
        True,
        cosim.verdict.value,
        reason,
        time.monotonic() - started,
        checked=any("checked at run time" in w for w in out.report.warnings),
    )


_ENGINE: list[DafnyEngine] = []


def synth_task(payload: dict[str, Any]) -> dict[str, Any]:
    """One method through the flow, in whichever worker runs it; the payload carries the file's
    text, so a worker on another machine needs no shared disk."""
    if not _ENGINE:  # one engine per worker process (a race only builds a spare one)
        _ENGINE.append(DafnyEngine.discover())
    outcome = run_one(
        payload["corpus"],
        Path(payload["path"]),
        payload["method"],
        _ENGINE[0],
        payload["vectors"],
        (payload["input_bits"], payload["max_length"]),
        text=payload["text"],
        overflow_bits=payload.get("overflow_bits"),
    )
    return asdict(outcome)


__all__ = ["Outcome", "run_one", "synth_task"]
