"""Deep knowledge tracing: an LSTM over a learner's answers (PyTorch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._validation import check_positive_int
from teachkit.learners._base import State
from teachkit.learners._torch import TorchLearnerModel, require_torch
from teachkit.spaces import Discrete


class DKT(TorchLearnerModel):
    """Deep knowledge tracing (DKT): an LSTM reads (skill, correct) answers and predicts,
    for every skill, P(correct) on the next answer.

    Each answer is embedded as ``E[skill + n_skills * correct]`` (summed over an item's
    skills); the LSTM's state after the answers so far is the learner's state, and a
    linear layer with a sigmoid gives the per-skill predictions. Online updates run one
    LSTM step per answer. Needs ``pip install 'teachkit[torch]'``; uses a GPU when one is
    available (``device="auto"``).

    Args:
        space: items with skill tags; None: adopt the log's.
        emb, hidden: embedding and LSTM sizes; ``dropout`` before the output layer.
        epochs, batch_size, lr, max_len, device, threads: training (see TorchLearnerModel).

    Deviations: pyKT trains DKT on expanded per-skill rows; here an item with several
    skills is one step whose input sums its skills' embeddings, so the answer never
    leaks into its own prediction (the question-level protocol is unchanged).

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, _ = bkt_log(n_learners=50, n_skills=2, steps=20, seed=0)
        >>> model = DKT(hidden=8, emb=8, epochs=1, seed=0).fit(log)
        >>> 0 < model.predict("u0", "q0") < 1
        True

    References:
        Piech, C., Bassen, J., Huang, J., Ganguli, S., Sahami, M., Guibas, L. J., &
        Sohl-Dickstein, J. (2015). Deep knowledge tracing. NeurIPS.
        Liu, Z., Liu, Q., Chen, J., Huang, S., Tang, J., & Luo, W. (2022). pyKT: A Python
        library to benchmark deep learning based knowledge tracing models. NeurIPS.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        emb: int = 64,
        hidden: int = 100,
        dropout: float = 0.2,
        epochs: int = 10,
        batch_size: int = 64,
        lr: float = 1e-3,
        max_len: int = 200,
        device: str = "auto",
        threads: int | None = 1,
        seed: int | None = None,
    ) -> None:
        check_positive_int("emb", emb)
        check_positive_int("hidden", hidden)
        self.emb = emb
        self.hidden = hidden
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
        n = self._q.shape[1]
        nn = torch.nn
        return nn.ModuleDict(
            {
                "emb": nn.Embedding(2 * n, self.emb),
                "lstm": nn.LSTM(self.emb, self.hidden, batch_first=True),
                "drop": nn.Dropout(self.dropout),
                "out": nn.Linear(self.hidden, n),
            }
        )

    def _embed(self, net: Any, items: Any, correct: Any) -> Any:
        skills, slots = self._slots(items)
        ids = skills + self._q.shape[1] * correct.long()[..., None]
        return (net["emb"](ids) * slots[..., None]).sum(-2)

    def _forward(self, net: Any, items: Any, correct: Any, mask: Any) -> Any:
        torch = require_torch()
        h, _ = net["lstm"](self._embed(net, items, correct))
        h_prev = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)
        logits = net["out"](net["drop"](h_prev))
        skills, _ = self._slots(items)
        return torch.gather(logits, -1, skills)

    # -- online state: the LSTM's (h, c) per learner --------------------------------------------
    def _new_state(self, k: int) -> State:
        return {
            "h": np.zeros((k, self.hidden), np.float32),
            "c": np.zeros((k, self.hidden), np.float32),
        }

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        torch = require_torch()
        dev = self._torch_device()
        with torch.no_grad():
            logits = self._net["out"](torch.as_tensor(state["h"], device=dev))
            it = torch.as_tensor(items, device=dev)
            skills, slots = self._slots(it)
            p = torch.sigmoid(torch.gather(logits, -1, skills)) * slots
            return (p.sum(-1) / slots.sum(-1)).cpu().numpy().astype(np.float64)

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        torch = require_torch()
        dev = self._torch_device()
        with torch.no_grad():
            it = torch.as_tensor(items[:, None], device=dev)
            y = torch.as_tensor(correct[:, None], dtype=torch.float32, device=dev)
            h0 = torch.as_tensor(state["h"], device=dev)[None]
            c0 = torch.as_tensor(state["c"], device=dev)[None]
            _, (h, c) = self._net["lstm"](self._embed(self._net, it, y), (h0, c0))
        return {"h": h[0].cpu().numpy(), "c": c[0].cpu().numpy()}

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> DKT:
        return cls(space, emb=8, hidden=8, epochs=1, device="cpu", threads=1, seed=seed)
