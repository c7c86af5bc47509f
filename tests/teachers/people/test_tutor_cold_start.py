"""The Tutor's cold-start options: blending toward the streak rule until the class has
answered a skill enough (``cold_start``), and the cap on answers per skill
(``max_attempts``)."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from tests.teachers.people._script import T0, arithmetic, play, tell

T = tk.teachers


def _flat() -> tk.spaces.Discrete:
    return tk.spaces.Discrete(["a", "b", "c"])


def test_cold_start_off_is_the_model_alone() -> None:
    plain = play(T.Tutor(arithmetic(), cold_start=0.0, seed=3), 30)
    off = play(T.Tutor(arithmetic(), cold_start=0.0, streak=3, seed=3), 30)
    assert off == plain
    assert play(T.Tutor(arithmetic(), cold_start=20.0, seed=3), 30) != plain


def test_cold_start_closes_a_skill_after_a_streak_and_reopens_it_on_a_miss() -> None:
    tutor = T.Tutor(_flat(), cold_start=1e9, streak=2, seed=0)  # no trust in the model yet
    new, _ = tutor.gains("ana")
    assert np.allclose(new, new[0]) and new[0] > 0  # every skill open, the same worth
    tell(tutor, "ana", 0, True, T0)
    tell(tutor, "ana", 0, True, T0 + 60)  # two right in a row: "a" is closed
    new, _ = tutor.gains("ana")
    assert new[0] < 1e-6 * new[1] and new[1] == pytest.approx(new[2])
    assert tutor.ask("ana")[0] in ("b", "c")
    tell(tutor, "ana", 0, False, T0 + 120)  # a miss: back into practice
    assert tutor.gains("ana")[0][0] > 0.5 * tutor.gains("ana")[0][1]


def test_cold_start_trust_grows_with_the_class_answers() -> None:
    space = _flat()
    blend = T.Tutor(space, cold_start=10.0, seed=0)
    model = T.Tutor(space, cold_start=0.0, seed=0)
    for k in range(40):  # the class answers "a" (always right) 40 times
        for t in (blend, model):
            tell(t, f"s{k}", 0, True, T0 + k)
    for t in (blend, model):
        tell(t, "ana", 0, True, T0 + 100)
        tell(t, "ana", 0, True, T0 + 160)
    trust = 42 / (42 + 10)  # the class's 40 answers on "a" and ana's two
    got, want = blend.gains("ana")[0], model.gains("ana")[0]
    # "a" is closed for ana by the streak rule: only the model's part of its worth is left
    assert got[0] == pytest.approx(trust * want[0], rel=1e-9)
    # "b" was never answered: no trust, all cold-start worth (the model's rate x sensitivity)
    assert got[1] > want[1]


def test_max_attempts_caps_the_new_material_of_one_skill() -> None:
    tutor = T.Tutor(_flat(), cold_start=0.0, max_attempts=3, seed=0)
    for k in range(3):
        tell(tutor, "ana", 1, False, T0 + 60 * k)
    new, _ = tutor.gains("ana")
    assert new[1] == 0.0 and new[0] > 0 and new[2] > 0
    assert "b" not in {tutor.ask("ana")[0] for _ in range(5)}
    assert tutor.gains("bo")[0][1] > 0  # per learner
    # with the blend, the cap closes the cold-start part only
    blend = T.Tutor(_flat(), cold_start=1e9, max_attempts=3, seed=0)
    for k in range(3):
        tell(blend, "ana", 1, False, T0 + 60 * k)
    new, _ = blend.gains("ana")
    assert new[1] < 1e-6 * new[0]


def test_cold_start_state_round_trips() -> None:
    tutor = T.Tutor(arithmetic(), cold_start=20.0, max_attempts=4, seed=1)
    play(tutor, 12)
    copy = T.Tutor(arithmetic(), cold_start=20.0, max_attempts=4, seed=1)
    copy.load_state_dict(tutor.state_dict())
    assert copy.state_bytes() == tutor.state_bytes()
    assert [copy.ask("ana")[0] for _ in range(4)] == [tutor.ask("ana")[0] for _ in range(4)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cold_start": -1.0}, "cold_start: expected a finite number >= 0"),
        ({"cold_start": float("inf")}, "cold_start"),
        ({"cold_start": True}, "cold_start"),
        ({"streak": 0}, "streak: expected a whole number >= 1, got 0"),
        ({"max_attempts": 2.5}, "max_attempts: expected a whole number >= 1, got 2.5"),
    ],
)
def test_tutor_rejects_bad_cold_start_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        T.Tutor(arithmetic(), **kwargs)  # type: ignore[arg-type]


def test_a_tutor_stored_before_cold_start_existed_keeps_the_model_value() -> None:
    from teachkit._legacy import upgrade_config

    config = T.Tutor(arithmetic(), seed=0).to_config()
    del config["params"]["cold_start"]
    wrapped = T.PerLearner(arithmetic(), teacher=T.Tutor(arithmetic(), seed=0)).to_config()
    del wrapped["params"]["teacher"]["__component__"]["params"]["cold_start"]
    assert upgrade_config(config)["params"]["cold_start"] == 0.0
    inner = upgrade_config(wrapped)["params"]["teacher"]["__component__"]
    assert inner["params"]["cold_start"] == 0.0
    current = T.Tutor(arithmetic(), cold_start=5.0, seed=0).to_config()
    assert upgrade_config(current) == current
    stored = T.Tutor.from_config(upgrade_config(config))
    assert isinstance(stored, T.Tutor) and stored.cold_start == 0.0


def test_a_tutor_stored_before_the_optimism_bonus_keeps_the_model_rates() -> None:
    from teachkit._legacy import upgrade_config

    config = T.Tutor(arithmetic(), seed=0).to_config()
    assert config["params"]["optimism"] == 0.3
    del config["params"]["optimism"]
    stored = T.Tutor.from_config(upgrade_config(config))
    assert isinstance(stored, T.Tutor) and stored.optimism == 0.0
    current = T.Tutor(arithmetic(), optimism=0.5, seed=0).to_config()
    assert upgrade_config(current) == current
