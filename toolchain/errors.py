"""Errors the user can act on. Each carries a one-line message and, where we know it, a hint."""


class ToolchainError(Exception):
    """A failure to report to the user as one clear line (never a traceback)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(ToolchainError):
    """The user's input cannot be used: missing, unreadable, too large, wrong kind."""


class OutputExistsError(InputError):
    """Writing would overwrite files an earlier run left; nothing was written."""

    def __init__(self, paths: list[str]) -> None:
        message = "; ".join(f"{path} already exists" for path in paths)
        super().__init__(message, hint="pass --force to overwrite it")
        self.paths = paths


class ToolNotFoundError(ToolchainError):
    """An external tool is not installed or not where the settings say."""


class ToolCrashedError(ToolchainError):
    """An external tool ended in a way we cannot interpret as a result."""


class ToolTimeoutError(ToolchainError):
    """An external tool ran past its limit and was killed."""


class CancelledError(ToolchainError):
    """The user cancelled the operation."""
