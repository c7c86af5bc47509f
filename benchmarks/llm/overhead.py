"""The curriculum sampler's cost per batch against one GRPO step of the tiny model.

    PYTHONPATH=. nice -n 15 .venv/bin/python benchmarks/llm/overhead.py

Sampler: one decision of ``--prompts`` prompts (ask the teacher, pick rows, yield
``prompts x generations`` indices) plus the tell of their groups, with SEC as a bare
teacher and through an in-memory and a SQLite Curriculum; the median over ``--repeat``
batches. GRPO step: TRL's GRPOTrainer (through CurriculumGRPOTrainer) on the tiny
character model of the tests, same batch, the median step time over ``--steps`` steps
(TRL's ``step_time`` metric). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def sampler_cost(source: Any, prompts: int, g: int, repeat: int) -> float:
    """Median seconds per batch: decide, yield, tell."""
    from teachkit.integrations.torch import CurriculumSampler

    rows = [{"level": f"L{i % 4}"} for i in range(4000)]
    s = CurriculumSampler(
        rows, source, task_of="level", group_size=g, batch_size=prompts, num_samples=10**9
    )
    rng = np.random.default_rng(0)
    it = iter(s)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        chunk = [next(it) for _ in range(prompts * g)]
        s.tell(chunk[::g], (rng.random((prompts, g)) < 0.5).astype(float))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def grpo_step(prompts: int, g: int, steps: int) -> float:
    """Median seconds per GRPO step of the tiny model."""
    import datasets
    import trl

    import teachkit as tk
    from teachkit.integrations.trl import CurriculumGRPOTrainer
    from teachkit.testing.tiny_lm import tiny_lm

    cols = {"prompt": [f"{i}+{i}=" for i in range(400)], "level": [f"L{i % 4}" for i in range(400)]}
    model, tok = tiny_lm(seed=0)
    out = tempfile.mkdtemp()
    trainer = CurriculumGRPOTrainer(
        model=model,
        reward_funcs=lambda completions, **kw: [float(c[:1].isdigit()) for c in completions],
        args=trl.GRPOConfig(
            output_dir=out,
            per_device_train_batch_size=prompts * g,
            num_generations=g,
            max_completion_length=8,
            max_steps=steps,
            report_to=[],
            logging_steps=1,
            use_cpu=True,
            save_strategy="no",
            disable_tqdm=True,
            beta=0.0,
        ),
        train_dataset=datasets.Dataset.from_dict(cols),
        processing_class=tok,
        curriculum=tk.teachers.SEC(tk.spaces.Discrete(["L0", "L1", "L2", "L3"]), seed=0),
        task_of="level",
    )
    trainer.train()
    times = [row["step_time"] for row in trainer.state.log_history if "step_time" in row]
    return statistics.median(times[1:] or times)  # the first step warms up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--generations", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    import torch

    import teachkit as tk

    torch.set_num_threads(1)  # as the LM benchmark: threads only contend on a shared machine
    space = tk.spaces.Discrete(["L0", "L1", "L2", "L3"])
    p, g = args.prompts, args.generations
    db = Path(tempfile.mkdtemp()) / "c.db"
    result = {
        "teacher": sampler_cost(tk.teachers.SEC(space, seed=0), p, g, args.repeat),
        "curriculum_memory": sampler_cost(
            tk.Curriculum(tk.teachers.SEC(space, seed=0)), p, g, args.repeat
        ),
        "curriculum_sqlite": sampler_cost(
            tk.Curriculum(tk.teachers.SEC(space, seed=0), storage=f"sqlite:///{db}"),
            p,
            g,
            args.repeat,
        ),
    }
    step = grpo_step(p, g, args.steps)
    print(
        json.dumps(
            {
                "grpo_step_s": step,
                **{f"sampler_{k}_s": v for k, v in result.items()},
                **{f"share_{k}": v / step for k, v in result.items()},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
