"""One policy interface for the PREFACE agent, and the compact policy.

A policy maps repair states to a categorical distribution over the prompt-edit library plus a
value estimate (actor-critic). The compact policy is an MLP over featurised verifier feedback
that trains on a CPU in minutes; `hf_policy.HfLoraPolicy` is the language-model version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from shared_schemas.generation import PolicyKind
from toolchain.llm.state import RepairState
from toolchain.preface.edits import EDIT_IDS
from toolchain.preface.features import FEATURE_DIM, featurise


@dataclass(frozen=True)
class ActResult:
    actions: torch.Tensor  # long [B]
    log_probs: torch.Tensor  # [B]
    values: torch.Tensor  # [B]


class Policy(nn.Module):
    kind: PolicyKind
    n_actions: int = len(EDIT_IDS)

    def distribution(self, states: Sequence[RepairState]) -> tuple[torch.Tensor, torch.Tensor]:
        """(log pi(.|s) as [B, n_actions] log-probabilities, V(s) as [B])."""
        raise NotImplementedError

    @torch.no_grad()
    def act(
        self,
        states: Sequence[RepairState],
        greedy: bool = False,
        generator: torch.Generator | None = None,
    ) -> ActResult:
        # generator: an episode's own random stream (parallel rollouts must not share one)
        logp, values = self.distribution(states)
        if greedy:
            actions = torch.argmax(logp, dim=-1)
        else:
            actions = torch.multinomial(torch.exp(logp), 1, generator=generator).squeeze(-1)
        return ActResult(actions, logp.gather(-1, actions.unsqueeze(-1)).squeeze(-1), values)

    def evaluate(
        self, states: Sequence[RepairState], actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(log pi(a|s), entropy, V(s)) with gradients, for the PPO update."""
        logp, values = self.distribution(states)
        entropy = -(torch.exp(logp) * logp).sum(-1)
        return logp.gather(-1, actions.unsqueeze(-1)).squeeze(-1), entropy, values

    def trainable_parameters(self) -> Iterator[nn.Parameter]:
        return (p for p in self.parameters() if p.requires_grad)


class CompactPolicy(Policy):
    kind = PolicyKind.compact

    def __init__(self, hidden_size: int = 64, feature_dim: int = FEATURE_DIM) -> None:
        super().__init__()
        self.feature_dim = feature_dim
        self.hidden_size = hidden_size
        self.body = nn.Sequential(
            nn.Linear(feature_dim, hidden_size),
            nn.Tanh(),
            nn.Linear(hidden_size, hidden_size),
            nn.Tanh(),
        )
        self.policy_head = nn.Linear(hidden_size, self.n_actions)
        self.value_head = nn.Linear(hidden_size, 1)
        # A near-uniform start: small policy weights so that early updates explore.
        nn.init.orthogonal_(self.policy_head.weight, gain=0.01)
        nn.init.zeros_(self.policy_head.bias)

    def features(self, states: Sequence[RepairState]) -> torch.Tensor:
        return torch.tensor([featurise(s) for s in states], dtype=torch.float32)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.policy_head(h), self.value_head(h).squeeze(-1)

    def distribution(self, states: Sequence[RepairState]) -> tuple[torch.Tensor, torch.Tensor]:
        logits, values = self(self.features(states))
        return torch.log_softmax(logits, dim=-1), values


__all__ = ["ActResult", "CompactPolicy", "Policy"]
