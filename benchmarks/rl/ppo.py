"""A compact PPO (Schulman et al. 2017) in PyTorch for MiniGrid, with evaluation-only episodes.

Episodes a teacher hands out for evaluation only (``info["train"]`` False: Robust PLR's and
ACCEL's new levels) are played and scored but masked out of both the policy and the value
loss, so the agent never takes a gradient step on them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

ACTIONS = np.array([0, 1, 2, 3, 5])  # left, right, forward, pickup, toggle
N_TYPES, N_STATES = 11, 3
OBS_DIM = 7 * 7 * (N_TYPES + N_STATES) + 4


def features(obs: dict[str, Any]) -> np.ndarray:
    """One-hot object types and door states of the 7x7 egocentric view, plus direction."""
    img = obs["image"]
    out = np.zeros((7, 7, N_TYPES + N_STATES), dtype=np.float32)
    ii, jj = np.indices((7, 7))
    out[ii, jj, img[:, :, 0]] = 1.0
    out[ii, jj, N_TYPES + np.minimum(img[:, :, 2], 2)] = 1.0
    d = np.zeros(4, dtype=np.float32)
    d[obs["direction"]] = 1.0
    return np.concatenate([out.ravel(), d])


class Agent(nn.Module):
    def __init__(self, hidden: int = 128) -> None:
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(OBS_DIM, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh()
        )
        self.pi = nn.Linear(hidden, len(ACTIONS))
        self.v = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        return self.pi(h), self.v(h).squeeze(-1)


def gae(
    rewards: np.ndarray,
    values: np.ndarray,
    dones: np.ndarray,
    last_value: np.ndarray,
    gamma: float,
    lam: float,
) -> np.ndarray:
    """Generalized advantage estimates over a (T, N) rollout; ``dones[t]`` ends step t."""
    T = len(rewards)
    adv = np.zeros_like(rewards)
    running = np.zeros(rewards.shape[1])
    for t in reversed(range(T)):
        nxt = last_value if t == T - 1 else values[t + 1]
        nonterminal = 1.0 - dones[t]
        delta = rewards[t] + gamma * nxt * nonterminal - values[t]
        running = delta + gamma * lam * nonterminal * running
        adv[t] = running
    return adv


def episode_advantages(
    rewards: list[float], values: list[float], gamma: float, lam: float
) -> np.ndarray:
    """GAE of one finished episode (no bootstrap after its last step)."""
    r = np.asarray(rewards)[:, None]
    v = np.asarray(values)[:, None]
    d = np.zeros_like(r)
    d[-1] = 1.0
    return gae(r, v, d, np.zeros(1), gamma, lam)[:, 0]


class PPO:
    def __init__(
        self,
        seed: int,
        *,
        lr: float = 5e-4,
        gamma: float = 0.99,
        lam: float = 0.95,
        clip: float = 0.2,
        epochs: int = 4,
        minibatches: int = 4,
        ent: float = 0.01,
        vf: float = 0.5,
    ) -> None:
        torch.manual_seed(seed)
        self.agent = Agent()
        self.opt = torch.optim.Adam(self.agent.parameters(), lr=lr, eps=1e-5)
        self.gamma, self.lam, self.clip = gamma, lam, clip
        self.epochs, self.minibatches, self.ent, self.vf = epochs, minibatches, ent, vf
        self.gen = torch.Generator().manual_seed(seed)

    @torch.no_grad()
    def act(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        logits, value = self.agent(torch.from_numpy(x))
        dist = torch.distributions.Categorical(logits=logits)
        a = torch.multinomial(dist.probs, 1, generator=self.gen).squeeze(-1)
        return a.numpy(), dist.log_prob(a).numpy(), value.numpy()

    def update(
        self,
        obs: np.ndarray,
        actions: np.ndarray,
        logp: np.ndarray,
        adv: np.ndarray,
        returns: np.ndarray,
        mask: np.ndarray,
    ) -> None:
        """One PPO update on a flattened rollout; rows with ``mask`` 0 do not count."""
        if mask.sum() < 1:
            return
        o, a = torch.from_numpy(obs), torch.from_numpy(actions)
        old, m = torch.from_numpy(logp), torch.from_numpy(mask.astype(np.float32))
        ret = torch.from_numpy(returns.astype(np.float32))
        keep = mask > 0
        mu, sd = adv[keep].mean(), adv[keep].std() + 1e-8
        A = torch.from_numpy(((adv - mu) / sd).astype(np.float32))
        n = len(obs)
        size = max(1, n // self.minibatches)
        for _ in range(self.epochs):
            perm = torch.randperm(n, generator=self.gen)
            for s in range(0, n, size):
                i = perm[s : s + size]
                w = m[i]
                if w.sum() < 1:
                    continue
                logits, v = self.agent(o[i])
                dist = torch.distributions.Categorical(logits=logits)
                ratio = torch.exp(dist.log_prob(a[i]) - old[i])
                pg = -torch.min(ratio * A[i], ratio.clamp(1 - self.clip, 1 + self.clip) * A[i])
                loss_each = pg + self.vf * (v - ret[i]) ** 2 - self.ent * dist.entropy()
                loss = (loss_each * w).sum() / w.sum()
                self.opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.agent.parameters(), 0.5)
                self.opt.step()
