"""Figures of docs/simulators.md for the people simulators (Uniform vs the oracle).

    python benchmarks/simulators/figures_people.py     # about a minute

Writes docs/img/simulators-skill-graph.png and docs/img/simulators-category.png.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import teachkit as tk
from teachkit.simulators import CategoryStudent, Simulator, SkillGraphStudent

OUT = Path("docs/img")


def curve(
    sim: Simulator, teacher: tk.teachers.BaseTeacher, steps: int, every: int, keys: list[str]
) -> tuple[list[int], dict[str, list[float]]]:
    xs, ys = [0], {k: [sim.measures()[k]] for k in keys}
    for t in range(1, steps + 1):
        tasks = np.stack([teacher.ask_encoded(lid, sim.tasks_per_step) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))
        if t % every == 0:
            m = sim.measures()
            xs.append(t)
            for k in keys:
                ys[k].append(m[k])
    return xs, ys


def skill_graph_figure() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.6), dpi=100)
    teachers = {
        "Uniform": lambda s: tk.teachers.Uniform(s.space, seed=0),
        "Sequential": lambda s: tk.teachers.Sequential(s.space, threshold=0.8, window=5),
        "oracle": lambda s: s.oracle(0),
    }
    for (name, make), color in zip(teachers.items(), ("tab:gray", "tab:blue", "tab:red")):
        sim = SkillGraphStudent(200, seed=0)
        xs, ys = curve(sim, make(sim), 200, 5, ["posttest", "retention"])
        ax.plot(xs, ys["posttest"], color=color, label=f"{name}: post-test")
        ax.plot(xs, ys["retention"], color=color, ls="--", lw=1, label=f"{name}: after a week")
    ax.set_xlabel("practice steps (20 a day)")
    ax.set_ylabel("expected score on all 41 items")
    ax.set_title("SkillGraphStudent, arithmetic preset, 200 learners")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(OUT / "simulators-skill-graph.png")
    plt.close(fig)


def category_figure() -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.4), dpi=100, sharey=True)
    probe = CategoryStudent(seed=0)
    keys = [f"acc_{name}" for name in probe.levels] + ["zero_variance"]
    for ax, name in zip(axes, ("Uniform", "oracle")):
        sim = CategoryStudent(8, seed=0, preset="sec")
        teacher = tk.teachers.Uniform(sim.space, seed=0) if name == "Uniform" else sim.oracle(0)
        xs, ys = curve(sim, teacher, 150, 3, keys)
        for key in keys[:-1]:
            ax.plot(xs, ys[key], label=key[4:])
        ax.plot(
            xs[1:], ys["zero_variance"][1:], color="black", ls=":", label="zero-variance groups"
        )
        ax.set_title(f"{name}")
        ax.set_xlabel("GRPO steps (16 prompts x 8 rollouts)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy (mean of 8 models)")
    axes[1].legend(fontsize=7)
    fig.suptitle("CategoryStudent, sec preset: accuracy per level", fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT / "simulators-category.png")
    plt.close(fig)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    OUT.mkdir(parents=True, exist_ok=True)
    skill_graph_figure()
    category_figure()
    for name in ("simulators-skill-graph.png", "simulators-category.png"):
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
