"""check_learner_model: exercise a learner model the way teachers and evaluations will."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._records import Event, Outcome
from teachkit._time import from_timestamp
from teachkit.data._log import InteractionLog
from teachkit.errors import TeachkitError, ValidationError
from teachkit.spaces import Discrete


class LearnerModelCheckError(TeachkitError, AssertionError):
    """A learner model failed one or more checks; the message lists them all."""


def example_log(
    space: Discrete, *, learners: int = 6, answers: int = 14, seed: int = 0
) -> InteractionLog:
    """A small log on ``space``: each learner answers random items a day or so apart, with
    per-item success rates that rise with practice."""
    rng = np.random.default_rng(seed)
    n = learners * answers
    lr = np.repeat(np.arange(learners), answers)
    items = rng.integers(0, space.n, n)
    step = np.tile(np.arange(answers), learners)
    p = np.clip(rng.uniform(0.2, 0.7, space.n)[items] + 0.03 * step, 0, 0.95)
    correct = (rng.random(n) < p).astype(np.float64)
    return InteractionLog(
        space=space,
        learner_ids=np.array([f"learner-{k}" for k in range(learners)], dtype=object),
        learners=lr,
        items=items,
        correct=correct,
        score=correct,
        time=1.7e9 + 86400.0 * (1.3 * step + 0.1 * lr),
    )


def check_learner_model(model: Any, *, seed: int = 0) -> None:
    """Check that a learner model keeps the contract teachers and evaluations rely on.

    On fresh clones of ``model`` (the instance itself is not changed) it checks:

    * hyperparameters: ``clone()``, ``repr`` and a ``to_config``/``from_config`` round trip;
    * fitting is deterministic under a seed, and predictions are probabilities;
    * ``predict``, ``predict_many`` and ``predict_encoded`` agree; an unknown learner
      gets a prediction (the prior);
    * online and offline agree: predicting then updating answer by answer gives exactly
      ``predict_log``'s one-step-ahead predictions, and ``predict_log`` changes nothing
      (for models that adapt parameters online, under their ``frozen`` overrides);
    * ``update`` takes an Event, a list of Events or an EventBatch alike;
    * ``mastery`` covers every skill with probabilities;
    * ``state_dict`` and ``save``/``load`` round trips predict the same;
    * bad input (tasks outside the space, empty learner ids, non-events, empty logs) is
      rejected with a ValidationError.

    Raises:
        LearnerModelCheckError: listing every failed check.

    Example:
        >>> from teachkit.learners import PFA
        >>> from teachkit.spaces import Discrete
        >>> check_learner_model(PFA(Discrete(["a", "b", "c"])))
    """
    from teachkit.learners._base import BaseLearnerModel

    if not isinstance(model, BaseLearnerModel):
        raise LearnerModelCheckError(
            f"expected a BaseLearnerModel subclass instance, got {type(model).__name__}"
        )
    space = model.space if model.space is not None else Discrete(["a", "b", "c", "d"])
    log = example_log(space, seed=seed)
    seeded = {"seed": seed} if "seed" in model._param_names() else {}

    def fresh() -> BaseLearnerModel:
        return model.clone(space=space, **seeded)

    def frozen() -> BaseLearnerModel:
        return model.clone(space=space, **seeded, **type(model).frozen)

    failures: list[str] = []

    def check(name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")

    fitted = fresh().fit(log)
    check("hyperparameters", lambda: _check_params(model))
    check("determinism", lambda: _check_determinism(fresh, log))
    check("predictions", lambda: _check_predictions(fitted, log))
    check("online equals offline", lambda: _check_online(frozen().fit(log), log))
    check("update input forms", lambda: _check_update_forms(frozen, log))
    check("mastery", lambda: _check_mastery(fitted, log))
    check("state round trip", lambda: _check_state(fitted, fresh, log))
    check("bad input", lambda: _check_bad_input(fitted, fresh))
    if failures:
        lines = "\n".join(f"  - {f}" for f in failures)
        raise LearnerModelCheckError(
            f"{type(model).__name__} failed {len(failures)} check(s):\n{lines}"
        )


def _events(
    log: InteractionLog, rows: range | list[int], learner: str | None = None
) -> list[Event]:
    names = log.space.names
    out = []
    for r in rows:
        t = from_timestamp(float(log.time[r]))
        lid = learner or str(log.learner_ids[log.learners[r]])
        out.append(Event(lid, names[log.items[r]], Outcome(score=float(log.correct[r]), time=t), t))
    return out


def _check_params(model: Any) -> None:
    clone = model.clone()
    assert type(clone) is type(model), "clone() returned another type"
    assert clone.to_config() == model.to_config(), "clone() changed the hyperparameters"
    rebuilt = Component.from_config(model.to_config())
    assert rebuilt.to_config() == model.to_config(), "to_config/from_config is not a round trip"
    assert repr(model).startswith(type(model).__name__), "repr should start with the class name"


def _check_determinism(fresh: Callable[[], Any], log: InteractionLog) -> None:
    a, b = fresh().fit(log), fresh().fit(log)
    assert np.array_equal(a.predict_log(log), b.predict_log(log)), (
        "two models built alike and fitted on the same log predict differently"
    )


def _check_predictions(model: Any, log: InteractionLog) -> None:
    p = model.predict_log(log)
    assert p.shape == (len(log),), f"predict_log returned shape {p.shape}, expected ({len(log)},)"
    assert np.all(np.isfinite(p)), "predict_log returned NaN or inf"
    assert np.all((p >= 0) & (p <= 1)), "predictions outside [0, 1]"
    lid, names, t = str(log.learner_ids[0]), list(model.space_.names), float(log.time.max())
    many = model.predict_many(lid, names, time=t)
    enc = model.predict_encoded(lid, np.arange(len(names)), time=t)
    one = [model.predict(lid, n, time=t) for n in names]
    assert np.allclose(many, enc), "predict_many and predict_encoded disagree"
    assert np.allclose(many, one), "predict and predict_many disagree"
    new = model.predict_many("never-seen", names, time=t)
    assert np.all((new >= 0) & (new <= 1)), "an unknown learner got predictions outside [0, 1]"


def _check_online(model: Any, log: InteractionLog) -> None:
    before = model.state_bytes()
    one = log.take_learners(np.array([0]))
    offline = model.predict_log(one)
    assert model.state_bytes() == before, "predict_log changed the model's state"
    online = []
    for event in _events(one, range(len(one)), learner="online-check"):
        online.append(model.predict("online-check", event.task, time=event.time))
        model.update(event)
    assert np.allclose(online, offline, atol=1e-5), (
        f"predict-then-update gave {np.round(online[:4], 4)}..., predict_log gave {np.round(offline[:4], 4)}..."
    )


def _check_update_forms(fresh: Callable[[], Any], log: InteractionLog) -> None:
    events = _events(log, range(min(len(log), 20)))
    a, b, c = fresh().fit(log), fresh().fit(log), fresh().fit(log)
    for e in events:
        a.update(e)
    b.update(events)
    c.update(EventBatch.from_events(events, log.space))
    lid = events[0].learner_id
    t = float(log.time.max())
    pa, pb, pc = (m.predict_encoded(lid, np.arange(log.space.n), time=t) for m in (a, b, c))
    assert np.allclose(pa, pb), "update(Event) and update(list) disagree"
    assert np.allclose(pa, pc), "update(Event) and update(EventBatch) disagree"


def _check_mastery(model: Any, log: InteractionLog) -> None:
    for lid in (str(log.learner_ids[0]), "never-seen"):
        m = model.mastery(lid)
        assert list(m) == list(model.space_.skill_names), (
            f"mastery keys {list(m)} are not the skills"
        )
        v = np.array(list(m.values()))
        assert np.all(np.isfinite(v)), "mastery has NaN or inf"
        assert np.all((v >= 0) & (v <= 1)), "mastery outside [0, 1]"


def _check_state(model: Any, fresh: Callable[[], Any], log: InteractionLog) -> None:
    lid, t = str(log.learner_ids[1]), float(log.time.max())
    want = model.predict_encoded(lid, np.arange(log.space.n), time=t)
    copy = fresh()
    copy.load_state_bytes(model.state_bytes())
    assert np.allclose(copy.predict_encoded(lid, np.arange(log.space.n), time=t), want), (
        "a model restored from state_bytes() predicts differently"
    )
    with tempfile.TemporaryDirectory() as tmp:
        loaded = type(model).load(model.save(Path(tmp) / "model.tk"))
    assert np.allclose(loaded.predict_encoded(lid, np.arange(log.space.n), time=t), want), (
        "a model restored by save()/load() predicts differently"
    )
    assert loaded.learners() == model.learners(), "load() lost learners"


def _check_bad_input(model: Any, fresh: Callable[[], Any]) -> None:
    t = from_timestamp(1.7e9)
    for bad_call, what in [
        (
            lambda: model.update(Event("x", "\u2205 not a task", Outcome(score=1.0), t)),
            "a task outside the space",
        ),
        (lambda: model.predict("x", "\u2205 not a task"), "predicting a task outside the space"),
        (lambda: model.predict("", model.space_.names[0]), "an empty learner id"),
        (lambda: model.update(["not an event"]), "a list of strings"),
        (lambda: fresh().fit([]), "fitting on no events"),
    ]:
        try:
            bad_call()
        except ValidationError:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{what} raised {type(exc).__name__}, expected ValidationError"
            ) from None
        raise AssertionError(f"{what} was accepted, expected a ValidationError")
