"""A corpus of hostile teacher configs and space descriptions, each with its error (issue 12).

Configs and space descriptions are what a stored curriculum, an HTTP request or a file
from elsewhere hands to :meth:`Component.from_config` and :meth:`Space.from_dict`. With
``allow=()`` (nothing but registered classes), each must fail with a TeachkitError that
names the problem, and none may import a module or call code (the space cases allow only
the test generators' module, so that their options are checked too).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

import teachkit as tk
from teachkit._component import Component
from teachkit.errors import ValidationError

SPACE = {"__space__": {"type": "discrete", "n": 3}}

CONFIGS: list[tuple[str, Any, str]] = [
    ("a function", {"class": "os:system", "params": {}}, "'os:system'"),
    ("a builtin class", {"class": "builtins:dict", "params": {}}, "'builtins:dict'"),
    ("an unregistered name", {"class": "teachkit.teachers:Nope", "params": {}}, "Nope"),
    ("a class that is no teacher", {"class": "teachkit.spaces:Discrete", "params": {}}, "Discrete"),
    ("a class path that is no string", {"class": 5}, "expected 'package.module:Class', got 5"),
    ("not a mapping", [1, 2], "component config: expected a mapping, got list"),
    ("params not a mapping", {"class": "teachkit.teachers:Uniform", "params": [1]},
     "params: expected a mapping of parameter names to values"),
    ("params with non-string keys", {"class": "teachkit.teachers:Uniform", "params": {1: 2}},
     "params: expected a mapping of parameter names to values"),
    ("another class's hyperparameter",
     {"class": "teachkit.teachers:Uniform", "params": {"space": SPACE, "window": 3}},
     "unknown hyperparameter 'window'"),
    ("a nested hostile component",
     {"class": "teachkit.teachers:PerLearner",
      "params": {"space": SPACE, "teacher": {"__component__": {"class": "os:system", "params": {}}}}},
     "'os:system'"),
    ("a space with a negative count",
     {"class": "teachkit.teachers:Uniform", "params": {"space": {"__space__": {"type": "discrete", "n": -1}}}},
     "expected at least one task, got a count of -1"),
    ("a space that is a string", {"class": "teachkit.teachers:Uniform", "params": {"space": "discrete"}},
     "space: expected a teachkit space"),
    ("a negative seed", {"class": "teachkit.teachers:Uniform", "params": {"space": SPACE, "seed": -5}},
     "seed: expected an integer >= 0 or None, got -5"),
    ("a seed as text", {"class": "teachkit.teachers:Uniform", "params": {"space": SPACE, "seed": "1"}},
     "seed: expected an integer >= 0 or None"),
    ("a repeated stage",
     {"class": "teachkit.teachers:Sequential",
      "params": {"space": {"__space__": {"type": "discrete", "tasks": ["a", "b"]}}, "order": ["a", "a"]}},
     "order: expected each stage once"),
    ("an unbounded window",
     {"class": "teachkit.teachers:TSCL", "params": {"space": SPACE, "window": 2**50}},
     "window: expected an integer in [1, 1_000_000]"),
]  # fmt: skip

SPACES: list[tuple[str, Any, str]] = [
    ("no type", {"tasks": ["a"]}, "expected 'type' to be one of"),
    ("a type that is no string", {"type": ["discrete"]}, "expected 'type' to be one of"),
    ("an unknown type", {"type": "discrete2"}, "did you mean 'discrete'"),
    ("not a mapping", "discrete", "expected 'type' to be one of"),
    ("box without bounds", {"type": "box"}, "missing keys ['low', 'high']"),
    ("box with text bounds", {"type": "box", "low": ["0"], "high": ["1"]}, "low"),
    ("box of 2**40 dimensions", {"type": "box", "low": 0, "high": 1, "names": None, "dim": 2**40},
     "unknown keys ['dim']"),
    ("a count past 2**62", {"type": "discrete", "n": 2**70}, "expected at most 2**62 tasks"),
    ("a huge count with prerequisites",
     {"type": "discrete", "n": 2**40, "prerequisites": {"1": ["0"]}}, "need the task names"),
    ("prerequisites as pairs", {"type": "discrete", "tasks": ["a", "b"], "prerequisites": [["a", "b"]]},
     "for pairs, write {'b': ['a']}"),
    ("a prerequisite cycle",
     {"type": "discrete", "tasks": ["a", "b"], "prerequisites": {"a": ["b"], "b": ["a"]}}, "cycle"),
    ("skills of numbers", {"type": "discrete", "tasks": ["a"], "skills": {"a": 5}},
     "expected a skill name or a list of them, got 5"),
    ("a generator from an unallowed module",
     {"type": "generated", "generator": "os:system"}, "'os:system'"),
    ("a generator that is no generator",
     {"type": "generated", "generator": "teachkit.teachers:Uniform"}, "is not a TaskGenerator"),
    ("generator options not a mapping",
     {"type": "generated", "generator": "teachkit.testing.generators:Corridors", "options": [1]},
     "options: expected a mapping of keyword arguments"),
    ("generator options it does not take",
     {"type": "generated", "generator": "teachkit.testing.generators:Corridors", "options": {"nope": 1}},
     "Corridors takes no option 'nope'"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def no_code_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    yield calls
    assert calls == []


@pytest.mark.parametrize(
    ("config", "message"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_hostile_configs(config: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Component.from_config(config, allow=())
    assert message in str(info.value)


@pytest.mark.parametrize(("data", "message"), [s[1:] for s in SPACES], ids=[s[0] for s in SPACES])
def test_hostile_space_descriptions(data: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        tk.spaces.Space.from_dict(data, allow=("teachkit.testing.generators",))
    assert message in str(info.value)


def test_a_damaged_encoded_value_is_a_validation_error() -> None:
    config = {
        "class": "teachkit.teachers:Uniform",
        "params": {"space": SPACE, "seed": {"__tk__": "float", "v": "np.float64(nan)"}},
    }
    with pytest.raises(ValidationError, match="a hyperparameter value cannot be decoded"):
        Component.from_config(config, allow=())
