"""Errors of the HLS back ends."""

from toolchain.errors import ToolchainError


class HlsError(ToolchainError):
    """The method cannot be turned into RTL by this back end (the message says why).

    `loc` ("file:line:col") names the Dafny expression at fault when one is known, so that a
    caller can place the diagnostic on it.
    """

    loc: str | None = None
