"""The people family of the zoo: deterministic, valid members; held-out kinds and seeds."""

from __future__ import annotations

import numpy as np

from teachkit.benchmark import Suite
from teachkit.registry import simulator_class
from teachkit.simulators import zoo


def test_members_are_deterministic_plain_data() -> None:
    a = zoo.members("people", "tune")
    b = zoo.members("people", "tune")
    assert a == b
    assert len({m.name for m in a}) == len(a)


def test_heldout_has_whole_kinds_and_fresh_seeds() -> None:
    tune = zoo.members("people", "tune")
    held = zoo.members("people", "heldout")
    assert {m.kind for m in held} - {m.kind for m in tune} == {
        "noisy_prerequisites",
        "forgetful_prerequisites",
    }
    assert not {m.seed for m in tune} & {m.seed for m in held}
    assert all(m.split == "heldout" for m in held)


def test_every_member_builds_a_simulator_over_wide_ranges() -> None:
    every = zoo.members("people", "tune") + zoo.members("people", "heldout")
    sizes = [m.n_learners for m in every]
    assert min(sizes) >= 1 and max(sizes) <= 200 and max(sizes) > 10 * min(sizes)
    guesses = np.concatenate([m.params["guess"] for m in every])
    assert guesses.max() > 0.35 and guesses.min() < 0.1  # high guess included
    with_pre = [m for m in every if m.params.get("prerequisites")]
    assert with_pre and len(with_pre) < len(every)
    for m in every:
        sim = simulator_class(m.simulator)(m.n_learners, seed=0, **m.params)
        assert sim.space.n == m.params["n_skills"] * m.params["items_per_skill"]
        assert 0.0 <= sim.measures()[m.measure] <= 1.0


def test_a_member_runs_as_a_suite() -> None:
    member = zoo.members("people", "tune")[0]
    suite = Suite.from_zoo(member, ["uniform", "oracle"], seeds=1)
    assert suite.simulator == "bkt_student" and suite.steps == member.steps
