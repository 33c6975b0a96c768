"""Structuring (Return/Break -> flags, For -> While, unrolling) keeps the IR's meaning: the front
end's IR interpreter gives the same outputs before and after, on random inputs."""

from __future__ import annotations

import random

import pytest

from toolchain.frontend.interp import run_method
from toolchain.frontend.ir import Break, For, HardwareMethod, If, Return, Stmt, While
from toolchain.hls.interface import Vector
from toolchain.hls.structurize import StructureOptions, has_loops, structurize

from . import ir_builders as irb


def _kinds(stmts: list[Stmt]) -> set[str]:
    found: set[str] = set()
    for s in stmts:
        found.add(type(s).__name__)
        if isinstance(s, If):
            found |= _kinds(s.then) | _kinds(s.otherwise)
        elif isinstance(s, While | For):
            found |= _kinds(s.body)
    return found


def _inputs(method: HardwareMethod, rng: random.Random) -> Vector:
    if method.name == "FirstAbove":
        n = rng.randint(0, 8)
        return {"a": [rng.randint(0, 255) for _ in range(n)], "t": rng.randint(0, 255)}
    if method.name == "NestedBreak":
        return {"n": rng.randint(0, 7), "k": rng.randint(0, 60)}
    if method.name == "Gcd8":
        return {"a": rng.randint(0, 255), "b": rng.randint(0, 255)}
    if method.name == "Bump":
        return {"a": [rng.randint(-64, 63) for _ in range(4)], "d": rng.randint(-64, 63)}
    return {"a": rng.randint(0, 255), "b": rng.randint(0, 255)}


METHODS = [
    irb.saturating_add,
    irb.gcd8,
    lambda: irb.first_above(8),
    irb.nested_break,
    irb.bump_array,
]


@pytest.mark.parametrize("make", METHODS, ids=lambda f: f().name)
@pytest.mark.parametrize("unroll", [0, 64])
def test_structured_method_means_the_same(make: object, unroll: int) -> None:
    assert callable(make)
    original: HardwareMethod = make()
    lowered, stats = structurize(make(), StructureOptions(unroll_limit=unroll))
    kinds = _kinds(lowered.body)
    assert not kinds & {"Break", "Return", "For"}, kinds
    if unroll and original.name != "Gcd8":
        assert not has_loops(lowered.body)
        assert stats.kept_loops == 0
    rng = random.Random(7)
    for _ in range(150):
        inputs = _inputs(original, rng)
        assert run_method(lowered, inputs, check_widths=True) == run_method(original, inputs)


def test_a_loop_without_a_trip_bound_is_kept() -> None:
    lowered, stats = structurize(irb.first_above(8, trips_known=False))
    assert has_loops(lowered.body)
    assert stats.kept_loops == 1 and stats.unrolled_loops == 0


def test_budget_limits_unrolling() -> None:
    _, small = structurize(irb.first_above(8), StructureOptions(unroll_limit=64, unroll_budget=4))
    assert small.kept_loops == 1


def test_break_and_return_flags_are_locals() -> None:
    lowered, _ = structurize(irb.nested_break())
    names = {v.name for v in lowered.locals}
    assert any(n.startswith("brk__") for n in names)
    lowered, _ = structurize(irb.first_above(8))
    assert any(v.name.startswith("ret__") for v in lowered.locals)
    assert not any(isinstance(s, Break | Return) for s in lowered.body)
