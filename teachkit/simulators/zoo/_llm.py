"""The LLM-like family of the zoo: CategoryStudent populations of many shapes.

Every member is one model in GRPO post-training (``n_learners=1``; the paired benchmark
seed draws the model's spread and its rollouts) on prompt categories whose structure is
drawn from the member's own seed, over wide ranges:

* 4 to 12 difficulty levels; at the start the easiest is solved 45% to 85% of the time
  and the hardest 0.5% to 10% (as in SEC's and DUMP's settings: a curriculum matters
  only when some levels are out of reach at first), the levels evenly spaced in logits;
* groups of 4, 8 or 16 rollouts per prompt, 16 prompts a step;
* transfer to the next harder level 0.2 to 0.7 (and back 0 to 0.3), learn rates 0.6 to 2;
* prompt noise (difficulty spread within a category) 0.3 to 2 logits;
* kinds: ``ladder`` (difficulty rises with the level), ``noisy`` (high prompt noise,
  small groups), ``drift`` (a random walk of every category and forgetting),
  ``shuffled`` (difficulty not monotone in the listed order: random offsets up to 1.5
  levels), ``wide`` (10 to 12 levels, weak transfer).

The measure is ``steps_to_target``: the step at which the mean accuracy over every level
first reaches ``target``; a run that never does counts as the budget + 1. The target is
the accuracy a pilot model (seeded apart from the benchmark's) reaches after 250 steps of
uniform sampling (at most 0.85: near saturation the first crossing is noise), and the
budget is 500 steps, so Uniform needs about half the budget on
every member whatever its structure (a fixed target would be reached in ten steps on some
members and never on others, and tell teachers apart on neither).

Split: ``tune`` holds seeds 0-3 of ``ladder``, ``noisy`` and ``drift``; ``heldout`` holds
seeds 100-101 of those three kinds (fresh structures) and seeds 100-102 of ``shuffled``
and ``wide`` (kinds never tuned on).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import numpy as np

from teachkit.simulators.zoo import ZooMember

KINDS = {"tune": ("ladder", "noisy", "drift"), "heldout": ("shuffled", "wide")}
_TUNE_SEEDS = range(4)
_HELDOUT_SEEDS = range(100, 102)
_NEW_KIND_SEEDS = range(100, 103)
_PILOT_STEPS = 250
_TARGET_CAP = 0.85  # near saturation the first crossing is noise: cap the target there


def _draw(kind: str, seed: int) -> tuple[dict[str, Any], int]:
    """The CategoryStudent parameters of one member, and its step budget."""
    params, steps = _drawn(kind, seed)
    return copy.deepcopy(params), steps


@functools.cache
def _drawn(kind: str, seed: int) -> tuple[dict[str, Any], int]:  # the pilot run costs ~20 ms
    rng = np.random.default_rng([13, seed, len(kind), sum(map(ord, kind))])
    n_levels = int(rng.integers(4, 13))
    group = int(rng.choice([4, 8, 16]))
    spread = float(rng.uniform(0.3, 1.5))
    drift = 0.0
    forgetting = 0.0
    transfer_up = float(rng.uniform(0.2, 0.7))
    offsets: list[float] | None = None
    p0 = float(rng.uniform(0.45, 0.85))
    p_last = float(rng.uniform(0.005, 0.1))  # the hardest level: hardly ever solved at first
    gap = (_logit(p0) - _logit(p_last)) / (n_levels - 1)
    if kind == "noisy":
        spread = float(rng.uniform(1.2, 2.0))
        group = int(rng.choice([4, 8]))
    elif kind == "drift":
        drift = float(rng.uniform(0.01, 0.05))
        forgetting = float(rng.uniform(0.0, 0.003))
    elif kind == "shuffled":
        offsets = [round(float(x), 3) for x in rng.uniform(-1.5, 1.5, n_levels) * gap]
    elif kind == "wide":  # more levels, weaker transfer: the same span, finer steps
        more = int(rng.integers(10, 13))
        gap = gap * (n_levels - 1) / (more - 1)
        n_levels = more
        transfer_up = float(rng.uniform(0.1, 0.3))
    params: dict[str, Any] = {
        "preset": "sec",
        "n_levels": n_levels,
        "n_ood": 0,
        "group_size": group,
        "batch_size": 16,
        "initial_accuracy": round(p0, 3),
        "level_gap": round(gap, 3),
        "learn_rate": round(float(rng.uniform(0.6, 2.0)), 3),
        "transfer_up": round(transfer_up, 3),
        "transfer_down": round(float(rng.uniform(0.0, 0.3)), 3),
        "prompt_spread": round(spread, 3),
        "drift": round(drift, 4),
        "forgetting": round(forgetting, 4),
    }
    if offsets is not None:
        params["level_offsets"] = offsets
    params["target"] = _pilot_target(params, seed)
    return params, 2 * _PILOT_STEPS


def _pilot_target(params: dict[str, Any], seed: int) -> float:
    """The mean accuracy a pilot model (not one of the benchmark's) reaches after
    ``_PILOT_STEPS`` steps of uniform sampling: so Uniform needs about half the budget."""
    from teachkit.simulators._category import CategoryStudent

    sim = CategoryStudent(1, seed=10_000 + seed, **params)
    rng = np.random.default_rng(seed)
    for _ in range(_PILOT_STEPS):
        sim.step(rng.integers(0, sim.space.n, (1, sim.tasks_per_step)))
    return round(min(float(sim.measures()["test_accuracy"]), _TARGET_CAP), 3)


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def members(split: str) -> list[ZooMember]:
    """The LLM-like members of ``split`` (``"tune"`` or ``"heldout"``), in a fixed order."""
    plan: list[tuple[str, int]] = []
    if split == "tune":
        plan = [(k, s) for k in KINDS["tune"] for s in _TUNE_SEEDS]
    else:
        plan = [(k, s) for k in KINDS["tune"] for s in _HELDOUT_SEEDS]
        plan += [(k, s) for k in KINDS["heldout"] for s in _NEW_KIND_SEEDS]
    out = []
    for kind, seed in plan:
        params, steps = _draw(kind, seed)
        out.append(
            ZooMember(
                family="llm",
                kind=kind,
                split=split,
                seed=seed,
                simulator="category",
                params=params,
                n_learners=1,
                steps=steps,
                eval_every=steps,
                measure="steps_to_target",
            )
        )
    return out
