"""The content key of a synthesis run and the lookup of a finished run under that key.

Everything the result depends on (the source, the options, the versions of the tools and of the
code that shapes the result) is hashed into the key; when the output folder already holds a
report with that key and every file its manifest lists is unchanged, the run is not repeated."""

from __future__ import annotations

import hashlib
import json
import re
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


# Dafny's tokens as far as a key needs them: identifiers (primes and `?` included), numbers,
# Dafny's multi-character operators (longest first), then any other single character. Spaces
# between tokens are layout; `: =` is two tokens and `:=` one, so a split operator is a change.
_OPERATORS = sorted(
    [
        "<==>",
        "==>",
        "<==",
        "-->",
        "~>",
        "->",
        "<-",
        "=>",
        "::",
        ":=",
        ":|",
        "==",
        "!=",
        "<=",
        ">=",
        "&&",
        "||",
        "!!",
        "..",
        "<<",
        ">>",
        "!in",
    ],
    key=len,
    reverse=True,
)
_TOKEN = re.compile(
    r"[A-Za-z_][A-Za-z0-9_'?]*|[0-9][A-Za-z0-9_.]*|"
    + "|".join(re.escape(op) for op in _OPERATORS)
    + r"|\S"
)


def _kept_ranges(text: str, method: str) -> list[tuple[int, int]]:
    """The text a synthesis of `method` reads: everything but the callables it does not use
    (another method's body changes nothing here; a constant, a type or an import might)."""
    from toolchain.dafny.callgraph import uses
    from toolchain.dafny.symbols import find_symbols

    used = set(uses(text, method))
    if not used:
        return [(0, len(text))]
    dropped = sorted(
        (sym.start, sym.end) for sym in find_symbols(text) if sym.qualified not in used
    )
    kept: list[tuple[int, int]] = []
    pos = 0
    for start, end in dropped:
        if start > pos:
            kept.append((pos, start))
        pos = max(pos, end)
    kept.append((pos, len(text)))
    return kept


def source_tokens(text: str, method: str) -> list[str]:
    """The tokens of `method`, of what it uses and of the file's other declarations (constants,
    types, imports): comments and layout left out, literals kept whole."""
    from toolchain.dafny.text import lex_spans

    spans = lex_spans(text)
    tokens: list[str] = []
    for lo, hi in _kept_ranges(text, method):
        pos = lo
        for span in spans:
            if span.end <= lo or span.start >= hi:
                continue
            start, end = max(span.start, lo), min(span.end, hi)
            tokens += _TOKEN.findall(text, pos, start)
            if span.is_literal:
                tokens.append(text[start:end])
            pos = end
        tokens += _TOKEN.findall(text, pos, hi)
    return tokens


def content_key(job: Job, tools: dict[str, str]) -> str:
    """The key a finished run is filed under. The source enters as its tokens (see
    `source_tokens`): a comment or a re-indented line does not re-run a synthesis. A cached
    report keeps the line numbers of the text it was made from."""
    tokens = "\x00".join(source_tokens(job.text, job.method))
    blob = json.dumps(
        {
            "source": sha256_hex(tokens.encode("utf-8")),
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
