"""TRL's GRPOTrainer with a teachkit curriculum choosing every generation batch.

:class:`CurriculumGRPOTrainer` is a ``trl.GRPOTrainer`` (tested with trl 1.16.0) whose train
sampler is a :class:`~teachkit.integrations.torch.CurriculumSampler`. TRL's group structure
is kept: each chosen prompt is repeated ``num_generations`` times, a generation batch holds
``generation_batch_size // num_generations`` prompts, and it is yielded
``num_iterations * steps_per_generation`` times, exactly as TRL's own ``RepeatSampler`` lays
it out. After the rewards of a generation batch are computed (gathered over processes, as
TRL does), each prompt's group of rewards and its advantages are told to the curriculum,
matched by a ``teachkit_index`` column the trainer adds to the dataset (reward functions
still get every dataset column and ``trainer_state``). Teacher metrics (each task's weight,
the share of zero-variance groups, the admission gate's counts) go through the trainer's
logging, and the sampler's state (position, decided prompts, teacher) is saved in every
checkpoint and restored by ``train(resume_from_checkpoint=...)``.

With an :class:`~teachkit.integrations.gate.AdmissionGate`, groups the gate rejects (all
rewards equal, or a pass rate outside a band) are replaced: the trainer draws more prompts
from the curriculum, generates and scores them, and swaps kept groups in, for up to
``gate.max_rounds`` rounds (DAPO's dynamic sampling). Refills need each process to hold
whole groups (``per_device_train_batch_size * steps_per_generation`` a multiple of
``num_generations``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from teachkit._teacher import BaseTeacher
from teachkit.curriculum import Curriculum
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.integrations.gate import AdmissionGate
from teachkit.integrations.torch import CurriculumSampler, task_column

try:
    import torch
    from accelerate.utils import gather_object
    from trl import GRPOTrainer
except ImportError:  # pragma: no cover - depends on the environment
    raise MissingDependencyError(
        "teachkit.integrations.trl needs TRL: pip install 'teachkit[trl]'"
    ) from None

__all__ = ["INDEX_COLUMN", "STATE_FILE", "CurriculumGRPOTrainer"]

INDEX_COLUMN = "teachkit_index"
"""The dataset column the trainer adds: each row's index, to match rewards to prompts."""
STATE_FILE = "teachkit_sampler.json"
"""The file in each checkpoint folder holding the sampler's state."""

# Tensors of a generation batch and the side their padding is on.
_LEFT = ("prompt_ids", "prompt_mask")
_RIGHT = (
    "completion_ids",
    "completion_mask",
    "old_per_token_logps",
    "ref_per_token_logps",
    "sampling_per_token_logps",
    "importance_sampling_ratio",
    "tool_mask",
)


class _Indexed(torch.utils.data.Dataset):
    """Rows of a plain dataset as dicts with their index added."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        row = dict(self.rows[i])
        row[INDEX_COLUMN] = i
        return row


def _with_index(dataset: Any) -> Any:
    names = getattr(dataset, "column_names", None)
    if names is not None:  # a datasets.Dataset
        if INDEX_COLUMN in names:
            return dataset
        return dataset.add_column(INDEX_COLUMN, list(range(len(dataset))))
    return _Indexed(dataset)


class CurriculumGRPOTrainer(GRPOTrainer):
    """``GRPOTrainer`` sampling prompts through a teachkit curriculum.

    Takes GRPOTrainer's arguments (``train_dataset`` as a keyword) plus:

    Args:
        curriculum: a :class:`~teachkit.Curriculum` or a bare teacher on a
            :class:`~teachkit.spaces.Discrete` space whose tasks are the rows' tasks.
        task_of: the dataset column naming each row's task, a function of a row, a list of
            tasks, or None (one task per row).
        gate: an :class:`~teachkit.integrations.gate.AdmissionGate` to drop and refill
            uninformative groups (default: none, every group is trained on).
        learner_id: the learner the curriculum teaches.
        pass_threshold: reward at or above which a rollout passes (see
            :class:`~teachkit.integrations.torch.CurriculumSampler`).

    Data skipping on resume is turned off (``args.ignore_data_skip = True``): the sampler
    resumes from its saved position, so no batch has to be replayed.
    """

    # TRL's attributes as this class uses them (set by GRPOTrainer.__init__)
    args: Any
    model: Any
    num_generations: int
    train_dataset: Any

    def __init__(
        self,
        *args: Any,
        curriculum: Curriculum | BaseTeacher,
        task_of: Any = None,
        gate: AdmissionGate | None = None,
        learner_id: str = "policy",
        pass_threshold: float | None = None,
        train_dataset: Any = None,
        **kwargs: Any,
    ) -> None:
        if train_dataset is None:
            raise ValidationError(
                "CurriculumGRPOTrainer",
                ["train_dataset: expected the prompts to train on (a keyword argument), got None"],
            )
        if gate is not None and not isinstance(gate, AdmissionGate):
            raise ValidationError(
                "CurriculumGRPOTrainer",
                [f"gate: expected an AdmissionGate or None, got {type(gate).__name__}"],
            )
        if hasattr(train_dataset, "__iter__") and not hasattr(train_dataset, "__getitem__"):
            raise ValidationError(
                "CurriculumGRPOTrainer",
                [
                    "train_dataset: expected a map-style dataset (rows by index), got an iterable one"
                ],
            )
        self._tk_tasks = task_column(train_dataset, task_of)
        self._tk_curriculum = curriculum
        self._tk_learner = learner_id
        self._tk_threshold = pass_threshold
        self._tk_gate = gate
        self._tk_sampler: CurriculumSampler | None = None
        self._tk_resume: dict[str, Any] | None = None
        self._tk_consumed = 0
        self._tk_capture: tuple[list[int], torch.Tensor] | None = None
        kwargs["train_dataset"] = _with_index(train_dataset)
        super().__init__(*args, **kwargs)
        self.args.ignore_data_skip = True
        if gate is not None:
            per_process = self.args.per_device_train_batch_size * self.args.steps_per_generation
            if per_process % self.num_generations:
                raise ValidationError(
                    "CurriculumGRPOTrainer",
                    [
                        f"gate: refills need whole groups on each process, but "
                        f"per_device_train_batch_size * steps_per_generation = {per_process} is "
                        f"not a multiple of num_generations = {self.num_generations}"
                    ],
                )

    # -- sampling ------------------------------------------------------------------------------
    @property
    def curriculum_sampler(self) -> CurriculumSampler:
        """The sampler (built on first use, with TRL's group structure)."""
        if self._tk_sampler is None:
            args = self.args
            self._tk_sampler = CurriculumSampler(
                self.train_dataset,
                self._tk_curriculum,
                task_of=self._tk_tasks,
                group_size=self.num_generations,
                batch_size=args.generation_batch_size // self.num_generations,
                repeat=self.num_iterations * args.steps_per_generation,
                learner_id=self._tk_learner,
                pass_threshold=self._tk_threshold,
                seed=args.seed,
            )
        return self._tk_sampler

    def _get_train_sampler(self, dataset: Any = None) -> CurriculumSampler:
        if dataset is not None and dataset is not self.train_dataset:
            raise ValidationError(
                "CurriculumGRPOTrainer",
                ["the curriculum sampler serves the train_dataset it was built with"],
            )
        return self.curriculum_sampler

    def training_step(self, model: Any, inputs: Any, num_items_in_batch: Any = None) -> Any:
        # what the loop really used (the data loader prefetches): checkpoints rewind to it
        self._tk_consumed += len(inputs) * self.accelerator.num_processes
        return super().training_step(model, inputs, num_items_in_batch)

    # -- feedback ------------------------------------------------------------------------------
    def _calculate_rewards(self, inputs: Any, prompts: Any, completions: Any, ids: Any) -> Any:
        per_func = super()._calculate_rewards(inputs, prompts, completions, ids)
        if self.model.training:
            index = gather_object([int(x[INDEX_COLUMN]) for x in inputs])
            weights = self.reward_weights.to(per_func.device).unsqueeze(0)
            rewards = (per_func * weights).nansum(dim=1)
            rewards[torch.isnan(per_func).all(dim=1)] = torch.nan
            self._tk_capture = (index, rewards)
        return per_func

    def _generate_and_score_completions(self, inputs: Any) -> Any:
        out = super()._generate_and_score_completions(inputs)
        if not self.model.training:
            return out
        keep = self._tell(out)
        if self._tk_gate is not None:
            out = self._refill(inputs, out, keep)
        return out

    def _tell(self, out: dict[str, Any]) -> np.ndarray:
        """Tell the captured generation's groups; returns the gate's verdict per group."""
        assert self._tk_capture is not None, "rewards were not captured"
        index, rewards = self._tk_capture
        self._tk_capture = None
        g = self.num_generations
        adv = self.accelerator.gather(out["advantages"]).float().cpu().numpy().reshape(-1, g)
        r = rewards.float().cpu().numpy().reshape(-1, g)
        idx = np.asarray(index, dtype=np.int64).reshape(-1, g)[:, 0]
        usable = ~np.isnan(r).all(axis=1)
        r = np.where(np.isnan(r), np.nanmean(np.where(usable[:, None], r, 0.0), axis=1)[:, None], r)
        if usable.any():
            self.curriculum_sampler.tell(idx[usable], r[usable], adv[usable])
        if self._tk_gate is None:
            return np.ones(len(idx), dtype=bool)
        return self._tk_gate.admit(r)

    def _refill(self, inputs: Any, out: dict[str, Any], keep: np.ndarray) -> dict[str, Any]:
        """Replace rejected groups of this process by kept groups of fresh prompts."""
        gate = self._tk_gate
        assert gate is not None
        g = self.num_generations
        world, rank = self.accelerator.num_processes, self.accelerator.process_index
        local_groups = len(inputs) // g
        per_rank = keep.reshape(world, local_groups)
        todo = [list(np.flatnonzero(~per_rank[r])) for r in range(world)]
        rounds = 1
        while rounds < gate.max_rounds and any(todo):
            need = max(len(t) for t in todo)
            fresh = self.curriculum_sampler.draw(need * world)
            mine = fresh[rank * need : (rank + 1) * need]
            rows = [self.train_dataset[i] for i in mine for _ in range(g)]
            extra = super()._generate_and_score_completions(rows)
            verdict = self._tell(extra).reshape(world, need)
            rounds += 1
            for r in range(world):
                good = list(np.flatnonzero(verdict[r]))
                take = min(len(good), len(todo[r]))
                if r == rank and take:
                    slots = [int(i) for i in todo[r][:take]]
                    out = _swap_groups(out, extra, slots, [int(i) for i in good[:take]], g, self)
                todo[r] = todo[r][take:]
        gate.rounds += rounds
        gate.batches += 1
        if rounds > 1:
            mask = out["completion_mask"]
            out["num_items_in_batch"] = self.accelerator.gather(mask.sum()).sum()
        return out

    # -- logging and checkpoints ---------------------------------------------------------------
    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        if self.model.training and self._tk_sampler is not None:
            logs.update(self._tk_sampler.metrics())
            if self._tk_gate is not None:
                logs.update(self._tk_gate.metrics())
        super().log(logs, start_time)

    def _save_checkpoint(self, model: Any, trial: Any) -> None:
        super()._save_checkpoint(model, trial)
        if self.args.should_save and self._tk_sampler is not None:
            from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

            folder = os.path.join(
                self._get_output_dir(trial=trial),
                f"{PREFIX_CHECKPOINT_DIR}-{self.state.global_step}",
            )
            state = {
                "sampler": self._tk_sampler.state_dict(consumed=self._tk_consumed),
                "gate": None if self._tk_gate is None else self._tk_gate.state_dict(),
            }
            with open(os.path.join(folder, STATE_FILE), "w") as f:
                json.dump(state, f)

    def _load_optimizer_and_scheduler(self, checkpoint: Any) -> None:
        super()._load_optimizer_and_scheduler(checkpoint)
        if checkpoint is None:
            return
        path = os.path.join(checkpoint, STATE_FILE)
        if not os.path.exists(path):
            raise ValidationError(
                "CurriculumGRPOTrainer",
                [
                    f"resume_from_checkpoint: {checkpoint} has no {STATE_FILE}; it was not "
                    "written by a CurriculumGRPOTrainer"
                ],
            )
        with open(path) as f:
            state = json.load(f)
        self.curriculum_sampler.load_state_dict(state["sampler"])
        self._tk_consumed = int(state["sampler"]["total"])
        if self._tk_gate is not None and state.get("gate"):
            self._tk_gate.load_state_dict(state["gate"])


def _swap_groups(
    out: dict[str, Any],
    extra: dict[str, Any],
    slots: list[int],
    sources: list[int],
    g: int,
    trainer: Any,
) -> dict[str, Any]:
    """``out`` with the rows of groups ``slots`` replaced by the rows of ``extra``'s groups
    ``sources`` (padding both to a common length first)."""
    dst = torch.tensor([s * g + k for s in slots for k in range(g)], dtype=torch.long)
    src = torch.tensor([s * g + k for s in sources for k in range(g)], dtype=torch.long)
    pad_id = getattr(trainer, "pad_token_id", 0) or 0
    merged = dict(out)
    for key, value in out.items():
        other = extra.get(key)
        if not isinstance(value, torch.Tensor) or not isinstance(other, torch.Tensor):
            continue
        if value.dim() == 0:
            continue
        if (
            value.dim() >= 2
            and value.shape[1] != other.shape[1]
            and (key in _LEFT or key in _RIGHT)
        ):
            width = max(value.shape[1], other.shape[1])
            fill = pad_id if key.endswith("_ids") else 0
            value = _pad(value, width, fill, left=key in _LEFT)
            other = _pad(other, width, fill, left=key in _LEFT)
        value = value.clone()
        value[dst.to(value.device)] = other[src.to(other.device)].to(value.dtype)
        merged[key] = value
    return merged


def _pad(t: torch.Tensor, width: int, fill: float, *, left: bool) -> torch.Tensor:
    missing = width - t.shape[1]
    if missing <= 0:
        return t
    shape = (t.shape[0], missing, *t.shape[2:])
    pad = torch.full(shape, fill, dtype=t.dtype, device=t.device)
    return torch.cat([pad, t] if left else [t, pad], dim=1)
