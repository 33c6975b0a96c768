"""The loader reads the published files in place and keeps what the authors recorded."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from shared_schemas.replay import ReplayModelName, ReplayStrategy
from toolchain.datasets.mbpp_dfy import MbppDfy, datasets_root, task_spec_markdown
from toolchain.errors import InputError
from toolchain.llm.spec import parse_spec


def test_six_published_files_of_178_replies(corpus: MbppDfy) -> None:
    assert len(corpus.replies) == 6 * 178
    per = Counter((r.model, r.strategy) for r in corpus.replies)
    assert set(per.values()) == {178}
    assert len(per) == 6
    assert len(corpus.tasks) == 228
    # the replied tasks are the 228 minus the authors' own 50 hand-written ones
    replied = set(corpus.replied_task_ids())
    assert len(replied) == 178
    assert not any(corpus.tasks[t].human_written for t in replied)


def test_fields_match_the_published_record(corpus: MbppDfy) -> None:
    root = corpus.root / "llm-outputs"
    raw = json.loads((root / "rq3-GPT-4-temp_0.5-verified-unverified-up.json").read_text())["2"]
    r = corpus.reply("2", ReplayModelName.gpt4, ReplayStrategy.dynamic_few_shot)
    assert r.reply == raw["code_response"]  # the code stage of the two-stage chain
    assert r.spec_reply == raw["specification_response"]
    assert r.authors_code == raw["dafny_code"]
    assert r.authors_verified is raw["isVerified"]
    assert r.attempts == raw["K"]
    assert r.temperature == 0.5
    contextless = corpus.reply("2", ReplayModelName.gpt4, ReplayStrategy.contextless)
    assert contextless.spec_reply is None
    assert contextless.reply.startswith("Sure, here is a Dafny method")


def test_authors_flag_counts_are_the_published_ones(corpus: MbppDfy) -> None:
    verified = Counter((r.model, r.strategy) for r in corpus.replies if r.authors_verified)
    assert verified[(ReplayModelName.gpt4, ReplayStrategy.dynamic_few_shot)] == 116
    assert verified[(ReplayModelName.palm2, ReplayStrategy.contextless)] == 2


def test_unknown_reply_is_a_clear_error(corpus: MbppDfy) -> None:
    with pytest.raises(InputError, match="no published gpt4 reply for task 999999"):
        corpus.reply("999999", ReplayModelName.gpt4, ReplayStrategy.signature)


def test_datasets_folder_is_overridable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("P2S_DATASETS", str(tmp_path))
    assert datasets_root() == tmp_path
    with pytest.raises(InputError, match="MBPP-DFY not found") as info:
        MbppDfy.load()
    assert info.value.hint is not None and "P2S_DATASETS" in info.value.hint


def test_task_spec_round_trips_through_the_spec_parser(corpus: MbppDfy) -> None:
    task = corpus.tasks["2"]
    spec = parse_spec(task_spec_markdown(task))
    assert spec.title == "MBPP-DFY task 2"
    assert spec.description == task.description
    assert spec.signature == task.method_signature
    assert len(spec.examples) == 3
