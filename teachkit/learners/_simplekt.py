"""simpleKT: Rasch-embedded questions and ordinary dot-product attention (PyTorch)."""

from __future__ import annotations

from typing import Any

from teachkit._validation import check_positive_int
from teachkit.learners._attention import (
    AttentionKT,
    attention_block,
    check_l2,
    check_sizes,
    prediction_head,
    rasch_embed,
    rasch_penalty,
    sinusoid,
)
from teachkit.learners._torch import require_torch
from teachkit.spaces import Discrete


class SimpleKT(AttentionKT):
    """simpleKT: the simple, tough-to-beat attention baseline of Liu et al. (2023).

    * **Question-specific variations** (the Rasch model, as in AKT): question ``q`` on
      concept ``c`` is ``x = c_c + mu_q d_c`` with a scalar difficulty ``mu_q`` per
      question (L2-penalized by ``l2``); an item with several skills averages its skills'
      vectors.
    * **Interactions** add a response embedding to the question: ``y = x + r_e``.
    * **Ordinary scaled dot-product attention** (no monotonic decay, no separate
      encoders): the question at ``t`` queries the questions before ``t`` as keys, with
      their interactions as values; ``blocks`` such layers are stacked (each one's output
      is the next one's query). Fixed sine/cosine position encodings are added to ``x``
      and ``y`` so that attention can tell recent from old answers.
    * **Prediction**: ``[h_t; x_t]`` through a two-layer feed-forward network and a
      sigmoid.

    The online state is the window of the last ``max_len - 1`` answers.

    Args:
        space: items with skill tags; None: adopt the log's.
        dim, heads, dropout: attention sizes; ``blocks``: stacked attention layers.
        l2: weight of the L2 penalty on the question difficulties ``mu_q``.
        epochs, batch_size, lr, max_len, device, threads: training (see
            :class:`~teachkit.learners.DKT`).

    Deviations: an item with several skills is one step (its skills' embeddings
    averaged) and predicts once per question, instead of pyKT's expanded per-concept
    rows; the question-level scores are the same protocol.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, _ = bkt_log(n_learners=40, n_skills=2, steps=15, seed=0)
        >>> model = SimpleKT(dim=8, heads=2, epochs=1, seed=0).fit(log)
        >>> 0 < model.predict("u0", "q0") < 1
        True

    References:
        Liu, Z., Liu, Q., Chen, J., Huang, S., & Luo, W. (2023). simpleKT: a simple but
        tough-to-beat baseline for knowledge tracing. ICLR.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        dim: int = 64,
        heads: int = 4,
        blocks: int = 2,
        dropout: float = 0.1,
        l2: float = 1e-5,
        epochs: int = 10,
        batch_size: int = 64,
        lr: float = 1e-3,
        max_len: int = 200,
        device: str = "auto",
        threads: int | None = 1,
        seed: int | None = None,
    ) -> None:
        check_sizes("SimpleKT", dim, heads, dropout)
        check_positive_int("blocks", blocks)
        check_l2("SimpleKT", l2)
        self.dim = dim
        self.heads = heads
        self.blocks = blocks
        self.dropout = dropout
        self.l2 = l2
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
        n_items, n_skills = self._q.shape
        d, h, p = self.dim, self.heads, self.dropout
        nn = torch.nn
        net = nn.ModuleDict(
            {
                "concept": nn.Embedding(n_skills, d),
                "concept_var": nn.Embedding(n_skills, d),
                "difficulty": nn.Embedding(n_items, 1),
                "response": nn.Embedding(2, d),
                "layers": nn.ModuleList(
                    [attention_block(torch, d, h, p, monotonic=False) for _ in range(self.blocks)]
                ),
                "out": prediction_head(torch, d, p),
            }
        )
        nn.init.zeros_(net["difficulty"].weight)
        return net

    def _forward(self, net: Any, items: Any, correct: Any, mask: Any) -> Any:
        torch = require_torch()
        skills, _ = self._slots(items)
        x = rasch_embed(net, self, items, skills, "concept")
        y = x + net["response"](correct.long())
        pos = sinusoid(torch, items.shape[1], self.dim, items.device)
        xp, yp = x + pos, y + pos
        h = xp
        for layer in net["layers"]:
            h = layer(h, xp, yp, False)
        logit = net["out"](torch.cat([h, x], dim=-1))
        return logit.expand(-1, -1, skills.shape[-1])

    def _penalty(self, net: Any) -> Any:
        return rasch_penalty(net, self.l2)

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> SimpleKT:
        return cls(
            space,
            dim=8,
            heads=2,
            blocks=1,
            epochs=1,
            max_len=16,
            device="cpu",
            threads=1,
            seed=seed,
        )
