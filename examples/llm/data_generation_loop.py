"""A DataEnvGym-style loop: the teacher decides which skill to generate training data for.

Each round the teacher plans a budget of data points over skills, a generator makes them,
the student trains on them and is evaluated per skill, and the per-skill accuracies are the
teacher's feedback. The student here is simulated: data helps a skill with diminishing
returns, and one skill ("proofs") cannot be learned from generated data.

    python examples/llm/data_generation_loop.py
"""

from __future__ import annotations

import numpy as np

import teachkit as tk

skills = ["addition", "fractions", "algebra", "proofs"]
learn_rate = np.array([0.02, 0.01, 0.006, 0.0])  # accuracy gained per data point
accuracy = np.array([0.6, 0.3, 0.1, 0.05])

curriculum = tk.Curriculum(tk.teachers.DataEnvTeacher(tk.spaces.Discrete(skills), seed=0))
for round_ in range(8):
    plan = curriculum.ask_many("student", 20)  # 20 data points to generate this round
    counts = np.bincount(plan.encoded, minlength=len(skills))
    accuracy = np.minimum(1.0, accuracy + learn_rate * counts * (1.0 - accuracy))
    # feedback: the student's accuracy per skill after training, on every planned data
    # point of that skill, and recorded for the skills the plan left out
    curriculum.tell_many(plan, [tk.Outcome(score=float(accuracy[t])) for t in plan.encoded])
    for s in np.flatnonzero(counts == 0).tolist():
        curriculum.record("student", skills[s], tk.Outcome(score=float(accuracy[s])))
    print(round_, dict(zip(skills, counts.tolist())), accuracy.round(2).tolist())
print("priorities:", curriculum.teacher.priorities().round(3).tolist())
