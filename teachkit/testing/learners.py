"""Discover every registered learner model and build example instances for conformance tests."""

from __future__ import annotations

from collections.abc import Iterator

from teachkit.learners import BaseLearnerModel
from teachkit.spaces import Discrete
from teachkit.testing.teachers import example_spaces


def example_space() -> Discrete:
    """The Discrete space with skills and prerequisites every learner model is tried on."""
    space = example_spaces()[0]
    assert isinstance(space, Discrete)
    return space


def all_learner_models() -> list[type[BaseLearnerModel]]:
    """Every learner model registered in :data:`teachkit.registry.LEARNER_MODELS`."""
    from teachkit.registry import LEARNER_MODELS, learner_model_class

    return [learner_model_class(name) for name in LEARNER_MODELS]


def learner_model_examples(seed: int = 0) -> Iterator[tuple[str, BaseLearnerModel]]:
    """``(test id, instance)`` for every learner model, on the example space."""
    for cls in all_learner_models():
        yield cls.__name__, cls._example(example_space(), seed)
