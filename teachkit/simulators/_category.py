"""CategoryStudent: a language model in RL post-training, learning prompt categories."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._component import Component
from teachkit._validation import Checker, check_seed
from teachkit.simulators._base import Simulator
from teachkit.simulators._category_dynamics import GROUP_EPS, expected_accuracy
from teachkit.simulators._category_oracle import CategoryOracle
from teachkit.simulators._common import T0, check_tasks, sigmoid
from teachkit.spaces import Discrete

# Presets: the settings of the two papers (see the class docstring).
PRESETS: dict[str, dict[str, Any]] = {
    "sec": {
        "n_levels": 3,
        "group_size": 8,
        "batch_size": 16,
        "initial_accuracy": 0.45,
        "level_gap": 1.5,
        "learn_rate": 0.5,
    },
    "dump": {
        "n_levels": 12,
        "group_size": 8,
        "batch_size": 32,
        "initial_accuracy": 0.75,
        "level_gap": 0.9,
        "learn_rate": 1.5,
    },
}


REPORTS = ("groups", "score")


def level_names(preset: str, n_levels: int, n_ood: int) -> list[str]:
    total = n_levels + n_ood
    if preset == "dump":  # Knights-and-Knaves puzzles with 3, 4, ... people
        return [f"kk{k + 3}" for k in range(total)]
    if preset == "sec" and n_levels == 3:
        return ["easy", "medium", "hard", *[f"ood{j + 1}" for j in range(n_ood)]]
    return [f"level{k + 1}" for k in range(total)]


def source_names(preset: str, n_sources: int) -> list[str]:
    if preset == "sec" and n_sources == 3:  # SEC's three reasoning domains
        return ["countdown", "zebra", "arc"]
    return [f"source{s + 1}" for s in range(n_sources)]


def _check_offsets(check: Checker, offsets: Any, total: int) -> np.ndarray:
    """The per-level difficulty offsets as an array (zeros for None); problems go to check."""
    if offsets is None:
        return np.zeros(total)
    try:
        out = np.asarray(offsets, dtype=np.float64)
    except (TypeError, ValueError):
        out = np.zeros(0)
    if out.shape != (total,) or not np.isfinite(out).all():
        check.problems.append(
            f"level_offsets: expected {total} finite numbers (n_levels + n_ood), got "
            f"{offsets!r}; give one difficulty offset per level, held-out ones included"
        )
        return np.zeros(total)
    return out


class CategoryStudent(Simulator, Component):
    """A language model fine-tuned by GRPO on prompt categories of rising difficulty.

    A category is a difficulty level of a source (one source by default); ``n_ood``
    harder levels per source beyond the trainable ones are held out for testing. Model
    ``l`` has a logit ``c_lj`` per category; a prompt of category ``j`` has its own
    difficulty offset ``z ~ N(0, prompt_spread)`` and is solved by each rollout with
    ``p = sigmoid(c_lj + z)``. Initially, for level ``k`` of source ``s``,
    ``c = logit(initial_accuracy) - level_gap k - source_gap s + N(0, learner_spread)``
    (the noise drawn once per model).

    One :meth:`step` is one GRPO update on a batch of ``batch_size`` prompts: each prompt
    is answered by ``group_size`` (G) rollouts with binary rewards; its learning signal is
    the group's reward variance ``u = rbar (1 - rbar)`` (zero for a group that is all right
    or all wrong, exactly the groups whose GRPO advantages vanish). Then, for every
    category ``i`` (held-out ones included)::

        c_i += learn_rate / B * sum_b u_b gate(j_b) T(i, j_b)
        gate(j) = gate_floor + (1 - gate_floor) min(1, acc(level below j) / solid)
                  (1 on a source's first level)
        T(i, j) = L(level_i - level_j) * (1 if same source else transfer_across)
        L(0) = 1, L(d) = transfer_up^d (d > 0), transfer_down^-d (d < 0)

    so practice at the frontier (about 50% success) teaches most, practice on far-too-hard
    levels teaches nothing (no variance), a level is learned only once the level below
    is solid (``acc >= solid``), and learning a level lifts the next. Before the update,
    ``forgetting`` pulls every logit back toward its initial value
    (``c = c0 + (1 - forgetting)(c - c0)``) and ``drift`` adds a random walk
    ``N(0, drift^2)`` per category (non-stationary difficulty).

    Events, one per prompt: ``rewards`` (G binary), ``advantages``
    ``(r - rbar) / (std + 1e-6)``, ``reward = rbar``, ``success = rbar >= 0.5``; with
    ``report="score"`` only ``score = rbar`` (a trainer that logs each prompt's pass rate
    and nothing else: outcome-only events).

    Measures (means over models): ``test_accuracy`` (primary), the expected accuracy on
    a test mix with every category, held-out ones included, weighted equally;
    ``accuracy`` on the trainable ones; ``ood_accuracy`` on the held-out ones;
    ``acc_<category>`` each; ``zero_variance``, the fraction of groups so far whose
    rewards were all equal (wasted rollouts); ``steps_to_target``, the mean step at which
    ``test_accuracy`` first reached ``target`` among the models that did (NaN while none
    has), and ``reached_target``, the fraction that did.

    Presets (the settings of the two papers, in this model's terms; the numbers are
    ours, chosen so the base model starts as the papers describe: fair on the easiest
    level, near zero on the hardest):

    * ``"sec"``: Self-Evolving Curriculum (Chen et al. 2025): 3 difficulty levels
      (easy/medium/hard, as its Countdown, Zebra and ARC-1D splits) plus a harder
      out-of-distribution level held out for testing, as in its OOD evaluation;
      G = 8, 16 prompts a step; the base model solves 46% / 19% / 6% of the
      prompts (1.4% held out).
      ``n_sources=3`` gives its multi-domain setting (``countdown/easy`` ..
      ``arc/hard``).
    * ``"dump"``: DUMP (Wang et al. 2025): 12 distributions of Knights-and-Knaves
      puzzles with 3 to 14 people (levels ``kk3`` .. ``kk14``) and ``kk15`` held out;
      G = 8, 32 prompts a step; each extra person is 0.9 logits harder, so the base
      model solves 71% of 3-people puzzles, 21% with 6, 2% with 9 and almost none
      from 12 on.

    Args:
        n_learners: number of independent models.
        seed: seeds the models' spread and every rollout.
        preset: ``"sec"`` or ``"dump"``; the arguments below left as None take its values.
        n_levels, group_size, batch_size, initial_accuracy, level_gap, learn_rate: see above.
        n_ood: held-out harder levels per source.
        n_sources, source_gap, transfer_across: several sources (domains) of levels.
        prompt_spread: standard deviation of prompt difficulty within a category (logits).
        learner_spread: spread of the models' initial logits.
        transfer_up, transfer_down: transfer to harder and to easier levels.
        solid, gate_floor: the prerequisite gate.
        forgetting: per-step pull back to the initial logits.
        drift: per-step random-walk scale of every logit.
        target: the ``test_accuracy`` that ``steps_to_target`` waits for.
        level_offsets: extra difficulty (logits) of each level, ``n_levels + n_ood``
            numbers (None: 0): with them difficulty need not rise with the level, so a
            teacher cannot assume the listed order is the order to teach in.
        report: ``"groups"`` (rollout rewards and advantages) or ``"score"`` (pass rate only).

    Example:
        >>> import teachkit as tk
        >>> sim = tk.simulators.CategoryStudent(seed=0, preset="sec")
        >>> sim.space.names
        ('easy', 'medium', 'hard')
        >>> batch = sim.step(np.zeros((1, sim.tasks_per_step), dtype=np.int64))
        >>> len(batch), batch.rewards[0].shape
        (16, (8,))

    References:
        Chen et al. (2025). Self-Evolving Curriculum for LLM Reasoning. arXiv:2505.14970.
        Wang et al. (2025). DUMP: Automated Distribution-Level Curriculum Learning for
        RL-based LLM Post-training. arXiv:2504.09710.
        Shao et al. (2024). DeepSeekMath (GRPO's group-normalized advantages).
    """

    oracle_type = CategoryOracle
    primary: ClassVar[str] = "test_accuracy"
    directions: ClassVar[dict[str, bool]] = {
        "accuracy": True,
        "ood_accuracy": True,
        "zero_variance": False,
        "steps_to_target": False,
        "reached_target": True,
    }
    higher_is_better: ClassVar[bool] = True
    _derived: ClassVar[tuple[str, ...]] = (
        "_space",
        "_names",
        "_ids_rep",
        "_cfg",
        "_version",
        "_transfer",
        "_below",
    )

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        preset: str = "sec",
        n_levels: int | None = None,
        group_size: int | None = None,
        batch_size: int | None = None,
        initial_accuracy: float | None = None,
        level_gap: float | None = None,
        learn_rate: float | None = None,
        n_ood: int = 1,
        n_sources: int = 1,
        source_gap: float = 0.5,
        transfer_across: float = 0.2,
        prompt_spread: float = 1.0,
        learner_spread: float = 0.25,
        transfer_up: float = 0.5,
        transfer_down: float = 0.1,
        solid: float = 0.5,
        gate_floor: float = 0.05,
        forgetting: float = 0.0,
        drift: float = 0.0,
        target: float = 0.5,
        level_offsets: tuple[float, ...] | None = None,
        report: str = "groups",
    ) -> None:
        check = Checker("CategoryStudent")
        check.integer("n_learners", n_learners, 1, 1_000_000)
        check_seed("CategoryStudent", seed)
        check.choice("preset", preset, tuple(PRESETS))
        base = PRESETS.get(preset if isinstance(preset, str) else "sec", PRESETS["sec"])
        given = {
            "n_levels": n_levels,
            "group_size": group_size,
            "batch_size": batch_size,
            "initial_accuracy": initial_accuracy,
            "level_gap": level_gap,
            "learn_rate": learn_rate,
        }
        cfg = {k: base[k] if v is None else v for k, v in given.items()}
        check.integer("n_levels", cfg["n_levels"], 1, 1000)
        check.integer("group_size", cfg["group_size"], 2, 4096)
        check.integer("batch_size", cfg["batch_size"], 1, 100_000)
        check.number("initial_accuracy", cfg["initial_accuracy"], 1e-4, 1 - 1e-4)
        check.number("level_gap", cfg["level_gap"], 0.0, 20.0)
        check.number("learn_rate", cfg["learn_rate"], 0.0, 100.0)
        check.integer("n_ood", n_ood, 0, 100)
        check.integer("n_sources", n_sources, 1, 100)
        check.number("source_gap", source_gap, -20.0, 20.0)
        check.number("transfer_across", transfer_across, 0.0, 1.0)
        check.number("prompt_spread", prompt_spread, 0.0, 10.0)
        check.number("learner_spread", learner_spread, 0.0, 10.0)
        check.number("transfer_up", transfer_up, 0.0, 1.0)
        check.number("transfer_down", transfer_down, 0.0, 1.0)
        check.number("solid", solid, 1e-3, 1.0)
        check.number("gate_floor", gate_floor, 0.0, 1.0)
        check.number("forgetting", forgetting, 0.0, 1.0)
        check.number("drift", drift, 0.0, 10.0)
        check.number("target", target, 0.0, 1.0)
        check.choice("report", report, REPORTS)
        total_levels = int(cfg["n_levels"]) + n_ood if isinstance(cfg["n_levels"], int) else 0
        offsets = _check_offsets(check, level_offsets, total_levels)
        check.done()
        super().__init__(n_learners, seed=seed)
        self.preset = preset
        self.n_levels = n_levels
        self.group_size = group_size
        self.batch_size = batch_size
        self.initial_accuracy = initial_accuracy
        self.level_gap = level_gap
        self.learn_rate = learn_rate
        self.n_ood = n_ood
        self.n_sources = n_sources
        self.source_gap = source_gap
        self.transfer_across = transfer_across
        self.prompt_spread = prompt_spread
        self.learner_spread = learner_spread
        self.transfer_up = transfer_up
        self.transfer_down = transfer_down
        self.solid = solid
        self.gate_floor = gate_floor
        self.forgetting = forgetting
        self.drift = drift
        self.target = target
        self.level_offsets = level_offsets
        self.report = report

        self._cfg = cfg
        k, o, n_src = int(cfg["n_levels"]), n_ood, n_sources
        self.tasks_per_step = int(cfg["batch_size"])
        # Columns: the trainable categories (source-major, = the space's order), then the
        # held-out ones (source-major).
        level = np.concatenate([np.tile(np.arange(k), n_src), np.tile(np.arange(k, k + o), n_src)])
        source = np.concatenate([np.repeat(np.arange(n_src), k), np.repeat(np.arange(n_src), o)])
        lv_names = level_names(preset, k, o)
        src_names = source_names(preset, n_src)
        self._names = [
            lv_names[lv] if n_src == 1 else f"{src_names[sc]}/{lv_names[lv]}"
            for lv, sc in zip(level.tolist(), source.tolist())
        ]
        n_train = k * n_src
        self._space = Discrete(self._names[:n_train])
        self._ids_rep = np.repeat(self.learner_ids, self.tasks_per_step)
        self._ids_rep.setflags(write=False)  # shared by every batch this simulator returns
        self._version = 0
        d = level[:, None] - level[None, :n_train]
        lift = np.where(d >= 0, transfer_up ** np.maximum(d, 0), transfer_down ** np.maximum(-d, 0))
        same = source[:, None] == source[None, :n_train]
        self._transfer = lift * np.where(same, 1.0, transfer_across)
        # The column of the level below each trainable category (-1 on a first level).
        self._below = np.where(level[:n_train] > 0, np.arange(n_train) - 1, -1)

        rng = np.random.default_rng(seed)
        p0 = float(cfg["initial_accuracy"])
        base_logit = np.log(p0 / (1.0 - p0)) - float(cfg["level_gap"]) * level - source_gap * source
        base_logit = base_logit - offsets[level]
        self._c0 = base_logit[None, :] + rng.normal(0.0, learner_spread + 0.0, (self.n_learners, 1))
        self._c = self._c0.copy()
        self._steps = 0
        self._groups = 0
        self._zero_groups = 0
        self._target_at = np.full(self.n_learners, np.nan)
        self._rng = rng

    # -- the model ------------------------------------------------------------------------------
    @property
    def space(self) -> Discrete:
        return self._space

    @property
    def levels(self) -> list[str]:
        """Every category's name: the trainable ones (the space), then the held-out ones."""
        return list(self._names)

    def transfer(self) -> np.ndarray:
        """``T[i, j]``: how much a unit of learning on trainable category j moves category i."""
        return self._transfer.copy()

    def gates(self, logits: np.ndarray) -> np.ndarray:
        """Readiness of each trainable category, ``(n, n_trainable)``, from the level below."""
        below = self._below
        acc = expected_accuracy(logits[:, np.maximum(below, 0)], self.prompt_spread)
        g = self.gate_floor + (1.0 - self.gate_floor) * np.minimum(1.0, acc / self.solid)
        out: np.ndarray = np.where(below >= 0, g, 1.0)
        return out

    def step(self, tasks: np.ndarray) -> EventBatch:
        n, b, big_g = self.n_learners, self.tasks_per_step, int(self._cfg["group_size"])
        tasks = check_tasks("CategoryStudent.step", tasks, n, b, self._space.n)
        rng = self._rng
        if self.forgetting > 0:
            self._c = self._c0 + (1.0 - self.forgetting) * (self._c - self._c0)
        if self.drift > 0:
            self._c = self._c + rng.normal(0.0, self.drift + 0.0, self._c.shape)
        rows = np.arange(n)[:, None]
        z = rng.normal(0.0, self.prompt_spread + 0.0, (n, b))
        p = sigmoid(self._c[rows, tasks] + z)
        rewards = (rng.random((n, b, big_g)) < p[:, :, None]).astype(np.float64)
        mean = rewards.mean(axis=2)
        std = rewards.std(axis=2)
        adv = (rewards - mean[:, :, None]) / (std[:, :, None] + GROUP_EPS)
        u = mean * (1.0 - mean)  # the group's reward variance
        # Learning: per-category signal, gated, spread over categories by the transfer.
        signal = np.zeros((n, self._space.n))
        np.add.at(signal, (np.repeat(np.arange(n), b), tasks.ravel()), u.ravel())
        signal *= self.gates(self._c)
        self._c = self._c + float(self._cfg["learn_rate"]) / b * signal @ self._transfer.T
        self._steps += 1
        self._groups += n * b
        self._zero_groups += int((std == 0).sum())
        todo = np.isnan(self._target_at)
        if todo.any():
            reached = self._test_accuracy(self._c[todo]) >= self.target
            self._target_at[np.flatnonzero(todo)[reached]] = self._steps
        self._version += 1
        flat_mean = mean.ravel()
        if self.report == "score":
            outcomes = OutcomeBatch(score=flat_mean)
        else:
            outcomes = OutcomeBatch(
                reward=flat_mean,
                success=(flat_mean >= 0.5).astype(np.float64),
                rewards=rewards.reshape(n * b, big_g),
                advantages=adv.reshape(n * b, big_g),
            )
        return EventBatch.build(
            learner_ids=self._ids_rep,
            tasks=tasks.ravel().copy(),
            outcomes=outcomes,
            times=np.full(n * b, T0 + 60.0 * self._steps),
            assignment_ids=np.full(n * b, -1, dtype=np.int64),
        )

    def _test_accuracy(self, logits: np.ndarray) -> np.ndarray:
        out: np.ndarray = expected_accuracy(logits, self.prompt_spread).mean(axis=1)
        return out

    def measures(self) -> dict[str, float]:
        n_train = self._space.n
        acc = expected_accuracy(self._c, self.prompt_spread)  # (n, categories)
        out = {
            "test_accuracy": float(acc.mean()),
            "accuracy": float(acc[:, :n_train].mean()),
            "ood_accuracy": float(acc[:, n_train:].mean()) if self.n_ood else np.nan,
        }
        out.update({f"acc_{name}": float(acc[:, j].mean()) for j, name in enumerate(self._names)})
        done = ~np.isnan(self._target_at)
        out["zero_variance"] = self._zero_groups / self._groups if self._groups else np.nan
        out["steps_to_target"] = float(self._target_at[done].mean()) if done.any() else np.nan
        out["reached_target"] = float(done.mean())
        return out

    def truth(self, learners: Any = None) -> dict[str, Any]:
        """The hidden state: ``logits`` ``(n, categories)`` (held-out ones last, in the
        order of :attr:`levels`), the initial logits, the model's constants and ``steps``."""
        idx = slice(None) if learners is None else np.asarray(learners)
        return {
            "logits": self._c[idx].copy(),
            "initial_logits": self._c0[idx].copy(),
            "n_trainable": self._space.n,
            "group_size": int(self._cfg["group_size"]),
            "learn_rate": float(self._cfg["learn_rate"]),
            "prompt_spread": self.prompt_spread,
            "transfer": self.transfer(),
            "steps": self._steps,
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._version += 1
