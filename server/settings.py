"""Read the `proof2silicon` configuration section into the typed `ServerSettings`.

Clients send it in either spelling: the VS Code extension converts to the model's snake_case,
a generic client passes VS Code's camelCase (`verifyOn`, `dafny.vcTimeLimitS`). Client-only keys
(`pythonPath`, `trace`) are dropped; an invalid value falls back to its default with a warning
instead of rejecting the whole section.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from shared_schemas.lsp import ServerSettings

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
