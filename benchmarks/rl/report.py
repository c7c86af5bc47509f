"""Summarize a MiniGrid benchmark result file: a table and a plot of solve rates.

PYTHONPATH=. python benchmarks/rl/report.py benchmarks/results/rl_minigrid.json [--plot docs/img/rl-minigrid.png]
"""

from __future__ import annotations

import argparse
import json

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--plot", default=None)
    args = parser.parse_args()
    with open(args.path) as f:
        data = json.load(f)
    runs = data["runs"]
    by = {(r["teacher"], r["seed"]): r for r in runs}
    teachers = list(dict.fromkeys(r["teacher"] for r in runs))
    seeds = sorted({r["seed"] for r in runs})
    final = max(p["steps"] for r in runs for p in r["curve"])
    print(
        f"held-out mazes solved (%) at {final} env steps; median over seeds [min, max]; "
        f"paired ratio to Uniform (median)"
    )
    print(
        f"{'teacher':10s} {'solved':>8s} {'range':>13s} {'named':>7s} {'gen.':>7s} {'x Unif':>7s} {'trained':>8s} {'wall s':>7s}"
    )
    for name in teachers:
        rows = [by[(name, s)] for s in seeds if (name, s) in by]
        last = [r["curve"][-1] for r in rows]
        solved = [p["solved"] for p in last]
        ratios = []
        for r in rows:
            u = by.get(("Uniform", r["seed"]))
            if u is not None and u["curve"][-1]["solved"] > 0:
                ratios.append(r["curve"][-1]["solved"] / u["curve"][-1]["solved"])
        print(
            f"{name:10s} {np.median(solved):8.1f} [{min(solved):5.1f}, {max(solved):5.1f}] "
            f"{np.median([p['named'] for p in last]):7.1f} {np.median([p['generated'] for p in last]):7.1f} "
            f"{(np.median(ratios) if ratios else float('nan')):7.2f} "
            f"{np.mean([r['trained_share'] for r in rows]):8.0%} {np.mean([r['wall_s'] for r in rows]):7.0f}"
            f"   (seeds: {len(rows)})"
        )
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for name in teachers:
            rows = [by[(name, s)] for s in seeds if (name, s) in by]
            steps = [p["steps"] for p in rows[0]["curve"]]
            vals = np.array([[p["solved"] for p in r["curve"]] for r in rows])
            ax.plot(steps, np.median(vals, axis=0), marker="o", label=name)
            ax.fill_between(steps, vals.min(axis=0), vals.max(axis=0), alpha=0.1)
        ax.set_xlabel("environment steps (evaluation-only episodes included)")
        ax.set_ylabel("held-out mazes solved (%)")
        ax.set_title(f"PPO on MiniGrid mazes, median of {len(seeds)} seeds")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print("wrote", args.plot)


if __name__ == "__main__":
    main()
