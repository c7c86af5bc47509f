"""Two servers on one PostgreSQL database, several workers each, many simulated learners.

Each round, every learner asks one of the two servers (chosen at random per request) for
its next task, answers it as a ``SkillGraphStudent`` (the ``arithmetic`` preset, whose
items are the demo course's) would, and tells the outcome to either server. Then it
checks that no outcome was lost or recorded twice (every acknowledged outcome is in the
log exactly once, and both servers export the same log) and that every learner's mastery
reads the same from either server (each refreshes before it reads).

    python benchmarks/server/two_servers.py --learners 1000 --rounds 3 --workers 4

Reads ``TEACHKIT_TEST_POSTGRES_URL`` and works in a fresh database it drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Connection, free_port, fresh_postgres, percentile, server

from teachkit.server._demo import demo_definition
from teachkit.server._setup import prepare
from teachkit.simulators import SkillGraphStudent

ITEMS = [item["id"] for item in demo_definition()["items"]]


async def _run(
    ports: list[int], key: str, learners: int, rounds: int, conns: int, seed: int
) -> dict[str, object]:
    rng = random.Random(seed)
    pools = {p: asyncio.Queue() for p in ports}  # type: ignore[var-annotated]
    for p in ports:
        for _ in range(conns):
            pools[p].put_nowait(Connection("127.0.0.1", p, key))

    async def call(method: str, path: str, body: object = None) -> tuple[int, object]:
        port = rng.choice(ports)
        conn = await pools[port].get()
        try:
            return await conn.request(method, path, body)
        finally:
            pools[port].put_nowait(conn)

    sim = SkillGraphStudent(learners, seed=seed, preset="arithmetic")
    names = [f"s{i:04d}" for i in range(learners)]
    acked: list[str] = []
    latencies: list[float] = []
    start = time.perf_counter()
    for _ in range(rounds):

        async def ask(name: str) -> dict[str, str]:
            t = time.perf_counter()
            status, body = await call("POST", f"/v1/courses/arithmetic/learners/{name}/next")
            latencies.append(time.perf_counter() - t)
            assert status == 200, body
            return body  # type: ignore[return-value]

        handed = await asyncio.gather(*(ask(n) for n in names))
        tasks = np.array([[ITEMS.index(a["task"])] for a in handed])
        correct = sim.step(tasks).success.astype(bool).tolist()

        async def tell(a: dict[str, str], ok: bool) -> None:
            t = time.perf_counter()
            status, body = await call(
                "POST", f"/v1/assignments/{a['assignment_id']}/outcome", {"success": ok}
            )
            latencies.append(time.perf_counter() - t)
            assert status == 200, body
            acked.append(a["assignment_id"])

        await asyncio.gather(*(tell(a, ok) for a, ok in zip(handed, correct)))
    elapsed = time.perf_counter() - start
    # the log, as each server exports it
    logs = []
    for port in ports:
        conn, after, events = Connection("127.0.0.1", port, key), 0, []
        while True:
            status, page = await conn.request(
                "GET", f"/v1/courses/arithmetic/events?after={after}&limit=5000"
            )
            assert status == 200, page
            events += page["events"]  # type: ignore[index]
            if page["next_after"] is None:  # type: ignore[index]
                break
            after = page["next_after"]  # type: ignore[index]
        logs.append(events)
    told = Counter(e["assignment_id"] for e in logs[0])

    # mastery of every learner from each server
    async def mastery(port: int, name: str) -> object:
        conn = await pools[port].get()
        try:
            status, body = await conn.request("GET", f"/v1/courses/arithmetic/learners/{name}")
            assert status == 200, body
            return body["mastery"]  # type: ignore[index]
        finally:
            pools[port].put_nowait(conn)

    reads = [await asyncio.gather(*(mastery(p, n) for n in names)) for p in ports]
    ms = [1000 * x for x in latencies]
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "acknowledged": len(acked),
        "logged": len(logs[0]),
        "lost": len(set(acked) - set(told)),
        "duplicated": sum(1 for n in told.values() if n > 1),
        "same_log_on_both": logs[0] == logs[1],
        "learners_with_equal_mastery": sum(a == b for a, b in zip(*reads)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16, help="per server")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    base = os.environ.get(
        "TEACHKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    with fresh_postgres(base) as url:
        key = prepare(url, demo=True, new_key=True).key
        assert key is not None
        ports = [free_port(), free_port()]
        with server(url, ports[0], args.workers), server(url, ports[1], args.workers):
            result = asyncio.run(
                _run(ports, key, args.learners, args.rounds, args.connections, args.seed)
            )
    row = {"learners": args.learners, "rounds": args.rounds, "servers": 2, "workers": args.workers,
           **result, "loadavg": round(os.getloadavg()[0], 2)}  # fmt: skip
    print(json.dumps(row))
    if args.out:
        with open(args.out, "a") as fh:
            fh.write(json.dumps(row) + "\n")
    ok = row["lost"] == 0 and row["duplicated"] == 0 and row["same_log_on_both"]
    ok = ok and row["learners_with_equal_mastery"] == args.learners
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
