"""The offline strategy-selection check: the policy reads task text only, and CV keeps it honest."""

from __future__ import annotations

from shared_schemas.replay import MbppTask, ReplayModelName, ReplayStrategy
from toolchain.datasets.mbpp_dfy import MbppDfy
from toolchain.datasets.strategy_selection import (
    LogisticPolicy,
    cross_validate,
    outcomes_by_task,
    task_words,
)

S = ReplayStrategy


def _task(i: int, text: str, signature: str = "method M(a: int) returns (r: int)") -> MbppTask:
    return MbppTask(task_id=str(i), description=text, method_signature=signature)


def test_words_come_from_the_description_and_signature_types() -> None:
    words = task_words(
        _task(
            1,
            "Write a method in Dafny to reverse a string.",
            "method R(s: string) returns (r: string)",
        )
    )
    assert {"reverse", "string", "sig:string"} <= words
    assert "method" not in words and "dafny" not in words  # shared by every task


def test_policy_learns_a_word_that_decides_the_strategy() -> None:
    # Tasks about arrays succeed only with the signature prompt, the rest only with few-shot:
    # always using one strategy gets half; reading the text gets them all.
    tasks = {}
    outcomes = {}
    for i in range(60):
        arrays = i % 2 == 0
        topic = "array elements" if arrays else "number digits"
        tasks[str(i)] = _task(i, f"Find the thing about {topic} case {i}.")
        outcomes[str(i)] = {
            S.contextless: False,
            S.signature: arrays,
            S.dynamic_few_shot: not arrays,
        }
    result = cross_validate(ReplayModelName.gpt4, "synthetic", tasks, outcomes, folds=5, repeats=2)
    assert result.oracle_successes == 60
    assert result.best_single_successes == 30
    assert result.policy_successes >= 57
    assert result.policy_successes > result.best_single_cv_successes + 20
    assert result.label == "replayed published outputs"


def test_without_signal_the_policy_falls_back_to_the_base_rate() -> None:
    policy = LogisticPolicy().fit(
        [{"x"}, {"y"}, {"z"}, {"w"}],
        [{S.contextless: False, S.signature: False, S.dynamic_few_shot: True}] * 4,
        list(S),
    )
    assert policy.choose({"never-seen"}) == S.dynamic_few_shot


def test_on_the_recorded_outcomes_it_stays_between_zero_and_the_oracle(corpus: MbppDfy) -> None:
    table: dict[str, dict[ReplayStrategy, bool]] = {}
    for r in corpus.select(models=[ReplayModelName.palm2]):
        table.setdefault(r.task_id, {})[r.strategy] = r.authors_verified
    result = cross_validate(
        ReplayModelName.palm2, "authors", corpus.tasks, table, folds=5, repeats=1
    )
    assert result.tasks == 178
    assert result.per_strategy == {"contextless": 2, "signature": 16, "dynamic_few_shot": 54}
    assert result.best_single_strategy == S.dynamic_few_shot
    assert 0 <= result.policy_successes <= result.oracle_successes == 62
    assert sum(result.policy_choices.values()) == 178


def test_outcomes_table_reads_ours_or_the_authors() -> None:
    from shared_schemas.replay import ReplayOutcome

    o = ReplayOutcome(
        task_id="7",
        model=ReplayModelName.gpt4,
        strategy=S.signature,
        extracted=True,
        verified=False,
        authors_verified=True,
    )
    assert outcomes_by_task([o], ReplayModelName.gpt4, "ours") == {"7": {S.signature: False}}
    assert outcomes_by_task([o], ReplayModelName.gpt4, "authors") == {"7": {S.signature: True}}
    assert outcomes_by_task([o], ReplayModelName.palm2, "ours") == {}
