"""Continuous teachers on GridToyStudent, the toy space of Portelas et al. (2019).

    PYTHONPATH=. python benchmarks/teachers/bench_continuous.py gridtoy [--quick] [--seeds 16]

Every seed is one student (one learner of a vectorized simulator) with its own teacher
seeded alike across teachers (paired seeds). Each step a teacher proposes
``TASKS_PER_STEP`` episodes for its student. The measure is the paper's score, % of the
cells mastered (competence > 75), recorded every 1,000 episodes. Variants: the plain
2-D space, the same with irrelevant extra dimensions, and with unlearnable cells.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

import teachkit as tk
from teachkit.simulators import GridToyStudent

TASKS_PER_STEP = 10
TEACHERS = ["Uniform", "ALP-GMM", "RIAC", "Covar-GMM", "ADR", "Oracle"]
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "2d": ("2-D", {"dims": 2}),
    "irrelevant": ("2-D + 3 irrelevant dims", {"dims": 2, "irrelevant_dims": 3}),
    "irrelevant2": ("2-D + 2 irrelevant dims", {"dims": 2, "irrelevant_dims": 2}),
    "unlearnable": ("2-D, 20% unlearnable cells", {"dims": 2, "unlearnable": 0.2}),
}


def make_teacher(name: str, space: tk.spaces.Box, seed: int, sim: GridToyStudent) -> Any:
    if name == "Uniform":
        return tk.teachers.Uniform(space, seed=seed)
    if name == "ALP-GMM":
        return tk.teachers.ALPGMM.preset("portelas2019", space, seed=seed)
    if name == "ALP-GMM (default)":  # the paper's settings plus the success-band prior
        return tk.teachers.ALPGMM(space, seed=seed)
    if name == "ALP-GMM (TeachMyAgent preset)":
        return tk.teachers.ALPGMM.preset("teachmyagent", space, seed=seed)
    if name == "RIAC":
        return tk.teachers.RIAC.preset("portelas2019", space, seed=seed)
    if name == "Covar-GMM":
        return tk.teachers.CovarGMM.preset("portelas2019", space, seed=seed)
    if name == "ADR":
        # Expert knowledge ADR needs: start at the origin cell (the one learnable from
        # scratch); widen a boundary whose cells are half learned, narrow one that is
        # locked (reward 0). Steps of half a cell.
        return tk.teachers.ADR(
            space,
            initial=[0.0] * space.dim,
            step_size=0.05,
            boundary_prob=0.5,
            buffer_size=10,
            threshold_low=0.0,
            threshold_high=0.5,
            seed=seed,
        )
    if name == "Oracle":
        return sim.oracle(seed=seed)
    raise KeyError(name)


def mastered_per_learner(sim: GridToyStudent) -> np.ndarray:
    comp = sim.truth()["competence"]
    return 100.0 * (comp.reshape(len(comp), -1) > 75).mean(axis=1)


def run_teacher(
    name: str, params: dict[str, Any], seeds: int, episodes: int, every: int
) -> np.ndarray:
    """``(seeds, episodes // every)`` % mastered curves."""
    sim = GridToyStudent(seeds, seed=0, tasks_per_step=TASKS_PER_STEP, **params)
    space = sim.space
    assert isinstance(space, tk.spaces.Box)
    lids = sim.learner_ids.tolist()
    if name == "Oracle":
        oracle = make_teacher(name, space, 0, sim)
        teachers = [oracle] * seeds
    else:
        teachers = [make_teacher(name, space, s, sim) for s in range(seeds)]
    curve = []
    for step in range(episodes // TASKS_PER_STEP):
        tasks = np.stack([t.ask_encoded(lid, TASKS_PER_STEP) for t, lid in zip(teachers, lids)])
        batch = sim.step(tasks)
        if name == "Oracle":
            oracle.tell(batch)
        else:
            k = TASKS_PER_STEP
            for i, t in enumerate(teachers):  # the batch is learner-major
                t.tell(batch.take(np.arange(i * k, (i + 1) * k)))
        done = (step + 1) * TASKS_PER_STEP
        if done % every == 0:
            curve.append(mastered_per_learner(sim))
    return np.array(curve).T


def run(
    quick: bool,
    seeds: int | None,
    episodes: int | None,
    variants: list[str] | None = None,
    teachers: list[str] | None = None,
) -> list[dict[str, Any]]:
    n_seeds = seeds or (3 if quick else 16)
    n_episodes = episodes or (3000 if quick else 20000)
    every = 1000
    rows: list[dict[str, Any]] = []
    for key in variants or list(VARIANTS):
        variant, params = VARIANTS[key]
        print(f"\n{variant}: {n_seeds} seeds x {n_episodes} episodes", flush=True)
        finals: dict[str, np.ndarray] = {}
        names = teachers or TEACHERS
        for base in ("Uniform", "Oracle"):  # every comparison needs them
            if base not in names:
                names = [base, *names] if base == "Uniform" else [*names, base]
        for name in names:
            start = time.time()
            curves = run_teacher(name, params, n_seeds, n_episodes, every)
            final = curves[:, -1]
            finals[name] = final
            rows.append(
                {
                    "variant": variant,
                    "teacher": name,
                    "seeds": n_seeds,
                    "episodes": n_episodes,
                    "curve_every": every,
                    "mean_curve": curves.mean(axis=0).tolist(),
                    "sem_curve": (curves.std(axis=0, ddof=1) / np.sqrt(n_seeds)).tolist()
                    if n_seeds > 1
                    else [0.0] * curves.shape[1],
                    "final_mean": float(final.mean()),
                    "per_seed_final": final.tolist(),
                    "seconds": round(time.time() - start, 1),
                }
            )
            print(
                f"  {name:<10} % mastered at {n_episodes}: {final.mean():6.2f}  "
                f"({rows[-1]['seconds']} s)",
                flush=True,
            )
        uni, ora = finals["Uniform"].mean(), finals["Oracle"].mean()
        for r in rows:
            if r["variant"] != variant:
                continue
            diff = np.array(r["per_seed_final"]) - finals["Uniform"]
            r["x_uniform"] = float(r["final_mean"] / uni) if uni > 0 else float("inf")
            r["share_of_oracle"] = float(r["final_mean"] / ora) if ora > 0 else float("nan")
            r["paired_diff_vs_uniform"] = float(diff.mean())
            r["wins_vs_uniform"] = int((diff > 0).sum())
    return rows
