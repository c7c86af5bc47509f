"""The people family of the zoo: classes of BKTStudent learners with drawn skills.

Every member is one course: ``n_skills`` skills (8 to 30) with per-skill BKT parameters
drawn over wide ranges like those fitted to tutoring logs (Corbett & Anderson 1994;
Baker, Corbett & Aleven 2008; the pyBKT examples): initial knowledge 0.02 to 0.6,
learning 0.02 to 0.4 per practice (log-uniform), guess 0.05 to 0.3 and slip 0.03 to 0.2,
forgetting 0 to 0.05 per practice and 0.01 to 0.2 per day; learners differ in ability
(logit spread 0.2 to 1.0); a class of 1 to 200 learners (log-uniform) takes turns in one
curriculum, 120 practices each, judged on a post-test a week after the last one.

Kinds (how the structure is drawn), each a separate stream of seeds:

* ``flat``: no prerequisites;
* ``prerequisites``: a random DAG (each skill after the first few requires one or two
  earlier ones, with probability 0.6), learning at 5 to 40% of the rate before;
* ``noisy``: high guess (0.2 to 0.45) and slip (0.1 to 0.3), no prerequisites;
* ``forgetful``: forgetting 0.03 to 0.15 per practice and 0.1 to 0.5 per day.

Held-out kinds, only in the ``heldout`` split: ``noisy_prerequisites`` (high guess and
slip on a DAG) and ``forgetful_prerequisites``; the held-out split also has fresh seeds
of every tune kind.

    >>> from teachkit.simulators import zoo
    >>> tune = zoo.members("people", "tune")
    >>> sorted({m.kind for m in tune})
    ['flat', 'forgetful', 'noisy', 'prerequisites']
    >>> m = tune[0]
    >>> m.simulator, 1 <= m.n_learners <= 200, m.steps
    ('bkt_student', True, 120)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.simulators.zoo import ZooMember

TUNE_KINDS = ("flat", "prerequisites", "noisy", "forgetful")
HELDOUT_KINDS = ("noisy_prerequisites", "forgetful_prerequisites")
PER_KIND = {"tune": 4, "heldout": 2}  # members per kind, by split
STEPS = 120  # practices per learner
_KIND_CODE = {k: j for j, k in enumerate(TUNE_KINDS + HELDOUT_KINDS)}
_SPLIT_BASE = {"tune": 0, "heldout": 1000}  # held-out members use fresh structure seeds


def _draw(kind: str, seed: int) -> tuple[dict[str, Any], int]:
    """Simulator parameters and class size of one member, from its structure seed."""
    rng = np.random.default_rng([_KIND_CODE[kind], seed])
    k = int(rng.integers(8, 31))
    noisy = "noisy" in kind
    forgetful = "forgetful" in kind
    prereqs = "prerequisites" in kind

    def u(lo: float, hi: float) -> list[float]:
        return [round(float(x), 4) for x in rng.uniform(lo, hi, k)]

    params: dict[str, Any] = {
        "n_skills": k,
        "items_per_skill": int(rng.integers(1, 4)),
        "prior": u(0.02, 0.6),
        "learn": [round(float(x), 4) for x in np.exp(rng.uniform(np.log(0.02), np.log(0.4), k))],
        "guess": u(0.2, 0.45) if noisy else u(0.05, 0.3),
        "slip": u(0.1, 0.3) if noisy else u(0.03, 0.2),
        "forget": u(0.03, 0.15) if forgetful else u(0.0, 0.05),
        "decay": u(0.1, 0.5)
        if forgetful
        else [round(float(x), 4) for x in np.exp(rng.uniform(np.log(0.01), np.log(0.2), k))],
        "learner_spread": round(float(rng.uniform(0.2, 1.0)), 3),
    }
    if prereqs:
        pre: dict[str, list[str]] = {}
        for j in range(2, k):
            if rng.random() < 0.6:
                deps = rng.choice(j, size=int(rng.integers(1, 3)), replace=False)
                pre[f"k{j}"] = [f"k{d}" for d in sorted(deps.tolist())]
        params["prerequisites"] = pre
        params["prereq_floor"] = round(float(rng.uniform(0.05, 0.4)), 3)
    n_learners = int(np.round(np.exp(rng.uniform(0.0, np.log(200.0)))))
    return params, max(1, min(200, n_learners))


def members(split: str) -> list[ZooMember]:
    """The people members of ``split``: ``PER_KIND[split]`` per kind, in a fixed order."""
    kinds = TUNE_KINDS if split == "tune" else TUNE_KINDS + HELDOUT_KINDS
    out = []
    for kind in kinds:
        for j in range(PER_KIND[split]):
            seed = _SPLIT_BASE[split] + j
            params, n = _draw(kind, seed)
            out.append(
                ZooMember(
                    family="people",
                    kind=kind,
                    split=split,
                    seed=seed,
                    simulator="bkt_student",
                    params=params,
                    n_learners=n,
                    steps=STEPS,
                    eval_every=STEPS // 4,
                    measure="posttest",
                )
            )
    return out
