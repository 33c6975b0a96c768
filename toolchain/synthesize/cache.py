"""The content key of a synthesis run and the lookup of a finished run under that key.

Everything the result depends on (the source, the options, the versions of the tools and of the
code that shapes the result) is hashed into the key; when the output folder already holds a
report with that key and every file its manifest lists is unchanged, the run is not repeated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from shared_schemas.synthesis import (
    EvidenceManifest,
    HlsBackend,
    SynthesisReport,
    SynthesizeResult,
)
from toolchain.synth.html import MANIFEST_JSON, REPORT_HTML, REPORT_JSON
from toolchain.synthesize.job import Job
from toolchain.synthesize.outputs import result_for, sha256_hex

# the engine's packages whose code shapes a report (this package included)
_CODE_PACKAGES = ("hls", "synth", "cosim", "frontend", "synthesize")


def code_digest() -> str:
    """A digest of the code that shapes the result, so an upgrade invalidates old reports."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".h") and path.is_file():
                h.update(path.relative_to(root).as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def content_key(job: Job, tools: dict[str, str]) -> str:
    blob = json.dumps(
        {
            "source": sha256_hex(job.text.encode("utf-8")),
            "options": job.key_fields(),
            "tools": tools,
            "code": code_digest(),
        },
        sort_keys=True,
    )
    return sha256_hex(blob.encode("utf-8"))[:32]


def tool_versions(engine_version: str, backend: HlsBackend) -> dict[str, str]:
    """The versions of every tool the back end runs, and of Dafny (part of the key)."""
    from toolchain.synth.versions import tool_versions as probe

    names = ["yosys", "nextpnr-ice40", "iverilog", "cocotb"]
    names += ["xls"] if backend == HlsBackend.xls else ["g++", "vitis_hls", "vivado_hls"]
    found = probe(names)
    found["dafny"] = engine_version
    return found


def cached(job: Job, key: str) -> SynthesizeResult | None:
    """The finished run in the output folder when it has this key and its files are unchanged."""
    out = job.out_dir
    report_path, manifest_path = out / REPORT_JSON, out / MANIFEST_JSON
    if not (report_path.exists() and manifest_path.exists() and (out / REPORT_HTML).exists()):
        return None
    try:
        report = SynthesisReport.model_validate_json(report_path.read_text(encoding="utf-8"))
        manifest = EvidenceManifest.model_validate_json(manifest_path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if report.content_key != key or manifest.content_key != key:
        return None
    for art in manifest.artifacts:
        path = out / art.path
        if not path.exists() or sha256_hex(path.read_bytes()) != art.sha256:
            return None
    return result_for(report, out, cached=True)
