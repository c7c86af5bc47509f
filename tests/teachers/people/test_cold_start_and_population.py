"""ColdStartMastery's streak rule, and people teachers that learn from the whole class:
refits through a durable curriculum replay to the same choices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent
from tests.teachers.people._script import T0, arithmetic, play, tell

T = tk.teachers


def test_cold_start_golden_sequence() -> None:
    # right on an item once it was practised twice: three in a row needs five answers
    got = play(T.ColdStartMastery(arithmetic(), streak=3, seed=0), 16)
    expected = "count count count count count add1 add2 add1 add2 add1 add2 add1 sub sub sub sub"
    assert got == expected.split()


def test_cold_start_streak_resets_and_relearns() -> None:
    space = arithmetic()
    teacher = T.ColdStartMastery(space, streak=2, seed=0)
    count = space.index("count")
    tell(teacher, "ana", count, True, T0)
    tell(teacher, "ana", count, False, T0 + 60)  # the streak starts over
    assert teacher.current_skill("ana") == "number"
    tell(teacher, "ana", count, True, T0 + 120)
    tell(teacher, "ana", count, True, T0 + 180)
    assert teacher.mastered("ana") == ["number"] and teacher.current_skill("ana") == "addition"
    tell(teacher, "ana", count, False, T0 + 240)  # a wrong review: back into practice
    assert teacher.mastered("ana") == [] and teacher.ask("ana") == ["count"]
    keep = T.ColdStartMastery(space, streak=1, relearn=False, seed=0)
    tell(keep, "ana", count, True, T0)
    tell(keep, "ana", count, False, T0 + 60)
    assert keep.mastered("ana") == ["number"]


def test_cold_start_max_attempts_moves_on_and_reviews_when_done() -> None:
    space = arithmetic()
    teacher = T.ColdStartMastery(space, max_attempts=2, seed=0)
    for k in range(2):
        tell(teacher, "ana", space.index("count"), False, T0 + 60 * k)
    assert teacher.current_skill("ana") == "addition" and teacher.mastered("ana") == []
    one = T.ColdStartMastery(tk.spaces.Discrete(["a", "b"]), streak=1, seed=0)
    tell(one, "ana", 0, True, T0)
    tell(one, "ana", 1, True, T0 + 60)
    assert one.current_skill("ana") is None
    assert one.ask("ana") == ["a"]  # every skill mastered: the one practised longest ago


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"streak": 0}, "streak"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"relearn": "yes"}, "relearn: expected True or False, got 'yes'"),
    ],
)
def test_cold_start_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        T.ColdStartMastery(arithmetic(), **kwargs)  # type: ignore[arg-type]


def test_people_teachers_default_to_a_population_bkt() -> None:
    for cls in (T.Tutor, T.MasteryLearning, T.TargetSuccess, T.PathPlanner):
        model = cls(arithmetic(), seed=0).model
        assert isinstance(model, BKT) and model.refit and model.forgets


def test_tutor_plans_with_the_refitted_parameters() -> None:
    sim = BKTStudent(40, seed=0, n_skills=4, learn=[0.02, 0.02, 0.02, 0.6], prior=0.05,
                     guess=0.1, slip=0.05, forget=0.0, decay=0.0)  # fmt: skip
    tutor = T.Tutor(sim.space, seed=0)
    uniform = T.Uniform(sim.space, seed=0)
    for _ in range(20):  # the class practises everything evenly; the Tutor watches
        batch = sim.step(np.stack([uniform.ask_encoded(lid) for lid in sim.learner_ids]))
        tutor.tell(batch)
    assert tutor.model.refits >= 2  # type: ignore[attr-defined]
    learn = tutor.model.params()["learn"]  # type: ignore[attr-defined]
    assert learn["k3"] > 3 * learn["k0"]
    # a newcomer: the fast skill is worth most now
    assert tutor.ask("newcomer") == ["k3.i0"]


def test_tutor_seeded_from_an_offline_fit_keeps_its_parameters_as_anchor() -> None:
    sim = BKTStudent(60, seed=1, n_skills=3, learn=[0.05, 0.2, 0.5])
    uniform = T.Uniform(sim.space, seed=0)
    past = tk.EventBatch.concat(
        [sim.step(np.stack([uniform.ask_encoded(lid) for lid in sim.learner_ids]))
         for _ in range(15)]
    )  # fmt: skip
    fitted = BKT(sim.space, forgets=True, seed=0).fit(past)
    seeded = fitted.seeded(refit=100, shrinkage=50.0)
    assert seeded.learners() == [] and seeded.refit == 100
    assert seeded.params()["learn"] == fitted.params()["learn"]
    tutor = T.Tutor(sim.space, learner_model=seeded, seed=0)
    assert tutor.model is seeded


@pytest.mark.parametrize(
    "options", [{}, {"pool": 0.5, "max_guess_slip": 0.8}], ids=["default", "pooled_bounded"]
)
def test_a_reloaded_curriculum_refits_and_chooses_the_same(
    tmp_path: Path, options: dict[str, float]
) -> None:
    sim = BKTStudent(6, seed=2, n_skills=4, items_per_skill=2, prerequisites={"k2": ["k0"]})
    url = f"sqlite:///{tmp_path / 'class.db'}"
    model = BKT(sim.space, forgets=True, refit=20, engine="numpy", seed=0, **options)
    tutor = T.Tutor(sim.space, learner_model=model, seed=0)
    cur = tk.Curriculum(tutor, storage=url, name="c", snapshot_every=7)
    rng = np.random.default_rng(0)
    for step in range(90):  # refits at 20, 40 and 80 answers, snapshots every 7 ops
        lid = f"s{step % 6}"
        a = cur.ask(lid)
        cur.tell(a, tk.Outcome(score=float(rng.random() < 0.6)))
    assert cur.teacher.model.refits == 3  # type: ignore[attr-defined]
    cur.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes((tmp_path / "class.db").read_bytes())  # two independent futures
    cur = tk.Curriculum.load(url, "c")
    loaded = tk.Curriculum.load(f"sqlite:///{copy}", "c")
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes()
    for k in range(12):
        lid = f"s{k % 6}"
        assert loaded.ask(lid).task == cur.ask(lid).task


def test_a_tutor_stored_before_value_existed_keeps_its_value_function() -> None:
    from teachkit._legacy import upgrade_config

    config = T.Tutor(arithmetic(), seed=0).to_config()
    del config["params"]["value"]
    wrapped = T.PerLearner(arithmetic(), teacher=T.Tutor(arithmetic(), seed=0)).to_config()
    del wrapped["params"]["teacher"]["__component__"]["params"]["value"]
    assert upgrade_config(config)["params"]["value"] == "progress"
    inner = upgrade_config(wrapped)["params"]["teacher"]["__component__"]
    assert inner["params"]["value"] == "progress"
    current = T.Tutor(arithmetic(), seed=0).to_config()
    assert upgrade_config(current) == current
    with pytest.raises(ValidationError, match="value: expected one of 'posttest', 'progress'"):
        T.Tutor(arithmetic(), value="gain")
