"""One line per user error: pygls logs every error response with its traceback, so a request
refused for a reason the user can fix (a method that is not hardware, a missing API key, an
output folder to confirm) used to leave a Python traceback in the editor's output channel.

`install` drops those records from pygls' logger: the error response carries the message, and
the client writes it as one line. Internal errors (any other exception) keep their traceback, and
at debug level (`P2S_SERVER_LOG=DEBUG`, the extension's `trace: verbose`) everything is kept.
"""

from __future__ import annotations

import logging

from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled

from shared_schemas.lsp import ErrorCode

# LSP RequestFailed: a valid request that could not be carried out (`CommandFailed`)
REQUEST_FAILED = -32803
USER_ERROR_CODES = frozenset({REQUEST_FAILED, int(ErrorCode.output_exists)})
PYGLS_LOGGERS = ("pygls.protocol.json_rpc", "pygls.protocol.language_server")


def is_user_error(error: BaseException | None) -> bool:
    """An error response about the request itself, not a defect of the server."""
    if isinstance(error, JsonRpcRequestCancelled):
        return True
    return isinstance(error, JsonRpcException) and error.code in USER_ERROR_CODES


class UserErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or not record.exc_info:
            return True
        if not is_user_error(record.exc_info[1]):
            return True
        # kept only when the log is verbose anyway
        return logging.getLogger("proof2silicon.server").isEnabledFor(logging.DEBUG)


def install() -> None:
    for name in PYGLS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, UserErrorFilter) for f in logger.filters):
            logger.addFilter(UserErrorFilter())


__all__ = ["REQUEST_FAILED", "USER_ERROR_CODES", "UserErrorFilter", "install", "is_user_error"]
