"""`explore`: every point of a method's directive space through the whole synthesis flow, within
a time budget, and the Pareto front of the points whose co-simulation passed.

A point is the source text with its directives written in as attributes (`attributes.py`), given
to `run_synthesis` as `source_text`: what a point measured is exactly what re-synthesizing the
source with those attributes gives, which is what `--apply` writes (`apply_point`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shared_schemas.explore import ExploreDirectives, ExploreParams, ExplorePoint, ExploreReport
from shared_schemas.settings import Settings
from shared_schemas.synthesis import CosimVerdict, SynthesisReport, SynthesizeParams
from toolchain.atomic import write_atomic
from toolchain.errors import CancelledError, InputError, ToolchainError
from toolchain.explore.attributes import (
    array_params,
    describe,
    has_division,
    loop_sites,
    write_directives,
)
from toolchain.explore.budget import PointBudget
from toolchain.explore.pareto import pareto_front
from toolchain.explore.render import explore_page
from toolchain.explore.space import directive_space
from toolchain.proc import CancelToken
from toolchain.userfile import read_user_text

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine

EXPLORE_JSON = "explore.json"
EXPLORE_HTML = "explore.html"
_MAX_SOURCE = 2 * 1024 * 1024


@dataclass(frozen=True)
class ExploreOptions:
    """One sweep: the source file, the method's checked name and the output folder, resolved;
    the request (`params`) gives the budget, vectors, Fmax and point limit, with the defaults
    written once in `ExploreParams` (Fmax is off by default: nextpnr per point is the slowest
    stage, and the XLS estimate stands in)."""

    source: Path
    method: str
    out_dir: Path
    params: ExploreParams
    settings: Settings | None = None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _measure(point: ExplorePoint, report: SynthesisReport) -> None:
    res, lat, tim = report.resources, report.latency, report.timing
    point.architecture = report.architecture.value
    if res is not None:
        point.lut, point.ff, point.bram, point.dsp = res.lut, res.ff, res.bram, res.dsp
    point.cycles = lat.measured_max_cycles
    if tim.nextpnr_fmax_mhz is not None:
        point.fmax_mhz = tim.nextpnr_fmax_mhz
        point.fmax_source = f"nextpnr {tim.nextpnr_device or 'iCE40'}"
    elif tim.scheduler_fmax_mhz is not None:
        point.fmax_mhz = tim.scheduler_fmax_mhz
        point.fmax_source = f"XLS {tim.scheduler_delay_model} delay model"
    point.cosim = report.cosim.verdict
    point.vectors = report.cosim.vectors_passed
    point.utilisation = report.utilisation
    point.ok = report.cosim.verdict == CosimVerdict.passed and res is not None
    if not point.ok and not point.error:
        point.error = f"co-simulation {report.cosim.verdict.value}"


def explore(
    opts: ExploreOptions,
    progress: Callable[[str], None] | None = None,
    *,
    engine: DafnyEngine | None = None,
    cancel: CancelToken | None = None,
    on_point: Callable[[int, int, str], None] | None = None,
) -> ExploreReport:
    """Every point of the space in turn that fits the time left (`budget.py`; see the module doc).
    `on_point(i, total, text)` is told of each point as it starts (the editor's progress)."""
    from toolchain.dafny import DafnyEngine
    from toolchain.synthesize import run_synthesis

    say = progress or (lambda _m: None)
    text = read_user_text(
        opts.source,
        max_bytes=_MAX_SOURCE,
        directory_hint="name a .dfy file",
        suffix=".dfy",
        kind="a Dafny file",
    )
    sites, bare = loop_sites(text, opts.method)
    space = directive_space(
        bool(sites), array_params(text, opts.method), has_division(text, opts.method)
    )
    if opts.params.max_points is not None:
        space = space[: opts.params.max_points]
    report = ExploreReport(
        method=opts.method,
        source_file=str(opts.source),
        source_sha256=_sha(text),
        budget_s=opts.params.budget_s,
        elapsed_s=0.0,
    )
    if bare:
        report.notes.append(
            f"{bare} loop(s) without an invariant or decreases clause cannot carry directives "
            "(Dafny 2.3 takes loop attributes only there)"
        )
    settings = opts.settings or Settings()
    engine = engine if engine is not None else DafnyEngine.discover(settings.dafny)
    started = time.monotonic()
    budget = PointBudget(opts.params.budget_s)
    unroll_refused: ExplorePoint | None = None
    same: list[int] = []
    for i, directives in enumerate(space):
        if unroll_refused is not None and directives.schedule == "unrolled":
            same.append(i)  # the same state machine again: see `_unroll_refused`
            continue
        if not budget.fits(directives, time.monotonic() - started):
            report.skipped += 1  # and on to the next point, which may be of a cheaper family
            continue
        point = ExplorePoint(
            index=i, directives=directives, attributes=describe(directives), ok=False
        )
        point.out_dir = str(opts.out_dir / f"p{i}")
        say(f"point {i}: {'; '.join(point.attributes)}")
        if on_point is not None:
            on_point(i, len(space), "; ".join(point.attributes))
        if cancel is not None:
            cancel.raise_if_cancelled()
        t0 = time.monotonic()
        try:
            result = run_synthesis(
                SynthesizeParams(
                    uri=str(opts.source),
                    method=opts.method,
                    out_dir=point.out_dir,
                    vectors=opts.params.vectors,
                    fmax=opts.params.fmax,
                ),
                settings,
                engine=engine,
                cancel=cancel,
                source_text=write_directives(text, opts.method, directives),
            )
            _measure(point, result.report)
        except CancelledError:
            raise
        except ToolchainError as exc:
            point.error = str(exc)
        point.duration_s = round(time.monotonic() - t0, 2)
        budget.record(directives, point.duration_s)
        report.points.append(point)
        if unroll_refused is None and _unroll_refused(point):
            unroll_refused = point
    if unroll_refused is not None and same:
        report.notes.append(
            f"point {unroll_refused.index} asked for every loop unrolled and got a state machine "
            "(a loop without a trip bound small enough to unroll): the other unrolled points "
            f"({', '.join(map(str, same))}) would be the same design, and were not run"
        )
    report.elapsed_s = round(time.monotonic() - started, 2)
    report.front = pareto_front(report.points)
    for p in report.points:
        p.on_front = p.index in report.front
    write_atomic(opts.out_dir / EXPLORE_JSON, report.model_dump_json(indent=2) + "\n")
    write_atomic(opts.out_dir / EXPLORE_HTML, explore_page(report))
    return report


def _unroll_refused(point: ExplorePoint) -> bool:
    """Whether an "unrolled" point came out a state machine: its loops could not be unrolled, so
    every other unrolled point (they differ in pipeline stages, which a state machine has none
    of) is this design again."""
    return point.directives.schedule == "unrolled" and point.architecture == "fsm"


def apply_point(
    report: ExploreReport, index: int, *, in_place: bool = False, force: bool = False
) -> Path:
    """Write point `index`'s directives into the source: to `<file>.p<index>.dfy` beside it, or
    over the file itself only with `in_place`. A source changed since the exploration is refused:
    the point measured that text, not this one."""
    chosen = next((p for p in report.points if p.index == index), None)
    if chosen is None:
        known = ", ".join(str(p.index) for p in report.points)
        raise InputError(f"no point {index} in the exploration", hint=f"points: {known}")
    source = Path(report.source_file)
    text = read_user_text(
        source,
        max_bytes=_MAX_SOURCE,
        directory_hint="name a .dfy file",
        suffix=".dfy",
        kind="a Dafny file",
    )
    if _sha(text) != report.source_sha256:
        raise InputError(
            f"{source} changed since it was explored",
            hint="explore it again; the points measured the earlier text",
        )
    new = write_directives(text, report.method, chosen.directives)
    if in_place:
        return write_atomic(source, new)
    target = source.with_name(f"{source.stem}.p{index}.dfy")
    return write_atomic(target, new, overwrite=force)


def load_report(path: Path) -> ExploreReport:
    return ExploreReport.model_validate_json(path.read_text(encoding="utf-8"))


__all__ = [
    "EXPLORE_HTML",
    "EXPLORE_JSON",
    "ExploreDirectives",
    "ExploreOptions",
    "apply_point",
    "explore",
    "load_report",
]
