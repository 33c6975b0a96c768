"""Dafny types as the front end sees them: what hardware type each becomes, or why it cannot.

A subset type or newtype over int keeps its constraint's range (`newtype u8 = x | 0 <= x < 256`
gives [0, 255]): Dafny itself proves every value of that type satisfies the constraint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.chars import CHAR_MAX
from toolchain.frontend.datatypes import enum_refusal
from toolchain.frontend.facts import constraint_range
from toolchain.frontend.interval import TOP, Interval, bits_unsigned

_BV = re.compile(r"bv(\d+)$")


@dataclass(frozen=True)
class DType:
    kind: str  # int, bool, bv, array, seq, unsupported
    range: Interval = TOP  # declared range of int values (nat: [0, inf))
    width: int = 0  # bv width
    element: DType | None = None
    name: str = ""
    reason: str = ""  # why it is unsupported
    code: str = ""
    # an enumeration datatype (an int holding the constructor's index): its constructors
    ctors: tuple[str, ...] = ()

    @property
    def is_int(self) -> bool:
        return self.kind in ("int", "bv")

    @property
    def is_collection(self) -> bool:
        return self.kind in ("array", "seq")

    def to_ir(self, mutable: bool = False) -> ir.HwType:
        if self.kind == "bool":
            return ir.BOOL
        if self.kind == "bv":
            return ir.IntType(width=self.width, signed=False, wraps=True)
        if self.kind == "int":
            return ir.IntType(width=None, signed=self.range.lo is None or self.range.lo < 0)
        if self.kind in ("array", "seq"):
            assert self.element is not None
            elem = self.element.to_ir()
            assert isinstance(elem, ir.BoolType | ir.IntType)
            kind: Literal["array", "seq"] = "array" if self.kind == "array" else "seq"
            return ir.ArrayType(
                element=elem, length=None, max_length=None, kind=kind, mutable=mutable
            )
        raise ValueError(f"{self.name} has no hardware type: {self.reason}")


INT = DType("int", name="int")
NAT = DType("int", range=Interval(0, None), name="nat")
BOOL = DType("bool", name="bool")
# a char is its code point: an unsigned integer that Dafny's type system keeps in [0, CHAR_MAX]
# (see `chars`); `string` is `seq<char>`
CHAR = DType("int", range=Interval(0, CHAR_MAX), name="char")
STRING = DType("seq", element=CHAR, name="string")

_UNSUPPORTED_NAMES: dict[str, tuple[str, str]] = {
    "real": ("HW105", "real numbers have no fixed-width hardware representation"),
    "set": ("HW103", "a set has no fixed size in hardware"),
    "iset": ("HW103", "an infinite set has no hardware representation"),
    "multiset": ("HW103", "a multiset has no fixed size in hardware"),
    "map": ("HW103", "a map has no fixed size in hardware"),
    "imap": ("HW103", "an infinite map has no hardware representation"),
    "object": ("HW102", "heap objects (classes) are not hardware"),
    "ORDINAL": ("HW105", "ordinals have no hardware representation"),
}


def unsupported(name: str, code: str, reason: str) -> DType:
    return DType("unsupported", name=name, reason=reason, code=code)


class TypeResolver:
    def __init__(self, program: A.Program, consts: Mapping[str, int]) -> None:
        self.consts = consts
        # type parameters of the generic method being inlined, with the types its call gives them
        self.generic: dict[str, DType] = {}
        self.types: dict[str, A.TypeDecl] = {}
        self.others: dict[str, A.OtherDecl] = {}
        for d in program.decls:
            if isinstance(d, A.TypeDecl):
                self.types[d.name] = d
            elif isinstance(d, A.OtherDecl):
                self.others[d.name] = d

    def resolve(self, t: A.TypeRef, depth: int = 0) -> DType:
        name = t.name.split(".")[-1]
        if t.name in self.generic and not t.args:
            return self.generic[t.name]
        if depth > 20:
            return unsupported(t.name, "HW111", "type synonyms nest too deeply")
        if name == "int":
            return INT
        if name == "nat":
            return NAT
        if name == "bool":
            return BOOL
        if name == "char":
            return CHAR
        if name == "string":
            return STRING
        m = _BV.match(name)
        if m:
            w = int(m.group(1))
            if w == 0:
                return unsupported(t.name, "HW111", "bv0 carries no data")
            return DType("bv", range=bits_unsigned(w), width=w, name=name)
        if name in ("array", "array?", "seq"):
            if len(t.args) != 1:
                return unsupported(str(t), "HW111", "collection without an element type")
            elem = self.resolve(t.args[0], depth + 1)
            if elem.kind == "unsupported":
                return elem
            if elem.ctors:
                return unsupported(
                    str(t), "HW111", "collections of datatype values are not hardware data yet"
                )
            if elem.is_collection:
                return unsupported(
                    str(t), "HW113", "nested collections (arrays of arrays) are not supported"
                )
            kind = "seq" if name == "seq" else "array"
            return DType(kind, element=elem, name=str(t))
        if re.fullmatch(r"array\d+\??", name):
            return unsupported(str(t), "HW113", "multi-dimensional arrays are not supported yet")
        if name in _UNSUPPORTED_NAMES:
            code, reason = _UNSUPPORTED_NAMES[name]
            return unsupported(str(t), code, reason)
        if name == "->" or name.endswith(">"):
            return unsupported(str(t), "HW106", "higher-order functions are not hardware")
        if name == "tuple":
            return unsupported(str(t), "HW111", "tuples are not supported as hardware data yet")
        decl = self.types.get(name)
        if decl is not None:
            return self._declared(decl, depth)
        other = self.others.get(name)
        if isinstance(other, A.DatatypeDecl):
            return self._datatype(other)
        if other is not None:
            if other.kind in ("class", "trait", "iterator"):
                return unsupported(name, "HW102", f"{other.kind} {name} is a heap object type")
            return unsupported(
                name, "HW111", f"{other.kind} {name} is not supported as hardware data"
            )
        return unsupported(
            name, "HW111", f"type {name} is generic or unknown: hardware needs concrete types"
        )

    def _datatype(self, decl: A.DatatypeDecl) -> DType:
        why = enum_refusal(decl)
        if why is not None:
            return unsupported(decl.name, "HW111", why)
        names = tuple(c.name for c in decl.ctors)
        return DType("int", range=Interval(0, len(names) - 1), name=decl.name, ctors=names)

    def constructor(self, name: str) -> tuple[DType, int] | None:
        """The enumeration a bare constructor name (`Red`, or `Color.Red` split by the caller)
        belongs to, and its index."""
        for other in self.others.values():
            if isinstance(other, A.DatatypeDecl) and enum_refusal(other) is None:
                for i, c in enumerate(other.ctors):
                    if c.name == name:
                        return self._datatype(other), i
        return None

    def _declared(self, decl: A.TypeDecl, depth: int) -> DType:
        if decl.kind == "opaque" or (decl.base is None and decl.constraint is None):
            return unsupported(decl.name, "HW111", f"type {decl.name} is opaque")
        base = (
            self.resolve(decl.base, depth + 1) if decl.base is not None else INT
        )  # `newtype T = x | ...` is over int
        if decl.kind == "synonym":
            return base
        if base.kind not in ("int", "bv") or decl.constraint is None or decl.bound_var is None:
            return base if base.kind != "int" else DType("int", range=base.range, name=decl.name)
        rng = constraint_range(decl.constraint, decl.bound_var, self.consts).meet(base.range)
        if base.kind == "bv":
            return DType("bv", range=rng, width=base.width, name=decl.name)
        return DType("int", range=rng, name=decl.name)
