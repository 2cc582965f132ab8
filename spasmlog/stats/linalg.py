"""Small linear algebra shared by the engines."""

from __future__ import annotations

import numpy as np

__all__ = ["pinv"]


def pinv(matrices: np.ndarray) -> np.ndarray:
    """Pseudo-inverse of a stack of symmetric positive semi-definite matrices (rank-deficient ones allowed)."""
    values, vectors = np.linalg.eigh(matrices)
    limit = values[..., -1:] * 1e-12
    inverse = np.where(values > limit, 1.0 / np.where(values > limit, values, 1.0), 0.0)
    return (vectors * inverse[..., None, :]) @ np.swapaxes(vectors, -1, -2)
