"""ClassIncrementalStudent: a real online classifier that learns the classes it is taught."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._validation import check_positive_int, check_seed, is_real, is_sequence
from teachkit.errors import ValidationError
from teachkit.simulators._base import Simulator
from teachkit.simulators._class_incremental_oracle import ClassIncrementalOracle
from teachkit.simulators._datasets import DATASETS, load_dataset
from teachkit.simulators._models import MODELS, MLPModel, SGDModel, make_model
from teachkit.spaces import Discrete

_T0 = 1.7e9  # virtual clock start (POSIX seconds); one pass lasts one minute
_WHERE = "ClassIncrementalStudent"


@dataclass
class _Learner:
    """One student: its model, its replay buffer (train-set rows) and its RNG."""

    model: SGDModel | MLPModel
    buffer: np.ndarray  # int64 (size <= replay,) rows of the training set
    seen_examples: int  # examples offered to the reservoir so far
    rng: np.random.Generator

    def copy(self) -> _Learner:
        rng = copy.deepcopy(self.rng)
        return _Learner(self.model.copy(), self.buffer.copy(), self.seen_examples, rng)


class ClassIncrementalStudent(Simulator):
    """Online class-incremental learning: the teacher picks which class is learned next.

    Each learner is a real classifier (``model="sgd"``: scikit-learn's ``SGDClassifier``
    with the logistic loss, updated by ``partial_fit`` with every class declared;
    ``model="mlp"``: a one-hidden-layer ReLU network trained by minibatch SGD, in numpy)
    learning the ten digit classes of ``dataset`` (scikit-learn's bundled 8x8 ``digits``,
    or ``mnist1d`` generated locally by the ``mnist1d`` package). Each class's examples
    are split once, from ``seed``, into training and held-out rows (``test_fraction``).

    A task is a class (``"0"`` .. ``"9"``). Practicing it is one pass over that class's
    training examples (or ``chunk`` of them drawn at random) in shuffled minibatches of
    ``batch_size``, as in online class-incremental continual learning (Singh et al.
    2022): the model sees one class at a time, so a naive learner forgets the others.
    With ``replay > 0`` the learner is Experience Replay (Chaudhry et al. 2019): it keeps
    a reservoir-sampled buffer of ``replay`` past examples and each minibatch is joined by
    as many examples drawn from it, the usual continual learner, for which the order of
    classes matters and revisiting a class helps. Classes may be taught again.

    The outcome of practicing class ``c`` (all a teacher sees) is the model's accuracy
    on the held-out examples of ``c``: ``score`` *before* the pass (how well the learner
    did on the task it was given: test, then train) and ``reward`` *after* it. The
    difference is the learning progress on that class; a class whose score dropped since
    its last visit was forgotten.

    ``measures()``, averaged over learners, on the held-out examples:

    * ``accuracy`` (primary): mean per-class accuracy over all ten classes;
    * ``seen_accuracy``: the same over the classes taught so far (the class-incremental
      "average accuracy");
    * ``auc``: the mean of ``accuracy`` after every pass so far (the normalised area
      under the running-accuracy curve; 0 before any pass);
    * ``forgetting``: mean over taught classes of the drop from the class's best
      accuracy so far to its current one (Chaudhry et al. 2018).

    Args:
        n_learners: independent students, each with its own model and RNG.
        seed: seeds the split and every learner.
        dataset: ``"digits"`` or ``"mnist1d"``.
        model: ``"sgd"`` or ``"mlp"``.
        replay: replay buffer size (0: plain fine-tuning).
        batch_size: new examples per minibatch.
        chunk: examples per pass (None: all of the class's training examples).
        lr: learning rate (default 0.05 for ``sgd``, 0.1 for ``mlp``).
        test_fraction: held-out share of each class.
        tasks_per_step: passes per learner per ``step`` the benchmark harness uses.

    Example:
        >>> sim = ClassIncrementalStudent(n_learners=2, seed=0)
        >>> curve = sim.run_order(["0", "1", "2"])
        >>> curve.shape, bool(curve[-1] > curve[0])
        ((3,), True)

    References:
        Singh, Li, Sikarwar, ..., Kreiman, Zhang (2022). Learning to learn: how to
        continuously teach humans and machines. arXiv:2211.15470 (ICCV 2023).
        Chaudhry et al. (2019). On tiny episodic memories in continual learning.
        arXiv:1902.10486.
        Chaudhry et al. (2018). Riemannian walk for incremental learning. ECCV.
    """

    oracle_type = ClassIncrementalOracle
    primary = "accuracy"
    directions: ClassVar[dict[str, bool]] = {
        "seen_accuracy": True,
        "auc": True,
        "forgetting": False,
    }
    higher_is_better = True

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        dataset: str = "digits",
        model: str = "sgd",
        replay: int = 200,
        batch_size: int = 10,
        chunk: int | None = None,
        lr: float | None = None,
        test_fraction: float = 0.3,
        tasks_per_step: int = 1,
    ) -> None:
        n_learners = check_positive_int("n_learners", n_learners, maximum=1_000_000)
        problems = []
        try:
            check_seed("ClassIncrementalStudent", seed)
        except ValidationError as exc:
            problems.extend(exc.problems)
        if not isinstance(dataset, str) or dataset not in DATASETS:
            problems.append(f"dataset: expected one of {list(DATASETS)}, got {dataset!r}")
        if not isinstance(model, str) or model not in MODELS:
            problems.append(f"model: expected one of {list(MODELS)}, got {model!r}")
        if lr is not None and not (is_real(lr) and 0 < lr < np.inf):
            problems.append(f"lr: expected a positive number or None, got {lr!r}")
        if not (is_real(test_fraction) and 0.05 <= test_fraction <= 0.9):
            problems.append(
                f"test_fraction: expected a number in [0.05, 0.9], got {test_fraction!r}"
            )
        if problems:
            raise ValidationError(_WHERE, problems)
        self.replay = check_positive_int("replay", replay, minimum=0)
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.chunk = None if chunk is None else check_positive_int("chunk", chunk)
        self.tasks_per_step = check_positive_int("tasks_per_step", tasks_per_step, maximum=100_000)
        super().__init__(n_learners, seed=seed)
        self.dataset, self.model = dataset, model
        self.lr = (0.05 if model == "sgd" else 0.1) if lr is None else float(lr)
        self.test_fraction = float(test_fraction)
        self._index = {lid: i for i, lid in enumerate(self.learner_ids.tolist())}
        X, y = load_dataset(dataset)
        self._X, self._y = X, y
        self.classes = [str(c) for c in range(10)]
        self._space = Discrete(self.classes)
        root = np.random.SeedSequence(seed)
        split_seq, *learner_seqs = root.spawn(1 + n_learners)
        self._train, self._test = self._split(np.random.default_rng(split_seq))
        self._test_rows = np.concatenate(self._test)
        self._test_labels = y[self._test_rows]
        self._test_counts = np.bincount(self._test_labels, minlength=10)
        self._learners = [
            _Learner(
                make_model(model, X.shape[1], 10, self.lr, int(s.generate_state(1)[0])),
                np.empty(0, dtype=np.int64),
                0,
                np.random.default_rng(s),
            )
            for s in learner_seqs
        ]
        self._acc = np.array([self._evaluate(lr_) for lr_ in self._learners])  # (n, 10)
        self._best = self._acc.copy()
        self._taught = np.zeros((n_learners, 10), dtype=bool)
        self._curve_sum = np.zeros(n_learners)
        self._passes = 0

    def _split(self, rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
        train, test = [], []
        for c in range(10):
            rows = rng.permutation(np.flatnonzero(self._y == c))
            k = max(1, round(self.test_fraction * len(rows)))
            test.append(np.sort(rows[:k]))
            train.append(np.sort(rows[k:]))
        return train, test

    # -- the Simulator protocol -------------------------------------------------------------------
    @property
    def space(self) -> Discrete:
        """``Discrete`` over the class names ``"0"`` .. ``"9"``."""
        return self._space

    def _evaluate(self, learner: _Learner) -> np.ndarray:
        """Per-class accuracy ``(10,)`` on the held-out examples."""
        pred = learner.model.predict(self._X[self._test_rows])
        hits = np.bincount(self._test_labels, weights=pred == self._test_labels, minlength=10)
        return np.asarray(hits / self._test_counts, dtype=np.float64)

    def _practice(self, learner: _Learner, c: int) -> None:
        """One pass over class ``c``'s training rows, with replay; changes ``learner``.

        Replayed rows are drawn from the buffer as it stood at the start of the pass; the
        pass's rows enter the reservoir after it (so the whole pass is one model call).
        """
        rng = learner.rng
        rows = self._train[c]
        rows = (
            rng.permutation(rows)
            if self.chunk is None
            else rng.choice(rows, size=min(self.chunk, len(rows)), replace=False)
        )
        B = self.batch_size
        batches = [rows[start : start + B] for start in range(0, len(rows), B)]
        buf = learner.buffer
        if self.replay and len(buf):
            batches = [
                rng.permutation(np.concatenate([b, buf[rng.integers(0, len(buf), size=len(b))]]))
                for b in batches
            ]
        learner.model.update_batches(self._X, self._y, batches)
        if self.replay:
            self._reservoir(learner, rows)

    def _reservoir(self, learner: _Learner, rows: np.ndarray) -> None:
        """Reservoir sampling (Vitter's algorithm R): every example offered so far has
        the same chance of being in the buffer."""
        buf = learner.buffer
        free = self.replay - len(buf)
        if free > 0:
            buf = np.concatenate([buf, rows[:free]])
            learner.seen_examples += min(free, len(rows))
            rows = rows[free:]
        if len(rows):
            # The t-th later row replaces slot j ~ U{0 .. seen + t} when j < replay; in
            # sequence, so of two rows drawing the same slot the later one stays.
            highs = learner.seen_examples + 1 + np.arange(len(rows))
            j = learner.rng.integers(0, highs)
            learner.seen_examples += len(rows)
            keep = j < self.replay
            slots, rows = j[keep][::-1], rows[keep][::-1]
            slots, first = np.unique(slots, return_index=True)
            buf = buf.copy()
            buf[slots] = rows[first]
        learner.buffer = buf

    def _check_tasks(self, tasks: Any) -> np.ndarray:
        where = f"{_WHERE}.step"
        arr = np.asarray(tasks)
        if arr.ndim != 2 or arr.shape[0] != self.n_learners or not arr.shape[1]:
            raise ValidationError(
                where,
                [
                    f"tasks: expected encoded classes of shape ({self.n_learners}, k) with k >= 1 "
                    f"(n_learners, tasks per learner), got {arr.shape}"
                ],
            )
        if arr.dtype.kind not in "iu" or not ((arr >= 0) & (arr < 10)).all():
            raise ValidationError(
                where,
                [
                    "tasks: expected integer class indices in [0, 10) "
                    "(encode names with sim.space.encode)"
                ],
            )
        return arr.astype(np.int64)

    def step(self, tasks: np.ndarray) -> EventBatch:
        """Learner i practices classes ``tasks[i, 0], tasks[i, 1], ...`` in order."""
        arr = self._check_tasks(tasks)
        n, k = arr.shape
        before = np.empty((n, k))
        after = np.empty((n, k))
        for j in range(k):
            for i, learner in enumerate(self._learners):
                c = int(arr[i, j])
                before[i, j] = self._acc[i, c]
                self._practice(learner, c)
                acc = self._evaluate(learner)
                self._acc[i] = acc
                after[i, j] = acc[c]
            self._taught[np.arange(n), arr[:, j]] = True
            np.maximum(self._best, self._acc, out=self._best)
            self._curve_sum += self._acc.mean(axis=1)
        times = _T0 + 60.0 * (self._passes + np.arange(k, dtype=np.float64))
        self._passes += k
        return EventBatch.build(
            learner_ids=np.repeat(self.learner_ids, k),
            tasks=arr.ravel(),
            outcomes=OutcomeBatch(score=before.ravel(), reward=after.ravel()),
            times=np.tile(times, n),
            assignment_ids=np.full(n * k, -1, dtype=np.int64),
        )

    def measures(self) -> dict[str, float]:
        taught = self._taught
        n_taught = taught.sum(axis=1)
        seen = np.where(
            n_taught > 0, (self._acc * taught).sum(axis=1) / np.maximum(n_taught, 1), 0.0
        )
        drop = np.where(
            n_taught > 0,
            ((self._best - self._acc) * taught).sum(axis=1) / np.maximum(n_taught, 1),
            0.0,
        )
        return {
            "accuracy": float(self._acc.mean()),
            "seen_accuracy": float(seen.mean()),
            "auc": float(self._curve_sum.mean() / self._passes) if self._passes else 0.0,
            "forgetting": float(drop.mean()),
        }

    def truth(self) -> dict[str, np.ndarray]:
        """Copies of ``accuracy`` (per learner and class, held out), ``best`` (the best so
        far) and ``taught`` (classes practiced at least once)."""
        return {
            "accuracy": self._acc.copy(),
            "best": self._best.copy(),
            "taught": self._taught.copy(),
        }

    def learner_index(self, learner_id: str) -> int:
        """The row of ``learner_id``; a ValidationError for an id this population lacks."""
        try:
            return self._index[learner_id]
        except (KeyError, TypeError):
            raise ValidationError(
                _WHERE,
                [
                    f"learner {learner_id!r}: expected one of this simulator's learners "
                    f"'s0' .. 's{self.n_learners - 1}'"
                ],
            ) from None

    def _twin(self, i: int) -> _Learner:
        """A copy of learner ``i`` (model, buffer and RNG): practicing it gives exactly
        what practicing the learner would. For oracles."""
        return self._learners[i].copy()

    def _lookahead(self, learner: _Learner, classes: Sequence[int]) -> np.ndarray:
        """Held-out per-class accuracy ``(len(classes), 10)`` that ``learner`` would have
        after practicing each class next (on copies; ``learner`` is unchanged)."""
        out = np.empty((len(classes), 10))
        for row, c in enumerate(classes):
            twin = learner.copy()
            self._practice(twin, int(c))
            out[row] = self._evaluate(twin)
        return out

    def run_order(self, order: Sequence[str | int]) -> np.ndarray:
        """Teach every learner the classes in ``order`` (names or indices), one pass each;
        return the running ``accuracy`` after each pass, averaged over learners."""
        if isinstance(order, str) or not is_sequence(order) or not len(order):
            raise ValidationError(
                f"{_WHERE}.run_order",
                [f"order: expected a non-empty list of class names, got {order!r}"],
            )
        names = [str(c) for c in order]
        encoded = self._space.encode(names)
        curve = np.empty(len(encoded))
        for j, c in enumerate(encoded):
            self.step(np.full((self.n_learners, 1), c, dtype=np.int64))
            curve[j] = self._acc.mean()
        return curve
