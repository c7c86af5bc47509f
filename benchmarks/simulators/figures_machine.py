"""The figures of docs/simulators.md (machine simulators).

python benchmarks/simulators/figures_machine.py   # writes docs/img/*.png (about a minute)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import teachkit as tk
from teachkit.simulators import ClassIncrementalStudent, GridToyStudent

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def grid_heatmaps(path: Path) -> None:
    checkpoints = (5_000, 20_000)
    fig, axes = plt.subplots(2, 2, figsize=(6.4, 6.0), constrained_layout=True)
    for row, name in enumerate(("Uniform", "oracle")):
        sim = GridToyStudent(1, seed=0, unlearnable=[(3, 3), (3, 4), (4, 3), (7, 1), (1, 7)])
        teacher = sim.oracle(seed=0) if name == "oracle" else tk.teachers.Uniform(sim.space, seed=0)
        done = 0
        for col, upto in enumerate(checkpoints):
            while done < upto:
                teacher.tell(sim.step(teacher.ask_encoded("s0", 100)[None]))
                done += 100
            comp = sim.truth()["competence"][0].astype(float)
            comp[~sim.truth()["learnable"]] = np.nan
            ax = axes[row, col]
            im = ax.imshow(comp.T, origin="lower", vmin=0, vmax=100, cmap="viridis")
            ax.set_title(f"{name}, {upto:,} episodes\n{sim.measures()['mastered']:.0f}% mastered")
            ax.set_xticks([0, 9], ["0", "1"])
            ax.set_yticks([0, 9], ["0", "1"])
            ax.set_xlabel("x0")
            ax.set_ylabel("x1")
    fig.colorbar(im, ax=axes, shrink=0.7, label="cell competence (white: unlearnable)")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def class_orders(path: Path, seeds: int = 8) -> None:
    orders = {
        "blocked: 0,0,0,1,1,1,...,9,9,9": [str(c) for c in range(10) for _ in range(3)],
        "interleaved: 0..9, 0..9, 0..9": [str(c) for _ in range(3) for c in range(10)],
    }
    fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
    for label, order in orders.items():
        curves = np.array(
            [ClassIncrementalStudent(1, seed=s).run_order(order) for s in range(seeds)]
        )
        x = np.arange(1, len(order) + 1)
        mean = curves.mean(axis=0)
        sd = curves.std(axis=0)
        ax.plot(x, mean, label=f"{label} (auc {mean.mean():.2f})")
        ax.fill_between(x, mean - sd, mean + sd, alpha=0.2)
    ax.set_xlabel("passes (one class each)")
    ax.set_ylabel("held-out accuracy, all classes")
    ax.set_ylim(0, 1)
    ax.set_title(f"ClassIncrementalStudent, digits, SGD + replay ({seeds} seeds, mean ± sd)")
    ax.legend(loc="lower right", fontsize=8)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    grid_heatmaps(IMG / "grid_toy_heatmaps.png")
    class_orders(IMG / "class_incremental_orders.png")
    for name in ("grid_toy_heatmaps.png", "class_incremental_orders.png"):
        print(f"wrote docs/img/{name} ({(IMG / name).stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
