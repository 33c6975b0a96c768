"""Replay the published GPT-4 / PaLM-2 replies to MBPP-DFY through our pipeline.

    .venv/bin/python -m bench.replay [--jobs 2] [--cold] [--limit N] [--out DIR]
        [--executor local|ray] [--ray-address ADDR] [--resume]

For every recorded reply (2 models x 3 strategies x 178 tasks): code extraction -> guard rails ->
the real Dafny verifier (Dafny 4 syntax shimmed for 2.x automatically). Prints, per model and
strategy, our verdicts side by side with the authors' flag, the disagreements by reason, the
hardware columns where their stages exist, and an offline strategy-selection check. Writes
report.json, outcomes.jsonl and disagreements.md under --out. These are replayed published
outputs, never a model result of ours.

The distinct programs are verified on the chosen executor (--jobs local threads by default, or
Ray workers), each verdict appended to verdicts.jsonl under --out as it arrives: --resume keeps
the verdicts an interrupted run reached.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench.replay.report import disagreements_markdown, render_report
from shared_schemas.replay import HardwareRegime, ReplayModelName, ReplayReport, ReplayStrategy
from shared_schemas.settings import DafnySettings
from shared_schemas.verification import VerifyRequest
from toolchain.atomic import write_atomic
from toolchain.dafny import DafnyEngine
from toolchain.dafny.cache import ResultCache, default_cache_dir
from toolchain.datasets.hardware_probe import FrontendProbe, SynthesisOptions
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.datasets.replay_check import ReplayChecker, summarise
from toolchain.datasets.strategy_selection import cross_validate, outcomes_by_task
from toolchain.errors import ToolchainError
from toolchain.executor import make_executor
from toolchain.executor.options import add_executor_arguments, options_from
from toolchain.frontend.ranges import Options
from toolchain.synthesize import synthesize_candidate


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m bench.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--jobs", type=int, default=2, help="concurrent Dafny processes")
    ap.add_argument("--vc-time-limit", type=int, default=20, help="per verification condition (s)")
    ap.add_argument("--timeout", type=float, default=120.0, help="per program (s)")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="ignore the on-disk result cache (every distinct program is verified afresh)",
    )
    ap.add_argument("--limit", type=int, default=None, help="only the first N tasks")
    ap.add_argument("--models", nargs="*", choices=[m.value for m in ReplayModelName])
    ap.add_argument("--strategies", nargs="*", choices=[s.value for s in ReplayStrategy])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--prove-widths",
        action="store_true",
        help="hardware-plausible also requires Dafny to prove the chosen widths (slower)",
    )
    ap.add_argument(
        "--no-synth",
        dest="synth",
        action="store_false",
        help="skip synthesis: no RTL / cosim columns (by default every verified program that "
        "lowers to hardware IR goes through XLS, yosys and co-simulation)",
    )
    ap.add_argument("--synth-limit", type=int, default=None, help="at most N distinct programs")
    ap.add_argument("--synth-vectors", type=int, default=16, help="co-simulation vectors")
    ap.add_argument(
        "--regimes",
        nargs="*",
        choices=[HardwareRegime.spec.value, HardwareRegime.assumed.value],
        default=[HardwareRegime.spec.value, HardwareRegime.assumed.value],
        help="also measure the hardware columns with the contract stated in the precondition "
        "and re-verified (spec) and/or assumed (assumed); none: only as written",
    )
    ap.add_argument("--contract-bits", type=int, default=32, help="the contract's integer bits")
    ap.add_argument(
        "--contract-length", type=int, default=16, help="the contract's array/sequence length"
    )
    ap.add_argument(
        "--overflow-bits",
        type=int,
        default=32,
        help="in the assumed regime, results with no bound get this many bits and a run-time "
        "overflow check (0: refused instead)",
    )
    ap.add_argument("--out", type=Path, default=Path("build/bench-replay"))
    add_executor_arguments(ap)
    return ap.parse_args(argv)


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        print(f"  verified {done}/{total} distinct programs", file=sys.stderr, flush=True)


def run(argv: list[str] | None = None) -> ReplayReport:
    args = _args(argv)
    started = time.monotonic()
    corpus = MbppDfy.load()
    task_ids = corpus.replied_task_ids()[: args.limit] if args.limit else None
    models = [ReplayModelName(m) for m in args.models] if args.models else None
    strategies = [ReplayStrategy(s) for s in args.strategies] if args.strategies else None
    replies = corpus.select(models, strategies, task_ids)
    cache = ResultCache(None) if args.cold else ResultCache(default_cache_dir())
    engine = DafnyEngine.discover(
        DafnySettings(jobs=args.jobs, vc_time_limit_s=args.vc_time_limit, timeout_s=args.timeout),
        cache=cache,
    )
    request = VerifyRequest(timeout_s=args.timeout, vc_time_limit_s=args.vc_time_limit)
    synthesis = (
        SynthesisOptions(
            args.out / "synth",
            args.synth_vectors,
            args.synth_limit,
            synthesize=synthesize_candidate,
        )
        if args.synth
        else None
    )
    probe = FrontendProbe(engine, synthesis, prove_widths=args.prove_widths)
    contract = Options(
        assume_input_bits=args.contract_bits,
        assume_max_length=args.contract_length,
        overflow_check_bits=args.overflow_bits or None,
    )
    regimes = {
        HardwareRegime(g): FrontendProbe(
            engine,
            synthesis,
            prove_widths=args.prove_widths,
            regime=HardwareRegime(g),
            contract=contract,
        )
        for g in args.regimes
    }
    probes = [probe, *regimes.values()]
    print(
        f"replaying {len(replies)} published replies ({corpus.root}); Dafny "
        f"{engine.info.version}, --executor {args.executor} --jobs {args.jobs}, "
        f"{'cold (no result cache)' if args.cold else 'result cache ' + str(default_cache_dir())}",
        file=sys.stderr,
        flush=True,
    )
    executor = make_executor(options_from(args, workers=args.jobs))
    try:
        run_ = ReplayChecker(
            engine,
            request,
            probe,
            regimes=regimes,
            executor=executor,
            journal=args.out / "verdicts.jsonl",
            resume=args.resume,
            cold=args.cold,
        ).check(replies, corpus.tasks, _progress)
    finally:
        executor.close()
    rows = summarise(run_.outcomes, run_.missing)
    selection = []
    chosen_models = models or list(ReplayModelName)
    full_strategies = strategies is None or set(strategies) == set(ReplayStrategy)
    if full_strategies:
        for model in chosen_models:
            for source in ("ours", "authors"):
                table = outcomes_by_task(run_.outcomes, model, source)
                selection.append(
                    cross_validate(model, source, corpus.tasks, table, args.folds, args.repeats)
                )
    args.out.mkdir(parents=True, exist_ok=True)
    disagreements = [o for o in run_.outcomes if o.disagreement]
    dis_file = args.out / "disagreements.md"
    write_atomic(dis_file, disagreements_markdown(disagreements, corpus))
    write_atomic(
        args.out / "outcomes.jsonl",
        "".join(o.model_dump_json() + "\n" for o in run_.outcomes),
    )
    missing = [f"{column}: {why}" for column, why in run_.missing.items()]
    if (
        synthesis is not None
        and synthesis.limit is not None
        and any(p.synthesized >= synthesis.limit for p in probes)
    ):
        missing.append(
            f"reaches_rtl/cosim_passed: only the first {synthesis.limit} distinct hardware-plausible "
            "programs were synthesized (--synth-limit)"
        )
    for crash, n in Counter(c for p in probes for c in p.crashes).most_common():
        missing.append(f"front end / synthesis crashed {n}x: {crash}")
    if not full_strategies:
        missing.append("strategy selection: needs all three strategies")
    report = ReplayReport(
        dataset=str(corpus.root),
        dafny_version=engine.info.version,
        vc_time_limit_s=args.vc_time_limit,
        rows=rows,
        selection=selection,
        replies=len(replies),
        unique_programs=run_.unique_programs,
        verifier_runs=run_.verifier_runs,
        synthesized=sum(p.synthesized for p in probes),
        synthesis_s=sum(p.synthesis_s for p in probes),
        wall_s=time.monotonic() - started,
        disagreements_file=str(dis_file),
        missing=missing,
        contract=(
            f"integers {args.contract_bits} bits, lengths <= {args.contract_length}"
            + (
                f"; assumed regime: results with no bound checked at run time in "
                f"{args.overflow_bits} bits"
                if args.overflow_bits
                else ""
            )
            if regimes
            else None
        ),
    )
    write_atomic(args.out / "report.json", report.model_dump_json(indent=2) + "\n")
    reasons = Counter(o.disagreement for o in disagreements if o.disagreement)
    print(render_report(report, reasons, run_.outcomes))
    return report


def main(argv: list[str] | None = None) -> int:
    try:
        run(argv)
    except ToolchainError as exc:
        print(f"bench.replay: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
