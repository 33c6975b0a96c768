"""Read the `proof2silicon` configuration section into the typed `ServerSettings`.

Clients send it in either spelling: the VS Code extension converts to the model's snake_case,
a generic client passes VS Code's camelCase (`verifyOn`, `dafny.vcTimeLimitS`). Client-only keys
(`pythonPath`, `trace`) are dropped; an invalid value falls back to its default with a warning
instead of rejecting the whole section.

`TransportLimits` (message and document size limits) come from the environment instead: the
framing reader needs them before the client has sent any settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, Field, ValidationError

from server.framing import DEFAULT_MAX_MESSAGE_BYTES, MIB
from shared_schemas.lsp import ServerSettings

DEFAULT_MAX_DOCUMENT_BYTES: Final = 4 * MIB

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(key: str) -> str:
    return _CAMEL.sub(r"_\1", key).lower()


def _known_fields(
    model: type[BaseModel], raw: dict[str, Any], path: str, dropped: list[str]
) -> dict[str, Any]:
    """`raw` with snake_case keys, limited to the model's fields (recursively for sub-models)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = snake_case(str(key))
        field = model.model_fields.get(name)
        if field is None:
            dropped.append(f"{path}{key}")
            continue
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(value, dict):
            value = _known_fields(sub, value, f"{path}{key}.", dropped)
        if isinstance(value, str) and not value.strip() and field.default is None:
            value = None  # an emptied text box means "not set"
        out[name] = value
    return out


def parse_settings(raw: object) -> tuple[ServerSettings, list[str]]:
    """(settings, warnings) from a configuration value; never raises."""
    if raw is None:
        return ServerSettings(), []
    if not isinstance(raw, dict):
        return ServerSettings(), [
            f"ignored proof2silicon settings: expected an object, got {raw!r}"
        ]
    dropped: list[str] = []
    data = _known_fields(ServerSettings, raw, "", dropped)
    warnings: list[str] = []
    for _ in range(8):
        try:
            return ServerSettings.model_validate(data), warnings
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err["loc"]]
                warnings.append(f"proof2silicon.{'.'.join(loc)}: {err['msg']}; using the default")
                _remove(data, loc)
    return ServerSettings(), warnings


def _remove(data: dict[str, Any], loc: list[str]) -> None:
    node: Any = data
    for part in loc[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(loc[-1], None)
    if len(loc) > 1 and isinstance(data.get(loc[0]), dict) and not data[loc[0]]:
        data.pop(loc[0])


def unwrap_initialization_options(options: object) -> object:
    """The settings inside `initializationOptions` (`{"settings": {...}}` or the section itself)."""
    if isinstance(options, dict) and isinstance(options.get("settings"), dict):
        return options["settings"]
    return options


MAX_MESSAGE_ENV = "P2S_MAX_MESSAGE_BYTES"
MAX_DOCUMENT_ENV = "P2S_MAX_DOCUMENT_BYTES"


class TransportLimits(BaseModel):
    """Size limits of what a client may send; read at start-up (before any settings arrive)
    from `P2S_MAX_MESSAGE_BYTES` / `P2S_MAX_DOCUMENT_BYTES` or the matching command-line flags.

    A message above `max_message_bytes` is skipped unread (an error response if it was a
    request, a message and a diagnostic otherwise); a document above `max_document_bytes` (UTF-8)
    is not kept or verified. Documents are bounded below messages because JSON escaping can
    double a text's size.
    """

    max_message_bytes: int = Field(default=DEFAULT_MAX_MESSAGE_BYTES, ge=1024)
    max_document_bytes: int = Field(default=DEFAULT_MAX_DOCUMENT_BYTES, ge=1)


def transport_limits(
    environ: Mapping[str, str],
    *,
    max_message_bytes: int | None = None,
    max_document_bytes: int | None = None,
) -> tuple[TransportLimits, list[str]]:
    """(limits, warnings): flags over environment over defaults; a bad value is ignored."""
    values: dict[str, int] = {}
    warnings: list[str] = []
    for name, env, flag in (
        ("max_message_bytes", MAX_MESSAGE_ENV, max_message_bytes),
        ("max_document_bytes", MAX_DOCUMENT_ENV, max_document_bytes),
    ):
        raw: object = flag if flag is not None else environ.get(env, "").strip() or None
        if raw is None:
            continue
        try:
            checked = TransportLimits.model_validate({name: raw})
        except ValidationError as exc:
            warnings.append(f"{env}={raw!r}: {exc.errors()[0]['msg']}; using the default")
            continue
        values[name] = getattr(checked, name)
    return TransportLimits.model_validate(values), warnings
