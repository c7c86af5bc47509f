"""Attention models (AKT, simpleKT, SAKT) against DKT: held-out AUC over paired seeds.

    PYTHONPATH=. nice -n 10 python benchmarks/learners/attention_vs_dkt.py --seeds 3

Two synthetic logs with known structure, drawn afresh for every seed (the pair: every
model sees the same log and the same split under one seed):

* ``bkt``: :func:`teachkit.data.synthetic.bkt_log` (per-skill BKT learners, one item per
  skill, the project's DKT/SAKT throughput data at a smaller size);
* ``skill_graph``: :func:`teachkit.simulators.skill_graph_log`, SkillGraphStudent learners
  on the arithmetic preset (41 items of different difficulty on 12 skills with
  prerequisites, forgetting, slip and guess): items differ within a skill, which is what
  AKT's and simpleKT's per-question (Rasch) difficulty is for.

Each model trains ``--epochs`` epochs on 80% of the learners and predicts the other 20%
one step ahead (question level, :meth:`predict_log`). Prints one JSON line per (data, seed,
model) and a summary: mean AUC per model and the paired difference to DKT.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def logs(kind: str, learners: int, steps: int, seed: int):  # type: ignore[no-untyped-def]
    if kind == "bkt":
        from teachkit.data.synthetic import bkt_log

        return bkt_log(n_learners=learners, n_skills=10, steps=steps, seed=seed)[0]
    from teachkit.simulators import skill_graph_log

    return skill_graph_log(learners, steps=steps, seed=seed)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--data", default="bkt,skill_graph")
    parser.add_argument("--models", default="DKT,SAKT,AKT,SimpleKT")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    import teachkit.learners as L
    from teachkit.evaluation import auc

    names = args.models.split(",")
    results: dict[tuple[str, str], list[float]] = {}
    for kind in args.data.split(","):
        for seed in range(args.seeds):
            log = logs(kind, args.learners, args.steps, seed)
            order = np.random.default_rng(seed).permutation(log.n_learners)
            n_test = log.n_learners // 5
            test = log.take_learners(np.sort(order[:n_test]))
            train = log.take_learners(np.sort(order[n_test:]))
            for name in names:
                cls = getattr(L, name)
                t0 = time.perf_counter()
                model = cls(epochs=args.epochs, lr=args.lr, device=args.device, seed=seed)
                model.fit(train)
                fit_s = time.perf_counter() - t0
                score = auc(test.correct, model.predict_log(test))
                results.setdefault((kind, name), []).append(score)
                row = {"data": kind, "seed": seed, "model": name, "auc": round(score, 4)}
                print(json.dumps(row | {"fit_s": round(fit_s, 1)}), flush=True)
    print("\nsummary: mean held-out AUC (paired difference to DKT, min over seeds)")
    for kind in args.data.split(","):
        base = np.array(results.get((kind, "DKT"), [np.nan]))
        for name in names:
            a = np.array(results[(kind, name)])
            diff = a - base if name != "DKT" else np.zeros_like(a)
            print(
                f"{kind:<12} {name:<9} auc {a.mean():.4f}  vs DKT {diff.mean():+.4f}"
                f" (min {diff.min():+.4f}, wins {(diff > 0).sum()}/{len(a)})"
            )


if __name__ == "__main__":
    main()
