"""A real RL student: Q-learning on procedurally generated hazard grids, taught by a curriculum.

    PYTHONPATH=. python benchmarks/teachers/bench_continuous.py rl [--quick] [--seeds 8]

The environment (:class:`HazardGrid`, a Gymnasium env) builds a fresh FrozenLake-style
map every episode from two task parameters: ``size`` (side of the square grid, 4..16)
and ``hazard`` (probability that a cell is a hole, 0..0.6). The agent starts in a corner
and must reach the opposite one; stepping into a hole ends the episode with reward 0,
reaching the goal gives 1, and an episode lasts at most ``4 * size`` steps. Dense hazard
settings are often unsolvable (no path): the unlearnable part of the task space.

The student is tabular Q-learning over an egocentric observation (for each of the four
neighbours: free, hole or wall; and the sign of the direction to the goal): 729 states,
so what it learns on one map transfers to others. Every teacher drives the same loop
through :class:`~teachkit.integrations.gymnasium.CurriculumWrapper`; the measure is the
share of 100 held-out test maps (fixed tasks and map seeds, drawn uniformly over the
space; only the solvable ones count) that the greedy policy solves.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np

import teachkit as tk
from teachkit.integrations.gymnasium import CurriculumWrapper

SPACE = tk.spaces.Box([4.0, 0.0], [16.0, 0.6], names=["size", "hazard"])
MOVES = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]])


def make_map(size: int, hazard: float, rng: np.random.Generator) -> np.ndarray:
    holes = rng.random((size, size)) < hazard
    holes[0, 0] = holes[-1, -1] = False
    return holes


def solvable(holes: np.ndarray) -> bool:
    n = len(holes)
    seen = {(0, 0)}
    todo = deque([(0, 0)])
    while todo:
        r, c = todo.popleft()
        if (r, c) == (n - 1, n - 1):
            return True
        for dr, dc in MOVES.tolist():
            q = (r + dr, c + dc)
            if 0 <= q[0] < n and 0 <= q[1] < n and not holes[q] and q not in seen:
                seen.add(q)
                todo.append(q)
    return False


class HazardGrid(gym.Env):
    """A FrozenLake-style grid whose size and hole density are the task parameters."""

    def __init__(self, seed: int = 0) -> None:
        self.observation_space = gym.spaces.Discrete(729)
        self.action_space = gym.spaces.Discrete(4)
        self._maps = np.random.default_rng(seed)
        self.task = (8.0, 0.2)
        self.fixed: np.ndarray | None = None

    def set_task(self, task: Any) -> None:
        self.task = (float(task[0]), float(task[1]))

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> Any:
        size = round(self.task[0])
        self.holes = (
            self.fixed if self.fixed is not None else make_map(size, self.task[1], self._maps)
        )
        self.n = len(self.holes)
        self.pos = np.array([0, 0])
        self.t = 0
        return self._obs(), {}

    def _obs(self) -> int:
        code = 0
        for dr, dc in MOVES.tolist():
            r, c = self.pos[0] + dr, self.pos[1] + dc
            cell = 2 if not (0 <= r < self.n and 0 <= c < self.n) else int(self.holes[r, c])
            code = code * 3 + cell
        goal = self.n - 1
        dr = int(np.sign(goal - self.pos[0])) + 1
        dc = int(np.sign(goal - self.pos[1])) + 1
        return code * 9 + dr * 3 + dc

    def step(self, action: int) -> Any:
        self.t += 1
        nxt = self.pos + MOVES[action]
        if (0 <= nxt[0] < self.n) and (0 <= nxt[1] < self.n):
            self.pos = nxt
        goal = self.pos[0] == self.n - 1 and self.pos[1] == self.n - 1
        hole = bool(self.holes[self.pos[0], self.pos[1]])
        truncated = self.t >= 4 * self.n and not (goal or hole)
        done = goal or hole
        info = {"is_success": goal} if done or truncated else {}
        return self._obs(), 1.0 if goal else 0.0, done, truncated, info


class QLearner:
    def __init__(
        self, seed: int, alpha: float = 0.2, gamma: float = 0.95, eps: float = 0.1
    ) -> None:
        self.q = np.zeros((729, 4))
        self.rng = np.random.default_rng(seed)
        self.alpha, self.gamma, self.eps = alpha, gamma, eps

    def act(self, s: int) -> int:
        if self.rng.random() < self.eps:
            return int(self.rng.integers(4))
        row = self.q[s]
        return int(self.rng.choice(np.flatnonzero(row == row.max())))

    def learn(self, s: int, a: int, r: float, s2: int, done: bool) -> None:
        target = r if done else r + self.gamma * self.q[s2].max()
        self.q[s, a] += self.alpha * (target - self.q[s, a])


def held_out_maps(n: int = 100, seed: int = 12345) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    maps = []
    for task in SPACE.sample_encoded(rng, n):
        holes = make_map(round(task[0]), float(task[1]), rng)
        if solvable(holes):
            maps.append(holes)
    return maps


def evaluate(agent: QLearner, maps: list[np.ndarray]) -> float:
    env = HazardGrid()
    solved = 0
    for holes in maps:
        env.fixed = holes
        s, _ = env.reset()
        done = False
        while not done:
            row = agent.q[s]
            s, r, term, trunc, _ = env.step(int(np.argmax(row)))
            done = term or trunc
        solved += int(r > 0)
    return 100.0 * solved / len(maps)


def make_teacher(name: str, seed: int) -> Any:
    if name == "Uniform":
        return tk.teachers.Uniform(SPACE, seed=seed)
    if name == "ALP-GMM":
        return tk.teachers.ALPGMM.preset("teachmyagent", SPACE, seed=seed)
    if name == "Covar-GMM":
        return tk.teachers.CovarGMM.preset("teachmyagent", SPACE, seed=seed)
    if name == "RIAC":
        return tk.teachers.RIAC.preset("teachmyagent", SPACE, seed=seed)
    if name == "ADR":  # expert knowledge ADR needs: the easiest task to start from
        return tk.teachers.ADR(
            SPACE,
            initial=[4.0, 0.0],
            step_size=[0.6, 0.03],
            boundary_prob=0.5,
            buffer_size=10,
            threshold_low=0.2,
            threshold_high=0.6,
            seed=seed,
        )
    raise KeyError(name)


TEACHERS = ["Uniform", "ALP-GMM", "RIAC", "Covar-GMM", "ADR"]


def train(name: str, seed: int, episodes: int, every: int, maps: list[np.ndarray]) -> list[float]:
    agent = QLearner(seed)
    env = CurriculumWrapper(HazardGrid(seed), make_teacher(name, seed))
    curve = []
    for e in range(1, episodes + 1):
        s, _ = env.reset()
        done = False
        while not done:
            a = agent.act(s)
            s2, r, term, trunc, _ = env.step(a)
            agent.learn(s, a, r, s2, term)
            s, done = s2, term or trunc
        if e % every == 0:
            curve.append(evaluate(agent, maps))
    return curve


def run(quick: bool, seeds: int | None) -> list[dict[str, Any]]:
    n_seeds = seeds or (2 if quick else 8)
    episodes, every = (1500, 500) if quick else (5000, 1000)
    maps = held_out_maps()
    print(f"{len(maps)} solvable held-out maps of 100; {episodes} episodes; {n_seeds} seeds")
    rows: list[dict[str, Any]] = []
    for name in TEACHERS:
        start = time.time()
        curves = np.array([train(name, s, episodes, every, maps) for s in range(n_seeds)])
        final = curves[:, -1]
        late = curves[:, -3:].mean(axis=1)  # the greedy policy oscillates: average 3 checkpoints
        rows.append(
            {
                "teacher": name,
                "episodes": episodes,
                "seeds": n_seeds,
                "curve_every": every,
                "mean_curve": curves.mean(axis=0).tolist(),
                "final_mean": float(final.mean()),
                "final_sem": float(final.std(ddof=1) / np.sqrt(n_seeds)) if n_seeds > 1 else 0.0,
                "per_seed_final": final.tolist(),
                "per_seed_curves": curves.tolist(),
                "late_mean": float(late.mean()),
                "per_seed_late": late.tolist(),
                "seconds": round(time.time() - start, 1),
            }
        )
        print(
            f"{name:<10} % held-out solved at {episodes}: {final.mean():5.1f} "
            f"± {rows[-1]['final_sem']:.1f}  ({rows[-1]['seconds']} s)",
            flush=True,
        )
    by_name = {r["teacher"]: r for r in rows}
    for r in rows:
        diff = np.array(r["per_seed_final"]) - np.array(by_name["Uniform"]["per_seed_final"])
        r["paired_diff_vs_uniform"] = float(diff.mean())
        r["wins_vs_uniform"] = int((diff > 0).sum())
        late = np.array(r["per_seed_late"]) - np.array(by_name["Uniform"]["per_seed_late"])
        r["late_paired_diff_vs_uniform"] = float(late.mean())
        r["late_wins_vs_uniform"] = int((late > 0).sum())
    return rows
