"""DKT and SAKT: tiny training runs, the question-level forward, the missing-torch error."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from teachkit.data.synthetic import bkt_log
from teachkit.errors import MissingDependencyError, ValidationError

torch = pytest.importorskip("torch")

from teachkit.learners import DKT, SAKT  # noqa: E402


@pytest.mark.parametrize("cls", [DKT, SAKT])
def test_training_lowers_the_loss(cls: type) -> None:
    log, _ = bkt_log(n_learners=60, n_skills=3, steps=20, seed=0)
    small = {"emb": 8, "hidden": 8} if cls is DKT else {"dim": 8, "heads": 2}
    model = cls(epochs=4, batch_size=16, lr=1e-2, threads=1, device="cpu", seed=0, **small).fit(log)
    hist = model.loss_history
    assert len(hist) == 4
    assert hist[-1] < hist[0]
    again = cls(epochs=4, batch_size=16, lr=1e-2, threads=1, device="cpu", seed=0, **small).fit(log)
    assert again.loss_history == hist


@pytest.mark.parametrize("cls", [DKT, SAKT])
def test_an_answer_never_feeds_its_own_prediction(cls: type) -> None:
    """Changing the answer at position t changes no prediction at or before t."""
    log, _ = bkt_log(n_learners=4, n_skills=2, steps=10, seed=1)
    small = {"emb": 8, "hidden": 8} if cls is DKT else {"dim": 8, "heads": 2}
    model = cls(log.space, threads=1, device="cpu", seed=0, **small)
    items = torch.as_tensor(log.items[:10][None])
    y = torch.as_tensor(log.correct[:10][None], dtype=torch.float32)
    mask = torch.ones_like(items, dtype=torch.bool)
    model._net.eval()
    with torch.no_grad():
        p = model._probs(items, y, mask)
        y2 = y.clone()
        y2[0, 5] = 1 - y2[0, 5]
        p2 = model._probs(items, y2, mask)
    assert torch.equal(p[0, :6], p2[0, :6])
    assert not torch.equal(p[0, 6:], p2[0, 6:])


def test_long_sequences_are_read_in_windows() -> None:
    log, _ = bkt_log(n_learners=2, n_skills=2, steps=30, seed=2)
    model = SAKT(log.space, dim=8, heads=2, max_len=8, threads=1, device="cpu", seed=0)
    items, _, mask, rows = model._windows(log)
    assert items.shape == (8, 8)
    assert mask.sum() == len(log)
    assert sorted(rows[mask].tolist()) == list(range(len(log)))


def test_missing_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'teachkit\[torch\]'"):
        DKT()


def test_bad_hyperparameters() -> None:
    with pytest.raises(ValidationError, match=r"dim \(10\) must be divisible by heads \(4\)"):
        SAKT(dim=10)
    with pytest.raises(ValidationError, match="device: expected 'auto', 'cpu' or 'cuda"):
        DKT(device="tpu")
    assert np.isfinite(DKT(hidden=4, emb=4).lr)
