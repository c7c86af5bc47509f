"""The harness loop: paired seeds, determinism, row layout, teacher forms, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from teachkit.benchmark import COLUMNS, TeacherSpec, run, task_labels, teacher_seed
from teachkit.errors import ValidationError
from teachkit.teachers import Sequential, Uniform
from tests.benchmark._toy import ChainStudent, PlaneStudent


def chain(seed: int) -> ChainStudent:
    return ChainStudent(6, seed=seed, n_tasks=4)


def test_seeds_are_paired_across_teachers() -> None:
    built: list[tuple[int, Any]] = []

    def factory(seed: int) -> ChainStudent:
        sim = chain(seed)
        built.append((seed, sim.truth()))
        return sim

    list(run((factory, ["uniform", "sequential", "oracle"]), seeds=[3, 5], steps=4))
    assert [s for s, _ in built] == [3, 3, 3, 5, 5, 5]
    for seed in (3, 5):
        truths = [t for s, t in built if s == seed]
        for t in truths[1:]:
            np.testing.assert_array_equal(t["rate"], truths[0]["rate"])
    assert not np.array_equal(built[0][1]["rate"], built[3][1]["rate"])


def test_teacher_seed_is_derived_from_the_seed() -> None:
    assert teacher_seed(3) == teacher_seed(3)
    assert len({teacher_seed(s) for s in range(50)}) == 50
    assert teacher_seed(3) != 3


def test_rows_are_deterministic() -> None:
    a = list(run((chain, ["uniform", "sequential"]), seeds=2, steps=12, eval_every=4))
    b = list(run((chain, ["uniform", "sequential"]), seeds=2, steps=12, eval_every=4))
    assert a == b


def test_row_layout_and_eval_steps() -> None:
    rows = list(run((chain, ["uniform", "oracle"]), seeds=2, steps=10, eval_every=4))
    assert all(tuple(r) == COLUMNS for r in rows)
    measured = sorted({r["step"] for r in rows if r["kind"] == "measure"})
    assert measured == [0, 4, 8, 10]
    first = next(r for r in rows if r["kind"] == "measure")
    assert first == {
        "suite": "", "simulator": "ChainStudent", "teacher": "uniform", "seed": 0, "step": 0,
        "kind": "measure", "measure": "mastery", "value": 0.0, "better": "higher",
    }  # fmt: skip
    # Every task chosen in a window is counted once: 6 learners x 1 task x window length.
    for step, length in ((4, 4), (8, 4), (10, 2)):
        chosen = [r for r in rows if r["kind"] == "chosen" and r["step"] == step]
        per_run: dict[tuple[str, int], float] = {}
        for r in chosen:
            per_run[(r["teacher"], r["seed"])] = (
                per_run.get((r["teacher"], r["seed"]), 0) + r["value"]
            )
        assert set(per_run.values()) == {6.0 * length}
        assert {r["measure"] for r in chosen} <= {"t0", "t1", "t2", "t3"}


def test_box_choices_are_binned_over_the_first_two_dimensions() -> None:
    rows = list(run((lambda s: PlaneStudent(3, seed=s), ["oracle"]), seeds=1, steps=1, bins=4))
    chosen = [r for r in rows if r["kind"] == "chosen"]
    # The oracle starts every learner in the origin cell [0, 0.25)^2: bin "0,0".
    assert [(r["measure"], r["value"]) for r in chosen] == [("0,0", 6.0)]
    assert task_labels(PlaneStudent(1).space, 2) == ["0,0", "0,1", "1,0", "1,1"]


def test_teachers_as_names_pairs_specs_and_classes() -> None:
    teachers: list[Any] = [
        "Uniform",
        ("sequential", {"threshold": 0.5}),
        TeacherSpec("sequential", {"threshold": 0.9}, label="strict"),
    ]
    rows = list(run((chain, teachers), seeds=1, steps=2))
    assert list(dict.fromkeys(r["teacher"] for r in rows)) == ["uniform", "sequential", "strict"]
    rows = list(run((chain, [Sequential]), seeds=1, steps=2))
    assert {r["teacher"] for r in rows} == {"sequential"}


def test_teacher_gets_the_derived_seed() -> None:
    rows = list(run((chain, [Uniform]), seeds=[7], steps=1))
    picked = {r["measure"]: r["value"] for r in rows if r["kind"] == "chosen"}
    expected = Uniform(chain(7).space, seed=teacher_seed(7))
    tasks = np.concatenate([expected.ask_encoded(f"s{i}") for i in range(6)])
    counts = np.bincount(tasks, minlength=4)
    assert picked == {f"t{k}": float(c) for k, c in enumerate(counts) if c}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"teachers": ["uniform"], "steps": None}, "steps: required"),
        ({"teachers": ["unifrom"], "steps": 2}, "did you mean 'uniform'"),
        ({"teachers": [], "steps": 2}, "teachers: expected at least one teacher"),
        ({"teachers": ["uniform"], "steps": 2, "seeds": []}, "seeds: expected at least one seed"),
        (
            {"teachers": ["uniform"], "steps": 2, "eval_every": 3},
            "eval_every: expected an integer in [1, steps=2]",
        ),
        ({"teachers": ["uniform", Uniform], "steps": 2}, "'uniform' is used twice"),
        ({"teachers": [42], "steps": 2}, "expected a name, a (name, params) pair"),
        ({"teachers": [("sequential", {"treshold": 0.5})], "steps": 2}, "did you mean 'threshold'"),
    ],
)
def test_bad_run_arguments(kwargs: dict[str, Any], message: str) -> None:
    teachers = kwargs.pop("teachers")
    with pytest.raises(ValidationError) as info:
        list(run((chain, teachers), **kwargs))
    assert message in str(info.value)


def test_factory_must_build_a_simulator() -> None:
    with pytest.raises(ValidationError, match="must build a teachkit Simulator, got int"):
        list(run((lambda s: 3, ["uniform"]), seeds=1, steps=1))  # type: ignore[arg-type,return-value]
    with pytest.raises(ValidationError, match="expected a Suite or a"):
        list(run("chain", steps=1))  # type: ignore[arg-type]


def test_teacher_construction_errors_name_the_teacher() -> None:
    with pytest.raises(ValidationError) as info:
        list(run((chain, [("sequential", {"window": 0})]), seeds=1, steps=1))
    assert str(info.value).startswith("teacher 'sequential' on ChainStudent: window:")
