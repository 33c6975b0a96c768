"""`p2s train --tasks DIR [--policy compact|hf_lora] [--mode strategy|generative] [--resume] ...`:
train the PREFACE agent with PPO against an OpenAI-compatible LLM and the real Dafny verifier."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from shared_schemas.generation import TrainingConfig, TrainingIteration, TrainingMode
from shared_schemas.settings import LlmSettings
from toolchain.commands.model_flags import ModelFlags
from toolchain.commands.shared_flags import add_dafny_flag, dafny_settings
from toolchain.dafny import DafnyEngine
from toolchain.errors import InputError
from toolchain.executor import make_executor
from toolchain.executor.options import add_executor_arguments, options_from
from toolchain.llm.client import EndpointConfig, LlmClient
from toolchain.llm.tasks import load_tasks
from toolchain.proc import CancelToken

_FLAGS = ModelFlags(TrainingConfig)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "train",
        help="train the PREFACE prompt-repair agent (PPO) on a task set",
        description="Needs an LLM endpoint: OPENAI_BASE_URL / OPENAI_API_KEY / P2S_MODEL.",
    )
    _FLAGS.option(p, "tasks", required=True, metavar="DIR", help="task folder or corpus file")
    p.add_argument("--limit", type=int, metavar="N", help="use the first N tasks")
    _FLAGS.option(
        p,
        "policy",
        choices=["compact", "hf_lora"],
        help="the strategy mode's policy (default compact)",
    )
    _FLAGS.choice(
        p,
        "mode",
        help="strategy: pick an edit from the library; generative: a small model writes the "
        "prompt refinement (default strategy)",
    )
    _FLAGS.option(p, "policy_model", metavar="DIR")
    _FLAGS.option(p, "hf_model_path", "--hf-model", metavar="PATH")
    _FLAGS.option(p, "iterations", help="")
    _FLAGS.option(p, "episodes_per_iteration", "--episodes", metavar="EPISODES")
    _FLAGS.option(p, "max_attempts")
    _FLAGS.option(p, "learning_rate", "--lr", metavar="LR", help="")
    _FLAGS.option(p, "seed", help="")
    _FLAGS.option(p, "out_dir", "--out", metavar="DIR")
    p.add_argument("--force", action="store_true", help="overwrite a checkpoint in --out")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out from its last finished iteration (same flags; "
        "--iterations may grow)",
    )
    p.add_argument("--base-url")
    p.add_argument("--model")
    p.add_argument("--temperature", type=float)
    add_dafny_flag(p)
    p.add_argument("--verify-timeout", type=float, default=60.0, metavar="S")
    p.add_argument(
        "--rollout-workers",
        type=int,
        default=1,
        metavar="N",
        help="episodes played at once by local threads (1: one after another, as before)",
    )
    add_executor_arguments(p, resume=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from toolchain.preface.env import LoopEnvironment
    from toolchain.preface.resume import STATE_FILE, load_state
    from toolchain.preface.train import train

    config = _FLAGS.build(args)
    parallel = args.executor != "local" or args.rollout_workers > 1
    if config.mode == TrainingMode.generative and parallel:
        raise InputError(
            "--mode generative plays its episodes in this process: the parallel rollouts "
            "(--executor ray, --rollout-workers) carry an edit policy, not a writer",
            hint="drop --executor / --rollout-workers, or use --mode strategy",
        )
    if args.resume and args.force:
        raise InputError("--resume continues a run and --force starts afresh", hint="pick one")
    tasks = load_tasks(config.tasks, args.limit)
    out = Path(config.out_dir)
    resume = load_state(out, config) if args.resume else None
    if resume is None:
        for name in ("policy.pt", STATE_FILE):
            if (out / name).exists() and not args.force:
                raise InputError(
                    f"{out / name} already exists",
                    hint="pass --resume to continue that run, or --force to start afresh",
                )
        # a fresh run must not leave an older run's state to be resumed later
        (out / STATE_FILE).unlink(missing_ok=True)
    llm = LlmClient(
        EndpointConfig.resolve(
            LlmSettings(), base_url=args.base_url, model=args.model, temperature=args.temperature
        )
    )
    engine = DafnyEngine.discover(dafny_settings(args))
    cancel = CancelToken()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        print("p2s train: stopping after this episode (Ctrl-C again to abort)", file=sys.stderr)
        cancel.cancel()

    def show(row: TrainingIteration) -> None:
        print(
            f"iteration {row.iteration}: success {row.success_rate:.2f}, return "
            f"{row.mean_return:.2f}, attempts {row.mean_attempts:.2f}, "
            f"entropy {row.entropy:.2f} ({row.duration_s:.0f} s)",
            flush=True,
        )

    print(f"p2s train: {len(tasks)} tasks, {llm.config.describe()}", file=sys.stderr)
    if resume is not None:
        print(
            f"p2s train: resuming after iteration {resume.iteration} of {config.iterations}",
            file=sys.stderr,
        )
    env = LoopEnvironment(
        llm,
        engine,
        max_attempts=config.max_attempts,
        verify_timeout_s=args.verify_timeout,
        cancel=cancel,
        record_to=out / "episodes.jsonl",
    )
    collect = None
    executor = None
    if parallel:
        from toolchain.preface.rollouts import LoopEnvSpec, ParallelCollector

        # episodes played in parallel by workers that build their own LLM client and Dafny;
        # this process is the one learner
        executor = make_executor(options_from(args, workers=args.rollout_workers))
        spec = LoopEnvSpec(llm.config, args.dafny, config.max_attempts, args.verify_timeout)
        collect = ParallelCollector(executor, spec, config, record_to=out / "episodes.jsonl")
        print(f"p2s train: rollouts on the {executor.name} executor", file=sys.stderr)
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        report = train(
            config, env, tasks, progress=show, cancel=cancel, collect=collect, resume=resume
        )
    finally:
        signal.signal(signal.SIGINT, previous)
        llm.close()
        if executor is not None:
            executor.close()
    print(f"checkpoint: {report.checkpoint}")
    print(f"curves: {report.curves_csv} {report.curves_png or ''}".rstrip())
    return 0
