"""Which Dafny datatypes are hardware data, and why the others are not.

A datatype whose constructors carry no fields is an enumeration: hardware holds the index of
its constructor (declaration order) in the fewest unsigned bits that hold the largest index.
Dafny's type system keeps such a value in range, so its width needs no proof. Datatypes with
fields (records, tagged unions), type parameters or recursion are refused with the reason.
"""

from __future__ import annotations

from toolchain.frontend import ast as A


def enum_refusal(decl: A.DatatypeDecl) -> str | None:
    """Why `decl` is not an enumeration hardware can hold (None: it is one)."""
    name = decl.name
    if decl.kind == "codatatype":
        return f"codatatype {name} has infinite values: no hardware representation"
    if decl.type_params:
        return f"datatype {name} has type parameters: hardware needs concrete types"
    fields = [f for c in decl.ctors for f in c.fields]
    if any(_mentions(f.type, name) for f in fields):
        return f"datatype {name} is recursive: its values have no fixed size in hardware"
    if fields and len(decl.ctors) == 1:
        return (
            f"datatype {name} is a record (a constructor with fields): only enumerations "
            "(constructors without fields) are hardware data yet"
        )
    if fields:
        return (
            f"datatype {name} has constructors with fields: only enumerations (constructors "
            "without fields) are hardware data yet"
        )
    return None


def _mentions(t: A.TypeRef, name: str) -> bool:
    return t.name.split(".")[-1] == name or any(_mentions(a, name) for a in t.args)


def enum_bits(count: int) -> int:
    """Bits of the constructor index of an enumeration with `count` constructors (at least 1)."""
    return max(1, (count - 1).bit_length())
