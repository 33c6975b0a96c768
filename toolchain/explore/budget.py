"""Whether the next point of an exploration fits the time left.

A point costs about what the slowest point of its own family cost (the family is the loop
schedule and the arrays' mapping: a state machine is synthesized and simulated in seconds, a
completely unrolled loop or a large array in registers can take minutes); before any point of its family has run, the slowest point so far stands in. A point
that would end past the budget is left out and the sweep goes on to the next one, so that one slow
family does not shut out the cheap points after it (Crc8: its unrolled point took about six
minutes of a ten-minute budget, and the one-slowest-point rule left out every state machine
after it)."""

from __future__ import annotations

from shared_schemas.explore import ExploreDirectives


def family(d: ExploreDirectives) -> str:
    """The loop schedule, and where arrays live when the point says: an array of 1,024 words in
    registers is a 16 K flip-flop netlist that yosys takes minutes over, in RAM seconds."""
    kinds = ",".join(sorted(set(d.memory.values())))
    return (d.schedule or "default") + (f"/{kinds}" if kinds else "")


class PointBudget:
    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        self._slowest: dict[str, float] = {}

    def expected_s(self, d: ExploreDirectives) -> float:
        """What the point should take; 0 before any point ran (the first always runs)."""
        return self._slowest.get(family(d), max(self._slowest.values(), default=0.0))

    def fits(self, d: ExploreDirectives, elapsed_s: float) -> bool:
        return elapsed_s + self.expected_s(d) <= self.budget_s

    def record(self, d: ExploreDirectives, duration_s: float) -> None:
        key = family(d)
        self._slowest[key] = max(self._slowest.get(key, 0.0), duration_s)


__all__ = ["PointBudget", "family"]
