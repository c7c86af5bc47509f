"""CLUTR's task VAE on synthetic tasks, and its latent search."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

import teachkit as tk
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit.spaces import Generated
from teachkit.teachers import CLUTR
from teachkit.teachers.generative._vae import fit_task_vae
from teachkit.testing.generators import Corridors


@pytest.fixture(scope="module")
def space() -> Generated:
    return Generated(Corridors(longest=8, density=0.3))


@pytest.fixture(scope="module")
def data(space: Generated) -> np.ndarray:
    return space.vectors([space.generate(s) for s in range(400)])


@pytest.mark.slow
def test_the_vae_learns_a_compact_code_for_tasks(space: Generated, data: np.ndarray) -> None:
    vae = fit_task_vae(data[:300], latent_dim=6, hidden=64, epochs=60, beta=0.05, seed=0)
    held = data[300:]
    # standardized units: predicting the mean scores 1.0
    assert vae.reconstruction_error(held) < 0.35
    back = [space.from_vector(v, 0).params for v in vae.decode(vae.encode(held))]
    truth = [space.from_vector(v, 0).params for v in held]
    assert np.mean([b == t for b, t in zip(back, truth)]) > 0.5
    z = vae.encode(data)
    assert z.shape == (400, 6) and abs(float(z.mean())) < 0.5


def test_the_vae_is_the_same_for_the_same_seed(data: np.ndarray) -> None:
    a = fit_task_vae(data[:64], latent_dim=2, hidden=8, epochs=3, beta=1.0, seed=4)
    b = fit_task_vae(data[:64], latent_dim=2, hidden=8, epochs=3, beta=1.0, seed=4)
    c = fit_task_vae(data[:64], latent_dim=2, hidden=8, epochs=3, beta=1.0, seed=5)
    assert all(np.array_equal(x, y) for (x, _), (y, _) in zip(a.dec, b.dec))
    assert not np.array_equal(a.dec[0][0], c.dec[0][0])


def test_clutr_decodes_tasks_and_scores_their_latents(space: Generated) -> None:
    clutr = CLUTR(
        space,
        latent_dim=3,
        hidden=16,
        pretrain_tasks=64,
        epochs=3,
        buffer_size=4,
        explore=0.0,
        score="learnability",
        seed=0,
    )
    tasks = clutr.ask_encoded("agent", 3)
    assert all(t.origin == "decode" for t in tasks)
    assert clutr.train_mask("agent") is None  # every task is for training
    outside = space.task({"length": 4, "holes": [2]})  # not made by the teacher: encoded
    batch_tasks = np.empty(4, dtype=object)
    batch_tasks[:] = [*tasks, outside]
    clutr.tell(
        EventBatch.build(
            learner_ids=["agent"] * 4,
            tasks=batch_tasks,
            outcomes=OutcomeBatch(success=[1, 0, 1, 0]),
            times=np.zeros(4),
            assignment_ids=np.full(4, -1),
        )
    )
    state = clutr.state_dict()["state"]
    assert len(state["buffer"]["tasks"]) == len({t.id for t in batch_tasks})
    assert all(len(z) == 3 for z in state["buffer"]["extra"])
    # with explore=0 the next tasks come from perturbed buffered latents
    again = clutr.ask_encoded("agent", 2)
    assert all(t.origin == "decode" for t in again)


def test_clutr_checks_its_parameters(space: Generated) -> None:
    with pytest.raises(tk.errors.ValidationError, match="temperature"):
        CLUTR(space, temperature=0.0)
