"""TRL's GRPOTrainer through CurriculumGRPOTrainer: a tiny model built here, a few steps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import teachkit as tk
from tests.integrations._llm import hashed_reward, prompt_rows

datasets = pytest.importorskip("datasets")
trl = pytest.importorskip("trl")

from teachkit.integrations.gate import AdmissionGate  # noqa: E402
from teachkit.integrations.trl import INDEX_COLUMN, STATE_FILE, CurriculumGRPOTrainer  # noqa: E402
from teachkit.testing.tiny_lm import tiny_lm  # noqa: E402

pytestmark = pytest.mark.slow

LEVELS = ["d1", "d2"]


class Recorder:
    """A reward function that records what it was given; reward depends on the prompt only."""

    __name__ = "recorder"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, completions: list[str], **kw: Any) -> list[float]:
        idx = list(kw[INDEX_COLUMN])
        self.calls.append(
            {
                "index": idx,
                "step": kw["trainer_state"].global_step,
                "columns": sorted(k for k in kw if k != "trainer_state"),
            }
        )
        seen: dict[int, int] = {}
        out = []
        for i in idx:
            out.append(hashed_reward(i, seen.get(i, 0)))
            seen[i] = seen.get(i, 0) + 1
        return out


def _config(tmp: Path, **kw: Any) -> Any:
    base = {
        "output_dir": str(tmp),
        "per_device_train_batch_size": 4,
        "num_generations": 2,
        "max_completion_length": 3,
        "max_steps": 3,
        "learning_rate": 1e-3,
        "report_to": [],
        "logging_steps": 1,
        "save_strategy": "no",
        "use_cpu": True,
        "seed": 0,
        "disable_tqdm": True,
    }
    base.update(kw)
    return trl.GRPOConfig(**base)


def _trainer(tmp: Path, curriculum: Any, reward: Recorder, **kw: Any) -> CurriculumGRPOTrainer:
    gate = kw.pop("gate", None)
    model, tok = tiny_lm(seed=0)
    data = datasets.Dataset.from_dict(prompt_rows(n_per_level=4))
    return CurriculumGRPOTrainer(
        model=model,
        reward_funcs=reward,
        args=_config(tmp, **kw),
        train_dataset=data,
        processing_class=tok,
        curriculum=curriculum,
        task_of="level",
        gate=gate,
    )


def test_every_group_is_told_with_columns_and_trainer_state(tmp_path: Path) -> None:
    space = tk.spaces.Discrete(LEVELS)
    cur = tk.Curriculum(tk.teachers.SEC(space, seed=0))
    reward = Recorder()
    trainer = _trainer(tmp_path, cur, reward)
    trainer.train()
    events = cur.events()
    # 3 steps x 2 prompts, one group of 2 rollouts each, in the order they were generated
    assert len(events) == 6
    assert all(len(e.outcome.rewards or ()) == 2 for e in events)
    told = [i for call in reward.calls for i in call["index"][::2]]
    data = prompt_rows(n_per_level=4)
    assert [e.task for e in events] == [data["level"][i] for i in told]
    expected = [[hashed_reward(i, 0), hashed_reward(i, 1)] for i in told]
    assert [list(e.outcome.rewards or ()) for e in events] == expected
    assert all(e.outcome.advantages is not None for e in events)
    assert {"answer", "level", INDEX_COLUMN} <= set(reward.calls[0]["columns"])
    assert [c["step"] for c in reward.calls] == [0, 1, 2]
    logged = trainer.state.log_history[0]
    assert {"teachkit/weight/d1", "teachkit/weight/d2", "teachkit/zero_variance_fraction"} <= set(
        logged
    )
    assert len(cur.assignments()) <= 2  # open: at most the one batch the loader prefetched


def test_a_resumed_run_continues_the_same_sequence(tmp_path: Path) -> None:
    space = tk.spaces.Discrete(LEVELS)
    straight = Recorder()
    _trainer(tmp_path / "a", tk.teachers.SEC(space, seed=3), straight, max_steps=4).train()

    first = Recorder()
    _trainer(
        tmp_path / "b",
        tk.teachers.SEC(space, seed=3),
        first,
        max_steps=2,
        save_strategy="steps",
        save_steps=2,
    ).train()
    checkpoint = tmp_path / "b" / "checkpoint-2"
    state = json.loads((checkpoint / STATE_FILE).read_text())
    assert state["sampler"]["total"] == 2 * 4  # rewound to what was consumed, not prefetched
    second = Recorder()
    _trainer(tmp_path / "b", tk.teachers.SEC(space, seed=3), second, max_steps=4).train(
        resume_from_checkpoint=str(checkpoint)
    )
    sequence = [c["index"] for c in straight.calls]
    assert [c["index"] for c in first.calls] + [c["index"] for c in second.calls] == sequence


def test_the_gate_refills_rejected_groups(tmp_path: Path) -> None:
    space = tk.spaces.Discrete(LEVELS)
    cur = tk.Curriculum(tk.teachers.Uniform(space, seed=0))
    gate = AdmissionGate(max_rounds=3)
    reward = Recorder()
    trainer = _trainer(tmp_path, cur, reward, gate=gate, max_steps=2)
    trainer.train()
    rewards = np.array([e.outcome.rewards for e in cur.events()])
    zero = int((rewards.std(axis=1) == 0).sum())
    assert gate.generated == len(rewards)  # every group generated went through the gate
    assert gate.kept == len(rewards) - zero
    assert gate.generated > 2 * 2  # refills happened: more than the 2 x 2 groups of 2 steps
    assert "gate/pass_rate" in trainer.state.log_history[0]


def test_bad_arguments_are_rejected(tmp_path: Path) -> None:
    space = tk.spaces.Discrete(LEVELS)
    model, tok = tiny_lm(seed=0)
    data = datasets.Dataset.from_dict(prompt_rows(n_per_level=2))
    with pytest.raises(tk.errors.ValidationError, match="train_dataset: expected the prompts"):
        CurriculumGRPOTrainer(
            model=model, reward_funcs=Recorder(), args=_config(tmp_path), curriculum=space
        )
    with pytest.raises(tk.errors.ValidationError, match="gate: expected an AdmissionGate"):
        CurriculumGRPOTrainer(
            model=model,
            reward_funcs=Recorder(),
            args=_config(tmp_path),
            train_dataset=data,
            processing_class=tok,
            curriculum=tk.teachers.SEC(space),
            task_of="level",
            gate="dapo",
        )


def test_trl_group_structure_with_several_steps_per_generation(tmp_path: Path) -> None:
    space = tk.spaces.Discrete(LEVELS)
    cur = tk.Curriculum(tk.teachers.DUMP(space, seed=0))
    reward = Recorder()
    trainer = _trainer(tmp_path, cur, reward, max_steps=4, steps_per_generation=2, num_iterations=2)
    sampler = trainer.curriculum_sampler
    assert (sampler.group_size, sampler.batch_size, sampler.repeat) == (2, 4, 4)
    trainer.train()
    # 4 steps = one generation (2 steps per generation x 2 iterations): 4 prompts, told once
    assert len(reward.calls) == 1 and len(cur.events()) == 4
    idx = reward.calls[0]["index"]
    assert idx[::2] == idx[1::2]  # each prompt's 2 rollouts side by side
