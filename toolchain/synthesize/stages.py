"""One synthesis run in progress: its job, the key and tool versions it is filed under, the
output folder it owns, and the stages it has timed (the names progress callbacks receive)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared_schemas.synthesis import StageTiming, SynthesisProgress, SynthesisReport
from toolchain.atomic import OutputFolder
from toolchain.proc import CancelToken
from toolchain.synthesize.job import Job

if TYPE_CHECKING:
    from toolchain.cosim.run import PreparedReference
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ir import HardwareMethod
    from toolchain.hls.directives import Directives

STAGES = ("verify", "lower", "hls", "synth", "fmax", "cosim", "report")

ProgressFn = Callable[[SynthesisProgress], None]
IrTransform = Callable[["HardwareMethod"], "HardwareMethod"]


@dataclass
class Run:
    job: Job
    progress: ProgressFn | None
    cancel: CancelToken | None
    engine: DafnyEngine
    folder: OutputFolder
    tools: dict[str, str]
    key: str
    stages: list[StageTiming] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the source's {:hls_*} attributes on the method and its loops, read after lowering
    directives: Directives | None = None

    @contextmanager
    def stage(self, name: str, message: str) -> Iterator[None]:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        self.report_progress(name, message, STAGES.index(name) / len(STAGES))
        started = time.monotonic()
        yield
        self.stages.append(StageTiming(stage=name, duration_s=round(time.monotonic() - started, 3)))

    def report_progress(self, stage: str, message: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(SynthesisProgress(stage=stage, message=message, fraction=fraction))

    def prepare_reference(
        self, method: HardwareMethod, cancel: CancelToken | None
    ) -> PreparedReference:
        """Dafny's compiled program run on the request's vectors (co-simulation's reference)."""
        from toolchain.cosim.run import prepare_reference

        req = self.job.params
        return prepare_reference(
            method,
            self.job.text,
            self.engine,
            self.job.out_dir / "cosim",
            vectors=req.vectors,
            seed=req.seed,
            timeout_s=req.cosim_time_limit_s,
            cancel=cancel,
        )

    def report(self, **fields: Any) -> SynthesisReport:
        """The report of this run: what the job says, and what the back end measured."""
        from toolchain.synth.devices import report_utilisation

        req = self.job.params
        if "utilisation" not in fields:
            fields["utilisation"] = report_utilisation(
                fields.get("resources"), fields.get("ice40_resources")
            )
        return SynthesisReport(
            method=self.job.method,
            source_file=self.job.source_file,
            backend=req.backend,
            target=req.target,
            warnings=self.warnings,
            tool_versions=self.tools,
            content_key=self.key,
            **fields,
        )
