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


def forward(lay: Layout, p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted P(known) before each entry, filtered P(known) after it, and P(obs).

    All ``(R, N)`` in time-major order.
    """
    R, N = p.learn.shape[0], len(lay.obs)
    g = p.guess[:, lay.gs]
    s = p.slip[:, lay.gs]
    o = lay.obs[None, :]
    e1 = np.where(o > 0, 1.0 - s, s)
    e0 = np.where(o > 0, g, 1.0 - g)
    learn = p.learn[:, lay.skill]
    forget = p.forget[:, lay.skill]
    pred = np.empty((R, N))
    post = np.empty((R, N))
    c = np.empty((R, N))
    off, act = lay.offsets, lay.n_active
    for t in range(len(act)):
        a, b = off[t], off[t] + act[t]
        if t == 0:
            pk = p.prior[:, lay.prior[a:b]]
        else:
            prev = post[:, off[t - 1] : off[t - 1] + act[t]]
            pk = prev * (1.0 - forget[:, a:b]) + (1.0 - prev) * learn[:, a:b]
        pred[:, a:b] = pk
        num = pk * e1[:, a:b]
        ct = num + (1.0 - pk) * e0[:, a:b]
        c[:, a:b] = ct
        post[:, a:b] = num / np.maximum(ct, _EPS)
    return pred, post, c


def em_step(lay: Layout, p: Params, n_skills: int, fit_forget: bool) -> tuple[Params, np.ndarray]:
    """One Baum-Welch iteration; returns new parameters and the log-likelihood per
    (restart, skill) under the old ones."""
    R, N = p.learn.shape[0], len(lay.obs)
    _pred, post, c = forward(lay, p)
    g = p.guess[:, lay.gs]
    s = p.slip[:, lay.gs]
    o = lay.obs[None, :]
    e1 = np.where(o > 0, 1.0 - s, s)
    e0 = np.where(o > 0, g, 1.0 - g)
    learn = p.learn[:, lay.skill]
    forget = p.forget[:, lay.skill]
    b1 = np.ones((R, N))
    b0 = np.ones((R, N))
    xi01 = np.zeros((R, N))  # transition unknown -> known leaving the entry
    xi10 = np.zeros((R, N))
    off, act = lay.offsets, lay.n_active
    for t in range(len(act) - 2, -1, -1):
        a = off[t]
        m = act[t + 1]  # sequences that continue past t
        if m == 0:
            continue
        n0, n1 = off[t + 1], off[t + 1] + m
        w1 = e1[:, n0:n1] * b1[:, n0:n1] / np.maximum(c[:, n0:n1], _EPS)
        w0 = e0[:, n0:n1] * b0[:, n0:n1] / np.maximum(c[:, n0:n1], _EPS)
        T, F = learn[:, n0:n1], forget[:, n0:n1]
        b1[:, a : a + m] = F * w0 + (1.0 - F) * w1
        b0[:, a : a + m] = (1.0 - T) * w0 + T * w1
        al1 = post[:, a : a + m]
        xi01[:, a : a + m] = (1.0 - al1) * T * w1
        xi10[:, a : a + m] = al1 * F * w0
    gam1 = post * b1
    gam0 = (1.0 - post) * b0
    tot = np.maximum(gam1 + gam0, _EPS)
    gam1, gam0 = gam1 / tot, gam0 / tot

    def sums(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
        flat = (np.arange(R)[:, None] * size + index[None, :]).ravel()
        return np.bincount(flat, weights=weights.ravel(), minlength=R * size).reshape(R, size)

    nxt = lay.has_next[None, :]
    n_gs, n_prior = p.guess.shape[1], p.prior.shape[1]
    learn_new = sums(lay.skill, xi01, n_skills) / np.maximum(
        sums(lay.skill, gam0 * nxt, n_skills), _EPS
    )
    forget_new = sums(lay.skill, xi10, n_skills) / np.maximum(
        sums(lay.skill, gam1 * nxt, n_skills), _EPS
    )
    first = lay.first
    prior_new = sums(lay.prior[first], gam1[:, first], n_prior) / np.maximum(
        sums(lay.prior[first], np.ones_like(gam1[:, first]), n_prior), _EPS
    )
    guess_new = sums(lay.gs, gam0 * o, n_gs) / np.maximum(sums(lay.gs, gam0, n_gs), _EPS)
    slip_new = sums(lay.gs, gam1 * (1.0 - o), n_gs) / np.maximum(sums(lay.gs, gam1, n_gs), _EPS)
    ll = sums(lay.skill, np.log(np.maximum(c, _EPS)), n_skills)
    # Parameters of a skill (or prior group) no entry informs keep their old values.
    seen_skill = np.bincount(lay.skill, minlength=n_skills) > 0
    seen_gs = np.bincount(lay.gs, minlength=n_gs) > 0
    seen_prior = np.bincount(lay.prior[first], minlength=n_prior) > 0

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
