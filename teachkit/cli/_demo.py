"""``teachkit demo``: the Quickstart example end to end, on a SQLite file."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="run the quickstart example end to end")
    parser.add_argument("--dir", default="teachkit-demo", help="where to write the SQLite file")
    parser.add_argument("--learners", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40, help="practice steps per learner")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    import teachkit as tk

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"

    space = tk.spaces.Discrete(
        ["count", "add", "sub", "mul", "div"],
        prerequisites={"add": ["count"], "sub": ["add"], "mul": ["add"], "div": ["mul", "sub"]},
    )
    teacher = tk.teachers.Sequential(space, threshold=0.8, window=5, seed=args.seed)
    cur = tk.Curriculum(teacher, storage=url, name="arithmetic")
    print(f"curriculum {cur.name!r} in {url}: {teacher!r}")

    # Each learner gets better at a task the more it practices it (probability of a correct
    # answer 1 - exp(-attempts / speed)); how fast differs between learners.
    rng = np.random.default_rng(args.seed)
    speed = {f"learner-{i}": float(rng.uniform(1.5, 4.0)) for i in range(args.learners)}
    attempts: dict[tuple[str, str], int] = {}
    for _ in range(args.steps):
        for learner in speed:
            a = cur.ask(learner)
            k = attempts.get((learner, str(a.task)), 0)
            correct = rng.random() < 1 - math.exp(-(k + 1) / speed[learner])
            attempts[(learner, str(a.task))] = k + 1
            cur.tell(a, tk.Outcome(score=float(correct)))
    print(f"{cur.ops} asks and tells recorded")
    cur.close()

    loaded = tk.Curriculum.load(url, "arithmetic")
    order = space.task_order()
    print(f"reloaded from {url}: {loaded.ops} ops replayed from the log")
    for learner in speed:
        history = loaded.events(learner)
        stage = loaded.teacher.stage_of(learner)  # type: ignore[attr-defined]
        n_correct = sum(e.outcome.score or 0 for e in history)
        print(
            f"  {learner}: {len(history)} answers, {n_correct:.0f} correct, "
            f"now on {order[stage]!r} (stage {stage + 1} of {len(order)})"
        )
    same = loaded.teacher.state_bytes() == teacher.state_bytes()
    print(f"reloaded teacher state identical to the running one: {same}")
    loaded.close()
    return 0 if same else 1
