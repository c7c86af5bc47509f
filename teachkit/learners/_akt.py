"""AKT: context-aware attentive knowledge tracing (PyTorch)."""

from __future__ import annotations

from typing import Any

from teachkit.learners._attention import (
    AttentionKT,
    attention_block,
    check_l2,
    check_sizes,
    prediction_head,
    rasch_embed,
    rasch_penalty,
)
from teachkit.learners._torch import require_torch
from teachkit.spaces import Discrete


class AKT(AttentionKT):
    """Attentive knowledge tracing (AKT): monotonic attention over Rasch-embedded answers.

    Following Ghosh, Heffernan & Lan (2020):

    * **Rasch-model embeddings.** Question ``q`` on concept ``c`` is embedded as
      ``x = c_c + mu_q d_c``: the concept's embedding moved along the concept's variation
      vector ``d_c`` by the question's scalar difficulty ``mu_q``. An answer with
      response ``r`` is ``y = e_(c,r) + mu_q f_(c,r)``. The ``mu_q`` get an L2 penalty
      (``l2``), as in the paper. An item with several skills averages its skills' vectors.
    * **Question encoder**: self-attention over ``x`` (position ``t`` sees questions
      ``1..t``); **knowledge encoder**: self-attention over ``y`` (answers ``1..t``);
      **knowledge retriever**: the encoded question at ``t`` queries the encoded
      questions before ``t`` as keys, their encoded answers as values.
    * **Monotonic attention.** Every attention score is multiplied by
      ``exp(-theta d(t, tau))`` before the softmax, with ``theta > 0`` learned per head
      and the context-aware distance ``d(t, tau) = |t - tau| sum_{tau < t' <= t}
      gamma_{t,t'}`` (``gamma`` the attention the plain scores would give), so attention
      decays with time and with how much related practice came in between. No position
      embeddings are used: the decay carries the order.
    * **Prediction**: ``[h_t; x_t]`` through a feed-forward network and a sigmoid.

    The online state is the window of the last ``max_len - 1`` answers (see
    :class:`SAKT`).

    Args:
        space: items with skill tags; None: adopt the log's.
        dim, heads, dropout: attention sizes.
        l2: weight of the L2 penalty on the question difficulties ``mu_q``.
        epochs, batch_size, lr, max_len, device, threads: training (see
            :class:`~teachkit.learners.DKT`).

    Deviations: one layer in each encoder and in the retriever (a size choice for
    small data; stacking more is a change of ``_build``); the response embedding ``e_(c,r)`` is one table over (concept, response)
    pairs; an item with several skills is one step (its skills' embeddings averaged)
    rather than pyKT's expanded per-concept rows, and predicts once per question, which
    is exactly pyKT's question-level evaluation without the expansion; distances are
    computed without gradient (a context signal, the decay rate ``theta`` is what
    learns).

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, _ = bkt_log(n_learners=40, n_skills=2, steps=15, seed=0)
        >>> model = AKT(dim=8, heads=2, epochs=1, seed=0).fit(log)
        >>> 0 < model.predict("u0", "q0") < 1
        True

    References:
        Ghosh, A., Heffernan, N., & Lan, A. S. (2020). Context-aware attentive knowledge
        tracing. KDD.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        dim: int = 64,
        heads: int = 4,
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
        check_sizes("AKT", dim, heads, dropout)
        check_l2("AKT", l2)
        self.dim = dim
        self.heads = heads
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
                "answer": nn.Embedding(2 * n_skills, d),
                "answer_var": nn.Embedding(2 * n_skills, d),
                "difficulty": nn.Embedding(n_items, 1),
                "questions": attention_block(torch, d, h, p, monotonic=True),
                "knowledge": attention_block(torch, d, h, p, monotonic=True),
                "retriever": attention_block(torch, d, h, p, monotonic=True),
                "out": prediction_head(torch, d, p),
            }
        )
        nn.init.zeros_(net["difficulty"].weight)  # every question starts at its concept
        return net

    def _forward(self, net: Any, items: Any, correct: Any, mask: Any) -> Any:
        skills, _ = self._slots(items)
        x = rasch_embed(net, self, items, skills, "concept")
        answers = skills + self._q.shape[1] * correct.long()[..., None]
        y = rasch_embed(net, self, items, answers, "answer")
        xq = net["questions"](x, x, x, True)
        yk = net["knowledge"](y, y, y, True)
        h = net["retriever"](xq, xq, yk, False)
        logit = net["out"](require_torch().cat([h, x], dim=-1))  # (B, T, 1)
        return logit.expand(-1, -1, skills.shape[-1])

    def _penalty(self, net: Any) -> Any:
        return rasch_penalty(net, self.l2)

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> AKT:
        return cls(space, dim=8, heads=2, epochs=1, max_len=16, device="cpu", threads=1, seed=seed)
