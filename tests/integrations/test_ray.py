"""A shared teacher in a Ray actor on a local cluster (slow: starts Ray)."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import teachkit as tk

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow

SPACE = tk.spaces.Box([0.0], [1.0], names=["length"])


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_workers_share_one_teacher(cluster) -> None:
    from teachkit.integrations.gymnasium import CurriculumWrapper
    from teachkit.integrations.ray import SharedTeacher

    shared = SharedTeacher(tk.teachers.ALPGMM(SPACE, fit_rate=20, ks=(2,), seed=0))

    @ray.remote(num_cpus=1)
    def worker(shared: SharedTeacher, k: int) -> int:
        from tests.integrations._envs import ReachEnv

        env = CurriculumWrapper(ReachEnv(), shared, learner_id=f"w{k}")
        for _ in range(30):
            env.reset()
            done = False
            while not done:
                _, _, term, trunc, _ = env.step(1)
                done = term or trunc
        env.close()
        return 30

    played = sum(ray.get([worker.remote(shared, k) for k in range(2)], timeout=60))
    info = shared.info()
    assert info["told"] == played == 60
    teacher = shared.teacher()
    assert teacher.episodes == 60 and teacher.mixture() is not None


def test_late_out_of_order_duplicate_and_dead_workers(cluster) -> None:
    from teachkit.integrations.ray import SharedTeacher

    shared = SharedTeacher(tk.teachers.Uniform(SPACE, seed=0), lease=0.5)
    ids, tasks = shared.ask_many("a", 4)
    # out of order, then one again
    assert shared.tell_many("a", ids[::-1], tasks[::-1], [1.0, 2.0, 3.0, 4.0], wait=True) == 4
    assert shared.tell_many("a", ids[:1], tasks[:1], [9.0], wait=True) == 0

    @ray.remote(num_cpus=1, max_retries=0)
    def dies(shared: SharedTeacher) -> None:
        link = shared.link("doomed", prefetch=3)
        link.ask(1)
        os._exit(1)

    with pytest.raises(ray.exceptions.RayError):
        ray.get(dies.remote(shared), timeout=60)
    assert shared.info()["open"] == 3  # the dead worker's prefetched tasks
    time.sleep(0.6)
    more_ids, more = shared.ask_many("a", 2)  # never blocked; sweeps the expired ones
    info = shared.info()
    assert info["expired"] == 3 and info["open"] == 2
    # a late outcome for an expired task is still learned from
    assert shared.tell_many("a", more_ids, more, np.zeros(2), wait=True) == 2
    stale = np.array([int(ids.max()) + 1])  # the dead worker's first id
    assert shared.tell_many("a", stale, tasks[:1], [0.5], wait=True) == 1
    assert shared.info()["late"] == 1
