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
)
from toolchain.commands.model_flags import ModelFlags
from toolchain.commands.shared_flags import add_dafny_flag, settings_from
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


_FLAGS = ModelFlags(GenerationParams)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "generate",
        help="write verified Dafny for an English spec with an LLM and the Dafny verifier",
        description="Endpoint from OPENAI_BASE_URL / OPENAI_API_KEY / P2S_MODEL unless given.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec_path", metavar="SPEC", help="a .spec.md file")
    _FLAGS.choice(
        p,
        "strategy",
        help="prompting strategy (default error_specified); preface uses --policy, or the "
        "rule-based agent without one",
    )
    _FLAGS.option(p, "policy_checkpoint", "--policy", metavar="CKPT")
    _FLAGS.option(p, "max_rounds", "--rounds", metavar="N", help="LLM attempts (default 7 / 6)")
    _FLAGS.option(p, "max_total_tokens", "--max-tokens", metavar="N")
    _FLAGS.option(p, "max_wall_s", "--max-wall", metavar="S")
    _FLAGS.option(p, "base_url", help="OpenAI-compatible endpoint (else $OPENAI_BASE_URL)")
    _FLAGS.option(p, "model", help="model name (else $P2S_MODEL)")
    _FLAGS.option(p, "temperature", help="")
    _FLAGS.option(p, "seed", help="")
    _FLAGS.option(p, "output_path", "--out", metavar="PATH")
    _FLAGS.option(p, "trajectory_path", "--trajectory", metavar="PATH")
    _FLAGS.switch(p, "force")
    _FLAGS.option(p, "verify_timeout_s", "--verify-timeout", metavar="S", help="")
    add_dafny_flag(p)
    p.add_argument("--json", action="store_true", help="print the GenerationResult as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def _print_progress(p: GenerationProgress) -> None:
    print(f"p2s generate: {redact(p.message)}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    params = _FLAGS.build(args)
    settings = settings_from(args)
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
            print(f"{args.spec_path}: verified, but could not be saved: the program follows")
        else:
            print(f"{args.spec_path}: not verified: {result.message}")
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
