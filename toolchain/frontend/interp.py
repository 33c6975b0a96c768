"""A reference interpreter for the hardware IR (the semantics written in `ir.py`).

With `check_widths=True` every value written to a sized variable and every sized expression node
is checked against its type's range: a proven width that a run exceeds is a front-end bug, and
the property tests use this to catch one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from toolchain.frontend import ir
from toolchain.frontend.interval import euclid_div, euclid_mod

Value = int | bool
ArrayValue = list[Value]


class InterpError(Exception):
    """The IR did something a verified program cannot: out-of-range index, width overflow."""


class _Break(Exception):
    def __init__(self, levels: int) -> None:
        self.levels = levels


class _Return(Exception):
    pass


@dataclass
class RunResult:
    outputs: dict[str, Value | ArrayValue]
    steps: int
    loop_trips: dict[int, int] = field(default_factory=dict)  # id(loop) -> most trips seen


class Interpreter:
    def __init__(
        self, method: ir.HardwareMethod, check_widths: bool = False, max_steps: int = 10_000_000
    ) -> None:
        self.m = method
        self.check = check_widths
        self.max_steps = max_steps
        self.types: dict[str, ir.HwType] = {p.name: p.type for p in method.ports}
        self.types.update({v.name: v.type for v in method.locals})

    def run(self, inputs: Mapping[str, Value | Sequence[Value]]) -> RunResult:
        self.steps = 0
        self.trips: dict[int, int] = {}
        self.scalars: dict[str, Value] = {}
        self.arrays: dict[str, ArrayValue] = {}
        for name, t in self.types.items():
            if isinstance(t, ir.ArrayType):
                # a local array (a recursion stack) is storage of its capacity; ports get inputs
                fill: Value = False if isinstance(t.element, ir.BoolType) else 0
                self.arrays[name] = [fill] * (t.capacity or 0)
            else:
                self.scalars[name] = False if isinstance(t, ir.BoolType) else 0
        for p in self.m.ports:
            if p.direction == "out":
                continue
            if p.name not in inputs:
                raise InterpError(f"missing input {p.name}")
            v = inputs[p.name]
            if isinstance(p.type, ir.ArrayType):
                assert isinstance(v, Sequence)
                self.arrays[p.name] = list(v)
            else:
                assert isinstance(v, int | bool)
                self.scalars[p.name] = v
        try:
            self.block(self.m.body)
        except _Return:
            pass
        outputs: dict[str, Value | ArrayValue] = {}
        for p in self.m.outputs:
            outputs[p.name] = (
                list(self.arrays[p.name])
                if isinstance(p.type, ir.ArrayType)
                else self.scalars[p.name]
            )
        return RunResult(outputs=outputs, steps=self.steps, loop_trips=self.trips)

    # -- statements ----------------------------------------------------------------------------

    def block(self, stmts: list[ir.Stmt]) -> None:
        for s in stmts:
            self.stmt(s)

    def _trip(self, body: list[ir.Stmt]) -> bool:
        """Run one loop trip; True when a `break` leaves this loop. A break out of more loops
        goes on up, one level fewer."""
        try:
            self.block(body)
        except _Break as b:
            if b.levels > 1:
                raise _Break(b.levels - 1) from None
            return True
        return False

    def _index(self, array: str, i: Value | None, loc: ir.SourceSpan) -> int:
        """`i` as an index of `array`; out of bounds is an error, as Dafny proved it cannot be."""
        assert isinstance(i, int)
        if not 0 <= i < len(self.arrays[array]):
            raise InterpError(f"{loc}: index {i} out of range for {array}")
        return i

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise InterpError("step limit exceeded (a loop that does not end?)")

    def stmt(self, s: ir.Stmt) -> None:
        self._tick()
        if isinstance(s, ir.Assign):
            values = [self.eval(v) for v in s.values]
            indices = [
                self.eval(t.index) if isinstance(t, ir.IndexTarget) else None for t in s.targets
            ]
            for t, v, i in zip(s.targets, values, indices, strict=True):
                if isinstance(t, ir.VarTarget):
                    self._check(self.types[t.name], v, t.name, s.loc)
                    self.scalars[t.name] = v
                else:
                    arr = self.arrays[t.array]
                    i = self._index(t.array, i, s.loc)
                    at = self.types[t.array]
                    assert isinstance(at, ir.ArrayType)
                    self._check(at.element, v, f"{t.array}[{i}]", s.loc)
                    arr[i] = v
        elif isinstance(s, ir.If):
            self.block(s.then if self.eval(s.cond) else s.otherwise)
        elif isinstance(s, ir.While):
            trips = 0
            try:
                while self.eval(s.cond):
                    trips += 1
                    self._tick()
                    if self._trip(s.body):
                        break
            finally:
                self.trips[id(s)] = max(self.trips.get(id(s), 0), trips)
            if s.max_trips is not None and trips > s.max_trips:
                raise InterpError(f"{s.loc}: loop ran {trips} times, bound {s.max_trips}")
        elif isinstance(s, ir.For):
            lo, hi = self.eval(s.lo), self.eval(s.hi)
            assert isinstance(lo, int) and isinstance(hi, int)
            order = range(hi - 1, lo - 1, -1) if s.descending else range(lo, hi)
            trips = 0
            for i in order:
                trips += 1
                self._tick()
                self._check(self.types[s.var], i, s.var, s.loc)
                self.scalars[s.var] = i
                if self._trip(s.body):
                    break
            self.trips[id(s)] = max(self.trips.get(id(s), 0), trips)
        elif isinstance(s, ir.Break):
            raise _Break(s.levels)
        elif isinstance(s, ir.Return):
            raise _Return()
        else:
            raise InterpError(f"unknown statement {type(s).__name__}")

    # -- expressions ---------------------------------------------------------------------------

    def _check(self, t: ir.HwType, v: Value, what: str, loc: ir.SourceSpan) -> None:
        if not self.check or not isinstance(t, ir.IntType) or t.width is None:
            return
        if isinstance(v, bool) or not t.min_value <= v <= t.max_value:
            raise InterpError(f"{loc}: {what} = {v} does not fit {t}")

    def eval(self, e: ir.Expr) -> Value:
        v = self._eval(e)
        if self.check and isinstance(e.type, ir.IntType):
            self._check(e.type, v, type(e).__name__, e.loc)
        return v

    def _eval(self, e: ir.Expr) -> Value:
        if isinstance(e, ir.Const):
            return e.value
        if isinstance(e, ir.Var):
            return self.scalars[e.name]
        if isinstance(e, ir.Index):
            i = self._index(e.array, self.eval(e.index), e.loc)
            return self.arrays[e.array][i]
        if isinstance(e, ir.Length):
            return len(self.arrays[e.array])
        if isinstance(e, ir.Unary):
            v = self.eval(e.operand)
            if e.op == ir.UnOp.NOT:
                return not v
            t = e.type
            assert isinstance(t, ir.IntType)
            if e.op == ir.UnOp.NEG:
                return _wrap(-int(v), t)
            assert t.width is not None
            return (~int(v)) & ((1 << t.width) - 1)
        if isinstance(e, ir.Binary):
            return self.binary(e)
        if isinstance(e, ir.Cond):
            return self.eval(e.then) if self.eval(e.cond) else self.eval(e.otherwise)
        if isinstance(e, ir.Cast):
            v = self.eval(e.operand)
            assert isinstance(e.type, ir.IntType)
            return _wrap(int(v), e.type)
        raise InterpError(f"unknown expression {type(e).__name__}")

    def binary(self, e: ir.Binary) -> Value:
        op = e.op
        if op == ir.BinOp.AND:
            return bool(self.eval(e.lhs)) and bool(self.eval(e.rhs))
        if op == ir.BinOp.OR:
            return bool(self.eval(e.lhs)) or bool(self.eval(e.rhs))
        if op == ir.BinOp.IMPLIES:
            return (not self.eval(e.lhs)) or bool(self.eval(e.rhs))
        a, b = self.eval(e.lhs), self.eval(e.rhs)
        if op == ir.BinOp.IFF:
            return bool(a) == bool(b)
        if op == ir.BinOp.EQ:
            return a == b
        if op == ir.BinOp.NE:
            return a != b
        x, y = int(a), int(b)
        if op == ir.BinOp.LT:
            return x < y
        if op == ir.BinOp.LE:
            return x <= y
        if op == ir.BinOp.GT:
            return x > y
        if op == ir.BinOp.GE:
            return x >= y
        t = e.type
        assert isinstance(t, ir.IntType)
        if op == ir.BinOp.ADD:
            r = x + y
        elif op == ir.BinOp.SUB:
            r = x - y
        elif op == ir.BinOp.MUL:
            r = x * y
        elif op in (ir.BinOp.DIV, ir.BinOp.MOD):
            if y == 0:
                raise InterpError(f"{e.loc}: division by zero")
            r = euclid_div(x, y) if op == ir.BinOp.DIV else euclid_mod(x, y)
        elif op == ir.BinOp.BAND:
            r = x & y
        elif op == ir.BinOp.BOR:
            r = x | y
        elif op == ir.BinOp.BXOR:
            r = x ^ y
        elif op == ir.BinOp.SHL:
            r = x << y
        elif op == ir.BinOp.SHR:
            r = x >> y
        else:
            raise InterpError(f"unknown operator {op}")
        return _wrap(r, t)


def _wrap(v: int, t: ir.IntType) -> int:
    if t.wraps and t.width is not None:
        return v % (1 << t.width)
    return v


def run_method(
    method: ir.HardwareMethod,
    inputs: Mapping[str, Value | Sequence[Value]],
    check_widths: bool = False,
) -> dict[str, Value | ArrayValue]:
    return Interpreter(method, check_widths=check_widths).run(inputs).outputs
