"""Coefficient covariances of count models whose day-to-day noise is autocorrelated (Zeger 1988).

:func:`acf_covariance` gives the covariance of quasi-Poisson coefficients, M models on one calendar at once,
when the standardised residuals have an autocorrelation that depends only on the distance in calendar
days, estimated from the residuals of the days actually logged. It replaces the Newey–West (HAC) estimate
for one person's factors: HAC estimates the products of each day's score with its neighbours' and is so
noisy over a few months of days that intervals need a t reference with 10–20 degrees of freedom, which
loses most of the power in the far tail where a correction across factors looks. Here only the residual
autocorrelations are estimated, from every logged day, and the factor's own values enter exactly.
:func:`joint_correlation` gives the correlation of coefficients of different models on the same days (a
factor's lags and variants), for the max-T tests of :mod:`spasmlog.stats.maxt`.

References
----------
Zeger SL (1988). A regression model for time series of counts. Biometrika 75:621–629.
doi:10.1093/biomet/75.4.621

Liang K-Y, Zeger SL (1986). Longitudinal data analysis using generalized linear models. Biometrika
73:13–22. doi:10.1093/biomet/73.1.13
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["AcfInference", "acf_covariance", "joint_correlation", "max_lag_of"]

_MAX_ACF_LAG = 28
"""Residual autocorrelations are estimated up to four weeks (and a fifth of the days logged), as
Bartlett's formula is used for correlations (Pyper & Peterman 1998)."""
_MIN_PAIRS = 10


def max_lag_of(days: int) -> int:
    """Longest lag of residual autocorrelation estimated for ``days`` logged days: min(28, days // 5).

    Examples
    --------
    >>> max_lag_of(60), max_lag_of(365)
    (12, 28)
    """
    return int(max(0, min(_MAX_ACF_LAG, days // 5)))


@dataclass(frozen=True)
class AcfInference:
    """Covariances with autocorrelated noise for M models on one calendar (see :func:`acf_covariance`).

    Attributes
    ----------
    cov : ndarray (M, p, p)
        Covariance of the coefficients.
    df : ndarray (M, p)
        Degrees of freedom of the t reference of each coefficient (Satterthwaite): those of the dispersion,
        n − p, reduced by the noise of the estimated autocorrelations the coefficient's variance leans on.
    influence : ndarray (M, T, p)
        Each day's contribution to each coefficient, (B⁻¹ x_t √μ_t): with the noise correlations it
        gives the covariance of coefficients of different models on the same days.
    phi : ndarray (M,)
        Pearson dispersion of each model.
    rho : ndarray (M, L + 1)
        Residual autocorrelation at lags 0..L (rho[:, 0] = 1).
    """

    cov: np.ndarray
    df: np.ndarray
    influence: np.ndarray
    phi: np.ndarray
    rho: np.ndarray


def acf_covariance(
    design: np.ndarray, y: np.ndarray, valid: np.ndarray, mu: np.ndarray, *, max_lag: int | None = None
) -> AcfInference:
    r"""Covariance of quasi-Poisson coefficients under autocorrelated noise, for M models.

    Parameters
    ----------
    design : ndarray (M, T, p)
        Each model's design on the calendar days 0..T−1.
    y : ndarray (T,)
        The counts (NaN on days not logged).
    valid : ndarray (M, T) of bool
        The days each model uses.
    mu : ndarray (M, T)
        The fitted means.
    max_lag : int, optional
        Longest lag of residual autocorrelation (default :func:`max_lag_of` the days used).

    Returns
    -------
    AcfInference

    Notes
    -----
    The coefficients solve the quasi-Poisson estimating equations :math:`\sum_t x_t (y_t - \mu_t) = 0`.
    Each day's count has working variance :math:`v_t = \mu_t(1 + \alpha\mu_t)` (α by moments, so
    over-dispersion that grows with the rate is allowed for), and the standardised residuals
    :math:`\varepsilon_t = (y_t - \mu_t)/\sqrt{v_t}` a common variance φ and an autocorrelation ρ(d) that
    depends only on the distance d in calendar days. Then

    .. math:: V = \phi\, B^{-1} \Big(\sum_{t,s} u_t u_s^\top \rho(|t-s|)\Big) B^{-1},\quad
        u_t = x_t\sqrt{v_t},\quad B = \sum_t x_t x_t^\top \mu_t

    (Zeger 1988; Liang & Zeger 1986 for the working-variance sandwich). φ is the sum of squared ε over
    n − p; ρ(d) = mean of ε_t ε_{t+d} over the pairs of days both used, over the mean of ε_t², for
    d ≤ L (L = min(28, n/5)); a day not logged is a gap, never a neighbour. A coefficient's variance is
    never taken below its independent-days value (the d = 0 term alone): spasm days are not assumed more
    predictable than independent ones. Under the null hypothesis that a factor is unrelated to the
    spasms, the noise does not depend on it, which is all this covariance assumes about the factor. The t
    reference has Satterthwaite degrees of freedom: the variance estimate is a sum of φ̂ (n − p degrees of
    freedom) and of the ρ̂(d), each with variance about 1 / (pairs of days at distance d); a smooth factor
    (a 28-day rolling load, a slowly drifting habit) leans on many ρ̂(d) and gets fewer degrees of freedom.
    With a strongly autocorrelated spasm rate (latent AR(1), φ = 0.8) n − p alone let 12.5 % of null
    one-year diaries state a finding, these degrees of freedom 5.0 % (`benchmarks/calibrate_findings.py`).

    Examples
    --------
    Independent Poisson days give the quasi-Poisson covariance (up to noise):

    >>> rng = np.random.default_rng(1)
    >>> x = np.column_stack([np.ones(400), rng.standard_normal(400)])
    >>> y = rng.poisson(np.exp(0.3 + 0.2 * x[:, 1])).astype(float)
    >>> mu = np.exp(0.3 + 0.2 * x[:, 1])
    >>> out = acf_covariance(x[None], y, np.ones((1, 400), bool), mu[None])
    >>> bool(abs(np.sqrt(out.cov[0, 1, 1]) / 0.0456 - 1) < 0.15)
    True
    """
    m, t, p = design.shape
    w = valid.astype(np.float64)
    y_all = np.where(valid, np.nan_to_num(np.broadcast_to(y, (m, t))), 0.0)
    mu = np.where(valid, mu, 1.0)
    x = np.where(valid[..., None], design, 0.0)
    gram = (x * (mu * w)[..., None]).transpose(0, 2, 1) @ x
    bread = np.linalg.pinv(gram, hermitian=True)
    n = w.sum(1)
    rank = np.linalg.matrix_rank(gram, hermitian=True)
    # the working variance of a day's count: μ(1 + αμ), α by moments (Cameron & Trivedi 2013, §3.2)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = ((w * ((y_all - mu) ** 2 - mu)).sum(1) / (w * mu**2).sum(1)).clip(0.0, None)
    alpha = np.where(np.isfinite(alpha), alpha, 0.0)
    variance = mu * (1 + alpha[:, None] * mu)
    u = x * (np.sqrt(variance) * w)[..., None]  # (M, T, p): each day's score is u_t ε_t
    resid = np.where(valid, (y_all - mu) / np.sqrt(variance), 0.0)
    phi = (resid**2).sum(1) / np.maximum(n - rank, 1.0)
    lag_max = max_lag_of(int(n[n > 0].min()) if (n > 0).any() else 0) if max_lag is None else int(max_lag)
    lag_max = min(lag_max, t - 1) if t > 1 else 0
    rho = np.zeros((m, lag_max + 1))
    rho[:, 0] = 1.0
    second = (resid**2).sum(1) / np.maximum(n, 1.0)
    meat = u.transpose(0, 2, 1) @ u
    independent_meat = meat.copy()
    noise = np.zeros((m, p))  # Σ_d (B⁻¹ (C_d + C_d') B⁻¹)_jj² / pairs_d: the variance the ρ̂(d) add
    for d in range(1, lag_max + 1):
        pairs = (w[:, d:] * w[:, :-d]).sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (resid[:, d:] * resid[:, :-d]).sum(1) / pairs / second
        r = np.where((pairs >= _MIN_PAIRS) & np.isfinite(r), r, 0.0)
        rho[:, d] = r
        cross = u[:, d:].transpose(0, 2, 1) @ u[:, :-d]
        meat += r[:, None, None] * (cross + cross.transpose(0, 2, 1))
        term = np.diagonal(bread @ (cross + cross.transpose(0, 2, 1)) @ bread, axis1=1, axis2=2)
        noise += np.where((pairs >= _MIN_PAIRS)[:, None], term**2 / np.maximum(pairs, 1.0)[:, None], 0.0)
    cov = phi[:, None, None] * (bread @ meat @ bread)
    independent = phi[:, None] * np.diagonal(bread @ independent_meat @ bread, axis1=1, axis2=2)
    diagonal = np.diagonal(cov, axis1=1, axis2=2)
    factor = np.sqrt(np.where(diagonal < independent, independent / np.where(diagonal > 0, diagonal, 1.0), 1.0))
    factor = np.where(diagonal > 0, factor, 1.0)
    cov = cov * factor[:, :, None] * factor[:, None, :]
    cov[np.arange(m)[:, None], np.arange(p), np.arange(p)] = np.maximum(diagonal, independent)
    influence = u @ bread  # (M, T, p): B⁻¹ x_t √v_t
    # Satterthwaite degrees of freedom of each variance: the noise of φ̂ (n − p) and of the ρ̂(d), each
    # ~ N(0, 1/pairs) when the noise is white: a smooth factor leans on many ρ̂(d) and gets fewer
    residual_df = np.maximum(n - rank, 1.0)
    variance = np.maximum(diagonal, independent) / phi[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        df = 1.0 / (1.0 / residual_df[:, None] + noise / (2 * variance**2))
    df = np.where(np.isfinite(df), np.clip(df, 1.0, residual_df[:, None]), residual_df[:, None])
    return AcfInference(cov, df, influence, phi, rho)


def joint_correlation(influence: np.ndarray, phi: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Correlation of K coefficients of different models on one calendar (their influence columns).

    ``influence`` is (K, T): each model's influence series for its coefficient of interest; ``phi`` (K,)
    and ``rho`` (K, L + 1) their noise variance and autocorrelation (averaged over the K models).
    """
    t = influence.shape[1]
    r = rho.mean(0)
    g = influence * np.sqrt(phi)[:, None]
    cov = g @ g.T
    for d in range(1, r.size):
        if d >= t:
            break
        cross = g[:, d:] @ g[:, :-d].T
        cov += r[d] * (cross + cross.T)
    sd = np.sqrt(np.clip(np.diag(cov), 1e-300, None))
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    return np.clip(corr, -1.0, 1.0)
