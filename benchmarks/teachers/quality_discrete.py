"""Teaching quality of the discrete machine teachers, over paired seeds.

    PYTHONPATH=. python benchmarks/teachers/quality_discrete.py            # all suites
    PYTHONPATH=. python benchmarks/teachers/quality_discrete.py --seeds 4  # a quick look

Runs the suites ``benchmarks/suites/discrete_category_sec.toml``,
``discrete_category_sec_domains.toml``, ``discrete_category_dump.toml`` (the
CategoryStudent simulator in SEC's single- and multi-domain settings and DUMP's) and
``discrete_class_incremental.toml`` through the benchmark harness, plus DUMP wrapped in
the ZeroVarianceFilter on the two category suites. Reports per teacher: steps to the
target test accuracy (runs that never reach it count as the budget + 1, and the reached
fraction is shown), the change against Uniform, the paired win rate, the final OOD
accuracy and the fraction of zero-variance groups; for class-incremental learning the
final accuracy, its area under the curve and forgetting. Writes
``benchmarks/results/discrete_quality.json`` and figures in ``docs/img/``; the markdown
tables are printed (and pasted into ``BENCHMARKS.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from teachkit.benchmark import load_suite, run, t_interval
from teachkit.spaces import Discrete
from teachkit.teachers import DUMP, ZeroVarianceFilter

ROOT = Path(__file__).resolve().parents[2]


class FilteredDUMP(ZeroVarianceFilter):
    """DUMP behind DAPO's zero-variance filter (a fixed composition the harness can build)."""

    def __init__(self, space: Discrete, *, seed: int | None = None) -> None:
        super().__init__(space, teacher=DUMP(space, seed=seed), skip_after=2, seed=seed)


def rows_of(path: Path, seeds: int | None, extra: list[Any]) -> list[dict[str, Any]]:
    suite = load_suite(path)
    if seeds is not None:
        suite = suite.with_overrides(seeds=seeds)
    rows = list(run(suite))
    if extra:
        cls = suite.simulator_class()
        params = dict(suite.simulator_params)
        rows += [
            {**r, "suite": suite.name, "simulator": suite.simulator}
            for r in run(
                (lambda s: cls(suite.n_learners, seed=s, **params), extra),
                seeds=list(suite.seeds),
                steps=suite.steps,
                eval_every=suite.eval_every,
            )
        ]
    return rows


def curves(rows: list[dict[str, Any]], measure: str) -> dict[str, dict[int, dict[int, float]]]:
    """teacher -> step -> seed -> value."""
    out: dict[str, dict[int, dict[int, float]]] = {}
    for r in rows:
        if r["kind"] == "measure" and r["measure"] == measure:
            out.setdefault(r["teacher"], {}).setdefault(int(r["step"]), {})[int(r["seed"])] = r[
                "value"
            ]
    return out


def final(rows: list[dict[str, Any]], measure: str) -> dict[str, dict[int, float]]:
    c = curves(rows, measure)
    return {t: by_step[max(by_step)] for t, by_step in c.items()}


def mean_ci(values: list[float]) -> str:
    x = np.asarray(values, dtype=float)
    lo, hi = t_interval(x)
    if math.isnan(lo):
        return f"{x.mean():.3f}"
    return f"{x.mean():.3f} ± {(hi - lo) / 2:.3f}"


def paired_win(a: dict[int, float], b: dict[int, float], lower_is_better: bool) -> float:
    seeds = sorted(set(a) & set(b))
    d = np.array([a[s] - b[s] for s in seeds])
    if lower_is_better:
        d = -d
    return float(((d > 0) + 0.5 * (d == 0)).mean())


def category_table(rows: list[dict[str, Any]], budget: int) -> tuple[str, list[dict[str, Any]]]:
    steps = final(rows, "steps_to_target")
    censored = {
        t: {s: (budget + 1 if math.isnan(v) else v) for s, v in d.items()} for t, d in steps.items()
    }
    ood, test, zero = (
        final(rows, "ood_accuracy"),
        final(rows, "test_accuracy"),
        final(rows, "zero_variance"),
    )
    base = np.mean(list(censored["uniform"].values()))
    lines = [
        "| teacher | steps to target (mean ± 95% CI) | reached | vs Uniform | wins vs Uniform | final OOD accuracy | final test accuracy | zero-variance groups |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    summary = []
    order = sorted(censored, key=lambda t: np.mean(list(censored[t].values())))
    for t in order:
        v = list(censored[t].values())
        reached = float(np.mean([not math.isnan(x) for x in steps[t].values()]))
        change = np.mean(v) / base - 1.0
        win = paired_win(censored[t], censored["uniform"], lower_is_better=True)
        lines.append(
            f"| {t} | {mean_ci(v)} | {reached:.0%} | {change:+.0%} | {win:.0%} | "
            f"{mean_ci(list(ood[t].values()))} | {mean_ci(list(test[t].values()))} | "
            f"{np.mean(list(zero[t].values())):.1%} |"
        )
        summary.append(
            {
                "teacher": t,
                "steps_to_target": float(np.mean(v)),
                "reached": reached,
                "change_vs_uniform": float(change),
                "win_rate_vs_uniform": win,
                "ood_accuracy": float(np.mean(list(ood[t].values()))),
                "test_accuracy": float(np.mean(list(test[t].values()))),
                "zero_variance": float(np.mean(list(zero[t].values()))),
                "n_seeds": len(v),
            }
        )
    return "\n".join(lines), summary


def class_incremental_table(rows: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    acc, auc, forget = final(rows, "accuracy"), final(rows, "auc"), final(rows, "forgetting")
    lines = [
        "| teacher | final accuracy | wins vs random order | AUC of accuracy | wins (AUC) | forgetting |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    summary = []
    for t in sorted(acc, key=lambda t: -np.mean(list(auc[t].values()))):
        w = paired_win(acc[t], acc["uniform"], lower_is_better=False)
        wa = paired_win(auc[t], auc["uniform"], lower_is_better=False)
        lines.append(
            f"| {t} | {mean_ci(list(acc[t].values()))} | {w:.0%} | {mean_ci(list(auc[t].values()))} "
            f"| {wa:.0%} | {mean_ci(list(forget[t].values()))} |"
        )
        summary.append(
            {
                "teacher": t,
                "accuracy": float(np.mean(list(acc[t].values()))),
                "auc": float(np.mean(list(auc[t].values()))),
                "forgetting": float(np.mean(list(forget[t].values()))),
                "win_rate_vs_uniform": w,
                "n_seeds": len(acc[t]),
            }
        )
    return "\n".join(lines), summary


def plot(rows: list[dict[str, Any]], measure: str, title: str, path: Path, top: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = curves(rows, measure)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=90)
    for t in top:
        steps = sorted(c[t])
        mean = [np.mean(list(c[t][s].values())) for s in steps]
        style = {"uniform": "k--", "oracle": "k:"}.get(t, "-")
        ax.plot(steps, mean, style, label=t, linewidth=1.6)
    ax.set_xlabel("training step")
    ax.set_ylabel(measure.replace("_", " "))
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=None, help="override the suites' seeds")
    parser.add_argument("--only", default="", help="comma-separated suite file stems")
    parser.add_argument("--out", default="benchmarks/results/discrete_quality.json")
    parser.add_argument("--img", default="docs/img")
    args = parser.parse_args()
    suites = [
        "discrete_category_sec",
        "discrete_category_sec_domains",
        "discrete_category_dump",
        "discrete_class_incremental",
    ]
    if args.only:
        suites = [s for s in suites if s in args.only.split(",")]
    results: dict[str, Any] = {}
    for stem in suites:
        path = ROOT / "benchmarks" / "suites" / f"{stem}.toml"
        t0 = time.time()
        extra = [FilteredDUMP] if "category" in stem else []
        rows = rows_of(path, args.seeds, extra)
        suite = load_suite(path)
        spent = time.time() - t0
        if "category" in stem:
            table, summary = category_table(rows, suite.steps)
            ranked = [s["teacher"] for s in summary]
            adaptive = [t for t in ranked if t not in ("uniform", "oracle")]
            top = [*adaptive[:4], "uniform", "oracle"]
            plot(
                rows,
                "test_accuracy",
                f"{stem}: test accuracy (mean of seeds)",
                Path(args.img) / f"{stem.replace('_', '-')}.png",
                top,
            )
        else:
            table, summary = class_incremental_table(rows)
            ranked = [s["teacher"] for s in summary]
            plot(
                rows,
                "accuracy",
                f"{stem}: accuracy (mean of seeds)",
                Path(args.img) / f"{stem.replace('_', '-')}.png",
                ranked,
            )
        print(
            f"\n### {stem} ({suite.description}; {len(suite.seeds) if args.seeds is None else args.seeds} paired seeds, {spent:.0f} s)\n"
        )
        print(table, flush=True)
        results[stem] = {"description": suite.description, "seconds": spent, "summary": summary}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
