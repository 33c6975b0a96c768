"""Replay: answer LLM requests with the published GPT-4 / PaLM-2 replies to MBPP-DFY.

No model endpoint is reachable here, but real model text is: Misu et al. (FSE 2024) published one
GPT-4 and one PaLM-2 reply per MBPP-DFY task under three prompting strategies. Two ways to put
that text into the loop:

* `ReplayClient`: a `toolchain.llm.client.ChatClient` (`complete(messages, ...) -> Completion`,
  like `LlmClient`), in process.
* `ReplayServer`: a real local OpenAI-compatible HTTP server (the scripted server with the
  replay as its script), so the CLI, the language server and the extension can be pointed at it
  with `OPENAI_BASE_URL`. Run `python -m toolchain.datasets.replay_server --model gpt4 --strategy
  dynamic_few_shot`.

Which reply: the task is recognised in the request's messages, by an `MBPP-DFY task <id>` marker
(the title `task_spec_markdown` writes) or by the task's English description appearing in the
text; the model and strategy come from the request's model name (`gpt4:dynamic_few_shot`,
`replay/palm2/signature`, ...) or the defaults. A strategy sequence makes attempt k of a task get
the k-th strategy's reply (the last one repeats), so a repair loop sees a different real reply
each round. What comes back is replayed published output, never a model result of ours.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared_schemas.generation import ChatMessage, TokenUsage
from shared_schemas.replay import RecordedReply, ReplayModelName, ReplayStrategy
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.errors import InputError
from toolchain.llm import client
from toolchain.llm.scripted_server import Script, ScriptedServer, message_text

REPLAY_BASE_URL = "replay://mbpp-dfy"
_MARKER = re.compile(r"\bMBPP-DFY\s+task\s+#?(\d+)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_STRATEGY_ALIASES = {
    "contextless": ReplayStrategy.contextless,
    "rq1": ReplayStrategy.contextless,
    "signature": ReplayStrategy.signature,
    "rq2": ReplayStrategy.signature,
    "dynamic_few_shot": ReplayStrategy.dynamic_few_shot,
    "dynamic-few-shot": ReplayStrategy.dynamic_few_shot,
    "few_shot": ReplayStrategy.dynamic_few_shot,
    "few-shot": ReplayStrategy.dynamic_few_shot,
    "fewshot": ReplayStrategy.dynamic_few_shot,
    "rq3": ReplayStrategy.dynamic_few_shot,
}
_MODEL_ALIASES = {
    "gpt4": ReplayModelName.gpt4,
    "gpt-4": ReplayModelName.gpt4,
    "palm2": ReplayModelName.palm2,
    "palm-2": ReplayModelName.palm2,
}


class ReplayLookupError(client.LlmError):
    """No published reply answers this request."""


def parse_replay_model(name: str) -> tuple[ReplayModelName | None, ReplayStrategy | None]:
    """`gpt4:dynamic_few_shot`, `replay/palm2/signature`, `gpt-4` -> (model, strategy); parts
    that are not named come back None (the caller's defaults apply)."""
    model: ReplayModelName | None = None
    strategy: ReplayStrategy | None = None
    for part in re.split(r"[:/@,\s]+", name.strip().lower()):
        if part in _MODEL_ALIASES:
            model = _MODEL_ALIASES[part]
        elif part in _STRATEGY_ALIASES:
            strategy = _STRATEGY_ALIASES[part]
    return model, strategy


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


class TaskMatcher:
    """Recognise which MBPP-DFY task a prompt is about."""

    def __init__(self, corpus: MbppDfy) -> None:
        replied = set(corpus.replied_task_ids())
        self._ids = replied
        # longest descriptions first: one description can be a prefix of another
        self._by_text = sorted(
            (
                (_normal(t.description), t.task_id)
                for t in corpus.tasks.values()
                if t.task_id in replied
            ),
            key=lambda kv: -len(kv[0]),
        )

    def find(self, text: str) -> str | None:
        for m in _MARKER.finditer(text):
            if m.group(1) in self._ids:
                return m.group(1)
        flat = _normal(text)
        for description, task_id in self._by_text:
            if description and description in flat:
                return task_id
        return None


@dataclass(frozen=True)
class Served:
    """One answered request, for tests and for the record."""

    task_id: str
    model: ReplayModelName
    strategy: ReplayStrategy
    attempt: int


class ReplayBook:
    """The recorded replies plus the per-task attempt counters; thread-safe."""

    def __init__(
        self,
        corpus: MbppDfy,
        model: ReplayModelName = ReplayModelName.gpt4,
        strategies: Sequence[ReplayStrategy] = (ReplayStrategy.dynamic_few_shot,),
    ) -> None:
        if not strategies:
            raise InputError("a replay needs at least one strategy")
        self.corpus = corpus
        self.model = model
        self.strategies = tuple(strategies)
        self.matcher = TaskMatcher(corpus)
        self._attempts: Counter[tuple[str, ReplayModelName, tuple[ReplayStrategy, ...]]] = Counter()
        self._lock = threading.Lock()
        self.served: list[Served] = []

    def reset(self) -> None:
        with self._lock:
            self._attempts.clear()

    def lookup(
        self, text: str, model_name: str | None = None, task_id: str | None = None
    ) -> RecordedReply:
        asked_model, asked_strategy = parse_replay_model(model_name or "")
        model = asked_model or self.model
        sequence = (asked_strategy,) if asked_strategy is not None else self.strategies
        found = task_id or self.matcher.find(text)
        if found is None:
            raise ReplayLookupError(
                "no published MBPP-DFY reply matches this prompt",
                hint="put 'MBPP-DFY task <id>' or the task's description in the prompt",
            )
        with self._lock:
            key = (found, model, sequence)
            attempt = self._attempts[key]
            self._attempts[key] += 1
            strategy = sequence[min(attempt, len(sequence) - 1)]
            self.served.append(Served(found, model, strategy, attempt))
        return self.corpus.reply(found, model, strategy)


def _conversation_text(messages: Sequence[ChatMessage]) -> str:
    # The task is stated by the user (or the system prompt); assistant turns are old replies.
    return "\n".join(m.content for m in messages if m.role != "assistant")


class ReplayClient(client.ChatClient):
    """The LLM client interface, answered from the published replies (in process)."""

    def __init__(
        self,
        corpus: MbppDfy | None = None,
        model: ReplayModelName = ReplayModelName.gpt4,
        strategies: Sequence[ReplayStrategy] = (ReplayStrategy.dynamic_few_shot,),
        task_id: str | None = None,
    ) -> None:
        self.book = ReplayBook(corpus or MbppDfy.load(), model, strategies)
        self.task_id = task_id
        label = "+".join(s.value for s in self.book.strategies)
        self.config = client.EndpointConfig(
            base_url=REPLAY_BASE_URL,
            model=f"replay:{model.value}:{label}",
            temperature=0.0,
            timeout_s=1.0,
            max_tokens=4096,  # nominal: a recorded reply is returned whatever the limit
            max_retries=0,
        )

    def __repr__(self) -> str:
        return f"ReplayClient({self.config.model}, replayed published outputs)"

    @property
    def served(self) -> list[Served]:
        return self.book.served

    def close(self) -> None:
        return None

    def answer(
        self, messages: Sequence[ChatMessage], options: client.CompletionOptions
    ) -> client.Completion:
        # max_tokens and seed cannot change a recorded reply, and a lookup takes
        # no time worth a deadline: only a cancel is heeded.
        started = time.monotonic()
        if options.cancel is not None:
            options.cancel.raise_if_cancelled()
        recorded = self.book.lookup(_conversation_text(messages), task_id=self.task_id)
        return client.Completion(
            text=recorded.reply,
            finish_reason="stop",
            usage=TokenUsage(
                prompt_tokens=sum(client.estimate_tokens(m.content) for m in messages),
                completion_tokens=client.estimate_tokens(recorded.reply),
                estimated=True,
            ),
            attempts=1,
            model=f"replay:{recorded.model.value}:{recorded.strategy.value}",
            duration_s=time.monotonic() - started,
        )


class ReplayServer(ScriptedServer):
    """The scripted OpenAI-compatible server, answering from the published replies.

    Requests whose prompt matches no task get an HTTP 404 error. Loading a script (the scripted
    server's `/_scripted/script` route) resets the attempt counters; its steps, if any, are
    answered first, before any replay.
    """

    def __init__(self, book: ReplayBook, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(Script(), host=host, port=port)
        self.book = book

    def load(self, script: Script) -> None:
        super().load(script)
        self.book.reset()

    def choose(self, body: dict[str, Any]) -> dict[str, Any] | None:
        scripted = super().choose(body)
        if scripted is not None:
            return scripted
        messages = body.get("messages")
        text = "\n".join(
            message_text(m)
            for m in (messages if isinstance(messages, list) else [])
            if isinstance(m, dict) and m.get("role") != "assistant"
        )
        try:
            recorded = self.book.lookup(text, model_name=str(body.get("model") or ""))
        except ReplayLookupError:
            return {"status": 404}
        return {"reply": recorded.reply, "finish_reason": "stop"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m toolchain.datasets.replay_server",
        description="A local OpenAI-compatible server that answers with the published GPT-4 / "
        "PaLM-2 replies to MBPP-DFY (replayed published outputs, not a model).",
    )
    ap.add_argument("--model", choices=[m.value for m in ReplayModelName], default="gpt4")
    ap.add_argument(
        "--strategy",
        nargs="+",
        choices=[s.value for s in ReplayStrategy],
        default=[ReplayStrategy.dynamic_few_shot.value],
        help="one strategy, or a sequence: attempt k of a task gets the k-th",
    )
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    args = ap.parse_args(argv)
    try:
        corpus = MbppDfy.load()
    except InputError as exc:
        print(f"replay: error: {exc}", file=sys.stderr)
        return 2
    book = ReplayBook(
        corpus, ReplayModelName(args.model), [ReplayStrategy(s) for s in args.strategy]
    )
    server = ReplayServer(book, port=args.port).start()
    print(
        f"replay OpenAI-compatible server on {server.base_url} "
        f"(replayed published outputs: {args.model}, {' then '.join(args.strategy)}; "
        f"{len(corpus.replied_task_ids())} tasks)",
        flush=True,
    )
    server.serve_until_terminated()
    return 0


if __name__ == "__main__":
    sys.exit(main())
