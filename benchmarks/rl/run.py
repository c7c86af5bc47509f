"""Teachers vs Uniform for a real RL student: PPO on generated MiniGrid mazes.

    PYTHONPATH=. python benchmarks/rl/run.py --steps 50000 --seeds 4 --out benchmarks/results/rl_minigrid.json

Each run trains a fresh PPO agent (:mod:`benchmarks.rl.ppo`, 16 environments, 128 steps
per update) on mazes a teacher picks, through
:class:`~teachkit.integrations.gymnasium.CurriculumWrapper` over an in-memory
:class:`~teachkit.Curriculum`; it tells each episode's return, success and GAE
advantages (``defer_tell``), and masks evaluation-only episodes (``info["train"]``) out
of the PPO loss. Every ``--eval-every`` environment steps (all steps count, evaluation-only
episodes included) the agent is tested on the held-out set: named MiniGrid environments
(two seeds each) and generated mazes from seeds no teacher draws, solvable ones only. Seed
``s`` gives every teacher the same initial network and the same held-out set.

Teachers: Uniform (domain randomization over the generator), PLR and Robust PLR over
10,000 level seeds, ACCEL and CLUTR on the Generated space, ALP-GMM over the generator's
parameters (size, wall density, lava density, door); optionally ``ACCEL-empty``, ACCEL
whose generator makes empty rooms (the paper's setting: edits add the walls and lava).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import gymnasium as gym
import minigrid  # noqa: F401  (registers the named environments)
import numpy as np
import torch

import teachkit as tk
from benchmarks.rl.mazes import MazeEnv, MazeGenerator, solvable
from benchmarks.rl.ppo import ACTIONS, PPO, episode_advantages, features, gae
from teachkit.integrations.gymnasium import CurriculumWrapper

NAMED = [
    "MiniGrid-Empty-5x5-v0",
    "MiniGrid-Empty-6x6-v0",
    "MiniGrid-Empty-8x8-v0",
    "MiniGrid-DoorKey-5x5-v0",
    "MiniGrid-DoorKey-6x6-v0",
    "MiniGrid-LavaGapS5-v0",
    "MiniGrid-LavaGapS6-v0",
    "MiniGrid-SimpleCrossingS9N1-v0",
    "MiniGrid-LavaCrossingS9N1-v0",
]
TEACHERS = ["Uniform", "PLR", "RobustPLR", "ACCEL", "ALP-GMM", "CLUTR"]
EXTRA = ["ACCEL-empty"]  # ACCEL as in the paper's mazes: start from empty rooms, edits add walls
N_LEVELS = 10_000
LEVEL_OFFSET = 1_000_000  # PLR's level k is the generator's maze of seed OFFSET + k
HELD_OUT_SEED = 9_000_000  # generated held-out mazes: seeds no teacher draws from
GEN = MazeGenerator()


def make_teacher(name: str, seed: int, buffer: int) -> tuple[Any, Any]:
    """The teacher and ``to_params(task, rng)``: a task as maze params."""
    generated = tk.spaces.Generated(GEN)
    if name in ("PLR", "RobustPLR"):
        cls = tk.teachers.PLR if name == "PLR" else tk.teachers.RobustPLR
        teacher = cls(
            tk.spaces.Discrete(N_LEVELS),
            buffer_size=buffer,
            temperature=0.3,
            staleness_coef=0.3,
            seed=seed,
        )
        return teacher, lambda t, rng: GEN.sample(np.random.default_rng(LEVEL_OFFSET + int(t)))
    if name == "ALP-GMM":
        box = tk.spaces.Box(
            [GEN.min_size, 0.0, 0.0, 0.0],
            [GEN.max_size + 0.999, GEN.max_walls, GEN.max_lava, 1.0],
            names=["size", "walls", "lava", "door"],
        )
        teacher = tk.teachers.ALPGMM(box, fit_rate=100, seed=seed)
        return teacher, lambda t, rng: GEN.sample_with(rng, int(t[0]), t[1], t[2], t[3] > 0.5)
    if name == "Uniform":
        teacher = tk.teachers.Uniform(generated, seed=seed)
    elif name == "ACCEL":
        teacher = tk.teachers.ACCEL(generated, buffer_size=buffer, min_fill=0.25, seed=seed)
    elif name == "ACCEL-empty":
        empty = tk.spaces.Generated(MazeGenerator(max_walls=0.0, lava_prob=0.0, door_prob=0.0))
        teacher = tk.teachers.ACCEL(empty, buffer_size=buffer, min_fill=0.25, seed=seed)
    elif name == "CLUTR":
        teacher = tk.teachers.CLUTR(
            generated,
            pretrain_tasks=2000,
            epochs=20,
            latent_dim=16,
            hidden=128,
            buffer_size=buffer,
            seed=seed,
        )
    else:
        raise KeyError(name)
    return teacher, lambda t, rng: t.params


def held_out(n_generated: int) -> list[tuple[str, Any]]:
    tests: list[tuple[str, Any]] = [(name, s) for name in NAMED for s in (0, 1)]
    k = 0
    while sum(1 for t in tests if t[0] == "generated") < n_generated:
        params = GEN.sample(np.random.default_rng(HELD_OUT_SEED + k))
        k += 1
        if solvable(params):
            tests.append(("generated", params))
    return tests


@torch.no_grad()
def evaluate(ppo: PPO, tests: list[tuple[str, Any]], seed: int) -> dict[str, float]:
    """Share of held-out mazes solved (one episode each, sampled actions, fixed seed)."""
    gen = torch.Generator().manual_seed(seed)
    solved: dict[str, list[float]] = {"named": [], "generated": []}
    maze = MazeEnv()
    for kind, arg in tests:
        if kind == "generated":
            env: Any = maze
            maze.set_params(arg)
            obs, _ = env.reset(seed=0)
        else:
            env = gym.make(kind).unwrapped
            obs, _ = env.reset(seed=arg)
        done, r = False, 0.0
        while not done:
            logits, _ = ppo.agent(torch.from_numpy(features(obs)[None]))
            a = int(torch.multinomial(torch.softmax(logits, -1), 1, generator=gen)[0, 0])
            obs, r, term, trunc, _ = env.step(int(ACTIONS[a]))
            done = term or trunc
        solved["generated" if kind == "generated" else "named"].append(float(r > 0))
    named, gen_ = solved["named"], solved["generated"]
    return {
        "solved": 100.0 * float(np.mean(named + gen_)),
        "named": 100.0 * float(np.mean(named)),
        "generated": 100.0 * float(np.mean(gen_)),
    }


def train(
    name: str,
    seed: int,
    steps: int,
    every: int,
    tests: list[tuple[str, Any]],
    n_envs: int = 16,
    horizon: int = 128,
    buffer: int = 500,
) -> dict[str, Any]:
    start = time.time()
    ppo = PPO(seed)
    teacher, to_params = make_teacher(name, seed, buffer)
    cur = tk.Curriculum(teacher)
    rng = np.random.default_rng(seed)

    def apply(env: Any, task: Any) -> None:
        env.unwrapped.set_params(to_params(task, rng))

    envs = [CurriculumWrapper(MazeEnv(), cur, apply, defer_tell=True) for _ in range(n_envs)]
    obs = [features(e.reset(seed=seed * 100 + i)[0]) for i, e in enumerate(envs)]
    ep_r: list[list[float]] = [[] for _ in envs]
    ep_v: list[list[float]] = [[] for _ in envs]
    done_steps, next_eval = 0, every
    curve = [{"steps": 0, **evaluate(ppo, tests, seed)}]
    trained_share: list[float] = []
    while done_steps < steps:
        X = np.zeros((horizon, n_envs, len(obs[0])), dtype=np.float32)
        A = np.zeros((horizon, n_envs), dtype=np.int64)
        LP = np.zeros((horizon, n_envs), dtype=np.float32)
        V = np.zeros((horizon, n_envs))
        R = np.zeros((horizon, n_envs))
        D = np.zeros((horizon, n_envs))
        M = np.zeros((horizon, n_envs))
        for t in range(horizon):
            X[t] = np.stack(obs)
            a, lp, v = ppo.act(X[t])
            A[t], LP[t], V[t] = a, lp, v
            for i, env in enumerate(envs):
                M[t, i] = float(env.train)
                o, r, term, trunc, _ = env.step(int(ACTIONS[a[i]]))
                R[t, i] = r
                ep_r[i].append(float(r))
                ep_v[i].append(float(v[i]))
                if term or trunc:
                    D[t, i] = 1.0
                    adv = episode_advantages(ep_r[i], ep_v[i], ppo.gamma, ppo.lam)
                    env.tell_episode(advantages=adv, success=bool(r > 0))
                    ep_r[i], ep_v[i] = [], []
                    o, _ = env.reset()
                obs[i] = features(o)
        done_steps += horizon * n_envs
        with torch.no_grad():
            _, last = ppo.agent(torch.from_numpy(np.stack(obs)))
        adv = gae(R, V, D, last.numpy(), ppo.gamma, ppo.lam)
        ppo.update(
            X.reshape(-1, X.shape[-1]),
            A.ravel(),
            LP.ravel(),
            adv.ravel(),
            (adv + V).ravel(),
            M.ravel(),
        )
        trained_share.append(float(M.mean()))
        if done_steps >= next_eval or done_steps >= steps:
            curve.append({"steps": done_steps, **evaluate(ppo, tests, seed)})
            next_eval += every
    return {
        "teacher": name,
        "seed": seed,
        "curve": curve,
        "trained_share": float(np.mean(trained_share)),
        "wall_s": time.time() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50_000)
    parser.add_argument("--eval-every", type=int, default=12_500)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--teachers", default=",".join(TEACHERS))
    parser.add_argument("--generated-tests", type=int, default=24)
    parser.add_argument("--buffer", type=int, default=500)
    parser.add_argument("--out", default="benchmarks/results/rl_minigrid.json")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    tests = held_out(args.generated_tests)
    rows: list[dict[str, Any]] = []
    if os.path.exists(args.out):
        with open(args.out) as f:
            rows = json.load(f)["runs"]
    done = {(r["teacher"], r["seed"]) for r in rows}
    meta = {
        "steps": args.steps,
        "eval_every": args.eval_every,
        "held_out": len(tests),
        "named": NAMED,
        "command": "PYTHONPATH=. python benchmarks/rl/run.py "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()),
    }
    for seed in range(args.seeds):
        for name in args.teachers.split(","):
            if (name, seed) in done:
                continue
            row = train(name, seed, args.steps, args.eval_every, tests, buffer=args.buffer)
            rows.append(row)
            last = row["curve"][-1]
            print(
                f"{name:10s} seed {seed}: solved {last['solved']:5.1f}% (named {last['named']:5.1f}, "
                f"generated {last['generated']:5.1f}), trained on {row['trained_share']:.0%} of "
                f"steps, {row['wall_s']:.0f} s",
                flush=True,
            )
            with open(args.out, "w") as f:
                json.dump({"meta": meta, "runs": rows}, f, indent=1)


if __name__ == "__main__":
    main()
