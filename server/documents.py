"""Per-document verification runs: debounce, latest version wins, publish only what is current.

Every trigger (open, change, save, command) starts a run for the document's current version and
cancels the run before it (its Dafny process is killed, or the warm server gets a short grace).
A run reports (diagnostics, the `proof2silicon/verificationStatus` notification) only while its
version is still the document's version, so an older result never replaces a newer one. What a
report looks like on the wire is the `VerificationReporter`'s business
(`server.features.diagnostics.Diagnostics`); the server object is reached through the small
`VerificationHost` protocol, so this module sits below `server.app`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lsprotocol import types as lsp
from pygls.workspace import Workspace

from server.convert import TOO_LARGE_CODE, filename_for, symbol_range
from server.hardware_reuse import carry_hardware, front_end_pass, with_directive_findings
from server.progress import ProgressHost, WorkDone
from server.width_proofs import prove_method_widths
from shared_schemas.lsp import (
    VERIFYING,
    HardwareReadiness,
    ServerSettings,
    SymbolVerificationStatus,
    VerificationState,
    VerificationStatusParams,
)
from shared_schemas.settings import VerifyOn
from shared_schemas.verification import (
    DafnyInfo,
    FileVerification,
    MethodOutcome,
    MethodStatus,
    VerifyRequest,
)
from toolchain.dafny.incremental import IncrementalVerifier, Plan, Prepared
from toolchain.dafny.outline import Outline
from toolchain.dafny.text import LineIndex
from toolchain.errors import CancelledError, ToolchainError
from toolchain.hardware_status import MethodHardware
from toolchain.proc import CancelToken

PROGRESS_AFTER_S = 1.0  # runs shorter than this show no progress notification
# What started a run; `verifyOn` is applied when the run starts, after the settings arrived.
TRIGGERS_BY_SETTING = {
    VerifyOn.change: {"open", "change", "save", "command", "settings"},
    VerifyOn.save: {"open", "save", "command", "settings"},
    VerifyOn.never: {"command"},
}
SETTINGS_WAIT_S = 5.0


class VerificationHost(ProgressHost, Protocol):
    """What the runs need of the server object (`server.app.P2SServer`)."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def settings(self) -> ServerSettings: ...

    @property
    def settings_loaded(self) -> asyncio.Event: ...

    @property
    def dafny_info(self) -> DafnyInfo | None: ...

    def too_large(self, uri: str) -> str | None: ...

    async def verifier(self) -> IncrementalVerifier: ...

    def forget_document(self, uri: str) -> None: ...

    def report_task_error(self, what: str, error: BaseException) -> None: ...


class VerificationReporter(Protocol):
    """Where the runs' outcomes go: diagnostics and status notifications to the client."""

    def verified(self, record: DocumentRecord) -> None:
        """The diagnostics of a finished verification (`record.result`, of `record.text`), with
        the front end's findings (`record.hardware`, of version `record.hardware_version`)."""

    def unusable(
        self, uri: str, version: int | None, error: ToolchainError, code: str | None
    ) -> None:
        """No verification (Dafny missing or failing, the file refused): say why."""

    def cleared(self, uri: str) -> None:
        """The document is gone: nothing stays on it."""

    def refused(self, uri: str, message: str) -> None:
        """The document is above the size limits: not kept, not verified, and why."""

    def status(self, params: VerificationStatusParams) -> None:
        """The document's per-symbol verification status changed."""


@dataclass
class Run:
    version: int | None
    task: asyncio.Task[FileVerification | None]
    cancel: CancelToken


@dataclass
class DocumentRecord:
    """What the server knows of one open document; the reporter is handed it when a
    verification (or a width proof after it) has something new to say."""

    uri: str
    run: Run | None = None
    status: VerificationStatusParams | None = None
    error: ToolchainError | None = None  # why the last run produced no verification
    # The front end's verdict per method on the text `result` is about (`hardware_version`):
    # hovers, code actions and lenses read it; nothing here starts a verifier run.
    result: FileVerification | None = None
    text: str = ""
    hardware: dict[str, MethodHardware] = field(default_factory=dict)
    hardware_version: int | None = None
    outline: Outline | None = None  # of `text`: what the next edit's verdicts are carried from
    proofs: asyncio.Task[None] | None = None
    # stops the width proof's Dafny (the task's cancel alone would leave its thread running)
    proofs_cancel: CancelToken | None = None


class DocumentRuns:
    def __init__(self, server: VerificationHost, reporter: VerificationReporter) -> None:
        self.server = server
        self.reporter = reporter
        self.records: dict[str, DocumentRecord] = {}
        # Verifier runs started (verifications with something to verify, width proofs): the
        # editor's read-only features (hover, lenses, outline) must never add to it.
        self.verifier_runs = 0

    # -- triggers ------------------------------------------------------------------------------
    def schedule(
        self,
        uri: str,
        delay_s: float = 0.0,
        *,
        trigger: str = "command",
        force: Iterable[str] = (),
        full: bool = False,
        progress_token: lsp.ProgressToken | None = None,
    ) -> Run:
        record = self.records.setdefault(uri, DocumentRecord(uri))
        self._stop(record)
        version = self._document(uri).version
        token = CancelToken()
        task = asyncio.create_task(
            self._run(uri, version, delay_s, trigger, token, tuple(force), full, progress_token),
            name=f"verify {uri} v{version}",
        )
        record.run = Run(version, task, token)
        task.add_done_callback(lambda t: self._after(uri, t))
        return record.run

    def current_run(self, uri: str) -> Run | None:
        record = self.records.get(uri)
        return record.run if record is not None else None

    def status(self, uri: str) -> VerificationStatusParams | None:
        record = self.records.get(uri)
        return record.status if record is not None else None

    def closed(self, uri: str) -> None:
        record = self.records.pop(uri, None)
        if record is not None:
            self._stop(record)
        self.server.forget_document(uri)
        self.reporter.cleared(uri)

    def cancel_all(self) -> None:
        for record in self.records.values():
            self._stop(record)

    # -- internals -----------------------------------------------------------------------------
    def _document(self, uri: str) -> lsp.VersionedTextDocumentIdentifier:
        doc = self.server.workspace.get_text_document(uri)
        return lsp.VersionedTextDocumentIdentifier(uri=uri, version=doc.version or 0)

    def _stop(self, record: DocumentRecord) -> None:
        if record.proofs_cancel is not None:
            record.proofs_cancel.cancel()
        if record.proofs is not None and not record.proofs.done():
            record.proofs.cancel()
        run = record.run
        if run is not None and not run.task.done():
            run.cancel.cancel()
            run.task.cancel()

    def _is_current(self, uri: str, run_version: int | None, task: asyncio.Task[object]) -> bool:
        record = self.records.get(uri)
        if record is None or record.run is None or record.run.task is not task:
            return False
        return self._document(uri).version == run_version

    def _after(self, uri: str, task: asyncio.Task[FileVerification | None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self.server.report_task_error(f"verifying {uri}", error)

    async def _run(
        self,
        uri: str,
        version: int | None,
        delay_s: float,
        trigger: str,
        cancel: CancelToken,
        force: tuple[str, ...],
        full: bool,
        progress_token: lsp.ProgressToken | None,
    ) -> FileVerification | None:
        server = self.server
        if delay_s > 0:
            await asyncio.sleep(delay_s)  # debounce: a newer edit cancels this sleep
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.settings_loaded.wait(), SETTINGS_WAIT_S)
        if trigger not in TRIGGERS_BY_SETTING[server.settings.verify_on]:
            return None
        task = asyncio.current_task()
        record = self.records.get(uri)
        if task is None or record is None:
            return None  # closed meanwhile
        refusal = server.too_large(uri)
        if refusal is not None:
            # A refused buffer, or a file on disk above the limit (a save, a command): not read.
            self._unusable(uri, version, ToolchainError(refusal), task, code=TOO_LARGE_CODE)
            return None
        try:
            text = server.workspace.get_text_document(uri).source
        except (OSError, UnicodeDecodeError) as exc:
            self._unusable(uri, version, ToolchainError(f"cannot read {uri}: {exc}"), task)
            return None
        filename = filename_for(uri)
        try:
            verifier = await server.verifier()
        except ToolchainError as exc:
            self._unusable(uri, version, exc, task)
            return None
        request = VerifyRequest(
            timeout_s=server.settings.dafny.timeout_s,
            vc_time_limit_s=server.settings.dafny.vc_time_limit_s,
        )
        prepared = await asyncio.to_thread(
            verifier.prepare, uri, text, filename, request, force=force, full=full
        )
        plan = prepared.plan
        if self._is_current(uri, version, task):
            self._notify(self._starting(uri, version, prepared, record.status), record)
        progress = WorkDone(
            server,
            f"Verifying {Path(filename).name}",
            on_cancel=cancel.cancel,
            token=progress_token,
            message=verify_message(len(plan.verify), full=plan.full),
        )
        shower = asyncio.create_task(self._show_progress(progress, progress_token is not None))
        started = time.monotonic()
        if plan.verify:
            self.verifier_runs += 1
        # The front end without Dafny (which methods can become hardware) needs only the text:
        # it runs on its own thread while Dafny verifies. Methods the edit cannot have changed
        # keep their verdicts (and proven widths), so it analyses only the others: on two busy
        # cores its CPU time is taken from Dafny's.
        carried = carry_hardware(
            record.outline, record.hardware, prepared.outline, filename, filename
        )
        again = [name for name in prepared.outline.order if name not in carried]
        front_end = asyncio.create_task(asyncio.to_thread(front_end_pass, text, filename, again))
        try:
            outcome = await asyncio.to_thread(verifier.run, prepared, cancel)
        except asyncio.CancelledError:
            # Superseded by a newer version (which reports for itself), or the request that
            # asked for this run was cancelled: the thread's Dafny run stops either way.
            cancel.cancel()
            self._cancelled(uri, version, task, record)
            raise
        except CancelledError:
            # The client's Cancel button on the progress notification.
            self._cancelled(uri, version, task, record)
            return None
        except ToolchainError as exc:
            self._unusable(uri, version, exc, task)
            return None
        finally:
            shower.cancel()
            progress.end()
            if not front_end.done():
                # the early returns above never await it: its outcome is collected when done
                front_end.add_done_callback(_consume)
        result = outcome.verification
        duration_s = time.monotonic() - started
        fresh = await front_end
        if self._is_current(uri, version, task):
            hardware = {
                name: found
                for name in prepared.outline.order
                for found in [carried.get(name) or fresh.get(name)]
                if found is not None
            }
            record.error = None
            record.result, record.text, record.outline = result, text, prepared.outline
            record.hardware, record.hardware_version = hardware, version
            self.reporter.verified(record)
            self._notify(
                self._finished(uri, version, result, outcome.plan, duration_s, hardware), record
            )
            if server.settings.prove_widths and verifier.engine is not None:
                record.proofs_cancel = CancelToken()
                record.proofs = asyncio.create_task(
                    self._prove_widths(uri, version, record, verifier, record.proofs_cancel),
                    name=f"widths {uri}",
                )
        return result

    async def _prove_widths(
        self,
        uri: str,
        version: int | None,
        record: DocumentRecord,
        verifier: IncrementalVerifier,
        cancel: CancelToken,
    ) -> None:
        """After the lenses are out: the width obligations of each verified method that lowers,
        proven by Dafny one method at a time (hovers then say "proven by Dafny"). A newer
        version of the document or shutdown cancels this, its running Dafny killed through
        `cancel`; a refuted range makes the method not hardware."""
        assert record.result is not None and verifier.engine is not None
        verified = {m.name for m in record.result.methods if m.status.value == "verified"}
        filename = filename_for(uri)
        for name, found in list(record.hardware.items()):
            if not found.ready or found.proven or name not in verified:
                continue
            if self.records.get(uri) is not record or record.hardware_version != version:
                return
            self.verifier_runs += 1
            try:
                proven = await asyncio.to_thread(
                    prove_method_widths, record.text, name, filename, verifier.engine, cancel
                )
            except ToolchainError as exc:
                self.server.report_task_error(f"proving the widths of {name}", exc)
                continue
            if (
                proven is None  # cancelled
                or self.records.get(uri) is not record
                or record.hardware_version != version
            ):
                return
            # the directive warnings come from the cheap pass only: keep them
            record.hardware[name] = with_directive_findings(proven, found)
            if not proven.ready:  # Dafny refuted a range: the lens and Problems must say so
                self.reporter.verified(record)
                if record.status is not None:
                    self._notify(_with_hardware(record.status, record.hardware), record)

    def _cancelled(
        self, uri: str, version: int | None, task: asyncio.Task[object], record: DocumentRecord
    ) -> None:
        if self.records.get(uri) is not record or record.run is None or record.run.task is not task:
            return  # superseded: the newer run reports for itself
        self._notify(
            VerificationStatusParams(
                uri=uri,
                version=version,
                state=VerificationState.cancelled,
                symbols=[
                    s.model_copy(update={"status": MethodStatus.not_verified})
                    if s.status == VERIFYING
                    else s
                    for s in (record.status.symbols if record.status else [])
                ],
                dafny=self.server.dafny_info,
                message="verification cancelled",
            ),
            record,
        )

    async def _show_progress(self, progress: WorkDone, at_once: bool) -> None:
        if not at_once:
            await asyncio.sleep(PROGRESS_AFTER_S)
        await progress.begin()

    def _unusable(
        self,
        uri: str,
        version: int | None,
        error: ToolchainError,
        task: asyncio.Task[object],
        code: str | None = None,
    ) -> None:
        """Dafny missing or failing, or the file refused: no verification, and the reporter says
        why."""
        if not self._is_current(uri, version, task):
            return
        record = self.records.setdefault(uri, DocumentRecord(uri))
        record.error = error
        self.reporter.unusable(uri, version, error, code)
        self._notify(
            VerificationStatusParams(
                uri=uri, version=version, state=VerificationState.unavailable, message=str(error)
            ),
            record,
        )

    def _notify(self, params: VerificationStatusParams, record: DocumentRecord) -> None:
        record.status = params
        self.reporter.status(params)

    def _starting(
        self,
        uri: str,
        version: int | None,
        prepared: Prepared,
        previous: VerificationStatusParams | None,
    ) -> VerificationStatusParams:
        plan = prepared.plan
        before = {s.name: s for s in previous.symbols} if previous is not None else {}
        index = LineIndex.of(prepared.text)
        symbols: list[SymbolVerificationStatus] = []
        for name in prepared.outline.order:
            sym = prepared.outline.declarations[name].symbol
            rng = symbol_range(index, sym)
            earlier = before.get(sym.qualified)
            if sym.qualified in plan.verify or earlier is None:
                symbols.append(
                    SymbolVerificationStatus(
                        name=sym.qualified, kind=sym.kind, range=rng, status=VERIFYING
                    )
                )
            else:
                # Unaffected by the edit: its last state, duration and errors, where it is now.
                symbols.append(
                    earlier.model_copy(update={"kind": sym.kind, "range": rng, "reused": True})
                )
        return VerificationStatusParams(
            uri=uri,
            version=version,
            state=VerificationState.verifying,
            symbols=symbols,
            dafny=self.server.dafny_info,
            incremental=not plan.full,
            message=plan.reason,
        )

    def _finished(
        self,
        uri: str,
        version: int | None,
        result: FileVerification,
        plan: Plan,
        duration_s: float,
        hardware: dict[str, MethodHardware],
    ) -> VerificationStatusParams:
        symbols = [
            SymbolVerificationStatus.model_validate(
                m.model_dump(include=_OUTCOME_FIELDS)
                | {"reused": m.name in plan.reuse, "hardware": readiness(hardware.get(m.name))}
            )
            for m in result.methods
            if m.range is not None
        ]
        return VerificationStatusParams(
            uri=uri,
            version=version,
            state=VerificationState.done,
            status=result.status,
            symbols=symbols,
            dafny=result.dafny or self.server.dafny_info,
            duration_s=duration_s,
            incremental=not plan.full,
            message=plan.reason,
        )


# what a symbol's editor state takes over from the verifier's outcome for it (name, kind, range,
# status, duration, error count): the fields the two models share
_OUTCOME_FIELDS = set(SymbolVerificationStatus.model_fields) & set(MethodOutcome.model_fields)


def readiness(found: MethodHardware | None) -> HardwareReadiness | None:
    if found is None:
        return None
    return HardwareReadiness(ready=found.ready, reason=found.reason, code=found.code)


def _with_hardware(
    status: VerificationStatusParams, hardware: dict[str, MethodHardware]
) -> VerificationStatusParams:
    symbols = [
        s.model_copy(update={"hardware": readiness(hardware.get(s.name))}) for s in status.symbols
    ]
    return status.model_copy(update={"symbols": symbols})


def _consume(task: asyncio.Task[dict[str, MethodHardware]]) -> None:
    """The result of a front-end pass nobody waits for any more (its run was superseded)."""
    if not task.cancelled():
        task.exception()


def verify_message(count: int, *, full: bool) -> str:
    """The progress line of a verification: "3 declarations", "1 declaration changed"; with
    nothing changed it says the earlier results stand (never "0 declaration(s) changed")."""
    if count == 0:
        return "nothing changed: earlier results kept"
    noun = "declaration" if count == 1 else "declarations"
    return f"{count} {noun}" + ("" if full else " changed")
