"""spasmlog.stats.mvn (Genz's integration) against closed forms and scipy.stats' independent implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from spasmlog.errors import ParameterError
from spasmlog.stats.mvn import mvn_box


def _random_correlation(rng: np.random.Generator, k: int, strength: float) -> np.ndarray:
    """A random correlation matrix; ``strength`` near 1 makes its correlations large."""
    loadings = rng.standard_normal((k, 2)) * strength
    cov = loadings @ loadings.T + np.diag(rng.uniform(0.05, 1.0, k) * (1 - strength) + 1e-3)
    sd = np.sqrt(np.diag(cov))
    return np.asarray(cov / np.outer(sd, sd))


def _scipy(lower: np.ndarray, upper: np.ndarray, corr: np.ndarray) -> float:
    """scipy.stats' own quasi-Monte Carlo, run long (its default budget is off by ~1e-5)."""
    k = lower.size
    return float(
        stats.multivariate_normal.cdf(
            upper,
            mean=np.zeros(k),
            cov=corr,
            lower_limit=lower,
            maxpts=100_000 * k,
            abseps=1e-8,
            rng=np.random.default_rng(7),
        )
    )


@pytest.mark.parametrize("k", range(1, 9))
@pytest.mark.parametrize("strength", [0.3, 0.95])
def test_agrees_with_scipy_stats_on_random_correlations(k: int, strength: float) -> None:
    rng = np.random.default_rng(100 * k + int(100 * strength))
    corr = _random_correlation(rng, k, strength)
    boxes = [
        (np.full(k, -2.5), np.full(k, 2.5)),  # the max-T box: a small chance of leaving it
        (rng.uniform(-2, 0, k), rng.uniform(0, 2, k)),
        (np.where(rng.random(k) < 0.5, -np.inf, rng.uniform(-1.5, 0, k)), rng.uniform(0.5, 3, k)),
    ]
    for lower, upper in boxes:
        ours = mvn_box(lower, upper, corr, tolerance=1e-5)  # the tolerance the max-T tests use
        assert ours.error <= 1e-5 or (ours.error < 1e-4 and ours.points > 1_000_000)  # out of points: 7-8 dims at 0.95
        assert abs(ours.probability - _scipy(lower, upper, corr)) < max(3e-5, 2 * ours.error)


@pytest.mark.parametrize("rho", [0.95, 0.5, 0.0])
def test_upper_tail_probabilities_keep_their_relative_precision(rho: float) -> None:
    """P(X1 > 3, X2 > 3.5): a tail chance of 1e-4 to 1e-8, compared relatively."""
    corr = np.array([[1.0, rho], [rho, 1.0]])
    lower, upper = np.array([3.0, 3.5]), np.array([np.inf, np.inf])
    ours = mvn_box(lower, upper, corr, tolerance=1e-12, max_points=400_000)
    # the same chance by one-dimensional quadrature: ∫_3^∞ φ(x) P(X2 > 3.5 | x) dx
    x = np.linspace(3.0, 12.0, 200_001)
    integrand = stats.norm.pdf(x) * stats.norm.sf((3.5 - rho * x) / math.sqrt(1 - rho**2))
    exact = float(np.sum((integrand[1:] + integrand[:-1]) / 2 * np.diff(x)))
    assert exact > 1e-12
    assert abs(ours.probability / exact - 1) < 1e-3


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.5, 0.95, -0.5, -0.95])
def test_bivariate_orthant_is_a_quarter_plus_arcsine(rho: float) -> None:
    """P(X1 > 0, X2 > 0) = 1/4 + asin(ρ) / (2π) (Sheppard 1899)."""
    out = mvn_box([0.0, 0.0], [np.inf, np.inf], [[1.0, rho], [rho, 1.0]])
    assert abs(out.probability - (0.25 + math.asin(rho) / (2 * math.pi))) < 2e-6


@pytest.mark.parametrize("k", range(2, 9))
def test_equicorrelated_half_orthant_is_one_over_k_plus_one(k: int) -> None:
    """With all correlations 1/2, P(every X_i < 0) = 1 / (k + 1) (Steck 1962)."""
    corr = np.full((k, k), 0.5) + 0.5 * np.eye(k)
    out = mvn_box(np.full(k, -np.inf), np.zeros(k), corr)
    assert abs(out.probability - 1 / (k + 1)) < 1e-5


def test_independent_variables_give_the_product() -> None:
    lower = np.array([-1.0, -np.inf, 0.5, -2.0, -0.3])
    upper = np.array([1.0, 0.2, np.inf, 2.5, 0.4])
    cov = np.diag([1.0, 4.0, 0.25, 1.0, 9.0])  # variances other than 1: the limits are in the variables' units
    sd = np.sqrt(np.diag(cov))
    product = float(np.prod(stats.norm.cdf(upper / sd) - stats.norm.cdf(lower / sd)))
    out = mvn_box(lower, upper, cov)
    assert abs(out.probability - product) < 1e-6


def test_one_variable_is_exact() -> None:
    out = mvn_box([-1.0], [2.0], [[4.0]])
    assert out.probability == pytest.approx(stats.norm.cdf(1.0) - stats.norm.cdf(-0.5), abs=1e-15)
    assert out.error == 0.0


def test_singular_covariances() -> None:
    # two copies of one variable: the box is the intersection of their intervals
    same = mvn_box([-1.0, -2.0], [1.5, 1.0], np.ones((2, 2)))
    assert abs(same.probability - (stats.norm.cdf(1.0) - stats.norm.cdf(-1.0))) < 1e-6
    # X3 = X1 + X2 (rank 2): the chance by one-dimensional quadrature over X1 (X2 given X1 = x is
    # N(ρx, 1 − ρ²), between max(l2, l3 − x) and min(u2, u3 − x)); was a Monte Carlo of 2e6 draws, good to 1.5e-3
    rho = 0.3
    base = np.array([[1.0, rho], [rho, 1.0]])
    loading = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    cov = loading @ base @ loading.T
    lower, upper = np.array([-1.0, -1.5, -1.2]), np.array([1.2, 1.0, 1.6])
    x = np.linspace(lower[0], upper[0], 400_001)
    below, above = np.maximum(lower[1], lower[2] - x), np.minimum(upper[1], upper[2] - x)
    sd = math.sqrt(1 - rho**2)
    inner = np.clip(stats.norm.cdf((above - rho * x) / sd) - stats.norm.cdf((below - rho * x) / sd), 0.0, None)
    integrand = stats.norm.pdf(x) * inner
    exact = float(np.sum((integrand[1:] + integrand[:-1]) / 2 * np.diff(x)))
    assert 0.4 < exact < 0.6
    singular = mvn_box(lower, upper, cov)
    assert abs(singular.probability - exact) < max(1e-6, singular.error)
    # a variable with no variance: in its interval or not
    cov0 = np.diag([1.0, 0.0])
    assert mvn_box([-1.0, -1.0], [1.0, 1.0], cov0).probability == pytest.approx(0.682689492, abs=1e-9)
    assert mvn_box([-1.0, 0.5], [1.0, 1.0], cov0).probability == 0.0


def test_edges() -> None:
    assert mvn_box([1.0, 0.0], [0.0, 1.0], np.eye(2)).probability == 0.0  # an empty box
    assert mvn_box([-np.inf] * 3, [np.inf] * 3, np.eye(3)) == (1.0, 0.0, 0)  # the whole space
    # a variable unbounded on both sides drops out
    corr = np.array([[1.0, 0.8], [0.8, 1.0]])
    assert mvn_box([-1.0, -np.inf], [1.0, np.inf], corr).probability == pytest.approx(0.682689492, abs=1e-9)


def test_the_same_arguments_give_the_same_value() -> None:
    corr = _random_correlation(np.random.default_rng(5), 5, 0.6)
    first = mvn_box(np.full(5, -2.7), np.full(5, 2.9), corr)
    assert mvn_box(np.full(5, -2.7), np.full(5, 2.9), corr.copy()) == first


def test_the_error_estimate_is_honest() -> None:
    """At a loose tolerance the stated error (three standard errors) covers the distance to the truth."""
    rng = np.random.default_rng(11)
    misses = 0
    for _ in range(12):
        corr = _random_correlation(rng, 4, 0.7)
        lower, upper = -rng.uniform(1.5, 3, 4), rng.uniform(1.5, 3, 4)
        rough = mvn_box(lower, upper, corr, tolerance=1e-3)
        fine = mvn_box(lower, upper, corr, tolerance=1e-5)  # the truth, to a fifth of the rough error or less
        assert rough.points < fine.points and fine.error <= rough.error / 5
        misses += abs(rough.probability - fine.probability) > rough.error + fine.error
    assert misses <= 1


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        (([0.0, 0.0], [1.0], np.eye(2)), "upper"),
        (([0.0, 0.0], [1.0, 1.0], np.eye(3)), "cov"),
        (([np.nan, 0.0], [1.0, 1.0], np.eye(2)), "lower/upper"),
        (([0.0, 0.0], [1.0, 1.0], [[1.0, np.nan], [np.nan, 1.0]]), "cov"),
        (([0.0, 0.0], [1.0, 1.0], [[-1.0, 0.0], [0.0, 1.0]]), "cov"),
    ],
)
def test_bad_arguments(arguments: tuple[object, object, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        mvn_box(*arguments)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="tolerance"):
        mvn_box([0.0], [1.0], [[1.0]], tolerance=0.0)
