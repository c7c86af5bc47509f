"""Compare teachers on the language-model student over paired seeds.

    PYTHONPATH=. nice -n 15 .venv/bin/python benchmarks/llm/compare.py \
        --teachers uniform,sec,dump,target_difficulty,adarft,vcrl,pass_rate_band \
        --seeds 4 --out runs/llm

Seed ``s`` gives every teacher the same warm-started model, problem pool, test set and
trainer seed (paired). Each run is saved as ``<out>/<teacher>-<seed>.json`` and skipped
when present, so an interrupted comparison resumes. The summary reports per teacher: the
steps to reach ``--target`` mean accuracy on the training levels (median over seeds, and
the median of its per-seed ratio to Uniform's), the final accuracy on the training levels
and on the held-out harder level, the share of zero-variance groups and the wall time;
it is written to ``<out>/summary.json`` and the curves to ``<out>/curves.png``.
Teachers this installation lacks are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.llm.student import Setup, run


def train_mean(row: dict[str, Any], setup: Setup) -> float:
    """Mean accuracy over the training levels at one evaluation."""
    return float(np.mean([row[f"C{lev}"] for lev in setup.train_levels]))


def steps_to(curve: list[dict[str, Any]], target: float, setup: Setup) -> float:
    """The first evaluated step whose training-level accuracy reaches ``target`` (inf: never)."""
    for row in curve:
        if train_mean(row, setup) >= target:
            return float(row["step"])
    return float("inf")


def summarize(runs: list[dict[str, Any]], target: float, setup: Setup) -> dict[str, Any]:
    """Per teacher: medians over seeds and the paired ratio of steps to Uniform's."""
    by: dict[str, dict[int, dict[str, Any]]] = {}
    for r in runs:
        by.setdefault(r["teacher"], {})[r["seed"]] = r
    base = by.get("uniform", {})
    held = f"C{setup.heldout_levels[-1]}"
    out: dict[str, Any] = {}
    for name, seeds in by.items():
        steps = {s: steps_to(r["curve"], target, setup) for s, r in seeds.items()}
        base_steps = {s: steps_to(r["curve"], target, setup) for s, r in base.items()}
        ratios = [  # paired: the same seed's Uniform run, where Uniform got there at all
            steps[s] / base_steps[s]
            for s in steps
            if s in base_steps and 0 < base_steps[s] < float("inf")
        ]
        out[name] = {
            "seeds": sorted(seeds),
            "steps_to_target": [steps[s] for s in sorted(steps)],
            "median_steps_to_target": float(np.median(list(steps.values()))),
            "median_ratio_to_uniform": float(np.median(ratios)) if ratios else None,
            "final_train_accuracy": float(
                np.mean([train_mean(r["curve"][-1], setup) for r in seeds.values()])
            ),
            "final_heldout_accuracy": float(
                np.mean([r["curve"][-1][held] for r in seeds.values()])
            ),
            "zero_variance_fraction": float(
                np.mean([r["zero_variance_fraction"] for r in seeds.values()])
            ),
            "wall_s_per_run": float(np.mean([r["wall_s"] for r in seeds.values()])),
            "levels_chosen": {
                k: int(sum(r["levels_chosen"][k] for r in seeds.values()))
                for k in next(iter(seeds.values()))["levels_chosen"]
            },
        }
    return out


def plot(runs: list[dict[str, Any]], setup: Setup, path: Path, target: float) -> None:
    """Mean training-level accuracy over steps per teacher (mean over seeds)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    held = f"C{setup.heldout_levels[-1]}"
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name in dict.fromkeys(r["teacher"] for r in runs):
        curves = [r["curve"] for r in runs if r["teacher"] == name]
        steps = [row["step"] for row in curves[0]]
        train = np.mean([[train_mean(row, setup) for row in c] for c in curves], axis=0)
        heldout = np.mean([[row[held] for row in c] for c in curves], axis=0)
        axes[0].plot(steps, train, label=name)
        axes[1].plot(steps, heldout, label=name)
    axes[0].axhline(target, color="grey", lw=0.8, ls="--")
    axes[0].set_title("accuracy on the training levels (mean of seeds)")
    axes[1].set_title(f"accuracy on the held-out level {held}")
    for ax in axes:
        ax.set_xlabel("GRPO step")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", default="uniform,sec,dump,target_difficulty,adarft,vcrl")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=Setup.steps)
    parser.add_argument("--target", type=float, default=0.88)
    parser.add_argument("--lr", type=float, default=Setup.lr)
    parser.add_argument("--out", default="runs/llm")
    args = parser.parse_args()
    from teachkit.registry import TEACHERS

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    setup = Setup(steps=args.steps, lr=args.lr)
    runs = []
    for seed in range(args.seeds):
        for name in args.teachers.split(","):
            if name != "uniform" and name not in TEACHERS:
                print(f"skipping {name!r}: not a teacher of this teachkit", flush=True)
                continue
            path = out / f"{name}-{seed}.json"
            if not path.exists():
                result = run(name, seed, setup, out, log=lambda line: print(line, flush=True))
                path.write_text(json.dumps(result))
            runs.append(json.loads(path.read_text()))
    summary = summarize(runs, args.target, setup)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    plot(runs, setup, out / "curves.png", args.target)
    for name, row in summary.items():
        print(name, json.dumps(row))


if __name__ == "__main__":
    main()
