"""Command-line flags that are fields of one pydantic model.

A flag's destination is its field's name, its default is read from the field, a number field's
flag parses its text as the field's type (int or float), and the parsed values go back into the
model by name: a default, a type or a bound is written once, in the schema, and a value the model
refuses is reported against the flag the user typed.
"""

from __future__ import annotations

import argparse
import types
from typing import Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from toolchain.errors import InputError

M = TypeVar("M", bound=BaseModel)


def _number_type(annotation: Any) -> type[int] | type[float] | None:
    """int or float where the field holds that number (`int`, `float | None`), else None (a
    string, an enum or a path reaches the model as text and the model converts it)."""
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        annotation = kinds[0] if len(kinds) == 1 else None
    if annotation is int:
        return int
    if annotation is float:
        return float
    return None


class ModelFlags(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = model.model_fields
        # field -> flag, where the flag is not the field's name
        self.flag_of: dict[str, str] = {}

    def flag(self, name: str) -> str:
        return self.flag_of.get(name, "--" + name.replace("_", "-"))

    def default(self, name: str) -> Any:
        return self.fields[name].default

    def help(self, name: str, extra: str = "") -> str:
        """The field's description, then its default where it has a shown one."""
        text = self.fields[name].description or name
        default = self.default(name)
        if default is None or isinstance(default, bool):
            return f"{text}{extra}"
        return f"{text}{extra} (default {getattr(default, 'value', default)})"

    def option(
        self,
        p: argparse.ArgumentParser,
        name: str,
        flag: str | None = None,
        help: str | None = None,
        **kw: Any,
    ) -> None:
        """A valued flag for field `name` (`--name` unless `flag` is given), its default (an
        enum's by value) and, for a number, its type from the field (`type=` in `kw` wins)."""
        if flag is not None:
            self.flag_of[name] = flag
        default = self.default(name)
        number = _number_type(self.fields[name].annotation)
        if number is not None:
            kw.setdefault("type", number)
        p.add_argument(
            self.flag(name),
            dest=name,
            default=getattr(default, "value", default),
            help=self.help(name) if help is None else help,
            **kw,
        )

    def choice(self, p: argparse.ArgumentParser, name: str, help: str | None = None) -> None:
        """A flag whose values are those of the field's enum type."""
        self.option(p, name, help=help, choices=[v.value for v in type(self.default(name))])

    def switch(
        self, p: argparse.ArgumentParser, name: str, flag: str | None = None, help: str = ""
    ) -> None:
        """A boolean flag: `--name` sets a field off by default; `flag` clears one on by default."""
        default = self.default(name)
        p.add_argument(
            flag or self.flag(name),
            dest=name,
            action="store_false" if default else "store_true",
            default=default,
            help=help or self.help(name),
        )

    def build(self, args: argparse.Namespace, **fixed: Any) -> M:
        """The model the parsed flags describe, with `fixed` for fields no flag carries."""
        values = {
            name: getattr(args, name)
            for name in self.fields
            if name not in fixed and hasattr(args, name)
        }
        try:
            return self.model(**fixed, **values)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else ""
            raise InputError(f"{self.flag(name)}: {first['msg']}") from exc
