"""What the PyTorch learner models share: the dependency check, batching and training.

torch is imported only inside functions here and in the model modules, so ``import
teachkit.learners`` works without it; building a torch model without torch raises
:class:`~teachkit.errors.MissingDependencyError` naming the extra.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from teachkit._seeding import spawn_seed
from teachkit._validation import check_positive_int
from teachkit.data._log import InteractionLog
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.learners._base import BaseLearnerModel
from teachkit.spaces import Discrete


def require_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(
            "this learner model needs PyTorch: pip install 'teachkit[torch]'"
        ) from None
    return torch


class TorchLearnerModel(BaseLearnerModel):
    """Base of the neural knowledge-tracing models (DKT, SAKT, AKT, simpleKT).

    Rows are question-level: the input for an answer to an item with several skills is the
    sum of its per-skill interaction embeddings, and the prediction for such an item is
    the mean of its per-skill predictions (pyKT's late fusion), so the answer to a
    question is never an input to its own prediction. Training cuts each learner's
    sequence into windows of ``max_len`` answers (pyKT: 200) and minimizes the binary
    cross-entropy of every answer's prediction with Adam.

    ``threads`` sets torch's intra-op threads while training and predicting (restored
    afterwards); None leaves torch's setting. The default is one thread: these networks
    are small, and on a CPU shared with other work torch's default (all cores) was measured
    20x slower (see BENCHMARKS.md).

    Subclasses implement ``_build(torch)`` (the network) and ``_forward(net, items,
    correct, mask)`` returning logits ``(B, T, K)`` per (answer, skill slot) from the
    answers before each position; optionally ``_penalty(net)``, a term added to the loss.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        epochs: int = 10,
        batch_size: int = 64,
        lr: float = 1e-3,
        max_len: int = 200,
        device: str = "auto",
        threads: int | None = 1,
        seed: int | None = None,
    ) -> None:
        require_torch()
        if threads is not None:
            check_positive_int("threads", threads)
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("max_len", max_len)):
            check_positive_int(name, value)
        if not lr > 0:
            raise ValidationError(type(self).__name__, [f"lr: expected a number > 0, got {lr!r}"])
        if not isinstance(device, str) or (
            device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:")
        ):
            raise ValidationError(
                type(self).__name__,
                [f"device: expected 'auto', 'cpu' or 'cuda[:n]', got {device!r}"],
            )
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.max_len = max_len
        self.device = device
        self.threads = threads
        self._net: Any = None
        self._history: list[float] = []
        super().__init__(space, seed=seed)

    # -- network plumbing -----------------------------------------------------------------------
    def _torch_device(self) -> Any:
        torch = require_torch()
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)

    @contextlib.contextmanager
    def _seeded(self, salt: int) -> Iterator[None]:
        torch = require_torch()
        seed = spawn_seed(self._rng) if self.seed is None else self.seed + salt
        before = torch.get_num_threads()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            if self.threads is not None:
                torch.set_num_threads(self.threads)
            try:
                yield
            finally:
                torch.set_num_threads(before)

    def _init_params(self) -> None:
        q = self._q
        k = int(q.sum(axis=1).max())
        self._skills_pad = np.zeros((q.shape[0], k), dtype=np.int64)
        self._mask_pad = np.zeros((q.shape[0], k), dtype=bool)
        for i in range(q.shape[0]):
            sk = np.flatnonzero(q[i])
            self._skills_pad[i, : len(sk)] = sk
            self._mask_pad[i, : len(sk)] = True
        torch = require_torch()
        with self._seeded(0):
            self._net = self._build(torch).to(self._torch_device())
        self._history = []

    def _build(self, torch: Any) -> Any:
        raise NotImplementedError

    def _forward(self, net: Any, items: Any, correct: Any, mask: Any) -> Any:
        raise NotImplementedError

    def _penalty(self, net: Any) -> Any:
        """A regularization term added to the training loss (none by default)."""
        return 0.0

    def _slots(self, items: Any) -> tuple[Any, Any]:
        """Skill slots of items: skill ids ``(..., K)`` and which slots are real."""
        torch = require_torch()
        skills = torch.as_tensor(self._skills_pad, device=items.device)[items]
        return skills, torch.as_tensor(self._mask_pad, device=items.device)[items]

    def _probs(self, items: Any, correct: Any, mask: Any) -> Any:
        """Question-level P(correct) ``(B, T)``: mean of per-skill sigmoid outputs."""
        torch = require_torch()
        _, slots = self._slots(items)
        p = torch.sigmoid(self._forward(self._net, items, correct, mask)) * slots
        return p.sum(-1) / slots.sum(-1)

    # -- batching -------------------------------------------------------------------------------
    def _windows(
        self, log: InteractionLog
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every learner's sequence cut into windows of ``max_len``: padded ``(W, L)`` items,
        correctness, mask, and the log row of each cell (-1 for padding)."""
        starts, lengths = log.starts[:-1], log.lengths
        pieces = []
        for s, n in zip(starts.tolist(), lengths.tolist()):
            for a in range(0, n, self.max_len):
                pieces.append((s + a, min(self.max_len, n - a)))
        width = max((n for _, n in pieces), default=1)
        rows = np.full((len(pieces), width), -1, dtype=np.int64)
        for w, (s, n) in enumerate(pieces):
            rows[w, :n] = np.arange(s, s + n)
        mask = rows >= 0
        safe = np.where(mask, rows, 0)
        return log.items[safe], log.correct[safe], mask, rows

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from tqdm.auto import tqdm

        torch = require_torch()
        items, correct, mask, _ = self._windows(log)
        dev = self._torch_device()
        net = self._net
        opt = torch.optim.Adam(net.parameters(), lr=self.lr)
        n = len(items)
        bar = tqdm(
            total=self.epochs * n,
            desc=type(self).__name__,
            unit="seq",
            disable=None if progress else True,
            leave=False,
        )
        with self._seeded(1):
            for _ in range(self.epochs):
                net.train()
                order = self._rng.permutation(n)
                total, count = 0.0, 0
                for a in range(0, n, self.batch_size):
                    idx = order[a : a + self.batch_size]
                    m = mask[idx]
                    width = int(m.sum(1).max())
                    it = torch.as_tensor(items[idx, :width], device=dev)
                    y = torch.as_tensor(correct[idx, :width], dtype=torch.float32, device=dev)
                    mk = torch.as_tensor(m[:, :width], device=dev)
                    p = self._probs(it, y, mk).clamp(1e-6, 1 - 1e-6)
                    loss = torch.nn.functional.binary_cross_entropy(p[mk], y[mk])
                    loss = loss + self._penalty(net)
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
                    opt.step()
                    total += float(loss.detach()) * int(mk.sum())
                    count += int(mk.sum())
                    bar.update(len(idx))
                self._history.append(total / max(count, 1))
        bar.close()
        net.eval()

    def predict_log(self, log: InteractionLog) -> np.ndarray:
        """One-step-ahead predictions, computed over whole sequences at once.

        Sequences longer than ``max_len`` are read in windows of ``max_len``, each starting
        from an empty history, as the network was trained.
        """
        torch = require_torch()
        log = self._as_log(log, sort=True, adopt=False)
        items, correct, mask, rows = self._windows(log)
        out = np.empty(len(log))
        dev = self._torch_device()
        self._net.eval()
        with torch.no_grad(), self._seeded(2):
            for a in range(0, len(items), 256):
                sl = slice(a, a + 256)
                width = int(mask[sl].sum(1).max())
                p = self._probs(
                    torch.as_tensor(items[sl, :width], device=dev),
                    torch.as_tensor(correct[sl, :width], dtype=torch.float32, device=dev),
                    torch.as_tensor(mask[sl, :width], device=dev),
                )
                m = mask[sl, :width]
                out[rows[sl, :width][m]] = p.cpu().numpy()[m]
        return out

    @property
    def loss_history(self) -> list[float]:
        """Mean training loss per epoch of the last fit."""
        return list(self._history)

    # -- persistence: weights as numpy arrays ---------------------------------------------------
    _derived = ("_net",)  # the module is rebuilt from hyperparameters; weights go as arrays

    def _get_state(self) -> dict[str, Any]:
        state = super()._get_state()
        state["_weights"] = (
            None
            if self._net is None
            else {k: v.detach().cpu().numpy() for k, v in self._net.state_dict().items()}
        )
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        torch = require_torch()
        weights = state.pop("_weights", None)
        super()._set_state(state)
        if weights is not None:
            with self._seeded(0):
                self._net = self._build(torch).to(self._torch_device())
            self._net.load_state_dict({k: torch.as_tensor(v) for k, v in weights.items()})
            self._net.eval()
