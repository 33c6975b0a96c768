"""Handlers by node class: the `isinstance` chain of a pass that treats each kind of node its own
way, written once as a table.

A handler is registered for a class and takes the pass (its owner) and a node of that class; mypy
checks each pairing where it is registered, and `handler` finds the one for a node as `isinstance`
would (a subclass of a registered class gets its base's handler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

_Owner = TypeVar("_Owner")
_Node = TypeVar("_Node")
_Result = TypeVar("_Result")
_Kind = TypeVar("_Kind")


class ByKind(Generic[_Owner, _Node, _Result]):
    """Handlers `(owner, node) -> result` by the node's class."""

    def __init__(self) -> None:
        self._handlers: dict[type, Callable[[_Owner, _Node], _Result]] = {}

    def on(
        self, kind: type[_Kind], handler: Callable[[_Owner, _Kind], _Result]
    ) -> ByKind[_Owner, _Node, _Result]:
        # the cast is sound: `handler` below gives it only nodes that are instances of `kind`
        self._handlers[kind] = cast(Callable[[_Owner, _Node], _Result], handler)
        return self

    def handler(self, node: _Node) -> Callable[[_Owner, _Node], _Result] | None:
        for kind in type(node).__mro__:
            found = self._handlers.get(kind)
            if found is not None:
                return found
        return None
