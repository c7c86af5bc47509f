"""verl: TeachkitSampler on real DataProto batches and in RayPPOTrainer's data loader."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import teachkit as tk

verl = pytest.importorskip("verl")
torch = pytest.importorskip("torch")

from omegaconf import OmegaConf  # noqa: E402
from verl import DataProto  # noqa: E402
from verl.trainer.ppo.ray_trainer import RayPPOTrainer  # noqa: E402
from verl.utils.dataset.rl_dataset import collate_fn  # noqa: E402

from teachkit.integrations.verl import (  # noqa: E402
    HAS_HOOK,
    CurriculumTrainerMixin,
    TeachkitSampler,
    group_outcomes,
)

LEVELS = ["d1", "d2", "d3"]


def _rows(n: int = 12) -> list[dict[str, Any]]:
    return [
        {
            "data_source": "arith",
            "prompt": [{"role": "user", "content": f"{i}+{i}="}],
            "extra_info": {"index": i, "level": LEVELS[i % 3]},
        }
        for i in range(n)
    ]


def _config(**teachkit: Any) -> Any:
    return OmegaConf.create(
        {
            "data": {
                "train_batch_size": 4,
                "val_batch_size": None,
                "dataloader_num_workers": 0,
                "seed": 0,
                "teachkit": {"task_key": "extra_info.level", "tasks": LEVELS, **teachkit},
            },
            "trainer": {"total_epochs": 1, "total_training_steps": None},
        }
    )


def _after_rewards(prompts: dict[str, Any], n: int, rng: np.random.Generator) -> DataProto:
    """What verl's fit() holds before the actor update: prompts repeated n times, uids,
    token-level rewards on the last response token, GRPO advantages over the response."""
    k = len(prompts["extra_info"])
    batch = DataProto.from_single_dict(
        {
            "dummy": torch.zeros(k, 1),
            "index": np.array([e["index"] for e in prompts["extra_info"]], dtype=object),
            "extra_info": np.asarray(prompts["extra_info"], dtype=object),
            "uid": np.array([f"u{i}" for i in range(k)], dtype=object),
        }
    ).repeat(repeat_times=n, interleave=True)
    length = 5
    scores = (rng.random(k * n) < 0.5).astype(np.float32)
    rewards = torch.zeros(k * n, length)
    rewards[:, -1] = torch.from_numpy(scores)
    grouped = scores.reshape(k, n)
    adv = (grouped - grouped.mean(1, keepdims=True)) / (grouped.std(1, keepdims=True) + 1e-6)
    batch.batch["token_level_rewards"] = rewards
    batch.batch["response_mask"] = torch.ones(k * n, length)
    batch.batch["advantages"] = (
        torch.from_numpy(adv.reshape(-1, 1).astype(np.float32)).expand(k * n, length).clone()
    )
    return batch.select_idxs(rng.permutation(k * n))  # balance_batch reorders rollouts


def test_group_outcomes_read_a_real_dataproto() -> None:
    rng = np.random.default_rng(0)
    prompts = collate_fn(_rows(4))
    batch = _after_rewards(prompts, 3, rng)
    idx, rewards, adv = group_outcomes(batch)
    assert sorted(idx.tolist()) == [0, 1, 2, 3]
    assert all(len(r) == 3 for r in rewards) and all(len(a) == 3 for a in adv)
    for i, r, a in zip(idx.tolist(), rewards, adv):
        rows = np.flatnonzero(batch.non_tensor_batch["index"] == i)
        assert sorted(r.tolist()) == sorted(
            batch.batch["token_level_rewards"][rows].sum(-1).tolist()
        )
        assert np.allclose(sorted(a), sorted(batch.batch["advantages"][rows, 0].tolist()))


def test_sampler_in_ray_ppo_trainer_dataloader_is_told_every_batch() -> None:
    assert not HAS_HOOK  # verl 0.9.1: the trainer route

    class Trainer(CurriculumTrainerMixin, RayPPOTrainer):
        pass

    told: list[int] = []

    def actor_update(self: Any, batch: DataProto) -> dict[str, Any]:
        told.append(len(batch))
        return {}

    trainer = Trainer.__new__(Trainer)
    trainer.config = _config(teacher="sec", params={"temperature": 0.2})
    sampler = TeachkitSampler(_rows(), trainer.config.data)
    trainer._create_dataloader(_rows(), _rows(4), collate_fn, sampler)
    assert trainer.train_dataloader.sampler is sampler and len(trainer.train_dataloader) == 3
    rng = np.random.default_rng(0)
    original = RayPPOTrainer._update_actor
    RayPPOTrainer._update_actor = actor_update  # the actor workers need GPUs; record instead
    try:
        for prompts in trainer.train_dataloader:
            levels = [e["level"] for e in prompts["extra_info"]]
            assert len(levels) == 4
            trainer._update_actor(_after_rewards(prompts, 2, rng))
    finally:
        RayPPOTrainer._update_actor = original
    assert told == [8, 8, 8]
    assert sampler.pending() == 0 and sampler.metrics()["teachkit/groups_told"] == 12.0
    assert sampler.teacher.values().tolist() != [0.0, 0.0, 0.0]


def test_durable_curriculum_from_the_config(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    cfg = _config(teacher="dump", storage=url, name="verl-run")
    sampler = TeachkitSampler(_rows(), cfg.data)
    it = iter(sampler)
    chosen = [next(it) for _ in range(4)]
    prompts = collate_fn([_rows()[i] for i in chosen])
    sampler.update(_after_rewards(prompts, 2, np.random.default_rng(1)))
    events = tk.Curriculum.load(url, "verl-run").events()
    assert len(events) == 4 and {e.task for e in events} <= set(LEVELS)


def test_bad_batches_and_configs_are_rejected() -> None:
    with pytest.raises(
        tk.errors.ValidationError, match=r"task_key: could not read 'extra_info\.lvl'"
    ):
        TeachkitSampler(_rows(), _config(task_key="extra_info.lvl").data)
    sampler = TeachkitSampler(_rows(), _config().data)
    bare = DataProto.from_single_dict({"x": torch.zeros(2, 1)})
    with pytest.raises(
        tk.errors.ValidationError, match="expected a DataProto with non_tensor_batch"
    ):
        sampler.update(bare)
