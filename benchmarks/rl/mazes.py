"""MiniGrid mazes from a parameterized generator: size, wall density, lava, key and door.

A maze's params are plain data, so a :class:`teachkit.spaces.Generated` space stores each
one in the log: ``{"size": n, "agent": [x, y, dir], "goal": [x, y], "walls": [[x, y], ...],
"lava": [[x, y], ...], "door": [x, y] or None, "key": [x, y] or None}`` with cells in
``1..n`` (the outer wall is at 0 and n + 1). A locked door sits in a wall column that
splits the room; its key lies on the agent's side.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
from minigrid.core.grid import Grid
from minigrid.core.mission import MissionSpace
from minigrid.core.world_object import Door, Goal, Key, Lava, Wall
from minigrid.minigrid_env import MiniGridEnv

from teachkit.spaces import TaskGenerator

MOVES = [(1, 0), (0, 1), (-1, 0), (0, -1)]


class MazeGenerator(TaskGenerator):
    """Random MiniGrid mazes (domain randomization over the parameters below).

    Args:
        min_size, max_size: inner side of the room.
        max_walls: wall density is drawn from ``[0, max_walls]`` per maze.
        lava_prob: chance that a maze has lava; its density is drawn from ``[0, max_lava]``.
        max_lava: see ``lava_prob``.
        door_prob: chance of a wall column with a locked door and its key.
        edits: cells changed by one ``mutate`` (ACCEL's edits: add or remove a wall, rarely
            lava; sometimes the goal moves).
    """

    def __init__(
        self,
        min_size: int = 4,
        max_size: int = 8,
        max_walls: float = 0.35,
        lava_prob: float = 0.3,
        max_lava: float = 0.15,
        door_prob: float = 0.2,
        edits: int = 3,
    ) -> None:
        self.min_size = min_size
        self.max_size = max_size
        self.max_walls = max_walls
        self.lava_prob = lava_prob
        self.max_lava = max_lava
        self.door_prob = door_prob
        self.edits = edits

    # -- sampling ---------------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        size = int(rng.integers(self.min_size, self.max_size + 1))
        walls = float(rng.random() * self.max_walls)
        lava = float(rng.random() * self.max_lava) if rng.random() < self.lava_prob else 0.0
        door = bool(rng.random() < self.door_prob)
        return self.sample_with(rng, size, walls, lava, door)

    def sample_with(
        self, rng: np.random.Generator, size: int, walls: float, lava: float, door: bool
    ) -> dict[str, Any]:
        """A maze with these parameters (what a teacher over the parameters chooses)."""
        cells = [(x, y) for x in range(1, size + 1) for y in range(1, size + 1)]
        p: dict[str, Any] = {"size": size, "door": None, "key": None}
        blocked: set[tuple[int, int]] = set()
        left = cells
        right = cells
        if door and size >= 4:
            col = int(rng.integers(2, size))
            row = int(rng.integers(1, size + 1))
            blocked |= {(col, y) for y in range(1, size + 1)}
            p["door"] = [col, row]
            left = [c for c in cells if c[0] < col]
            right = [c for c in cells if c[0] > col]
        a = left[int(rng.integers(len(left)))]
        g_pool = [c for c in right if c != a]
        g = g_pool[int(rng.integers(len(g_pool)))]
        taken = {a, g}
        if p["door"] is not None:
            k_pool = [c for c in left if c not in taken]
            if not k_pool:
                blocked, p["door"] = set(), None
            else:
                k = k_pool[int(rng.integers(len(k_pool)))]
                p["key"] = list(k)
                taken.add(k)
        free = [c for c in cells if c not in taken and c not in blocked]
        u = rng.random(len(free))
        wall_cells = [c for c, x in zip(free, u) if x < walls]
        lava_cells = [c for c, x in zip(free, u) if walls <= x < walls + lava]
        col_walls = [c for c in blocked if p["door"] is None or list(c) != p["door"]]
        p["agent"] = [a[0], a[1], int(rng.integers(4))]
        p["goal"] = list(g)
        p["walls"] = sorted([list(c) for c in wall_cells + col_walls])
        p["lava"] = sorted(list(c) for c in lava_cells)
        return p

    def mutate(self, params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
        p = {k: (list(v) if isinstance(v, list) else v) for k, v in params.items()}
        size = p["size"]
        walls = {tuple(c) for c in p["walls"]}
        lava = {tuple(c) for c in p["lava"]}
        fixed = {tuple(p["agent"][:2]), tuple(p["goal"])}
        for k in ("door", "key"):
            if p[k] is not None:
                fixed.add(tuple(p[k]))
        for _ in range(self.edits):
            cell = (int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1)))
            if cell in fixed:
                continue
            r = rng.random()
            if r < 0.1:  # move the goal
                if cell not in walls and cell not in lava:
                    fixed.discard(tuple(p["goal"]))
                    p["goal"] = list(cell)
                    fixed.add(cell)
            elif r < 0.25:
                lava ^= {cell}
                walls.discard(cell)
            else:
                walls ^= {cell}
                lava.discard(cell)
        if p["door"] is not None:  # the door's column stays closed
            col = p["door"][0]
            walls |= {(col, y) for y in range(1, size + 1) if [col, y] != p["door"]}
            lava -= {(col, y) for y in range(1, size + 1)}
        p["walls"] = sorted(list(c) for c in walls)
        p["lava"] = sorted(list(c) for c in lava)
        return p

    # -- vectors (for CLUTR) ----------------------------------------------------------------
    def encode(self, params: dict[str, Any]) -> np.ndarray:
        m = self.max_size
        grid = np.zeros((6, m, m))
        n = params["size"]
        grid[0] = 1.0
        grid[0, :n, :n] = 0.0  # outside the room counts as wall
        for x, y in params["walls"]:
            grid[0, x - 1, y - 1] = 1.0
        for x, y in params["lava"]:
            grid[1, x - 1, y - 1] = 1.0
        ax, ay, _ = params["agent"]
        grid[2, ax - 1, ay - 1] = 1.0
        gx, gy = params["goal"]
        grid[3, gx - 1, gy - 1] = 1.0
        if params["door"] is not None:
            grid[4, params["door"][0] - 1, params["door"][1] - 1] = 1.0
            grid[5, params["key"][0] - 1, params["key"][1] - 1] = 1.0
        return np.concatenate([grid.ravel(), [n / m, params["agent"][2] / 3.0]])

    def decode(self, vector: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
        m = self.max_size
        grid = np.asarray(vector[: 6 * m * m]).reshape(6, m, m)
        n = int(np.clip(round(float(vector[-2]) * m), self.min_size, m))
        inner = [(x, y) for x in range(1, n + 1) for y in range(1, n + 1)]

        def best(ch: int, exclude: set[tuple[int, int]]) -> tuple[int, int]:
            pool = [c for c in inner if c not in exclude]
            scores = [grid[ch, c[0] - 1, c[1] - 1] for c in pool]
            return pool[int(np.argmax(scores))]

        a = best(2, set())
        g = best(3, {a})
        taken = {a, g}
        door = key = None
        if grid[4, :n, :n].max() > 0.5:
            d = best(4, taken)
            k = best(5, taken | {d})
            door, key = list(d), list(k)
            taken |= {d, k}
        walls = [list(c) for c in inner if c not in taken and grid[0, c[0] - 1, c[1] - 1] > 0.5]
        lava = [
            list(c)
            for c in inner
            if c not in taken and list(c) not in walls and grid[1, c[0] - 1, c[1] - 1] > 0.5
        ]
        direction = int(np.clip(round(float(vector[-1]) * 3), 0, 3))
        return {
            "size": n,
            "agent": [a[0], a[1], direction],
            "goal": list(g),
            "walls": walls,
            "lava": lava,
            "door": door,
            "key": key,
        }

    def contains(self, params: Any) -> bool:
        try:
            n = params["size"]
            cells = [params["agent"][:2], params["goal"], *params["walls"], *params["lava"]]
            cells += [c for c in (params["door"], params["key"]) if c is not None]
            ok = self.min_size <= n <= self.max_size and 0 <= params["agent"][2] <= 3
            return (
                ok
                and all(1 <= x <= n and 1 <= y <= n for x, y in cells)
                and ((params["door"] is None) == (params["key"] is None))
            )
        except (KeyError, TypeError, ValueError):
            return False


def solvable(params: dict[str, Any]) -> bool:
    """Whether the goal can be reached (through the door only after reaching the key)."""
    n = params["size"]
    blocked = {tuple(c) for c in params["walls"]} | {tuple(c) for c in params["lava"]}
    door = tuple(params["door"]) if params["door"] is not None else None

    def reach(start: tuple[int, int], through_door: bool) -> set[tuple[int, int]]:
        seen = {start}
        todo = deque([start])
        while todo:
            x, y = todo.popleft()
            for dx, dy in MOVES:
                c = (x + dx, y + dy)
                if not (1 <= c[0] <= n and 1 <= c[1] <= n) or c in seen or c in blocked:
                    continue
                if c == door and not through_door:
                    continue
                seen.add(c)
                todo.append(c)
        return seen

    start = (params["agent"][0], params["agent"][1])
    near = reach(start, False)
    if tuple(params["goal"]) in near:
        return True
    if door is None or tuple(params["key"]) not in near:
        return False
    return tuple(params["goal"]) in reach(start, True)


class MazeEnv(MiniGridEnv):
    """A MiniGrid environment that builds the maze of its current task's params."""

    def __init__(self, max_size: int = 8, **kwargs: Any) -> None:
        self.params: dict[str, Any] | None = None
        super().__init__(
            mission_space=MissionSpace(mission_func=lambda: "get to the green goal square"),
            width=max_size + 2,
            height=max_size + 2,
            max_steps=100,
            see_through_walls=True,
            **kwargs,
        )

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        n = params["size"] + 2
        self.width = self.height = n
        self.max_steps = 2 * n * n

    def _gen_grid(self, width: int, height: int) -> None:
        p = self.params
        assert p is not None, "set_params(params) before reset()"
        self.grid = Grid(width, height)
        self.grid.wall_rect(0, 0, width, height)
        for x, y in p["walls"]:
            self.grid.set(x, y, Wall())
        for x, y in p["lava"]:
            self.grid.set(x, y, Lava())
        if p["door"] is not None:
            self.grid.set(p["door"][0], p["door"][1], Door("yellow", is_locked=True))
            self.grid.set(p["key"][0], p["key"][1], Key("yellow"))
        self.put_obj(Goal(), *p["goal"])
        self.agent_pos = (p["agent"][0], p["agent"][1])
        self.agent_dir = p["agent"][2]
        self.mission = "get to the green goal square"
