"""People simulators: speed of SkillGraphStudent / CategoryStudent, and oracle vs Uniform.

    python benchmarks/simulators/bench_simulators.py            # everything (a few minutes)
    python benchmarks/simulators/bench_simulators.py --quick    # small sizes, a smoke test

Speed target (issue 3): SkillGraphStudent with 10,000 learners x 200 practice steps in
<= 10 s, tasks drawn uniformly (straight from a generator, so the time is the simulator's).
Quality: the oracle teacher against Uniform over paired seeds (same simulator seed for
both), mean and 95% CI of the paired difference of the primary measure.

Prints a table and writes JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

import teachkit as tk
from teachkit.simulators import CategoryStudent, Simulator, SkillGraphStudent

RESULTS: list[dict[str, Any]] = []


def report(name: str, value: float, unit: str, target: str = "", **extra: Any) -> None:
    RESULTS.append({"name": name, "value": value, "unit": unit, "target": target, **extra})
    print(f"{name:<64} {value:>10.3f} {unit:<10} {target}", flush=True)


def speed_skill_graph(n_learners: int, steps: int, repeats: int) -> None:
    for params in (
        {"preset": "arithmetic"},
        {"preset": "random", "n_skills": 50},
        {"preset": "random", "n_skills": 200},
    ):
        times = []
        for r in range(repeats):
            rng = np.random.default_rng(r)
            start = time.perf_counter()
            sim = SkillGraphStudent(n_learners, seed=r, **params)
            for _ in range(steps):
                sim.step(rng.integers(0, sim.space.n, (n_learners, 1)))
            times.append(time.perf_counter() - start)
            t = time.perf_counter()
            sim.measures()
            measure_s = time.perf_counter() - t
        label = ", ".join(f"{k}={v}" for k, v in params.items())
        report(
            f"SkillGraphStudent({label}): {n_learners:,} x {steps} steps",
            min(times),
            "s",
            "<= 10" if params["preset"] == "arithmetic" else "",
            all_runs=times,
            measures_s=measure_s,
        )


def speed_category(n_learners: int, steps: int) -> None:
    for preset in ("sec", "dump"):
        sim = CategoryStudent(n_learners, seed=0, preset=preset)
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        for _ in range(steps):
            sim.step(rng.integers(0, sim.space.n, (n_learners, sim.tasks_per_step)))
        elapsed = time.perf_counter() - start
        report(
            f"CategoryStudent(preset={preset}): {n_learners} models x {steps} steps",
            elapsed,
            "s",
            groups=n_learners * steps * sim.tasks_per_step,
        )


def speed_oracle(n_learners: int, steps: int) -> None:
    """SkillGraphOracle's cost per ask, amortized over steps where every learner asks."""
    for params in (
        {"preset": "arithmetic"},
        {"preset": "random", "n_skills": 50},
        {"preset": "random", "n_skills": 200},
    ):
        sim = SkillGraphStudent(n_learners, seed=0, **params)
        oracle = sim.oracle(0)
        start = time.perf_counter()
        for _ in range(steps):
            tasks = np.stack([oracle.ask_encoded(lid) for lid in sim.learner_ids])
            sim.step(tasks)
        per_ask = (time.perf_counter() - start) / (steps * n_learners) * 1e3
        label = ", ".join(f"{k}={v}" for k, v in params.items())
        report(f"SkillGraphOracle({label}): per ask, {n_learners} learners", per_ask, "ms")


def play(sim: Simulator, teacher: tk.teachers.BaseTeacher, steps: int) -> dict[str, float]:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid, sim.tasks_per_step) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))
    return sim.measures()


SKILL_KEYS = ("posttest", "retention", "mastered", "mastered_all", "time_to_mastery")
CATEGORY_KEYS = ("test_accuracy", "accuracy", "ood_accuracy", "zero_variance", "steps_to_target")
LOWER_IS_BETTER = {"zero_variance", "steps_to_target", "time_to_mastery"}


def quality(name: str, make: Any, steps: int, seeds: int) -> None:
    rows = []
    for seed in range(seeds):
        uni_sim, ora_sim = make(seed), make(seed)
        uni = play(uni_sim, tk.teachers.Uniform(uni_sim.space, seed=seed), steps)
        ora = play(ora_sim, ora_sim.oracle(seed), steps)
        rows.append((uni, ora))
    primary = make(0).primary
    keys = SKILL_KEYS if isinstance(make(0), SkillGraphStudent) else CATEGORY_KEYS
    for key in keys:
        u = np.array([r[0][key] for r in rows])
        o = np.array([r[1][key] for r in rows])
        if np.isnan(u).any() or np.isnan(o).any():
            extra = {"uniform_nan": int(np.isnan(u).sum()), "oracle_nan": int(np.isnan(o).sum())}
            for who, v in (("uniform", u), ("oracle", o)):
                mean = float(np.nanmean(v)) if (~np.isnan(v)).any() else float("nan")
                report(f"{name}: {key} {who} (runs that got there)", mean, "", **extra)
            continue
        d = o - u
        half = 1.96 * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else np.nan
        star = " (primary)" if key == primary else ""
        report(f"{name}: {key}{star} uniform", float(u.mean()), "")
        report(
            f"{name}: {key}{star} oracle",
            float(o.mean()),
            "",
            diff=float(d.mean()),
            ci95=float(half),
            oracle_better=float(((d < 0) if key in LOWER_IS_BETTER else (d > 0)).mean()),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--out", default="benchmarks/results/simulators_people.json")
    args = parser.parse_args()
    quick = args.quick

    print("== speed (tasks drawn uniformly) ==")
    speed_skill_graph(1_000 if quick else 10_000, 20 if quick else 200, 1 if quick else 3)
    speed_category(4 if quick else 16, 50 if quick else 500)
    speed_oracle(64 if quick else 256, 5 if quick else 20)

    print("== oracle vs Uniform, paired seeds ==")
    seeds = 2 if quick else 8
    quality(
        "arithmetic, 100 learners, 150 steps",
        lambda s: SkillGraphStudent(100, seed=s),
        30 if quick else 150,
        seeds,
    )
    quality(
        "random 50 skills, 50 learners, 300 steps",
        lambda s: SkillGraphStudent(50, seed=s, preset="random", n_skills=50),
        30 if quick else 300,
        seeds,
    )
    quality("sec, 1 model, 100 steps", lambda s: CategoryStudent(seed=s), 100, seeds)
    quality(
        "dump, 1 model, 200 steps",
        lambda s: CategoryStudent(seed=s, preset="dump"),
        50 if quick else 200,
        seeds,
    )

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"machine": platform.platform(), "quick": quick, "results": RESULTS}, indent=2)
        + "\n"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
