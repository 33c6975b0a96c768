"""Non-tail recursion in the front end: a linearly recursive function becomes a descend and an
ascend loop over a stack whose capacity is the recursion depth; Dafny proves that depth (a
`requires` on the function) and the result's range; what a stack of arguments cannot run, or a
depth with no bound, is refused where it is written and never becomes RTL."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir, lower
from toolchain.frontend.interp import run_method

PROGRAM = (Path(__file__).parent.parent / "synth" / "data" / "recursion.dfy").read_text()


def test_linear_recursion_runs_on_a_proven_stack(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "Triangle", filename="rec.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    loops = [s for s in r.method.body if isinstance(s, ir.While)]
    assert len(loops) == 2  # down, then up
    stack = next(v for v in r.method.locals if v.name == "Tri_stack_n")
    assert isinstance(stack.type, ir.ArrayType) and stack.type.capacity == 101
    depth = [o for o in r.method.obligations if "depth of Tri" in o.where]
    assert len(depth) == 1 and depth[0].proven is True and "n < 101" in depth[0].where
    assert all(o.proven is True for o in r.method.obligations)
    for n in (0, 1, 7, 100):
        assert run_method(r.method, {"n": n})["t"] == n * (n + 1) // 2


def test_pending_work_differs_by_level(dafny: DafnyEngine) -> None:
    r = lower(PROGRAM, "CountChar", filename="rec.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    # `s` and `c` are passed on unchanged: only `i` is stacked
    stacks = [v.name for v in r.method.locals if "_stack_" in v.name]
    assert stacks == ["Count_stack_i"]

    def count(s: str, c: str) -> int:  # the Dafny function, in Python
        return sum((2 if x == "#" else 1) * (x == c) for x in s)

    for text, c in (("a#ab#a", "a"), ("a#ab#a", "#"), ("", "x"), ("############", "#")):
        got = run_method(r.method, {"s": [ord(x) for x in text], "c": ord(c)})["n"]
        assert got == count(text, c), (text, c)


UNBOUNDED = """
function method Tri(n: nat): nat
{
  if n == 0 then 0 else n + Tri(n - 1)
}

method Triangle(n: nat) returns (t: nat)
{
  t := Tri(n);
}
"""

FIB = """
function method Fib(n: nat): nat
  requires n <= 20
{
  if n < 2 then n else Fib(n - 1) + Fib(n - 2)
}

method M(n: nat) returns (f: nat)
  requires n <= 20
{
  f := Fib(n);
}
"""

GUARDED = """
function method AllPos(a: array<int>, i: nat): bool
  requires i <= a.Length
  reads a
  decreases a.Length - i
{
  i == a.Length || (a[i] > 0 && AllPos(a, i + 1))
}

method M(a: array<int>) returns (b: bool)
  requires a.Length <= 8
{
  b := AllPos(a, 0);
}
"""


def test_unbounded_depth_is_refused(dafny: DafnyEngine) -> None:
    r = lower(UNBOUNDED, "Triangle", filename="u.dfy", engine=dafny)
    assert r.errors, "an unbounded recursion depth must not lower"
    depth = [d for d in r.errors if d.code == "HW202" and "recursion depth of Tri" in d.message]
    assert depth, [(d.code, d.message) for d in r.errors]


def test_a_stack_too_deep_for_hardware_is_refused_with_a_bound(dafny: DafnyEngine) -> None:
    # under a 32-bit contract the depth is proven (2**32 levels), but no such stack is built:
    # the back end once failed on it with a type error of its own
    from toolchain.frontend.ranges import Options

    r = lower(
        UNBOUNDED, "Triangle", filename="u.dfy", engine=dafny, options=Options(assume_input_bits=32)
    )
    deep = [d for d in r.errors if d.code == "HW202" and "recursion depth of Tri" in d.message]
    assert deep, [(d.code, d.message) for d in r.errors]
    assert "can reach 4294967296" in deep[0].message and "add `requires n <= 64`" in deep[0].message
    ok = lower(
        UNBOUNDED, "Triangle", filename="u.dfy", engine=dafny, options=Options(assume_input_bits=8)
    )
    assert not [d for d in ok.errors if "recursion depth" in d.message]


@pytest.mark.parametrize(("src", "at"), [(FIB, "Fib(n - 2)"), (GUARDED, "AllPos(a, i + 1)")])
def test_recursion_a_stack_cannot_run_is_refused_where_written(src: str, at: str) -> None:
    r = lower(src, "M", filename="r.dfy")
    found = [d for d in r.errors if d.code == "HW101"]
    assert found, [(d.code, d.message) for d in r.diagnostics]
    off = src.index(at)
    line = src.count("\n", 0, off)
    col = off - (src.rfind("\n", 0, off) + 1)
    assert (found[0].range.start.line, found[0].range.start.character) == (line, col)


def test_each_call_has_its_own_depth_claim(dafny: DafnyEngine) -> None:
    # Tri(a) gets a stack of 11, Tri(b) one of 101: both claims are requires of Tri, so the
    # smaller one is refuted at the larger call and nothing is built (conservative, never
    # a stack too small for a call)
    src = PROGRAM + (
        "\nmethod TwoTriangles(a: int, b: int) returns (t: int)\n"
        "  requires 0 <= a <= 10 && 0 <= b <= 100\n{\n  t := Tri(a) + Tri(b);\n}\n"
    )
    r = lower(src, "TwoTriangles", filename="rec.dfy", engine=dafny)
    assert r.errors
    depth = (
        sorted(o.where for o in r.method.obligations if "depth of Tri" in o.where)
        if r.method
        else []
    )
    assert any("stack of 11" in w for w in depth) and any("stack of 101" in w for w in depth)
    refuted = [o for o in r.method.obligations if "stack of 11" in o.where] if r.method else []
    assert refuted and refuted[0].proven is False


# one recursive leaf whose pending work reads only `m` (passed on unchanged): no stack, even
# though a guard on the way to another leaf reads n; two recursive leaves keep n stacked (the
# way up must know which leaf each level took)
ONE_LEAF = """
function method F(n: nat, m: nat): nat
  requires n <= 20 && m <= 100
{
  if n == 0 then m else if n > 15 then m + 1 else 1 + F(n - 1, m)
}

method Run(n: nat, m: nat) returns (r: nat)
  requires n <= 20 && m <= 100
{
  r := F(n, m);
}
"""
TWO_LEAVES = ONE_LEAF.replace(
    "if n > 15 then m + 1 else 1 + F(n - 1, m)",
    "if n % 2 == 0 then 1 + F(n - 1, m) else 2 + F(n - 1, m)",
)


@pytest.mark.parametrize(
    ("src", "stacks", "model"),
    [
        (ONE_LEAF, [], lambda n, m: m + 1 if n > 15 else n + m),
        (TWO_LEAVES, ["F_stack_n"], lambda n, m: m + n + (n + 1) // 2),
    ],
)
def test_only_what_the_way_up_reads_is_stacked(
    src: str, stacks: list[str], model: object, dafny: DafnyEngine
) -> None:
    r = lower(src, "Run", filename="leaf.dfy", engine=dafny)
    assert r.method is not None and not r.errors, [(d.code, d.message) for d in r.diagnostics]
    assert sorted(v.name for v in r.method.locals if "_stack_" in v.name) == stacks
    assert callable(model)
    for n in range(21):
        for m in (0, 7, 100):
            assert run_method(r.method, {"n": n, "m": m})["r"] == model(n, m), (n, m)
