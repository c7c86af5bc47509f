"""Teachers for people on simulated students: post-test now and after a retention delay.

    PYTHONPATH=. /work/venv/bin/python benchmarks/teachers/bench_people.py [--seeds 16]
        [--learners 24] [--parts skill,cd,cross] [--quick]

Part ``skill``: every people teacher, Uniform, the fixed topological order (Sequential),
MasteryLearning and the simulator's oracle on SkillGraphStudent populations (the
arithmetic preset and random DAGs), a fixed practice budget, paired seeds (seed ``s``
builds the same population for every teacher). Measures at the end: ``posttest`` (expected
score on the whole item bank now) and ``retention`` (the same a week later). Reported:
mean with 95% t-interval, paired win rate against Uniform, each teacher's share of the
oracle's gain over Uniform, and Tutor against MasteryLearning on retention, paired.

Part ``cd`` (needs ClassIncrementalStudent): Curriculum Designer's top-ranked class orders
against random orders (area under the running-accuracy curve), and the rank correlation
between CD's score and the measured area over many orders.

Part ``cross`` (needs the machine teachers and simulators): machine-learner teachers on
SkillGraphStudent and these people teachers on the machine simulators.

Writes ``benchmarks/results/people.json`` and ``benchmarks/results/people_tables.md``, and
the figures ``docs/img/people-curves.png`` and ``docs/img/people-final.png``.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import teachkit as tk
from teachkit.teachers import MasteryLearning, Rehearsal, TargetSuccess

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
IMG = ROOT / "docs" / "img"
SEED0 = 100  # the Tutor's defaults were chosen on seeds 0-2: report others


class RehearsedMastery(Rehearsal):
    """Power-law rehearsal wrapped around mastery learning (the composition benchmarked)."""

    def __init__(self, space: Any, *, seed: int | None = None) -> None:
        super().__init__(space, teacher=MasteryLearning(space, seed=seed), rate=0.2, seed=seed)
        self.space = space
        self.seed = seed


_PILOT_IRT: dict[str, Any] = {}  # space (as JSON) -> IRT fitted on a pilot population


def _space_key(space: Any) -> str:
    return json.dumps(space.to_dict(), sort_keys=True)


def fit_pilot_irt(params: dict[str, Any], seeds: Sequence[int], learners: int) -> None:
    """IRT item parameters fitted on a pilot population answering uniformly drawn items
    (``skill_graph_log``), as CAT and PUDF assume: item difficulties known from earlier
    learners. The random preset's graph comes from the seed, so each seed gets a pilot
    from the same seed whose first ``learners`` rows (the benchmarked learners' traits)
    are dropped; the arithmetic graph is fixed, one pilot (seed 10_000) serves all."""
    from teachkit.learners import IRT
    from teachkit.simulators import skill_graph_log

    pilots = [10_000] if params.get("preset", "arithmetic") == "arithmetic" else list(seeds)
    for seed in pilots:
        log, _ = skill_graph_log(learners + 200, steps=60, seed=seed, **params)
        log = log.take_learners(np.arange(learners, learners + 200))
        key = _space_key(log.space)
        if key not in _PILOT_IRT:
            _PILOT_IRT[key] = IRT(log.space, model="2pl").fit(log)


class PilotTargetSuccess(TargetSuccess):
    """TargetSuccess (max_info or pudf) on a copy of the pilot-fitted IRT model."""

    def __init__(self, space: Any, *, mode: str = "max_info", seed: int | None = None) -> None:
        model = copy.deepcopy(_PILOT_IRT[_space_key(space)])
        super().__init__(space, learner_model=model, mode=mode, seed=seed)
        self.space, self.mode, self.seed = space, mode, seed


def people_teachers() -> list[Any]:
    """(label, spec) pairs in report order; specs are what the harness accepts."""
    from teachkit.benchmark import TeacherSpec

    return [
        TeacherSpec("uniform"),
        TeacherSpec("sequential", label="sequential (topological order)"),
        TeacherSpec("mastery", label="mastery"),
        TeacherSpec("target_success", label="target_success"),
        TeacherSpec(f"{__name__}:PilotTargetSuccess", {"mode": "max_info"}, label="max_info (CAT)"),
        TeacherSpec(f"{__name__}:PilotTargetSuccess", {"mode": "pudf"}, label="pudf"),
        TeacherSpec("path_planner", label="path_planner"),
        TeacherSpec("spaced_review", label="spaced_review"),
        TeacherSpec("rehearsal", label="rehearsal (sequential)"),
        TeacherSpec(f"{__name__}:RehearsedMastery", label="rehearsal (mastery)"),
        TeacherSpec("cyclical", {"period": 40}, label="cyclical"),
        TeacherSpec(
            "class_order", {"steps": 5}, label="class_order (5 per item in topological order)"
        ),
        TeacherSpec("tutor", label="tutor"),
        TeacherSpec("oracle"),
    ]


def skill_suites(quick: bool) -> list[dict[str, Any]]:
    return [
        {
            "name": "arithmetic",
            "params": {"preset": "arithmetic"},
            "steps": 120 if quick else 200,
        },
        {
            "name": "random DAG (40 skills x 5 items)",
            "params": {"preset": "random", "n_skills": 40, "items_per_skill": 5},
            "steps": 150 if quick else 300,
        },
    ]


def t_ci(x: np.ndarray) -> tuple[float, float]:
    from teachkit.benchmark import t_interval

    low, high = t_interval(np.asarray(x, dtype=np.float64), 0.95)
    return float(low), float(high)


def run_skill(
    seeds: int,
    learners: int,
    quick: bool,
    only: set[str] | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the teachers (those labelled in ``only``, if given, merged into ``previous``)."""
    from teachkit.benchmark import run
    from teachkit.simulators import SkillGraphStudent

    out: dict[str, Any] = copy.deepcopy(previous) if only and previous else {}
    specs = [s for s in people_teachers() if not only or s.label in only]
    for suite in skill_suites(quick):
        params = suite["params"]

        def factory(seed: int, params: dict[str, Any] = params) -> Any:
            return SkillGraphStudent(learners, seed=seed, **params)

        fit_pilot_irt(params, range(SEED0, SEED0 + seeds), learners)

        before = out.get(suite["name"], {})
        finals: dict[str, dict[str, list[float]]] = before.get("finals", {})
        curves: dict[str, Any] = before.get("curves", {})
        seconds: dict[str, float] = before.get("seconds", {})
        for spec in specs:
            started = time.perf_counter()
            rows = list(
                run(
                    (factory, [spec]),
                    seeds=list(range(SEED0, SEED0 + seeds)),
                    steps=suite["steps"],
                    eval_every=max(1, suite["steps"] // 10),
                )
            )
            seconds[spec.label] = time.perf_counter() - started
            last = max(r["step"] for r in rows)
            fin = finals[spec.label] = {"posttest": [], "retention": []}
            curve: dict[str, list[float]] = {}
            for r in sorted(rows, key=lambda r: r["seed"]):
                if r["kind"] != "measure":
                    continue
                if r["step"] == last and r["measure"] in fin:
                    fin[r["measure"]].append(r["value"])
                if r["measure"] == "posttest":
                    curve.setdefault(str(r["step"]), []).append(r["value"])
            curves[spec.label] = curve
            print(
                f"  {suite['name']:32s} {spec.label:28s} post {np.mean(fin['posttest']):.3f} "
                f"ret {np.mean(fin['retention']):.3f}  ({seconds[spec.label]:.0f}s)",
                flush=True,
            )
        out[suite["name"]] = {
            "steps": suite["steps"],
            "params": params,
            "finals": finals,
            "curves": curves,
            "seconds": seconds,
        }
    return out


def oracle_share(x: np.ndarray, u: np.ndarray, o: np.ndarray) -> tuple[float, float, float]:
    """``(mean(x) - mean(u)) / (mean(o) - mean(u))`` and its 95% paired bootstrap interval
    (seeds resampled together, 2,000 resamples)."""
    share = float((x.mean() - u.mean()) / (o.mean() - u.mean()))
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(x), (2000, len(x)))
    boot = (x[idx].mean(1) - u[idx].mean(1)) / (o[idx].mean(1) - u[idx].mean(1))
    low, high = np.quantile(boot, [0.025, 0.975])
    return share, float(low), float(high)


def _ordered(finals: dict[str, Any]) -> list[str]:
    """Teacher labels in report order (those of ``people_teachers()`` first)."""
    order = [s.label for s in people_teachers()]
    return sorted(finals, key=lambda k: order.index(k) if k in order else len(order))


def summarize_skill(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, res in results.items():
        finals = res["finals"]
        uni, orc = finals["uniform"], finals["oracle"]
        lines += [
            f"### SkillGraphStudent, {name}: {res['steps']} practice steps, "
            f"{len(uni['posttest'])} paired seeds",
            "",
            "| teacher | post-test (95% CI) | win vs uniform | share of oracle gain (95% CI) "
            "| retention after 1 week (95% CI) | win vs uniform | share of oracle gain (95% CI) "
            "| s/run |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for label in _ordered(finals):
            fin = finals[label]
            cells = []
            for measure in ("posttest", "retention"):
                x = np.array(fin[measure])
                u = np.array(uni[measure])
                o = np.array(orc[measure])
                low, high = t_ci(x)
                win = float(np.mean((x > u) + 0.5 * (x == u))) if label != "uniform" else math.nan
                share, s_low, s_high = oracle_share(x, u, o)
                cells += [
                    f"{x.mean():.3f} ({low:.3f}-{high:.3f})",
                    "" if math.isnan(win) else f"{win:.2f}",
                    f"{share:.0%} ({s_low:.0%} to {s_high:.0%})",
                ]
            per_run = res["seconds"][label] / len(uni["posttest"])
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {per_run:.1f} |")
        if "tutor" in finals and "mastery" in finals:
            for measure in ("posttest", "retention"):
                d = np.array(finals["tutor"][measure]) - np.array(finals["mastery"][measure])
                low, high = t_ci(d)
                lines.append("")
                lines.append(
                    f"Tutor - MasteryLearning, {measure}: {d.mean():+.3f} (95% CI "
                    f"{low:+.3f} to {high:+.3f}), Tutor better on {np.mean(d > 0):.0%} of seeds."
                )
        lines.append("")
    return lines


def plot_skill(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    show = ["uniform", "sequential (topological order)", "mastery", "spaced_review", "tutor",
            "oracle"]  # fmt: skip
    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 3.6), dpi=90)
    axes = np.atleast_1d(axes)
    for ax, (name, res) in zip(axes, results.items()):
        for label in show:
            curve = res["curves"].get(label)
            if not curve:
                continue
            steps = sorted(int(s) for s in curve)
            vals = [np.array(curve[str(s)]) for s in steps]
            mean = np.array([v.mean() for v in vals])
            ci = np.array([t_ci(v) for v in vals])
            ax.plot(steps, mean, label=label, lw=1.5)
            ax.fill_between(steps, ci[:, 0], ci[:, 1], alpha=0.2)
        ax.set_title(f"SkillGraphStudent: {name}", fontsize=9)
        ax.set_xlabel("practice steps")
        ax.set_ylabel("post-test")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(IMG / "people-curves.png")
    plt.close(fig)

    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 4.2), dpi=90)
    axes = np.atleast_1d(axes)
    for ax, (name, res) in zip(axes, results.items()):
        labels = _ordered(res["finals"])
        y = np.arange(len(labels))
        post = [np.mean(res["finals"][k]["posttest"]) for k in labels]
        ret = [np.mean(res["finals"][k]["retention"]) for k in labels]
        ax.barh(y - 0.2, post, height=0.4, label="post-test now")
        ax.barh(y + 0.2, ret, height=0.4, label="after 1 week")
        ax.set_yticks(y, labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(min(ret) - 0.05, max(post) + 0.02)
        ax.set_title(name, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, loc="upper center", ncol=2)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(IMG / "people-final.png")
    plt.close(fig)


# -- Curriculum Designer on ClassIncrementalStudent ------------------------------------------
def run_cd(seeds: int, n_orders: int) -> dict[str, Any] | None:
    try:
        from teachkit.simulators import ClassIncrementalStudent
    except ImportError:
        print("  ClassIncrementalStudent is not available: part cd skipped", flush=True)
        return None
    return run_cd_with(ClassIncrementalStudent, seeds, n_orders)


def class_distances() -> np.ndarray:
    """Cosine distances between class prototypes: the mean 8x8 digit image of each class.

    Curriculum Designer uses prototypes from a pretrained network's features; the raw
    pixels of scikit-learn's digits (the images ClassIncrementalStudent learns) stand in
    for them here.
    """
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    protos = np.stack([x[y == c].mean(axis=0) for c in range(10)])
    unit = protos / np.linalg.norm(protos, axis=1, keepdims=True)
    return np.clip(1.0 - unit @ unit.T, 0.0, None)


def run_cd_with(sim_cls: Any, seeds: int, n_orders: int, learners: int = 4) -> dict[str, Any]:
    """Per seed: the area under the running-accuracy curve (mean accuracy after each of the
    ten passes) of CD's top-3 orders and of ``n_orders`` random orders, each on a fresh
    population built from the same seed (same split, same initial models)."""
    from scipy.stats import spearmanr

    from teachkit.teachers.people import CurriculumDesigner

    d = class_distances()
    cd = CurriculumDesigner(d)  # 10 classes: the top order is exact, the rest by search
    ranked = cd.rank(top=3)
    out: dict[str, Any] = {"top_orders": [list(r.order) for r in ranked], "seeds": []}
    print(f"  CD top orders: {out['top_orders']}", flush=True)

    def area(seed: int, order: Sequence[int]) -> float:
        sim = sim_cls(learners, seed=seed)
        return float(np.mean(sim.run_order([str(c) for c in order])))

    for seed in range(seeds):
        top_area = [area(seed, r.order) for r in ranked]
        rng = np.random.default_rng([seed, 7])
        randoms = [rng.permutation(10).tolist() for _ in range(n_orders)]
        rand_area = [area(seed, o) for o in randoms]
        scores = cd.scores(np.array(randoms))
        rho = float(spearmanr(scores, rand_area).statistic)
        out["seeds"].append({"seed": seed, "top": top_area, "random": rand_area, "spearman": rho})
        print(
            f"  seed {seed}: CD top-3 area {np.mean(top_area):.4f}, random "
            f"{np.mean(rand_area):.4f} (best random {np.max(rand_area):.4f}), "
            f"Spearman(score, area) {rho:+.2f}",
            flush=True,
        )
    return out


def plot_cd(res: dict[str, Any]) -> None:
    """CD score against measured area, each seed's areas centred on its mean."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from teachkit.teachers.people import CurriculumDesigner

    cd = CurriculumDesigner(class_distances())
    xs, ys = [], []
    for entry in res["seeds"]:
        rng = np.random.default_rng([entry["seed"], 7])
        orders = [rng.permutation(10).tolist() for _ in range(len(entry["random"]))]
        xs.append(cd.scores(np.array(orders)))
        ys.append(np.array(entry["random"]) - np.mean(entry["random"]))
    top = [np.mean(e["top"]) - np.mean(e["random"]) for e in res["seeds"]]
    fig, ax = plt.subplots(figsize=(5.0, 3.6), dpi=90)
    ax.scatter(np.concatenate(xs), np.concatenate(ys), s=6, alpha=0.4, label="random orders")
    best = cd.rank(top=1)[0].score
    ax.scatter([best] * len(top), top, s=14, color="C3", label="CD's top order (per seed)")
    ax.set_xlabel("Curriculum Designer score")
    ax.set_ylabel("area under running accuracy\n(minus the seed's random mean)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(IMG / "people-cd.png")
    plt.close(fig)


def summarize_cd(res: dict[str, Any]) -> list[str]:
    seeds = res["seeds"]
    top = np.array([np.mean(s["top"]) for s in seeds])
    rand = np.array([np.mean(s["random"]) for s in seeds])
    pct = np.array([np.mean(np.array(s["random"]) < np.mean(s["top"])) for s in seeds])
    rho = np.array([s["spearman"] for s in seeds])
    d_low, d_high = t_ci(top - rand)
    r_low, r_high = t_ci(rho)
    return [
        f"### ClassIncrementalStudent: Curriculum Designer, {len(seeds)} seeds",
        "",
        f"CD's top orders (digit classes): {res['top_orders']}",
        "",
        "| | value |",
        "| --- | --- |",
        f"| area under running accuracy, CD top-3 orders | {top.mean():.4f} |",
        f"| area under running accuracy, random orders | {rand.mean():.4f} |",
        f"| difference, paired (95% CI) | {np.mean(top - rand):+.4f} ({d_low:+.4f} to {d_high:+.4f}) |",
        f"| random orders below CD's top-3 mean | {pct.mean():.0%} |",
        f"| Spearman(CD score, measured area), mean over seeds (95% CI) | {rho.mean():+.2f} ({r_low:+.2f} to {r_high:+.2f}) |",
        "",
    ]


# -- cross table ---------------------------------------------------------------------------
def run_cross(seeds: int, learners: int, quick: bool) -> dict[str, Any] | None:
    """Machine teachers on SkillGraphStudent (arithmetic) and people teachers on the
    Discrete machine simulators, where both exist."""
    from teachkit import registry
    from teachkit.benchmark import TeacherSpec, run
    from teachkit.simulators import SkillGraphStudent

    people = {"mastery", "target_success", "path_planner", "spaced_review", "rehearsal",
              "cyclical", "tutor", "class_order", "sequential", "uniform"}  # fmt: skip
    seeds = min(seeds, 8)  # the cross table is a sketch: fewer seeds, smaller budgets
    machine = [name for name in registry.TEACHERS if name not in people]
    if not machine:
        print("  no machine teachers registered: part cross skipped", flush=True)
        return None
    out: dict[str, Any] = {"skill_graph": {}, "machine_sims": {}}
    steps = 120 if quick else 200

    def skill_factory(seed: int) -> Any:
        return SkillGraphStudent(learners, seed=seed)

    for name in [*machine, "uniform", "tutor", "oracle"]:
        try:
            rows = list(
                run(
                    (skill_factory, [TeacherSpec(name)]),
                    seeds=list(range(SEED0, SEED0 + seeds)),
                    steps=steps,
                )
            )
        except Exception as exc:  # a teacher that does not apply to this space
            print(f"  {name} on SkillGraphStudent: {type(exc).__name__}: {exc}", flush=True)
            out["skill_graph"][name] = f"n/a ({_why(exc)})"
            continue
        last = max(r["step"] for r in rows)
        vals = [r["value"] for r in rows if r["step"] == last and r["measure"] == "posttest"]
        out["skill_graph"][name] = float(np.mean(vals))
        print(f"  {name:20s} on SkillGraphStudent: post-test {np.mean(vals):.3f}", flush=True)
    sims = {k: v for k, v in getattr(registry, "SIMULATORS", {}).items() if k != "skill_graph"}
    for sim_name, path in sims.items():
        try:
            sim_cls = registry.import_path(path, "simulator")
            if not isinstance(sim_cls(2, seed=0).space, tk.spaces.Discrete):
                continue
        except Exception:
            continue
        res: dict[str, Any] = {}

        def machine_factory(seed: int, c: Any = sim_cls) -> Any:
            return c(8, seed=seed)

        for name in ["uniform", "mastery", "target_success", "spaced_review", "tutor", "oracle"]:
            try:
                rows = list(
                    run(
                        (machine_factory, [TeacherSpec(name)]),
                        seeds=seeds,
                        steps=60,
                    )
                )
            except Exception as exc:
                print(f"  {name} on {sim_name}: {type(exc).__name__}: {exc}", flush=True)
                res[name] = f"n/a ({_why(exc)})"
                continue
            primary = sim_cls.primary
            last = max(r["step"] for r in rows)
            vals = [r["value"] for r in rows if r["step"] == last and r["measure"] == primary]
            res[name] = float(np.mean(vals))
            print(f"  {name:20s} on {sim_name}: {primary} {np.mean(vals):.3f}", flush=True)
        res["__measure__"] = sim_cls.primary
        out["machine_sims"][sim_name] = res
    return out


def _why(exc: Exception) -> str:
    text = str(exc)
    if "group rewards" in text:
        return "needs GRPO group rewards"
    if "works on" in text:
        return "needs another kind of space"
    return f"{type(exc).__name__}: {text[:60]}"


def _cell(v: Any) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def summarize_cross(res: dict[str, Any]) -> list[str]:
    lines = ["### Cross table: teaching ideas across people and machines", ""]
    if res["skill_graph"]:
        lines += ["| teacher | SkillGraphStudent post-test |", "| --- | --- |"]
        lines += [f"| {k} | {_cell(v)} |" for k, v in res["skill_graph"].items()]
        lines.append("")
    for sim_name, vals in res["machine_sims"].items():
        measure = vals.get("__measure__", "primary measure")
        lines += [f"| teacher | {sim_name}: {measure} after 60 steps |", "| --- | --- |"]
        lines += [f"| {k} | {_cell(v)} |" for k, v in vals.items() if k != "__measure__"]
        lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--learners", type=int, default=24)
    parser.add_argument("--parts", default="skill,cd,cross")
    parser.add_argument("--orders", type=int, default=30, help="random orders per seed (cd)")
    parser.add_argument("--quick", action="store_true", help="shorter budgets, for a smoke run")
    parser.add_argument(
        "--only",
        default="",
        help="part skill: run only these teacher labels (comma list), "
        "keeping the other teachers' stored results",
    )
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_json = RESULTS / "people.json"
    results: dict[str, Any] = json.loads(out_json.read_text()) if out_json.exists() else {}
    command = (
        "PYTHONPATH=. /work/venv/bin/python benchmarks/teachers/bench_people.py "
        f"--seeds {args.seeds} --learners {args.learners} --orders {args.orders} "
        f"--parts {{part}}" + (" --quick" if args.quick else "")
    )
    if args.only:
        command += f' --only "{args.only}"'

    steps: list[tuple[str, Callable[[], Any]]] = [
        (
            "skill",
            lambda: run_skill(
                args.seeds,
                args.learners,
                args.quick,
                set(args.only.split(",")) if args.only else None,
                results.get("skill"),
            ),
        ),
        ("cd", lambda: run_cd(args.seeds, args.orders)),
        ("cross", lambda: run_cross(args.seeds, args.learners, args.quick)),
    ]
    for name, fn in steps:
        if name in parts:
            print(f"part {name}", flush=True)
            got = fn()
            if got is not None:
                results[name] = got
                commands = results.setdefault("commands", {})
                done = command.format(part=name)
                if name == "skill" and args.only and commands.get("skill"):
                    done = f"{commands['skill']}, then {done}"
                commands[name] = done
            out_json.write_text(json.dumps(results, indent=1))
    lines: list[str] = []
    commands = results.get("commands", {})
    for name, summarize in (("skill", summarize_skill), ("cd", summarize_cd),
                            ("cross", summarize_cross)):  # fmt: skip
        if name in results:
            lines += [f"Command: `{commands.get(name, '?')}`", ""]
            lines += summarize(results[name])
    if "skill" in results:
        plot_skill(results["skill"])
    if "cd" in results:
        plot_cd(results["cd"])
    (RESULTS / "people_tables.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
