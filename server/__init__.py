"""The Proof2Silicon language server (pygls 2.x over stdio): `python -m server`.

A thin adapter: features in `server/features/` turn LSP messages into calls on `toolchain/` and
its results into diagnostics, code lenses and notifications (see `server.features`).
"""

from server.app import P2SServer


def create_server() -> P2SServer:
    from server.features import register_all
    from server.features.diagnostics import Diagnostics

    server = P2SServer(reporter=Diagnostics)
    register_all(server)
    return server


__all__ = ["P2SServer", "create_server"]
