"""The state codec and the Component base: params, clone, repr, config and state."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from teachkit import _codec
from teachkit._component import Component
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers import BaseTeacher, Sequential, Uniform


def test_codec_round_trips_plain_data_arrays_and_rngs() -> None:
    rng = np.random.default_rng(7)
    rng.random(3)
    state = {
        "ints": [1, 2**70],
        "floats": (0.5, float("nan"), float("inf")),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "objects": np.array(["a", None], dtype=object),
        "by_tuple": {(1, "a"): 3, 4: "x"},
        "rng": rng,
        "when": datetime(2026, 1, 1, tzinfo=UTC),
        "scalar": np.float32(1.5),
        "__tk__": "a key that looks like a tag",
    }
    back = _codec.loads(_codec.dumps(state))
    assert back["ints"] == [1, 2**70]
    assert back["floats"][0] == 0.5 and np.isnan(back["floats"][1]) and back["floats"][2] == np.inf
    assert back["array"].dtype == np.int32 and back["array"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back["objects"].tolist() == ["a", None]
    assert back["by_tuple"] == {(1, "a"): 3, 4: "x"}
    assert back["rng"].random() == rng.random()
    assert back["when"] == state["when"] and back["scalar"] == 1.5
    assert back["__tk__"] == "a key that looks like a tag"


def test_codec_names_what_it_cannot_store() -> None:
    with pytest.raises(TypeError, match=r"cannot serialize state\.model of type builtins\.object"):
        _codec.encode({"model": object()})


class _Counter(BaseTeacher):
    def __init__(self, space: Discrete, *, step: int = 1, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        self.step = step
        self._count = 0

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        self._count += self.step
        return np.full(n, self._count % self.space.n, dtype=np.int64)


def test_params_clone_repr_and_config() -> None:
    space = Discrete(["a", "b", "c"])
    teacher = _Counter(space, step=2, seed=3)
    assert teacher.get_params() == {"space": space, "step": 2, "seed": 3}
    teacher.ask("x")
    clone = teacher.clone()
    assert clone._count == 0 and clone.get_params() == teacher.get_params()
    assert teacher.clone(step=5).step == 5
    assert repr(teacher) == "_Counter(space=Discrete(['a', 'b', 'c']), step=2, seed=3)"
    assert repr(_Counter(space)) == "_Counter(space=Discrete(['a', 'b', 'c']))"
    rebuilt = Component.from_config(teacher.to_config())
    assert isinstance(rebuilt, _Counter) and rebuilt.get_params() == teacher.get_params()
    with pytest.raises(
        ValidationError, match="unknown hyperparameter 'stepp' \\(did you mean 'step'\\?\\)"
    ):
        teacher.clone(stepp=1)


def test_state_dict_captures_private_state_and_rng() -> None:
    teacher = Uniform(Discrete(10), seed=1)
    teacher.ask("x", 5)
    state = teacher.state_dict()
    later = teacher.ask("x", 5)
    other = Uniform(Discrete(10), seed=99)
    other.load_state_dict(state)
    assert other.ask("x", 5) == later
    with pytest.raises(
        ValidationError, match="expected the state of a Uniform, got one of 'Sequential'"
    ):
        other.load_state_dict(Sequential(Discrete(10)).state_dict())
    with pytest.raises(ValidationError, match="expected a state dict of version 1"):
        other.load_state_dict({"nonsense": True})


def test_config_rejects_functions_and_unknown_classes() -> None:
    class _Bad(Uniform):
        def __init__(self, space: Discrete, *, fn: object = print, seed: int | None = None) -> None:
            super().__init__(space, seed=seed)
            self.fn = fn

    with pytest.raises(
        ValidationError, match="is a function, which a stored curriculum cannot rebuild"
    ):
        _Bad(Discrete(2)).to_config()
    with pytest.raises(
        ValidationError, match=r"stored class 'nowhere\.module:Thing': could not be loaded"
    ):
        Component.from_config({"class": "nowhere.module:Thing", "params": {}})
    with pytest.raises(ValidationError, match="is not a teachkit component"):
        Component.from_config({"class": "builtins:dict", "params": {}})
