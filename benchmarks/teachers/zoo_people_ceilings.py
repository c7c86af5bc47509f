"""Where the people zoo's oracle gain comes from: what knowing each part of the truth is worth.

    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_people_ceilings.py --split tune
    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_people_ceilings.py --split heldout

The parameter oracle (:class:`~teachkit.simulators.BKTOracle`) knows every per-skill
parameter of the course, including how fast each skill fades per day away
(``decay``), and weights a practice by what is left of it at the post-test a week later.
A teacher that learns from the class sees the answers, from which the per-day decay is
hard to tell apart (a week is ``exp(-7 decay)``: 0.93 for decay 0.01, 0.25 for 0.2, while
one day away changes a right answer's chance by a few points). Two cheap references, run
on the same paired seeds as ``zoo_people.py`` (same learners, Uniform and oracle):

* ``oracle_no_decay``: the oracle with every true parameter but the post-test weighting
  by decay (it still filters with the true decay): the ceiling for a teacher that does
  not know the per-skill decay;
* ``tutor_true``: the Tutor with its default value rule planning with the true ``prior``,
  ``learn``, ``guess``, ``slip`` and ``forget`` (a fixed BKT, no refits): the Tutor's rule
  without estimation error. The refitted Tutor's distance from it is what estimating the
  parameters from the class costs;
* ``tutor_past_log``: the default Tutor seeded, as the people guide shows, with a BKT
  fitted on last year's log of the same course (``fitted.seeded(refit=200)``): a past
  cohort of 200 other learners (their own seed) who practised 120 items each at random;
  the new class then refits from its own answers with that fit as the anchor;
* with ``--without GROUP``: ``tutor_true`` with one group of parameters (``learn``,
  ``guess_slip``, ``prior``, ``forget``) left at BKT's defaults: which knowledge pays.

Per member: share of the oracle's gain over Uniform, ``(mean_T - mean_U) / (mean_O -
mean_U)``; the median over members and per kind. Writes
``benchmarks/results/zoo_people_ceilings_<split>.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from benchmarks.teachers.zoo_people import seeds_for
from teachkit._batch import EventBatch
from teachkit.benchmark import TeacherSpec, run
from teachkit.data import InteractionLog
from teachkit.learners import BKT
from teachkit.simulators import BKTOracle, BKTStudent, zoo
from teachkit.teachers import Tutor

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


class OracleNoDecay(BKTOracle):
    """The parameter oracle without the post-test weighting by each skill's decay."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._delay = 0.0


class StudentForNoDecay(BKTStudent):
    """A BKTStudent whose oracle is :class:`OracleNoDecay` (same learners, same seeds)."""

    def oracle(self, seed: int | None = None, **params: Any) -> BKTOracle:
        return OracleNoDecay(self.space, simulator=self, seed=seed, **params)


class TutorTrue(Tutor):
    """The Tutor planning with a course's true BKT parameters (a fixed BKT, no refits);
    ``truth`` is set to the course's parameters before each member runs. Subclasses in
    ``WITHOUT`` leave one group at BKT's defaults instead."""

    truth: ClassVar[dict[str, Any]] = {}
    without: ClassVar[tuple[str, ...]] = ()

    def __init__(self, space: Any, *, seed: int | None = None) -> None:
        model = BKT(space, forgets=True, engine="numpy", seed=seed)
        for name in ("prior", "learn", "guess", "slip", "forget"):
            if name not in self.without:  # (else the default BKT's value stays)
                getattr(model, f"_{name}")[:] = self.truth[name]
        super().__init__(space, learner_model=model, seed=seed)


WITHOUT: dict[str, type[TutorTrue]] = {}
"""``tutor_true_without_<group>``: the true parameters except ``group`` (BKT's defaults)."""
for _group, _names in {
    "learn": ("learn",),
    "guess_slip": ("guess", "slip"),
    "prior": ("prior",),
    "forget": ("forget",),
}.items():
    _cls = type(f"TutorTrueWithout_{_group}", (TutorTrue,), {"without": _names})
    _cls.__module__ = __name__
    globals()[_cls.__name__] = WITHOUT[_group] = _cls


class TutorPastLog(Tutor):
    """The default Tutor seeded with a BKT fitted on a past cohort's log (``past``, set
    before each member runs)."""

    past: ClassVar[BKT | None] = None

    def __init__(self, space: Any, *, seed: int | None = None) -> None:
        assert self.past is not None
        super().__init__(space, learner_model=self.past.seeded(refit=200), seed=seed)


def past_fit(member: zoo.ZooMember, learners: int = 200) -> BKT:
    """BKT (forgetting per practice, the Tutor's default model) fitted on the log of a past
    cohort of the course that practised at random."""
    sim = BKTStudent(learners, seed=10_000 + member.seed, **member.params)
    rng = np.random.default_rng(member.seed)
    batches = [sim.step(rng.integers(0, sim.space.n, (learners, 1))) for _ in range(member.steps)]
    log = InteractionLog.from_batch(EventBatch.concat(batches), sim.space)
    return BKT(sim.space, forgets=True, engine="numpy", restarts=3, seed=0).fit(log)


def finals(factory: Any, specs: list[Any], seeds: int, member: zoo.ZooMember) -> dict[str, float]:
    out: dict[str, list[float]] = {}
    for row in run((factory, specs), seeds=seeds, steps=member.steps, eval_every=member.steps):
        final = row["kind"] == "measure" and row["step"] == member.steps
        if final and row["measure"] == member.measure:
            out.setdefault(row["teacher"], []).append(row["value"])
    return {k: float(np.mean(v)) for k, v in out.items()}


def member_result(
    member: zoo.ZooMember, factor: int, without: list[str] | None = None
) -> dict[str, Any]:
    n, p = member.n_learners, member.params
    seeds = seeds_for(n, factor)
    TutorTrue.truth = p
    TutorPastLog.past = past_fit(member)
    plain = finals(
        lambda s: BKTStudent(n, seed=s, **p),
        [TeacherSpec("uniform"), TeacherSpec("oracle"), TutorTrue, TutorPastLog]
        + [WITHOUT[g] for g in without or []],
        seeds,
        member,
    )
    no_decay = finals(lambda s: StudentForNoDecay(n, seed=s, **p), ["oracle"], seeds, member)
    u, o = plain["uniform"], plain["oracle"]
    return {
        "member": member.name,
        "kind": member.kind,
        "n_learners": n,
        "seeds": seeds,
        "uniform": u,
        "oracle": o,
        "share": {
            "oracle_no_decay": (no_decay["oracle"] - u) / (o - u),
            "tutor_true": (plain["tutortrue"] - u) / (o - u),
            "tutor_past_log": (plain["tutorpastlog"] - u) / (o - u),
            **{
                f"tutor_true_without_{g}": (plain[WITHOUT[g].__name__.lower()] - u) / (o - u)
                for g in without or []
            },
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=zoo.SPLITS, default="tune")
    parser.add_argument("--seeds-factor", type=int, default=1)
    parser.add_argument(
        "--without",
        action="append",
        choices=sorted(WITHOUT),
        help="also the Tutor with the true parameters but this group at BKT's defaults "
        "(repeatable): which knowledge pays",
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    results = []
    for m in zoo.members("people", args.split):
        r = member_result(m, args.seeds_factor, args.without)
        results.append(r)
        shares = " ".join(f"{k}={v:.2f}" for k, v in r["share"].items())
        print(f"{m.name} n={m.n_learners} {shares} [{time.perf_counter() - start:.0f}s]")
    labels = ["oracle_no_decay", "tutor_true", "tutor_past_log"]
    labels += [f"tutor_true_without_{g}" for g in args.without or []]
    kinds = sorted({r["kind"] for r in results})
    summary = {
        t: {
            "median": float(np.median([r["share"][t] for r in results])),
            "by_kind": {
                k: float(np.median([r["share"][t] for r in results if r["kind"] == k]))
                for k in kinds
            },
        }
        for t in labels
    }
    print("| reference | median share | " + " | ".join(kinds) + " |")
    print("|" + " --- |" * (2 + len(kinds)))
    for t in labels:
        cells = " | ".join(f"{summary[t]['by_kind'][k]:.2f}" for k in kinds)
        print(f"| {t} | {summary[t]['median']:.2f} | {cells} |")
    out = Path(args.out) if args.out else RESULTS / f"zoo_people_ceilings_{args.split}.json"
    out.write_text(
        json.dumps({"split": args.split, "members": results, "summary": summary}, indent=1)
    )
    print(f"wrote {out} in {time.perf_counter() - start:.0f}s")


if __name__ == "__main__":
    main()
