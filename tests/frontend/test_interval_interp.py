"""Interval arithmetic is sound (Dafny's Euclidean division included) and the interpreter
implements Dafny's semantics."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toolchain.frontend import interval as I
from toolchain.frontend import lower
from toolchain.frontend.interp import InterpError, Interpreter, run_method

small = st.integers(-40, 40)


@given(small, small, small, small, st.data())
def test_interval_ops_contain_every_result(
    a: int, b: int, c: int, d: int, data: st.DataObject
) -> None:
    x = I.Interval(min(a, b), max(a, b))
    y = I.Interval(min(c, d), max(c, d))
    xv = data.draw(st.integers(x.lo, x.hi))  # type: ignore[arg-type]
    yv = data.draw(st.integers(y.lo, y.hi))  # type: ignore[arg-type]
    assert I.add(x, y).contains(xv + yv)
    assert I.sub(x, y).contains(xv - yv)
    assert I.mul(x, y).contains(xv * yv)
    if yv != 0:
        assert I.div(x, y).contains(I.euclid_div(xv, yv))
        assert I.mod(x, y).contains(I.euclid_mod(xv, yv))


@given(st.integers(-(10**6), 10**6), st.integers(-1000, 1000).filter(lambda v: v != 0))
def test_euclidean_division(x: int, y: int) -> None:
    q, r = I.euclid_div(x, y), I.euclid_mod(x, y)
    assert q * y + r == x and 0 <= r < abs(y)


def test_interpreter_follows_dafny_semantics() -> None:
    source = """method Ops(x: int, y: int, b: bv8) returns (q: int, r: int, w: bv8, s: bool)
  requires y != 0
{
  q := x / y;
  r := x % y;
  w := (b << 1) + 1;
  s := x < 0 || 10 / y > 0;
}
"""
    res = lower(source, "Ops")
    assert res.method is not None
    out = run_method(res.method, {"x": -7, "y": 2, "b": 200})
    # Euclidean: -7 / 2 == -4, -7 % 2 == 1; bv8 wraps
    assert out == {"q": -4, "r": 1, "w": (400 + 1) % 256, "s": True}


def test_width_checks_catch_a_value_outside_its_type() -> None:
    res = lower("method Inc(x: int) returns (y: int) requires 0 <= x < 10 { y := x + 1; }", "Inc")
    assert res.method is not None
    interp = Interpreter(res.method, check_widths=True)
    assert interp.run({"x": 9}).outputs == {"y": 10}
    try:
        interp.run({"x": 100})  # breaks the precondition: y no longer fits u4
    except InterpError as exc:
        assert "does not fit" in str(exc)
    else:
        raise AssertionError("the width check did not fire")
