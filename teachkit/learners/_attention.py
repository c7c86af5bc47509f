"""What the attention knowledge-tracing models (SAKT, AKT, simpleKT) share.

* :class:`AttentionKT`: a learner's online state is the window of its last
  ``max_len - 1`` answers; a prediction re-reads that window with the new item appended
  (the networks are causal, so the dummy answer at the new item never reaches its own
  prediction).
* :func:`attention_block`: one transformer layer (multi-head attention, residual
  connections, layer norms, a feed-forward layer) whose attention may be *monotonic*
  (AKT's exponential decay with context-aware distance) or ordinary scaled dot-product.
* :func:`rasch_embed`: the Rasch-model embeddings of AKT and simpleKT, a concept's
  embedding moved along its variation vector by the question's scalar difficulty.

torch is imported inside functions only (the module classes are built on first use).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from teachkit._validation import check_positive_int
from teachkit.errors import ValidationError
from teachkit.learners._base import State
from teachkit.learners._torch import TorchLearnerModel, require_torch


def check_sizes(name: str, dim: int, heads: int, dropout: float) -> None:
    """Validate the attention sizes shared by SAKT, AKT and simpleKT."""
    check_positive_int("dim", dim)
    check_positive_int("heads", heads)
    if dim % heads:
        raise ValidationError(name, [f"dim ({dim}) must be divisible by heads ({heads})"])
    if not (isinstance(dropout, int | float) and 0 <= dropout < 1):
        raise ValidationError(name, [f"dropout: expected a number in [0, 1), got {dropout!r}"])


def check_l2(name: str, l2: float) -> None:
    """Validate the L2 weight on the Rasch difficulties (AKT, simpleKT)."""
    if not (isinstance(l2, int | float) and l2 >= 0):
        raise ValidationError(name, [f"l2: expected a number >= 0, got {l2!r}"])


def rasch_penalty(net: Any, l2: float) -> Any:
    """``l2`` times the squared Rasch difficulties: keeps ``mu_q`` near its concept."""
    return l2 * (net["difficulty"].weight ** 2).sum()


class AttentionKT(TorchLearnerModel):
    """Base of the attention models: the online state is a window of recent answers."""

    def _new_state(self, k: int) -> State:
        w = self.max_len - 1
        return {
            "items": np.zeros((k, w), np.int64),
            "correct": np.zeros((k, w), np.float32),
            "n": np.zeros(k, np.int64),
        }

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        torch = require_torch()
        dev = self._torch_device()
        n = state["n"]
        width = int(n.max(initial=0)) + 1
        it = np.zeros((len(items), width), np.int64)
        y = np.zeros((len(items), width), np.float32)
        it[:, : width - 1] = state["items"][:, : width - 1]
        y[:, : width - 1] = state["correct"][:, : width - 1]
        it[np.arange(len(items)), n] = items
        mask = np.arange(width)[None, :] <= n[:, None]
        self._net.eval()
        with torch.no_grad():
            p = self._probs(
                torch.as_tensor(it, device=dev),
                torch.as_tensor(y, device=dev),
                torch.as_tensor(mask, device=dev),
            )
        return p.cpu().numpy()[np.arange(len(items)), n].astype(np.float64)

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        its, ys, n = state["items"].copy(), state["correct"].copy(), state["n"].copy()
        full = n >= its.shape[1]
        its[full] = np.roll(its[full], -1, axis=1)
        ys[full] = np.roll(ys[full], -1, axis=1)
        n = np.minimum(n, its.shape[1] - 1) + (~full)
        at = np.where(full, its.shape[1] - 1, n - 1)
        its[np.arange(len(items)), at] = items
        ys[np.arange(len(items)), at] = correct
        return {"items": its, "correct": ys, "n": np.where(full, its.shape[1], n)}


def rasch_embed(net: Any, model: TorchLearnerModel, items: Any, ids: Any, base: str) -> Any:
    """``mean over the item's skills of E_base[id] + mu_item * E_base_var[id]`` ``(B, T, d)``.

    ``ids`` are per-slot indices into the ``base`` tables (skills, or skill-response pairs);
    ``net["difficulty"]`` holds the scalar ``mu`` of every item (Rasch model).
    """
    _, slots = model._slots(items)
    w = slots[..., None].float()
    mu = net["difficulty"](items)  # (B, T, 1)
    emb = net[base](ids) + mu[..., None, :] * net[base + "_var"](ids)
    return (emb * w).sum(-2) / w.sum(-2)


def sinusoid(torch: Any, length: int, dim: int, device: Any) -> Any:
    """The fixed sine/cosine position encodings of Vaswani et al. (2017), ``(length, dim)``."""
    pos = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(
        torch.arange(0, dim, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / dim)
    )
    out = torch.zeros(length, dim, device=device)
    out[:, 0::2] = torch.sin(pos * freq)
    out[:, 1::2] = torch.cos(pos * freq)[:, : dim // 2]
    return out


@functools.cache
def _block_class(torch: Any) -> Any:
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):  # type: ignore[name-defined]
        """Attention (monotonic or not) + residual + norm + feed-forward + residual + norm."""

        def __init__(self, dim: int, heads: int, dropout: float, monotonic: bool) -> None:
            super().__init__()
            self.heads, self.dk, self.monotonic = heads, dim // heads, monotonic
            self.wq, self.wk = nn.Linear(dim, dim), nn.Linear(dim, dim)
            self.wv, self.wo = nn.Linear(dim, dim), nn.Linear(dim, dim)
            # theta > 0 per head (softplus): how fast attention decays with distance.
            self.theta = nn.Parameter(torch.zeros(heads)) if monotonic else None
            self.drop = nn.Dropout(dropout)
            self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
            self.ffn = nn.Sequential(
                nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(4 * dim, dim)
            )

        def forward(self, query: Any, key: Any, value: Any, current: bool) -> Any:
            B, T, D = query.shape
            h, dk = self.heads, self.dk
            q = self.wq(query).view(B, T, h, dk).transpose(1, 2)
            k = self.wk(key).view(B, T, h, dk).transpose(1, 2)
            v = self.wv(value).view(B, T, h, dk).transpose(1, 2)
            scores = q @ k.transpose(-1, -2) / math.sqrt(dk)  # (B, h, T, T)
            # current=True: position t sees 1..t (encoders); False: 1..t-1 (retrieval).
            allowed = torch.ones(T, T, dtype=torch.bool, device=query.device).tril(
                0 if current else -1
            )
            if self.monotonic:
                scores = scores * self._decay(scores, allowed)
            # A finite fill, then zeroing: a row with nothing to attend to (the first
            # retrieval) gets all-zero weights and finite gradients.
            weights = F.softmax(scores.masked_fill(~allowed, -1e9), dim=-1) * allowed
            out = (self.drop(weights) @ v).transpose(1, 2).reshape(B, T, D)
            x = self.norm1(query + self.drop(self.wo(out)))
            return self.norm2(x + self.drop(self.ffn(x)))

        def _decay(self, scores: Any, allowed: Any) -> Any:
            """AKT's ``exp(-theta d(t, tau))``, ``d = |t - tau| sum_{tau < t' <= t} gamma_{t,t'}``
            with ``gamma`` the softmax of the plain scores over the visible positions
            (computed without gradient, as the distance is a context signal, not a path
            for learning)."""
            T = scores.shape[-1]
            with torch.no_grad():
                gamma = F.softmax(scores.masked_fill(~allowed, -1e9), dim=-1) * allowed
                later = gamma.sum(-1, keepdim=True) - gamma.cumsum(-1)  # sum over t' > tau
                idx = torch.arange(T, device=scores.device)
                span = (idx[:, None] - idx[None, :]).abs().float()
                dist = (later * span).clamp(min=0.0)
            theta = F.softplus(self.theta)[None, :, None, None]
            return torch.exp(-theta * dist).clamp(1e-5, 1e5)

    return Block


def attention_block(torch: Any, dim: int, heads: int, dropout: float, monotonic: bool) -> Any:
    """One transformer layer; call it as ``block(query, key, value, current)``."""
    return _block_class(torch)(dim, heads, dropout, monotonic)


def prediction_head(torch: Any, dim: int, dropout: float) -> Any:
    """The output network of AKT and simpleKT: ``[h_t; x_t]`` -> one logit."""
    nn = torch.nn
    return nn.Sequential(
        nn.Linear(2 * dim, dim),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(dim, dim // 2 or 1),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(dim // 2 or 1, 1),
    )
