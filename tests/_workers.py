"""Code run in child processes by the durability tests (``python -m tests._workers ...``)."""

from __future__ import annotations

import json
import sys

import teachkit as tk
from teachkit.storages import SQLStorage


def _storage(url: str, schema: str) -> SQLStorage:
    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    return SQLStorage(url, engine_kwargs=kwargs)


def tell_stream(url: str, name: str, schema: str = "") -> None:
    """Tell forever, printing each assignment id once its tell has returned."""
    cur = tk.Curriculum.load(_storage(url, schema), name)
    i = 0
    while True:
        if i % 3 == 2:
            batch = cur.ask_many("batcher", 4)
            cur.tell_many(batch, tk.OutcomeBatch(score=[1.0, 0.0, 1.0, 0.0]))
            print(" ".join(str(a) for a in batch.ids.tolist()), flush=True)
        else:
            a = cur.ask(f"learner-{i % 5}")
            cur.tell(a, tk.Outcome(score=float(i % 2), duration=1.0))
            print(a.id, flush=True)
        i += 1


def share(url: str, name: str, schema: str, worker: int, rounds: int) -> None:
    """One of several processes asking and telling into one curriculum; prints told ids."""
    cur = tk.Curriculum.load(_storage(url, schema), name)
    told: list[int] = []
    for r in range(rounds):
        if r % 2:
            batch = cur.ask_many(f"w{worker}", 3)
            cur.tell_many(batch, tk.OutcomeBatch(score=[1.0, 0.5, 0.0]))
            told += batch.ids.tolist()
        else:
            a = cur.ask(f"w{worker}-{r % 3}")
            cur.tell(a.id, tk.Outcome(score=1.0))
            told.append(a.id)
    print(json.dumps(told), flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "tell_stream":
        tell_stream(*args)
    elif command == "share":
        share(args[0], args[1], args[2], int(args[3]), int(args[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")
