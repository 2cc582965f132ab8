"""The random-effects engine, checked against published metafor output, statsmodels and a likelihood maximised here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from spasmlog.errors import ParameterError
from spasmlog.stats.meta import random_effects

# BCG vaccine trials (Colditz et al. 1994), metafor's dat.bcg: tpos, tneg, cpos, cneg of each of 13 trials.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def bcg() -> tuple[np.ndarray, np.ndarray]:
    """Log risk ratios and their variances, as metafor's escalc(measure="RR") computes them."""
    a, b, c, d = BCG.T
    return np.log(a / (a + b)) - np.log(c / (c + d)), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


def test_bcg_log_risk_ratios_are_those_metafor_prints() -> None:
    y, v = bcg()  # metafor README: escalc(measure="RR", ...) on dat.bcg, yi and vi to 4 decimals
    assert np.round(y[:6], 4).tolist() == [-0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861]
    assert np.round(v[:6], 4).tolist() == [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069]


def test_reml_equals_metafor_on_the_bcg_trials() -> None:
    """metafor 4.x/5.x, `rma(yi, vi, data=dat)` (REML), as printed in its README and vignettes:
    tau^2 0.3132, I^2 92.22%, Q(df = 12) = 152.2330, estimate -0.7145, se 0.1798, CI -1.0669 to -0.3622."""
    fit = random_effects(*bcg(), method="reml")
    assert fit.k == 13
    assert fit.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert fit.i2 == pytest.approx(0.9222, abs=5e-5)
    assert fit.q == pytest.approx(152.2330, abs=5e-5)
    assert fit.mu == pytest.approx(-0.7145, abs=5e-5)
    assert fit.se == pytest.approx(0.1798, abs=5e-5)
    assert fit.z == pytest.approx(-3.9744, abs=5e-5)
    assert (fit.ci_low, fit.ci_high) == pytest.approx((-1.0669, -0.3622), abs=5e-5)


def test_the_prediction_interval_uses_t_on_k_minus_2_degrees_of_freedom() -> None:
    """Higgins et al. (2009), Riley et al. (2011): mu ± t(k-2) sqrt(tau^2 + se^2), here from metafor's printed
    tau^2 and se (to their 4 decimals) and t(11) = 2.200985 (a table of t quantiles)."""
    fit = random_effects(*bcg())
    half = 2.200985 * math.sqrt(0.3132 + 0.1798**2)
    assert fit.pi_low == pytest.approx(-0.7145 - half, abs=2e-4)
    assert fit.pi_high == pytest.approx(-0.7145 + half, abs=2e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dersimonian_laird_equals_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(5, 40))
    v = rng.uniform(0.01, 0.5, k)
    y = rng.normal(-0.2, 0.3, k) + rng.normal(0, np.sqrt(v))
    ours = random_effects(y, v, method="dl")
    theirs = combine_effects(y, v, method_re="dl")
    assert ours.tau2 == pytest.approx(theirs.tau2, rel=1e-10, abs=1e-14)
    assert ours.mu == pytest.approx(theirs.mean_effect_re, rel=1e-10)
    assert ours.se == pytest.approx(theirs.sd_eff_w_re, rel=1e-10)
    assert ours.q == pytest.approx(theirs.q, rel=1e-10)
    assert ours.i2 == pytest.approx(theirs.i2, rel=1e-8, abs=1e-12)
    frame = theirs.summary_frame()
    low, high = frame.loc["random effect", ["ci_low", "ci_upp"]]
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=1e-10)


def test_dersimonian_laird_on_the_bcg_trials_equals_statsmodels() -> None:
    y, v = bcg()
    theirs = combine_effects(y, v, method_re="dl")
    fit = random_effects(y, v, method="dl")
    assert fit.tau2 == pytest.approx(theirs.tau2, rel=1e-10)
    assert fit.mu == pytest.approx(theirs.mean_effect_re, rel=1e-10)
    assert fit.tau2 == pytest.approx(0.3088, abs=5e-5)  # metafor rma(yi, vi, method="DL"): 0.3088


def _reml_by_optimiser(y: np.ndarray, v: np.ndarray) -> float:
    """τ² maximising the restricted log-likelihood, written from its definition and handed to scipy."""

    def minus_loglik(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    found = optimize.minimize_scalar(minus_loglik, bounds=(0.0, 10.0), method="bounded", options={"xatol": 1e-12})
    return float(found.x)


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_reml_maximises_the_restricted_likelihood(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(8, 60))
    v = rng.uniform(0.005, 0.2, k)
    y = rng.normal(0.1, 0.25, k) + rng.normal(0, np.sqrt(v))
    assert random_effects(y, v).tau2 == pytest.approx(_reml_by_optimiser(y, v), abs=1e-7)


def test_homogeneous_estimates_give_no_spread_and_the_fixed_effect_estimate() -> None:
    y = np.array([0.10, 0.11, 0.09, 0.10, 0.105])
    v = np.array([0.04, 0.05, 0.03, 0.06, 0.05])
    fixed = np.sum(y / v) / np.sum(1 / v)  # the inverse-variance (fixed-effect) mean, by hand
    for method in ("reml", "dl"):
        fit = random_effects(y, v, method=method)  # type: ignore[arg-type]
        assert fit.tau2 == 0.0
        assert fit.i2 == 0.0
        assert fit.mu == pytest.approx(fixed, rel=1e-12)
        assert fit.share_below(0.0) == 0.0  # everyone has mu > 0
        assert fit.share_below(0.2) == 1.0


def test_many_people_recover_the_planted_mean_and_spread() -> None:
    """2,000 people with true effects N(-0.2, 0.15²) and their own sampling noise: both estimators find them."""
    rng = np.random.default_rng(11)
    v = rng.uniform(0.01, 0.1, 2000)
    y = rng.normal(-0.2, 0.15, 2000) + rng.normal(0, np.sqrt(v))
    for method in ("reml", "dl"):
        fit = random_effects(y, v, method=method)  # type: ignore[arg-type]
        assert fit.ci_low < -0.2 < fit.ci_high
        assert math.sqrt(fit.tau2) == pytest.approx(0.15, abs=0.02)
        # the share of true effects below 0 is Φ(0.2 / 0.15) = 0.909
        assert fit.share_below(0.0) == pytest.approx(stats.norm.cdf(0.2 / 0.15), abs=0.03)


def test_few_estimates() -> None:
    empty = random_effects([], [])
    assert empty.k == 0 and math.isnan(empty.mu) and math.isnan(empty.share_below())
    one = random_effects([0.3], [0.04])
    assert (one.k, one.mu, one.tau2) == (1, 0.3, 0.0)
    assert one.se == pytest.approx(0.2)
    assert math.isnan(one.pi_low) and math.isnan(one.q_p_value)
    two = random_effects([0.3, -0.1], [0.04, 0.02])
    assert math.isnan(two.pi_high)  # no t with k - 2 = 0 degrees of freedom
    assert two.q_p_value == pytest.approx(stats.chi2.sf(two.q, 1))


@pytest.mark.parametrize(
    ("estimates", "variances", "kwargs", "match"),
    [
        ([0.1, 0.2], [0.1], {}, "one variance per estimate"),
        ([0.1, 0.2], [0.1, 0.0], {}, "finite numbers > 0"),
        ([0.1, 0.2], [0.1, np.nan], {}, "finite numbers > 0"),
        ([0.1, np.inf], [0.1, 0.1], {}, "finite numbers"),
        ([0.1, 0.2], [0.1, 0.1], {"method": "pm"}, "'method' parameter of random_effects"),
        ([0.1, 0.2], [0.1, 0.1], {"alpha": 1.5}, "'alpha' parameter"),
    ],
)
def test_bad_arguments_are_refused(estimates: list[float], variances: list[float], kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        random_effects(estimates, variances, **kwargs)
