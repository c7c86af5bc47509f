"""Every registered learner model passes check_learner_model."""

from __future__ import annotations

import pytest

from teachkit.checks import check_learner_model
from teachkit.learners import BaseLearnerModel
from teachkit.testing.learners import learner_model_examples

EXAMPLES = list(learner_model_examples())
# The first torch optimizer in a process imports torch._dynamo (several seconds).
SLOW = {"DKT"}
CASES = [
    pytest.param(n, m, id=n, marks=[pytest.mark.slow] if n in SLOW else []) for n, m in EXAMPLES
]


@pytest.mark.parametrize(("name", "model"), CASES)
def test_learner_model_keeps_the_contract(name: str, model: BaseLearnerModel) -> None:
    check_learner_model(model)


def test_every_learner_model_is_found() -> None:
    assert {n for n, _ in EXAMPLES} >= {"BKT", "IRT", "Elo", "PFA", "DKT", "SAKT", "MemoryModel"}


@pytest.mark.parametrize("kind", ["3pl", "4pl"])
def test_irt_with_asymptotes_keeps_the_contract(kind: str) -> None:
    from teachkit.learners import IRT
    from teachkit.testing.learners import example_space

    check_learner_model(IRT(example_space(), model=kind, max_iter=20, seed=0))
