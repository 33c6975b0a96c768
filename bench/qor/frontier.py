"""Our best explored point against the best hand-written design at no more cycles, per kernel.

    .venv/bin/python -m bench.qor.frontier [--out DIR] [--vectors N] [--budget-s S] [--kernels ..]

Hand-written designs: polyphony 0.3.6 (bench/qor/polyphony) and the DSLX anchors
(bench/qor/dslx, see `bench.qor.anchors`). Ours: the default synthesis ("before") and every point
`p2s explore` reaches in the budget ("after"). Every design, ours and hand-written, is co-simulated
against Dafny's compiled program on the same vectors; a design that fails is left out. For a design
of ours taking C cycles (worst measured), the comparison is the hand-written design with the
fewest LUTs among those taking at most C cycles; "after" is the explored point with the lowest
such ratio. When every hand-written design takes more than C cycles (gcd16: ours finishes in
fewer cycles than polyphony's), there is no such design; the comparison is then the fastest
hand-written one, marked "slower": it had more cycles to spend, so the ratio can only flatter it,
never us.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.qor.__main__ import HERE, KERNELS, Kernel, Row, run_ours, run_polyphony
from bench.qor.anchors import has_anchor, run_dslx_anchor
from shared_schemas.explore import ExploreParams
from toolchain.dafny import DafnyEngine
from toolchain.explore.run import ExploreOptions, explore


@dataclass(frozen=True)
class Design:
    who: str
    lut: int
    cycles: int


def _ok(r: Row) -> bool:
    done, _, total = r.correct.partition("/")
    return done == total and r.cycles_max is not None


def _best_hand(hands: list[Design], cycles: int) -> Design | None:
    """The hand-written design with the fewest LUTs among those taking at most `cycles`; when all
    take more, the fastest (fewest cycles, then LUTs): see the module doc."""
    fits = [h for h in hands if h.cycles <= cycles]
    if fits:
        return min(fits, key=lambda h: h.lut)
    return min(hands, key=lambda h: (h.cycles, h.lut)) if hands else None


def _ratio(ours: Design, hands: list[Design]) -> tuple[float | None, Design | None]:
    h = _best_hand(hands, ours.cycles)
    return (None, None) if h is None or h.lut == 0 else (ours.lut / h.lut, h)


def _cell(d: Design | None, ours: Design | None = None) -> str:
    if d is None:
        return "n/a"
    slower = " (slower)" if ours is not None and d.cycles > ours.cycles else ""
    return f"{d.who} {d.lut} LUT @{d.cycles}{slower}"


def kernel_row(
    k: Kernel, engine: DafnyEngine, out: Path, vectors: int, budget_s: float
) -> tuple[str, float | None, float | None]:
    hands: list[Design] = []
    poly = run_polyphony(k, engine, out, vectors, False)
    if _ok(poly) and poly.cycles_max is not None:
        hands.append(Design("polyphony", poly.lut, poly.cycles_max))
    if has_anchor(k):
        hand = run_dslx_anchor(k, engine, out, vectors)
        if _ok(hand) and hand.cycles_max is not None:
            hands.append(Design("dslx", hand.lut, hand.cycles_max))
    default = run_ours(k, engine, out, vectors, False)
    before = Design("default", default.lut, default.cycles_max or 0) if _ok(default) else None
    source = HERE / "kernels" / f"{k.name}.dfy"
    sweep = ExploreParams(uri=str(source), method=k.method, budget_s=budget_s, vectors=vectors)
    report = explore(
        ExploreOptions(
            source=source, method=k.method, out_dir=out / "explore" / k.name, params=sweep
        )
    )
    best: tuple[float, Design, Design, str] | None = None
    for p in report.points:
        if not p.ok or p.lut is None or p.cycles is None:
            continue
        d = Design(f"p{p.index}", p.lut, p.cycles)
        ratio, h = _ratio(d, hands)
        if ratio is not None and h is not None and (best is None or ratio < best[0]):
            best = (ratio, d, h, "; ".join(p.attributes))
    b_ratio, b_hand = _ratio(before, hands) if before is not None else (None, None)
    hands_text = ", ".join(f"{h.who} {h.lut}@{h.cycles}" for h in hands) or "none"
    after = (
        "n/a"
        if best is None
        else f"{best[1].lut} LUT @{best[1].cycles} vs {_cell(best[2], best[1])}: {best[0]:.2f} "
        f"[{best[3]}]"
    )
    line = (
        f"{k.name:<11} hand: {hands_text}\n"
        f"{'':<11} before: {_cell(before)} vs {_cell(b_hand, before)}: "
        f"{'n/a' if b_ratio is None else f'{b_ratio:.2f}'}\n"
        f"{'':<11} after:  {after}  ({len(report.points)} points, "
        f"{sum(p.ok for p in report.points)} passed)"
    )
    return line, b_ratio, None if best is None else best[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.qor.frontier", description=__doc__)
    parser.add_argument("--out", default=None)
    parser.add_argument("--vectors", type=int, default=24)
    parser.add_argument("--budget-s", type=float, default=240.0, help="explore budget per kernel")
    parser.add_argument("--kernels", nargs="*", default=None)
    args = parser.parse_args(argv)
    engine = DafnyEngine.discover()
    kernels = [k for k in KERNELS if args.kernels is None or k.name in args.kernels]
    started = time.monotonic()
    befores: list[float] = []
    afters: list[float] = []
    with tempfile.TemporaryDirectory(prefix="p2s-frontier-") as tmp:
        out = Path(args.out).resolve() if args.out else Path(tmp)
        print("bench/qor/frontier: LUT (yosys synth_xilinx) / LUT of the best hand-written design")
        print(f"  at no more cycles (worst measured); {args.vectors} co-simulated vectors each")
        for k in kernels:
            line, b, a = kernel_row(k, engine, out, args.vectors, args.budget_s)
            print(line, flush=True)
            if b is not None:
                befores.append(b)
            if a is not None:
                afters.append(a)
    if befores:
        print(f"geometric mean LUT ratio before: {statistics.geometric_mean(befores):.2f}")
    if afters:
        print(f"geometric mean LUT ratio after:  {statistics.geometric_mean(afters):.2f}")
    print(f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
