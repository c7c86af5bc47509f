"""The compiled BKT engine (numba, optional): each (restart, skill) pair's whole EM as one job.

The numpy engine of ``_bkt_em`` iterates every (restart, skill) pair in lock-step, with
~30 array passes per iteration. Here a job runs one pair's EM to convergence over exactly
its skill's sequences (no padding), walking each sequence once forward and once backward
per iteration with the running quantities in registers, and accumulating the expected
counts for the M-step as it goes; jobs run in parallel, largest skills first. It computes
what the numpy engine computes (the tests check both agree). Used when numba is installed
(``pip install 'teachkit[fast]'``); the kernels are in ``_bkt_numba_em``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from teachkit.learners._bkt_em import Params


def available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


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
    from teachkit.learners._bkt_numba_em import fit_em

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
