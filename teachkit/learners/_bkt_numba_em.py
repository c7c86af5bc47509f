"""The compiled BKT EM of ``_bkt_numba.fit_em`` (imported only when numba is installed).

Module-level functions, so numba can cache the compiled code on disk: the first fit after
installing compiles them (several seconds), later processes load them.
"""

# mypy: disable-error-code="no-untyped-def"
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def e_pass(  # pragma: no cover - compiled
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
def fit_em(  # pragma: no cover - compiled
    obs, gs_loc, seq_start, seq_len, seq_prior_loc, skill_ptr, gs_ptr, gs_list,
    prior_ptr, prior_list, jobs, prior, learn, forget, guess, slip, fit_forget,
    max_iter, tol, ll_out, iters_out,
):  # fmt: skip
    """EM to convergence for each (restart, skill) job of ``jobs``, in parallel; updates
    the parameter arrays in place and writes log-likelihoods and E-step counts."""
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
