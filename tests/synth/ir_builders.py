"""Small hardware-IR methods built by hand, for back-end tests that must not depend on the front
end's current choices (loop shapes, Break/Return, For) ."""

from __future__ import annotations

from toolchain.frontend.ir import (
    BOOL,
    UNKNOWN_SPAN,
    ArrayType,
    Assign,
    Binary,
    BinOp,
    Break,
    Const,
    Expr,
    For,
    HardwareMethod,
    If,
    Index,
    IndexTarget,
    IntType,
    Length,
    Local,
    Port,
    Return,
    Var,
    VarTarget,
    While,
)

U3, U4, U8, U9, U16 = (IntType(width=w, signed=False) for w in (3, 4, 8, 9, 16))
S8, S12 = IntType(width=8, signed=True), IntType(width=12, signed=True)


def v(name: str, t: IntType) -> Var:
    return Var(name=name, type=t)


def c(value: int, t: IntType) -> Const:
    return Const(value=value, type=t)


def b(op: BinOp, lhs: Expr, rhs: Expr, t: IntType | None = None) -> Binary:
    return Binary(op=op, lhs=lhs, rhs=rhs, type=t if t is not None else BOOL)


def set_(name: str, value: Expr) -> Assign:
    return Assign(targets=[VarTarget(name=name)], values=[value])


def saturating_add() -> HardwareMethod:
    """s := a + b; if s > 255 { s := 255 }"""
    return HardwareMethod(
        name="SatAdd",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="a", type=U8, direction="in"),
            Port(name="b", type=U8, direction="in"),
            Port(name="s", type=U9, direction="out"),
        ],
        locals=[],
        body=[
            set_("s", b(BinOp.ADD, v("a", U8), v("b", U8), U9)),
            If(cond=b(BinOp.GT, v("s", U9), c(255, U8)), then=[set_("s", c(255, U8))]),
        ],
    )


def gcd8() -> HardwareMethod:
    """x, y := a, b; while y != 0 { x, y := y, x % y }; r := x"""
    return HardwareMethod(
        name="Gcd8",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="a", type=U8, direction="in"),
            Port(name="b", type=U8, direction="in"),
            Port(name="r", type=U8, direction="out"),
        ],
        locals=[Local(name="x", type=U8), Local(name="y", type=U8)],
        body=[
            Assign(
                targets=[VarTarget(name="x"), VarTarget(name="y")],
                values=[v("a", U8), v("b", U8)],
            ),
            While(
                cond=b(BinOp.NE, v("y", U8), c(0, U8)),
                body=[
                    Assign(
                        targets=[VarTarget(name="x"), VarTarget(name="y")],
                        values=[v("y", U8), b(BinOp.MOD, v("x", U8), v("y", U8), U8)],
                    )
                ],
                max_trips=256,
            ),
            set_("r", v("x", U8)),
        ],
    )


def first_above(max_len: int, trips_known: bool = True) -> HardwareMethod:
    """A For loop with an early Return: the index of the first element above `t`, else -1, and
    the count of elements inspected (to observe that the loop really stopped)."""
    arr = ArrayType(element=U8, length=None, max_length=max_len)
    idx_t = IntType(width=max(max_len.bit_length(), 1) + 1, signed=True)
    i_t = IntType(width=max(max_len.bit_length(), 1), signed=False)
    return HardwareMethod(
        name="FirstAbove",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="a", type=arr, direction="in"),
            Port(name="t", type=U8, direction="in"),
            Port(name="idx", type=idx_t, direction="out"),
            Port(name="seen", type=i_t, direction="out"),
        ],
        locals=[Local(name="i", type=i_t)],
        body=[
            set_("idx", c(-1, idx_t)),
            set_("seen", c(0, i_t)),
            For(
                var="i",
                lo=c(0, U4),
                hi=Length(array="a", type=i_t),
                max_trips=max_len if trips_known else None,
                body=[
                    set_("seen", b(BinOp.ADD, v("seen", i_t), c(1, U4), i_t)),
                    If(
                        cond=b(BinOp.GT, Index(array="a", index=v("i", i_t), type=U8), v("t", U8)),
                        then=[set_("idx", v("i", i_t)), Return()],
                    ),
                ],
            ),
        ],
    )


def nested_break() -> HardwareMethod:
    """Two nested loops and a break out of both: count pairs (i, j), i, j < n, until i * j > k."""
    return HardwareMethod(
        name="NestedBreak",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="n", type=U3, direction="in"),
            Port(name="k", type=U8, direction="in"),
            Port(name="count", type=U9, direction="out"),
        ],
        locals=[Local(name="i", type=U4), Local(name="j", type=U4)],
        body=[
            set_("count", c(0, U9)),
            set_("i", c(0, U4)),
            While(
                cond=b(BinOp.LT, v("i", U4), v("n", U3)),
                max_trips=7,
                body=[
                    set_("j", c(0, U4)),
                    While(
                        cond=b(BinOp.LT, v("j", U4), v("n", U3)),
                        max_trips=7,
                        body=[
                            If(
                                cond=b(
                                    BinOp.GT, b(BinOp.MUL, v("i", U4), v("j", U4), U8), v("k", U8)
                                ),
                                then=[Break(levels=2)],
                            ),
                            set_("count", b(BinOp.ADD, v("count", U9), c(1, U4), U9)),
                            set_("j", b(BinOp.ADD, v("j", U4), c(1, U4), U4)),
                        ],
                    ),
                    set_("i", b(BinOp.ADD, v("i", U4), c(1, U4), U4)),
                ],
            ),
        ],
    )


def bump_array() -> HardwareMethod:
    """An inout array of fixed length: a[i] := a[i] + d for every i, signed elements."""
    arr = ArrayType(element=S8, length=4, max_length=4, mutable=True)
    return HardwareMethod(
        name="Bump",
        loc=UNKNOWN_SPAN,
        ports=[
            Port(name="a", type=arr, direction="inout"),
            Port(name="d", type=S8, direction="in"),
        ],
        locals=[Local(name="i", type=U4)],
        body=[
            For(
                var="i",
                lo=c(0, U4),
                hi=c(4, U4),
                max_trips=4,
                body=[
                    Assign(
                        targets=[IndexTarget(array="a", index=v("i", U4))],
                        values=[
                            b(
                                BinOp.SUB,
                                b(
                                    BinOp.ADD,
                                    Index(array="a", index=v("i", U4), type=S8),
                                    v("d", S8),
                                    S12,
                                ),
                                b(
                                    BinOp.MUL,
                                    Index(array="a", index=v("i", U4), type=S8),
                                    c(0, U4),
                                    S8,
                                ),
                                S8,
                            )
                        ],
                    )
                ],
            )
        ],
    )
