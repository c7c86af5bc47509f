"""Ask+tell latency of the people teachers in the class setting, refits included.

    PYTHONPATH=. nice -n 10 python benchmarks/teachers/latency_people.py [--repeats 3]

One teacher serves a class (each step every learner asks once, then the step's outcomes
are told as one batch); the time per ask+tell is the wall time of the whole run divided
by the number of answers, so population refits are amortized over the run as they are
in use. Also reports the slowest single tell (the step with the largest refit). Run it
under two checkouts (``PYTHONPATH=<old>`` and ``PYTHONPATH=.``) in the same session to
compare; the teachers are built with their defaults (``--engine`` swaps the EM engine of
their population BKT, e.g. ``auto`` for numba's compiled EM when it is installed).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

import teachkit as tk

SETTINGS: dict[str, tuple[str, dict[str, Any], int, int]] = {
    # label: (simulator, params, learners, steps)
    "skill_graph arithmetic, 16 learners": ("SkillGraphStudent", {}, 16, 200),
    "skill_graph random 40x5, 16 learners": (
        "SkillGraphStudent",
        {"preset": "random", "n_skills": 40, "items_per_skill": 5},
        16,
        200,
    ),
    "bkt_student 20 skills, 40 learners": ("BKTStudent", {"n_skills": 20}, 40, 120),
}


def one(
    teacher_name: str,
    sim_name: str,
    params: dict[str, Any],
    n: int,
    steps: int,
    engine: str | None = None,
) -> tuple[float, float]:
    sim = getattr(tk.simulators, sim_name)(n, seed=0, **params)
    extra: dict[str, Any] = {}
    if engine is not None:  # the default population model, with another EM engine
        extra["learner_model"] = tk.learners.BKT(
            sim.space, forgets=True, refit=200, restarts=3, engine=engine, seed=0
        )
    teacher = getattr(tk.teachers, teacher_name)(sim.space, seed=0, **extra)
    worst = 0.0
    start = time.perf_counter()
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid) for lid in sim.learner_ids])
        batch = sim.step(tasks)
        t = time.perf_counter()
        teacher.tell(batch)
        worst = max(worst, time.perf_counter() - t)
    total = time.perf_counter() - start
    return 1e3 * total / (n * steps), 1e3 * worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--teachers", default="Tutor,MasteryLearning")
    parser.add_argument(
        "--engine",
        choices=["numpy", "numba", "auto"],
        default=None,
        help="the teachers' population BKT with this EM engine (default: the teacher's own); "
        "a first untimed run loads or compiles the compiled EM",
    )
    args = parser.parse_args()
    if args.engine in ("numba", "auto"):
        name, (sim, params, n, steps) = "MasteryLearning", next(iter(SETTINGS.values()))
        one(name, sim, params, n, steps, args.engine)
    for label, (sim, params, n, steps) in SETTINGS.items():
        if not hasattr(tk.simulators, sim):
            print(f"{label} | (no {sim} in this checkout)")
            continue
        for name in args.teachers.split(","):
            runs = [one(name, sim, params, n, steps, args.engine) for _ in range(args.repeats)]
            per = min(r[0] for r in runs)
            worst = max(r[1] for r in runs)
            print(f"{label} | {name} | {per:.3f} ms per ask+tell (best of {args.repeats}) "
                  f"| slowest tell {worst:.1f} ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
