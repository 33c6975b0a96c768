"""PPO on replayed published outputs: an agent that, from a task's text and the verifier's
feedback on a failed attempt, picks the next prompting strategy among the recorded ones.

The environment is a table: for each task and strategy, the recorded model reply and our real
Dafny verdict on it (from bench.replay). An episode is one task: the agent picks a strategy, the
recorded reply under it is the outcome, rewarded as PREFACE does (+1 verified; else
-0.2 * errors - 0.5; -2 when the reply holds no code); it ends on success or when every strategy
has been tried (a strategy is not picked twice: its recorded reply would not change). Scored on
the held-out folds of the offline strategy selection. Replayed published outputs, never a model
result of ours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from shared_schemas.replay import MbppTask, ReplayOutcome, ReplayStrategy
from toolchain.datasets.strategy_selection import task_words
from toolchain.llm.reward import RewardConfig, reward
from toolchain.llm.state import GUARD_REJECTED, NO_CODE

STRATEGIES = list(ReplayStrategy)
# what the agent sees of a failed attempt (cf. llm.state.round_status)
FEEDBACK = (NO_CODE, GUARD_REJECTED, "parse_error", "resolution_error", "errors", "timeout")


@dataclass(frozen=True)
class Attempt:
    """One recorded reply as the environment's outcome."""

    verified: bool
    status: str
    errors: int
    reward: float


Table = Mapping[str, Mapping[ReplayStrategy, Attempt]]  # task id -> strategy -> attempt


def attempt_of(
    o: ReplayOutcome, errors_by_code: Mapping[str, int], cfg: RewardConfig | None = None
) -> Attempt:
    """The round status and error count `llm.state.round_status` would give this reply."""
    if not o.extracted or "no_code" in o.guard_reasons:
        status, errors = NO_CODE, 0
    else:
        dafny = errors_by_code.get(o.code_sha or "", 0)
        if o.guard_reasons:
            status, errors = GUARD_REJECTED, dafny + len(o.guard_reasons)
        else:
            status = o.dafny_status.value if o.dafny_status else "tool_error"
            errors = 0 if o.verified else max(dafny, 1)
    return Attempt(o.verified, status, errors, reward(status, errors, o.verified, cfg))


def build_table(
    outcomes: Sequence[ReplayOutcome], errors_by_code: Mapping[str, int], model: str
) -> dict[str, dict[ReplayStrategy, Attempt]]:
    table: dict[str, dict[ReplayStrategy, Attempt]] = {}
    for o in outcomes:
        if o.model.value == model:
            table.setdefault(o.task_id, {})[o.strategy] = attempt_of(o, errors_by_code)
    return {t: v for t, v in table.items() if len(v) == len(STRATEGIES)}


class Featurizer:
    """Task words (vocabulary from the training tasks only) + what the failed attempts said."""

    def __init__(
        self, tasks: Mapping[str, MbppTask], train_ids: Sequence[str], min_count: int = 2
    ) -> None:
        words = {t: task_words(tasks[t]) for t in tasks}
        counts = Counter(w for t in train_ids for w in words[t])
        vocab = sorted(w for w, n in counts.items() if n >= min_count)
        index = {w: i for i, w in enumerate(vocab)}
        self.dim = len(vocab) + len(STRATEGIES) + len(FEEDBACK) + 2
        # every task's words as one row, once: episodes only index into it
        self._row = {t: r for r, t in enumerate(tasks)}
        self._matrix = torch.zeros(len(tasks), len(vocab))
        for t, r in self._row.items():
            for w in words[t]:
                if w in index:
                    self._matrix[r, index[w]] = 1.0

    def text(self, ids: Sequence[str]) -> torch.Tensor:
        return self._matrix[[self._row[t] for t in ids]]

    def state(
        self, text: torch.Tensor, tried: torch.Tensor, last: Sequence[Attempt | None]
    ) -> torch.Tensor:
        fb = torch.zeros(len(last), len(FEEDBACK) + 2)
        for row, a in enumerate(last):
            if a is None:
                continue
            fb[row, FEEDBACK.index(a.status) if a.status in FEEDBACK else len(FEEDBACK)] = 1.0
            fb[row, -1] = min(a.errors, 10) / 10
        return torch.cat([text, tried.float(), fb], dim=1)


class StrategyPolicy(nn.Module):
    def __init__(self, dim: int, hidden: int = 32) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dim, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, len(STRATEGIES))
        self.v = nn.Linear(hidden, 1)
        nn.init.orthogonal_(self.pi.weight, gain=0.01)
        nn.init.zeros_(self.pi.bias)

    def forward(self, x: torch.Tensor, tried: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        logits = self.pi(h).masked_fill(tried, float("-inf"))  # a strategy is tried once
        return torch.log_softmax(logits, dim=-1), self.v(h).squeeze(-1)


@dataclass(frozen=True)
class PPOSettings:
    iterations: int = 60
    episodes: int = 64
    epochs: int = 4
    minibatch: int = 128
    lr: float = 3e-3
    clip: float = 0.2
    value_coef: float = 0.5
    entropy_coef: float = 0.01
    gamma: float = RewardConfig().gamma
    lam: float = 0.95
    hidden: int = 32
    weight_decay: float = 1e-3


@dataclass
class _Batch:
    x: list[torch.Tensor]
    tried: list[torch.Tensor]
    actions: list[int]
    logp: list[float]
    values: list[float]
    rewards: list[float]


def play(
    policy: StrategyPolicy,
    feats: Featurizer,
    table: Table,
    ids: Sequence[str],
    *,
    greedy: bool,
    generator: torch.Generator | None = None,
    max_attempts: int = len(STRATEGIES),
) -> tuple[list[_Batch], list[int]]:
    """Play one episode per id, all at once; (per-episode transitions, attempts until verified,
    0 when none verified)."""
    n = len(ids)
    text = feats.text(ids)
    tried = torch.zeros(n, len(STRATEGIES), dtype=torch.bool)
    last: list[Attempt | None] = [None] * n
    active = list(range(n))
    episodes = [_Batch([], [], [], [], [], []) for _ in ids]
    solved_at = [0] * n
    for step in range(max_attempts):
        if not active:
            break
        x = feats.state(text[active], tried[active], [last[i] for i in active])
        with torch.no_grad():
            logp, values = policy(x, tried[active])
        if greedy:
            actions = torch.argmax(logp, dim=-1)
        else:
            actions = torch.multinomial(torch.exp(logp), 1, generator=generator).squeeze(-1)
        still = []
        for row, i in enumerate(active):
            a = int(actions[row])
            outcome = table[ids[i]][STRATEGIES[a]]
            ep = episodes[i]
            ep.x.append(x[row])
            ep.tried.append(tried[i].clone())
            ep.actions.append(a)
            ep.logp.append(float(logp[row, a]))
            ep.values.append(float(values[row]))
            ep.rewards.append(outcome.reward)
            tried[i, a] = True
            last[i] = outcome
            if outcome.verified:
                solved_at[i] = step + 1
            elif not bool(tried[i].all()):
                still.append(i)
        active = still
    return episodes, solved_at


def _gae(ep: _Batch, gamma: float, lam: float) -> tuple[list[float], list[float]]:
    adv = [0.0] * len(ep.rewards)
    running = 0.0
    for t in reversed(range(len(ep.rewards))):
        nxt = ep.values[t + 1] if t + 1 < len(ep.rewards) else 0.0
        running = ep.rewards[t] + gamma * nxt - ep.values[t] + gamma * lam * running
        adv[t] = running
    return adv, [a + v for a, v in zip(adv, ep.values, strict=True)]


def train_policy(
    feats: Featurizer,
    table: Table,
    train_ids: Sequence[str],
    seed: int,
    settings: PPOSettings | None = None,
) -> StrategyPolicy:
    cfg = settings or PPOSettings()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    policy = StrategyPolicy(feats.dim, cfg.hidden)
    opt = torch.optim.Adam(policy.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    ids = list(train_ids)
    for _ in range(cfg.iterations):
        picks = torch.randint(len(ids), (cfg.episodes,), generator=gen).tolist()
        episodes, _ = play(
            policy, feats, table, [ids[i] for i in picks], greedy=False, generator=gen
        )
        xs, tr, acts, old, advs, targets = [], [], [], [], [], []
        for ep in episodes:
            a, t = _gae(ep, cfg.gamma, cfg.lam)
            xs += ep.x
            tr += ep.tried
            acts += ep.actions
            old += ep.logp
            advs += a
            targets += t
        x_t, tried_t = torch.stack(xs), torch.stack(tr)
        act_t, old_t = torch.tensor(acts), torch.tensor(old)
        adv_t, tgt_t = torch.tensor(advs), torch.tensor(targets)
        adv_t = (adv_t - adv_t.mean()) / (adv_t.std() + 1e-8)
        for _ in range(cfg.epochs):
            order = torch.randperm(len(acts), generator=gen)
            for start in range(0, len(acts), cfg.minibatch):
                idx = order[start : start + cfg.minibatch]
                logp, values = policy(x_t[idx], tried_t[idx])
                new = logp.gather(-1, act_t[idx].unsqueeze(-1)).squeeze(-1)
                ratio = torch.exp(new - old_t[idx])
                surrogate = torch.min(
                    ratio * adv_t[idx], torch.clamp(ratio, 1 - cfg.clip, 1 + cfg.clip) * adv_t[idx]
                )
                probs = torch.exp(logp)
                entropy = -(probs * logp.masked_fill(tried_t[idx], 0.0)).sum(-1)
                loss = (
                    -surrogate.mean()
                    + cfg.value_coef * torch.mean((values - tgt_t[idx]) ** 2)
                    - cfg.entropy_coef * entropy.mean()
                )
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), 0.5)
                opt.step()
    return policy


__all__ = [
    "Attempt",
    "Featurizer",
    "PPOSettings",
    "StrategyPolicy",
    "attempt_of",
    "build_table",
    "play",
    "train_policy",
]
