"""The Dafny verification engine: one interface over Dafny 2.x and 4.x command lines.

It shims Dafny 4 syntax for 2.x, runs the verifier with time limits in its own process group,
parses the output into `shared_schemas` models with positions in the user's own text, flags
unsound constructs, and caches results by content.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

from shared_schemas.settings import DafnySettings
from shared_schemas.verification import (
    DafnyInfo,
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    MethodOutcome,
    MethodStatus,
    Range,
    VerificationStatus,
    VerifyRequest,
)
from toolchain.dafny import soundness
from toolchain.dafny.cache import ResultCache, cache_key, default_cache_dir
from toolchain.dafny.diagnostics import (
    FileMapper,
    ParsedOutput,
    parse_output,
    widen_to_token,
)
from toolchain.dafny.locate import describe_dafny
from toolchain.dafny.shim import ShimResult, needs_shim, rewrite_for_dafny2
from toolchain.dafny.soundness import qualify_verdict, soundness_issues
from toolchain.dafny.symbols import Symbol, boogie_member_name, find_symbols, proc_filter
from toolchain.dafny.text import LineIndex
from toolchain.errors import InputError
from toolchain.proc import CancelToken, ProcResult, run_tool, temp_dir, temp_file
from toolchain.userfile import read_user_text

MAX_SOURCE_BYTES = 2 * 1024 * 1024
OutputParser = Callable[[str, FileMapper], ParsedOutput]
_SHIM_RETRIES = 2

# A cached verdict was qualified by the soundness rules of its day: a change to those rules (a new
# kind of assumption found) must not let an old "verified" out of the cache.
VERDICT_RULES = "rules:" + hashlib.sha256(Path(soundness.__file__).read_bytes()).hexdigest()[:16]


class SourceVerifier(ABC):
    """What verifies a whole source: the CLI engine, or a warm DafnyServer in front of it
    (`toolchain.dafny.warm.WarmVerifier`). Both admit a source through the engine (size limit,
    default limits) and then verify it their own way (`verify_admitted`)."""

    def verify_source(
        self,
        text: str,
        filename: str = "input.dfy",
        request: VerifyRequest | None = None,
        cancel: CancelToken | None = None,
    ) -> FileVerification:
        return self.verify_admitted(
            text, filename, self.engine.admit(text, filename, request), cancel
        )

    @property
    @abstractmethod
    def engine(self) -> DafnyEngine:
        """The engine whose Dafny, settings and result cache this verifier uses."""

    @abstractmethod
    def verify_admitted(
        self, text: str, filename: str, request: VerifyRequest, cancel: CancelToken | None
    ) -> FileVerification:
        """`verify_source` of an admitted source, under the request it runs with."""


class DafnyEngine(SourceVerifier):
    def __init__(
        self,
        info: DafnyInfo,
        settings: DafnySettings | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        self.info = info
        self.settings = settings or DafnySettings()
        self.cache = cache if cache is not None else ResultCache(default_cache_dir())
        self._slots = threading.BoundedSemaphore(self.settings.jobs)
        # carried by every run whose caller names no token (see `stoppable`)
        self.cancel: CancelToken | None = None

    def stoppable(self, cancel: CancelToken) -> DafnyEngine:
        """This engine (same Dafny, settings, cache and job slots: the job limit stays the
        engine's) with `cancel` on every run, for callers that take no token (the front end's
        width proofs): cancelling it kills the running Dafny, and any later run stops before it
        starts, even one the cache could answer."""
        twin = copy.copy(self)
        twin.cancel = cancel
        return twin

    @classmethod
    def discover(
        cls, settings: DafnySettings | None = None, cache: ResultCache | None = None
    ) -> DafnyEngine:
        return cls(describe_dafny(settings), settings, cache)

    # -- command lines ----------------------------------------------------------------------
    def base_args(self) -> list[str]:
        if self.info.major >= 3:
            return [self.info.path]
        args = [self.info.path, "/nologo"]
        if self.info.prover:
            args.append(f"/z3exe:{self.info.prover}")
        return args

    def verify_args(self, file: Path, request: VerifyRequest, procs: list[str]) -> list[str]:
        if self.info.major >= 3:
            args = [
                self.info.path,
                "verify",
                f"--verification-time-limit:{request.vc_time_limit_s}",
            ]
            args += [f"--filter-symbol:{p}" for p in procs]
            return [*args, *request.extra_args, str(file)]
        return [*self.base_args(), *self.verifier_options(request, procs), str(file)]

    def verifier_options(self, request: VerifyRequest, procs: list[str]) -> list[str]:
        """Dafny 2.x options of one verification, without the executable and the file: what both
        the CLI and the warm `DafnyServer.exe` (toolchain.dafny.warm) take."""
        args = ["/compile:0", "/errorTrace:0", "/trace", f"/timeLimit:{request.vc_time_limit_s}"]
        args += [f"/proc:{p}" for p in procs]
        return [*args, *request.extra_args]

    def procedure_filters(self, text: str, wanted: list[str] | None) -> list[str]:
        """The `/proc:` (2.x) or `--filter-symbol` (4.x) values that select `wanted` in `text`."""
        return self._proc_filters(find_symbols(text), wanted)

    def shim_for(self, text: str) -> ShimResult:
        """The text this Dafny is given for `text` (Dafny 4 syntax rewritten for 2.x)."""
        if self.info.major < 3 and needs_shim(text):
            return rewrite_for_dafny2(text)
        return ShimResult(text, text)

    def interpret_output(
        self,
        output: str,
        text: str,
        filename: str,
        request: VerifyRequest,
        *,
        reported_names: set[str],
        shim: ShimResult | None = None,
        timed_out: bool = False,
        returncode: int = 0,
        duration_s: float = 0.0,
        parser: OutputParser = parse_output,
    ) -> FileVerification:
        """Turn one run's output into a FileVerification exactly as verify_source does (positions
        mapped through the shim, errors attributed to symbols, soundness, per-method status), for
        runners other than the CLI such as the warm verifier. `reported_names` are the names the
        tool used for `filename`; `parser` reads the output (parse_output for CLI text)."""
        proc = ProcResult([], returncode, output, "", duration_s, timed_out)
        shim = shim if shim is not None else self.shim_for(text)
        result = self._interpret(
            proc, text, shim, filename, find_symbols(text), reported_names, request, parser
        )
        result.duration_s = duration_s
        return result

    # -- public API -------------------------------------------------------------------------
    def verify_file(
        self,
        path: str | Path,
        request: VerifyRequest | None = None,
        cancel: CancelToken | None = None,
    ) -> FileVerification:
        return self.verify_source(read_dafny_file(path), str(path), request, cancel)

    @property
    def engine(self) -> DafnyEngine:
        return self

    def verify_admitted(
        self, text: str, filename: str, request: VerifyRequest, cancel: CancelToken | None
    ) -> FileVerification:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
            cancel = cancel or self.cancel
        shim = self.shim_for(text)
        key = self.verdict_key(request, text)
        hit = self.cache.get(key)
        if hit is not None:
            hit.cached = True
            return _relabel(hit, filename)
        started = time.monotonic()
        with self._slots:
            result, shim = self._run_with_shim_retries(
                text, shim, lambda s: self._run_once(text, s, filename, request, cancel)
            )
        result.duration_s = time.monotonic() - started
        if result.status not in (VerificationStatus.tool_error, VerificationStatus.timeout):
            self.cache.put(key, result)
        return result

    def verdict_key(self, request: VerifyRequest, text: str, *kind: str) -> str:
        """The result cache's key for a verdict on `text` under `request`: the soundness rules,
        this Dafny and prover, the request and the text; `kind` keeps apart the runs whose
        verdicts come another way (the warm server's)."""
        info = self.info
        return cache_key(
            *kind,
            VERDICT_RULES,
            info.path,
            info.version,
            str(info.prover),
            request.model_dump_json(),
            text,
        )

    def admit(self, text: str, filename: str, request: VerifyRequest | None) -> VerifyRequest:
        """The request a verification of `text` runs under (the settings' limits when none is
        given); an InputError when the source is too large to verify."""
        if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise InputError(f"{filename} is larger than {MAX_SOURCE_BYTES // 1024} KiB")
        return request or VerifyRequest(
            timeout_s=self.settings.timeout_s, vc_time_limit_s=self.settings.vc_time_limit_s
        )

    # -- internals --------------------------------------------------------------------------
    @staticmethod
    def _run_with_shim_retries(
        text: str, shim: ShimResult, run: Callable[[ShimResult], FileVerification]
    ) -> tuple[FileVerification, ShimResult]:
        """`run` of the shimmed `text`, again with more functions kept ghost while the
        resolver blames functions the shim made compiled."""
        result = run(shim)
        for _ in range(_SHIM_RETRIES):
            if result.status != VerificationStatus.resolution_error or not shim.changed:
                break
            # Making a Dafny 4 function a 2.x `function method` fails when its body is ghost:
            # keep those functions ghost and try again.
            blamed = _functions_blamed(text, result.diagnostics) - shim.kept_ghost
            if not blamed:
                break
            retry = rewrite_for_dafny2(text, keep_ghost=shim.kept_ghost | blamed)
            second = run(retry)
            shim, result = retry, second
        return result, shim

    def _run_once(
        self,
        text: str,
        shim: ShimResult,
        filename: str,
        request: VerifyRequest,
        cancel: CancelToken | None,
    ) -> FileVerification:
        symbols = find_symbols(text)
        procs = self._proc_filters(symbols, request.procedures)
        with _materialise(shim.text, filename) as tmp:
            proc = run_tool(
                self.verify_args(tmp, request, procs),
                timeout_s=request.timeout_s,
                cancel=cancel,
                cwd=tmp.parent,
            )
            tmp_names = {str(tmp), tmp.name, os.path.relpath(tmp, tmp.parent)}
        result = self._interpret(proc, text, shim, filename, symbols, tmp_names, request)
        if result.raw_output:
            result.raw_output = result.raw_output.replace(str(tmp), filename)
        return result

    def _proc_filters(self, symbols: list[Symbol], wanted: list[str] | None) -> list[str]:
        if wanted is None:
            return []
        chosen = [s for s in symbols if s.name in wanted or s.qualified in wanted]
        if self.info.major >= 3:
            return [s.qualified for s in chosen]
        return [proc_filter(s) for s in chosen]

    def _interpret(
        self,
        proc: ProcResult,
        text: str,
        shim: ShimResult,
        filename: str,
        symbols: list[Symbol],
        tmp_names: set[str],
        request: VerifyRequest,
        parser: OutputParser = parse_output,
    ) -> FileVerification:
        index = LineIndex.of(text)
        lines = text.splitlines()

        def map_file(name: str) -> str:
            return filename if name in tmp_names or Path(name).name in tmp_names else name

        parsed = parser(proc.output, map_file)
        for d in parsed.diagnostics:
            _map_range(d, shim, filename, lines)
            for rel in d.related:
                if rel.location.file == filename:
                    rel.location.range = _mapped(rel.location.range, shim, lines)
            sym = _symbol_of(symbols, index, d.range)
            if sym is not None:
                d.symbol = sym.qualified
        unsound = soundness_issues(text, filename)
        status = _overall_status(proc, parsed)
        diagnostics = list(parsed.diagnostics)
        if status == VerificationStatus.timeout and proc.timed_out:
            diagnostics.append(
                _whole_file(
                    filename,
                    DiagnosticCategory.timeout,
                    f"verification did not finish within {request.timeout_s:g} s",
                )
            )
        if status == VerificationStatus.tool_error:
            detail = (parsed.cleaned or "no output").strip().splitlines()
            diagnostics.append(
                _whole_file(
                    filename,
                    DiagnosticCategory.tool,
                    f"Dafny ended unexpectedly (exit {proc.returncode}): "
                    + " ".join(detail[-3:])[:300],
                )
            )
        for msg in parsed.prover_errors:
            diagnostics.append(
                _whole_file(filename, DiagnosticCategory.tool, f"prover error: {msg}")
            )
        diagnostics.extend(unsound)
        if status == VerificationStatus.verified and unsound:
            status = VerificationStatus.unsound
        methods = _method_outcomes(symbols, parsed, diagnostics, status, index, request)
        error_count = (
            parsed.errors
            if parsed.errors is not None
            else sum(1 for d in parsed.diagnostics if d.severity == "error")
        )
        result = FileVerification(
            file=filename,
            status=status,
            diagnostics=diagnostics,
            methods=methods,
            verified_count=parsed.verified or 0,
            error_count=error_count,
            timeout_count=parsed.timeouts + (1 if proc.timed_out else 0),
            shimmed=shim.changed,
            dafny=self.info,
            raw_output=parsed.cleaned,
        )
        return qualify_verdict(result, text)  # partial correctness, nothing to verify


def read_dafny_file(path: str | Path) -> str:
    """Read a user's Dafny file, or raise one clear InputError saying what is wrong with it."""
    return read_user_text(
        path,
        max_bytes=MAX_SOURCE_BYTES,
        directory_hint="pass the .dfy files inside it",
        suffix=".dfy",
        kind="a Dafny file",
    )


@contextlib.contextmanager
def _materialise(text: str, filename: str) -> Iterator[Path]:
    """Put the source where Dafny can read it: beside the original when it includes other files
    (Dafny resolves includes against the including file's folder, not the working directory),
    else in a private temporary folder. Either is registered with toolchain.proc, so that a
    SIGINT/SIGTERM to the CLI removes it even when this block never gets to."""
    original = Path(filename)
    if "include" in text and original.parent.is_dir() and os.access(original.parent, os.W_OK):
        with temp_file(original.parent, f".p2s-{original.stem}-", ".dfy") as path:
            path.write_text(text, encoding="utf-8")
            yield path
        return
    with temp_dir("p2s-verify-") as folder:
        path = folder / (original.name if original.suffix == ".dfy" else "input.dfy")
        path.write_text(text, encoding="utf-8")
        yield path


def _mapped(r: Range, shim: ShimResult, lines: list[str]) -> Range:
    line, col = shim.original_position(r.start.line, r.start.character)
    point = Range.point(line, col, 0)
    return widen_to_token(point, lines[line] if line < len(lines) else "")


def _map_range(d: Diagnostic, shim: ShimResult, filename: str, lines: list[str]) -> None:
    if d.file == filename:
        d.range = _mapped(d.range, shim, lines)


def _whole_file(filename: str, category: DiagnosticCategory, message: str) -> Diagnostic:
    return Diagnostic(file=filename, range=Range.point(0, 0, 0), category=category, message=message)


def _symbol_of(symbols: list[Symbol], index: LineIndex, r: Range) -> Symbol | None:
    offset = index.offset(r.start.line, r.start.character)
    inside = [s for s in symbols if s.start <= offset < max(s.end, s.start + 1)]
    return min(inside, key=lambda s: s.end - s.start) if inside else None


def _functions_blamed(text: str, diagnostics: list[Diagnostic]) -> set[str]:
    symbols = [s for s in find_symbols(text) if s.kind in ("function", "predicate") and not s.ghost]
    index = LineIndex.of(text)
    blamed: set[str] = set()
    for d in diagnostics:
        if d.category != DiagnosticCategory.resolution:
            continue
        sym = _symbol_of(symbols, index, d.range)
        if sym is not None:
            blamed.add(sym.name)
        elif "function method" in d.message or "consider declaring" in d.message:
            blamed.update(s.name for s in symbols)
    return blamed


def _overall_status(proc: ProcResult, parsed: ParsedOutput) -> VerificationStatus:
    """The first failure in order of precedence; verified only when there is none."""
    stopped = proc.timed_out or bool(parsed.parse_errors or parsed.resolution_errors)
    if not stopped and not parsed.saw_summary:
        # Dafny ended without its summary line and without saying why
        if any(d.category == DiagnosticCategory.resolution for d in parsed.diagnostics):
            return VerificationStatus.resolution_error
        return VerificationStatus.tool_error
    failures = (
        (proc.timed_out, VerificationStatus.timeout),
        (bool(parsed.parse_errors), VerificationStatus.parse_error),
        (bool(parsed.resolution_errors), VerificationStatus.resolution_error),
        (bool(parsed.errors), VerificationStatus.errors),
        (bool(parsed.timeouts), VerificationStatus.timeout),
        (bool(parsed.prover_errors), VerificationStatus.tool_error),
    )
    return next((status for failed, status in failures if failed), VerificationStatus.verified)


def _method_outcomes(
    symbols: list[Symbol],
    parsed: ParsedOutput,
    diagnostics: list[Diagnostic],
    status: VerificationStatus,
    index: LineIndex,
    request: VerifyRequest,
) -> list[MethodOutcome]:
    outcomes: list[MethodOutcome] = []
    by_member: dict[tuple[str | None, str], list[int]] = {}
    for i, p in enumerate(parsed.procedures):
        _, cls, member = boogie_member_name(p.boogie_name)
        by_member.setdefault((cls, member), []).append(i)
    for sym in symbols:
        rng = index.range(sym.start, sym.end)
        errs = [
            d
            for d in diagnostics
            if d.symbol == sym.qualified
            and d.severity == "error"
            and d.category != DiagnosticCategory.soundness
        ]
        procs = [parsed.procedures[i] for i in by_member.get((sym.container, sym.name), [])]
        duration = sum(p.duration_s or 0.0 for p in procs) if procs else None
        obligations = sum(p.obligations or 0 for p in procs) if procs else None
        selected = (
            request.procedures is None
            or sym.name in request.procedures
            or sym.qualified in request.procedures
        )
        if not selected:
            st = MethodStatus.skipped
        elif status in (
            VerificationStatus.parse_error,
            VerificationStatus.resolution_error,
            VerificationStatus.tool_error,
        ):
            st = MethodStatus.errors if errs else MethodStatus.not_verified
        elif any(p.status == MethodStatus.timed_out for p in procs) or any(
            d.category == DiagnosticCategory.timeout for d in errs
        ):
            st = MethodStatus.timed_out
        elif errs or any(p.status == MethodStatus.errors for p in procs):
            st = MethodStatus.errors
        elif status == VerificationStatus.timeout and not procs:
            st = MethodStatus.not_verified
        else:
            st = MethodStatus.verified
        outcomes.append(
            MethodOutcome(
                name=sym.qualified,
                kind=sym.kind,
                range=rng,
                status=st,
                duration_s=duration,
                error_count=len(errs),
                proof_obligations=obligations,
            )
        )
    return outcomes


def _relabel(result: FileVerification, filename: str) -> FileVerification:
    """A cached result computed for another path of the same content: point it at this one."""
    old = result.file
    if old == filename:
        return result
    data = json.loads(result.model_dump_json())

    def fix(node: object) -> object:
        if isinstance(node, dict):
            return {k: (filename if k == "file" and v == old else fix(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(x) for x in node]
        return node

    fixed = FileVerification.model_validate(fix(data))
    fixed.cached = True
    return fixed


__all__ = ["DafnyEngine", "read_dafny_file"]
