"""DKT, SAKT, AKT and simpleKT: tiny training runs, the question-level forward, the missing-torch error."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from teachkit.data.synthetic import bkt_log
from teachkit.errors import MissingDependencyError, ValidationError

torch = pytest.importorskip("torch")

from teachkit.learners import AKT, DKT, SAKT, SimpleKT  # noqa: E402

ALL = [DKT, SAKT, AKT, SimpleKT]


def small(cls: type) -> dict[str, int]:
    return {"emb": 8, "hidden": 8} if cls is DKT else {"dim": 8, "heads": 2}


@pytest.mark.parametrize("cls", ALL)
def test_training_lowers_the_loss(cls: type) -> None:
    log, _ = bkt_log(n_learners=60, n_skills=3, steps=20, seed=0)
    kw = small(cls)
    model = cls(epochs=4, batch_size=16, lr=1e-2, threads=1, device="cpu", seed=0, **kw).fit(log)
    hist = model.loss_history
    assert len(hist) == 4
    assert hist[-1] < hist[0]
    again = cls(epochs=4, batch_size=16, lr=1e-2, threads=1, device="cpu", seed=0, **kw).fit(log)
    assert again.loss_history == hist


@pytest.mark.parametrize("cls", ALL)
def test_an_answer_never_feeds_its_own_prediction(cls: type) -> None:
    """Changing the answer at position t changes no prediction at or before t."""
    log, _ = bkt_log(n_learners=4, n_skills=2, steps=10, seed=1)
    model = cls(log.space, threads=1, device="cpu", seed=0, **small(cls))
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


def test_attention_models_check_their_sizes() -> None:
    with pytest.raises(ValidationError, match=r"dim \(6\) must be divisible by heads \(4\)"):
        AKT(dim=6)
    with pytest.raises(ValidationError, match=r"dropout: expected a number in \[0, 1\), got 1.5"):
        SimpleKT(dropout=1.5)
    with pytest.raises(ValidationError, match="l2: expected a number >= 0, got -1"):
        AKT(l2=-1)
    with pytest.raises(ValidationError, match="blocks"):
        SimpleKT(blocks=0)


@pytest.mark.parametrize("cls", [AKT, SimpleKT])
def test_rasch_difficulty_learns_and_is_penalized(cls: type) -> None:
    """The per-question difficulties start at 0, move in training, and the L2 term is in
    the loss (a huge l2 keeps them near 0)."""
    log, _ = bkt_log(n_learners=60, n_skills=3, steps=20, seed=0)
    kw = {"dim": 8, "heads": 2, "epochs": 3, "lr": 1e-2, "device": "cpu", "seed": 0}
    free = cls(l2=0.0, **kw).fit(log)
    held = cls(l2=100.0, **kw).fit(log)
    mu_free = free._net["difficulty"].weight.detach().abs().max().item()
    mu_held = held._net["difficulty"].weight.detach().abs().max().item()
    assert mu_free > 0.01
    assert mu_held < mu_free / 5


def test_akt_attention_decays_with_distance() -> None:
    """With a large decay rate, AKT's monotonic attention weights far answers less than
    plain attention would."""
    from teachkit.learners._attention import attention_block

    torch.manual_seed(0)
    block = attention_block(torch, 8, 1, 0.0, monotonic=True)
    x = torch.randn(1, 12, 8)
    scores = torch.ones(1, 1, 12, 12)
    allowed = torch.ones(12, 12, dtype=torch.bool).tril()
    with torch.no_grad():
        block.theta.fill_(5.0)
        decay = block._decay(scores, allowed)[0, 0, -1]
    assert decay[-1] == 1.0  # distance to itself is 0
    assert torch.all(decay[1:-1] >= decay[:-2])  # older answers decay at least as much
    assert decay[0] < 1e-3
    assert block(x, x, x, True).shape == (1, 12, 8)


@pytest.mark.parametrize("cls", [AKT, SimpleKT])
def test_multi_skill_questions_are_scored_once_without_their_answer(cls: type) -> None:
    """pyKT's question-level protocol: an item with two skills is one scored prediction,
    made before its answer is seen."""
    from teachkit.data import InteractionLog
    from teachkit.evaluation import evaluate_pykt, pykt_split

    rng = np.random.default_rng(0)
    n_l, per = 30, 8
    items = rng.choice(["x", "y", "xy"], n_l * per)
    tags = {"x": "s", "y": "t", "xy": "s;t"}
    log = InteractionLog.from_arrays(
        np.repeat([f"u{k}" for k in range(n_l)], per),
        items,
        rng.integers(0, 2, n_l * per),
        skills=[tags[i] for i in items],
    )
    model = cls(dim=8, heads=2, epochs=1, device="cpu", seed=0)
    ev = evaluate_pykt(model, log)
    assert all(f["n"] == len(pykt_split(log)[0]) * (per - 1) for f in ev.folds)
    fitted = model.clone(space=log.space).fit(log)
    one = log.take_learners(np.array([0]))
    flipped = one.take_rows(np.ones(len(one), bool))
    flipped.correct[3] = 1 - flipped.correct[3]
    p, q = fitted.predict_log(one), fitted.predict_log(flipped)
    assert np.array_equal(p[:4], q[:4]) and not np.array_equal(p[4:], q[4:])
