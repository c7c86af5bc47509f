"""Curriculum Designer, ClassOrder and Cyclical."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.teachers import ClassOrder, Cyclical
from teachkit.teachers.people import CurriculumDesigner


def _distances(n: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, 4))
    return np.linalg.norm(x[:, None] - x[None], axis=2)


def test_score_follows_the_rule() -> None:
    d = _distances(5)
    cd = CurriculumDesigner(d)
    norm = d / d.sum(axis=1, keepdims=True)
    var = norm.var(axis=1) / norm.var(axis=1).sum()
    order = [3, 0, 4, 1, 2]
    w = np.arange(5) / 4
    expected = -sum((1 - w[k]) * var[c] + w[k] * norm[order[0], c] for k, c in enumerate(order))
    assert cd.score(order) == pytest.approx(expected)


def test_exact_ranking_scores_every_order() -> None:
    cd = CurriculumDesigner(_distances(5))
    ranked = cd.rank(top=None)
    assert len(ranked) == 120
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    best = max(itertools.permutations(range(5)), key=cd.score)
    assert cd.score(ranked[0].order) == pytest.approx(cd.score(best))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_search_finds_the_exact_best_order(seed: int) -> None:
    d = _distances(7, seed)
    exact = CurriculumDesigner(d).rank(top=3)
    search = CurriculumDesigner(d, exact_max=3).rank(top=3)
    assert search[0].score == pytest.approx(exact[0].score)
    assert len(CurriculumDesigner(_distances(30, seed)).rank(top=5)) == 5


def test_designer_rejects_bad_matrices() -> None:
    with pytest.raises(ValidationError, match="square"):
        CurriculumDesigner(np.ones((2, 3)))
    with pytest.raises(ValidationError, match="non-negative"):
        CurriculumDesigner(-np.ones((3, 3)))
    with pytest.raises(ValidationError, match="each once"):
        CurriculumDesigner(_distances(3)).score([0, 0, 1])


def test_class_order_follows_the_designers_top_order() -> None:
    space = tk.spaces.Discrete(["a", "b", "c", "d"])
    d = _distances(4)
    top = CurriculumDesigner(d, names=list(space.names)).best()
    teacher = ClassOrder(space, distances=d, steps=2)
    assert teacher.ask("ana", n=8) == [t for t in top for _ in range(2)]
    assert teacher.ask("ana", n=2) == [top[-1]] * 2  # stays on the last class


def test_cyclical_fraction_grows_and_shrinks() -> None:
    teacher = Cyclical(tk.spaces.Discrete(8), period=10, low=0.25, seed=0)
    f = [teacher.fraction(t) for t in range(21)]
    assert f[0] == f[10] == f[20] == pytest.approx(0.25) and f[5] == pytest.approx(1.0)
    assert all(a < b for a, b in itertools.pairwise(f[:6]))
    firsts = [
        Cyclical(tk.spaces.Discrete(8), low=0.25, seed=k).ask_encoded("a", 1)[0] for k in range(20)
    ]
    assert max(firsts) < 2  # the first draw: among the easiest 25% of 8 tasks
