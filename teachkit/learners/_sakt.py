"""SAKT: self-attentive knowledge tracing (PyTorch)."""

from __future__ import annotations

from typing import Any

from teachkit.learners._attention import AttentionKT, check_sizes
from teachkit.learners._torch import require_torch
from teachkit.spaces import Discrete


class SAKT(AttentionKT):
    """Self-attentive knowledge tracing (SAKT): the skill of the next item attends over the
    learner's past answers.

    Past answers are embedded as ``E[skill + n_skills * correct]`` (summed over an item's
    skills) plus a position embedding; a learned start token stands before the first
    answer so that it too gets a prediction. Each skill of the next item is a query of one
    multi-head attention layer (causal: it sees only earlier answers), followed by the
    residual connections, layer norms and feed-forward layer of the paper, and a sigmoid
    output; an item's prediction is the mean over its skills. A learner's online state is
    the window of its last ``max_len - 1`` answers.

    Args:
        space: items with skill tags; None: adopt the log's.
        dim, heads, dropout: attention sizes.
        epochs, batch_size, lr, max_len, device, threads: training (see TorchLearnerModel).

    Deviations: queries are skills (pyKT's SAKT), not exercise ids; the start token
    replaces the paper's dropping of each sequence's first answer.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, _ = bkt_log(n_learners=50, n_skills=2, steps=20, seed=0)
        >>> model = SAKT(dim=8, heads=2, epochs=1, seed=0).fit(log)
        >>> 0 < model.predict("u0", "q0") < 1
        True

    References:
        Pandey, S., & Karypis, G. (2019). A self-attentive model for knowledge tracing.
        EDM.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        dim: int = 64,
        heads: int = 4,
        dropout: float = 0.2,
        epochs: int = 10,
        batch_size: int = 64,
        lr: float = 1e-3,
        max_len: int = 200,
        device: str = "auto",
        threads: int | None = 1,
        seed: int | None = None,
    ) -> None:
        check_sizes("SAKT", dim, heads, dropout)
        self.dim = dim
        self.heads = heads
        self.dropout = dropout
        super().__init__(
            space,
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            max_len=max_len,
            device=device,
            threads=threads,
            seed=seed,
        )

    def _build(self, torch: Any) -> Any:
        n, d = self._q.shape[1], self.dim
        nn = torch.nn
        return nn.ModuleDict(
            {
                "inter": nn.Embedding(2 * n + 1, d),
                "query": nn.Embedding(n, d),
                "pos": nn.Embedding(self.max_len, d),
                "attn": nn.MultiheadAttention(
                    d, self.heads, dropout=self.dropout, batch_first=True
                ),
                "ln1": nn.LayerNorm(d),
                "ffn": nn.Sequential(
                    nn.Linear(d, d), nn.ReLU(), nn.Dropout(self.dropout), nn.Linear(d, d)
                ),
                "ln2": nn.LayerNorm(d),
                "out": nn.Linear(d, 1),
            }
        )

    def _forward(self, net: Any, items: Any, correct: Any, mask: Any) -> Any:
        torch = require_torch()
        n = self._q.shape[1]
        B, T = items.shape
        skills, slots = self._slots(items)
        K = skills.shape[-1]
        inter = (net["inter"](skills + n * correct.long()[..., None]) * slots[..., None]).sum(-2)
        start = net["inter"](torch.full((B, 1), 2 * n, device=items.device, dtype=torch.long))
        keys = torch.cat([start, inter[:, :-1]], dim=1)
        keys = keys + net["pos"](torch.arange(T, device=items.device).clamp(max=self.max_len - 1))
        q = net["query"](skills).reshape(B, T * K, self.dim)
        t_of_query = torch.arange(T, device=items.device).repeat_interleave(K)
        blocked = torch.arange(T, device=items.device)[None, :] > t_of_query[:, None]
        a, _ = net["attn"](q, keys, keys, attn_mask=blocked, need_weights=False)
        a = net["ln1"](a + q)
        f = net["ln2"](net["ffn"](a) + a)
        return net["out"](f).reshape(B, T, K)

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> SAKT:
        return cls(space, dim=8, heads=2, epochs=1, max_len=16, device="cpu", threads=1, seed=seed)
