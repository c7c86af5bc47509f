"""PSI-KT: prerequisite graph and learner traits learned jointly (PyTorch, CPU-sized)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from teachkit._validation import check_positive_int
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.learners._torch import TorchLearnerModel, require_torch
from teachkit.spaces import Discrete

DAY = 86400.0
TRAITS = ("forgetting", "learning", "level")


class PSIKT(TorchLearnerModel):
    """PSI-KT: knowledge tracing with a learned prerequisite graph and learner traits.

    A hierarchical state-space model after Zhou, Bamler, Wu & Tejero-Cantero (2024). Each
    learner ``l`` has a knowledge state ``z_k`` per skill (logit scale) and cognitive traits
    ``s_l`` (three numbers): a forgetting rate ``alpha_l``, a learning rate ``eta_l`` and a
    level ``mu_l``. The skills are linked by a prerequisite graph whose edge probabilities
    ``A[j, k] = sigmoid(u_j . v_k + b)`` come from learned node embeddings.

    * **Forgetting**: between answers every ``z_k`` follows an Ornstein-Uhlenbeck process
      towards the learner's long-term level ``mu_l + beta_k``, with rate ``alpha_l`` (per
      day) and volatility ``sigma``: the mean relaxes by ``exp(-alpha dt)``, the variance
      towards ``sigma^2 / (2 alpha)``.
    * **Answers**: ``P(correct) = sigmoid((mean_k z_k - d_i) / sqrt(1 + pi V / 8))`` over
      the item's skills, with a Rasch difficulty ``d_i`` per item and ``V`` the variance of
      the mean state (the probit approximation of the Gaussian average).
    * **Inference**: each answer updates the Gaussian belief over the item's skills
      (a Laplace step of the logistic likelihood: an assumed-density filter).
    * **Learning with structure**: practising skill ``k`` raises ``z_k`` by
      ``eta_l c rho_k`` with ``c = 1`` after a success (``fail_gain`` after a failure,
      learned) and the readiness ``rho_k = f + (1 - f) prod_j (1 - A[j, k] (1 -
      sigmoid(kappa (z_j - z*))))``: a prerequisite ``j`` that is not known cuts learning
      of ``k`` in proportion to the edge's probability.

    ``fit`` maximizes the log-likelihood of the answers (one step ahead, through the
    filter) plus the priors: standard normal traits per learner, a sparsity prior on the
    edges (``sparsity`` times their summed probability) and a weak Gaussian prior on the
    embeddings, by Adam over whole learner sequences. Learners of the fitted log keep their
    fitted traits; a new learner starts from the population's (``s = 0``).

    :meth:`prerequisite_matrix` gives the learned graph, :meth:`prerequisites` a DAG of
    its likely edges (what :func:`teachkit.teachers.learned_prerequisites` gives the
    Tutor), :meth:`traits` each learner's traits.

    Args:
        space: items with skill tags; None: adopt the log's.
        embed: size of the node embeddings of the graph.
        sparsity: weight of the prior against edges.
        epochs, batch_size (learners per step), lr, device, threads, seed: training.

    Simplifications (CPU-sized; where this departs from the paper): traits and graph are
    MAP point estimates, not the paper's variational posteriors (no Gumbel-softmax
    sampling of graphs, no amortized encoder networks); traits are fixed per learner
    rather than drifting slowly over a learner's history; the posterior over knowledge
    states is a Gaussian assumed-density filter instead of an amortized variational
    posterior; and the prerequisites act on learning (the readiness gate) rather than on
    the mean of the OU process. Times are read in days; a log without times counts one
    day per answer.

    Example:
        >>> from teachkit.simulators import skill_graph_log
        >>> log, _ = skill_graph_log(60, steps=20, seed=0)
        >>> model = PSIKT(epochs=2, seed=0).fit(log)
        >>> model.prerequisite_matrix().shape
        (12, 12)
        >>> 0 < model.predict("s0", log.space.names[0]) < 1
        True

    References:
        Zhou, H., Bamler, R., Wu, C. M., & Tejero-Cantero, Á. (2024). Predictive,
        scalable and interpretable knowledge tracing on structured domains. ICLR.
    """

    uses_time: ClassVar[bool] = True

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        embed: int = 16,
        sparsity: float = 1.0,
        epochs: int = 60,
        batch_size: int = 256,
        lr: float = 0.03,
        device: str = "cpu",
        threads: int | None = 1,
        seed: int | None = None,
    ) -> None:
        check_positive_int("embed", embed)
        if not (isinstance(sparsity, int | float) and sparsity >= 0):
            raise ValidationError("PSIKT", [f"sparsity: expected a number >= 0, got {sparsity!r}"])
        self.embed = embed
        self.sparsity = sparsity
        self._trait_ids: list[str] = []
        self._traits = np.zeros((0, len(TRAITS)), np.float32)
        super().__init__(
            space,
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            device=device,
            threads=threads,
            seed=seed,
        )

    # -- the network: global parameters -------------------------------------------------------
    def _build(self, torch: Any) -> Any:
        n_items, k = self._q.shape
        e = self.embed
        nn = torch.nn

        def p(*values: float) -> Any:
            return nn.Parameter(torch.tensor(values if len(values) > 1 else values[0]))

        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        return nn.ParameterDict(
            {
                "u": nn.Parameter(0.3 * torch.randn(k, e, generator=g)),
                "v": nn.Parameter(0.3 * torch.randn(k, e, generator=g)),
                "edge_bias": p(-2.0),
                "beta": nn.Parameter(torch.zeros(k)),  # skill baselines
                "difficulty": nn.Parameter(torch.zeros(n_items)),
                # trait decoders: alpha = softplus(a0 + s0), eta = softplus(g0 + s1), mu = s2
                "trait_bias": p(math.log(math.expm1(0.1)), math.log(math.expm1(0.5)), 0.0),
                "trait_scale": p(0.5, 0.5, 1.0),
                "sigma": p(math.log(math.expm1(0.5))),
                "kappa": p(math.log(math.expm1(2.0))),
                "z_star": p(0.0),
                "floor": p(-1.0),
                "fail_gain": p(0.0),
            }
        )

    def _globals(self, net: Any) -> dict[str, Any]:
        torch = require_torch()
        F = torch.nn.functional
        k = self._q.shape[1]
        off = 1.0 - torch.eye(k, device=net["u"].device)
        edges = torch.sigmoid(net["u"] @ net["v"].T + net["edge_bias"]) * off
        q = torch.as_tensor(np.array(self._q, np.float32), device=net["u"].device)
        return {
            "A": edges,
            "q": q,
            "beta": net["beta"],
            "d": net["difficulty"],
            "sigma2": F.softplus(net["sigma"]) ** 2,
            "kappa": F.softplus(net["kappa"]),
            "z_star": net["z_star"],
            "floor": torch.sigmoid(net["floor"]),
            "fail": torch.sigmoid(net["fail_gain"]),
        }

    def _decode(self, net: Any, s: Any) -> tuple[Any, Any, Any]:
        torch = require_torch()
        F = torch.nn.functional
        x = net["trait_bias"] + net["trait_scale"] * s
        return F.softplus(x[:, 0]) + 1e-4, F.softplus(x[:, 1]), x[:, 2]

    def _start(self, net: Any, G: dict[str, Any], s: Any) -> tuple[Any, Any]:
        """Initial belief ``(mean, variance)`` ``(B, K)`` for learners with traits ``s``."""
        alpha, _, mu = self._decode(net, s)
        m = mu[:, None] + G["beta"][None, :]
        v = (G["sigma2"] / (2 * alpha))[:, None].expand_as(m)
        return m, v.clone()

    def _relax(self, net: Any, G: dict[str, Any], s: Any, m: Any, v: Any, dt: Any) -> Any:
        """The OU process over ``dt`` days ``(B,)``: the belief's mean and variance."""
        torch = require_torch()
        alpha, _, mu = self._decode(net, s)
        target = mu[:, None] + G["beta"][None, :]
        decay = torch.exp(-alpha * dt)[:, None]
        stat = (G["sigma2"] / (2 * alpha))[:, None]
        return target + (m - target) * decay, v * decay**2 + stat * (1 - decay**2)

    def _prob(self, G: dict[str, Any], m: Any, v: Any, items: Any) -> tuple[Any, Any, Any]:
        torch = require_torch()
        q = G["q"][items]  # (B, K)
        n = q.sum(-1)
        mean = (m * q).sum(-1) / n - G["d"][items]
        var = (v * q).sum(-1) / n**2
        p = torch.sigmoid(mean / torch.sqrt(1 + math.pi * var / 8))
        return p, q, var

    def _observe(
        self, net: Any, G: dict[str, Any], s: Any, m: Any, v: Any, items: Any, y: Any
    ) -> tuple[Any, Any]:
        """Belief after answer ``y`` to ``items``: a Laplace step, then learning."""
        torch = require_torch()
        p, q, var = self._prob(G, m, v, items)
        n = q.sum(-1, keepdim=True)
        w = p * (1 - p)
        gain = (v * q / n) / (1 + var * w)[:, None]
        m = m + gain * (y - p)[:, None]
        v = v - gain * (v * q / n) * w[:, None]
        # Learning, gated by the prerequisites' knowledge (the structural influence).
        known = torch.sigmoid(G["kappa"] * (m - G["z_star"]))  # (B, K)
        missing = G["A"][None, :, :] * (1 - known)[:, :, None]  # (B, j, k)
        rho = G["floor"] + (1 - G["floor"]) * torch.exp(torch.log1p(-missing * 0.999).sum(1))
        _, eta, _ = self._decode(net, s)
        step = eta[:, None] * rho * (y + (1 - y) * G["fail"])[:, None]
        return m + q * step, v

    # -- training -------------------------------------------------------------------------------
    @staticmethod
    def _days(log: InteractionLog) -> np.ndarray:
        t = np.asarray(log.time, dtype=np.float64)
        return np.where(np.isnan(t), log.position.astype(np.float64) * DAY, t) / DAY

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from tqdm.auto import tqdm

        torch = require_torch()
        n_l, T = log.n_learners, int(log.lengths.max())
        dev = self._torch_device()
        items = np.zeros((n_l, T), np.int64)
        y = np.zeros((n_l, T), np.float32)
        days = np.zeros((n_l, T), np.float64)
        mask = np.zeros((n_l, T), bool)
        items[log.learners, log.position] = log.items
        y[log.learners, log.position] = log.correct
        days[log.learners, log.position] = self._days(log)
        mask[log.learners, log.position] = True
        dt = np.zeros((n_l, T), np.float32)
        dt[:, 1:] = np.where(mask[:, 1:], np.maximum(np.diff(days, axis=1), 0.0), 0.0)
        net = self._net
        traits = torch.zeros(n_l, len(TRAITS), device=dev, requires_grad=True)
        opt = torch.optim.Adam([*net.parameters(), traits], lr=self.lr)
        total = float(mask.sum())
        bar = tqdm(total=self.epochs, desc="PSIKT", disable=not progress, leave=False)
        with self._seeded(1):
            for _ in range(self.epochs):
                order = self._rng.permutation(n_l)
                epoch_loss = 0.0
                for a in range(0, n_l, self.batch_size):
                    idx = order[a : a + self.batch_size]
                    width = int(mask[idx].sum(1).max())
                    it = torch.as_tensor(items[idx, :width], device=dev)
                    yy = torch.as_tensor(y[idx, :width], device=dev)
                    gap = torch.as_tensor(dt[idx, :width], device=dev)
                    mk = torch.as_tensor(mask[idx, :width], device=dev)
                    s = traits[torch.as_tensor(idx, device=dev)]
                    G = self._globals(net)
                    m, v = self._start(net, G, s)
                    nll = torch.zeros((), device=dev)
                    for t in range(width):
                        m, v = self._relax(net, G, s, m, v, gap[:, t])
                        p, _, _ = self._prob(G, m, v, it[:, t])
                        p = p.clamp(1e-6, 1 - 1e-6)
                        ll = yy[:, t] * torch.log(p) + (1 - yy[:, t]) * torch.log1p(-p)
                        nll = nll - (ll * mk[:, t]).sum()
                        m2, v2 = self._observe(net, G, s, m, v, it[:, t], yy[:, t])
                        keep = mk[:, t, None]
                        m, v = torch.where(keep, m2, m), torch.where(keep, v2, v)
                    share = len(idx) / n_l
                    prior = 0.5 * (s**2).sum() + share * (
                        self.sparsity * G["A"].sum()
                        + 0.5 * ((net["u"] ** 2).sum() + (net["v"] ** 2).sum())
                    )
                    loss = (nll + prior) / (total * share)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    epoch_loss += float(nll.detach())
                self._history.append(epoch_loss / total)
                bar.update(1)
        bar.close()
        self._trait_ids = [str(x) for x in log.learner_ids.tolist()]
        self._traits = traits.detach().cpu().numpy().astype(np.float32)

    # -- the online state: belief per skill, time of the last answer, traits ------------------
    def _new_state(self, k: int) -> State:
        n = self._q.shape[1]
        return {
            "m": np.full((k, n), np.nan, np.float32),  # NaN: not started (prior at first use)
            "v": np.zeros((k, n), np.float32),
            "t": np.full(k, np.nan),
            "s": np.zeros((k, len(TRAITS)), np.float32),
        }

    @staticmethod
    def _clock(last: np.ndarray, time: np.ndarray) -> np.ndarray:
        """The time of an answer; an untimed one (NaN) comes a day after the last answer,
        as in training (NaN when there is no last answer)."""
        return np.where(np.isnan(time), last + DAY, time)

    def _now_state(self, state: State, time: np.ndarray) -> tuple[Any, Any, Any, Any]:
        """The belief at ``time`` (seconds): started from the prior, relaxed since the last
        answer."""
        torch = require_torch()
        dev = self._torch_device()
        net = self._net
        G = self._globals(net)
        s = torch.as_tensor(state["s"], device=dev)
        m0, v0 = self._start(net, G, s)
        fresh = torch.as_tensor(np.isnan(state["m"][:, :1]), device=dev)
        m = torch.where(fresh, m0, torch.as_tensor(np.nan_to_num(state["m"]), device=dev))
        v = torch.where(fresh, v0, torch.as_tensor(state["v"], device=dev))
        t_now = self._clock(state["t"], time)
        gap = np.nan_to_num(np.maximum(t_now - state["t"], 0.0)) / DAY  # 0 before any answer
        m, v = self._relax(net, G, s, m, v, torch.as_tensor(gap, dtype=torch.float32, device=dev))
        return G, s, m, v

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        torch = require_torch()
        with torch.no_grad(), self._seeded(2):
            G, _, m, v = self._now_state(state, time)
            p, _, _ = self._prob(G, m, v, torch.as_tensor(items, device=m.device))
        return p.cpu().numpy().astype(np.float64)

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        torch = require_torch()
        with torch.no_grad(), self._seeded(2):
            G, s, m, v = self._now_state(state, time)
            dev = m.device
            y = torch.as_tensor(correct, dtype=torch.float32, device=dev)
            m, v = self._observe(self._net, G, s, m, v, torch.as_tensor(items, device=dev), y)
        t = np.nan_to_num(self._clock(state["t"], time))  # the first untimed answer: 0
        return {
            "m": m.cpu().numpy(),
            "v": v.cpu().numpy(),
            "t": t,
            "s": state["s"],
        }

    def _mastery_state(self, state: State, rows: np.ndarray) -> np.ndarray:
        """P(correct) on an item of average difficulty for each skill, at the last answer."""
        torch = require_torch()
        with torch.no_grad(), self._seeded(2):
            G, _, m, v = self._now_state(state, state["t"])  # at the last answer
            q = G["q"]
            d = (q * G["d"][:, None]).sum(0) / q.sum(0).clamp(min=1)
            p = torch.sigmoid((m - d) / torch.sqrt(1 + math.pi * v / 8))
        return p.cpu().numpy().astype(np.float64)

    def _absorb(self, log: InteractionLog) -> None:
        # Learners of the fitted log start from their fitted traits.
        if self._trait_ids:
            ids = [str(x) for x in log.learner_ids.tolist()]
            new = [i for i in ids if i not in self._index]
            rows = self._rows(new, create=True)
            where = {lid: j for j, lid in enumerate(self._trait_ids)}
            for lid, r in zip(new, rows.tolist()):
                if lid in where:
                    self._state["s"][r] = self._traits[where[lid]]
        super()._absorb(log)

    predict_log = BaseLearnerModel.predict_log  # one step ahead through the filter

    # -- what was learned ----------------------------------------------------------------------
    def prerequisite_matrix(self) -> np.ndarray:
        """``A[j, k]`` = P(skill ``j`` is a prerequisite of skill ``k``), ``(K, K)``, skills
        in ``space_.skill_names`` order (zero diagonal)."""
        torch = require_torch()
        with torch.no_grad():
            out: np.ndarray = self._globals(self._net)["A"].cpu().numpy().astype(np.float64)
        return out

    def prerequisites(self, threshold: float = 0.5) -> dict[str, list[str]]:
        """``{skill: [prerequisites]}``: edges with probability above ``threshold``, added
        strongest first and skipped when they would close a cycle (so the result is a DAG
        a :class:`~teachkit.spaces.Discrete` space accepts)."""
        if not 0 < threshold < 1:
            raise ValidationError(
                "PSIKT.prerequisites",
                [f"threshold: expected a number in (0, 1), got {threshold!r}"],
            )
        a = self.prerequisite_matrix()
        names = list(self.space_.skill_names)
        dep = np.eye(len(names), dtype=bool)  # dep[x, y]: x depends on y (y comes first)
        out: dict[str, list[str]] = {}
        for flat in np.argsort(-a, axis=None, kind="stable"):
            j, k = np.unravel_index(flat, a.shape)
            if a[j, k] <= threshold:
                break
            if dep[j, k]:  # j already depends on k: the edge j -> k would close a cycle
                continue
            out.setdefault(names[k], []).append(names[j])
            dep |= np.outer(dep[:, k], dep[j])  # what depends on k now depends on j's too
        return out

    def traits(self, learner_id: str) -> dict[str, float]:
        """A learner's traits: ``forgetting`` (OU rate per day), ``learning`` (gain per
        answer) and ``level`` (long-term knowledge offset); the population's for a learner
        not in the fitted log."""
        torch = require_torch()
        row = self._rows([learner_id], create=False)[0]
        s = self._state["s"][row] if row >= 0 else np.zeros(len(TRAITS), np.float32)
        with torch.no_grad():
            a, e, mu = self._decode(self._net, torch.as_tensor(s[None]))
        return {"forgetting": float(a[0]), "learning": float(e[0]), "level": float(mu[0])}

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> PSIKT:
        return cls(space, epochs=2, seed=seed)
