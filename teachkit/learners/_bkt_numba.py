"""A compiled BKT E-step (numba, optional): one fused pass per sequence, in parallel.

The numpy engine of ``_bkt_em`` makes ~30 passes over every (restart, entry) array per EM
iteration; this kernel walks each sequence once forward and once backward, keeping the
running quantities in registers, over all (restart, sequence) pairs in parallel. It
computes exactly what the numpy engine computes (the tests check both agree); the M-step
is shared. Used when numba is installed (``pip install 'teachkit[fast]'``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from teachkit.learners._bkt_em import _EPS, Layout, Params, _Sums, m_step


def available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _kernel() -> Any:
    import numba

    @numba.njit(parallel=True, cache=True, nogil=True)
    def e_step(  # pragma: no cover - compiled
        obs: np.ndarray,
        gs: np.ndarray,
        starts: np.ndarray,
        lengths: np.ndarray,
        seq_skill: np.ndarray,
        seq_prior: np.ndarray,
        prior: np.ndarray,
        learn: np.ndarray,
        forget: np.ndarray,
        guess: np.ndarray,
        slip: np.ndarray,
        gam0: np.ndarray,
        xi01: np.ndarray,
        xi10: np.ndarray,
        logc: np.ndarray,
        active: np.ndarray,
    ) -> None:
        n_restarts = prior.shape[0]
        n_seq = starts.shape[0]
        for job in numba.prange(n_restarts * n_seq):
            r = job // n_seq
            q = job - r * n_seq
            k = seq_skill[q]
            if not active[r, k]:
                continue  # this (restart, skill) has converged
            a = starts[q]
            n = lengths[q]
            T = learn[r, k]
            F = forget[r, k]
            pk = prior[r, seq_prior[q]]
            # forward: filtered P(known) into gam0, P(obs) into logc (converted below)
            for i in range(n):
                e = a + i
                g = guess[r, gs[e]]
                s = slip[r, gs[e]]
                if obs[e] > 0:
                    e1 = 1.0 - s
                    e0 = g
                else:
                    e1 = s
                    e0 = 1.0 - g
                c = e0 + pk * (e1 - e0)
                post = pk * e1 / max(c, _EPS)
                gam0[r, e] = post
                logc[r, e] = c
                pk = T + (1.0 - T - F) * post
            # backward with scaled betas
            b1 = 1.0
            b0 = 1.0
            last = a + n - 1
            xi01[r, last] = 0.0
            xi10[r, last] = 0.0
            post = gam0[r, last]
            gam0[r, last] = 1.0 - post
            for i in range(n - 2, -1, -1):
                e = a + i
                nx = e + 1
                g = guess[r, gs[nx]]
                s = slip[r, gs[nx]]
                if obs[nx] > 0:
                    e1 = 1.0 - s
                    e0 = g
                else:
                    e1 = s
                    e0 = 1.0 - g
                inv_c = 1.0 / max(logc[r, nx], _EPS)
                w1 = e1 * b1 * inv_c
                w0 = e0 * b0 * inv_c
                post = gam0[r, e]
                xi01[r, e] = (1.0 - post) * T * w1
                xi10[r, e] = post * F * w0
                b1 = w1 + F * (w0 - w1)
                b0 = w0 + T * (w1 - w0)
                gam0[r, e] = (1.0 - post) * b0
            for i in range(n):
                logc[r, a + i] = np.log(max(logc[r, a + i], _EPS))

    return e_step


def em_step(
    lay: Layout,
    p: Params,
    fit_forget: bool,
    sums: _Sums,
    active: np.ndarray,
    buffers: list[np.ndarray],
) -> tuple[Params, np.ndarray]:
    """One Baum-Welch iteration on a sequence-major layout (see ``_bkt_em.seq_layout``),
    skipping the sequences of (restart, skill) pairs that are not ``active``; ``buffers``
    are four zeroed ``(R, N)`` arrays reused across iterations."""
    gam0, xi01, xi10, logc = buffers
    _kernel()(
        lay.obs, lay.gs, lay.starts, lay.lengths, lay.seq_skill, lay.seq_prior,
        np.ascontiguousarray(p.prior), np.ascontiguousarray(p.learn),
        np.ascontiguousarray(p.forget), np.ascontiguousarray(p.guess),
        np.ascontiguousarray(p.slip), gam0, xi01, xi10, logc, active,
    )  # fmt: skip
    return m_step(lay, p, sums, gam0, xi01, xi10, logc, fit_forget)
