"""CurriculumSampler: groups, late feedback, checkpoints, two ranks, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.integrations.torch import CurriculumSampler
from tests.integrations._llm import hashed_reward, prompt_rows

LEVELS = ["d1", "d2", "d3"]


def _rows() -> list[dict]:
    cols = prompt_rows(4, 3)
    return [dict(zip(cols, r)) for r in zip(*cols.values())]


def _sampler(teacher=None, **kw) -> CurriculumSampler:
    space = tk.spaces.Discrete(LEVELS)
    teacher = teacher or tk.teachers.SEC(space, seed=0)
    kw.setdefault("num_samples", 120)
    return CurriculumSampler(_rows(), teacher, task_of="level", **kw)


def _run(sampler: CurriculumSampler, chunks: int, late: int = 0) -> list[int]:
    """Take ``chunks`` chunks; tell each one ``late`` chunks after it was taken."""
    out: list[int] = []
    waiting: list[list[int]] = []
    it = iter(sampler)
    size = sampler.batch_size * sampler.group_size * sampler.repeat
    for _ in range(chunks):
        chunk = [next(it) for _ in range(size)]
        out.extend(chunk)
        waiting.append(chunk[: sampler.batch_size * sampler.group_size : sampler.group_size])
        if len(waiting) > late:
            idx = waiting.pop(0)
            sampler.tell(idx, [[hashed_reward(i, 0), hashed_reward(i, 1)] for i in idx])
    return out


def test_golden_layout_groups_repeats_and_tasks() -> None:
    s = _sampler(group_size=2, batch_size=3, repeat=2)
    got = _run(s, 2)
    assert got[:12] == [7, 7, 2, 2, 0, 0, 7, 7, 2, 2, 0, 0]
    assert len(s) == (120 // 3) * 3 * 2 * 2
    data = _rows()
    assert all(data[i]["level"] in LEVELS for i in got)
    assert s.pending() == 0


def test_rows_of_a_task_rotate_without_repeats() -> None:
    space = tk.spaces.Discrete(LEVELS)
    always_d1 = tk.teachers.Sequential(space, threshold=2.0)  # never advances: d1 only
    s = CurriculumSampler(_rows(), always_d1, task_of="level", batch_size=4)
    first = [next(iter(s)) for _ in range(4)]
    assert sorted(first) == [0, 1, 2, 3]


def test_feedback_may_come_late() -> None:
    prompt = _run(_sampler(group_size=2, batch_size=3), 4, late=0)
    late = _sampler(group_size=2, batch_size=3)
    got = _run(late, 4, late=2)
    assert len(got) == len(prompt)
    assert late.pending() == 2 * 3  # two chunks still waiting for their outcomes
    assert late.teacher.values().tolist() != [0.0, 0.0, 0.0]


def test_checkpoint_resume_continues_the_sequence() -> None:
    straight = _run(_sampler(group_size=2, batch_size=3), 6)
    first = _sampler(group_size=2, batch_size=3)
    head = _run(first, 3)
    state = json.loads(json.dumps(first.state_dict()))
    resumed = _sampler(
        tk.teachers.SEC(tk.spaces.Discrete(LEVELS), seed=99), group_size=2, batch_size=3
    )
    resumed.load_state_dict(state)
    assert head + _run(resumed, 3) == straight


def test_state_rewinds_to_what_was_consumed() -> None:
    s = _sampler(group_size=2, batch_size=3)
    it = iter(s)
    taken = [next(it) for _ in range(6)]
    s.tell(taken[::2], [[1.0, 0.0]] * 3)
    prefetched = [next(it) for _ in range(6)]  # a loader's look-ahead: decided, not used
    state = s.state_dict(consumed=6)
    assert state["total"] == 6 and state["offset"] == 0
    assert state["chunk"] == prefetched[::2]  # decided already: saved, not asked again
    again = _sampler(
        tk.teachers.SEC(tk.spaces.Discrete(LEVELS), seed=5), group_size=2, batch_size=3
    )
    again.load_state_dict(state)
    assert [next(iter(again)) for _ in range(6)] == prefetched


def test_stateful_dataloader_resumes() -> None:
    from torchdata.stateful_dataloader import StatefulDataLoader

    def loader(teacher):
        s = _sampler(teacher, group_size=2, batch_size=2)
        return s, StatefulDataLoader(list(range(12)), batch_size=4, sampler=s)

    space = tk.spaces.Discrete(LEVELS)
    _, dl = loader(tk.teachers.Uniform(space, seed=1))
    full = [b.tolist() for b in dl]
    _, dl = loader(tk.teachers.Uniform(space, seed=1))
    it = iter(dl)
    head = [next(it).tolist() for _ in range(2)]
    state = dl.state_dict()
    _, dl2 = loader(tk.teachers.Uniform(space, seed=7))
    dl2.load_state_dict(state)
    assert head + [b.tolist() for b in dl2] == full


def test_durable_curriculum_and_hugging_face_datasets(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data = datasets.Dataset.from_dict(prompt_rows(4, 3))
    space = tk.spaces.Discrete(LEVELS)
    url = f"sqlite:///{tmp_path / 'run.db'}"
    cur = tk.Curriculum(tk.teachers.DUMP(space, seed=0), storage=url, name="grpo")
    s = CurriculumSampler(data, cur, task_of="level", group_size=2, batch_size=3)
    _run(s, 2)
    events = cur.events()
    assert len(events) == 6 and all(len(e.outcome.rewards or ()) == 2 for e in events)
    assert events[0].outcome.score == np.mean(events[0].outcome.rewards)  # the pass rate
    state = s.state_dict()
    assert state["source"] == {"kind": "curriculum", "storage": url, "name": "grpo", "ops": 4}
    for suffix in ("", "-wal", "-shm"):  # the log as it was at the checkpoint (WAL mode)
        if (tmp_path / f"run.db{suffix}").exists():
            shutil.copy(tmp_path / f"run.db{suffix}", tmp_path / f"copy.db{suffix}")
    expected = _run(s, 1)
    copy = tk.Curriculum.load(f"sqlite:///{tmp_path / 'copy.db'}", "grpo")
    again = CurriculumSampler(data, copy, task_of="level", group_size=2, batch_size=3)
    again.load_state_dict(state)
    assert _run(again, 1) == expected


@pytest.mark.slow
def test_two_ranks_yield_the_same_indices(tmp_path: Path) -> None:
    init = f"file://{tmp_path / 'init'}"
    outs = [tmp_path / f"rank{r}.json" for r in (0, 1)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.integrations._dist_worker", str(r), init, str(outs[r])]
        )
        for r in (0, 1)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    got = [json.loads(o.read_text()) for o in outs]
    assert got[0]["indices"] == got[1]["indices"]
    assert got[0]["values"] != [0.0, 0.0, 0.0]  # rank 0's teacher learned
    assert got[1]["values"] == [0.0, 0.0, 0.0]  # rank 1's was never told: one decider


def test_bad_input_is_rejected() -> None:
    space = tk.spaces.Discrete(LEVELS)
    with pytest.raises(ValidationError, match="every task needs at least one row; none for 'd3'"):
        CurriculumSampler(_rows()[:8], tk.teachers.SEC(space), task_of="level")
    datasets = pytest.importorskip("datasets")
    with pytest.raises(ValidationError, match="no column 'lvl'"):
        CurriculumSampler(
            datasets.Dataset.from_dict(prompt_rows(4, 3)), tk.teachers.SEC(space), task_of="lvl"
        )
    with pytest.raises(ValidationError, match="expected a teacher on a Discrete space"):
        CurriculumSampler(_rows(), tk.teachers.Uniform(tk.spaces.Box([0.0], [1.0])))
    s = _sampler(group_size=2, batch_size=3)
    with pytest.raises(ValidationError, match="no decided, untold prompt with dataset index 0"):
        s.tell([0], [[1.0, 0.0]])
    it = iter(s)
    chunk = [next(it) for _ in range(6)]
    with pytest.raises(ValidationError, match="rewards: expected shape \\(1, G\\)"):
        s.tell(chunk[:1], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(
        ValidationError, match="each run of group_size=2 rollouts must share one index"
    ):
        s.tell([chunk[0], chunk[2]], [1.0, 0.0])
    assert s.tell(chunk, [1.0, 0.0] * 3) == 3  # one reward per rollout works too
