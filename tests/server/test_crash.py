"""SIGKILL a server under load, start it again: every outcome that got a 2xx is in the log,
and clients that retried with their idempotency keys recorded nothing twice."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")

from teachkit.server._setup import prepare  # noqa: E402

THREADS = 4
ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "teachkit", "serve", "--storage", url, "--port", str(port),
         "--rate-limit", "0", "--no-demo", "--no-new-key"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the server did not start: {proc.stderr.read() if proc.stderr else ''}")


class Learner(threading.Thread):
    """Asks and tells in a loop; retries each request with its key until it gets through."""

    def __init__(self, base: str, key: str, name: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=5
        )
        self.name_ = name
        self.stop = stop
        self.acked: list[str] = []  # assignment ids whose outcome got a 2xx
        self.retries = 0
        self.error: str | None = None

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        key = str(uuid.uuid4())
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                r = self.http.post(path, json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError:
                self.retries += 1
                time.sleep(0.05)
                continue
            if r.status_code >= 500:
                self.retries += 1
                time.sleep(0.05)
                continue
            if r.status_code >= 400:
                raise AssertionError(f"{path}: {r.status_code} {r.text}")
            return r.json()
        raise AssertionError(f"{path}: no answer within 90 s")

    def run(self) -> None:
        try:
            i = 0
            while not self.stop.is_set():
                a = self._call(f"/v1/courses/arithmetic/learners/{self.name_}/next")
                self._call(f"/v1/assignments/{a['assignment_id']}/outcome", {"success": i % 3 != 0})
                self.acked.append(a["assignment_id"])
                i += 1
        except Exception as exc:  # reported by the test
            self.error = f"{type(exc).__name__}: {exc}"


@pytest.mark.slow
def test_a_killed_server_loses_no_acknowledged_outcome(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    key = prepare(url, demo=True, new_key=True).key
    assert key is not None
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = _start(url, port)
    stop = threading.Event()
    learners = [Learner(base, key, f"l{k}", stop) for k in range(THREADS)]
    try:
        for t in learners:
            t.start()
        time.sleep(3.0)
        before = sum(len(t.acked) for t in learners)
        os.kill(server.pid, signal.SIGKILL)  # in the middle of the load
        server.wait(timeout=10)
        time.sleep(0.5)
        server = _start(url, port)
        time.sleep(2.0)
        stop.set()
        for t in learners:
            t.join(timeout=120)
    finally:
        stop.set()
        server.kill()
        server.wait(timeout=10)
    assert all(t.error is None for t in learners), [t.error for t in learners]
    acked = [a for t in learners for a in t.acked]
    assert before > 0 and len(acked) > before, "the load went on after the restart"
    assert sum(t.retries for t in learners) > 0, "the kill interrupted requests"
    events = _events(url)
    told = Counter(e for e in events)
    assert not [a for a, n in told.items() if n > 1], "an outcome was recorded twice"
    missing = set(acked) - set(told)
    assert not missing, f"acknowledged outcomes missing from the log: {sorted(missing)[:5]}"


def _events(url: str) -> list[str]:
    from teachkit.curriculum import Curriculum

    cur = Curriculum.load(url, "default/arithmetic")  # a clean load: no replay mismatch
    ids = [f"1-{e.assignment_id}" for e in cur.events()]  # the API's "<course>-<id>"
    cur.close()
    return ids
