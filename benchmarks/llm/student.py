"""The language-model student: a small transformer, SFT warm start, then GRPO through TRL.

    PYTHONPATH=. nice -n 15 .venv/bin/python benchmarks/llm/student.py --teacher sec --seed 0

One run: build (or load from ``--out``) the seed's warm-started model, then train it with
``teachkit.integrations.trl.CurriculumGRPOTrainer`` (TRL's GRPOTrainer) for ``--steps``
steps, the teacher choosing the level of every prompt, and evaluate greedy accuracy per
level every ``--eval-every`` steps on held-out problems, including a harder level never
trained on. Prints one JSON line per evaluation. :func:`run` is what ``compare.py`` calls.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.llm.arith import exact_match, greedy_accuracy, problems

ALPHABET = "0123456789+="


@dataclass
class Setup:
    """Sizes of one run (defaults: the CPU benchmark of BENCHMARKS.md)."""

    train_levels: tuple[int, ...] = (0, 1, 2)
    heldout_levels: tuple[int, ...] = (3,)
    sft_levels: tuple[int, ...] = (0, 1)
    hidden: int = 64
    layers: int = 2
    heads: int = 4
    sft_steps: int = 800
    sft_batch: int = 64
    sft_lr: float = 3e-3
    steps: int = 80
    prompts_per_step: int = 8
    generations: int = 8
    lr: float = 3e-4
    eval_every: int = 10
    eval_per_level: int = 100
    pool_per_level: int = 400
    max_new: int = 5
    extra: dict[str, Any] = field(default_factory=dict)


def build_teacher(name: str, space: Any, seed: int, setup: Setup) -> Any:
    """The teacher ``name`` for the level space, with the settings this benchmark uses."""
    import teachkit as tk
    from teachkit.registry import teacher_class

    if name == "uniform":
        return tk.teachers.Uniform(space, seed=seed)
    if name == "e2h":
        return tk.teachers.E2H(space, total_steps=setup.steps, seed=seed)
    return teacher_class(name)(space, seed=seed)


def warm_start(seed: int, setup: Setup, out: Path) -> Path:
    """SFT on the easy levels (cached per seed): next-token loss on prompt + answer + eos."""
    import torch

    from teachkit.testing.tiny_lm import tiny_lm

    path = out / f"sft-seed{seed}"
    if (path / "config.json").exists():
        return path
    torch.set_num_threads(1)  # two threads on a shared 2-core machine only contend
    model, tok = tiny_lm(
        hidden=setup.hidden, layers=setup.layers, heads=setup.heads, alphabet=ALPHABET, seed=seed
    )
    rng = np.random.default_rng(10_000 + seed)
    opt = torch.optim.AdamW(model.parameters(), lr=setup.sft_lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / setup.sft_steps)
    model.train()
    for _ in range(setup.sft_steps):
        levels = rng.choice(setup.sft_levels, size=setup.sft_batch)
        cols = problems([], 0, 0)
        for lev in levels.tolist():
            p = problems([lev], 1, int(rng.integers(1 << 30)))
            for k in cols:
                cols[k] += p[k]
        texts = [p + a for p, a in zip(cols["prompt"], cols["answer"])]
        enc = tok(texts, return_tensors="pt", padding=True)
        ids = enc["input_ids"]
        eos = torch.full((len(ids), 1), tok.eos_token_id)
        ids = torch.cat([ids, eos], dim=1)
        mask = torch.cat([enc["attention_mask"], torch.ones_like(eos)], dim=1)
        labels = ids.clone()
        labels[mask == 0] = -100
        for i, p in enumerate(cols["prompt"]):  # learn the answer only
            pad = int((enc["attention_mask"][i] == 0).sum())
            labels[i, : pad + len(p)] = -100
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def run(teacher_name: str, seed: int, setup: Setup, out: Path, log: Any = None) -> dict[str, Any]:
    """One GRPO run; returns the accuracy curve and the run's counts and timings."""
    import datasets
    import torch
    import trl
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback

    import teachkit as tk
    from teachkit.integrations.trl import CurriculumGRPOTrainer

    torch.set_num_threads(1)
    sft = warm_start(seed, setup, out)
    model = AutoModelForCausalLM.from_pretrained(sft)
    tok = AutoTokenizer.from_pretrained(sft)
    tok.padding_side = "left"
    levels = [f"C{lev}" for lev in setup.train_levels]
    space = tk.spaces.Discrete(levels)
    teacher = build_teacher(teacher_name, space, seed, setup)
    pool = datasets.Dataset.from_dict(
        problems(list(setup.train_levels), setup.pool_per_level, seed)
    )
    test = problems(
        list(setup.train_levels + setup.heldout_levels), setup.eval_per_level, 1_000_000 + seed
    )
    curve: list[dict[str, Any]] = []
    started = time.perf_counter()

    class Evaluate(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if state.global_step % setup.eval_every == 0:
                acc = greedy_accuracy(model, tok, test, setup.max_new)
                row = {"step": state.global_step, **acc, "time": time.perf_counter() - started}
                curve.append(row)
                if log is not None:
                    log(json.dumps({"teacher": teacher_name, "seed": seed, **row}))

    config = trl.GRPOConfig(
        output_dir=str(out / f"run-{teacher_name}-{seed}"),
        per_device_train_batch_size=setup.prompts_per_step * setup.generations,
        num_generations=setup.generations,
        max_completion_length=setup.max_new,
        max_steps=setup.steps,
        learning_rate=setup.lr,
        lr_scheduler_type="constant",
        beta=0.0,
        temperature=1.0,
        report_to=[],
        logging_steps=setup.eval_every,
        save_strategy="no",
        use_cpu=True,
        seed=seed,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = CurriculumGRPOTrainer(
        model=model,
        reward_funcs=exact_match,
        args=config,
        train_dataset=pool,
        processing_class=tok,
        curriculum=teacher,
        task_of="level",
        callbacks=[Evaluate()],
    )
    base = greedy_accuracy(model, tok, test, setup.max_new)
    curve.insert(0, {"step": 0, **base, "time": 0.0})
    trainer.train()
    wall = time.perf_counter() - started
    metrics = trainer.curriculum_sampler.metrics()
    asked = trainer.curriculum_sampler._asked
    return {
        "teacher": teacher_name,
        "seed": seed,
        "curve": curve,
        "wall_s": wall,
        "zero_variance_fraction": metrics["teachkit/zero_variance_fraction"],
        "levels_chosen": dict(zip(levels, asked.tolist())),
        "setup": asdict(setup),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teacher", default="uniform")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=Setup.steps)
    parser.add_argument("--out", default="runs/llm")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = run(args.teacher, args.seed, Setup(steps=args.steps), out, log=print)
    print(json.dumps({k: v for k, v in result.items() if k != "curve"}))


if __name__ == "__main__":
    main()
