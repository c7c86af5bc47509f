"""Synthetic logs drawn from each model's own generative process, with the truth.

Used for parameter-recovery tests and benchmarks: fit a model on a log drawn from known
parameters and compare. Every generator is vectorized over learners and seeded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit.data import _fsrs
from teachkit.data._log import InteractionLog
from teachkit.spaces import Discrete

_T0 = 1.7e9  # a fixed start time (2023-11-14), so logs are reproducible


def _space(n_items: int, skill_of: np.ndarray) -> Discrete:
    return Discrete(
        [f"q{i}" for i in range(n_items)],
        skills={f"q{i}": [f"s{skill_of[i]}"] for i in range(n_items)},
    )


def _log(
    space: Discrete,
    learners: np.ndarray,
    items: np.ndarray,
    correct: np.ndarray,
    steps: np.ndarray,
    **kw: Any,
) -> InteractionLog:
    """Rows given learner-major; times one minute apart per step."""
    order = np.lexsort((steps, learners))
    n_l = int(learners.max()) + 1
    return InteractionLog(
        space=space,
        learner_ids=np.array([f"u{k}" for k in range(n_l)], dtype=object),
        learners=learners[order].astype(np.int64),
        items=items[order].astype(np.int64),
        correct=correct[order].astype(np.float64),
        score=kw.get("score", correct)[order].astype(np.float64),
        time=_T0 + 60.0 * steps[order].astype(np.float64),
    )


def bkt_log(
    n_learners: int = 500,
    n_skills: int = 4,
    *,
    items_per_skill: int = 1,
    steps: int = 40,
    forgets: bool = False,
    seed: int = 0,
    truth: dict[str, np.ndarray] | None = None,
) -> tuple[InteractionLog, dict[str, np.ndarray]]:
    """Answers drawn from a BKT model (one skill per item; items chosen uniformly).

    Args:
        n_learners, n_skills, items_per_skill: sizes (items ``q{i}`` on skill ``s{i // k}``).
        steps: answers per learner.
        forgets: draw a forgetting probability per skill (else 0).
        seed: seeds the parameters and the answers.
        truth: fixed parameters (arrays per skill: prior, learn, forget, guess, slip).

    Returns:
        the log and the true parameters.
    """
    rng = np.random.default_rng(seed)
    n_items = n_skills * items_per_skill
    if truth is None:
        truth = {
            "prior": rng.uniform(0.1, 0.5, n_skills),
            "learn": rng.uniform(0.05, 0.3, n_skills),
            "forget": rng.uniform(0.02, 0.1, n_skills) if forgets else np.zeros(n_skills),
            "guess": rng.uniform(0.1, 0.3, n_skills),
            "slip": rng.uniform(0.05, 0.15, n_skills),
        }
    skill_of = np.arange(n_items) // items_per_skill
    known = rng.random((n_learners, n_skills)) < truth["prior"][None, :]
    lr, it, co, st = [], [], [], []
    ids = np.arange(n_learners)
    for t in range(steps):
        item = rng.integers(0, n_items, n_learners)
        k = skill_of[item]
        kn = known[ids, k]
        p = np.where(kn, 1.0 - truth["slip"][k], truth["guess"][k])
        correct = rng.random(n_learners) < p
        flip = rng.random(n_learners)
        known[ids, k] = np.where(kn, flip >= truth["forget"][k], flip < truth["learn"][k])
        lr.append(ids)
        it.append(item)
        co.append(correct)
        st.append(np.full(n_learners, t))
    log = _log(
        _space(n_items, skill_of),
        np.concatenate(lr),
        np.concatenate(it),
        np.concatenate(co),
        np.concatenate(st),
    )
    return log, truth


def irt_log(
    n_learners: int = 1000,
    n_items: int = 30,
    *,
    answers: int = 30,
    model: str = "2pl",
    discrimination_sd: float = 0.3,
    seed: int = 0,
) -> tuple[InteractionLog, dict[str, np.ndarray]]:
    """Answers drawn from an IRT model: P = c_i + (d_i - c_i) sigmoid(a_i (theta_l - b_i)).

    Abilities ~ N(0, 1), difficulties ~ N(0, 1), discriminations ~ LogNormal(0,
    ``discrimination_sd``) (1 for the 1PL); guessing asymptotes ``c`` ~ U(0.05, 0.3) in the 3PL and 4PL (else 0);
    upper asymptotes ``d`` ~ U(0.85, 1) in the 4PL (else 1). Each learner answers
    ``answers`` distinct items in random order. ``model``: "1pl", "2pl", "3pl" or "4pl".
    """
    if not isinstance(model, str) or model not in ("1pl", "2pl", "3pl", "4pl"):
        raise ValueError(f"model: expected '1pl', '2pl', '3pl' or '4pl', got {model!r}")
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, n_learners)
    b = rng.normal(0.0, 1.0, n_items)
    a = rng.lognormal(0.0, discrimination_sd, n_items) if model != "1pl" else np.ones(n_items)
    c = rng.uniform(0.05, 0.3, n_items) if model in ("3pl", "4pl") else np.zeros(n_items)
    d = rng.uniform(0.85, 1.0, n_items) if model == "4pl" else np.ones(n_items)
    answers = min(answers, n_items)
    items = np.argsort(rng.random((n_learners, n_items)), axis=1)[:, :answers]
    learners = np.repeat(np.arange(n_learners), answers)
    items = items.ravel()
    f = 1.0 / (1.0 + np.exp(-a[items] * (theta[learners] - b[items])))
    p = c[items] + (d[items] - c[items]) * f
    correct = rng.random(len(p)) < p
    steps = np.tile(np.arange(answers), n_learners)
    log = _log(_space(n_items, np.arange(n_items)), learners, items, correct, steps)
    return log, {"theta": theta, "a": a, "b": b, "c": c, "d": d}


def review_log(
    n_cards: int = 200,
    *,
    n_learners: int = 1,
    reviews: int = 8,
    weights: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[InteractionLog, dict[str, np.ndarray]]:
    """Reviews drawn from the FSRS-6 memory model (what :class:`MemoryModel` fits).

    Each learner studies ``n_cards`` cards ``c{i}``; each card is first seen on a random
    day of the first month, then reviewed ``reviews - 1`` more times, each after the
    interval FSRS would schedule for 90% retention times a LogNormal(0, 0.6) jitter. At a
    review the card is recalled with probability R; a recalled card is graded Hard, Good
    or Easy with probabilities 0.15, 0.75, 0.10. Scores hold ``(grade - 1) / 3``.

    Returns:
        the log and ``{"weights": w, "p_recall": R before each row (NaN at first reviews)}``.
    """
    rng = np.random.default_rng(seed)
    w = _fsrs.DEFAULT_W.copy() if weights is None else np.asarray(weights, dtype=np.float64)
    m = n_cards * n_learners
    learners = np.repeat(np.arange(n_learners), n_cards)
    items = np.tile(np.arange(n_cards), n_learners)
    t = rng.uniform(0, 30, m) * _fsrs.DAY
    first = rng.choice(4, size=m, p=[0.3, 0.1, 0.5, 0.1]) + 1
    s, d = _fsrs.initial(w, first)
    rows_t, rows_g, rows_p = [t.copy()], [first], [np.full(m, np.nan)]
    for _ in range(reviews - 1):
        gap = np.maximum(_fsrs.interval(w, s, 0.9) * rng.lognormal(0.0, 0.6, m), 1.0)
        t = t + gap * _fsrs.DAY
        r = _fsrs.retrievability(w, gap, s)
        recalled = rng.random(m) < r
        g = np.where(recalled, rng.choice(3, size=m, p=[0.15, 0.75, 0.10]) + 2, 1)
        s, d = _fsrs.update(w, s, d, gap, g)
        rows_t.append(t.copy())
        rows_g.append(g)
        rows_p.append(r)
    tt, gg, pp = np.concatenate(rows_t), np.concatenate(rows_g), np.concatenate(rows_p)
    ll, ii = np.tile(learners, reviews), np.tile(items, reviews)
    order = np.lexsort((tt, ll))
    space = Discrete([f"c{i}" for i in range(n_cards)])
    log = InteractionLog(
        space=space,
        learner_ids=np.array([f"u{k}" for k in range(n_learners)], dtype=object),
        learners=ll[order].astype(np.int64),
        items=ii[order].astype(np.int64),
        correct=(gg[order] > 1).astype(np.float64),
        score=(gg[order] - 1) / 3.0,
        time=tt[order] + _T0,
    )
    return log, {"weights": w, "p_recall": pp[order]}


def pfa_log(
    n_learners: int = 1000,
    n_skills: int = 3,
    *,
    steps: int = 30,
    seed: int = 0,
) -> tuple[InteractionLog, dict[str, np.ndarray]]:
    """Answers drawn from PFA: ``logit P = beta_k + gamma_k s_k + rho_k f_k`` for the skill
    ``k`` of the item (one skill per item, items ``q{k}``), with ``s_k``/``f_k`` the
    learner's earlier successes and failures on it. beta ~ U(-1.5, 0), gamma ~ U(0.1, 0.4),
    rho ~ U(-0.2, 0.1)."""
    rng = np.random.default_rng(seed)
    truth = {
        "beta": rng.uniform(-1.5, 0.0, n_skills),
        "gamma": rng.uniform(0.1, 0.4, n_skills),
        "rho": rng.uniform(-0.2, 0.1, n_skills),
    }
    s = np.zeros((n_learners, n_skills))
    f = np.zeros((n_learners, n_skills))
    ids = np.arange(n_learners)
    lr, it, co, st = [], [], [], []
    for t in range(steps):
        k = rng.integers(0, n_skills, n_learners)
        z = truth["beta"][k] + truth["gamma"][k] * s[ids, k] + truth["rho"][k] * f[ids, k]
        correct = rng.random(n_learners) < 1.0 / (1.0 + np.exp(-z))
        s[ids, k] += correct
        f[ids, k] += ~correct
        lr.append(ids)
        it.append(k)
        co.append(correct)
        st.append(np.full(n_learners, t))
    log = _log(
        _space(n_skills, np.arange(n_skills)),
        np.concatenate(lr),
        np.concatenate(it),
        np.concatenate(co),
        np.concatenate(st),
    )
    return log, truth


def real_shaped_bkt_log(
    n_learners: int = 2900,
    n_skills: int = 110,
    *,
    n_sequences: int = 27000,
    items_per_skill: int = 5,
    seed: int = 0,
) -> tuple[InteractionLog, dict[str, np.ndarray]]:
    """A BKT log shaped like a real tutoring log (ASSISTments 2009 skill builder).

    ``bkt_log`` gives every learner the same number of answers spread evenly over a few
    skills: long, uniform sequences. Real logs look different, and the cost of fitting
    them is dominated by that shape: many skills of very uneven size and many short
    learner-skill sequences. With the defaults (~230k answers, 2,900 learners, 110
    skills, 27,000 learner-skill sequences) the shape matches the one measured on
    ASSISTments 2009 (224k answers): sequence lengths are ``round(LogNormal(log 5.2,
    1))``, at least 1 (median 5, ~11% of length 1, 90th percentile ~19, longest 220-370
    by seed); skill ``k`` draws sequences in proportion to ``(k + 1)^2`` plus a floor, so
    skills range from ~50 to ~5,000+ answers; learners draw sequences in proportion to a LogNormal(0, 1) activity,
    at most one sequence per (learner, skill). A learner works through their skills one
    after another in a random order (each sequence contiguous in time, as in skill
    builders). Answers follow BKT without forgetting, parameters drawn per skill as in
    :func:`bkt_log`; items ``q{i}`` (``items_per_skill`` per skill, chosen uniformly) are
    on skill ``s{i // items_per_skill}``.

    Returns:
        the log and the true parameters (arrays per skill: prior, learn, forget, guess,
        slip).
    """
    rng = np.random.default_rng(seed)
    truth = {
        "prior": rng.uniform(0.1, 0.5, n_skills),
        "learn": rng.uniform(0.05, 0.3, n_skills),
        "forget": np.zeros(n_skills),
        "guess": rng.uniform(0.1, 0.3, n_skills),
        "slip": rng.uniform(0.05, 0.15, n_skills),
    }
    n_sequences = min(n_sequences, n_learners * n_skills)
    # which (learner, skill) pairs: skewed skill popularity and learner activity
    w_skill = (np.arange(n_skills) + 1.0) ** 2 + 0.013 * n_skills**2
    w_skill = rng.permutation(w_skill / w_skill.sum())
    w_learner = rng.lognormal(0.0, 1.0, n_learners)
    w_learner /= w_learner.sum()
    pairs = np.zeros(0, dtype=np.int64)
    while len(pairs) < n_sequences:
        need = 2 * (n_sequences - len(pairs)) + 16
        cand = rng.choice(n_learners, need, p=w_learner) * n_skills + rng.choice(
            n_skills, need, p=w_skill
        )
        cand = np.concatenate([pairs, cand])
        _, first = np.unique(cand, return_index=True)
        pairs = cand[np.sort(first)][:n_sequences]  # keep draw order: no bias to small ids
    # every learner answers at least one sequence
    idle = np.setdiff1d(np.arange(n_learners), pairs // n_skills)
    if len(idle):
        pairs = np.concatenate(
            [
                pairs[: n_sequences - len(idle)],
                idle * n_skills + rng.integers(0, n_skills, len(idle)),
            ]
        )
        pairs = np.unique(pairs)
    learner, skill = pairs // n_skills, pairs % n_skills
    n = len(pairs)
    lengths = np.maximum(1, np.rint(rng.lognormal(np.log(5.2), 1.0, n))).astype(np.int64)
    # answers, vectorized over sequences: step t holds the sequences longer than t
    known = rng.random(n) < truth["prior"][skill]
    correct = np.zeros(int(lengths.sum()), dtype=bool)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    for t in range(int(lengths.max())):
        live = np.flatnonzero(lengths > t)
        k = skill[live]
        kn = known[live]
        p = np.where(kn, 1.0 - truth["slip"][k], truth["guess"][k])
        correct[offsets[live] + t] = rng.random(len(live)) < p
        known[live] = kn | (rng.random(len(live)) < truth["learn"][k])
    # time: each learner's sequences one after another, in a random order
    rank = np.lexsort((rng.random(n), learner))
    seq_start = np.zeros(n, dtype=np.int64)
    lr_sorted = learner[rank]
    len_sorted = lengths[rank]
    cum = np.cumsum(len_sorted) - len_sorted
    first_of_learner = np.r_[True, lr_sorted[1:] != lr_sorted[:-1]]
    base = np.maximum.accumulate(np.where(first_of_learner, cum, 0))
    seq_start[rank] = cum - base
    seq = np.repeat(np.arange(n), lengths)
    pos = np.arange(len(seq)) - offsets[seq]
    items = skill[seq] * items_per_skill + rng.integers(0, items_per_skill, len(seq))
    skill_of = np.arange(n_skills * items_per_skill) // items_per_skill
    log = _log(
        _space(n_skills * items_per_skill, skill_of),
        learner[seq],
        items,
        correct,
        seq_start[seq] + pos,
    )
    return log, truth
