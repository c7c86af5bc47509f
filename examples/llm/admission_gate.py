"""DAPO's dynamic sampling with any teacher: drop zero-variance groups, refill the batch.

The admission gate keeps a group only when its rewards differ (``rule="zero_variance"``)
or when its pass rate lies inside a band (``rule="band"``, OpenRLHF's filter); the sampler
draws replacements from the teacher until the batch is full, counting what was generated
and what was kept.

    python examples/llm/admission_gate.py
"""

from __future__ import annotations

import numpy as np

import teachkit as tk
from teachkit.integrations.gate import AdmissionGate
from teachkit.integrations.torch import CurriculumSampler

LEVELS = ["easy", "medium", "hard"]
pass_rate = {"easy": 0.97, "medium": 0.5, "hard": 0.02}
rows = [{"level": LEVELS[i % 3]} for i in range(300)]
rng = np.random.default_rng(0)
G, BATCH = 8, 16

sampler = CurriculumSampler(
    rows,
    tk.teachers.DUMP(tk.spaces.Discrete(LEVELS), seed=0),
    task_of="level",
    group_size=G,
    batch_size=BATCH,
    seed=0,
)
gate = AdmissionGate(rule="band", low=0.0, high=1.0, max_rounds=6)


def generate(indices: list[int]) -> np.ndarray:
    p = np.array([pass_rate[rows[i]["level"]] for i in indices])
    return (rng.random((len(indices), G)) < p[:, None]).astype(float)


for step in range(5):
    it = iter(sampler)
    prompts = [next(it) for _ in range(BATCH * G)][::G]
    kept: list[int] = []
    rounds = 0
    while True:
        rounds += 1
        rewards = generate(prompts)
        sampler.tell(prompts, rewards)  # the teacher hears every group, kept or not
        keep = gate.admit(rewards)
        kept += [i for i, k in zip(prompts, keep) if k]
        if len(kept) >= BATCH or rounds == gate.max_rounds:
            break
        prompts = sampler.draw(BATCH - len(kept))  # refill from the teacher
    print(f"step {step}: {min(len(kept), BATCH)} informative groups in {rounds} round(s)")
print(gate.metrics())
