"""bench.qor.frontier's comparison rule: ours against the hand-written design with the fewest
LUTs at no more cycles, and, where every hand-written design is slower than ours (gcd16), against
the fastest of them, marked, instead of no comparison at all."""

from __future__ import annotations

from bench.qor.frontier import Design, _best_hand, _cell, _ratio

POLY = Design("polyphony", 734, 10)
DSLX = Design("dslx", 300, 3)
DSLX_PIPE = Design("dslx", 500, 1)


def test_the_smallest_hand_design_at_no_more_cycles() -> None:
    hands = [POLY, DSLX, DSLX_PIPE]
    assert _best_hand(hands, 10) == DSLX
    assert _best_hand(hands, 2) == DSLX_PIPE
    ratio, hand = _ratio(Design("p0", 330, 3), hands)
    assert hand == DSLX and ratio == 1.1


def test_faster_than_every_hand_design_compares_with_the_fastest_marked_slower() -> None:
    ours = Design("default", 865, 8)
    ratio, hand = _ratio(ours, [POLY])
    assert hand == POLY and ratio is not None and round(ratio, 2) == 1.18
    assert _cell(hand, ours) == "polyphony 734 LUT @10 (slower)"
    assert _cell(DSLX, Design("p1", 1, 3)) == "dslx 300 LUT @3"
    assert _best_hand([POLY, Design("other", 900, 9)], 8) == Design("other", 900, 9)


def test_no_hand_design_no_ratio() -> None:
    assert _ratio(Design("p0", 10, 1), []) == (None, None)
    assert _cell(None) == "n/a"
