"""Interval analysis over the hardware IR: a candidate range for every integer variable and
expression, which the obligation program then makes Dafny prove.

  * `state`: the abstract state, its join / widening, and the result and options types;
  * `expressions`: expression ranges and guard refinement;
  * `analysis`: statements, loops (widening, narrowing, accumulator bounds) and the entry point;
  * `loop_syntax`: what a loop body's IR says about a variable (accumulator, single update).
"""

from toolchain.frontend.ranges.analysis import RangeAnalysis, analyze_ranges
from toolchain.frontend.ranges.state import Accumulation, Options, RangeResult, State

__all__ = ["Accumulation", "Options", "RangeAnalysis", "RangeResult", "State", "analyze_ranges"]
