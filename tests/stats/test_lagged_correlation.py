"""spasmlog.stats.lagged_correlation: the correlation engine against scipy, statsmodels and pingouin.

The questions built on it (correlate, within_person, rm_corr, partial_corr: argument checks, statuses, the
daily table) are tested in tests/analysis/test_correlation.py; here the arrays-in, arrays-out engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.signal import lfilter
from statsmodels.tsa.stattools import acf as statsmodels_acf

from spasmlog.stats import lagged_correlation as engine

PINGOUIN_WARNINGS = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261204)


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> np.ndarray:
    noise = rng.standard_normal(shape)
    noise[0] /= np.sqrt(1 - phi**2)
    return np.asarray(lfilter([np.sqrt(1 - phi**2)], [1.0, -phi], noise, axis=0))


# --------------------------------------------------------------------------------------------------
# tests and intervals
# --------------------------------------------------------------------------------------------------


def test_the_p_value_is_pearsons_test(rng: np.random.Generator) -> None:
    for n in (5, 20, 200):
        x = rng.standard_normal(n)
        y = 0.3 * x + rng.standard_normal(n)
        theirs = stats.pearsonr(x, y)
        p = engine.correlation_p_value(np.array([theirs.statistic]), np.array([n - 2.0]))
        assert p[0] == pytest.approx(theirs.pvalue, rel=1e-9)


def test_the_p_value_on_another_reference_and_at_the_bounds() -> None:
    r, dof, reference = np.array([0.4]), np.array([30.0]), np.array([9.0])
    t = 0.4 * np.sqrt(30 / (1 - 0.16))
    assert engine.correlation_p_value(r, dof, reference)[0] == pytest.approx(2 * stats.t.sf(t, 9), rel=1e-12)
    assert engine.correlation_p_value(np.array([1.0, -1.0]), np.array([5.0, 5.0])).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("r", "n"), [(0.0, 10), (0.45, 30), (-0.8, 100)])
def test_fisher_interval_is_pingouins(r: float, n: int) -> None:
    low, high = engine.fisher_interval(np.array([r]), np.array([1 / np.sqrt(n - 3)]), 0.05)
    expected = pingouin.compute_esci(stat=r, nx=n, eftype="r", confidence=0.95, decimals=12)
    assert (low[0], high[0]) == pytest.approx(tuple(expected), abs=1e-9)


def test_correlation_inference_widens_spearman_and_refuses_three_days() -> None:
    r, n_eff = np.array([0.5, 0.5, 0.5]), np.array([28.0, 28.0, 3.0])
    low_p, high_p, p = engine.correlation_inference(r, n_eff, method="pearson", alpha=0.05)
    _, high_s, _ = engine.correlation_inference(r, n_eff, method="spearman", alpha=0.05)
    z = np.arctanh(0.5)
    assert low_p[0] == pytest.approx(np.tanh(z - stats.norm.ppf(0.975) / 5.0), rel=1e-12)
    assert high_s[0] == pytest.approx(np.tanh(z + stats.norm.ppf(0.975) * np.sqrt(1.125 / 25.0)), rel=1e-12)
    assert (low_p[2], high_p[2]) == (-1.0, 1.0)  # 3 effective days or fewer: no interval
    assert p[0] == pytest.approx(stats.t.sf(0.5 * np.sqrt(26 / 0.75), 26) * 2, rel=1e-12)


def test_column_ranks_are_scipys_over_the_recorded_rows() -> None:
    values = np.array([[3.0, 1.0], [np.nan, 1.0], [1.0, np.nan], [3.0, 0.0]])
    ranks = engine.column_ranks(values)
    np.testing.assert_array_equal(ranks[:, 0], [2.5, np.nan, 1.0, 2.5])
    np.testing.assert_array_equal(ranks[:, 1], [2.5, 2.5, np.nan, 1.0])
    assert engine.column_ranks(np.empty((0, 2))).shape == (0, 2)


def test_max_acf_lags() -> None:
    assert engine.max_acf_lags(np.array([0, 4, 10, 139, 140, 10_000]), "bartlett").tolist() == [1, 1, 2, 27, 28, 28]
    assert engine.max_acf_lags(np.array([10, 400]), "ar1").tolist() == [1, 1]


# --------------------------------------------------------------------------------------------------
# one person
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_person_correlations_ignoring_autocorrelation_are_scipys(rng: np.random.Generator, method: str) -> None:
    days = 90
    x = rng.standard_normal((days, 2))
    x[rng.random((days, 2)) < 0.2] = np.nan
    y = np.round(np.exp(rng.standard_normal(days)), 1)
    y[rng.random(days) < 0.1] = np.nan
    out = engine.person_correlations(x, y, [0, 2], method=method, autocorrelation="ignore", weekday=False, trend=None)
    test = stats.pearsonr if method == "pearson" else stats.spearmanr
    for i, (factor, lag) in enumerate([(0, 0), (0, 2), (1, 0), (1, 2)]):  # factor-major, lag-minor
        a = np.concatenate([np.full(lag, np.nan), x[: days - lag, factor]])  # day t − lag, by hand
        both = ~np.isnan(a) & ~np.isnan(y)
        expected = test(a[both], y[both])
        assert out["n"][i] == both.sum() == out["n_effective"][i]
        assert out["r"][i] == pytest.approx(expected.statistic, abs=1e-12)
        p = engine.correlation_p_value(out["r"][i : i + 1], out["n_effective"][i : i + 1] - 2.0)
        assert p[0] == pytest.approx(expected.pvalue, rel=1e-8)


def test_person_correlations_by_weekday_and_trend_are_partial_correlations(rng: np.random.Generator) -> None:
    """r is the correlation of the least-squares residuals on day-of-week indicators and the trend (statsmodels)."""
    days = 200
    x = rng.standard_normal((days, 1)) + (np.arange(days) % 7 == 5)[:, None]
    y = rng.standard_normal(days) + np.arange(days) / 100
    x[rng.random((days, 1)) < 0.15] = np.nan
    out = engine.person_correlations(x, y, [1], method="pearson", autocorrelation="ignore", weekday=True, trend=91)
    a = np.concatenate([[np.nan], x[:-1, 0]])
    both = ~np.isnan(a)
    position = np.arange(days) / (days - 1)
    covariates = np.column_stack(
        [(np.arange(days) % 7 == d).astype(float) for d in range(7)] + [position, np.clip(position - 0.5, 0, None)]
    )[both]
    rx = sm.OLS(a[both], covariates).fit().resid
    ry = sm.OLS(y[both], covariates).fit().resid
    assert out["r"][0] == pytest.approx(np.corrcoef(rx, ry)[0, 1], abs=1e-10)
    assert (out["n"][0], out["terms"][0], out["groups"][0]) == (both.sum(), 9, 7)
    # independent days: n − c + 1 effective days after c terms
    assert out["n_effective"][0] == pytest.approx(both.sum() - 9 + 1)


def test_bartlett_effective_days_from_statsmodels_autocorrelations(rng: np.random.Generator) -> None:
    """No day missing, lag 0, no adjustment but the mean: n / (1 + 2 Σ (1 − k/n) ρx(k) ρy(k)), k ≤ min(n/5, 28)."""
    days = 300
    x = _ar1(rng, (days, 1), 0.7)
    y = _ar1(rng, (days,), 0.6) + 0.2 * x[:, 0]
    out = engine.person_correlations(x, y, [0], method="pearson", autocorrelation="bartlett", weekday=False, trend=None)
    lags = 28
    rho_x = statsmodels_acf(x[:, 0], nlags=lags, adjusted=True)[1:]
    rho_y = statsmodels_acf(y, nlags=lags, adjusted=True)[1:]
    k = np.arange(1, lags + 1)
    expected = days / (1 + 2 * ((1 - k / days) * rho_x * rho_y).sum())
    assert out["n_effective"][0] == pytest.approx(expected, rel=1e-9)
    assert out["r"][0] == pytest.approx(np.corrcoef(x[:, 0], y)[0, 1], abs=1e-12)


def test_person_correlations_flags() -> None:
    days = 56
    weekly = (np.arange(days) % 7 == 6).astype(float)
    y = np.sin(np.arange(days) * 1.3) + np.arange(days) % 3
    x = np.column_stack([np.ones(days), weekly, np.arange(days) % 5])
    out = engine.person_correlations(x, y, [0], method="pearson", autocorrelation="bartlett", weekday=True, trend=91)
    assert out["x_constant"].tolist() == [True, False, False]
    assert out["x_weekly"].tolist() == [True, True, False]
    assert not out["y_constant"].any() and not out["y_weekly"].any()


# --------------------------------------------------------------------------------------------------
# repeated measures and partial correlation
# --------------------------------------------------------------------------------------------------


def test_within_group_sums_are_group_centred_sums(rng: np.random.Generator) -> None:
    codes = rng.integers(0, 6, size=80)
    codes[codes == 3] = 4  # a code with no row is no group
    x, y = rng.standard_normal(80), rng.standard_normal(80)
    frame = pd.DataFrame({"g": codes, "x": x, "y": y})
    centred = frame[["x", "y"]] - frame.groupby("g")[["x", "y"]].transform("mean")
    n, groups, sxx, syy, sxy = engine.within_group_sums(x, y, codes)
    assert (n, groups) == (80, 5)
    expected = (centred["x"] @ centred["x"], centred["y"] @ centred["y"], centred["x"] @ centred["y"])
    assert (sxx, syy, sxy) == pytest.approx(expected, rel=1e-12)


@PINGOUIN_WARNINGS
@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_partial_correlation_is_pingouins(rng: np.random.Generator, method: str) -> None:
    table = rng.standard_normal((60, 4))
    table[:, 0] += table[:, 2] + 0.3 * table[:, 1]
    table[:, 1] += np.exp(table[:, 3])
    frame = pd.DataFrame(table, columns=["x", "y", "c1", "c2"])
    theirs = pingouin.partial_corr(frame, x="x", y="y", covar=["c1", "c2"], method=method)
    assert engine.partial_correlation(table, method=method) == pytest.approx(theirs["r"].iloc[0], abs=1e-10)


# --------------------------------------------------------------------------------------------------
# a cohort
# --------------------------------------------------------------------------------------------------


def _cohort(rng: np.random.Generator, people: int, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows,) factor and outcome of people × days, and the person of each row."""
    level = rng.normal(0, 2, size=(people, 1))
    x = (level + _ar1(rng, (days, people), 0.5).T).ravel()
    y = (0.5 * level + 0.3 * x.reshape(people, days) + rng.standard_normal((people, days))).ravel()
    x[rng.random(x.size) < 0.15] = np.nan
    y[rng.random(y.size) < 0.1] = np.nan
    return x, y, np.repeat(np.arange(people), days)


def _pooled(
    x: np.ndarray, y: np.ndarray, people: int, lag: int, autocorrelation: str
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The engine's pooled estimates and inference of one factor at one lag, people of equal length."""
    bounds = np.arange(people + 1) * (len(x) // people)
    own = "bartlett" if autocorrelation == "cluster" else autocorrelation
    per = engine.person_sums([x], y, bounds, [lag], autocorrelation=own, weekday=False)
    estimates = engine.pooled_estimates(per, autocorrelation=autocorrelation, min_days=5)
    inference = engine.pooled_inference(estimates, np.array([[True]]), autocorrelation=autocorrelation, alpha=0.05)
    return estimates, inference


def test_the_pooled_estimate_ignoring_autocorrelation_is_the_ancova(rng: np.random.Generator) -> None:
    """Bakdash & Marusich's ANCOVA (y ~ person + x, statsmodels) gives r, dof and p at lag 1."""
    people, days = 8, 40
    x, y, person = _cohort(rng, people, days)
    estimates, result = _pooled(x, y, people, 1, "ignore")
    day = np.tile(np.arange(days), people)
    before = np.where(day > 0, np.roll(x, 1), np.nan)  # the same person's day before, by hand
    frame = pd.DataFrame({"x": before, "y": y, "person": person}).dropna()
    fit = sm.OLS.from_formula("y ~ C(person) + x", frame).fit()
    ss_x = sm.stats.anova_lm(fit, typ=2).loc["x", "sum_sq"]
    r = np.sign(fit.params["x"]) * np.sqrt(ss_x / (ss_x + fit.ssr))
    assert result["r"][0, 0] == pytest.approx(r, abs=1e-10)
    assert estimates["dof"][0, 0] == fit.df_resid == len(frame) - people - 1
    assert result["p_value"][0, 0] == pytest.approx(fit.pvalues["x"], rel=1e-8)
    assert result["dof_effective"][0, 0] == estimates["dof"][0, 0]


def test_the_cluster_robust_p_value_is_statsmodels(rng: np.random.Generator) -> None:
    people, days = 10, 60
    x, y, person = _cohort(rng, people, days)
    estimates, result = _pooled(x, y, people, 0, "cluster")
    frame = pd.DataFrame({"x": x, "y": y, "person": person}).dropna()
    centred = frame[["x", "y"]] - frame.groupby("person")[["x", "y"]].transform("mean")
    model = sm.OLS(centred["y"].to_numpy(), centred[["x"]].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": frame["person"].to_numpy()}, use_t=True
    )
    assert result["p_value"][0, 0] == pytest.approx(model.pvalues[0], rel=1e-8)
    assert estimates["reference"][0, 0] == people - 1


def test_blocks_of_people_give_the_sums_of_one_block(rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Splitting the cohort into blocks of whole people changes no sum."""
    people, days = 9, 50
    x, y, _ = _cohort(rng, people, days)
    z = np.where(rng.random(x.size) < 0.5, 1.0, 0.0)
    bounds = np.arange(people + 1) * days
    whole = engine.person_sums([x, z], y, bounds, [0, 2], autocorrelation="bartlett", weekday=True)
    monkeypatch.setattr(engine, "_CHUNK_ROWS", 2 * days + 7)
    blocks = engine.person_sums([x, z], y, bounds, [0, 2], autocorrelation="bartlett", weekday=True)
    for key, value in whole.items():
        assert value.shape == (people, 2, 2)
        np.testing.assert_allclose(blocks[key], value, rtol=1e-12, atol=1e-12, err_msg=key)


def test_person_sums_with_no_person() -> None:
    per = engine.person_sums([np.empty(0)], np.empty(0), np.array([0]), [0, 1], autocorrelation="ignore", weekday=False)
    assert {value.shape for value in per.values()} == {(0, 2, 1)}
