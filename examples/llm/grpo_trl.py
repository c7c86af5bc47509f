"""GRPO with TRL's GRPOTrainer, prompts chosen by a teachkit curriculum.

A tiny character-level model is built here (no download); three GRPO steps on addition
problems of two levels, SEC choosing the level of every prompt, each prompt's group of
rewards told back to a durable SQLite curriculum, teacher metrics in the trainer's log.

    python examples/llm/grpo_trl.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from datasets import Dataset
from trl import GRPOConfig

import teachkit as tk
from teachkit.integrations.trl import CurriculumGRPOTrainer
from teachkit.testing.tiny_lm import tiny_lm

data = Dataset.from_dict(
    {
        "prompt": [f"{a}+{a + 1}=" for a in range(8)] + [f"{a}+{a}=" for a in range(10, 90, 10)],
        "answer": [str(2 * a + 1) for a in range(8)] + [str(2 * a) for a in range(10, 90, 10)],
        "level": ["one-digit"] * 8 + ["two-digit"] * 8,
    }
)


def correct(completions, answer, trainer_state, **kwargs):
    """1 for the right sum; reward functions get the dataset columns and trainer_state."""
    return [1.0 if c.strip() == a else 0.0 for c, a in zip(completions, answer)]


def starts_with_digit(completions, **kwargs):
    """A shaping reward, so that a random model's groups are not all zero."""
    return [0.5 if c[:1].isdigit() else 0.0 for c in completions]


out = Path(tempfile.mkdtemp())
space = tk.spaces.Discrete(["one-digit", "two-digit"])
curriculum = tk.Curriculum(
    tk.teachers.SEC(space, seed=0), storage=f"sqlite:///{out / 'c.db'}", name="grpo"
)
model, tokenizer = tiny_lm(seed=0)
trainer = CurriculumGRPOTrainer(
    model=model,
    reward_funcs=[correct, starts_with_digit],
    args=GRPOConfig(
        output_dir=str(out),
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=4,
        max_steps=3,
        logging_steps=1,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        disable_tqdm=True,
    ),
    train_dataset=data,
    processing_class=tokenizer,
    curriculum=curriculum,
    task_of="level",
)
trainer.train()
print(len(curriculum.events()), "groups told;", trainer.state.log_history[-2])
