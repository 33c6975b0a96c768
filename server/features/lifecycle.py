"""Settings at start-up and on change; clean shutdown (the warm verifier stops with the server)."""

from __future__ import annotations

import asyncio
import importlib

from lsprotocol import types as lsp

from server.app import P2SServer
from server.convert import is_dafny_document
from server.features.inlay_hints import refresh_inlay_hints
from server.settings import parse_settings, unwrap_initialization_options
from shared_schemas.lsp import CONFIGURATION_SECTION

FRONT_END = "toolchain.frontend.driver"


async def _fetch_settings(ls: P2SServer, fallback: object) -> object:
    if not ls.client_supports("workspace.configuration"):
        return fallback
    try:
        values = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=CONFIGURATION_SECTION)])
        )
    except Exception as exc:
        ls.log(f"workspace/configuration failed ({exc}); using the start-up settings")
        return fallback
    return values[0] if values and values[0] is not None else fallback


def _apply(ls: P2SServer, raw: object) -> bool:
    settings, warnings = parse_settings(raw)
    for w in warnings:
        ls.log(w, lsp.MessageType.Warning)
    return ls.apply_settings(settings)


def register(server: P2SServer) -> None:
    @server.feature(lsp.INITIALIZE)
    def initialize(ls: P2SServer, params: lsp.InitializeParams) -> None:
        ls.initialization_options = unwrap_initialization_options(params.initialization_options)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: P2SServer, params: lsp.InitializedParams) -> None:
        # The front end (parser, lowering: about half a second to import) runs after the first
        # verification; loading it now keeps that out of the time to the first diagnostics.
        asyncio.get_running_loop().run_in_executor(None, importlib.import_module, FRONT_END)
        _apply(ls, await _fetch_settings(ls, ls.initialization_options))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(
        ls: P2SServer, params: lsp.DidChangeConfigurationParams
    ) -> None:
        pushed = params.settings
        if isinstance(pushed, dict) and CONFIGURATION_SECTION in pushed:
            pushed = pushed[CONFIGURATION_SECTION]
        hints_before = ls.settings.inlay_hints
        engine_changed = _apply(ls, await _fetch_settings(ls, pushed))
        if ls.settings.inlay_hints != hints_before:
            refresh_inlay_hints(ls)  # shown or hidden now, without waiting for an edit
        if not engine_changed:
            return
        # Dafny runs differently now: verify the open documents again.
        for uri, doc in list(ls.workspace.text_documents.items()):
            if is_dafny_document(uri, doc.language_id):
                ls.documents.schedule(uri, trigger="settings")

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: P2SServer, params: None) -> None:
        ls.close()

    @server.feature(lsp.EXIT)
    def exit_(ls: P2SServer, params: None) -> None:
        ls.close()
