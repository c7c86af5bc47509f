"""BaseLearnerModel: what every learner model offers teachers, evaluations and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from teachkit import _codec
from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._records import Event
from teachkit._time import utcnow
from teachkit._validation import check_learner_id, check_seed, preview
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._inputs import _learner_list, _seconds, _steps, as_log
from teachkit.spaces import Discrete, Space

State = dict[str, np.ndarray]
"""Per-learner state: arrays whose first axis is the learner (or a gathered subset)."""

_FORMAT = "teachkit-learner-model"


class BaseLearnerModel(Component):
    """A learner model: estimates what each learner knows from the answers it has seen.

    Teaching policies use any learner model through this contract alone.

    Data. Items are the tasks of a :class:`~teachkit.spaces.Discrete` space whose skill
    tags are the Q-matrix. Build a model on a space (``BKT(space)``), or without one
    (``BKT()``): the first :meth:`fit` then adopts the log's space (``space_``). An answer
    counts as correct when the outcome's ``success`` is true, else when its score (or
    reward) is at least 0.5; graded models (the memory model) also read the score.

    Lifecycle.

    * :meth:`fit` ``(log or events)``: estimate the model's parameters offline from an
      :class:`~teachkit.data.InteractionLog`, an :class:`EventBatch` or a list of Events,
      then fold the log into each learner's state (so ``mastery(learner)`` reflects it).
      Fitting again starts over.
    * :meth:`update` ``(events)``: online; fold new answers (an Event, a list of them or an
      EventBatch, several learners allowed, in the order they happened) into the learners'
      states with the current parameters. A learner seen for the first time starts from
      the model's prior. Parameters change only in models that say so (Elo).
    * :meth:`predict` ``(learner_id, task)``: P(success on the next attempt), before it
      happens; :meth:`predict_many` and :meth:`predict_encoded` are the vectorized forms.
      Unknown learners get the prior. Models of forgetting read ``time`` (default: now).
    * :meth:`mastery` ``(learner_id) -> {skill: probability}``: the learner's state per
      skill (P(skill known) for BKT; for models without a latent mastery, the predicted
      P(success) averaged over the skill's items). :meth:`mastery_matrix` is vectorized.
    * :meth:`predict_log` ``(log)``: one-step-ahead predictions for every row of a log,
      each made from that learner's earlier rows only, starting from the prior and leaving
      the model unchanged: what evaluations score.
    * :meth:`save` / :meth:`load`: the hyperparameters, parameters and every learner's
      state in one safe file (no pickle).

    Writing a model. Subclasses set hyperparameters in ``__init__`` (stored verbatim, see
    :class:`~teachkit._component.Component`) and implement:

    * ``_init_params()``: default parameters for ``self._space`` (called when it is known);
    * ``_new_state(k) -> State``: ``k`` fresh learners;
    * ``_predict_state(state, items, time) -> p`` and
      ``_step_state(state, items, correct, score, time) -> state``: pure functions of the
      gathered state of distinct learners, one answer each;
    * ``_fit(log, progress)``: estimate parameters from a log (learner states are folded in
      afterwards by the base class);
    * optionally ``_mastery_state(state)`` and faster ``predict_log``.

    Models whose state is not per learner (per card, per item) override ``_predict_rows``
    and ``_step_rows`` instead of the ``_state`` pair.

    Class attributes:
        uses_time: whether predictions depend on the time (memory models).
        frozen: hyperparameter overrides under which online updates leave the parameters
            alone (``{"update_items": False}`` for Elo); the conformance suite checks that
            online and offline predictions agree under them.
    """

    uses_time: ClassVar[bool] = False
    frozen: ClassVar[dict[str, Any]] = {}

    def __init__(self, space: Discrete | None = None, *, seed: int | None = None) -> None:
        if space is not None and not isinstance(space, Discrete):
            raise ValidationError(
                type(self).__name__,
                [
                    f"space: expected a teachkit.spaces.Discrete (items with skill tags) or None, "
                    f"got {type(space).__name__}"
                ],
            )
        check_seed(type(self).__name__, seed)
        self.space = space
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._space: Discrete | None = None
        self._fitted = False
        self._frozen = False
        self._index: dict[str, int] = {}
        self._state: State = {}
        if space is not None:
            self._adopt(space)

    # -- the space ------------------------------------------------------------------------------
    @property
    def space_(self) -> Discrete:
        """The space in use: ``space``, or the one adopted from the first fitted log."""
        if self._space is None:
            raise ValidationError(
                type(self).__name__,
                ["this model has no space yet: build it with a space or fit it on a log first"],
            )
        return self._space

    @property
    def fitted(self) -> bool:
        """Whether :meth:`fit` has run (an unfitted model predicts from default parameters)."""
        return self._fitted

    def _adopt(self, space: Discrete) -> None:
        self._space = space
        self._init_params()
        self._reset_learners()

    def _reset_learners(self) -> None:
        self._index = {}
        self._state = self._empty_state()

    @property
    def _q(self) -> np.ndarray:
        return self.space_.q_matrix

    # -- hooks ----------------------------------------------------------------------------------
    def _init_params(self) -> None:
        """Set default parameters for ``self._space``."""

    def _new_state(self, k: int) -> State:
        raise NotImplementedError

    def _empty_state(self) -> State:
        return self._new_state(0)

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        raise NotImplementedError

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        raise NotImplementedError

    def _mastery_state(self, state: State, rows: np.ndarray) -> np.ndarray:
        """``(len(rows), n_skills)`` mastery from the gathered state (models with a latent
        mastery override this)."""
        raise NotImplementedError

    def _mastery_rows(self, rows: np.ndarray) -> np.ndarray:
        if type(self)._mastery_state is not BaseLearnerModel._mastery_state:
            return self._mastery_state(self._gather(rows), rows)
        # No latent mastery: the mean predicted P(success) over each skill's items, now.
        n_items = self.space_.n
        m = len(rows)
        items = np.tile(np.arange(n_items), m)
        rep = np.repeat(np.arange(m), n_items)
        p = self._predict_rows(np.asarray(rows)[rep], items, np.full(m * n_items, self._now()))
        q = self._q.astype(np.float64)
        return (p.reshape(m, n_items) @ q) / np.maximum(q.sum(axis=0), 1.0)

    # -- rows: gather / scatter around the pure state hooks -----------------------------------
    def _gather(self, rows: np.ndarray) -> State:
        fresh = rows < 0
        if not fresh.any():
            return {k: v[rows] for k, v in self._state.items()}
        new = self._new_state(1)
        out = {}
        for k, v in self._state.items():
            g = v[np.where(fresh, 0, rows)] if len(v) else np.repeat(new[k], len(rows), axis=0)
            g[fresh] = new[k][0]
            out[k] = g
        return out

    def _predict_rows(self, rows: np.ndarray, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        return self._predict_state(self._gather(rows), items, time)

    def _step_rows(
        self,
        rows: np.ndarray,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> None:
        new = self._step_state(self._gather(rows), items, correct, score, time)
        for k, v in new.items():
            self._state[k][rows] = v

    def _rows(self, learner_ids: Sequence[str], *, create: bool) -> np.ndarray:
        """Row of each learner (distinct or not); unknown ones get -1 or, with create, a row."""
        index = self._index
        if create:
            new = [lid for lid in dict.fromkeys(learner_ids) if lid not in index]
            if new:
                start = len(index)
                for j, lid in enumerate(new):
                    index[lid] = start + j
                grown = self._new_state(len(new))
                for k, v in grown.items():
                    self._state[k] = np.concatenate([self._state[k], v]) if k in self._state else v
        return np.fromiter((index.get(lid, -1) for lid in learner_ids), np.int64, len(learner_ids))

    # -- folding a log into learner states ------------------------------------------------------
    def _absorb(self, log: InteractionLog) -> None:
        rows = self._rows([str(x) for x in log.learner_ids.tolist()], create=True)[log.learners]
        for idx in _steps(log):
            self._step_rows(
                rows[idx], log.items[idx], log.correct[idx], log.score[idx], log.time[idx]
            )

    def predict_log(self, log: InteractionLog) -> np.ndarray:
        """One-step-ahead P(correct) for every row of ``log``, in its row order.

        Each prediction uses the model's parameters and only the same learner's earlier rows
        in ``log``, starting from the prior (stored learner states are not used). The model
        is left unchanged.
        """
        log = self._as_log(log, sort=True, adopt=False)
        saved = (self._index, self._state, self._frozen)
        self._index, self._state, self._frozen = {}, self._empty_state(), True
        out = np.empty(len(log))
        try:
            rows = self._rows([str(x) for x in log.learner_ids.tolist()], create=True)[log.learners]
            for idx in _steps(log):
                t = log.time[idx]
                out[idx] = self._predict_rows(rows[idx], log.items[idx], t)
                self._step_rows(rows[idx], log.items[idx], log.correct[idx], log.score[idx], t)
        finally:
            self._index, self._state, self._frozen = saved
        return out

    # -- public API -----------------------------------------------------------------------------
    def fit(
        self, data: InteractionLog | EventBatch | Sequence[Event], *, progress: bool = False
    ) -> Self:
        """Estimate the parameters from a log, then fold it into the learners' states.

        Args:
            data: an :class:`~teachkit.data.InteractionLog`, an EventBatch or Events.
            progress: show a progress bar (only when stderr is a terminal, so redirected
                logs stay clean).

        Returns:
            the model itself.
        """
        log = self._as_log(data, sort=True, adopt=True)
        if len(log) == 0:
            raise ValidationError(
                f"{type(self).__name__}.fit", ["expected at least one answer, got an empty log"]
            )
        self._init_params()
        self._reset_learners()
        self._fit(log, progress)
        self._fitted = True
        self._reset_learners()
        self._frozen = True  # folding the log in must not move fitted parameters again
        try:
            self._absorb(log)
        finally:
            self._frozen = False
        return self

    def update(self, events: Event | Sequence[Event] | EventBatch | InteractionLog) -> None:
        """Fold new answers into the learners' states (online), in the order given."""
        log = self._as_log(events, sort=False, adopt=False)
        if len(log):
            self._absorb(log)

    def predict(self, learner_id: str, task: str, *, time: datetime | float | None = None) -> float:
        """P(``learner_id`` succeeds at ``task`` on the next attempt)."""
        check_learner_id(learner_id)
        item = self.space_.encode([task])
        return float(self.predict_encoded([learner_id], item, time=time)[0])

    def predict_many(
        self,
        learner_ids: str | Sequence[str],
        tasks: Sequence[str],
        *,
        time: datetime | float | None = None,
    ) -> np.ndarray:
        """P(success) for pairs; a single learner id is broadcast over ``tasks``."""
        return self.predict_encoded(learner_ids, self.space_.encode(list(tasks)), time=time)

    def predict_encoded(
        self,
        learner_ids: str | Sequence[str],
        items: np.ndarray | Sequence[int],
        *,
        time: datetime | float | None = None,
    ) -> np.ndarray:
        """P(success) for item indices (the encoded form teachers use), ``float64 (n,)``.

        Example:
            >>> from teachkit.learners import BKT
            >>> from teachkit.spaces import Discrete
            >>> model = BKT(Discrete(["a", "b"]))
            >>> model.predict_encoded("alice", [0, 1]).shape
            (2,)
        """
        items = np.asarray(items, dtype=np.int64).ravel()
        n_items = self.space_.n
        if len(items) and (items.min() < 0 or items.max() >= n_items):
            raise ValidationError(
                "predict",
                [f"expected item indices in [0, {n_items}), got {preview(items.tolist())}"],
            )
        ids = _learner_list(learner_ids, len(items))
        t = np.full(len(items), _seconds(time) if time is not None else self._now())
        return self._predict_rows(self._rows(ids, create=False), items, t)

    def mastery(self, learner_id: str) -> dict[str, float]:
        """``{skill: probability}`` for one learner (the prior for an unknown learner)."""
        check_learner_id(learner_id)
        row = self.mastery_matrix([learner_id])[0]
        return {s: float(v) for s, v in zip(self.space_.skill_names, row)}

    def mastery_matrix(self, learner_ids: Sequence[str]) -> np.ndarray:
        """``(len(learner_ids), n_skills)`` mastery, skills in ``space_.skill_names`` order."""
        ids = [check_learner_id(x) for x in learner_ids]
        return self._mastery_rows(self._rows(ids, create=False))

    def learners(self) -> list[str]:
        """The ids of every learner this model holds a state for."""
        return list(self._index)

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> BaseLearnerModel:
        """A small, fast instance for the conformance suite."""
        return cls(space, seed=seed)

    def _now(self) -> float:
        return utcnow().timestamp()

    # -- persistence ----------------------------------------------------------------------------
    def _get_state(self) -> dict[str, Any]:
        state = super()._get_state()
        space = state.pop("_space", None)
        state["_space"] = None if space is None else space.to_dict()
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        space = state.pop("_space", None)
        super()._set_state(state)
        self._space = None if space is None else Space.from_dict(space)  # type: ignore[assignment]

    def save(self, path: str | Path) -> Path:
        """Write hyperparameters, parameters and learner states to ``path`` (no pickle)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(
            _codec.dumps(
                {"format": _FORMAT, "config": self.to_config(), "state": self.state_dict()}
            )
        )
        return p

    @classmethod
    def load(cls, path: str | Path) -> BaseLearnerModel:
        """Read a model written by :meth:`save` (any learner model class)."""
        p = Path(path)
        try:
            data = _codec.loads(p.read_bytes())
        except FileNotFoundError:
            raise ValidationError("load", [f"no such file: {str(p)!r}"]) from None
        except Exception:
            raise ValidationError(
                "load", [f"{str(p)!r} is not a saved teachkit learner model"]
            ) from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValidationError("load", [f"{str(p)!r} is not a saved teachkit learner model"])
        model = Component.from_config(data["config"])
        if not isinstance(model, cls):
            raise ValidationError(
                "load", [f"{str(p)!r} holds a {type(model).__name__}, expected a {cls.__name__}"]
            )
        model.load_state_dict(data["state"])
        return model

    # -- input conversion -----------------------------------------------------------------------
    def _as_log(self, data: Any, *, sort: bool, adopt: bool) -> InteractionLog:
        return as_log(self, data, sort=sort, adopt=adopt)
