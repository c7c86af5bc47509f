"""The online classifiers ClassIncrementalStudent trains: a linear SGD model and an MLP."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np

from teachkit.errors import MissingDependencyError

MODELS = ("sgd", "mlp")


class SGDModel:
    """scikit-learn's ``SGDClassifier`` (logistic loss, constant step) via ``partial_fit``.

    Before its first update it predicts no class at all (accuracy 0 everywhere).
    """

    def __init__(self, n_features: int, n_classes: int, lr: float, seed: int) -> None:
        try:
            from sklearn.linear_model import SGDClassifier
        except ImportError as exc:  # pragma: no cover - scikit-learn is in the lock file
            raise MissingDependencyError(
                "model='sgd' needs scikit-learn: pip install scikit-learn"
            ) from exc
        self.classes = np.arange(n_classes)
        self.fitted = False
        self.clf: Any = SGDClassifier(
            loss="log_loss",
            learning_rate="constant",
            eta0=lr,
            alpha=1e-4,
            shuffle=False,
            random_state=seed,
        )

    def update_batches(self, X: np.ndarray, y: np.ndarray, batches: list[np.ndarray]) -> None:
        """Plain per-example SGD over the rows of ``batches``, in order (one call)."""
        rows = np.concatenate(batches)
        self.update(X[rows], y[rows])

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.clf.partial_fit(X, y, classes=self.classes)
        self.fitted = True

    def predict(self, X: np.ndarray) -> np.ndarray:
        if not self.fitted:
            return np.full(len(X), -1, dtype=np.int64)
        scores = X @ self.clf.coef_.T + self.clf.intercept_
        return np.asarray(scores.argmax(axis=1), dtype=np.int64)

    def copy(self) -> SGDModel:
        return copy.deepcopy(self)


class MLPModel:
    """A one-hidden-layer ReLU network with a softmax output, trained by plain minibatch
    SGD on the cross-entropy (numpy; He-initialised from ``seed``)."""

    def __init__(
        self, n_features: int, n_classes: int, lr: float, seed: int, hidden: int = 64
    ) -> None:
        rng = np.random.default_rng(seed)
        self.lr = lr
        self.n_classes = n_classes
        self.W1 = rng.normal(0.0, np.sqrt(2.0 / n_features), (n_features, hidden))
        self.b1 = np.zeros(hidden)
        self.W2 = rng.normal(0.0, np.sqrt(2.0 / hidden), (hidden, n_classes))
        self.b2 = np.zeros(n_classes)

    def update_batches(self, X: np.ndarray, y: np.ndarray, batches: list[np.ndarray]) -> None:
        """One SGD step per minibatch of rows, in order."""
        for rows in batches:
            self.update(X[rows], y[rows])

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        h = np.maximum(X @ self.W1 + self.b1, 0.0)
        logits = h @ self.W2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1.0  # d(mean cross-entropy)/d(logits) * n
        g = p / len(y)
        gh = (g @ self.W2.T) * (h > 0)
        self.W2 -= self.lr * (h.T @ g)
        self.b2 -= self.lr * g.sum(axis=0)
        self.W1 -= self.lr * (X.T @ gh)
        self.b1 -= self.lr * gh.sum(axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        h = np.maximum(X @ self.W1 + self.b1, 0.0)
        return np.asarray((h @ self.W2 + self.b2).argmax(axis=1), dtype=np.int64)

    def copy(self) -> MLPModel:
        return copy.deepcopy(self)


def make_model(
    kind: str, n_features: int, n_classes: int, lr: float, seed: int
) -> SGDModel | MLPModel:
    if kind == "sgd":
        return SGDModel(n_features, n_classes, lr, seed)
    return MLPModel(n_features, n_classes, lr, seed)
