"""What a finished run leaves in its output folder and returns: manifest.json (the evidence: the
source, the verifier's verdict, proven widths, the co-simulation verdict and a digest of every
file this run wrote), report.html and report.json, and the `SynthesizeResult` naming them with the
engine-rendered report body the editor's panel shows."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from shared_schemas.synthesis import (
    ArtifactDigest,
    EvidenceManifest,
    SynthesisReport,
    SynthesizeResult,
    WidthEvidence,
)
from shared_schemas.verification import FileVerification
from toolchain.atomic import OWNERSHIP_FILE, write_atomic
from toolchain.synth.html import (
    COSIM_LOG,
    MANIFEST_JSON,
    REPORT_HTML,
    REPORT_JSON,
    render_report,
    render_report_body,
)

if TYPE_CHECKING:
    from toolchain.frontend.ir import HardwareMethod
    from toolchain.synthesize.stages import Run


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(path: Path, root: Path) -> ArtifactDigest:
    data = path.read_bytes()
    return ArtifactDigest(
        path=path.relative_to(root).as_posix(), sha256=sha256_hex(data), bytes=len(data)
    )


def recorded_latencies(out: Path) -> list[int] | None:
    """The latency of every vector, as the co-simulation bench wrote it (cosim/cosim_results.json);
    None when the file is missing or not the bench's."""
    try:
        data = json.loads((out / "cosim" / "cosim_results.json").read_text(encoding="utf-8"))
        return [int(r["latency"]) for r in data["results"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def result_for(
    report: SynthesisReport, out: Path, *, cached: bool, latencies: list[int] | None = None
) -> SynthesizeResult:
    """What a request returns: the report, where its files are, and the report rendered. A
    cached report's histogram comes from the co-simulation results its run left on disk."""
    if latencies is None:
        latencies = recorded_latencies(out)
    body = render_report_body(report, out, latencies=latencies, cached=cached)
    return SynthesizeResult(
        report=report,
        out_dir=str(out),
        report_html=str(out / REPORT_HTML),
        report_json=str(out / REPORT_JSON),
        manifest_json=str(out / MANIFEST_JSON),
        cached=cached,
        report_body=body.html,
        report_links=body.links,
    )


def write_outputs(
    run: Run,
    report: SynthesisReport,
    method: HardwareMethod,
    verification: FileVerification,
    latencies: list[int],
) -> SynthesizeResult:
    """The report stage: the manifest of this run's evidence, then report.html and report.json."""
    job = run.job
    out = job.out_dir
    with run.stage("report", "writing report.json, report.html, manifest.json"):
        # the evidence files (this run's, never a user's file kept beside them by --force);
        # report.json and report.html summarise them and carry the key
        artifacts = [
            _digest(out / rel, out)
            for rel in sorted(run.folder.written())
            if (out / rel).is_file()
            and (Path(rel).parent.as_posix() in ("rtl", "hls") or rel == COSIM_LOG)
        ]
        manifest = EvidenceManifest(
            method=job.method,
            source_file=job.source_file,
            source_sha256=sha256_hex(job.text.encode("utf-8")),
            verification_status=verification.status.value,
            verified_count=verification.verified_count,
            dafny_version=verification.dafny.version if verification.dafny else None,
            widths=[
                WidthEvidence(
                    name=w.name, lo=w.lo, hi=w.hi, type=str(w.type), status=w.status.value
                )
                for w in method.widths
            ],
            width_obligations_total=len(method.obligations),
            width_obligations_proven=sum(1 for o in method.obligations if o.proven),
            cosim_verdict=report.cosim.verdict,
            cosim_vectors=report.cosim.vectors_run,
            cosim_reference=report.cosim.reference,
            tool_versions=report.tool_versions,
            artifacts=artifacts,
            content_key=run.key,
            created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        )
        if not method.widths_proven:
            report.warnings.append("some widths are not proven by the verifier")
        write_atomic(out / MANIFEST_JSON, manifest.model_dump_json(indent=2) + "\n")
    report.stages = list(run.stages)
    write_atomic(out / REPORT_HTML, render_report(report, out, latencies))
    write_atomic(out / REPORT_JSON, report.model_dump_json(indent=2) + "\n")
    run.report_progress("report", "done", 1.0)
    return result_for(report, out, cached=False, latencies=latencies)


def missing_folders(root: Path) -> list[Path]:
    """`root` and those of its ancestors that do not exist yet, deepest first: the folders a
    run would create (FILE.p2s/ as well as FILE.p2s/METHOD/)."""
    missing: list[Path] = []
    for folder in (root, *root.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def discard_empty_output(root: Path, created: list[Path]) -> bool:
    """After a run that failed: when the output folder holds no file but the ownership record
    (a user's file, or a file the run did write, keeps it), remove the record, the empty
    folders under it and the folder itself, and the empty ancestors this run created. Returns
    whether the folder went. Nothing but `.p2s-files.json` and empty folders is ever deleted."""
    if not root.is_dir():
        return False
    for folder, _dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        if any(not (here == root and name == OWNERSHIP_FILE) for name in files):
            return False
        if any((here / d).is_symlink() for d in _dirs):
            return False  # a link is an entry a user may have made
    (root / OWNERSHIP_FILE).unlink(missing_ok=True)
    for folder, _dirs, _files in sorted(
        os.walk(root), key=lambda entry: len(Path(entry[0]).parts), reverse=True
    ):
        try:
            Path(folder).rmdir()
        except OSError:
            return False
    for made in created:
        if made == root:
            continue
        try:
            made.rmdir()  # only when empty: another method's folder keeps FILE.p2s/
        except OSError:
            break
    return True
