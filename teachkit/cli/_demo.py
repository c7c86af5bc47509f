"""``teachkit demo``: a durable curriculum in a few lines, then teachers compared on
simulated people and machines, with a report."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

# Adaptive teachers to show, best first; the first one registered and able to work on the
# simulator's task space is used, so the demo keeps working whichever teachers are there.
PREFERRED = {
    "people": ("tutor", "mastery", "path_planner", "target_difficulty", "tscl", "sequential"),
    "machine": ("alp_gmm", "covar_gmm", "riac", "tscl", "sequential"),
}


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="see teachkit work in under a minute: a durable curriculum, then teachers "
        "compared on simulated students, with a report",
    )
    parser.add_argument(
        "--out",
        "--dir",
        dest="out",
        default="teachkit-demo",
        help="where to write (default: ./teachkit-demo/)",
    )
    parser.add_argument("--seeds", type=int, default=4, help="paired seeds per comparison")
    parser.add_argument("--quick", action="store_true", help="a tiny run (a few seconds)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    parser.set_defaults(func=run)


def adaptive_teacher(kind: str, simulator: str, params: dict[str, Any]) -> str:
    """The first teacher of ``PREFERRED[kind]`` that is registered and fits the space."""
    from teachkit.errors import TeachkitError
    from teachkit.registry import TEACHERS, simulator_class, teacher_class

    space = simulator_class(simulator)(1, seed=0, **params).space
    for name in PREFERRED[kind]:
        if name not in TEACHERS:
            continue
        try:
            cls = teacher_class(name)
        except TeachkitError:
            continue
        if isinstance(space, cls.spaces):
            return name
    return "uniform"


def demo_suites(seeds: int, quick: bool) -> list[tuple[str, Any]]:
    """The two comparisons the demo runs: ``(kind, Suite)``."""
    from teachkit.benchmark import Suite, TeacherSpec

    people = {"preset": "arithmetic"}
    machine = {"cells": 5, "tasks_per_step": 20}
    out = []
    for kind, sim, params, learners, steps, every, what in (
        ("people", "skill_graph", people, 40, 120, 10,
         "students learning a 12-skill arithmetic graph (post-test score)"),
        ("machine", "grid_toy", machine, 4, 100, 5,
         "agents mastering a 2-D task space cell by cell (ALP-GMM toy; % of cells mastered)"),
    ):  # fmt: skip
        if quick:
            learners, steps, every = 4, 12, 4
        teachers = ["uniform", adaptive_teacher(kind, sim, params), "oracle"]
        out.append(
            (
                kind,
                Suite(
                    name=f"demo-{kind}",
                    simulator=sim,
                    teachers=tuple(
                        # each simulated agent is its own student, as in the machine papers
                        TeacherSpec(
                            t, per_learner=kind == "machine" and t not in ("uniform", "oracle")
                        )
                        for t in dict.fromkeys(teachers)
                    ),
                    seeds=tuple(range(seeds)),
                    steps=steps,
                    eval_every=every,
                    n_learners=learners,
                    simulator_params=params,
                    description=what,
                ),
            )
        )
    return out


def durable_curriculum(out: Path) -> bool:
    """Ask, tell, close, reload: the teacher comes back exactly as it was."""
    import teachkit as tk

    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    space = tk.spaces.Discrete(
        ["count", "add", "mul"], prerequisites={"add": ["count"], "mul": ["add"]}
    )
    cur = tk.Curriculum(
        tk.teachers.Sequential(space, threshold=0.8, window=3, seed=0),
        storage=url,
        name="arithmetic",
    )
    for score in (1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0):
        a = cur.ask("alice")
        cur.tell(a, tk.Outcome(score=score))
    task = cur.ask("alice").task
    state = cur.teacher.state_bytes()
    cur.close()
    loaded = tk.Curriculum.load(url, "arithmetic")
    same = loaded.teacher.state_bytes() == state
    print(f"  alice answered 7 questions; the teacher moved her on to {task!r}")
    print(f"  reloaded from {url}: {loaded.ops} ops replayed, teacher state identical: {same}")
    loaded.close()
    return same


def run(args: argparse.Namespace) -> int:
    from teachkit._validation import check_positive_int
    from teachkit.benchmark import report_page, run_suite
    from teachkit.cli._paths import check_out_dir, make_out_dir

    out = check_out_dir(args.out)
    check_positive_int("--seeds", args.seeds)
    suites = demo_suites(args.seeds, args.quick)
    make_out_dir(out)
    print("1. A durable curriculum (SQLite): ask, tell, reload")
    same = durable_curriculum(out)

    print("\n2. Teachers compared on simulated learners, over paired seeds")
    sections, tables = [], []
    for kind, suite in suites:
        print(
            f"  {kind}: {suite.description}; teachers {', '.join(t.label for t in suite.teachers)}"
        )
        d = out / kind
        shutil.rmtree(d, ignore_errors=True)
        result = run_suite(suite, d, progress=not args.no_progress, write_page=False)
        sections.append(result.section)
        tables.append(result.markdown)
        print()
        print(result.markdown)
    report = out / "report.html"
    report.write_text(report_page("teachkit demo", sections, {"command": "teachkit demo"}))
    print(f"report: {report.resolve()}")
    print(f"results (CSV, Parquet, summary.md, PNG plots): {out / 'people'}, {out / 'machine'}")
    print("run your own comparison: teachkit bench --list")
    return 0 if same else 1
