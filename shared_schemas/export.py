"""Write the JSON Schema of every model in this package: `python -m shared_schemas.export DIR`.

The TypeScript types of the extension are generated from these files; CI regenerates them and
fails when the committed copies differ.

Besides the models, the bundle holds the protocol enums (`shared_schemas.lsp.PROTOCOL_ENUMS`:
command ids, notification names, error codes). JSON Schema keeps an enum's values but not its
member names, so each of those carries them in `x-enum-names`; the extension's generator turns
such an enum into a TypeScript enum with the same member names.
"""

import importlib
import inspect
import json
import pkgutil
import sys
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

import shared_schemas
from shared_schemas.base import Model
from shared_schemas.lsp import PROTOCOL_ENUMS


def all_models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in sorted(pkgutil.iter_modules(shared_schemas.__path__), key=lambda i: i.name):
        if info.name in {"export", "base"}:
            continue
        module = importlib.import_module(f"shared_schemas.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Model) and obj is not Model and obj.__module__ == module.__name__:
                if name in found and found[name] is not obj:
                    raise SystemExit(f"two schema models are both called {name}")
                found[name] = obj
    return found


def enum_schema(enum: type[Enum]) -> dict[str, object]:
    """An enum's JSON Schema with its member names, in value order, as `x-enum-names`."""
    schema: dict[str, object] = TypeAdapter(enum).json_schema()
    schema["x-enum-names"] = [member.name for member in enum]
    return schema


def bundle() -> dict[str, object]:
    """One schema document whose $defs hold every model, so cross references resolve."""
    defs: dict[str, object] = {}
    for name, model in all_models().items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[name] = schema
    for enum in PROTOCOL_ENUMS:
        if enum.__name__ in defs:
            raise SystemExit(f"the protocol enum {enum.__name__} shares its name with a model")
        defs[enum.__name__] = enum_schema(enum)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proof2Silicon",
        "$defs": dict(sorted(defs.items())),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("shared_schemas/json")
    out.mkdir(parents=True, exist_ok=True)
    target = out / "proof2silicon.schema.json"
    text = json.dumps(bundle(), indent=2, sort_keys=True) + "\n"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
