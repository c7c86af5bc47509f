"""CLUTR: a latent task space learned first, then searched for high-regret tasks."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._seeding import spawn_seed
from teachkit._teacher import BaseTeacher
from teachkit._validation import Checker
from teachkit.spaces import Generated
from teachkit.teachers.generative._buffer import LevelBuffer
from teachkit.teachers.generative._regret import SCORES, require
from teachkit.teachers.generative._vae import TaskVAE, fit_task_vae

PRIORITIZATIONS = ("rank", "power")
_FITTED: dict[str, TaskVAE] = {}  # one training per configuration and seed, per process


class CLUTR(BaseTeacher):
    """CLUTR (Azad, Izadi, Ostovar, Cuong 2023): learn a task manifold, then search it.

    First, offline, a small VAE (PyTorch) learns a latent space from ``pretrain_tasks``
    random tasks' vectors (``generator.encode``); this happens at the first ask, seeded
    from the teacher's RNG, and the weights are part of the teacher's state. Then each
    task asked for is decoded from a latent vector ``z`` (``space.from_vector``, i.e.
    ``generator.decode`` of the VAE's output): with probability ``explore`` (or while
    nothing is scored) ``z`` is drawn from the prior ``N(0, I)``; otherwise a scored
    latent is drawn from a buffer by PLR's rank prioritization of its regret score and
    perturbed, ``z + sigma * N(0, I)``. Outcomes score the latents with the same regret
    estimates as ACCEL (positive value loss, MaxMC, learnability). Every task is for
    training, as the student trains on the adversary's levels in CLUTR.

    Deviations from the paper: CLUTR's teacher is a PAIRED-style adversary (a recurrent
    policy trained by RL to output latents, rewarded by an antagonist agent's regret); here
    the search is a regret-prioritized local search over the latents found so far, with
    regret estimated from the one learner's outcomes, so no second agent is needed. The
    paper's VAE reads levels as token sequences (an LSTM); this one is an MLP over the
    generator's vector.

    Args:
        space: a :class:`~teachkit.spaces.Generated` space whose generator can ``encode``
            and ``decode``.
        latent_dim, hidden: sizes of the VAE.
        pretrain_tasks: random tasks the VAE learns from.
        epochs: passes over them.
        beta: weight of the KL term.
        explore: probability of a fresh latent from the prior.
        sigma: scale of the perturbation of a replayed latent.
        buffer_size: scored latents kept.
        score, prioritization, temperature, staleness_coef: as in :class:`ACCEL`.
        seed: seeds every draw, the VAE's training included.

    Example:
        >>> import teachkit as tk
        >>> from teachkit.testing.generators import Corridors
        >>> space = tk.spaces.Generated(Corridors())
        >>> clutr = CLUTR(space, pretrain_tasks=64, epochs=2, score="learnability", seed=0)
        >>> clutr.ask("agent")[0].origin
        'decode'

    References:
        Azad, Izadi, Ostovar, Cuong (2023). CLUTR: Curriculum Learning via Unsupervised
        Task Representation Learning. ICML.
    """

    spaces = (Generated,)
    space: Generated

    def __init__(
        self,
        space: Generated,
        *,
        latent_dim: int = 8,
        hidden: int = 64,
        pretrain_tasks: int = 2000,
        epochs: int = 30,
        beta: float = 0.5,
        explore: float = 0.3,
        sigma: float = 0.5,
        buffer_size: int = 256,
        score: str = "positive_value_loss",
        prioritization: str = "rank",
        temperature: float = 0.3,
        staleness_coef: float = 0.3,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.pretrain_tasks = pretrain_tasks
        self.epochs = epochs
        self.beta = beta
        self.explore = explore
        self.sigma = sigma
        self.buffer_size = buffer_size
        self.score = score
        self.prioritization = prioritization
        self.temperature = temperature
        self.staleness_coef = staleness_coef
        check = Checker(type(self).__name__)
        for name in ("latent_dim", "hidden", "pretrain_tasks", "epochs", "buffer_size"):
            check.integer(name, getattr(self, name))
        check.number("beta", beta, 0.0, None)
        check.number("explore", explore, 0.0, 1.0)
        check.number("sigma", sigma, 0.0, None)
        check.choice("score", score, SCORES)
        check.choice("prioritization", prioritization, PRIORITIZATIONS)
        check.positive("temperature", temperature)
        check.number("staleness_coef", staleness_coef, 0.0, 1.0)
        check.done()
        self._vae: TaskVAE | None = None
        self._buffer = LevelBuffer(buffer_size, score, 1.0)
        self._pending: dict[str, list[float]] = {}  # task asked for -> its latent
        self._count = 0

    @property
    def vae(self) -> TaskVAE:
        """The task VAE (trained on first use)."""
        if self._vae is None:
            self._vae = self._fit(spawn_seed(self._rng))
        return self._vae

    def _fit(self, seed: int) -> TaskVAE:
        key = json.dumps(
            [
                self.space.to_dict(),
                self.latent_dim,
                self.hidden,
                self.pretrain_tasks,
                self.epochs,
                self.beta,
                seed,
            ],
            sort_keys=True,
        )
        if key not in _FITTED:
            rng = np.random.default_rng(seed)
            tasks = [self.space.generate(spawn_seed(rng)) for _ in range(self.pretrain_tasks)]
            _FITTED[key] = fit_task_vae(
                self.space.vectors(tasks),
                latent_dim=self.latent_dim,
                hidden=self.hidden,
                epochs=self.epochs,
                beta=self.beta,
                seed=spawn_seed(rng),
            )
        return _FITTED[key]

    # -- ask ----------------------------------------------------------------------------------
    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        vae = self.vae
        buf = self._buffer
        out = np.empty(n, dtype=object)
        for i in range(n):
            self._count += 1
            if not len(buf) or self._rng.random() < self.explore:
                z = self._rng.standard_normal(self.latent_dim)
            else:
                p = buf.distribution(
                    self._count, self.prioritization, self.temperature, self.staleness_coef
                )
                slot = int(self._rng.choice(len(p), p=p))
                buf.last[slot] = self._count
                z = np.asarray(buf.extra[slot]) + self.sigma * self._rng.standard_normal(
                    self.latent_dim
                )
            task = self.space.from_vector(vae.decode(z)[0], spawn_seed(self._rng))
            text = str.__str__(task)
            self._pending.pop(text, None)
            self._pending[text] = z.tolist()
            if len(self._pending) > 10 * self.buffer_size + 1000:
                self._pending.pop(next(iter(self._pending)))
            out[i] = task
        return out

    # -- tell ---------------------------------------------------------------------------------
    def validate(self, batch: EventBatch) -> None:
        require(batch, self.score, f"{type(self).__name__}.tell")

    def _tell(self, batch: EventBatch) -> None:
        records = self.space.records(batch.tasks)
        texts = [str.__str__(t) for t in records]
        latents: list[Any] = []
        unknown = [i for i, t in enumerate(texts) if t not in self._pending]
        encoded = (
            self.vae.encode(self.space.vectors([records[i] for i in unknown])) if unknown else None
        )
        for i, t in enumerate(texts):
            if t in self._pending:
                latents.append(self._pending[t])
            else:
                assert encoded is not None
                latents.append(encoded[unknown.index(i)].tolist())
        self._buffer.update(batch, [t.id for t in records], texts, self._count, latents)

    # -- state --------------------------------------------------------------------------------
    def _get_state(self) -> dict[str, Any]:
        vae = self._vae
        return {
            "vae": None
            if vae is None
            else {
                "mean": vae.mean,
                "std": vae.std,
                "latent_dim": vae.latent_dim,
                "train_loss": vae.train_loss,
                "enc": [list(layer) for layer in vae.enc],
                "dec": [list(layer) for layer in vae.dec],
            },
            "buffer": self._buffer.state(),
            "pending": dict(self._pending),
            "count": self._count,
            "rng": copy.deepcopy(self._rng),
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        v = state["vae"]
        self._vae = (
            None
            if v is None
            else TaskVAE(
                mean=np.asarray(v["mean"]),
                std=np.asarray(v["std"]),
                enc=tuple((np.asarray(w), np.asarray(b)) for w, b in v["enc"]),
                dec=tuple((np.asarray(w), np.asarray(b)) for w, b in v["dec"]),
                latent_dim=int(v["latent_dim"]),
                train_loss=float(v["train_loss"]),
            )
        )
        self._buffer = LevelBuffer(self.buffer_size, self.score, 1.0)
        self._buffer.load(state["buffer"])
        self._pending = dict(state["pending"])
        self._count = int(state["count"])
        self._rng = state["rng"]

    @classmethod
    def _example(cls, space: Any, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Generated):
            return None
        return cls(
            space, latent_dim=2, hidden=8, pretrain_tasks=32, epochs=2, buffer_size=6, seed=seed
        )
