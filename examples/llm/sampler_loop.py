"""CurriculumSampler in a plain PyTorch loop: a teacher picks the level of every prompt.

A simulated policy stands in for the model (its pass rate per level rises when it trains
on groups whose rewards vary); outcomes come back one batch late, as with a prefetching
data loader; the sampler's state is checkpointed and a restored sampler continues the
same sequence.

    python examples/llm/sampler_loop.py
"""

from __future__ import annotations

import numpy as np
from torch.utils.data import DataLoader

import teachkit as tk
from teachkit.integrations.torch import CurriculumSampler

LEVELS = ["L1", "L2", "L3", "L4"]
G = 8  # rollouts per prompt
rows = [{"prompt": f"problem {i}", "level": LEVELS[i % 4]} for i in range(400)]

rng = np.random.default_rng(0)
skill = np.array([0.9, 0.4, 0.05, 0.0])  # the policy's pass rate per level


def rollouts(indices: list[int]) -> np.ndarray:
    """G rewards per prompt; training on a prompt with mixed rewards lifts its level."""
    levels = np.array([LEVELS.index(rows[i]["level"]) for i in indices])
    rewards = (rng.random((len(indices), G)) < skill[levels][:, None]).astype(float)
    for lev, r in zip(levels, rewards):
        if 0 < r.mean() < 1:  # an informative group: the policy improves there...
            skill[lev] = min(1.0, skill[lev] + 0.02)
            if lev + 1 < len(skill):  # ...and a little on the next level
                skill[lev + 1] = min(1.0, skill[lev + 1] + 0.005)
    return rewards


teacher = tk.teachers.SEC(tk.spaces.Discrete(LEVELS), seed=0)
sampler = CurriculumSampler(rows, teacher, task_of="level", group_size=G, batch_size=16, seed=0)
loader = DataLoader(list(range(len(rows))), batch_size=16 * G, sampler=sampler)

late = None
for step, batch in enumerate(loader):
    prompts = batch.tolist()[::G]  # one index per group
    rewards = rollouts(prompts)
    if late is not None:  # tell the previous batch now: feedback one batch late
        sampler.tell(*late)
    late = (prompts, rewards)
    if step == 9:
        saved = sampler.state_dict()
        break
sampler.tell(*late)
print("pass rate per level:", skill.round(2).tolist())
print({k: round(v, 3) for k, v in sampler.metrics().items()})

# Resume: a fresh sampler over a fresh teacher continues from the checkpoint.
again = CurriculumSampler(
    rows,
    tk.teachers.SEC(tk.spaces.Discrete(LEVELS), seed=123),
    task_of="level",
    group_size=G,
    batch_size=16,
    seed=0,
)
again.load_state_dict(saved)
assert again.teacher.values().tolist() != [0.0] * 4
print("resumed at epoch", saved["epoch"], "after", saved["total"], "indices")
