"""Baseline prompting vs the PREFACE agent on a task set, against the LLM endpoint configured in
the environment (OPENAI_BASE_URL / OPENAI_API_KEY / P2S_MODEL), with the real Dafny.

    .venv/bin/python -m bench.loop [--tasks PATH] [--limit N] [--baseline STRATEGY]
                                   [--policy CKPT] [--rounds N] [--out DIR]

Prints, side by side: verification success rate, mean LLM rounds, mean tokens per task and mean
wall time per task, and the PREFACE / baseline ratios. Without an endpoint it says so and prints
no numbers: nothing here is simulated. (Pointing it at the scripted test server measures the
script, not a model; the endpoint is printed with the results so that cannot go unnoticed.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from shared_schemas.generation import GenerationParams, GenerationResult, PromptStrategy
from shared_schemas.settings import Settings
from toolchain.dafny import DafnyEngine
from toolchain.generate import load_chooser, run_generate
from toolchain.llm.client import EndpointConfig
from toolchain.llm.tasks import Task, load_tasks

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Arm:
    name: str
    strategy: PromptStrategy
    results: list[GenerationResult] = field(default_factory=list)

    def row(self) -> dict[str, float]:
        n = max(len(self.results), 1)
        return {
            "tasks": len(self.results),
            "verified": sum(r.success for r in self.results),
            "success_rate": sum(r.success for r in self.results) / n,
            "mean_rounds": sum(r.rounds_used for r in self.results) / n,
            "mean_tokens": sum(r.usage.total for r in self.results) / n,
            "mean_wall_s": sum(r.duration_s for r in self.results) / n,
        }


def default_tasks() -> Path:
    env = os.environ.get("P2S_DATASETS")
    root = Path(env) if env else REPO.parent / "shared" / "datasets"
    mbpp = root / "mbpp-dfy" / "mbpp-dfy-tasks.json"
    return mbpp if mbpp.exists() else REPO / "examples" / "specs"


def run_arm(
    arm: Arm, tasks: list[Task], args: argparse.Namespace, engine: DafnyEngine, out: Path
) -> None:
    chooser = load_chooser(args.policy) if arm.strategy == PromptStrategy.preface else None
    for i, task in enumerate(tasks, 1):
        target = out / arm.name / f"{task.id}.dfy"
        params = GenerationParams(
            spec=task.spec,
            strategy=arm.strategy,
            max_rounds=args.rounds,
            output_path=str(target),
            trajectory_path=str(target.with_suffix(".trajectory.json")),
            force=True,
            seed=args.seed,
        )
        try:
            result = run_generate(params, Settings(), engine=engine, chooser=chooser)
        except Exception as exc:  # one broken task must not end the benchmark
            print(f"  {arm.name} {task.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        arm.results.append(result)
        print(
            f"  [{arm.name} {i}/{len(tasks)}] {task.id}: {result.outcome.value} "
            f"in {result.rounds_used} round(s), {result.usage.total} tokens",
            file=sys.stderr,
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.loop", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--tasks", type=Path, default=None, help="task folder or corpus file")
    parser.add_argument("--limit", type=int, default=10, help="first N tasks (default 10)")
    parser.add_argument(
        "--baseline",
        choices=[s.value for s in PromptStrategy if s != PromptStrategy.preface],
        default=PromptStrategy.error_specified.value,
    )
    parser.add_argument("--policy", help="PREFACE checkpoint (default: the rule-based agent)")
    parser.add_argument("--rounds", type=int, default=None, help="LLM attempts per task")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="keep outputs and trajectories here")
    args = parser.parse_args(argv)

    endpoint = EndpointConfig.resolve()
    if not endpoint.configured:
        print(
            "bench.loop: no LLM endpoint configured (set OPENAI_BASE_URL and/or OPENAI_API_KEY, "
            "and P2S_MODEL); nothing was measured."
        )
        return 0
    tasks = load_tasks(args.tasks or default_tasks(), args.limit)
    engine = DafnyEngine.discover()
    agent = f"checkpoint {args.policy}" if args.policy else "rule-based agent (no checkpoint)"
    print(
        f"endpoint: {endpoint.describe()}; {len(tasks)} tasks from {args.tasks or default_tasks()}"
    )
    print(f"Dafny {engine.info.version}; PREFACE: {agent}")
    arms = [
        Arm(args.baseline, PromptStrategy(args.baseline)),
        Arm("preface", PromptStrategy.preface),
    ]
    with tempfile.TemporaryDirectory(prefix="p2s-bench-loop-") as tmp:
        out = args.out or Path(tmp)
        for arm in arms:
            run_arm(arm, tasks, args, engine, out)
        rows = {arm.name: arm.row() for arm in arms}
        if args.out:
            (args.out / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    base, pref = rows[args.baseline], rows["preface"]
    print(f"\n{'':22}{args.baseline:>18}{'preface':>12}{'ratio':>10}")
    for key, label in (
        ("success_rate", "verification success"),
        ("mean_rounds", "mean rounds"),
        ("mean_tokens", "mean tokens / task"),
        ("mean_wall_s", "mean wall s / task"),
    ):
        ratio = f"{pref[key] / base[key]:.2f}" if base[key] else "n/a"
        print(f"{label:22}{base[key]:>18.3f}{pref[key]:>12.3f}{ratio:>10}")
    base_count = f"{base['verified']:.0f}/{base['tasks']:.0f}"
    pref_count = f"{pref['verified']:.0f}/{pref['tasks']:.0f}"
    print(f"{'verified / tasks':22}{base_count:>18}{pref_count:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
