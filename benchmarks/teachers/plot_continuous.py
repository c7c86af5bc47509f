"""Figures for the continuous-teacher benchmarks (from their JSON results).

    PYTHONPATH=. python benchmarks/teachers/plot_continuous.py GRIDTOY.json [...] --rl RL.json

Writes docs/img/continuous_gridtoy.png (% mastered over episodes, one panel per variant,
mean ± 1 s.e.m. over paired seeds) and docs/img/continuous_rl.png (% of held-out maps
solved over training episodes).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
COLORS = {
    "Uniform": "#7f7f7f",
    "ALP-GMM": "#1f77b4",
    "RIAC": "#2ca02c",
    "Covar-GMM": "#9467bd",
    "ADR": "#ff7f0e",
    "Oracle": "#000000",
}


def gridtoy(paths: list[Path]) -> None:
    rows, seen = [], set()
    for p in paths:  # later files add teachers; a (variant, teacher) seen before is skipped
        for r in json.loads(p.read_text())["results"]:
            if (r["variant"], r["teacher"]) not in seen:
                seen.add((r["variant"], r["teacher"]))
                rows.append(r)
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    fig, axes = plt.subplots(1, len(variants), figsize=(4.2 * len(variants), 3.4), squeeze=False)
    for ax, variant in zip(axes[0], variants):
        for r in (r for r in rows if r["variant"] == variant):
            x = r["curve_every"] * np.arange(1, len(r["mean_curve"]) + 1)
            m, s = np.array(r["mean_curve"]), np.array(r["sem_curve"])
            c = COLORS.get(r["teacher"])
            style = "--" if r["teacher"] == "Oracle" else "-"
            ax.plot(x, m, style, color=c, label=r["teacher"], lw=1.6)
            ax.fill_between(x, m - s, m + s, color=c, alpha=0.15, lw=0)
        seeds = next(r["seeds"] for r in rows if r["variant"] == variant)
        ax.set_title(f"{variant} ({seeds} seeds)", fontsize=10)
        ax.set_xlabel("episodes")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("% cells mastered")
    axes[0][-1].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    out = IMG / "continuous_gridtoy.png"
    fig.savefig(out, dpi=80)
    print("wrote", out)


def rl(path: Path) -> None:
    rows = json.loads(path.read_text())["results"]
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for r in rows:
        x = r["curve_every"] * np.arange(1, len(r["mean_curve"]) + 1)
        ax.plot(x, r["mean_curve"], color=COLORS.get(r["teacher"]), label=r["teacher"], lw=1.6)
    ax.set_xlabel("training episodes")
    ax.set_ylabel("% held-out maps solved")
    ax.set_title(f"Q-learning on hazard grids ({rows[0]['seeds']} seeds)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = IMG / "continuous_rl.png"
    fig.savefig(out, dpi=80)
    print("wrote", out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("gridtoy", nargs="*", type=Path)
    parser.add_argument("--rl", type=Path, default=None)
    args = parser.parse_args()
    if args.gridtoy:
        gridtoy(args.gridtoy)
    if args.rl:
        rl(args.rl)


if __name__ == "__main__":
    main()
