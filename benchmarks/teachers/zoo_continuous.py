"""The continuous teachers on the continuous zoo: % of cells mastered vs the paper's ALP-GMM.

    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_continuous.py --split heldout --seeds 2

Each member of the split (``teachkit.simulators.zoo.members("continuous", split)``: GridToy
spaces with 6 to 12 cells per dimension, irrelevant dimensions, unlearnable regions) runs
every teacher over the same paired seeds through ``Suite.from_zoo`` (one student per
run, 10,000 episodes). Per teacher and member: its mean % mastered over the seeds divided
by the paper-preset ALP-GMM's (``ALPGMM.preset("portelas2019")``) and by Uniform's; per
teacher: the median of those ratios over the members and the win rate against the paper's
ALP-GMM (share of paired runs with more cells mastered; ties count half). Writes
``benchmarks/results/zoo_continuous_<split>.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from teachkit.benchmark import Suite, TeacherSpec, run
from teachkit.simulators import zoo

ROOT = Path(__file__).resolve().parents[2]
PAPER = TeacherSpec(
    "alp_gmm",
    {"fit_rate": 250, "random_task_ratio": 0.2, "ks": list(range(2, 11)), "solved_above": None},
    label="alp_gmm (paper preset)",
)
TEACHERS = [
    TeacherSpec("uniform"),
    PAPER,
    TeacherSpec("alp_gmm", label="alp_gmm (default)"),
    TeacherSpec("covar_gmm"),
    TeacherSpec("riac"),
]


def mastered_of(
    member: zoo.ZooMember, specs: list[TeacherSpec], seeds: int
) -> dict[str, list[float]]:
    """teacher label -> % mastered at the end, per seed."""
    suite = Suite.from_zoo(member, specs, seeds=seeds)
    out: dict[str, dict[int, float]] = {}
    for row in run(suite):
        final = row["step"] == member.steps
        if final and row["kind"] == "measure" and row["measure"] == "mastered":
            out.setdefault(row["teacher"], {})[row["seed"]] = row["value"]
    return {t: [d[s] for s in sorted(d)] for t, d in out.items()}


def summarize(results: dict[str, dict[str, list[float]]], labels: list[str]) -> dict[str, Any]:
    """Per teacher: median over members of mean / paper ALP-GMM's and / Uniform's, win rate."""
    table: dict[str, Any] = {}
    for t in labels:
        vs_paper, vs_uniform, wins = [], [], []
        for by in results.values():
            x, p, u = (np.asarray(by[k]) for k in (t, PAPER.label, "uniform"))
            vs_paper.append(float(x.mean() / p.mean()) if p.mean() > 0 else float("inf"))
            vs_uniform.append(float(x.mean() / u.mean()) if u.mean() > 0 else float("inf"))
            wins += ((x > p) + 0.5 * (x == p)).tolist()
        table[t] = {
            "median_vs_paper": float(np.median(vs_paper)),
            "worst_vs_paper": float(np.min(vs_paper)),
            "median_vs_uniform": float(np.median(vs_uniform)),
            "win_rate_vs_paper": float(np.mean(wins)),
            "vs_paper": vs_paper,
        }
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="heldout", choices=zoo.SPLITS)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--members", type=int, default=None, help="only the first N members")
    parser.add_argument(
        "--solved-above",
        type=float,
        action="append",
        help="also run ALP-GMM with this success-band bar (repeatable)",
    )
    parser.add_argument("--alp-gmm-only", action="store_true", help="skip Covar-GMM and RIAC")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    teachers = [t for t in TEACHERS if not args.alp_gmm_only or t.name in ("uniform", "alp_gmm")]
    teachers += [
        TeacherSpec("alp_gmm", {"solved_above": x}, label=f"alp_gmm (solved_above={x})")
        for x in args.solved_above or []
    ]
    members = zoo.members("continuous", args.split)[: args.members]
    results: dict[str, dict[str, list[float]]] = {}
    start = time.perf_counter()
    for m in members:
        results[m.name] = mastered_of(m, teachers, args.seeds)
        line = " ".join(f"{t.label}={np.mean(results[m.name][t.label]):.1f}" for t in teachers)
        print(f"{m.name}: % mastered {line}", flush=True)
    labels = [t.label for t in teachers]
    table = summarize(results, labels)
    elapsed = time.perf_counter() - start
    print(f"\n{len(members)} members ({args.split}), {args.seeds} paired seeds, {elapsed:.0f} s\n")
    print(
        "| teacher | median x paper ALP-GMM | worst member | median x Uniform "
        "| win rate vs paper ALP-GMM |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for t in labels:
        r = table[t]
        print(
            f"| {t} | {r['median_vs_paper']:.2f}x | {r['worst_vs_paper']:.2f}x | "
            f"{r['median_vs_uniform']:.1f}x | {r['win_rate_vs_paper']:.0%} |"
        )
    out = (
        Path(args.out)
        if args.out
        else ROOT / "benchmarks" / "results" / f"zoo_continuous_{args.split}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "split": args.split,
                "seeds": args.seeds,
                "members": [m.name for m in members],
                "mastered": results,
                "summary": table,
                "seconds": elapsed,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
