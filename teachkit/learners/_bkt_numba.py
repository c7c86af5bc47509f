"""A compiled BKT E-step (numba, optional): one fused pass per sequence, in parallel.

The numpy engine of ``_bkt_em`` makes ~30 passes over every (restart, entry) array per EM
iteration; this kernel walks each sequence once forward and once backward, keeping the
running quantities in registers, over all (restart, sequence) pairs in parallel. It
computes exactly what the numpy engine computes (the tests check both agree); the M-step
is shared. Used when numba is installed (``pip install 'teachkit[fast]'``).
"""

from __future__ import annotations

from dataclasses import dataclass
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


# -- the whole EM, compiled, one job per (restart, skill) -------------------------------------
@dataclass
class SkillLayout:
    """Entries grouped by skill, then by sequence, in time order: what ``fit_em`` walks.

    Skill ``k`` owns sequences ``skill_ptr[k]:skill_ptr[k + 1]``; sequence ``q`` owns
    entries ``seq_start[q]:seq_start[q] + seq_len[q]``. Guess/slip and prior parameters are
    numbered per skill: entry ``e`` uses skill ``k``'s local guess/slip ``gs_loc[e]``, whose
    global index is ``gs_list[gs_ptr[k] + gs_loc[e]]`` (likewise ``prior_loc`` per
    sequence). No padding: each job sees exactly its skill's entries.
    """

    obs: np.ndarray
    gs_loc: np.ndarray
    seq_start: np.ndarray
    seq_len: np.ndarray
    seq_prior_loc: np.ndarray
    skill_ptr: np.ndarray
    gs_ptr: np.ndarray
    gs_list: np.ndarray
    prior_ptr: np.ndarray
    prior_list: np.ndarray


def _local(index: np.ndarray, owner: np.ndarray, n_skills: int) -> tuple[np.ndarray, ...]:
    """Number the distinct values of ``index`` per owning skill: (local index per element,
    per-skill pointer, global index per (skill, local))."""
    key = owner * (int(index.max(initial=0)) + 1) + index
    uniq, inv = np.unique(key, return_inverse=True)
    u_skill = uniq // (int(index.max(initial=0)) + 1)
    ptr = np.zeros(n_skills + 1, dtype=np.int64)
    np.cumsum(np.bincount(u_skill, minlength=n_skills), out=ptr[1:])
    glob = (uniq % (int(index.max(initial=0)) + 1)).astype(np.int64)
    return (inv.ravel() - ptr[u_skill][inv.ravel()]).astype(np.int64), ptr, glob


def skill_layout(
    learner: np.ndarray,
    skill: np.ndarray,
    obs: np.ndarray,
    gs: np.ndarray,
    prior: np.ndarray,
    n_skills: int,
) -> SkillLayout:
    """Arrange expanded (answer, skill) entries, given in time order per learner."""
    n_learners = int(learner.max(initial=0)) + 1
    key = skill * n_learners + learner
    src = np.argsort(key, kind="stable")  # stable: time order within each sequence
    key = key[src]
    n = len(key)
    new_seq = np.r_[True, key[1:] != key[:-1]] if n else np.zeros(0, dtype=bool)
    seq_start = np.flatnonzero(new_seq).astype(np.int64)
    seq_len = np.diff(np.r_[seq_start, n]).astype(np.int64)
    seq_skill = skill[src][seq_start]
    skill_ptr = np.zeros(n_skills + 1, dtype=np.int64)
    np.cumsum(np.bincount(seq_skill, minlength=n_skills), out=skill_ptr[1:])
    gs_loc, gs_ptr, gs_list = _local(gs[src], skill[src], n_skills)
    prior_loc, prior_ptr, prior_list = _local(prior[src][seq_start], seq_skill, n_skills)
    return SkillLayout(
        obs=obs[src].astype(np.float64),
        gs_loc=gs_loc,
        seq_start=seq_start,
        seq_len=seq_len,
        seq_prior_loc=prior_loc,
        skill_ptr=skill_ptr,
        gs_ptr=gs_ptr,
        gs_list=gs_list,
        prior_ptr=prior_ptr,
        prior_list=prior_list,
    )


@cache
def _em_kernel() -> Any:
    import numba

    @numba.njit(cache=True, nogil=True)
    def e_pass(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
        obs, gs_loc, seq_start, seq_len, seq_prior_loc, lo, hi, pr, T, F, g, s,
        base, post, cc, acc_g0, acc_g0c, acc_pr, sums, collect,
    ):  # fmt: skip
        """Forward-backward over the sequences ``lo:hi`` of one skill; returns the
        log-likelihood and, when ``collect``, accumulates expected counts."""
        ll = 0.0
        prod = 1.0
        if collect:
            acc_g0[:] = 0.0
            acc_g0c[:] = 0.0
            acc_pr[:] = 0.0
            sums[:] = 0.0  # g0_next, xi01, xi10
        for q in range(lo, hi):
            a = seq_start[q]
            n = seq_len[q]
            pk = pr[seq_prior_loc[q]]
            for e in range(a, a + n):
                j = gs_loc[e]
                if obs[e] > 0:
                    e1 = 1.0 - s[j]
                    e0 = g[j]
                else:
                    e1 = s[j]
                    e0 = 1.0 - g[j]
                c = e0 + pk * (e1 - e0)
                c = max(c, 1e-10)
                p = pk * e1 / c
                post[e - base] = p
                cc[e - base] = c
                prod *= c  # one log per ~20 answers instead of one per answer
                if prod < 1e-200:
                    ll += np.log(prod)
                    prod = 1.0
                pk = T + (1.0 - T - F) * p
            if not collect:
                continue
            b1 = 1.0
            b0 = 1.0
            last = a + n - 1
            gam0 = 1.0 - post[last - base]
            acc_g0[gs_loc[last]] += gam0
            if obs[last] > 0:
                acc_g0c[gs_loc[last]] += gam0
            for e in range(last - 1, a - 1, -1):
                nx = e + 1
                j = gs_loc[nx]
                if obs[nx] > 0:
                    e1 = 1.0 - s[j]
                    e0 = g[j]
                else:
                    e1 = s[j]
                    e0 = 1.0 - g[j]
                inv_c = 1.0 / cc[nx - base]
                w1 = e1 * b1 * inv_c
                w0 = e0 * b0 * inv_c
                p = post[e - base]
                sums[1] += (1.0 - p) * T * w1
                sums[2] += p * F * w0
                b1 = w1 + F * (w0 - w1)
                b0 = w0 + T * (w1 - w0)
                gam0 = (1.0 - p) * b0
                sums[0] += gam0
                acc_g0[gs_loc[e]] += gam0
                if obs[e] > 0:
                    acc_g0c[gs_loc[e]] += gam0
            acc_pr[seq_prior_loc[q]] += gam0
        return ll + np.log(prod)

    @numba.njit(parallel=True, cache=True, nogil=True)
    def fit_em(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
        obs, gs_loc, seq_start, seq_len, seq_prior_loc, skill_ptr, gs_ptr, gs_list,
        prior_ptr, prior_list, jobs, prior, learn, forget, guess, slip, fit_forget,
        max_iter, tol, ll_out, iters_out,
    ):  # fmt: skip
        n_skills = skill_ptr.shape[0] - 1
        lo_clip = 1e-6
        hi_clip = 1.0 - 1e-6
        for jj in numba.prange(jobs.shape[0]):
            job = jobs[jj]
            r = job // n_skills
            k = job - r * n_skills
            lo = skill_ptr[k]
            hi = skill_ptr[k + 1]
            if lo == hi:
                ll_out[r, k] = 0.0
                continue
            e_lo = seq_start[lo]
            e_hi = seq_start[hi - 1] + seq_len[hi - 1]
            g_lo = gs_ptr[k]
            n_gs = gs_ptr[k + 1] - g_lo
            p_lo = prior_ptr[k]
            n_pr = prior_ptr[k + 1] - p_lo
            g = np.empty(n_gs)
            s = np.empty(n_gs)
            for j in range(n_gs):
                g[j] = guess[r, gs_list[g_lo + j]]
                s[j] = slip[r, gs_list[g_lo + j]]
            pr = np.empty(n_pr)
            for j in range(n_pr):
                pr[j] = prior[r, prior_list[p_lo + j]]
            T = learn[r, k]
            F = forget[r, k]
            # constant counts: answers and correct answers per guess/slip, sequences per
            # prior, entries with a successor
            n_g = np.zeros(n_gs)
            n_gc = np.zeros(n_gs)
            n_p = np.zeros(n_pr)
            for q in range(lo, hi):
                n_p[seq_prior_loc[q]] += 1.0
            for e in range(e_lo, e_hi):
                n_g[gs_loc[e]] += 1.0
                n_gc[gs_loc[e]] += obs[e]
            n_next = float((e_hi - e_lo) - (hi - lo))
            # scratch for this skill's entries only
            post = np.empty(e_hi - e_lo)
            cc = np.empty(e_hi - e_lo)
            acc_g0 = np.empty(n_gs)
            acc_g0c = np.empty(n_gs)
            acc_pr = np.empty(n_pr)
            sums = np.empty(3)
            last = -np.inf
            ll = 0.0
            converged = False
            it = 0
            while it < max_iter:
                ll = e_pass(
                    obs, gs_loc, seq_start, seq_len, seq_prior_loc, lo, hi, pr, T, F, g,
                    s, e_lo, post, cc, acc_g0, acc_g0c, acc_pr, sums, True,
                )  # fmt: skip
                it += 1
                if abs(ll - last) <= tol:
                    converged = True
                    break
                last = ll
                g0_next = sums[0]
                T = min(max(sums[1] / max(g0_next, 1e-10), lo_clip), hi_clip)
                if fit_forget:
                    F = min(max(sums[2] / max(n_next - g0_next, 1e-10), lo_clip), hi_clip)
                for j in range(n_gs):
                    g0 = acc_g0[j]
                    g0c = acc_g0c[j]
                    g[j] = min(max(g0c / max(g0, 1e-10), lo_clip), hi_clip)
                    sl = ((n_g[j] - n_gc[j]) - (g0 - g0c)) / max(n_g[j] - g0, 1e-10)
                    s[j] = min(max(sl, lo_clip), hi_clip)
                for j in range(n_pr):
                    v = 1.0 - acc_pr[j] / max(n_p[j], 1e-10)
                    pr[j] = min(max(v, lo_clip), hi_clip)
            if not converged:  # max_iter reached: the likelihood of the last update
                ll = e_pass(
                    obs, gs_loc, seq_start, seq_len, seq_prior_loc, lo, hi, pr, T, F, g,
                    s, e_lo, post, cc, acc_g0, acc_g0c, acc_pr, sums, False,
                )  # fmt: skip
            ll_out[r, k] = ll
            iters_out[r, k] = it
            learn[r, k] = T
            forget[r, k] = F
            for j in range(n_gs):
                guess[r, gs_list[g_lo + j]] = g[j]
                slip[r, gs_list[g_lo + j]] = s[j]
            for j in range(n_pr):
                prior[r, prior_list[p_lo + j]] = pr[j]

    return fit_em


def fit_em(
    lay: SkillLayout,
    p: Params,
    fit_forget: bool,
    max_iter: int,
    tol: float,
) -> tuple[Params, np.ndarray, np.ndarray]:
    """EM to convergence for every (restart, skill) pair, in parallel, compiled.

    Each pair is its own run (pyBKT's rule: it stops when its log-likelihood changes by
    at most ``tol``); the result is what ``_bkt_em.em_step`` iterated the same way gives.
    Returns the fitted parameters, the log-likelihood per (restart, skill) of the
    returned parameters and the E-steps each pair ran.
    """
    import numba

    R, n_skills = p.learn.shape
    out = Params(*(np.array(x, dtype=np.float64, order="C", copy=True) for x in
                   (p.prior, p.learn, p.forget, p.guess, p.slip)))  # fmt: skip
    ll = np.zeros((R, n_skills))
    iters = np.zeros((R, n_skills), dtype=np.int64)
    # largest skills first, so the parallel loop's last jobs are short ones
    size = np.diff(np.r_[lay.seq_start, len(lay.obs)][lay.skill_ptr])
    order = np.argsort(-np.tile(size, R), kind="stable")
    jobs = np.arange(R * n_skills, dtype=np.int64)[order]
    with numba.parallel_chunksize(1):
        _em_kernel()(
            lay.obs, lay.gs_loc, lay.seq_start, lay.seq_len, lay.seq_prior_loc,
            lay.skill_ptr, lay.gs_ptr, lay.gs_list, lay.prior_ptr, lay.prior_list, jobs,
            out.prior, out.learn, out.forget, out.guess, out.slip, fit_forget,
            max_iter, tol, ll, iters,
        )  # fmt: skip
    return out, ll, iters
