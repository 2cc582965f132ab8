"""spasmlog.stats.serial_covariance.joint_correlation against the covariance written out day by day.

(:func:`acf_covariance` is checked against statsmodels and a brute-force sandwich in
tests/analysis/test_calibration.py.)"""

from __future__ import annotations

import numpy as np

from spasmlog.stats.serial_covariance import joint_correlation, max_lag_of


def test_joint_correlation_is_the_toeplitz_covariance() -> None:
    rng = np.random.default_rng(4)
    k, t, lags = 3, 60, 5
    influence = rng.standard_normal((k, t))
    phi = rng.uniform(0.5, 2.0, k)
    rho = np.column_stack([np.ones(k), rng.uniform(-0.3, 0.5, (k, lags))])
    r = rho.mean(0)
    distance = np.abs(np.arange(t)[:, None] - np.arange(t)[None, :])
    noise = np.where(distance <= lags, r[np.minimum(distance, lags)], 0.0)  # Corr(ε_t, ε_s) = ρ(|t − s|)
    g = influence * np.sqrt(phi)[:, None]
    cov = g @ noise @ g.T
    expected = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    np.testing.assert_allclose(joint_correlation(influence, phi, rho), expected, rtol=1e-12, atol=1e-14)


def test_identical_influence_is_perfectly_correlated() -> None:
    influence = np.tile(np.random.default_rng(2).standard_normal(40), (2, 1))
    corr = joint_correlation(influence, np.ones(2), np.array([[1.0, 0.3], [1.0, 0.3]]))
    np.testing.assert_allclose(corr, np.ones((2, 2)), atol=1e-12)


def test_max_lag_of() -> None:
    assert [max_lag_of(d) for d in (0, 4, 5, 60, 140, 141, 1000)] == [0, 0, 1, 12, 28, 28, 28]
