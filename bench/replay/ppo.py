"""PPO on replayed published outputs, against the offline strategy selectors, on the same folds.

    .venv/bin/python -m bench.replay.ppo [--from build/bench-replay] [--seeds 0 1 2]
        [--folds 10] [--repeats 5] [--iterations 60]

Reads what `bench.replay` wrote (outcomes.jsonl: the recorded GPT-4 / PaLM-2 replies with our
Dafny verdicts; verdicts.jsonl: the error counts behind the reward). For each model, on the
held-out folds of the offline strategy selection (same seed, same splits), prints the tasks
verified on the first pick and within two picks by: the PPO policy (mean over --seeds, each seed
listed), the best single strategy (chosen on the training folds), the best fixed order of two
strategies, the logistic-regression selector, and the oracle (any strategy). These are replayed
published outputs, never a model result of ours.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from itertools import permutations
from pathlib import Path

from shared_schemas.replay import ReplayModelName, ReplayOutcome
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.datasets.replay_ppo import (
    STRATEGIES,
    Featurizer,
    PPOSettings,
    Table,
    build_table,
    play,
    train_policy,
)
from toolchain.datasets.strategy_selection import cross_validate, fold_splits, outcomes_by_task

LABEL = "replayed published outputs, not a model result of ours"


def error_counts(folder: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    path = folder / "verdicts.jsonl"
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("ok"):
            v = record["value"]
            found[record["key"]] = int(v["error_count"]) + int(v["timeout_count"])
    return found


def fixed_pair(table: Table, train: list[str], held: list[str]) -> tuple[int, int]:
    """Held-out (first pick, within two) of the best ordered pair of strategies on training."""

    def score(ids: list[str], a: int, b: int) -> tuple[int, int]:
        first = sum(table[t][STRATEGIES[a]].verified for t in ids)
        two = sum(table[t][STRATEGIES[a]].verified or table[t][STRATEGIES[b]].verified for t in ids)
        return first, two

    best = max(permutations(range(len(STRATEGIES)), 2), key=lambda p: score(train, *p)[::-1])
    return score(held, *best)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.replay.ppo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--from", dest="source", type=Path, default=Path("build/bench-replay"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=PPOSettings().iterations)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)  # tiny networks: threads only add overhead
    path = args.source / "outcomes.jsonl"
    if not path.exists():
        print(f"no {path}: run python -m bench.replay --out {args.source} first", file=sys.stderr)
        return 2
    outcomes = [
        ReplayOutcome.model_validate_json(line)
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    errors = error_counts(args.source)
    corpus = MbppDfy.load()
    settings = PPOSettings(iterations=args.iterations)
    print(f"PPO strategy choice on {LABEL}")
    print(
        f"outcomes: {path} ({len(outcomes)} replies); error counts for "
        f"{len(errors)} programs{' (none: every failure counts 1 error)' if not errors else ''}"
    )
    print(
        f"held-out folds: {args.folds} folds x {args.repeats} repeats, split seed 0 (as the offline "
        f"selection); PPO seeds {args.seeds}, {settings.iterations} iterations x "
        f"{settings.episodes} episodes per fold; counts are per repeat (mean over repeats)\n"
    )
    header = f"{'model':<6} {'selector':<34} {'1st pick':>9} {'within 2':>9}"
    print(header)
    print("-" * len(header))
    for model in ReplayModelName:
        table = build_table(outcomes, errors, model.value)
        ids = sorted(t for t in table if t in corpus.tasks)
        if not ids:
            continue
        started = time.monotonic()
        splits = fold_splits(ids, args.folds, args.repeats, seed=0)
        lr = cross_validate(
            model, "ours", corpus.tasks, outcomes_by_task(outcomes, model, "ours"),
            args.folds, args.repeats,
        )  # fmt: skip
        pair = [fixed_pair(table, train, held) for train, held in splits]
        per_seed: list[tuple[float, float]] = []
        for seed in args.seeds:
            first = two = 0
            for k, (train, held) in enumerate(splits):
                feats = Featurizer(corpus.tasks, train)
                policy = train_policy(feats, table, train, seed * 1000 + k, settings)
                _, solved = play(policy, feats, table, held, greedy=True)
                first += sum(s == 1 for s in solved)
                two += sum(1 <= s <= 2 for s in solved)
            per_seed.append((first / args.repeats, two / args.repeats))
        oracle = sum(any(a.verified for a in table[t].values()) for t in ids)
        rows = [
            (
                "PPO policy (mean of seeds)",
                statistics.mean(p[0] for p in per_seed),
                statistics.mean(p[1] for p in per_seed),
            ),
            *((f"  PPO seed {s}", f, w) for s, (f, w) in zip(args.seeds, per_seed, strict=True)),
            (
                "best single strategy (train folds)",
                lr.best_single_cv_successes,
                None,
            ),
            (
                "best fixed pair of strategies",
                sum(p[0] for p in pair) / args.repeats,
                sum(p[1] for p in pair) / args.repeats,
            ),
            ("logistic-regression selector", lr.policy_successes, None),
            ("oracle (any strategy)", float(oracle), float(oracle)),
        ]
        for name, f, w in rows:
            within = "-" if w is None else f"{w:.1f}"
            print(f"{model.value:<6} {name:<34} {f:>9.1f} {within:>9}")
        print(
            f"{model.value:<6} {len(ids)} tasks; per strategy {lr.per_strategy}; "
            f"{time.monotonic() - started:.0f} s\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
