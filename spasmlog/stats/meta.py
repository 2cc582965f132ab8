r"""Random-effects meta-analysis: many estimates, each with its standard error, combined into one.

The model (the "normal–normal" random-effects model) says that study (here: person) *i* has a true effect
:math:`\theta_i` drawn from :math:`N(\mu, \tau^2)`, and that its estimate is :math:`y_i \sim N(\theta_i, v_i)`
with a known sampling variance :math:`v_i`. So :math:`y_i \sim N(\mu, v_i + \tau^2)`; :math:`\mu` is the
average effect and :math:`\tau^2` the between-person spread of the true effects.

- **DerSimonian–Laird** (``"dl"``): the moment estimator :math:`\hat\tau^2 = \max\{0, (Q - (k-1))/C\}` with
  Cochran's :math:`Q = \sum w_i (y_i - \hat\mu_{FE})^2`, :math:`w_i = 1/v_i` and
  :math:`C = \sum w_i - \sum w_i^2 / \sum w_i` (DerSimonian & Laird 1986).
- **REML** (``"reml"``, the default): the root on :math:`[0, \infty)` of the restricted likelihood's score
  :math:`\tfrac12 [\sum w_i^2 (y_i - \hat\mu)^2 - \sum w_i + \sum w_i^2 / \sum w_i]` with
  :math:`w_i = 1/(v_i + \tau^2)`, found by Brent's method (:func:`spasmlog.stats.roots.brentq`); 0 when the
  score is negative there already (Viechtbauer 2005). It is the default of R's ``metafor``.

Given :math:`\hat\tau^2`, :math:`\hat\mu = \sum w_i y_i / \sum w_i` with its standard error
:math:`1/\sqrt{\sum w_i}`, a normal (Wald) interval and test; :math:`I^2 = \hat\tau^2 / (\hat\tau^2 + s^2)`
with the "typical" sampling variance :math:`s^2 = (k-1) \sum 1/v_i / [(\sum 1/v_i)^2 - \sum 1/v_i^2]`
(Higgins & Thompson 2002; for DerSimonian–Laird this is :math:`(Q - (k-1))/Q`, as ``metafor`` reports for
either); and the 100(1 − α)% **prediction interval** for the true effect of a new person,
:math:`\hat\mu \pm t_{k-2,\,1-\alpha/2} \sqrt{\hat\tau^2 + \mathrm{se}(\hat\mu)^2}` (Higgins, Thompson &
Spiegelhalter 2009; Riley, Higgins & Deeks 2011), which needs k ≥ 3.

References
----------
DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials 7:177–188.
doi:10.1016/0197-2456(86)90046-2

Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the random-effects model.
J Educ Behav Stat 30:261–293. doi:10.3102/10769986030003261

Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Stat Med 21:1539–1558.
doi:10.1002/sim.1186

Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). A re-evaluation of random-effects meta-analysis. J R Stat
Soc A 172:137–159. doi:10.1111/j.1467-985X.2008.00552.x

Riley RD, Higgins JPT, Deeks JJ (2011). Interpretation of random effects meta-analyses. BMJ 342:d549.
doi:10.1136/bmj.d549
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from spasmlog import _checks
from spasmlog.stats.distributions import norm_cdf, norm_ppf, norm_sf, t_ppf
from spasmlog.stats.roots import brentq

__all__ = ["METHODS", "RandomEffects", "random_effects"]

Method = Literal["reml", "dl"]
METHODS: tuple[str, ...] = ("reml", "dl")


@dataclass(frozen=True)
class RandomEffects:
    """One random-effects meta-analysis (all on the scale of the estimates given, e.g. log rate ratios).

    ``mu`` (pooled estimate), ``se``, ``ci_low``, ``ci_high``, ``z``, ``p_value`` (two-sided, normal);
    ``tau2`` (between-person variance), ``q`` (Cochran's Q), ``q_p_value`` (its χ²(k − 1) test of
    homogeneity), ``i2`` (0–1), ``pi_low``, ``pi_high`` (the prediction interval; NaN when k < 3), ``k``
    (estimates combined) and ``method``.
    """

    mu: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    tau2: float
    q: float
    q_p_value: float
    i2: float
    pi_low: float
    pi_high: float
    k: int
    method: str

    def share_below(self, threshold: float = 0.0) -> float:
        """The share of the true effects below ``threshold`` under the fitted N(μ̂, τ̂²) (plug-in, no uncertainty
        about μ̂ and τ̂²); with τ̂² = 0 every person has μ̂, so the share is 0 or 1.

        Examples
        --------
        >>> fit = random_effects([-0.5, -0.1, -0.9, 0.2], [0.04, 0.05, 0.03, 0.06])
        >>> round(fit.share_below(0.0), 3)
        0.788
        """
        if not math.isfinite(self.mu):
            return math.nan
        if self.tau2 <= 0:
            return float(self.mu < threshold)
        return float(norm_cdf((threshold - self.mu) / math.sqrt(self.tau2)))


def _score(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Twice the REML score at ``tau2``: Σw²(y − μ̂)² − Σw + Σw²/Σw with w = 1/(v + τ²)."""
    w = 1.0 / (v + tau2)
    sw = w.sum()
    mu = (w * y).sum() / sw
    w2 = w * w
    return float((w2 * (y - mu) ** 2).sum() - sw + w2.sum() / sw)


def _reml(y: np.ndarray, v: np.ndarray) -> float:
    if _score(0.0, y, v) <= 0.0:
        return 0.0
    # The score is positive at 0 and negative for τ² beyond the spread of the estimates: double until it is.
    upper = max(float(np.var(y)), float(v.max()), 1e-12)
    for _ in range(200):
        if _score(upper, y, v) < 0.0:
            break
        upper *= 2.0
    return brentq(lambda t: _score(t, y, v), 0.0, upper, xtol=1e-14, rtol=1e-12)


def random_effects(
    estimates: ArrayLike, variances: ArrayLike, *, method: Method = "reml", alpha: float = 0.05
) -> RandomEffects:
    """Combine estimates with known sampling variances in a random-effects meta-analysis.

    Parameters
    ----------
    estimates : array-like
        One estimate per person (or study), on a scale where they are about normal (log rate ratios,
        Fisher-z correlations).
    variances : array-like
        Their sampling variances (standard errors squared), all > 0 and finite.
    method : {"reml", "dl"}
        The estimator of τ²: restricted maximum likelihood (default) or DerSimonian–Laird.
    alpha : float
        1 − the level of the confidence and prediction intervals.

    Returns
    -------
    RandomEffects
        See the module's description for the formulas.

    Raises
    ------
    ParameterError
        Estimates and variances of different lengths, a variance ≤ 0 or not finite, an estimate not finite,
        an unknown ``method`` or ``alpha`` outside (0, 1).

    Examples
    --------
    The first four BCG vaccine trials (log risk ratios and their variances, ``metafor``'s ``dat.bcg``):

    >>> fit = random_effects([-0.8893, -1.5854, -1.3481, -1.4416], [0.3256, 0.1946, 0.4154, 0.0200])
    >>> round(fit.mu, 4), round(fit.tau2, 4), fit.k
    (-1.4221, 0.0, 4)
    """
    function = "random_effects"
    _checks.one_of(method, "method", function, METHODS)
    alpha = _checks.probability(alpha, "alpha", function)
    y = np.asarray(estimates, dtype=np.float64).ravel()
    v = np.asarray(variances, dtype=np.float64).ravel()
    if y.shape != v.shape:
        _checks.fail(function, "variances", f"{v.size} values", f"one variance per estimate ({y.size})")
    if not np.isfinite(y).all():
        _checks.fail(function, "estimates", y[~np.isfinite(y)][0], "finite numbers")
    if not (np.isfinite(v).all() and (v > 0).all()):
        _checks.fail(function, "variances", v[~(np.isfinite(v) & (v > 0))][0], "finite numbers > 0")
    k = int(y.size)
    if k == 0:
        nan = math.nan
        return RandomEffects(nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, 0, method)
    w_fe = 1.0 / v
    sw_fe = float(w_fe.sum())
    mu_fe = float((w_fe * y).sum() / sw_fe)
    q = float((w_fe * (y - mu_fe) ** 2).sum())
    c = sw_fe - float((w_fe * w_fe).sum()) / sw_fe
    if k == 1:
        tau2 = 0.0
    elif method == "dl":
        tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
    else:
        tau2 = _reml(y, v)
    w = 1.0 / (v + tau2)
    sw = float(w.sum())
    mu = float((w * y).sum() / sw)
    se = 1.0 / math.sqrt(sw)
    crit = float(norm_ppf(1.0 - alpha / 2.0))
    z = mu / se
    typical = (k - 1) * sw_fe / (sw_fe**2 - float((w_fe * w_fe).sum())) if k > 1 and c > 0 else math.nan
    i2 = tau2 / (tau2 + typical) if math.isfinite(typical) else math.nan
    if k >= 3:
        half = float(t_ppf(1.0 - alpha / 2.0, k - 2)) * math.sqrt(tau2 + se * se)
        pi_low, pi_high = mu - half, mu + half
    else:
        pi_low = pi_high = math.nan
    q_p = _chi2_sf(q, k - 1) if k > 1 else math.nan
    return RandomEffects(
        mu=mu,
        se=se,
        ci_low=mu - crit * se,
        ci_high=mu + crit * se,
        z=z,
        p_value=float(2.0 * norm_sf(abs(z))),
        tau2=tau2,
        q=q,
        q_p_value=q_p,
        i2=i2,
        pi_low=pi_low,
        pi_high=pi_high,
        k=k,
        method=method,
    )


def _chi2_sf(x: float, df: int) -> float:
    """P(χ²(df) > x), from ``scipy.special.gammaincc`` (the value of ``scipy.stats.chi2.sf``)."""
    from scipy.special import gammaincc

    return float(gammaincc(df / 2.0, x / 2.0))
