"""The people zoo's ceilings benchmark: its references are built from the course's truth."""

from __future__ import annotations

import dataclasses

import numpy as np

from benchmarks.teachers import zoo_people_ceilings as ceilings
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent, zoo


def test_the_no_decay_oracle_differs_from_the_oracle_only_in_the_post_test_weighting() -> None:
    member = zoo.members("people", "tune")[0]
    sim = ceilings.StudentForNoDecay(3, seed=0, **member.params)
    plain = BKTStudent(3, seed=0, **member.params).oracle(0)
    no_decay = sim.oracle(0)
    assert isinstance(no_decay, ceilings.OracleNoDecay)
    decay = np.asarray(member.params["decay"])
    weight = np.exp(-decay * plain._delay / 24.0)
    np.testing.assert_allclose(plain.gains(0), no_decay.gains(0) * weight)


def test_the_true_and_past_log_tutors_plan_with_the_course_parameters() -> None:
    member = zoo.members("people", "tune")[1]
    sim = BKTStudent(2, seed=0, **member.params)
    ceilings.TutorTrue.truth = member.params
    tutor = ceilings.TutorTrue(sim.space, seed=0)
    np.testing.assert_allclose(tutor.model._learn, member.params["learn"])
    assert tutor.model.refit is None
    small = dataclasses.replace(member, steps=30)
    past = ceilings.past_fit(small, learners=20)
    ceilings.TutorPastLog.past = past
    seeded = ceilings.TutorPastLog(sim.space, seed=0)
    np.testing.assert_allclose(seeded.model._learn, past._learn)
    assert seeded.model.refit == 200 and seeded.model.learners() == []


def test_a_without_variant_leaves_its_group_at_the_defaults() -> None:
    member = zoo.members("people", "tune")[2]
    sim = BKTStudent(2, seed=0, **member.params)
    ceilings.TutorTrue.truth = member.params
    tutor = ceilings.WITHOUT["learn"](sim.space, seed=0)
    assert (tutor.model._learn == BKT(sim.space)._learn).all()
    np.testing.assert_allclose(tutor.model._guess, member.params["guess"])


def test_the_design_script_ranks_fitted_learning_rates() -> None:
    from benchmarks.teachers import zoo_people_design as design

    member = dataclasses.replace(zoo.members("people", "tune")[1], steps=30)
    for chooser in design.CHOOSERS:
        r = design.learn_rank(member, chooser, seed=0)
        assert -1.0 <= r <= 1.0
