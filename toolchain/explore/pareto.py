"""The Pareto front of explored points: no other passing point is at least as good on every
objective (LUT, FF, BRAM, DSP, cycles: fewer is better; Fmax: more is better) and better on one."""

from __future__ import annotations

from shared_schemas.explore import ExplorePoint


def _costs(p: ExplorePoint) -> tuple[float, ...]:
    def v(x: float | None) -> float:
        return float("inf") if x is None else float(x)

    fmax = -p.fmax_mhz if p.fmax_mhz is not None else float("inf")
    return (v(p.lut), v(p.ff), v(p.bram), v(p.dsp), v(p.cycles), fmax)


def dominates(a: ExplorePoint, b: ExplorePoint) -> bool:
    ca, cb = _costs(a), _costs(b)
    return all(x <= y for x, y in zip(ca, cb, strict=True)) and ca != cb


def pareto_front(points: list[ExplorePoint]) -> list[int]:
    """Indices (`ExplorePoint.index`) of the passing points no passing point dominates; of points
    with equal costs only the first is kept (the same design reached twice)."""
    ok = [p for p in points if p.ok]
    front: list[int] = []
    seen: set[tuple[float, ...]] = set()
    for p in ok:
        if any(dominates(q, p) for q in ok if q is not p):
            continue
        if _costs(p) in seen:
            continue
        seen.add(_costs(p))
        front.append(p.index)
    return front


__all__ = ["dominates", "pareto_front"]
