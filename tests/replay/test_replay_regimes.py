"""The replay's hardware columns under the three regimes, on real published replies and the
real Dafny: as written, the contract stated in the precondition and re-verified, and assumed."""

from __future__ import annotations

import pytest

from shared_schemas.replay import HardwareRegime, ReplayModelName, ReplayStrategy
from toolchain.dafny import DafnyEngine
from toolchain.datasets.hardware_probe import FrontendProbe
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.datasets.replay_check import ReplayChecker, summarise
from toolchain.frontend.ranges import Options

CONTRACT = Options(assume_input_bits=32, assume_max_length=16)
R = HardwareRegime


def test_regimes_count_apart_on_real_replies(corpus: MbppDfy, dafny: DafnyEngine) -> None:
    # 3: an unbounded `n`; 8: an unbounded array length; 2: builds a sequence from unbounded
    # inputs (a buffer once the contract bounds them); as written none lowers, under both regimes all
    replies = [
        corpus.reply(t, ReplayModelName.gpt4, ReplayStrategy.dynamic_few_shot)
        for t in ("2", "3", "8")
    ]
    regimes = {
        g: FrontendProbe(dafny, None, regime=g, contract=CONTRACT) for g in (R.spec, R.assumed)
    }
    run = ReplayChecker(dafny, None, FrontendProbe(dafny, None), regimes=regimes).check(
        replies, corpus.tasks
    )
    by_task = {o.task_id: o for o in run.outcomes}
    for task in ("2", "3", "8"):
        o = by_task[task]
        assert o.verified and not o.lowers_to_ir
        assert o.hardware_reason is not None and o.hardware_reason.startswith("HW202")
        assert o.regimes[R.spec].lowers_to_ir and o.regimes[R.assumed].lowers_to_ir
    [row] = summarise(run.outcomes, run.missing)
    assert row.lowers_to_ir == 0
    assert row.regimes[R.spec].lowers_to_ir == row.regimes[R.assumed].lowers_to_ir == 3
    assert row.regimes[R.spec].reaches_rtl is None  # no synthesis asked: not measured, not 0


def test_the_spec_regime_keeps_only_what_dafny_verifies(dafny: DafnyEngine) -> None:
    """A caller that cannot establish the stated bounds: the spec regime refuses the program
    (the bounds would break it), the assumed regime builds it and says it assumed."""
    code = (
        "method Add(x: int, y: int) returns (z: int) {\n  z := x + y;\n}\n"
        # not hardware itself (a set), so only Add is a candidate
        "method Caller(s: set<int>) returns (r: int) {\n  r := Add(|s|, |s|);\n}\n"
    )
    spec = FrontendProbe(dafny, None, regime=R.spec, contract=CONTRACT).classify(code, None)
    assert not spec.lowers and spec.method == "Add"
    assert spec.reason is not None and spec.reason.startswith("bounds: with them the program is")
    assumed = FrontendProbe(dafny, None, regime=R.assumed, contract=CONTRACT).classify(code, None)
    assert assumed.lowers and assumed.method == "Add"


def test_a_regime_needs_its_contract(dafny: DafnyEngine) -> None:
    with pytest.raises(ValueError, match="needs a hardware contract"):
        FrontendProbe(dafny, None, regime=R.assumed)
