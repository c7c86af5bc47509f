"""Run in 2 processes by test_torch_sampler: each rank iterates a CurriculumSampler."""

from __future__ import annotations

import json
import sys

import torch.distributed as dist

import teachkit as tk
from teachkit.integrations.torch import CurriculumSampler
from tests.integrations._llm import hashed_reward, prompt_rows


def main(rank: int, init: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=init, rank=rank, world_size=2)
    space = tk.spaces.Discrete(["d1", "d2", "d3"])
    # Different seeds per rank on purpose: only rank 0's teacher may decide.
    teacher = tk.teachers.SEC(space, seed=rank + 10)
    rows = [dict(zip(prompt_rows(4, 3), r)) for r in zip(*prompt_rows(4, 3).values())]
    sampler = CurriculumSampler(rows, teacher, task_of="level", group_size=2, batch_size=3)
    seen: list[int] = []
    it = iter(sampler)
    for _ in range(4):
        chunk = [next(it) for _ in range(6)]
        seen.extend(chunk)
        idx = chunk[::2]
        sampler.tell(idx, [[hashed_reward(i, 0), hashed_reward(i, 1)] for i in idx])
    with open(out, "w") as f:
        json.dump({"indices": seen, "values": teacher.values().tolist()}, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
