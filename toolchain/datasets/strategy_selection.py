"""Offline strategy selection on replayed published outputs.

Question: could a policy that reads only the task's text (its English description and the
method signature it comes with) pick, per task, a better prompting strategy than always using
the single best one? Answered by k-fold cross-validation on the recorded outcomes: the policy
is fitted on the training folds and scored on the held-out tasks, and so is the "best single
strategy" baseline (chosen on the training folds only). The hindsight best single strategy and
the oracle (any strategy succeeds) bound it from both sides.

The policy: one L2-regularised logistic regression per strategy over binary bag-of-words
features, predicting that strategy's success; it picks the strategy with the highest predicted
probability. With ~180 tasks this is deliberately small; the numbers are about replayed
published outputs, never a model result.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shared_schemas.replay import (
    MbppTask,
    ReplayModelName,
    ReplayOutcome,
    ReplayStrategy,
    StrategySelectionResult,
)

Outcomes = Mapping[str, Mapping[ReplayStrategy, bool]]
FloatArray = npt.NDArray[np.float64]

_WORD = re.compile(r"[a-z][a-z0-9]*")
# Words every task shares tell nothing about which strategy suits it.
_STOP = frozenset(
    "a an the to of in and or for is are be by with from given that this it as on at write "
    "method dafny function returns return".split()
)


def task_words(task: MbppTask) -> set[str]:
    """The task's text as a set of words; signature types marked so `array` in prose and
    `array<int>` in the signature stay distinct."""
    words = {w for w in _WORD.findall(task.description.lower()) if w not in _STOP}
    signature = task.method_signature.lower()
    words |= {f"sig:{w}" for w in _WORD.findall(signature) if w in _SIGNATURE_TYPES}
    return words


_SIGNATURE_TYPES = frozenset(
    "int nat bool real char string seq array set map multiset bv8 bv16 bv32 bv64".split()
)


@dataclass
class LogisticPolicy:
    """Per-strategy logistic regressions over bag-of-words; picks the likeliest to succeed."""

    l2: float = 1.0
    min_count: int = 2
    steps: int = 300
    learning_rate: float = 0.5

    def fit(
        self,
        words: Sequence[set[str]],
        outcomes: Sequence[Mapping[ReplayStrategy, bool]],
        strategies: Sequence[ReplayStrategy],
    ) -> LogisticPolicy:
        counts = Counter(w for ws in words for w in ws)
        vocab = sorted(w for w, n in counts.items() if n >= self.min_count)
        self._index = {w: i for i, w in enumerate(vocab)}
        self._strategies = list(strategies)
        x = self._matrix(words)
        self._weights: dict[ReplayStrategy, FloatArray] = {}
        self._prior: dict[ReplayStrategy, float] = {}
        for s in self._strategies:
            y = np.array([1.0 if o.get(s, False) else 0.0 for o in outcomes])
            self._weights[s] = self._train(x, y)
            self._prior[s] = float(y.mean()) if len(y) else 0.0
        return self

    def _matrix(self, words: Sequence[set[str]]) -> FloatArray:
        x = np.zeros((len(words), len(self._index) + 1))
        x[:, -1] = 1.0  # bias
        for row, ws in enumerate(words):
            for w in ws:
                col = self._index.get(w)
                if col is not None:
                    x[row, col] = 1.0
        return x

    def _train(self, x: FloatArray, y: FloatArray) -> FloatArray:
        w = np.zeros(x.shape[1])
        n = max(len(y), 1)
        penalty = np.full(x.shape[1], self.l2)
        penalty[-1] = 0.0  # the bias is not shrunk: it carries the strategy's base rate
        for _ in range(self.steps):
            p = 1.0 / (1.0 + np.exp(-(x @ w)))
            grad = x.T @ (p - y) / n + penalty * w / n
            w -= self.learning_rate * grad
        return w

    def scores(self, words: set[str]) -> dict[ReplayStrategy, float]:
        x = self._matrix([words])[0]
        return {s: float(1.0 / (1.0 + np.exp(-(x @ self._weights[s])))) for s in self._strategies}

    def choose(self, words: set[str]) -> ReplayStrategy:
        scores = self.scores(words)
        # ties go to the strategy that did best on the training tasks
        return max(self._strategies, key=lambda s: (round(scores[s], 9), self._prior[s]))


def _best_single(
    outcomes: Sequence[Mapping[ReplayStrategy, bool]], strategies: Sequence[ReplayStrategy]
) -> ReplayStrategy:
    totals = {s: sum(1 for o in outcomes if o.get(s, False)) for s in strategies}
    # on equal counts keep the strategies' order, so the choice never depends on dict order
    return max(strategies, key=lambda s: (totals[s], -list(strategies).index(s)))


def outcomes_by_task(
    results: Sequence[ReplayOutcome], model: ReplayModelName, source: str
) -> dict[str, dict[ReplayStrategy, bool]]:
    """task id -> strategy -> success, from our verdicts ("ours") or the authors' ("authors")."""
    table: dict[str, dict[ReplayStrategy, bool]] = {}
    for r in results:
        if r.model != model:
            continue
        ok = r.verified if source == "ours" else r.authors_verified
        table.setdefault(r.task_id, {})[r.strategy] = ok
    return table


def fold_splits(
    ids: Sequence[str], folds: int, repeats: int, seed: int = 0
) -> list[tuple[list[str], list[str]]]:
    """(training ids, held-out ids) for every fold of every repeat: the split the offline
    selector is scored on, shared with the PPO-on-replay comparison so both see the same folds."""
    rng = random.Random(seed)
    splits = []
    for _ in range(repeats):
        order = list(ids)
        rng.shuffle(order)
        for k in range(folds):
            held = order[k::folds]
            held_set = set(held)
            splits.append(([t for t in order if t not in held_set], held))
    return splits


def cross_validate(
    model: ReplayModelName,
    source: str,
    tasks: Mapping[str, MbppTask],
    outcomes: Outcomes,
    folds: int = 10,
    repeats: int = 5,
    seed: int = 0,
    policy: LogisticPolicy | None = None,
) -> StrategySelectionResult:
    strategies = list(ReplayStrategy)
    ids = sorted(t for t in outcomes if t in tasks and len(outcomes[t]) == len(strategies))
    words = {t: task_words(tasks[t]) for t in ids}
    policy = policy or LogisticPolicy()
    folds = max(2, min(folds, len(ids)))
    policy_total = 0
    single_total = 0
    choices: Counter[str] = Counter()
    for train, held in fold_splits(ids, folds, repeats, seed):
        train_outcomes = [outcomes[t] for t in train]
        policy.fit([words[t] for t in train], train_outcomes, strategies)
        single = _best_single(train_outcomes, strategies)
        for t in held:
            pick = policy.choose(words[t])
            choices[pick.value] += 1
            policy_total += int(outcomes[t][pick])
            single_total += int(outcomes[t][single])
    per_strategy = {s.value: sum(1 for t in ids if outcomes[t][s]) for s in strategies}
    best = _best_single([outcomes[t] for t in ids], strategies)
    return StrategySelectionResult(
        model=model,
        outcome_source=source,
        tasks=len(ids),
        folds=folds,
        repeats=repeats,
        policy_successes=policy_total / repeats,
        best_single_strategy=best,
        best_single_successes=per_strategy[best.value],
        best_single_cv_successes=single_total / repeats,
        oracle_successes=sum(1 for t in ids if any(outcomes[t].values())),
        per_strategy=per_strategy,
        policy_choices=dict(sorted(choices.items())),
    )


__all__ = ["LogisticPolicy", "cross_validate", "fold_splits", "outcomes_by_task", "task_words"]
