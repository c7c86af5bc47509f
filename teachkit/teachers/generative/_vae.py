"""A small variational autoencoder over task vectors, trained with PyTorch, decoded in numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teachkit.errors import MissingDependencyError


@dataclass(frozen=True)
class TaskVAE:
    """A trained VAE: ``encode`` task vectors to latent means, ``decode`` latents to vectors.

    The weights are numpy arrays, so decoding (what a teacher does at every ask) needs no
    PyTorch. Inputs are standardized per dimension with the training data's mean and
    standard deviation; outputs are mapped back.
    """

    mean: np.ndarray
    std: np.ndarray
    enc: tuple[tuple[np.ndarray, np.ndarray], ...]
    dec: tuple[tuple[np.ndarray, np.ndarray], ...]
    latent_dim: int
    train_loss: float

    def encode(self, vectors: np.ndarray) -> np.ndarray:
        """Latent means ``(n, latent_dim)`` of task vectors ``(n, dim)``."""
        h = (np.asarray(vectors, dtype=np.float64) - self.mean) / self.std
        out = _mlp(h, self.enc)
        return out[:, : self.latent_dim]

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Task vectors ``(n, dim)`` for latents ``(n, latent_dim)``."""
        return _mlp(np.atleast_2d(z), self.dec) * self.std + self.mean

    def reconstruction_error(self, vectors: np.ndarray) -> float:
        """Mean squared error of ``decode(encode(x))`` in standardized units."""
        x = np.asarray(vectors, dtype=np.float64)
        back = self.decode(self.encode(x))
        return float(np.mean(((back - x) / self.std) ** 2))


def _mlp(h: np.ndarray, layers: tuple[tuple[np.ndarray, np.ndarray], ...]) -> np.ndarray:
    for i, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return h


def fit_task_vae(
    vectors: np.ndarray,
    *,
    latent_dim: int,
    hidden: int,
    epochs: int,
    beta: float,
    seed: int,
    batch_size: int = 64,
    lr: float = 1e-3,
) -> TaskVAE:
    """Train a VAE (Kingma and Welling 2014) on task vectors, deterministically.

    One hidden ReLU layer each way, a Gaussian latent with the reparameterization trick,
    loss ``MSE(x, x') + beta * KL(q(z|x) || N(0, I))`` on standardized inputs, Adam.
    Training runs on one CPU thread under ``torch.manual_seed(seed)``, so the same inputs
    and seed give the same weights in every process.
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "CLUTR's task VAE needs PyTorch: pip install 'teachkit[torch]'"
        ) from None
    x = np.asarray(vectors, dtype=np.float64)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        gen = torch.Generator().manual_seed(int(seed))
        torch.manual_seed(int(seed))
        dim = x.shape[1]
        enc = torch.nn.Sequential(
            torch.nn.Linear(dim, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2 * latent_dim)
        ).double()
        dec = torch.nn.Sequential(
            torch.nn.Linear(latent_dim, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, dim)
        ).double()
        opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
        data = torch.from_numpy((x - mean) / std)
        last = float("nan")
        for _ in range(epochs):
            order = torch.randperm(len(data), generator=gen)
            total = 0.0
            for start in range(0, len(data), batch_size):
                xb = data[order[start : start + batch_size]]
                stats = enc(xb)
                mu, logvar = stats[:, :latent_dim], stats[:, latent_dim:].clamp(-8.0, 8.0)
                z = mu + torch.exp(0.5 * logvar) * torch.randn(
                    mu.shape, generator=gen, dtype=mu.dtype
                )
                recon = ((dec(z) - xb) ** 2).sum(dim=1).mean()
                kl = (-0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(dim=1)).mean()
                loss = recon + beta * kl
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(xb)
            last = total / len(data)
    finally:
        torch.set_num_threads(threads)

    def weights(seq: torch.nn.Sequential) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        layers = [m for m in seq if isinstance(m, torch.nn.Linear)]
        return tuple(
            (m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()) for m in layers
        )

    return TaskVAE(
        mean=mean,
        std=std,
        enc=weights(enc),
        dec=weights(dec),
        latent_dim=latent_dim,
        train_loss=last,
    )
