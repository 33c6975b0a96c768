"""One way for a command to call the engine: `engine_call`.

Every long command (`proof2silicon.generate`, `.synthesize`, `.verify`) does the same five
things around its engine function, and they live here once:

- the command's first argument is validated into its `shared_schemas` model (an invalid request
  is a `CommandFailed` naming what was wrong);
- a `CancelToken` is wired to `$/cancelRequest` (through `P2SServer.cancellable_request`) and to
  the Cancel button of the work-done progress;
- `EngineCall.run` runs the engine function on a worker thread with the Dafny engine, under
  work-done progress fed by the engine's progress callback;
- `ToolchainError`s become JSON-RPC errors: `OutputExistsError` (and its `ForeignFilesError`)
  is `ErrorCode.output_exists` with `OutputExistsData(paths=...)` so that the client can offer
  `force`; any other is `CommandFailed` (LSP RequestFailed) carrying its message and hint.

    async with engine_call(ls, SynthesizeParams, args, "synthesize") as call:
        result = await call.run("Synthesizing", run_synthesis, progress_text)

`register_engine_command` registers a command that is exactly that call and answers its result
(generate, synthesize, explore).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from lsprotocol import types as lsp
from pydantic import BaseModel, ValidationError
from pygls.exceptions import JsonRpcException

from server.app import P2SServer
from server.progress import WorkDone
from server.quiet_errors import REQUEST_FAILED
from shared_schemas.lsp import ErrorCode, OutputExistsData, ServerSettings
from toolchain.dafny import DafnyEngine
from toolchain.errors import OutputExistsError, ToolchainError
from toolchain.proc import CancelToken

ParamsT = TypeVar("ParamsT", bound=BaseModel)
Params_contra = TypeVar("Params_contra", bound=BaseModel, contravariant=True)
Progress_co = TypeVar("Progress_co", covariant=True)
Progress = TypeVar("Progress")
Result_co = TypeVar("Result_co", covariant=True)
Result = TypeVar("Result")
ResultModel = TypeVar("ResultModel", bound=BaseModel)


class CommandFailed(JsonRpcException):
    """A failure the user can act on, as the request's error response."""

    CODE = REQUEST_FAILED


class EngineFunction(Protocol[Params_contra, Progress_co, Result_co]):
    """The shape of `toolchain.generate.run_generate` and `toolchain.synthesize.run_synthesis`."""

    def __call__(
        self,
        params: Params_contra,
        settings: ServerSettings,
        /,
        *,
        progress: Callable[[Progress_co], None] | None,
        cancel: CancelToken | None,
        engine: DafnyEngine | None,
    ) -> Result_co: ...


async def require_engine(ls: P2SServer) -> DafnyEngine:
    """The Dafny engine for a command (the warm verifier's, else a fresh discovery), or a
    CommandFailed that tells the user how to install Dafny."""
    try:
        verifier = await ls.verifier()
        if verifier.engine is not None:
            return verifier.engine
        engine: DafnyEngine = await asyncio.to_thread(DafnyEngine.discover, ls.settings.dafny)
        return engine
    except ToolchainError as exc:
        raise CommandFailed(str(exc)) from exc


def validated(model: type[ParamsT], args: Sequence[Any], what: str) -> ParamsT:
    """The command's first argument as `model` (an empty object when it sent none)."""
    try:
        return model.model_validate(args[0] if args else {})
    except ValidationError as exc:
        # one line per error, not pydantic's multi-line report with documentation links
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'the argument'}: {e['msg']}"
            for e in exc.errors()
        )
        raise CommandFailed(f"invalid {what} request: {problems}") from exc


def as_response_error(error: ToolchainError) -> JsonRpcException:
    """The JSON-RPC error a client decides on by its code (never by its text)."""
    if isinstance(error, OutputExistsError):
        return JsonRpcException(
            str(error),
            code=int(ErrorCode.output_exists),
            data=OutputExistsData(paths=error.paths).model_dump(mode="json"),
        )
    return CommandFailed(str(error))


@dataclass
class EngineCall(Generic[ParamsT]):
    """One command request in progress: its validated params, its cancel token and the
    workDoneToken the client sent with it."""

    server: P2SServer
    params: ParamsT
    cancel: CancelToken
    progress_token: lsp.ProgressToken | None

    async def run(
        self,
        title: str,
        function: EngineFunction[ParamsT, Progress, Result],
        describe: Callable[[Progress], tuple[str, int]],
    ) -> Result:
        """`function(params, settings, ...)` on a worker thread, under work-done progress whose
        text and percentage `describe` makes from each of the engine's progress events."""
        engine = await require_engine(self.server)
        loop = asyncio.get_running_loop()
        async with WorkDone(
            self.server, title, on_cancel=self.cancel.cancel, token=self.progress_token
        ) as work:

            def report(event: Progress) -> None:
                # called on the worker thread; progress goes out on the event loop
                loop.call_soon_threadsafe(work.report, *describe(event))

            return await asyncio.to_thread(
                function,
                self.params,
                self.server.settings,
                progress=report,
                cancel=self.cancel,
                engine=engine,
            )


@contextlib.asynccontextmanager
async def engine_call(
    server: P2SServer, model: type[ParamsT], args: Sequence[Any], what: str
) -> AsyncIterator[EngineCall[ParamsT]]:
    """A command request around an engine call: see the module's docstring."""
    params = validated(model, args, what)
    cancel = CancelToken()
    with server.cancellable_request() as token:
        try:
            yield EngineCall(server, params, cancel, token)
        except asyncio.CancelledError:
            # `$/cancelRequest` (or shutdown) cancelled the handler: stop the engine's thread too.
            cancel.cancel()
            raise
        except ToolchainError as exc:
            raise as_response_error(exc) from exc


def register_engine_command(
    server: P2SServer,
    command: str,
    model: type[ParamsT],
    title: Callable[[ParamsT], str],
    function: EngineFunction[ParamsT, Progress, ResultModel],
    describe: Callable[[Progress], tuple[str, int]],
    *,
    done: Callable[[P2SServer, ParamsT, ResultModel], None] | None = None,
) -> None:
    """Registers `command` as one `engine_call` of `function` under work-done progress titled
    `title(params)`, answering the result as JSON (`done`, if given, first sees the result)."""
    what = command.rsplit(".", 1)[-1]

    async def handler(ls: P2SServer, *args: Any) -> dict[str, Any]:
        async with engine_call(ls, model, args, what) as call:
            result = await call.run(title(call.params), function, describe)
        if done is not None:
            done(ls, call.params, result)
        return result.model_dump(mode="json")

    server.command(command)(handler)


__all__ = [
    "CommandFailed",
    "EngineCall",
    "as_response_error",
    "engine_call",
    "register_engine_command",
    "require_engine",
    "validated",
]
