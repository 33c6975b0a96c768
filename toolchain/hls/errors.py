"""Errors of the HLS back ends."""

from toolchain.errors import ToolchainError


class HlsError(ToolchainError):
    """The method cannot be turned into RTL by this back end (the message says why)."""
