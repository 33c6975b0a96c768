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
from toolchain.generate import is_rescue_path, run_generate
from toolchain.proc import CancelToken
from toolchain.redact import redact

EXIT_CODES = """exit status:
  0    verified, and the program written
  1    not verified within the budget (rounds, tokens or --max-wall)
  2    bad input or settings; an endpoint or protocol error (unreachable, HTTP error, request
       timeout, answers that are not chat completions); or the verified program could not be
       written where asked (it is then saved to a temporary file whose path is printed)
  130  cancelled with Ctrl-C (a second Ctrl-C stops at once)
  143  terminated (SIGTERM)"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "generate",
        help="write verified Dafny for an English spec with an LLM and the Dafny verifier",
        description="Endpoint from OPENAI_BASE_URL / OPENAI_API_KEY / P2S_MODEL unless given.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    print(f"p2s generate: {redact(p.message)}", file=sys.stderr, flush=True)


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
            # the CLI's own handler: kill every tool, remove temporary files, exit 130
            from toolchain.commands.signals import on_signal

            on_signal(signum, frame)
            return
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
    rescued = bool(result.output_path and is_rescue_path(result.output_path))
    lost = result.success and not result.output_path and result.code is not None
    if args.json:
        exclude = None if lost else {"code"}
        sys.stdout.write(result.model_dump_json(indent=2, exclude=exclude) + "\n")
    else:
        if result.output_path:
            print(
                f"{result.output_path}: verified (round {result.rounds_used} of {result.max_rounds})"
            )
        elif lost:
            print(f"{args.spec}: verified, but could not be saved: the program follows")
        else:
            print(f"{args.spec}: not verified: {result.message}")
        if result.trajectory_path:
            print(f"trajectory: {result.trajectory_path}")
        estimated = " (estimated)" if result.usage.estimated else ""
        print(
            f"tokens: {result.usage.prompt_tokens} prompt + {result.usage.completion_tokens} "
            f"completion{estimated}; {result.duration_s:.1f} s"
        )
        if lost:
            # nowhere on disk would take it: the terminal is the last safe place
            print(result.code)
    if rescued or lost or (result.trajectory_path and is_rescue_path(result.trajectory_path)):
        print(f"p2s generate: warning: {result.message}", file=sys.stderr)
    if result.outcome == GenerationOutcome.cancelled:
        return 130
    if result.outcome == GenerationOutcome.llm_error:
        print(f"p2s: error: {result.message}", file=sys.stderr)
        return 2
    if rescued or lost:
        return 2
    return 0 if result.success else 1
