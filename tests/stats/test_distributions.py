"""spasmlog.stats.distributions against scipy.stats: the same values, edges included, for every argument kind."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from spasmlog.stats import distributions as d

X = np.array([-np.inf, -40.0, -8.5, -1.959963984540054, -1e-300, 0.0, 1e-12, 0.3, 1.5, 6.0, 38.0, 40.0, np.inf, np.nan])
Q = np.array([0.0, 1e-300, 1e-12, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 1 - 1e-12, 1.0, np.nan, -0.1, 1.1])
DF = [0.5, 1.0, 2.0, 3.7, 9.0, 30.0, 1e5, np.inf, 0.0, -1.0, np.nan]


def _same(ours: object, theirs: object) -> None:
    """Equal within 1e-15 relative (in practice bit for bit), NaN where scipy.stats gives NaN, and the same shape."""
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-15, atol=0)


def test_normal_functions_equal_scipy_stats() -> None:
    _same(d.norm_cdf(X), stats.norm.cdf(X))
    _same(d.norm_sf(X), stats.norm.sf(X))
    _same(d.norm_ppf(Q), stats.norm.ppf(Q))
    _same(d.norm_isf(Q), stats.norm.isf(Q))


@pytest.mark.parametrize("df", DF)
def test_t_functions_equal_scipy_stats(df: float) -> None:
    _same(d.t_sf(X, df), stats.t.sf(X, df))
    _same(d.t_ppf(Q, df), stats.t.ppf(Q, df))


def test_t_broadcasts_over_df_like_scipy_stats() -> None:
    """An array of df against an array of probabilities, and the df = inf placeholder the Wald tests use."""
    df = np.array([[1.0], [4.0], [np.inf], [np.nan]])
    _same(d.t_sf(X[None, :], df), stats.t.sf(X[None, :], df))
    _same(d.t_ppf(Q[None, :], df), stats.t.ppf(Q[None, :], df))
    assert d.t_ppf(0.0, 5.0) == -np.inf  # scipy.special.stdtrit alone says +inf here


@pytest.mark.parametrize(
    ("ours", "theirs", "arguments"),
    [
        (d.norm_cdf, stats.norm.cdf, (1.25,)),
        (d.norm_sf, stats.norm.sf, (1.25,)),
        (d.norm_ppf, stats.norm.ppf, (0.9,)),
        (d.norm_isf, stats.norm.isf, (0.1,)),
        (d.t_sf, stats.t.sf, (1.25, 7)),
        (d.t_ppf, stats.t.ppf, (0.9, 7)),
        (d.t_ppf, stats.t.ppf, (0.0, 7)),
    ],
)
def test_scalars_give_numpy_scalars(ours, theirs, arguments) -> None:  # type: ignore[no-untyped-def]
    """A Python number in gives a float64 scalar out (``float(...)`` and ``np.where`` work on it as before)."""
    value = ours(*arguments)
    assert type(value) is type(theirs(*arguments)) is np.float64
    assert value == theirs(*arguments)


def test_lists_are_accepted() -> None:
    _same(d.norm_sf([0.5, 1.0]), stats.norm.sf([0.5, 1.0]))
    _same(d.t_sf([0.5, 1.0], [3, 4]), stats.t.sf([0.5, 1.0], [3, 4]))
    _same(d.t_ppf([0.0, 0.5], [3, 4]), stats.t.ppf([0.0, 0.5], [3, 4]))
