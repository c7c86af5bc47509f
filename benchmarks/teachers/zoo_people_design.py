"""What a class's log tells about each skill's learning rate, by who chose the practice.

    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_people_design.py --seeds 2

For every course of the people zoo's tune split (classes of fewer than 20 learners raised
to 20), a class practises 120 items each under one chooser: Uniform, the Tutor without
the optimism bonus (``optimism=0``) or the default Tutor. A BKT (forgetting per practice,
3 restarts, numpy engine: the Tutor's own model) is then fitted on the whole log, and the
Spearman rank correlation of its per-skill ``learn`` with the course's true one is
recorded (the mean over the seeds). The Tutor's value rests mostly on that ranking
(``zoo_people_ceilings.py --without learn``). Prints per course and the medians; writes
``benchmarks/results/zoo_people_design.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from teachkit._batch import EventBatch
from teachkit.data import InteractionLog
from teachkit.learners import BKT
from teachkit.simulators import BKTStudent, zoo
from teachkit.teachers import Tutor, Uniform

ROOT = Path(__file__).resolve().parents[2]
CHOOSERS = {
    "uniform": lambda space, seed: Uniform(space, seed=seed),
    "tutor_optimism_0": lambda space, seed: Tutor(space, optimism=0.0, seed=seed),
    "tutor": lambda space, seed: Tutor(space, seed=seed),
}


def learn_rank(member: zoo.ZooMember, chooser: str, seed: int) -> float:
    """Spearman of the fitted per-skill learn rates with the true ones, one class."""
    n = max(member.n_learners, 20)
    sim = BKTStudent(n, seed=seed, **member.params)
    teacher = CHOOSERS[chooser](sim.space, seed)
    ids = sim.learner_ids.tolist()
    batches = []
    for _ in range(member.steps):
        batch = sim.step(np.stack([teacher.ask_encoded(lid, 1) for lid in ids]))
        teacher.tell(batch)
        batches.append(batch)
    log = InteractionLog.from_batch(EventBatch.concat(batches), sim.space)
    fit = BKT(sim.space, forgets=True, engine="numpy", restarts=3, seed=0).fit(log)
    return float(spearmanr(fit._learn, member.params["learn"]).statistic)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for m in zoo.members("people", "tune"):
        r = {c: float(np.mean([learn_rank(m, c, s) for s in range(args.seeds)])) for c in CHOOSERS}
        rows.append({"member": m.name, "n_learners": max(m.n_learners, 20), **r})
        cells = " ".join(f"{c}={v:.2f}" for c, v in r.items())
        print(f"{m.name} n={max(m.n_learners, 20)} {cells} [{time.perf_counter() - start:.0f}s]")
    medians = {c: float(np.median([r[c] for r in rows])) for c in CHOOSERS}
    print("median Spearman of the fitted learn rates:", medians)
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / "zoo_people_design.json"
    out.write_text(json.dumps({"seeds": args.seeds, "members": rows, "medians": medians}, indent=1))
    print(f"wrote {out} in {time.perf_counter() - start:.0f}s")


if __name__ == "__main__":
    main()
