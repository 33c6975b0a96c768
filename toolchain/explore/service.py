"""The editor's face of the explorer: `run_explore` has the shape of every engine function the
language server calls (`server.engine_call.EngineFunction`), and `apply_edit` gives a point's
directives as the document's new text, which the editor applies as a workspace edit the user
sees and can undo (the server never writes the user's file)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from shared_schemas.explore import (
    ExploreApplyParams,
    ExploreApplyResult,
    ExploreParams,
    ExplorePoint,
    ExploreProgress,
    ExploreReport,
    ExploreResult,
)
from shared_schemas.settings import Settings
from shared_schemas.synthesis import EvidenceManifest
from toolchain.errors import InputError
from toolchain.explore.attributes import describe, write_directives
from toolchain.explore.render import explore_html
from toolchain.explore.run import EXPLORE_JSON, ExploreOptions, explore, load_report
from toolchain.proc import CancelToken
from toolchain.synth.html import MANIFEST_JSON
from toolchain.synthesize.job import check_method_name, source_path

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine


def default_out_dir(source: Path, method: str) -> Path:
    return source.resolve().parent / f"{source.name}.p2s" / f"{method}.explore"


def _out_dir(source: Path, method: str, given: str | None) -> Path:
    if given is None:
        return default_out_dir(source, method)
    out = Path(given).expanduser()
    return (out if out.is_absolute() else source.resolve().parent / out).resolve()


def exploration_dir(params: ExploreParams | ExploreApplyParams) -> tuple[str, Path]:
    """The checked method name and the folder its exploration is (or will be) written to."""
    method = check_method_name(params.method)
    source, _ = source_path(params.uri)
    return method, _out_dir(source, method, params.out_dir)


def saved_report(params: ExploreParams | ExploreApplyParams, missing: InputError) -> ExploreReport:
    """The exploration an earlier run wrote, or `missing` raised when there is none."""
    saved = exploration_dir(params)[1] / EXPLORE_JSON
    if not saved.exists():
        raise missing
    return load_report(saved)


def run_explore(
    params: ExploreParams,
    settings: Settings,
    /,
    *,
    progress: Callable[[ExploreProgress], None] | None = None,
    cancel: CancelToken | None = None,
    engine: DafnyEngine | None = None,
) -> ExploreResult:
    method, out = exploration_dir(params)
    source, _ = source_path(params.uri)

    def on_point(i: int, total: int, text: str) -> None:
        if progress is not None:
            progress(ExploreProgress(point=i, message=text, fraction=min(i / max(total, 1), 1)))

    report = explore(
        ExploreOptions(
            source=source.resolve(),
            method=method,
            out_dir=out,
            params=params,
            settings=settings,
        ),
        engine=engine,
        cancel=cancel,
        on_point=on_point,
    )
    return ExploreResult(
        report=report, out_dir=str(out), report_body=explore_html(report, panel=True)
    )


def apply_edit(params: ExploreApplyParams, document_text: str) -> ExploreApplyResult:
    """Point `index`'s directives written into `document_text` (the editor's current text)."""
    method = check_method_name(params.method)
    report = saved_report(
        params, InputError(f"no exploration of {method} yet", hint="run Explore first")
    )
    chosen = next((p for p in report.points if p.index == params.index), None)
    if chosen is None:
        raise InputError(f"no point {params.index} in the exploration of {method}")
    text = write_directives(document_text, method, chosen.directives)
    return ExploreApplyResult(
        uri=params.uri,
        text=text,
        attributes=describe(chosen.directives),
        reproduces=_measured_text(chosen, text),
    )


def _measured_text(point: ExplorePoint, text: str) -> bool | None:
    """Whether `text` is the source the point was synthesized from (its manifest's hash): the
    editor may have changed the method since the exploration, which the CLI's --apply refuses."""
    try:
        manifest = EvidenceManifest.model_validate_json(
            (Path(point.out_dir) / MANIFEST_JSON).read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest() == manifest.source_sha256


__all__ = ["apply_edit", "default_out_dir", "exploration_dir", "run_explore", "saved_report"]
