"""Vectorized Baum-Welch for BKT: every sequence of every skill and every restart at once.

Sequences (one per learner and skill) are sorted by length, longest first, and laid out
time-major: step ``t`` holds the ``t``-th answer of the ``n_t`` sequences still running,
which are exactly the first ``n_t``. The forward and backward passes are then one loop
over time steps whose body works on contiguous slices of all sequences, all skills and all
random restarts together; there is no loop over learners.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-10


@dataclass
class Layout:
    """Expanded (answer, skill) entries in time-major order."""

    obs: np.ndarray  # (N,) 0/1
    skill: np.ndarray  # (N,) skill of the entry
    gs: np.ndarray  # (N,) guess/slip parameter index
    prior: np.ndarray  # (N,) prior parameter index (meaningful at t == 0)
    offsets: np.ndarray  # (T + 1,) start of each time step
    n_active: np.ndarray  # (T,) sequences running at each step
    first: np.ndarray  # (N,) entry is the first of its sequence
    has_next: np.ndarray  # (N,) entry has a successor
    source: np.ndarray  # (N,) index of the entry in the caller's (expanded) order


def layout(
    seq: np.ndarray, obs: np.ndarray, skill: np.ndarray, gs: np.ndarray, prior: np.ndarray
) -> Layout:
    """Arrange entries (already in time order within each sequence id ``seq``) time-major."""
    n = len(seq)
    _, codes, lengths = np.unique(seq, return_inverse=True, return_counts=True)
    # rank sequences by length, longest first (stable for determinism)
    rank_of = np.empty(len(lengths), dtype=np.int64)
    rank_of[np.argsort(-lengths, kind="stable")] = np.arange(len(lengths))
    order_in_seq = np.argsort(codes, kind="stable")
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    t = np.empty(n, dtype=np.int64)
    t[order_in_seq] = np.arange(n) - np.repeat(starts[:-1], lengths)
    r = rank_of[codes]
    ascending = np.sort(lengths)
    tmax = int(ascending[-1]) if n else 0
    # sequences still running at step t: those longer than t
    n_active = len(lengths) - np.searchsorted(ascending, np.arange(tmax), side="right")
    offsets = np.zeros(tmax + 1, dtype=np.int64)
    np.cumsum(n_active, out=offsets[1:])
    pos = offsets[t] + r
    src = np.empty(n, dtype=np.int64)
    src[pos] = np.arange(n)
    length_tm = lengths[codes][src]
    t_tm = t[src]
    return Layout(
        obs=obs[src].astype(np.float64),
        skill=skill[src],
        gs=gs[src],
        prior=prior[src],
        offsets=offsets,
        n_active=n_active,
        first=t_tm == 0,
        has_next=t_tm + 1 < length_tm,
        source=src,
    )


@dataclass
class Params:
    """BKT parameters for R restarts: arrays with a leading restart axis."""

    prior: np.ndarray  # (R, n_prior)
    learn: np.ndarray  # (R, n_skills)
    forget: np.ndarray  # (R, n_skills)
    guess: np.ndarray  # (R, n_gs)
    slip: np.ndarray  # (R, n_gs)


class _Gathered:
    """Per-entry quantities of one set of parameters, computed once per iteration."""

    def __init__(self, lay: Layout, p: Params) -> None:
        o = lay.obs[None, :]
        g = np.take(p.guess, lay.gs, axis=1)
        sl = np.take(p.slip, lay.gs, axis=1)
        self.e1 = sl + o * (1.0 - 2.0 * sl)  # P(obs | known)
        self.e0 = (1.0 - g) + o * (2.0 * g - 1.0)  # P(obs | unknown)
        self.learn = np.take(p.learn, lay.skill, axis=1)
        self.forget = np.take(p.forget, lay.skill, axis=1)
        self.stay = 1.0 - self.learn - self.forget  # P(known next) = learn + stay * P(known)


def forward(
    lay: Layout, p: Params, gat: _Gathered | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted P(known) before each entry, filtered P(known) after it, and P(obs).

    All ``(R, N)`` in time-major order.
    """
    gat = gat or _Gathered(lay, p)
    R, N = p.learn.shape[0], len(lay.obs)
    pred = np.empty((R, N))
    post = np.empty((R, N))
    c = np.empty((R, N))
    e1, e0, learn, stay = gat.e1, gat.e0, gat.learn, gat.stay
    off, act = lay.offsets, lay.n_active
    for t in range(len(act)):
        a, b = off[t], off[t] + act[t]
        if t == 0:
            pk = np.take(p.prior, lay.prior[a:b], axis=1)
        else:
            prev = post[:, off[t - 1] : off[t - 1] + act[t]]
            pk = learn[:, a:b] + stay[:, a:b] * prev
        pred[:, a:b] = pk
        num = pk * e1[:, a:b]
        ct = e0[:, a:b] + pk * (e1[:, a:b] - e0[:, a:b])
        c[:, a:b] = ct
        post[:, a:b] = num / np.maximum(ct, _EPS)
    return pred, post, c


class _Sums:
    """Flat bincount indices for R restarts, built once per fit."""

    def __init__(self, lay: Layout, R: int, n_skills: int, n_gs: int, n_prior: int) -> None:
        rr = np.arange(R)[:, None]
        self.R = R
        self.skill = (rr * n_skills + lay.skill[None, :]).ravel()
        self.gs = (rr * n_gs + lay.gs[None, :]).ravel()
        first = lay.first
        self.first = first
        self.prior = (rr * n_prior + lay.prior[first][None, :]).ravel()
        self.sizes = (n_skills, n_gs, n_prior)
        o = np.broadcast_to(lay.obs[None, :], (R, len(lay.obs)))
        self.n_gs = self.by_gs(np.ones((R, len(lay.obs))))
        self.n_gs_correct = self.by_gs(o)
        self.n_next = self.by_skill(
            np.broadcast_to(lay.has_next[None, :], o.shape).astype(np.float64)
        )
        self.n_prior = (
            np.bincount(self.prior, minlength=R * n_prior).reshape(R, n_prior).astype(np.float64)
        )

    def by_skill(self, w: np.ndarray) -> np.ndarray:
        n = self.sizes[0]
        return np.bincount(self.skill, w.ravel(), self.R * n).reshape(self.R, n)

    def by_gs(self, w: np.ndarray) -> np.ndarray:
        n = self.sizes[1]
        return np.bincount(self.gs, w.ravel(), self.R * n).reshape(self.R, n)

    def by_prior(self, w_first: np.ndarray) -> np.ndarray:
        n = self.sizes[2]
        return np.bincount(self.prior, w_first.ravel(), self.R * n).reshape(self.R, n)


def em_step(
    lay: Layout, p: Params, n_skills: int, fit_forget: bool, sums: _Sums | None = None
) -> tuple[Params, np.ndarray]:
    """One Baum-Welch iteration; returns new parameters and the log-likelihood per
    (restart, skill) under the old ones."""
    R, N = p.learn.shape[0], len(lay.obs)
    n_gs, n_prior = p.guess.shape[1], p.prior.shape[1]
    sums = sums or _Sums(lay, R, n_skills, n_gs, n_prior)
    gat = _Gathered(lay, p)
    _, post, c = forward(lay, p, gat)
    e1, e0, learn, forget = gat.e1, gat.e0, gat.learn, gat.forget
    # scaled backward variables: gamma = alpha_hat * beta_hat
    b1 = np.ones((R, N))
    b0 = np.ones((R, N))
    xi01 = np.zeros((R, N))  # expected unknown -> known transitions leaving the entry
    xi10 = np.zeros((R, N))
    off, act = lay.offsets, lay.n_active
    for t in range(len(act) - 2, -1, -1):
        a = off[t]
        m = act[t + 1]  # sequences that continue past t
        if m == 0:
            continue
        n0, n1 = off[t + 1], off[t + 1] + m
        inv_c = 1.0 / np.maximum(c[:, n0:n1], _EPS)
        w1 = e1[:, n0:n1] * b1[:, n0:n1] * inv_c
        w0 = e0[:, n0:n1] * b0[:, n0:n1] * inv_c
        T, F = learn[:, n0:n1], forget[:, n0:n1]
        b1[:, a : a + m] = w1 + F * (w0 - w1)
        b0[:, a : a + m] = w0 + T * (w1 - w0)
        al1 = post[:, a : a + m]
        xi01[:, a : a + m] = (1.0 - al1) * T * w1
        xi10[:, a : a + m] = al1 * F * w0
    gam0 = (1.0 - post) * b0
    return m_step(lay, p, sums, gam0, xi01, xi10, np.log(np.maximum(c, _EPS)), fit_forget)


def m_step(
    lay: Layout,
    p: Params,
    sums: _Sums,
    gam0: np.ndarray,
    xi01: np.ndarray,
    xi10: np.ndarray,
    logc: np.ndarray,
    fit_forget: bool,
) -> tuple[Params, np.ndarray]:
    """New parameters from expected counts (per-entry P(unknown), transitions, log P(obs))."""
    n_skills = p.learn.shape[1]
    o = lay.obs[None, :]
    g0 = sums.by_gs(gam0)
    g0_correct = sums.by_gs(gam0 * o)
    g0_next = sums.by_skill(gam0 * lay.has_next[None, :])
    learn_new = sums.by_skill(xi01) / np.maximum(g0_next, _EPS)
    forget_new = sums.by_skill(xi10) / np.maximum(sums.n_next - g0_next, _EPS)
    prior_new = 1.0 - sums.by_prior(np.compress(sums.first, gam0, axis=1)) / np.maximum(
        sums.n_prior, _EPS
    )
    guess_new = g0_correct / np.maximum(g0, _EPS)
    # slip = E[known and wrong] / E[known] = (wrong - unknown&wrong) / (n - unknown)
    slip_new = ((sums.n_gs - sums.n_gs_correct) - (g0 - g0_correct)) / np.maximum(
        sums.n_gs - g0, _EPS
    )
    ll = sums.by_skill(logc)
    # Parameters of a skill (or prior group) no entry informs keep their old values.
    seen_skill = np.bincount(lay.skill, minlength=n_skills) > 0
    seen_gs = sums.n_gs[0] > 0
    seen_prior = sums.n_prior[0] > 0

    def keep(new: np.ndarray, old: np.ndarray, seen: np.ndarray) -> np.ndarray:
        return np.clip(np.where(seen[None, :], new, old), 1e-6, 1 - 1e-6)

    return (
        Params(
            prior=keep(prior_new, p.prior, seen_prior),
            learn=keep(learn_new, p.learn, seen_skill),
            forget=keep(forget_new, p.forget, seen_skill) if fit_forget else p.forget,
            guess=keep(guess_new, p.guess, seen_gs),
            slip=keep(slip_new, p.slip, seen_gs),
        ),
        ll,
    )
