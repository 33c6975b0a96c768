"""`p2s generate SPEC [--policy CKPT] [--strategy S] ...`: English spec -> verified Dafny."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from shared_schemas.generation import (
    GenerationOutcome,
    GenerationParams,
    GenerationProgress,
    PromptStrategy,
)
from shared_schemas.settings import DafnySettings, Settings
from toolchain.llm.generate import run_generate
from toolchain.proc import CancelToken


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "generate",
        help="write verified Dafny for an English spec with an LLM and the Dafny verifier",
        description="Endpoint from OPENAI_BASE_URL / OPENAI_API_KEY / P2S_MODEL unless given.",
    )
    p.add_argument("spec", metavar="SPEC", help="a .spec.md file")
    p.add_argument(
        "--strategy",
        choices=[s.value for s in PromptStrategy],
        default=PromptStrategy.error_specified.value,
        help="prompting strategy (default error_specified); preface uses --policy, or the "
        "rule-based agent without one",
    )
    p.add_argument("--policy", metavar="CKPT", help="PREFACE policy checkpoint (implies preface)")
    p.add_argument("--rounds", type=int, metavar="N", help="LLM attempts (default 7 / 6)")
    p.add_argument("--max-tokens", type=int, metavar="N", help="token budget for the whole run")
    p.add_argument("--max-wall", type=float, metavar="S", help="wall-time budget in seconds")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (else $OPENAI_BASE_URL)")
    p.add_argument("--model", help="model name (else $P2S_MODEL)")
    p.add_argument("--temperature", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--out", metavar="PATH", help="verified Dafny (default: beside the spec)")
    p.add_argument("--trajectory", metavar="PATH", help="trajectory JSON (default: beside --out)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument("--verify-timeout", type=float, default=60.0, metavar="S")
    p.add_argument("--dafny", default=None, help="Dafny executable (else $P2S_DAFNY, PATH)")
    p.add_argument("--json", action="store_true", help="print the GenerationResult as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def _print_progress(p: GenerationProgress) -> None:
    print(f"p2s generate: {p.message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    params = GenerationParams(
        spec_path=args.spec,
        strategy=PromptStrategy(args.strategy),
        max_rounds=args.rounds,
        max_total_tokens=args.max_tokens,
        max_wall_s=args.max_wall,
        temperature=args.temperature,
        model=args.model,
        base_url=args.base_url,
        policy_checkpoint=args.policy,
        output_path=args.out,
        trajectory_path=args.trajectory,
        force=args.force,
        verify_timeout_s=args.verify_timeout,
        seed=args.seed,
    )
    settings = Settings(dafny=DafnySettings(path=args.dafny))
    cancel = CancelToken()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        print("p2s generate: cancelling (Ctrl-C again to abort)", file=sys.stderr, flush=True)
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        result = run_generate(
            params,
            settings,
            progress=None if args.quiet else _print_progress,
            cancel=cancel,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        sys.stdout.write(result.model_dump_json(indent=2, exclude={"code"}) + "\n")
    else:
        if result.output_path:
            print(
                f"{result.output_path}: verified (round {result.rounds_used} of {result.max_rounds})"
            )
        else:
            print(f"{args.spec}: not verified: {result.message}")
        if result.trajectory_path:
            print(f"trajectory: {result.trajectory_path}")
        estimated = " (estimated)" if result.usage.estimated else ""
        print(
            f"tokens: {result.usage.prompt_tokens} prompt + {result.usage.completion_tokens} "
            f"completion{estimated}; {result.duration_s:.1f} s"
        )
    if result.outcome == GenerationOutcome.cancelled:
        return 130
    if result.outcome == GenerationOutcome.llm_error:
        print(f"p2s: error: {result.message}", file=sys.stderr)
        return 2
    return 0 if result.success else 1
