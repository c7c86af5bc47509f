"""People teachers on the people zoo: share of the oracle's gain over Uniform, class setting.

    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_people.py --split heldout
    PYTHONPATH=. nice -n 10 python benchmarks/teachers/zoo_people.py --split tune \\
        --teachers "tutor,tutor[progress_weight=1.0;target_weight=0.0],cold_start_mastery"

Every member of the zoo split (``teachkit.simulators.zoo``, family ``people``) is one
course: a class of 1 to 200 BKTStudent learners taking turns in one curriculum (one
teacher serves the whole class), 120 practices each, judged on the delayed post-test.
Each teacher runs on the same learners as Uniform and the parameter oracle
(:class:`~teachkit.simulators.BKTOracle`: true per-skill parameters, not the hidden
states) over paired seeds (more seeds for small classes: ``ceil(40 / n)``, 1 to 12).
Per member and teacher, the share of the oracle's gain over Uniform is
``(mean_T - mean_U) / (mean_O - mean_U)`` over the paired seeds; reported are the median
share over members, the win rate against Uniform (members where the teacher's mean is
higher), per kind medians, and whether the Tutor is below MasteryLearning in a kind.

Teachers are registered names, optionally with parameters in brackets, or
one of the Tutor variants of ``VARIANTS`` (``tutor_fixed``: a Tutor whose BKT keeps
the default parameters, no population learning). The ``tune`` split chooses defaults; ``heldout`` is for the final report only.
``--seeds-factor N`` runs N times the seeds (to choose with less noise) and ``--out``
writes the results elsewhere (sweeps should not overwrite the report's files).
Writes ``benchmarks/results/zoo_people_<split>.json``.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from teachkit.benchmark import TeacherSpec, run
from teachkit.learners import BKT
from teachkit.registry import simulator_class
from teachkit.simulators import zoo
from teachkit.teachers import Tutor

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT = "tutor,mastery,target_success,path_planner,cold_start_mastery"


class TutorFixed(Tutor):
    """The Tutor with a BKT that never refits (the population is not learned from)."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True}

    def __init__(self, space: Any, *, seed: int | None = None) -> None:
        params = {"engine": "numpy", "restarts": 3, **self.model_params}
        model = BKT(space, seed=seed, **params)
        super().__init__(space, learner_model=model, seed=seed)
        self.space = space
        self.seed = seed


class TutorShrink200(TutorFixed):
    """The Tutor whose refits shrink four times harder (200 answers)."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True, "refit": 200, "shrinkage": 200.0}


class TutorNoForget(TutorFixed):
    """The Tutor whose refitted BKT has no forgetting per practice."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": False, "refit": 200}


class TutorRefit100(TutorFixed):
    """The Tutor whose BKT first refits after 100 answers."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True, "refit": 100}


class TutorPooled(TutorFixed):
    """The Tutor whose refits shrink toward the class's pooled estimate across skills."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True, "refit": 200, "pool": 1.0}


class TutorPooledHalf(TutorFixed):
    """The Tutor whose refits shrink halfway toward the class's pooled estimate."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True, "refit": 200, "pool": 0.5}


class TutorBoundedNoise(TutorFixed):
    """The Tutor whose refits keep guess + slip <= 0.8 (P(known) stays informative)."""

    model_params: ClassVar[dict[str, Any]] = {
        "forgets": True,
        "refit": 200,
        "max_guess_slip": 0.8,
    }


class TutorPooledHalfBounded(TutorFixed):
    """``tutor_pooled_half`` with guess + slip <= 0.8."""

    model_params: ClassVar[dict[str, Any]] = {
        "forgets": True,
        "refit": 200,
        "pool": 0.5,
        "max_guess_slip": 0.8,
    }


class TutorRestarts10(TutorFixed):
    """The Tutor whose refits run ten EM restarts instead of three."""

    model_params: ClassVar[dict[str, Any]] = {"forgets": True, "refit": 200, "restarts": 10}


VARIANTS = {
    "tutor_fixed": TutorFixed,
    "tutor_shrink200": TutorShrink200,
    "tutor_noforget": TutorNoForget,
    "tutor_refit100": TutorRefit100,
    "tutor_pooled": TutorPooled,
    "tutor_pooled_half": TutorPooledHalf,
    "tutor_bounded": TutorBoundedNoise,
    "tutor_pooled_half_bounded": TutorPooledHalfBounded,
    "tutor_restarts10": TutorRestarts10,
}


def spec(text: str) -> TeacherSpec:
    """``name`` or ``name[key=value;...]`` -> a TeacherSpec labelled with the text."""
    if text in VARIANTS:
        return TeacherSpec(f"{__name__}:{VARIANTS[text].__name__}", label=text)
    name, _, rest = text.partition("[")
    params: dict[str, Any] = {}
    if rest:
        for part in rest.rstrip("]").split(";"):
            key, _, value = part.partition("=")
            params[key.strip()] = ast.literal_eval(value.strip())
    return TeacherSpec(name, params, label=text)


def seeds_for(n_learners: int, factor: int = 1) -> int:
    return factor * int(min(12, max(1, math.ceil(40 / n_learners))))


def member_result(
    member: zoo.ZooMember, teachers: list[TeacherSpec], factor: int = 1
) -> dict[str, Any]:
    cls = simulator_class(member.simulator)

    def factory(seed: int) -> Any:
        return cls(member.n_learners, seed=seed, **member.params)

    # the variants go in as classes (so ``run`` allows this module's code), labelled back
    # by their variant name below
    by_class = {
        VARIANTS[t.label].__name__.lower(): t.label for t in teachers if t.label in VARIANTS
    }
    specs: list[Any] = [TeacherSpec("uniform"), TeacherSpec("oracle")]
    specs += [VARIANTS.get(t.label, t) for t in teachers]
    finals: dict[str, list[float]] = {}
    for row in run((factory, specs), seeds=seeds_for(member.n_learners, factor), steps=member.steps,
                   eval_every=member.steps):  # fmt: skip
        final = row["kind"] == "measure" and row["step"] == member.steps
        if final and row["measure"] == member.measure:
            finals.setdefault(by_class.get(row["teacher"], row["teacher"]), []).append(row["value"])
    mean = {k: float(np.mean(v)) for k, v in finals.items()}
    u, o = mean["uniform"], mean["oracle"]
    return {
        "member": member.name,
        "kind": member.kind,
        "n_learners": member.n_learners,
        "n_skills": member.params["n_skills"],
        "seeds": seeds_for(member.n_learners, factor),
        "uniform": u,
        "oracle": o,
        "means": mean,
        "share": {t.label: (mean[t.label] - u) / (o - u) for t in teachers},
    }


def summary(results: list[dict[str, Any]], labels: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kinds = sorted({r["kind"] for r in results})
    for t in labels:
        shares = np.array([r["share"][t] for r in results])
        out[t] = {
            "median": float(np.median(shares)),
            "win_rate": float(np.mean([r["means"][t] > r["uniform"] for r in results])),
            "by_kind": {
                k: float(np.median([r["share"][t] for r in results if r["kind"] == k]))
                for k in kinds
            },
        }
    return out


def table(summ: dict[str, Any], labels: list[str]) -> str:
    kinds = list(next(iter(summ.values()))["by_kind"])
    head = "| teacher | median share | win rate vs Uniform | " + " | ".join(kinds) + " |"
    lines = [head, "|" + " --- |" * (3 + len(kinds))]
    for t in labels:
        s = summ[t]
        cells = " | ".join(f"{s['by_kind'][k]:.2f}" for k in kinds)
        lines.append(f"| {t} | {s['median']:.2f} | {s['win_rate']:.2f} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=zoo.SPLITS, default="heldout")
    parser.add_argument("--teachers", default=DEFAULT)
    parser.add_argument("--members", type=int, default=None, help="first N members only")
    parser.add_argument(
        "--seeds-factor", type=int, default=1, help="run N times the seeds (less noise)"
    )
    parser.add_argument("--out", default=None, help="results file (default: by split)")
    args = parser.parse_args()
    teachers = [spec(t) for t in args.teachers.split(",")]
    labels = [t.label for t in teachers]
    members = zoo.members("people", args.split)[: args.members]
    results = []
    start = time.perf_counter()
    for m in members:
        r = member_result(m, teachers, args.seeds_factor)
        results.append(r)
        shares = " ".join(f"{k}={v:.2f}" for k, v in r["share"].items())
        print(f"{m.name} n={m.n_learners} oracle-uniform={r['oracle'] - r['uniform']:.3f} "
              f"{shares} [{time.perf_counter() - start:.0f}s]", flush=True)  # fmt: skip
    summ = summary(results, labels)
    print(table(summ, labels))
    if "tutor" in summ and "mastery" in summ:
        below = [
            k for k, v in summ["tutor"]["by_kind"].items() if v < summ["mastery"]["by_kind"][k]
        ]
        print("kinds where Tutor is below MasteryLearning:", below or "none")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = Path(args.out).resolve() if args.out else RESULTS / f"zoo_people_{args.split}.json"
    out.write_text(json.dumps({"split": args.split, "members": results, "summary": summ,
                               "seconds": time.perf_counter() - start}, indent=1))  # fmt: skip
    print(f"wrote {out} in {time.perf_counter() - start:.0f}s")


if __name__ == "__main__":
    main()
