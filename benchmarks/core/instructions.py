"""Ask+tell cost in CPU instructions, for comparing two versions on a busy machine.

Timings on the shared 2-core VM swing with the load; instruction counts under
``valgrind --tool=callgrind`` do not. Run a mode twice, with N pairs and with 0, and divide
the difference by N (N < 0: -N rounds of ask_many(1024) + tell_many, per decision):

    for n in 0 2000; do valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python benchmarks/core/instructions.py uniform $n 2>&1 | grep Collected; done

Point ``PYTHONPATH`` at another checkout to measure that version with the same interpreter.
"""

from __future__ import annotations

import sys

import numpy as np

import teachkit as tk


def main(mode: str, n: int) -> None:
    space = tk.spaces.Discrete(10_000)
    teacher = {
        "uniform": lambda: tk.teachers.Uniform(space, seed=0),
        "tscl": lambda: tk.teachers.TSCL(space, seed=0),
    }[mode]()
    cur = tk.Curriculum(teacher, lease=None)
    outcome = tk.Outcome(score=1.0)
    for _ in range(300):  # warm-up, also in the n = 0 run
        cur.tell(cur.ask("warm"), outcome)
    if n < 0:
        ones = tk.OutcomeBatch(score=np.ones(1024))
        for _ in range(-n):
            cur.tell_many(cur.ask_many("l", 1024), ones)
    else:
        for _ in range(n):
            cur.tell(cur.ask("l"), outcome)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
