"""The verified kernel corpus: each kernel verifies with the real Dafny, lowers to IR, and gets
the expected widths, every one of them proven by Dafny (or fixed by a type / precondition)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import LoweringResult, ir

from .kernel_table import CORPUS, KERNELS, Kernel

TRUSTED = {
    ir.WidthStatus.PROVEN,
    ir.WidthStatus.DECLARED,
    ir.WidthStatus.PRECONDITION,
    ir.WidthStatus.DERIVED,
}


def test_every_kernel_file_verifies_with_real_dafny(dafny: DafnyEngine) -> None:
    files = sorted(KERNELS.glob("*.dfy"))
    assert len(files) == 11
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(dafny.verify_file, files))
    bad = {f.name: r.status.value for f, r in zip(files, results, strict=True) if not r.ok}
    assert not bad


@pytest.mark.slow
@pytest.mark.parametrize("kernel", CORPUS, ids=[k.id for k in CORPUS])
def test_kernel_lowers_with_proven_widths(
    kernel: Kernel, lowered_kernels: dict[str, tuple[Kernel, LoweringResult]]
) -> None:
    _, result = lowered_kernels[kernel.id]
    assert result.method is not None, [d.message for d in result.diagnostics]
    assert not result.diagnostics, [d.message for d in result.diagnostics]
    assert result.ok
    m = result.method
    widths = {w.name: w for w in m.widths}
    for name, expected in kernel.widths.items():
        assert name in widths, f"no width for {name}"
        assert str(widths[name].type) == expected, (name, widths[name])
    for w in m.widths:
        assert w.status in TRUSTED, w
    # the user's variables are proven by Dafny itself; only `for` counters (whose range is
    # the loop's bounds) and array contents are derived
    counters = {s.var for s in m.body if isinstance(s, ir.For)}
    for name in kernel.widths:
        w = widths[name]
        if not name.endswith("[..]") and name not in counters:
            assert w.status != ir.WidthStatus.DERIVED, f"{name} is only derived"
    assert m.obligations, "no obligation was checked"
    assert all(o.proven is True for o in m.obligations)
    assert result.obligation_program is not None
    # every integer of the IR is sized
    for p in m.ports:
        if isinstance(p.type, ir.IntType):
            assert p.type.width is not None


def test_accumulator_gets_the_tight_width(
    lowered_kernels: dict[str, tuple[Kernel, LoweringResult]],
) -> None:
    _, result = lowered_kernels["sum.Sum"]
    assert result.method is not None
    s = next(w for w in result.method.widths if w.name == "s")
    # 16 bytes of at most 255: 4080 needs exactly 12 bits
    assert (s.lo, s.hi, s.type.width) == (0, 4080, 12)
    assert s.status == ir.WidthStatus.PROVEN
    assert result.obligation_program is not None
    assert "invariant 0 <= s <= 4080" in result.obligation_program


def test_tail_recursion_became_a_loop(
    lowered_kernels: dict[str, tuple[Kernel, LoweringResult]],
) -> None:
    _, result = lowered_kernels["gcd.GcdRec"]
    m = result.method
    assert m is not None
    assert m.inlined == ["GcdTail"]
    loops = [s for s in m.body if isinstance(s, ir.While)]
    assert len(loops) == 1
    assert loops[0].max_trips is not None and loops[0].max_trips <= 65536


def test_loop_trip_bounds(lowered_kernels: dict[str, tuple[Kernel, LoweringResult]]) -> None:
    _, result = lowered_kernels["sum.Sum"]
    assert result.method is not None
    loop = next(s for s in result.method.body if isinstance(s, ir.While))
    assert loop.max_trips == 16
    _, fir = lowered_kernels["fir.Fir4"]
    assert fir.method is not None
    for_loop = next(s for s in fir.method.body if isinstance(s, ir.For))
    assert for_loop.max_trips == 4
