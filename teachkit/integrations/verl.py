"""verl: a teachkit curriculum picks the prompts of every PPO/GRPO batch.

:class:`TeachkitSampler` is a :class:`~teachkit.integrations.torch.CurriculumSampler` built
the way verl builds samplers, ``Sampler(data_source=dataset, data_config=config.data)``,
with ``update(batch)`` reading a real ``verl.DataProto``: the ``uid`` that groups the
rollouts of one prompt, the ``token_level_rewards`` (summed over the response: the sequence
reward), the ``advantages`` (averaged over the response mask) and the prompt's dataset
``index`` (verl copies ``extra_info.index`` into it: give each row its position there, as
verl's data preprocessing examples do).

Two routes, by verl version:

* verl 0.5 to 0.8 load a sampler from the config and call ``update`` after every step::

      data.sampler.class_path=pkg://teachkit.integrations.verl
      data.sampler.class_name=TeachkitSampler
      data.dataloader_num_workers=0
      +data.teachkit.teacher=sec +data.teachkit.task_key=extra_info.level

  (there the class subclasses ``verl.experimental.dataset.sampler.AbstractCurriculumSampler``).
* verl 0.9 (tested: 0.9.1) no longer loads samplers from the config; pass one to the trainer
  and mix :class:`CurriculumTrainerMixin` into ``RayPPOTrainer`` so that every batch is told
  before the actor update::

      class Trainer(CurriculumTrainerMixin, RayPPOTrainer): ...
      trainer = Trainer(config, ..., train_dataset=ds,
                        train_sampler=TeachkitSampler(ds, config.data))

The ``teachkit`` section of ``config.data``: ``teacher`` (a registry name, default ``sec``)
and ``params`` (its keyword arguments), ``tasks`` (the task names; default: the sorted
distinct values found), ``task_key`` (the row field holding the task, dotted for nested
fields; default ``data_source``), ``storage`` and ``name`` (a durable curriculum; default in
memory), ``learner_id``, ``seed``. The batch size is ``data.train_batch_size`` (or
``gen_batch_size``); verl repeats each prompt ``rollout.n`` times itself, so the sampler
yields each prompt once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.curriculum import Curriculum
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.integrations.torch import CurriculumSampler
from teachkit.registry import teacher_class
from teachkit.spaces import Discrete

try:
    from verl import DataProto
except ImportError:  # pragma: no cover - depends on the environment
    raise MissingDependencyError(
        "teachkit.integrations.verl needs verl: pip install 'teachkit[verl]'"
    ) from None

try:  # verl 0.5 to 0.8: the curriculum-sampler hook
    from verl.experimental.dataset.sampler import AbstractCurriculumSampler as _Hook

    HAS_HOOK = True
except ImportError:  # verl 0.9: no hook; see CurriculumTrainerMixin
    from torch.utils.data import Sampler as _Hook

    HAS_HOOK = False

__all__ = ["HAS_HOOK", "CurriculumTrainerMixin", "TeachkitSampler", "group_outcomes"]


def _get(config: Any, key: str, default: Any = None) -> Any:
    if config is None:
        return default
    getter = getattr(config, "get", None)
    return getter(key, default) if callable(getter) else getattr(config, key, default)


def _field(row: Any, dotted: str) -> Any:
    value = row
    for part in dotted.split("."):
        value = value[part]
    return value


def _rows_tasks(dataset: Any, key: str) -> list[Any]:
    frame = getattr(dataset, "dataframe", None)  # verl's RLHFDataset: skip tokenization
    head, _, rest = key.partition(".")
    if frame is not None and head in getattr(frame, "column_names", ()):
        column = frame[head]
        return [_field(v, rest) if rest else v for v in column]
    return [_field(dataset[i], key) for i in range(len(dataset))]


def group_outcomes(batch: DataProto) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Per prompt of a verl batch: its dataset index, rollout rewards and advantages.

    Rollouts are grouped by ``uid`` in order of first appearance (verl may reorder a batch
    to balance it). A rollout's reward is its ``token_level_rewards`` summed over the
    response, its advantage the mean of ``advantages`` over the response mask.
    """
    tensors = batch.batch
    keys = set(tensors.keys())  # TensorDict has no `in`: it asks for .keys()
    if "uid" not in batch.non_tensor_batch or "token_level_rewards" not in keys:
        raise ValidationError(
            "TeachkitSampler.update",
            [
                "expected a DataProto with non_tensor_batch['uid'] and "
                "batch['token_level_rewards'] (a batch after reward computation)"
            ],
        )
    uid = np.asarray(batch.non_tensor_batch["uid"])
    rewards = tensors["token_level_rewards"].float().sum(dim=-1).cpu().numpy()
    adv: np.ndarray | None = None
    if "advantages" in keys:
        a = tensors["advantages"].float()
        mask = tensors["response_mask"].float() if "response_mask" in keys else None
        if mask is None:
            adv = a[:, 0].cpu().numpy()
        else:
            adv = ((a * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).cpu().numpy()
    index = batch.non_tensor_batch.get("index")
    if index is None:
        raise ValidationError(
            "TeachkitSampler.update",
            [
                "expected non_tensor_batch['index'] (verl copies extra_info.index into it); "
                "store each row's position in extra_info.index"
            ],
        )
    _, first, inverse = np.unique(uid, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    idx = np.asarray(index)[first[order]].astype(np.int64)
    r_groups = [rewards[inverse == g] for g in order]
    a_groups = [adv[inverse == g] for g in order] if adv is not None else []
    return idx, r_groups, a_groups


class TeachkitSampler(CurriculumSampler, _Hook):
    """A CurriculumSampler with verl's constructor and ``update(batch)``.

    Args:
        data_source: the train dataset (verl's ``RLHFDataset``, or any map-style dataset of
            dict rows).
        data_config: verl's ``config.data`` (its ``teachkit`` section configures the
            curriculum; see the module docstring).
        curriculum: a Curriculum or teacher to use instead of the one the config describes.
    """

    def __init__(self, data_source: Any, data_config: Any, curriculum: Any = None) -> None:
        tk_cfg = _get(data_config, "teachkit", {}) or {}
        key = str(_get(tk_cfg, "task_key", "data_source"))
        try:
            tasks = _rows_tasks(data_source, key)
        except (KeyError, TypeError, IndexError) as exc:
            raise ValidationError(
                "TeachkitSampler",
                [f"task_key: could not read {key!r} from the rows ({type(exc).__name__}: {exc})"],
            ) from None
        tasks = [str(t) for t in tasks]
        if curriculum is None:
            names = _get(tk_cfg, "tasks") or sorted(set(tasks))
            space = Discrete([str(n) for n in names])
            params = dict(_get(tk_cfg, "params", {}) or {})
            seed = _get(tk_cfg, "seed", _get(data_config, "seed", 0))
            teacher = teacher_class(str(_get(tk_cfg, "teacher", "sec")))(space, seed=seed, **params)
            storage = _get(tk_cfg, "storage")
            curriculum = (
                teacher
                if storage is None
                else Curriculum(
                    teacher, storage, str(_get(tk_cfg, "name", "verl")), load_if_exists=True
                )
            )
        batch = _get(data_config, "gen_batch_size") or _get(data_config, "train_batch_size", 1)
        super().__init__(
            data_source,
            curriculum,
            task_of=tasks,
            batch_size=int(batch),
            learner_id=str(_get(tk_cfg, "learner_id", "policy")),
            seed=int(_get(tk_cfg, "seed", _get(data_config, "seed", 0)) or 0),
        )
        self.data_config = data_config

    def update(self, batch: DataProto) -> None:
        """Tell the curriculum every prompt's group of rollouts in ``batch``."""
        idx, r_groups, a_groups = group_outcomes(batch)
        sizes = np.array([len(r) for r in r_groups])
        for size in np.unique(sizes).tolist():  # groups of one size are told together
            pick = np.flatnonzero(sizes == size)
            rewards = np.stack([r_groups[i] for i in pick])
            adv = np.stack([a_groups[i] for i in pick]) if a_groups else None
            self.tell(idx[pick], rewards, adv)


class CurriculumTrainerMixin:
    """Mix into verl 0.9's ``RayPPOTrainer``: tells the train sampler every batch.

    verl 0.9 has no curriculum hook, so the mixin tells the sampler (a
    :class:`TeachkitSampler` passed as ``train_sampler=``) right before the actor update,
    when the batch holds rewards and advantages. With ``critic_warmup > 0`` the warm-up
    steps are not told (there is no actor update then).
    """

    train_dataloader: Any

    def _update_actor(self, batch: DataProto) -> Any:
        sampler = getattr(self.train_dataloader, "sampler", None)
        if isinstance(sampler, TeachkitSampler):
            sampler.update(batch)
        return super()._update_actor(batch)  # type: ignore[misc]
