"""Generalized estimating equations for counts, vectorised over clusters (people).

A marginal log-linear count model with a working correlation within each cluster and sandwich errors
(plain Liang–Zeger or Mancl–DeRouen's bias-reduced, from :mod:`spasmlog.stats.sandwich`), solved without a
Python loop over clusters: the engine of :func:`spasmlog.cohort_model`, tested against ``statsmodels``' GEE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.stats.glm import Family, as_design
from spasmlog.stats.linalg import pinv
from spasmlog.stats.sandwich import cluster_products, cluster_sums, leave_cluster_out

__all__ = ["COV_TYPES", "GEEFit", "gee"]

Correlation = Literal["exchangeable", "ar1", "independence"]
CovType = Literal["bias_reduced", "robust"]
COV_TYPES: tuple[str, ...] = ("bias_reduced", "robust")
"""Sandwich covariances of :func:`gee` (and :func:`spasmlog.cohort_model`), named as ``statsmodels``' GEE names them."""


@dataclass(frozen=True)
class GEEFit:
    """A fitted marginal count model (see :func:`gee`).

    Attributes
    ----------
    params : pandas.Series
        Coefficients (log rate ratios), by term.
    cov : pandas.DataFrame
        Sandwich covariance of the coefficients, of the type ``cov_type``.
    cov_naive : pandas.DataFrame
        Model-based covariance (valid only if the working correlation is right).
    correlation : float
        The estimated working correlation (exchangeable: between any two days of a person; ar1: between
        consecutive rows); 0 for independence.
    dispersion : float
        NB2 α of the working variance μ + αμ² (0 for Poisson).
    n : int
        Rows used.
    subjects : int
        Clusters (people).
    converged : bool
        Whether the iterations converged.
    iterations : int
        Fisher-scoring iterations taken (independence start, then the working correlation).
    cov_type : str
        ``"bias_reduced"`` (Mancl–DeRouen) or ``"robust"`` (Liang–Zeger): which sandwich ``cov`` is.
    """

    params: pd.Series
    cov: pd.DataFrame
    cov_naive: pd.DataFrame
    correlation: float
    dispersion: float
    n: int
    subjects: int
    converged: bool
    iterations: int
    cov_type: str = "bias_reduced"


def gee(
    x: pd.DataFrame | np.ndarray,
    y: pd.Series | np.ndarray,
    groups: pd.Series | np.ndarray,
    *,
    family: Family = "poisson",
    correlation: Correlation = "exchangeable",
    dispersion: float | None = None,
    cov_type: CovType = "bias_reduced",
    maxiter: int = 100,
    tol: float = 1e-10,
    names: Sequence[str] | None = None,
) -> GEEFit:
    """Generalized estimating equations for counts (log link), vectorised over clusters.

    Parameters
    ----------
    x : DataFrame or 2-D array
        The design matrix, with an intercept column if wanted (none is added).
    y : Series or 1-D array
        Counts ≥ 0.
    groups : Series or 1-D array
        Cluster labels (the person). Rows of a cluster are taken in the order given (time order for
        ``ar1``); clusters need not be contiguous.
    family : {"poisson", "negative_binomial"}
        Working variance μ (Poisson) or μ + αμ² (negative binomial).
    correlation : {"exchangeable", "ar1", "independence"}
        Working correlation within a cluster: the same between any two rows; ρ^|j−k| between rows j and
        k (by position within the cluster, as ``statsmodels``' ``Autoregressive(grid=True)``); none.
    dispersion : float, optional
        Fix the negative-binomial α; by default it is estimated by moments,
        α = Σ[(y − μ)² − μ] / Σμ², at each iteration.
    cov_type : {"bias_reduced", "robust"}
        The sandwich covariance ``cov``: ``bias_reduced`` (default), Mancl & DeRouen's (2001) correction
        of the sandwich's downward bias with few clusters; ``robust``, the plain Liang–Zeger sandwich.
        The same as ``statsmodels``' ``GEE.fit(cov_type=...)``.
    maxiter : int
        Most Fisher-scoring iterations.
    tol : float
        Convergence: largest change of a coefficient (relative to 1 + its size).
    names : sequence of str, optional
        Names of the columns of an array ``x``.

    Returns
    -------
    GEEFit
        ``params``, sandwich ``cov``, ``cov_naive``, ``correlation``, ``dispersion``, ``n``, ``subjects``,
        ``converged``, ``iterations``, ``cov_type``.

    Notes
    -----
    Solves :math:`\\sum_i D_i^\\top V_i^{-1}(y_i - \\mu_i) = 0` with :math:`D_i = \\mathrm{diag}(\\mu_i)X_i`,
    :math:`V_i = A_i^{1/2} R(\\rho) A_i^{1/2}` (Liang & Zeger 1986), without a Python loop over clusters:
    the exchangeable inverse is :math:`R^{-1} = (I - c_i \\mathbf{1}\\mathbf{1}^\\top)/(1-\\rho)`,
    :math:`c_i = \\rho/(1 - \\rho + n_i\\rho)`, so every cluster term is a cluster sum (``np.add.reduceat``
    over rows sorted by cluster); the AR(1) inverse is applied by whitening consecutive rows. ρ is
    estimated by the same moment estimators as ``statsmodels`` (exchangeable: with ``ddof`` = number of
    coefficients; negative values are set to 0). The robust covariance is
    :math:`B^{-1}(\\sum_i U_iU_i^\\top)B^{-1}` with :math:`B = \\sum_i D_i^\\top V_i^{-1} D_i` and
    :math:`U_i = D_i^\\top V_i^{-1}(y_i - \\mu_i)`: valid whatever the true correlation, given enough
    clusters (dozens or more). With few clusters it is too small, because each cluster's residuals are
    pulled towards the fit by its own leverage :math:`H_{ii} = D_i B^{-1} D_i^\\top V_i^{-1}`. The
    bias-reduced covariance (Mancl & DeRouen 2001) replaces :math:`y_i - \\mu_i` in :math:`U_i` by
    :math:`(I - H_{ii})^{-1}(y_i - \\mu_i)`; by Woodbury's identity
    :math:`B^{-1}U_i` becomes :math:`(B - B_i)^{-1}U_i` with :math:`B_i = D_i^\\top V_i^{-1} D_i`, a
    p × p solve per cluster instead of an :math:`n_i \\times n_i` one.

    References
    ----------
    Liang KY, Zeger SL (1986). Longitudinal data analysis using generalized linear models. Biometrika
    73:13–22. doi:10.1093/biomet/73.1.13

    Mancl LA, DeRouen TA (2001). A covariance estimator for GEE with improved small-sample properties.
    Biometrics 57:126–134. doi:10.1111/j.0006-341X.2001.00126.x

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> person = np.repeat(np.arange(50), 20)
    >>> dose = rng.normal(size=1000)
    >>> level = rng.normal(0, 0.5, 50)[person]
    >>> counts = rng.poisson(np.exp(level + 0.3 * dose))
    >>> fit = gee(pd.DataFrame({"intercept": 1.0, "dose": dose}), counts, person)
    >>> np.exp(fit.params).round(3)
    intercept    1.054
    dose         1.329
    dtype: float64
    >>> fit.subjects, round(fit.correlation, 3)
    (50, 0.291)
    """
    function = "gee"
    _checks.one_of(family, "family", function, ("poisson", "negative_binomial"))
    _checks.one_of(correlation, "correlation", function, ("exchangeable", "ar1", "independence"))
    _checks.one_of(cov_type, "cov_type", function, COV_TYPES)
    design, terms = as_design(x, names)
    counts = np.asarray(y, dtype=np.float64).ravel()
    labels = np.asarray(groups).ravel()
    if not design.shape[0] == counts.size == labels.size:
        _checks.refuse(
            "`x`, `y` and `groups` of gee must have the same rows.",
            function,
            "groups",
            f"{labels.size} rows",
            f"{design.shape[0]} rows, as `x`",
        )
    keep = np.isfinite(counts) & np.isfinite(design).all(1) & pd.notna(labels)
    if not keep.all():
        design, counts, labels = design[keep], counts[keep], labels[keep]
    codes = pd.factorize(labels)[0]
    if (np.diff(codes) < 0).any():  # rows of a cluster together, in their given order
        order = np.argsort(codes, kind="stable")
        design, counts, codes = design[order], counts[order], codes[order]
    n, p = design.shape
    if n == 0:
        _checks.refuse(
            "gee has no rows with the outcome, every column and the group all recorded.",
            function,
            "y",
            "no complete row",
            "at least one row with `y`, every column of `x` and the group recorded",
        )
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, n])
    later = np.ones(n, dtype=bool)  # rows with a previous row in the same cluster
    later[starts] = False
    estimate_alpha = family == "negative_binomial" and dispersion is None
    alpha = float(dispersion) if (family == "negative_binomial" and dispersion is not None) else 0.0

    def pieces(mu: np.ndarray, resid: np.ndarray, rho: float, clusters: bool) -> tuple[np.ndarray, ...]:
        """B = Σ D'V⁻¹D, the total score Σ D'V⁻¹(y − μ), and (with ``clusters``) each cluster's score.

        With ``clusters`` and ``cov_type="bias_reduced"`` each cluster's score is the Mancl–DeRouen one
        premultiplied by B⁻¹: (B − B_i)⁻¹ U_i, with B_i = D_i'V_i⁻¹D_i the cluster's own part of B.
        """
        z = design * (mu / np.sqrt(mu + alpha * mu**2))[:, None]
        per_cluster = np.empty((0, p))
        if correlation == "exchangeable" and rho != 0:
            c = rho / (1 - rho + sizes * rho)
            s = cluster_sums(z, starts)
            e = cluster_sums(resid, starts)
            bread = (z.T @ z - (s * c[:, None]).T @ s) / (1 - rho)
            score = (z.T @ resid - (s * (c * e)[:, None]).sum(0)) / (1 - rho)
            if clusters:
                per_cluster = (cluster_sums(z * resid[:, None], starts) - (c * e)[:, None] * s) / (1 - rho)
                if cov_type == "bias_reduced":
                    own = (cluster_products(z, starts) - c[:, None, None] * s[:, :, None] * s[:, None, :]) / (1 - rho)
                    per_cluster = leave_cluster_out(bread, own, per_cluster)
            return bread, score, per_cluster
        if correlation == "ar1" and rho != 0:  # whiten consecutive rows: R⁻¹ = L'L
            root = math.sqrt(1 - rho**2)
            first_z, first_r = z[starts], resid[starts]
            z[1:] -= rho * z[:-1]  # the product is a copy taken before z changes
            z /= root
            z[starts] = first_z
            resid = (resid - rho * np.r_[0.0, resid[:-1]]) / root
            resid[starts] = first_r
        bread = z.T @ z
        score = z.T @ resid
        if clusters:
            per_cluster = cluster_sums(z * resid[:, None], starts)
            if cov_type == "bias_reduced":
                per_cluster = leave_cluster_out(bread, cluster_products(z, starts), per_cluster)
        return bread, score, per_cluster

    def moments(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu = np.exp(np.clip(design @ beta, -40.0, 40.0))
        return mu, (counts - mu) / np.sqrt(mu + alpha * mu**2)

    # start as R's glm does (weighted least squares of log(y + 0.1)), then independence Fisher scoring
    start = counts + 0.1
    weighted = design * start[:, None]
    beta = pinv(weighted.T @ design) @ (weighted.T @ np.log(start))
    del weighted
    rho = 0.0
    converged = False
    iterations = 0
    for phase in ("independence", correlation):
        for _ in range(maxiter):
            iterations += 1
            mu, resid = moments(beta)
            if phase != "independence":
                if estimate_alpha:
                    alpha = max(float(((counts - mu) ** 2 - mu).sum() / (mu**2).sum()), 1e-8)
                    resid = (counts - mu) / np.sqrt(mu + alpha * mu**2)
                rho = _update_correlation(correlation, resid, starts, sizes, later, p)
            bread, score, _ = pieces(mu, resid, rho, clusters=False)
            step = np.linalg.solve(bread, score)
            beta = beta + step
            if np.abs(step).max() <= tol * (1 + np.abs(beta).max()):
                converged = True
                break
        else:
            converged = False
    mu, resid = moments(beta)
    bread, _, per_cluster = pieces(mu, resid, rho, clusters=True)
    bread_inv = np.linalg.inv(bread)
    if cov_type == "bias_reduced":  # the scores are already B⁻¹-weighted
        sandwich = per_cluster.T @ per_cluster
    else:
        sandwich = bread_inv @ (per_cluster.T @ per_cluster) @ bread_inv
    return GEEFit(
        params=pd.Series(beta, index=terms),
        cov=pd.DataFrame(sandwich, index=terms, columns=terms),
        cov_naive=pd.DataFrame(bread_inv, index=terms, columns=terms),
        correlation=float(rho),
        dispersion=float(alpha),
        n=int(n),
        subjects=int(starts.size),
        converged=converged,
        iterations=iterations,
        cov_type=cov_type,
    )


def _update_correlation(
    correlation: str, resid: np.ndarray, starts: np.ndarray, sizes: np.ndarray, later: np.ndarray, p: int
) -> float:
    """Moment estimators of the working correlation, as ``statsmodels`` computes them (scale 1 for counts)."""
    if correlation == "independence":
        return 0.0
    squares = cluster_sums(resid**2, starts)
    if correlation == "exchangeable":
        n = resid.size
        sums = cluster_sums(resid, starts)
        scale = squares.sum() / (n - p)
        pairs = (sizes * (sizes - 1) / 2).sum()
        if pairs - p <= 0:
            return 0.0
        rho = ((sums**2 - squares).sum() / 2 / scale) / (pairs - p)
        return float(min(max(rho, 0.0), 0.999))
    lag1 = np.zeros(resid.size)
    lag1[1:] = np.where(later[1:], resid[1:] * resid[:-1], 0.0)
    products = cluster_sums(lag1, starts)
    long = sizes > 1
    if not long.any():
        return 0.0
    rho = (products[long] / (sizes[long] - 1)).sum() / (squares[long] / sizes[long]).sum()
    return float(min(max(rho, 0.0), 0.999))
