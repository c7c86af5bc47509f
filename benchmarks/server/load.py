"""Load on loopback: learners asking for their next task and telling its outcome.

An open-loop generator sends ``next`` + ``outcome`` pairs at a fixed rate (pairs start on a
schedule whether or not earlier ones finished, so a slow server shows up in the latency
instead of slowing the load down) for a fixed time, then stops. Latency is measured from
a request's scheduled start. One asyncio process, raw HTTP/1.1 over keep-alive
connections.

    python benchmarks/server/load.py --storage sqlite --workers 1 --rate 300 --seconds 20
    python benchmarks/server/load.py --storage postgres --workers 2 --rate 300 --seconds 20

``--rate`` counts requests per second (two per pair). PostgreSQL reads
``TEACHKIT_TEST_POSTGRES_URL`` and benchmarks in a fresh database it drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (
    Connection,
    free_port,
    fresh_postgres,
    group_cpu_seconds,
    percentile,
    server,
)

from teachkit.server._setup import prepare


async def _load(
    port: int, key: str, rate: float, seconds: float, learners: int, conns: int
) -> dict[str, float]:
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(conns):
        pool.put_nowait(Connection("127.0.0.1", port, key))
    latencies: list[float] = []
    errors = 0
    pairs = int(rate / 2 * seconds)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def pair(k: int) -> None:
        nonlocal errors
        scheduled = start + k * 2 / rate
        conn = await pool.get()
        try:
            status, a = await conn.request(
                "POST", f"/v1/courses/arithmetic/learners/l{k % learners}/next"
            )
            t = loop.time()
            latencies.append(t - scheduled)
            if status != 200:
                errors += 1
                return
            status, _ = await conn.request(
                "POST", f"/v1/assignments/{a['assignment_id']}/outcome", {"success": k % 3 != 0}
            )
            latencies.append(loop.time() - t)
            errors += status != 200
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            errors += 1
            conn.writer = None
        finally:
            pool.put_nowait(conn)

    tasks = []
    for k in range(pairs):
        delay = start + k * 2 / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(pair(k)))
    _, pending = await asyncio.wait(tasks, timeout=seconds + 60)
    for task in pending:  # a server that cannot keep up: stop anyway, and say how many
        task.cancel()
    elapsed = loop.time() - start
    ms = [1000 * x for x in latencies]
    return {
        "requests": len(latencies),
        "errors": errors,
        "unfinished_pairs": len(pending),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--storage", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rate", type=float, default=300.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    def bench(url: str) -> dict[str, float]:
        key = prepare(url, demo=True, new_key=True).key
        assert key is not None
        port = free_port()
        with server(url, port, args.workers) as proc:
            # warm up: open the course in every worker
            asyncio.run(_load(port, key, 40, 2, args.learners, 4))
            cpu = group_cpu_seconds(proc.pid)
            result = asyncio.run(
                _load(port, key, args.rate, args.seconds, args.learners, args.connections)
            )
            used = group_cpu_seconds(proc.pid) - cpu
            result["server_cpu_ms_per_request"] = round(1000 * used / max(1, result["requests"]), 2)
            return result

    if args.storage == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            result = bench(f"sqlite:///{tmp}/load.db")
    else:
        base = os.environ.get(
            "TEACHKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        with fresh_postgres(base) as url:
            result = bench(url)
    row = {"storage": args.storage, "workers": args.workers, "target_rps": args.rate,
           "seconds": args.seconds, **result, "loadavg": round(os.getloadavg()[0], 2)}  # fmt: skip
    print(json.dumps(row))
    if args.out:
        with open(args.out, "a") as fh:
            fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
