"""The replay source: in process and as a real OpenAI-compatible HTTP server, via the real clients."""

from __future__ import annotations

import json
import time
import urllib.request

import openai
import pytest

from shared_schemas.generation import ChatMessage
from shared_schemas.replay import ReplayModelName, ReplayStrategy
from toolchain.dafny import DafnyEngine
from toolchain.datasets.mbpp_dfy import MbppDfy, task_spec_markdown
from toolchain.datasets.replay_server import (
    ReplayBook,
    ReplayClient,
    ReplayLookupError,
    ReplayServer,
    parse_replay_model,
)
from toolchain.llm.client import ChatClient, EndpointConfig, LlmClient, LlmError
from toolchain.llm.extract import extract_dafny
from toolchain.llm.guard import check_candidate
from toolchain.proc import CancelToken

M, S = ReplayModelName, ReplayStrategy


def _user(text: str) -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content="You write verified Dafny."),
        ChatMessage(role="user", content=text),
    ]


def test_model_names_select_model_and_strategy() -> None:
    assert parse_replay_model("gpt4:dynamic_few_shot") == (M.gpt4, S.dynamic_few_shot)
    assert parse_replay_model("replay/palm-2/rq2") == (M.palm2, S.signature)
    assert parse_replay_model("gpt-4o-mini") == (None, None)
    assert parse_replay_model("PaLM2") == (M.palm2, None)


def test_client_recognises_the_task_by_its_description(corpus: MbppDfy) -> None:
    task = corpus.tasks["17"]
    client = ReplayClient(corpus, M.palm2, [S.contextless])
    done = client.complete(_user(f"Task: {task.description}\nAnswer in a dafny block."))
    recorded = corpus.reply("17", M.palm2, S.contextless)
    assert done.text == recorded.reply
    assert done.model == "replay:palm2:contextless"
    assert done.usage.estimated and done.usage.completion_tokens > 0
    assert client.served[-1].task_id == "17"


def test_a_strategy_sequence_gives_each_attempt_the_next_reply(corpus: MbppDfy) -> None:
    client = ReplayClient(corpus, M.gpt4, [S.contextless, S.signature, S.dynamic_few_shot])
    prompt = _user(task_spec_markdown(corpus.tasks["2"]))
    texts = [client.complete(prompt).text for _ in range(4)]
    assert texts[0] == corpus.reply("2", M.gpt4, S.contextless).reply
    assert texts[1] == corpus.reply("2", M.gpt4, S.signature).reply
    assert texts[2] == texts[3] == corpus.reply("2", M.gpt4, S.dynamic_few_shot).reply
    assert [s.attempt for s in client.served] == [0, 1, 2, 3]


def test_assistant_turns_do_not_choose_the_task(corpus: MbppDfy) -> None:
    # an earlier reply quoting another task's description must not redirect the replay
    other = corpus.tasks["17"].description
    messages = [
        ChatMessage(role="user", content=corpus.tasks["2"].description),
        ChatMessage(role="assistant", content=other),
        ChatMessage(role="user", content="That did not verify; try again."),
    ]
    client = ReplayClient(corpus, M.gpt4, [S.signature])
    assert client.complete(messages).text == corpus.reply("2", M.gpt4, S.signature).reply


def test_client_takes_the_loops_arguments_deadline_included(corpus: MbppDfy) -> None:
    # The generation loop passes its wall-time budget as `deadline` (and a token limit and seed):
    # the replay is a ChatClient like LlmClient, so it accepts them (a recorded reply ignores them).
    client = ReplayClient(corpus, M.gpt4, [S.signature])
    assert isinstance(client, ChatClient)
    done = client.complete(
        _user(corpus.tasks["2"].description),
        max_tokens=64,
        seed=7,
        deadline=time.monotonic() + 60,
    )
    assert done.text == corpus.reply("2", M.gpt4, S.signature).reply


def test_unknown_prompt_and_cancel_are_errors(corpus: MbppDfy) -> None:
    client = ReplayClient(corpus)
    with pytest.raises(ReplayLookupError, match="no published MBPP-DFY reply"):
        client.complete(_user("Write a web server in Rust."))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Exception, match="cancel"):
        client.complete(_user(corpus.tasks["2"].description), cancel=token)


def test_server_answers_the_openai_client_plain_and_streaming(corpus: MbppDfy) -> None:
    with ReplayServer(ReplayBook(corpus, M.gpt4, [S.dynamic_few_shot])) as server:
        oc = openai.OpenAI(base_url=server.base_url, api_key="unused", max_retries=0)
        prompt = [{"role": "user", "content": "Solve MBPP-DFY task 2 in Dafny."}]
        plain = oc.chat.completions.create(model="palm2:signature", messages=prompt)  # type: ignore[arg-type]
        assert plain.choices[0].message.content == corpus.reply("2", M.palm2, S.signature).reply
        stream = oc.chat.completions.create(model="default", messages=prompt, stream=True)  # type: ignore[arg-type]
        pieces = []
        for chunk in stream:
            choices = getattr(chunk, "choices", None)
            if choices:
                pieces.append(choices[0].delta.content or "")
        text = "".join(pieces)
        assert text == corpus.reply("2", M.gpt4, S.dynamic_few_shot).reply
        with pytest.raises(openai.NotFoundError):
            oc.chat.completions.create(model="gpt4", messages=[{"role": "user", "content": "hi"}])
        oc.close()


def _post(url: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        data = json.loads(answer.read())
    assert isinstance(data, dict)
    return data


def _content(answer: dict[str, object]) -> str:
    choices = answer["choices"]
    assert isinstance(choices, list)
    return str(choices[0]["message"]["content"])


def test_loading_a_script_resets_the_attempt_counters(corpus: MbppDfy) -> None:
    book = ReplayBook(corpus, M.gpt4, [S.contextless, S.signature])
    with ReplayServer(book) as server:
        url = f"{server.base_url}/chat/completions"
        body = {"model": "x", "messages": [{"role": "user", "content": "MBPP-DFY task 2"}]}
        first = _content(_post(url, body))
        second = _content(_post(url, body))
        assert _post(server.base_url.removesuffix("/v1") + "/_scripted/script", []) == {"ok": True}
        again = _content(_post(url, body))
    assert first == again == corpus.reply("2", M.gpt4, S.contextless).reply
    assert second == corpus.reply("2", M.gpt4, S.signature).reply


def test_real_client_to_replay_server_to_real_dafny(corpus: MbppDfy, dafny: DafnyEngine) -> None:
    """Real model text end to end: LlmClient -> HTTP -> extraction -> guard -> Dafny."""
    with ReplayServer(ReplayBook(corpus, M.gpt4, [S.dynamic_few_shot])) as server:
        client = LlmClient(
            EndpointConfig(
                base_url=server.base_url,
                model="gpt4:dynamic_few_shot",
                temperature=0.0,
                timeout_s=10,
                max_tokens=512,
                max_retries=0,
            )
        )
        try:
            reply = client.complete(_user(task_spec_markdown(corpus.tasks["2"])))
            with pytest.raises(LlmError, match="404"):
                client.complete(_user("nothing recorded answers this"))
        finally:
            client.close()
    extraction = extract_dafny(reply.text)
    assert extraction.ok
    assert check_candidate(extraction.code) == []
    result = dafny.verify_source(extraction.code, "candidate.dfy")
    assert result.ok, result.diagnostics
    assert corpus.reply("2", M.gpt4, S.dynamic_few_shot).authors_verified
