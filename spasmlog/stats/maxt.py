"""Max-T tests: one p-value for a family of correlated normal statistics (a factor's lags and variants).

:func:`max_t_pvalue` gives the chance that the largest absolute statistic is at least as large under
their joint normal distribution (Hothorn, Bretz & Westfall 2008); :func:`weighted_max_t_pvalue` the same
for one-sided tests in both directions with unequal weights (Westfall & Krishen 2001). Both refer the
data to a fixed set of normal draws (the same data, the same p-value) and refine the p-values a
correction can use (below :data:`REFINE_BELOW`) with Genz's integration (:func:`spasmlog.stats.mvn.mvn_box`).

References
----------
Hothorn T, Bretz F, Westfall P (2008). Simultaneous inference in general parametric models. Biom J
50:346–363. doi:10.1002/bimj.200810425

Westfall PH, Krishen A (2001). Optimally weighted, fixed sequence and gatekeeper multiple testing
procedures. J Stat Plan Inference 99:25–40.
"""

from __future__ import annotations

import numpy as np

from spasmlog.errors import ParameterError
from spasmlog.stats.distributions import norm_cdf, norm_isf, norm_sf
from spasmlog.stats.mvn import mvn_box

__all__ = [
    "MC_DRAWS",
    "REFINE_BELOW",
    "REFINE_TOLERANCE",
    "correlation_root",
    "max_t_pvalue",
    "normal_draws",
    "weighted_max_t_estimate",
    "weighted_max_t_floor",
    "weighted_max_t_pvalue",
]


def max_t_pvalue(z: np.ndarray, corr: np.ndarray, *, at: float | None = None) -> float:
    """Two-sided p-value of the largest of K correlated normal statistics: P(max |Z_i| ≥ max |z_i|).

    Parameters
    ----------
    z : ndarray (K,)
        The statistics (already on the normal scale; NaN entries are left out).
    corr : ndarray (K, K)
        Their correlation under the null hypothesis.
    at : float, optional
        The value to refer to the distribution of the largest statistic instead of max |z| (a single
        row's statistic: its max-T adjusted p-value within the family).

    Returns
    -------
    float
        Between the smallest single p-value and K times it (Šidák and Bonferroni bounds).

    Examples
    --------
    Independent statistics give Šidák's correction; identical ones the single p-value:

    >>> p = max_t_pvalue(np.array([2.5, 0.1]), np.eye(2))
    >>> bool(abs(p - (1 - (1 - 0.012419) ** 2)) < 1e-4)
    True
    >>> round(max_t_pvalue(np.array([2.5, 2.5]), np.ones((2, 2))), 4)
    0.0124
    """
    keep = np.isfinite(z)
    if not keep.any():
        return float("nan")
    z = np.abs(z[keep])
    corr = corr[np.ix_(keep, keep)]
    c = float(z.max()) if at is None else abs(float(at))
    single = float(2 * norm_sf(c))
    k = z.size
    if k == 1:
        return single
    upper = min(1.0, k * single)
    if upper < 1e-9:  # beyond the integrators' accuracy: between the bounds, by how independent they are
        return single * (1 + (upper / single - 1) * _independence(corr))
    p = _outside_box(np.full(k, -c), np.full(k, c), corr, fallback=upper)
    return float(min(upper, max(single, p)))


def _outside_box(lower: np.ndarray, upper: np.ndarray, corr: np.ndarray, *, fallback: float) -> float:
    """P(Z leaves the box [lower, upper]) for Z ~ N(0, corr): a fixed set of draws (the same data, the same
    p-value), refined by Genz's integration below :data:`REFINE_BELOW`, where a correction uses it.
    ``fallback`` when the correlation cannot be integrated."""
    lower, upper = np.ascontiguousarray(lower, np.float64), np.ascontiguousarray(upper, np.float64)
    corr = np.ascontiguousarray(corr, np.float64)
    key = (corr.shape[0], lower.tobytes(), upper.tobytes(), corr.tobytes())
    if key in _box_cache:  # a family's p-value and its strongest row's ask for the same box
        return _box_cache[key]
    p = _share_outside(lower, upper, corr)
    if p < REFINE_BELOW:
        try:
            p = 1.0 - mvn_box(lower, upper, corr, tolerance=REFINE_TOLERANCE, max_points=_MAX_POINTS).probability
        except ParameterError:  # NaN or infinite correlations
            p = fallback
    if len(_box_cache) >= _CACHED:
        _box_cache.clear()
    _box_cache[key] = p
    return p


def _share_outside(lower: np.ndarray, upper: np.ndarray, corr: np.ndarray) -> float:
    """The share of the fixed draws with correlation ``corr`` that leave the box [lower, upper]."""
    columns = _projected(corr)  # (k, draws): one contiguous row per statistic
    outside = (columns[0] > upper[0]) | (columns[0] < lower[0])
    for j in range(1, columns.shape[0]):
        outside |= columns[j] > upper[j]
        outside |= columns[j] < lower[j]
    return float(np.count_nonzero(outside) / MC_DRAWS)


MC_DRAWS = 20_000
"""Normal draws a max-T p-value is first estimated from (fixed: the same data give the same p-value)."""
REFINE_BELOW = 0.06
"""Estimates below this are refined by Genz's integration (:func:`spasmlog.stats.mvn.mvn_box`)."""
REFINE_TOLERANCE = 1e-5
"""Absolute error allowed to the refined probabilities (three standard errors of Genz's estimate). Reached
with a few thousand points a shift for a family of 2–4 statistics (about 10 ms); a larger or more
correlated family may stop at :data:`_MAX_POINTS` evaluations with the error reached then: for
equicorrelated statistics (0.5–0.95) at ±2.8, about 1e-5 for 8 statistics (0.2–0.4 s) and 5e-5 for 16 (1 s)."""
_MAX_POINTS = 400_000
_CACHED = 64
_draw_cache: dict[int, np.ndarray] = {}
_rows_cache: dict[int, np.ndarray] = {}
_projected_cache: dict[tuple[int, bytes], np.ndarray] = {}
_box_cache: dict[tuple[int, bytes, bytes, bytes], float] = {}


def normal_draws(k: int) -> np.ndarray:
    """The fixed standard normal draws (:data:`MC_DRAWS` × ``k``) the max-T p-values are estimated from.

    Examples
    --------
    >>> normal_draws(3).shape, bool((normal_draws(3) == normal_draws(3)).all())
    ((20000, 3), True)
    """
    if k not in _draw_cache:
        _draw_cache[k] = np.random.default_rng(20261203).standard_normal((MC_DRAWS, k))
    return _draw_cache[k]


def correlation_root(corr: np.ndarray) -> np.ndarray:
    """A square root R of a correlation matrix (R Rᵀ = corr), from its eigenvectors; negative eigenvalues
    (rounding) count as 0.

    Examples
    --------
    >>> corr = np.array([[1.0, 0.6], [0.6, 1.0]])
    >>> root = correlation_root(corr)
    >>> bool(np.allclose(root @ root.T, corr))
    True
    """
    values, vectors = np.linalg.eigh(corr)
    return np.asarray(vectors * np.sqrt(np.clip(values, 0.0, None)))


def _projected(corr: np.ndarray) -> np.ndarray:
    """The fixed draws with correlation ``corr``, one row per statistic (kept for the few correlations a
    person's families use)."""
    corr = np.ascontiguousarray(corr, np.float64)
    key = (corr.shape[0], corr.tobytes())
    if key not in _projected_cache:
        if len(_projected_cache) >= _CACHED // 4:
            _projected_cache.clear()
        k = corr.shape[0]
        if k not in _rows_cache:
            _rows_cache[k] = np.ascontiguousarray(normal_draws(k).T)
        _projected_cache[key] = correlation_root(corr) @ _rows_cache[k]  # (normal_draws(k) @ root.T).T
    return _projected_cache[key]


def _independence(corr: np.ndarray) -> float:
    """0 for perfectly correlated statistics, 1 for independent ones (for tail extrapolation)."""
    k = corr.shape[0]
    off = np.abs(corr[~np.eye(k, dtype=bool)])
    return float(1 - off.mean()) if off.size else 1.0


def weighted_max_t_pvalue(
    z: np.ndarray, corr: np.ndarray, up: np.ndarray, down: np.ndarray, *, at: int | None = None
) -> float:
    """One p-value for K correlated statistics tested in both directions with unequal weights.

    Each statistic *i* is a one-sided test upwards with weight ``up[i]`` and downwards with weight
    ``down[i]`` (the weights of all 2K one-sided tests sum to 1). The family is rejected at level α when
    some one-sided p-value is at most α × its weight (a weighted Bonferroni test); its p-value is the
    smallest such α, made exact for the correlation of the statistics:
    P(some one-sided p-value of Z ≤ t × its weight) with t = min p / weight of the data and Z ~ N(0, corr)
    (a weighted max-T test; Westfall & Krishen 2001). With equal weights 1 / (2K) this is
    :func:`max_t_pvalue`.

    Parameters
    ----------
    z : ndarray (K,)
        The statistics on the normal scale (NaN: left out, with their weights).
    corr : ndarray (K, K)
        Their correlation under the null hypothesis.
    up, down : ndarray (K,)
        Weights of the upward and downward one-sided tests (renormalised over the statistics present).
    at : int, optional
        Use only statistic ``at`` for t (its adjusted p-value within the family).

    Returns
    -------
    float

    Examples
    --------
    Equal weights give the two-sided max-T p-value; a weight of 3/4 on the observed direction lowers it:

    >>> corr = np.eye(2)
    >>> equal = weighted_max_t_pvalue(np.array([-2.5, 0.1]), corr, np.full(2, 0.25), np.full(2, 0.25))
    >>> bool(abs(equal - max_t_pvalue(np.array([-2.5, 0.1]), corr)) < 2e-4)
    True
    >>> leaning = weighted_max_t_pvalue(np.array([-2.5, 0.1]), corr, np.full(2, 0.125), np.full(2, 0.375))
    >>> bool(leaning < equal)
    True
    """
    family = _weighted_family(z, up, down, at)
    if isinstance(family, float):
        return family
    keep, lower, upper, single, t = family
    p = _outside_box(lower, upper, corr[np.ix_(keep, keep)], fallback=t)
    return float(min(t, max(single, p)))


def _weighted_family(
    z: np.ndarray, up: np.ndarray, down: np.ndarray, at: int | None
) -> float | tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """What :func:`weighted_max_t_pvalue` returns without looking at the correlation (NaN with no statistic,
    1 when t ≥ 1, t when t < 1e-9), or else the statistics kept, the box whose every one-sided p-value
    exceeds t × its weight (lower, upper), the weighted Bonferroni bound t × the largest weight, and t: the
    smallest one-sided p-value ÷ its weight (or that of statistic ``at``), weights normalised over the
    statistics kept."""
    keep = np.isfinite(z)
    if not keep.any() or (at is not None and not keep[at]):
        return float("nan")
    index = None if at is None else int(np.count_nonzero(keep[:at]))
    z = z[keep]
    up = np.asarray(up, dtype=np.float64)[keep]
    down = np.asarray(down, dtype=np.float64)[keep]
    total = up.sum() + down.sum()
    up, down = up / total, down / total
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_up = np.where(up > 0, norm_sf(z) / up, np.inf)
        ratio_down = np.where(down > 0, norm_cdf(z) / down, np.inf)
    ratios = np.minimum(ratio_up, ratio_down)
    t = float(ratios.min() if index is None else ratios[index])
    if t >= 1:
        return 1.0
    if t < 1e-9:
        return t
    upper = np.where(up > 0, norm_isf(np.clip(t * up, 1e-300, 1.0)), np.inf)
    lower = np.where(down > 0, -norm_isf(np.clip(t * down, 1e-300, 1.0)), -np.inf)
    return keep, lower, upper, float(t * max(up.max(), down.max())), t


def weighted_max_t_floor(z: np.ndarray, up: np.ndarray, down: np.ndarray, *, at: int | None = None) -> float:
    """The smallest value :func:`weighted_max_t_pvalue` can return for these arguments, whatever the
    correlation, without integrating: t times the largest weight (t itself when t < 1e-9, 1 when t ≥ 1, where
    it returns exactly these; NaN where it returns NaN).

    Examples
    --------
    >>> z, up, down = np.array([-2.5, 0.1]), np.full(2, 0.25), np.full(2, 0.25)
    >>> floor = weighted_max_t_floor(z, up, down)
    >>> bool(floor <= weighted_max_t_pvalue(z, np.eye(2), up, down)), round(floor, 4)
    (True, 0.0062)
    """
    family = _weighted_family(z, up, down, at)
    return family if isinstance(family, float) else family[3]


def weighted_max_t_estimate(
    z: np.ndarray, corr: np.ndarray, up: np.ndarray, down: np.ndarray, *, at: int | None = None
) -> tuple[float, bool]:
    """:func:`weighted_max_t_pvalue` from its fixed normal draws alone (no integration), and whether that is
    its value: it refines with Genz's integration only an estimate below :data:`REFINE_BELOW`.

    Far cheaper than the p-value when it is small; a caller that needs only to know whether a p-value can
    matter uses this first (:func:`spasmlog.caseload_summary`).

    Examples
    --------
    >>> corr = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> z, up, down = np.array([1.0, 0.3]), np.full(2, 0.25), np.full(2, 0.25)
    >>> estimate, final = weighted_max_t_estimate(z, corr, up, down)
    >>> final, estimate == weighted_max_t_pvalue(z, corr, up, down)
    (True, True)
    """
    family = _weighted_family(z, up, down, at)
    if isinstance(family, float):
        return family, True
    keep, lower, upper, single, t = family
    p = _share_outside(lower, upper, np.ascontiguousarray(corr[np.ix_(keep, keep)], np.float64))
    return float(min(t, max(single, p))), p >= REFINE_BELOW
