"""How often co-simulation's candidates meet the precondition, before Dafny is asked (no Dafny).

    .venv/bin/python -m bench.precondition_census [--vectors V] [--only PATTERN]

For every hardware-plausible corpus method that lowers under the bench contract (32-bit ints,
lengths <= 16, as bench.synth_coverage), the plain candidates (`vectors.sample_candidates`) and
the precondition-shaped ones (`shaped.py`) are read by the local evaluator (`requires_eval`).
It prints how many methods have fewer than --vectors plain candidates the evaluator accepts
(the ones co-simulation risks running with few or no vectors), how many the shaped search lifts
to --vectors, and how many preconditions the evaluator cannot read. This is a census of the
generator, not a verdict: Dafny's compiled precondition is what co-simulation trusts, and
bench.synth_coverage measures that.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.synth_coverage.__main__ import collect
from toolchain.cosim.requires_eval import RequiresEvaluator
from toolchain.cosim.run import CANDIDATE_FACTOR
from toolchain.cosim.shaped import precondition_clauses, shaped_candidates
from toolchain.cosim.vectors import sample_candidates
from toolchain.frontend import ast as A
from toolchain.frontend.driver import run_parsed
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.precondition_census", description=__doc__)
    ap.add_argument("--vectors", type=int, default=16)
    ap.add_argument("--only", default="", help="substring of corpus:file:method to keep")
    ap.add_argument("--list", action="store_true", help="print every method short of vectors")
    args = ap.parse_args(argv)
    options = Options(assume_input_bits=32, assume_max_length=16)
    rows = [r for r in collect() if args.only in f"{r[0]}:{r[1].name}:{r[2]}"]
    lowered = with_requires = unreadable = short = lifted = zero_before = zero_after = 0
    started = time.monotonic()
    for corpus, path, name in rows:
        program = parse_program(path.read_text(encoding="utf-8", errors="replace"))
        result = run_parsed(program, name, filename=path.name, options=options)
        decl = program.find(name)
        if result.method is None or not isinstance(decl, A.MethodDecl):
            continue
        lowered += 1
        clauses = precondition_clauses(decl)
        if not decl.specs_of("requires"):
            continue
        with_requires += 1
        try:
            plain = sample_candidates(result.method, max(args.vectors * CANDIDATE_FACTOR, 16), 1)
        except ValueError:
            continue  # an unsized width (not proven under the contract): no co-simulation
        plain = sample_candidates(result.method, max(args.vectors * CANDIDATE_FACTOR, 16), 1)
        search = shaped_candidates(
            result.method, decl, program, plain, args.vectors, 1, max_seconds=None
        )
        if clauses is None or not search.evaluable:
            unreadable += 1
            if args.list:
                print(f"  unreadable  {corpus}:{path.name}:{name}")
            continue
        if search.plain_accepted >= args.vectors:
            continue
        short += 1
        total = search.plain_accepted + len(search.candidates)
        # confirm with a fresh evaluator: the shaped ones are accepted by construction
        ev = RequiresEvaluator(program)
        assert all(ev.holds(clauses or [], v) for v in search.candidates)
        zero_before += search.plain_accepted == 0
        zero_after += total == 0
        lifted += total >= args.vectors
        if args.list:
            print(
                f"  {search.plain_accepted:>3} -> {total:>3}  ({search.attempts} tries)  "
                f"{corpus}:{path.name}:{name}"
            )
    print(
        f"bench/precondition_census: {len(rows)} plausible methods, {lowered} lower "
        f"(32-bit / length <= 16 contract), {with_requires} with a precondition, "
        f"{time.monotonic() - started:.0f} s"
    )
    print(f"  precondition the local evaluator cannot read:      {unreadable}")
    print(f"  fewer than {args.vectors} plain candidates accepted:        {short}")
    print(f"    of those, none accepted (plain):                  {zero_before}")
    print(f"    lifted to {args.vectors} accepted by the shaped search:    {lifted}")
    print(f"    still none accepted after the shaped search:      {zero_after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
