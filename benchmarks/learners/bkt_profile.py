"""Where BKT's fit time goes on the two data shapes: lock-step EM against per-pair EM.

    PYTHONPATH=. nice -n 10 /work/main/.venv/bin/python benchmarks/learners/bkt_profile.py

For each shape (``long``: ``bkt_log`` 2,000 x 50 on 5 skills; ``real``:
``real_shaped_bkt_log``), fits BKT with 5 restarts with the compiled per-(restart, skill)
EM and reports how many E-steps each pair needed, then what the earlier lock-step engines
(the numpy engine and the previous numba E-step, which iterate every pair's entries until
the slowest pair converges) would touch: ``lockstep_entry_passes`` = (slowest pair's
E-steps) x restarts x entries, against ``per_pair_entry_passes`` = sum over pairs of
E-steps x the pair's entries. Also the time spent outside the E-step: building the layout
and folding the log into learner states.
"""

from __future__ import annotations

import json
import time

import numpy as np


def main() -> None:
    from teachkit.data.synthetic import bkt_log, real_shaped_bkt_log
    from teachkit.learners import BKT, _bkt_numba
    from teachkit.learners import _bkt_em as em

    for shape in ("long", "real"):
        if shape == "long":
            log, _ = bkt_log(n_learners=2000, n_skills=5, steps=50, seed=0)
        else:
            log, _ = real_shaped_bkt_log(seed=0)
        model = BKT(restarts=5, seed=0, engine="numba").fit(log)
        q = model._q
        rows, skill = np.nonzero(q[log.items])
        learner = log.learners[rows]
        n_skills = q.shape[1]
        t0 = time.perf_counter()
        lay = _bkt_numba.skill_layout(learner, skill, log.correct[rows], skill, skill, n_skills)
        t_layout = time.perf_counter() - t0
        rng = np.random.default_rng(0)
        R = 5
        p = em.Params(
            prior=rng.uniform(0.1, 0.9, (R, n_skills)),
            learn=rng.uniform(0.02, 0.5, (R, n_skills)),
            forget=np.zeros((R, n_skills)),
            guess=rng.uniform(0.05, 0.4, (R, n_skills)),
            slip=rng.uniform(0.05, 0.4, (R, n_skills)),
        )
        t0 = time.perf_counter()
        _, _, iters = _bkt_numba.fit_em(lay, p, False, 100, 0.005)
        t_em = time.perf_counter() - t0
        entries = np.bincount(skill, minlength=n_skills)
        t0 = time.perf_counter()
        model._reset_learners()
        model._absorb(log)
        t_absorb = time.perf_counter() - t0
        seq_len = lay.seq_len
        row = {
            "shape": shape,
            "entries": len(rows),
            "sequences": len(seq_len),
            "skills": n_skills,
            "skill_entries_min_median_max": [int(entries.min()), float(np.median(entries)),
                                             int(entries.max())],
            "e_steps_per_pair_min_median_max": [int(iters.min()), float(np.median(iters)),
                                                int(iters.max())],
            "lockstep_entry_passes": int(iters.max() * R * len(rows)),
            "per_pair_entry_passes": int((iters * entries[None, :]).sum()),
            "layout_s": t_layout,
            "em_s": t_em,
            "fold_in_s": t_absorb,
        }  # fmt: skip
        row["lockstep_waste"] = row["lockstep_entry_passes"] / row["per_pair_entry_passes"]
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
