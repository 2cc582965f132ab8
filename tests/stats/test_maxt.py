"""spasmlog.stats.maxt: max-T p-values against Šidák and scipy.stats' integration of the same box."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from spasmlog.stats import maxt


def _correlation(k: int, rho: float) -> np.ndarray:
    index = np.arange(k)
    return np.asarray(rho ** np.abs(index[:, None] - index[None, :]))  # AR(1)-like: lags of one factor


def test_independent_statistics_give_sidak_when_refined() -> None:
    """A p-value below REFINE_BELOW comes from Genz's integration: 1 − (1 − p₁)^K for independent statistics."""
    z = np.array([3.0, 0.5, -1.0])
    single = 2 * stats.norm.sf(3.0)
    p = maxt.max_t_pvalue(z, np.eye(3))
    assert p < maxt.REFINE_BELOW
    assert abs(p - (1 - (1 - single) ** 3)) < 2e-5


@pytest.mark.parametrize("rho", [0.3, 0.8, 0.95])
def test_weighted_max_t_is_the_chance_of_leaving_the_weighted_box(rho: float) -> None:
    """The box by hand from the docstring's rule, its probability from scipy.stats (an independent integrator)."""
    k = 4
    corr = _correlation(k, rho)
    z = np.array([2.9, 1.0, -0.4, 2.2])
    up = np.array([0.3, 0.1, 0.05, 0.05])
    down = np.array([0.2, 0.1, 0.1, 0.1])
    t = min(np.min(stats.norm.sf(z) / up), np.min(stats.norm.cdf(z) / down))
    upper, lower = stats.norm.isf(t * up), -stats.norm.isf(t * down)
    inside = stats.multivariate_normal.cdf(
        upper, mean=np.zeros(k), cov=corr, lower_limit=lower, maxpts=400_000, abseps=1e-8, rng=np.random.default_rng(1)
    )
    expected = min(t, max(t * max(up.max(), down.max()), 1 - inside))
    p = maxt.weighted_max_t_pvalue(z, corr, up, down)
    assert p < maxt.REFINE_BELOW
    assert abs(p - expected) < 3e-5


def test_a_large_p_value_is_the_share_of_the_fixed_draws() -> None:
    """Above REFINE_BELOW the p-value is the plain Monte Carlo share of the fixed draws, recomputed here."""
    corr = _correlation(3, 0.6)
    z = np.array([1.2, -0.3, 0.8])
    draws = maxt.normal_draws(3) @ maxt.correlation_root(corr).T
    share = float((np.abs(draws) >= 1.2).any(1).mean())
    assert share >= maxt.REFINE_BELOW
    assert maxt.max_t_pvalue(z, corr) == share


def test_the_same_data_give_the_same_p_value() -> None:
    corr = _correlation(4, 0.7)
    z = np.array([3.1, 2.0, -0.5, 1.0])
    first = maxt.max_t_pvalue(z, corr)
    maxt._box_cache.clear()
    maxt._projected_cache.clear()
    assert maxt.max_t_pvalue(z.copy(), corr.copy()) == first
    assert maxt.max_t_pvalue(z, corr) == first  # from the cache


def test_left_out_statistics_and_edges() -> None:
    corr = _correlation(3, 0.5)
    assert np.isnan(maxt.max_t_pvalue(np.full(3, np.nan), corr))
    # one statistic left: the single two-sided p-value
    p = maxt.max_t_pvalue(np.array([np.nan, 2.0, np.nan]), corr)
    assert p == pytest.approx(2 * stats.norm.sf(2.0), rel=1e-12)
    assert maxt.weighted_max_t_pvalue(np.array([0.0, 0.0]), np.eye(2), np.full(2, 0.25), np.full(2, 0.25)) == 1.0
    assert np.isnan(maxt.weighted_max_t_pvalue(np.array([np.nan, 1.0]), np.eye(2), np.ones(2), np.ones(2), at=0))


def test_the_floor_is_the_weighted_bonferroni_bound_and_never_above_the_p_value() -> None:
    rng = np.random.default_rng(12)
    for _ in range(30):
        k = int(rng.integers(1, 6))
        z = rng.standard_normal(k) * 2
        up, down = rng.random(k), rng.random(k)
        total = up.sum() + down.sum()
        t = min(np.min(stats.norm.sf(z) / (up / total)), np.min(stats.norm.cdf(z) / (down / total)))  # by hand
        floor = maxt.weighted_max_t_floor(z, up, down)
        expected = 1.0 if t >= 1 else t * max(up.max(), down.max()) / total
        assert floor == pytest.approx(expected, rel=1e-10)
        assert floor <= maxt.weighted_max_t_pvalue(z, _correlation(k, 0.7), up, down) * (1 + 1e-12)
    assert np.isnan(maxt.weighted_max_t_floor(np.array([np.nan, 1.0]), np.ones(2), np.ones(2), at=0))
    assert np.isnan(maxt.weighted_max_t_floor(np.full(2, np.nan), np.ones(2), np.ones(2)))


def test_the_estimate_is_the_share_of_the_fixed_draws_and_final_above_refine_below() -> None:
    corr = _correlation(3, 0.6)
    z = np.array([1.2, -0.3, 0.8])
    up, down = np.array([0.2, 0.1, 0.2]), np.array([0.2, 0.2, 0.1])
    t = min(np.min(stats.norm.sf(z) / up), np.min(stats.norm.cdf(z) / down))
    draws = maxt.normal_draws(3) @ maxt.correlation_root(corr).T  # the box and the draws by hand
    share = float(((draws > stats.norm.isf(t * up)) | (draws < -stats.norm.isf(t * down))).any(1).mean())
    estimate, final = maxt.weighted_max_t_estimate(z, corr, up, down)
    assert share >= maxt.REFINE_BELOW and final
    assert estimate == min(t, max(t * 0.2, share)) == maxt.weighted_max_t_pvalue(z, corr, up, down)
    small, final = maxt.weighted_max_t_estimate(np.array([3.5, 0.2, 0.1]), corr, up, down)
    assert not final and small < maxt.REFINE_BELOW
