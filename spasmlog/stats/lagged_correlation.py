"""Correlations of lagged daily series whose tests allow for dependent days: the engine of the correlations.

Arrays in, arrays out; nothing here knows what a factor, a status or a sentence is. The questions are in
:mod:`spasmlog.analysis.correlation` (:func:`~spasmlog.correlate`, :func:`~spasmlog.within_person`,
:func:`~spasmlog.rm_corr`, :func:`~spasmlog.partial_corr`), which check the arguments, read the daily table
and say why a row is not estimated.

- One person (:func:`person_correlations`): every factor × lag at once, the (partial, given the day of the week
  and a trend) correlation and the effective number of days it rests on (Bartlett 1935; Pyper & Peterman 1998),
  from the autocorrelations of :mod:`spasmlog.stats.autocorrelation`.
- A cohort (:func:`person_sums`, :func:`pooled_estimates`, :func:`pooled_inference`): the repeated-measures
  correlation of every factor × lag (Bakdash & Marusich 2017) from per-person sums (sparse-matrix products over
  blocks of whole people, no Python loop over people), tested with a cluster-robust (CR1) sandwich with people
  as clusters or with each person's effective number of days.
- Shared pieces: :func:`correlation_p_value` (the t test of a correlation), :func:`fisher_interval` (Fisher's
  interval), :func:`column_ranks`, :func:`within_group_sums` and :func:`partial_correlation`; the trend is
  :func:`spasmlog.stats.trend.trend_columns`, the one that :func:`spasmlog.rate_ratios` fits.

Lags and autocorrelations are on the calendar: a day not logged is a gap (NaN), never filled in or closed up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import sparse, stats

from spasmlog.stats.autocorrelation import clipped_effective, pair_counts, pairwise_acf, variance_ratio
from spasmlog.stats.lags import lag_rows, shift_days
from spasmlog.stats.trend import trend_columns

__all__ = [
    "MAX_ACF_LAG",
    "RELATIVE_ZERO",
    "column_ranks",
    "correlation_inference",
    "correlation_p_value",
    "fisher_interval",
    "max_acf_lags",
    "partial_correlation",
    "person_correlations",
    "person_sums",
    "pooled_estimates",
    "pooled_inference",
    "within_group_sums",
]

Method = Literal["spearman", "pearson"]

MAX_ACF_LAG = 28
"""Autocorrelations enter the effective number of days up to lag min(days / 5, 28): four weeks, which
covers weekly rhythms; beyond it the products of small, noisy autocorrelations add noise, not information."""
RELATIVE_ZERO = 1e-12
"""A centred sum of squares this small relative to the raw one means "constant"."""
_CHUNK_ROWS = 1 << 19  # person-days per block in person_sums: whole people, bounded memory
_WEEK = 7  # weekday centring groups a person's days by their position in the log modulo 7: the day of the week


# --------------------------------------------------------------------------------------------------
# Tests and intervals of correlations
# --------------------------------------------------------------------------------------------------


def max_acf_lags(days: int | np.ndarray, autocorrelation: str) -> np.ndarray:
    """K, the largest autocorrelation lag of the effective number of days: 1 for ``"ar1"``; else
    min(days / 5, :data:`MAX_ACF_LAG`), at least 1.

    Examples
    --------
    >>> max_acf_lags(np.array([3, 60, 730]), "bartlett").tolist(), int(max_acf_lags(730, "ar1"))
    ([1, 12, 28], 1)
    """
    if autocorrelation == "ar1":
        return np.ones_like(np.asarray(days))
    return np.clip(np.asarray(days) // 5, 1, MAX_ACF_LAG)


def correlation_p_value(r: np.ndarray, dof: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Two-sided p-value of a correlation: t = r √(dof / (1 − r²)) on ``reference`` (default ``dof``) degrees
    of freedom; 0 where |r| = 1.

    Examples
    --------
    Pearson's test of r = 0.6 from 16 pairs is on 14 degrees of freedom:

    >>> round(float(correlation_p_value(np.array([0.6]), np.array([14.0]))[0]), 4)
    0.014
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(dof / np.maximum(1.0 - r * r, 0.0))
        p = 2.0 * stats.t.sf(np.abs(t), dof if reference is None else reference)
    return np.where(np.abs(r) >= 1.0, 0.0, p)


def fisher_interval(
    r: np.ndarray, se: np.ndarray, alpha: float, crit: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's interval tanh(artanh r ± crit · se), crit the normal quantile 1 − ``alpha`` / 2 unless given.

    Examples
    --------
    >>> low, high = fisher_interval(np.array([0.0]), np.array([0.1]), 0.05)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (-0.1935, 0.1935)
    """
    if crit is None:
        crit = stats.norm.ppf(1.0 - alpha / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.arctanh(np.clip(r, -1.0, 1.0))
        return np.tanh(z - crit * se), np.tanh(z + crit * se)


def correlation_inference(
    r: np.ndarray, n_effective: np.ndarray, *, method: Method, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval and p-value of correlations resting on ``n_effective`` independent days: (ci_low, ci_high,
    p_value).

    The test is on n_eff − 2 degrees of freedom (:func:`correlation_p_value`); the interval Fisher's with
    se = 1 / √(n_eff − 3), or for Spearman √((1 + r²/2) / (n_eff − 3)) (Bonett & Wright 2000); no interval
    (±1) at 3 days or fewer.

    Examples
    --------
    >>> low, high, p = correlation_inference(np.array([0.5]), np.array([28.0]), method="pearson", alpha=0.05)
    >>> round(float(low[0]), 3), round(float(high[0]), 3), round(float(p[0]), 4)
    (0.156, 0.736, 0.0067)
    """
    # var(artanh r) ≈ 1 / (n − 3) (Fisher); for Spearman (1 + r²/2) / (n − 3) (Bonett & Wright 2000)
    spread = 1.0 + r * r / 2.0 if method == "spearman" else np.ones_like(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(n_effective > 3.0, np.sqrt(spread / (n_effective - 3.0)), np.inf)
    ci_low, ci_high = fisher_interval(r, se, alpha)
    return ci_low, ci_high, correlation_p_value(r, n_effective - 2.0)


def column_ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks of each column over its recorded rows (NaN stays NaN).

    Examples
    --------
    >>> column_ranks(np.array([[3.0], [np.nan], [1.0], [3.0]]))[:, 0].tolist()
    [2.5, nan, 1.0, 2.5]
    """
    if values.shape[0] == 0:
        return values.copy()
    return np.asarray(stats.rankdata(values, axis=0, nan_policy="omit"), dtype="float64")


# --------------------------------------------------------------------------------------------------
# One person: every factor × lag
# --------------------------------------------------------------------------------------------------


def _weekday_indicator(days: int) -> np.ndarray:
    """(days × 7) indicator of each consecutive day's day of the week (counted from the first day)."""
    return (np.arange(days)[:, None] % _WEEK == np.arange(_WEEK)).astype(np.float64)


def _weekday_centred(values: np.ndarray, indicator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column minus its mean on the same day of the week (over its recorded days; NaN stays NaN),
    and the number of days of the week each column is recorded on."""
    recorded = ~np.isnan(values)
    count = indicator.T @ recorded
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, (indicator.T @ np.where(recorded, values, 0.0)) / count, 0.0)
    return np.where(recorded, values - indicator @ mean, np.nan), (count > 0).sum(axis=0)


def _adjusted_effective(n_eff: np.ndarray, n: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """The effective number of days left once ``terms`` adjustment terms (the mean, or the weekday means, and
    the trend) are fitted: ``n_eff (n − terms + 1) / n``, clipped to [min(3, n − terms + 1), n − terms + 1];
    ``n_eff`` itself where one term (the mean) or none is fitted."""
    kept = np.maximum(n - terms + 1.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.clip(n_eff * kept / n, np.minimum(3.0, kept), kept)
    return np.where(terms > 1, scaled, n_eff)


def _adjustment_design(days: int, weekday: bool, trend: int | None) -> np.ndarray:
    """(days × terms): day-of-week indicators (or an intercept) and, with ``trend`` (days per piece), the trend
    columns."""
    base = _weekday_indicator(days) if weekday else np.ones((days, 1))
    return np.column_stack([base, trend_columns(days, days_per_piece=trend)]) if trend else base


def _fitter(mask: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each column of the (days × series) ``mask``: the pseudo-inverse of the Gram matrix of ``design``
    over the masked days (series × terms × terms), and the rank of ``design`` on those days."""
    n_series, terms = mask.shape[1], design.shape[1]
    outer = (design[:, :, None] * design[:, None, :]).reshape(len(design), terms * terms)
    gram = (mask.T.astype(np.float64) @ outer).reshape(n_series, terms, terms)
    values, vectors = np.linalg.eigh(gram)
    keep = values > values.max(axis=1, keepdims=True, initial=0.0) * 1e-10
    inverse = np.where(keep, 1.0 / np.where(keep, values, 1.0), 0.0)
    return np.einsum("sij,sj,skj->sik", vectors, inverse, vectors), keep.sum(axis=1)


def _residuals(values: np.ndarray, mask: np.ndarray, design: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Least-squares residuals of each column of (days × series) ``values`` on ``design`` over its masked days
    (``inverse`` from :func:`_fitter`); 0 outside them."""
    masked = np.where(mask, values, 0.0)
    coef = np.einsum("sij,sj->si", inverse, masked.T @ design)
    return np.where(mask, masked - design @ coef.T, 0.0)


def person_correlations(
    x: np.ndarray,
    y: np.ndarray,
    lags: Sequence[int],
    *,
    method: Method,
    autocorrelation: str,
    weekday: bool,
    trend: int | None,
) -> dict[str, np.ndarray]:
    """Every factor × lag of one person's consecutive days: the correlation and the days it rests on.

    Parameters
    ----------
    x : ndarray (days, factors)
        The factors, one row per consecutive calendar day, NaN where not recorded.
    y : ndarray (days,)
        The outcome on the same days.
    lags : sequence of int
        Lag L pairs ``x`` on day t − L with ``y`` on day t.
    method : {"spearman", "pearson"}
        Ranks (over the paired days) or values.
    autocorrelation : {"bartlett", "ar1", "ignore"}
        How the effective number of days is estimated (:func:`spasmlog.stats.autocorrelation.variance_ratio`).
    weekday : bool
        Partial out day-of-week means.
    trend : int or None
        Partial out a piecewise-linear trend bending every ``trend`` days
        (:func:`~spasmlog.stats.trend.trend_columns`); None for none.

    Returns
    -------
    dict of ndarray
        One entry per factor × lag, factor-major: ``n`` (paired days), ``n_effective`` (after the adjustment
        terms), ``r`` (the partial correlation given the adjustment terms, clipped to [−1, 1]), ``groups``
        (days of the week among the paired days; 1 without ``weekday``), ``terms`` (the rank of the adjustment
        design on the paired days) and the flags ``x_constant``, ``y_constant`` (the series does not vary),
        ``x_weekly``, ``y_weekly`` (varies only with the day of the week), ``x_trend``, ``y_trend`` (only with
        the day of the week and the trend).

    Notes
    -----
    The autocorrelations are those of what the adjustment leaves of each series over its own recorded days (a
    weekly rhythm or a trend that has been removed is no dependence between days); lag k weighs as the share
    of paired days with a paired day k days later, and the effective number of days left once c adjustment
    terms are fitted is n_eff (n − c + 1) / n. :func:`spasmlog.analysis.correlation.correlate` documents the
    method and its references.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.standard_normal((60, 1))
    >>> y = 2 * x[:, 0] + rng.standard_normal(60)
    >>> out = person_correlations(x, y, [0], method="pearson", autocorrelation="ignore", weekday=False, trend=None)
    >>> int(out["n"][0]), bool(abs(out["r"][0] - np.corrcoef(x[:, 0], y)[0, 1]) < 1e-12)
    (60, True)
    """
    n_factors = x.shape[1]
    indicator = _weekday_indicator(len(y)) if weekday else None
    design = _adjustment_design(len(y), weekday, trend)
    max_lag = int(max_acf_lags(len(y), autocorrelation))
    if autocorrelation == "ignore":
        acf_x = acf_y = np.zeros((max_lag, n_factors))
    else:
        # autocorrelations of what the adjustment leaves (a weekly rhythm or a trend that has been removed is
        # no dependence between days), each series over its own recorded days
        series_x = column_ranks(x) if method == "spearman" else x
        series_y = column_ranks(y[:, None]) if method == "spearman" else y[:, None]
        recorded_x, recorded_y = ~np.isnan(series_x), ~np.isnan(series_y)
        left_x = _residuals(series_x, recorded_x, design, _fitter(recorded_x, design)[0])
        left_y = _residuals(series_y, recorded_y, design, _fitter(recorded_y, design)[0])
        acf_x = pairwise_acf(left_x, recorded_x, max_lag)
        acf_y = pairwise_acf(left_y, recorded_y, max_lag)
    keys = ("n", "n_effective", "r", "groups", "terms", "x_constant", "y_constant", "x_weekly", "y_weekly")
    out: dict[str, list[np.ndarray]] = {k: [] for k in (*keys, "x_trend", "y_trend")}
    y_recorded = ~np.isnan(y)
    for lag in lags:
        shifted = shift_days(x, lag)
        both = ~np.isnan(shifted) & y_recorded[:, None]
        n = both.sum(axis=0)
        a = np.where(both, shifted, np.nan)
        b = np.where(both, y[:, None], np.nan)
        with np.errstate(invalid="ignore"):
            x_constant = ~(np.nanmax(a, axis=0, initial=-np.inf) > np.nanmin(a, axis=0, initial=np.inf))
            y_constant = ~(np.nanmax(b, axis=0, initial=-np.inf) > np.nanmin(b, axis=0, initial=np.inf))
        if method == "spearman":
            a, b = column_ranks(a), column_ranks(b)
        with np.errstate(invalid="ignore", divide="ignore"):
            da = np.where(both, a - np.where(both, a, 0.0).sum(axis=0) / n, 0.0)
            db = np.where(both, b - np.where(both, b, 0.0).sum(axis=0) / n, 0.0)
        ssa, ssb = (da * da).sum(axis=0), (db * db).sum(axis=0)
        # the effective number of days: lag k of the autocorrelations weighs as the share of paired days
        # with a paired day k days later (N_k / n), so missing days count as gaps, not as neighbours
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(n > 0, pair_counts(both, max_lag) / n, 0.0)
        n_eff = np.asarray(
            clipped_effective(n.astype(np.float64), variance_ratio(acf_x, acf_y, weight, autocorrelation))
        )
        # the partial correlation given the adjustment terms, fitted over the paired days
        inverse, terms = _fitter(both, design)
        da = _residuals(a, both, design, inverse)
        db = _residuals(b, both, design, inverse)
        groups = np.minimum(n, 1)
        x_weekly = y_weekly = x_trend = y_trend = np.zeros(n_factors, dtype=bool)
        if indicator is not None:
            centred_a, groups = _weekday_centred(a, indicator)
            x_weekly = ~((np.nan_to_num(centred_a) ** 2).sum(axis=0) > RELATIVE_ZERO * ssa)
            y_weekly = ~((np.nan_to_num(_weekday_centred(b, indicator)[0]) ** 2).sum(axis=0) > RELATIVE_ZERO * ssb)
        if trend:
            x_trend = ~((da * da).sum(axis=0) > RELATIVE_ZERO * ssa)
            y_trend = ~((db * db).sum(axis=0) > RELATIVE_ZERO * ssb)
        n_eff = _adjusted_effective(n_eff, n.astype(np.float64), terms.astype(np.float64))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (da * db).sum(axis=0) / np.sqrt((da * da).sum(axis=0) * (db * db).sum(axis=0))
        out["n"].append(n)
        out["n_effective"].append(n_eff)
        out["r"].append(np.clip(r, -1.0, 1.0))
        out["groups"].append(groups)
        out["terms"].append(terms)
        out["x_constant"].append(x_constant)
        out["y_constant"].append(y_constant)
        out["x_weekly"].append(x_weekly)
        out["y_weekly"].append(y_weekly)
        out["x_trend"].append(x_trend)
        out["y_trend"].append(y_trend)
    # stack as (lag, factor) then read factor-major
    return {k: np.stack(v).T.ravel() for k, v in out.items()}


# --------------------------------------------------------------------------------------------------
# Repeated measures and partial correlation of independent rows
# --------------------------------------------------------------------------------------------------


def within_group_sums(x: np.ndarray, y: np.ndarray, codes: np.ndarray) -> tuple[int, int, float, float, float]:
    """Sums of the repeated-measures correlation: each group's ``x`` and ``y`` centred on the group's means.

    ``codes`` are the rows' groups (0, 1, ...; a code with no row is no group); every row is used (leave out
    rows with a value missing first). Returns (rows, groups, S_xx, S_yy, S_xy) of the centred values.

    Examples
    --------
    >>> within_group_sums(np.array([1.0, 3.0, 10.0, 14.0]), np.array([2.0, 4.0, 0.0, 4.0]), np.array([0, 0, 1, 1]))
    (4, 2, 10.0, 10.0, 10.0)
    """
    counts = np.bincount(codes)
    safe = np.maximum(counts, 1)
    dx = x - (np.bincount(codes, weights=x) / safe)[codes]
    dy = y - (np.bincount(codes, weights=y) / safe)[codes]
    return len(x), int((counts > 0).sum()), float(dx @ dx), float(dy @ dy), float(dx @ dy)


def partial_correlation(table: np.ndarray, *, method: Method) -> float:
    """The correlation of the first two columns of ``table`` given the others (rows complete), as R ``ppcor``:
    the correlation of their least-squares residuals on an intercept and the other columns (all ranked first
    for ``"spearman"``).

    Examples
    --------
    >>> z = np.arange(8.0)
    >>> table = np.column_stack([z + [1, -1, 1, -1, 1, -1, 1, -1], z + [1, -1, 1, -1, -1, 1, -1, 1], z])
    >>> round(partial_correlation(table, method="pearson"), 12)
    0.0
    """
    n = table.shape[0]
    if method == "spearman":
        table = column_ranks(table)
    design = np.column_stack([np.ones(n), table[:, 2:]])
    coef, *_ = np.linalg.lstsq(design, table[:, :2], rcond=None)
    residual = table[:, :2] - design @ coef
    residual -= residual.mean(axis=0)
    sxx, syy = residual[:, 0] @ residual[:, 0], residual[:, 1] @ residual[:, 1]
    return float(np.clip(residual[:, 0] @ residual[:, 1] / np.sqrt(sxx * syy), -1.0, 1.0))


# --------------------------------------------------------------------------------------------------
# A cohort: repeated-measures correlation of every factor × lag, vectorised
# --------------------------------------------------------------------------------------------------


def _block_sums(bounds: np.ndarray, weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-block weighted column sums ``Σ_t w_t values[t, :]`` for contiguous row blocks, as one sparse product."""
    m = values.shape[0]
    matrix = sparse.csr_matrix((weights, np.arange(m), bounds), shape=(len(bounds) - 1, m))
    return np.asarray(matrix @ values)


def _group_sums(order: np.ndarray, indptr: np.ndarray, weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-group weighted column sums for rows ``order[indptr[g]:indptr[g + 1]]`` of group g (one sparse product)."""
    matrix = sparse.csr_matrix((weights[order], order, indptr), shape=(len(indptr) - 1, values.shape[0]))
    return np.asarray(matrix @ values)


def _chunk(
    x: np.ndarray, y: np.ndarray, bounds: np.ndarray, lags: list[int], autocorrelation: str, weekday: bool
) -> dict[str, np.ndarray]:
    """Per-person sums for one block of whole people: arrays shaped (people, lags, factors).

    The centring groups are the people or, with ``weekday``, person × day of the week (group
    7 × person + position mod 7). For the sums over pairs the rows are then sorted by group, which keeps
    each person's rows within the person's block, so that every group sum and person sum is one sparse
    product over contiguous rows.
    """
    m, n_factors = x.shape
    n_people = len(bounds) - 1
    lengths = np.diff(bounds)
    person = np.repeat(np.arange(n_people), lengths)
    position = np.arange(m) - bounds[:-1][person]
    ones = np.ones(m)
    if weekday:
        group = person * _WEEK + position % _WEEK
        order = np.argsort(group, kind="stable")  # rows of each group in date order
        indptr = np.zeros(_WEEK * n_people + 1, dtype=np.int64)
        np.cumsum(np.bincount(group, minlength=_WEEK * n_people), out=indptr[1:])
    else:
        group, order, indptr = person, np.arange(m), bounds

    def fold(values: np.ndarray) -> np.ndarray:
        """Group sums added up to person sums."""
        return values.reshape(n_people, _WEEK, *values.shape[1:]).sum(axis=1) if weekday else values

    recorded = ~np.isnan(x)
    recorded_f = recorded.astype(np.float64)
    count_x = _group_sums(order, indptr, ones, recorded_f)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = np.where(count_x > 0, _group_sums(order, indptr, ones, np.where(recorded, x, 0.0)) / count_x, 0.0)
    a = np.where(recorded, x - mean_x[group], 0.0)  # centred on the group's own mean: no cancellation
    a2 = a * a

    y_recorded = ~np.isnan(y)
    y_count = np.bincount(group, weights=y_recorded, minlength=len(indptr) - 1)
    y_sum = np.bincount(group, weights=np.where(y_recorded, y, 0.0), minlength=len(indptr) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = np.where(y_count > 0, y_sum / y_count, 0.0)
    b = np.where(y_recorded, y - y_mean[group], 0.0)

    ahead_rows = [lag_rows(person, position, -lag) for lag in lags]  # the same person's row `lag` days later
    ratio = np.ones((n_people, len(lags), n_factors))
    if autocorrelation != "ignore":
        # autocorrelations of each person's series over the pairs of their recorded days (as acf), and the
        # pairs of each lag's paired days (N_k, as person_correlations weighs lag k), lag by lag, all factors
        max_lag = max_acf_lags(lengths, autocorrelation)
        outcome_ahead = np.zeros((len(lags), m))  # the outcome is recorded `lag` days later, same person
        for j, rows in enumerate(ahead_rows):
            outcome_ahead[j] = np.where(rows >= 0, y_recorded[np.maximum(rows, 0)], 0.0)
        paired_n = np.stack([_block_sums(bounds, outcome_ahead[j], recorded_f) for j in range(len(lags))], axis=1)
        a32 = a.astype(np.float32)  # products of autocorrelations need no more digits: half the memory traffic
        rec32 = recorded.astype(np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            var_x = _block_sums(bounds, ones, a2) / _block_sums(bounds, ones, recorded_f)
            var_y = np.bincount(person, weights=b * b, minlength=n_people) / np.bincount(
                person, weights=y_recorded.astype(np.float64), minlength=n_people
            )
        total = np.zeros((n_people, len(lags), n_factors))
        for k in range(1, min(int(max_lag.max(initial=0)), m - 1) + 1):
            same = (person[k:] == person[:-k]).astype(np.float32)
            trimmed = np.minimum(bounds, m - k)
            lagged_x = _block_sums(trimmed, same, a32[:-k] * a32[k:])
            both_recorded = rec32[:-k] * rec32[k:]
            pairs_x = _block_sums(trimmed, same, both_recorded)
            lagged_y = np.bincount(person[:-k], weights=same * b[:-k] * b[k:], minlength=n_people)
            pairs_y = np.bincount(person[:-k], weights=same * y_recorded[:-k] * y_recorded[k:], minlength=n_people)
            with np.errstate(invalid="ignore", divide="ignore"):
                rho_x = np.clip(np.where((pairs_x > 0) & (var_x > 0), lagged_x / pairs_x / var_x, 0.0), -1.0, 1.0)
                rho_y = np.clip(np.where((pairs_y > 0) & (var_y > 0), lagged_y / pairs_y / var_y, 0.0), -1.0, 1.0)
            product = rho_x * rho_y[:, None]
            if autocorrelation == "ar1":
                p = np.clip(product, -1 + 1e-12, 1.0)
                with np.errstate(divide="ignore"):
                    ratio[:] = ((1 + p) / (1 - p))[:, None, :]
                continue
            for j in range(len(lags)):
                ahead = outcome_ahead[j]
                pairs = _block_sums(trimmed, same * ahead[:-k] * ahead[k:], both_recorded)
                with np.errstate(invalid="ignore", divide="ignore"):
                    weight = np.where((k <= max_lag)[:, None] & (paired_n[:, j] > 0), pairs / paired_n[:, j], 0.0)
                total[:, j] += weight * product
        if autocorrelation == "bartlett":
            ratio = 1.0 + 2.0 * total
        del a32, rec32

    if weekday:
        # rows sorted by person × weekday (each person's rows stay within the person's block): the group sums
        # below are then contiguous blocks, as fast as the person sums
        del a2  # one cohort-sized array at a time
        a = a[order]
        a2 = a * a
        recorded_f = recorded_f[order]
    keys = ("n", "groups", "ssx", "ssy", "ssxy", "sxx_raw")
    out = {key: np.empty((n_people, len(lags), n_factors)) for key in keys}
    for j, rows in enumerate(ahead_rows):
        # pair the factor on day s with the outcome on day s + lag of the same person
        v = np.where(rows >= 0, y_recorded[np.maximum(rows, 0)], 0.0)
        w = np.where(rows >= 0, b[np.maximum(rows, 0)], 0.0)
        if weekday:
            v, w = v[order], w[order]
        # each group's sums over its pairs: SS = Σ_t a_t² − (Σ_t a_t)² / n within each group
        n = _block_sums(indptr, v, recorded_f)
        sx = _block_sums(indptr, v, a)
        sy = _block_sums(indptr, w, recorded_f)
        sxx = _block_sums(bounds, v, a2)  # person sums
        sxy = _block_sums(bounds, w, a)
        syy = _block_sums(bounds, w * w, recorded_f)
        with np.errstate(invalid="ignore", divide="ignore"):
            inverse = np.where(n > 0, 1.0 / n, 0.0)
        out["n"][:, j] = fold(n)
        out["groups"][:, j] = fold((n > 0).astype(np.float64))
        out["ssx"][:, j] = np.maximum(sxx - fold(sx * sx * inverse), 0.0)
        out["ssy"][:, j] = np.maximum(syy - fold(sy * sy * inverse), 0.0)
        out["ssxy"][:, j] = sxy - fold(sx * sy * inverse)
        out["sxx_raw"][:, j] = sxx
    out["ratio"] = ratio
    return out


def person_sums(
    columns: Sequence[np.ndarray],
    y: np.ndarray,
    bounds: np.ndarray,
    lags: list[int],
    *,
    autocorrelation: str,
    weekday: bool,
) -> dict[str, np.ndarray]:
    """Each person's sums of the repeated-measures correlation of every factor × lag, shaped (people, lags,
    factors).

    Parameters
    ----------
    columns : sequence of ndarray (rows,)
        The factors, each over every person's consecutive calendar days (NaN where not recorded).
    y : ndarray (rows,)
        The outcome on the same rows.
    bounds : ndarray (people + 1,)
        Row boundaries of each person's block (0 first, the number of rows last).
    lags : list of int
        Lag L pairs a factor on day t − L with the outcome on day t of the same person.
    autocorrelation : {"bartlett", "ar1", "ignore"}
        How each person's variance ratio (independent days over dependent ones) is estimated.
    weekday : bool
        Centre on each person's means for each day of the week (person × weekday groups) instead of the
        person's means.

    Returns
    -------
    dict of ndarray
        ``n`` (paired days), ``groups`` (centring groups with a pair), ``ssx``, ``ssy``, ``ssxy`` (centred sums
        of squares and products over the pairs), ``sxx_raw`` (Σ a² before the groups' means are taken out over
        the pairs: the scale "constant" is judged against) and ``ratio`` (the variance inflation of the
        person's correlation due to dependent days, 1 for ``"ignore"``).

    Notes
    -----
    People are handled in blocks of whole people (about 2¹⁹ rows each: bounded memory); lags are row shifts
    masked at each person's last days; every per-person sum for all factors at once is one sparse-matrix
    product of the (people × days) block indicator, weighted by the outcome, with the (days × factors) matrix.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 4.0, 0.0, 1.0, 5.0])
    >>> y = np.array([1.0, 3.0, 2.0, 2.0, 2.0, 5.0])
    >>> sums = person_sums([x], y, np.array([0, 3, 6]), [0], autocorrelation="ignore", weekday=False)
    >>> sums["ssxy"][:, 0, 0].round(3).tolist(), sums["n"][:, 0, 0].tolist()
    ([1.0, 9.0], [3.0, 3.0])
    """
    parts: list[dict[str, np.ndarray]] = []
    first = 0
    while first < len(bounds) - 1:
        # whole people, about _CHUNK_ROWS rows per block (at least one person)
        last = int(np.searchsorted(bounds, bounds[first] + _CHUNK_ROWS, side="right")) - 1
        last = min(max(last, first + 1), len(bounds) - 1)
        start, stop = int(bounds[first]), int(bounds[last])
        x = np.empty((stop - start, len(columns)))
        for i, column in enumerate(columns):
            x[:, i] = column[start:stop]
        parts.append(_chunk(x, y[start:stop], bounds[first : last + 1] - start, lags, autocorrelation, weekday))
        first = last
    shape = (0, len(lags), len(columns))
    return {
        key: np.concatenate([p[key] for p in parts]) if parts else np.zeros(shape)
        for key in ("n", "groups", "ssx", "ssy", "ssxy", "sxx_raw", "ratio")
    }


def pooled_estimates(per: dict[str, np.ndarray], *, autocorrelation: str, min_days: int) -> dict[str, np.ndarray]:
    """The cohort's repeated-measures correlation of every factor × lag, from :func:`person_sums`, and each
    person's own correlation and test: arrays shaped (lags, factors), or (people, lags, factors) for the
    ``person_*`` entries.

    Parameters
    ----------
    per : dict of ndarray
        :func:`person_sums`.
    autocorrelation : {"cluster", "bartlett", "ar1", "ignore"}
        ``cluster``: the cluster-robust (CR1) sandwich variance of the common slope with people as clusters
        (each person's own test then uses ``per["ratio"]``, from ``"bartlett"``); otherwise the pooled variance
        inflation of the people's variance ratios (at least 1).
    min_days : int
        Fewest paired days for a person's own correlation to be estimated.

    Returns
    -------
    dict of ndarray
        ``n``, ``subjects`` (people with a pair), ``groups`` (centring groups with a pair), ``dof``
        (n − groups − 1), ``clusters`` (people whose factor varies), ``ssy``, ``r`` (pooled, clipped to
        [−1, 1]), ``dof_effective`` (dof over the variance inflation), ``reference`` (degrees of freedom of the
        test: clusters − 1 with ``cluster``, else ``dof_effective``), ``se_z`` (``cluster`` only: the
        delta-method standard error of artanh r), and ``person_r``, ``person_estimated``, ``person_p_value``.

    Notes
    -----
    :func:`spasmlog.analysis.correlation.within_person` gives the formulas and their references.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 4.0, 0.0, 1.0, 5.0])
    >>> y = np.array([1.0, 3.0, 2.0, 2.0, 2.0, 5.0])
    >>> per = person_sums([x], y, np.array([0, 3, 6]), [0], autocorrelation="ignore", weekday=False)
    >>> est = pooled_estimates(per, autocorrelation="ignore", min_days=3)
    >>> round(float(est["r"][0, 0]), 4), int(est["dof"][0, 0]), est["person_estimated"][:, 0, 0].tolist()
    (0.8183, 3, [True, True])
    """
    n_p, groups_p, ssx_p, ssy_p, ssxy_p = per["n"], per["groups"], per["ssx"], per["ssy"], per["ssxy"]
    n = n_p.sum(axis=0)
    subjects = (n_p > 0).sum(axis=0)
    dof = n - groups_p.sum(axis=0) - 1  # one mean per person (× weekday) with a pair
    ssx, ssy, ssxy = ssx_p.sum(axis=0), ssy_p.sum(axis=0), ssxy_p.sum(axis=0)
    x_varies = ssx_p > RELATIVE_ZERO * per["sxx_raw"]
    clusters = x_varies.sum(axis=0)  # people who carry information on the factor
    n_eff_p = np.asarray(clipped_effective(n_p, per["ratio"]))
    se_z = np.full(n.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.clip(ssxy / np.sqrt(ssx * ssy), -1.0, 1.0)
        if autocorrelation == "cluster":
            # sandwich variance of the common within-person slope, people as clusters (CR1)
            slope = ssxy / ssx
            score = ssxy_p - slope * ssx_p
            robust = (score * score).sum(axis=0) / (ssx * ssx) * clusters / (clusters - 1)
            naive = ssy * (1.0 - r * r) / (dof * ssx)
            # an estimate with its own uncertainty, carried by the t reference on clusters − 1 df: not clipped
            ratio = np.where(robust > 0, robust / naive, np.inf)
            # the interval: r's own influence per person, r (S_xy,p / S_xy − S_xx,p / 2 S_xx − S_yy,p / 2 S_yy),
            # with the same clusters, CR1 factor and t reference (delta method on artanh r)
            influence = r * (ssxy_p / ssxy - 0.5 * ssx_p / ssx - 0.5 * ssy_p / ssy)
            robust_r = (influence * influence).sum(axis=0) * clusters / (clusters - 1)
            se_z = np.sqrt(robust_r) / (1.0 - r * r)
            # r = 0 exactly: the influence is S_xy,p / √(S_xx S_yy), as the slope's score on the r scale
            se_z = np.where(
                r == 0, np.sqrt((ssxy_p * ssxy_p).sum(axis=0) / (ssx * ssy) * clusters / (clusters - 1)), se_z
            )
        else:
            weight = ssx_p * ssy_p
            naive = np.where(n_p > 0, weight / n_p, 0.0).sum(axis=0)
            ratio = np.where(n_p > 0, weight / n_eff_p, 0.0).sum(axis=0) / naive
            ratio = np.where(np.isfinite(ratio), np.maximum(ratio, 1.0), 1.0)  # never more than independent days
    dof_effective = dof / ratio
    reference = (clusters - 1.0) if autocorrelation == "cluster" else dof_effective

    # each person on their own
    with np.errstate(invalid="ignore", divide="ignore"):
        r_p = ssxy_p / np.sqrt(ssx_p * ssy_p)
    estimated = (n_p >= min_days) & (n_p - groups_p >= 2) & x_varies & (ssy_p > 0) & np.isfinite(r_p)
    n_eff_own = _adjusted_effective(n_eff_p, n_p, groups_p)  # as person_correlations has it
    p_p = correlation_p_value(np.where(estimated, r_p, 0.0), np.maximum(n_eff_own - 2.0, 1.0))
    return {
        "n": n,
        "subjects": subjects,
        "groups": groups_p.sum(axis=0),
        "dof": dof,
        "clusters": clusters,
        "ssy": ssy,
        "r": r,
        "dof_effective": dof_effective,
        "reference": reference,
        "se_z": se_z,
        "person_r": r_p,
        "person_estimated": estimated,
        "person_p_value": p_p,
    }


def pooled_inference(
    estimates: dict[str, np.ndarray], ok: np.ndarray, *, autocorrelation: str, alpha: float
) -> dict[str, np.ndarray]:
    """Intervals, p-values and counts of people for the rows ``ok`` of :func:`pooled_estimates` (NaN, or 0
    people, elsewhere): arrays shaped (lags, factors).

    Returns ``r``, ``dof_effective``, ``ci_low``, ``ci_high``, ``p_value``, ``people_estimated``,
    ``people_same_direction`` (estimated, with a correlation of the sign of ``r``) and ``people_significant``
    (of those, with a p-value below ``alpha``). With ``cluster`` the interval is
    tanh(artanh r ± t(clusters − 1) se_z); otherwise Fisher's with se = 1 / √(dof_effective − 1) and the
    normal quantile.

    Examples
    --------
    Two people of four days; ignoring autocorrelation, the p-value is the ANCOVA's (``y ~ person + x``):

    >>> sums = person_sums(
    ...     [np.array([0.0, 1, 2, 3, 0, 2, 4, 6])],
    ...     np.array([1.0, 0, 3, 2, 2, 1, 5, 4]),
    ...     np.array([0, 4, 8]),
    ...     [0],
    ...     autocorrelation="ignore",
    ...     weekday=False,
    ... )
    >>> estimates = pooled_estimates(sums, autocorrelation="ignore", min_days=3)
    >>> out = pooled_inference(estimates, np.array([[True]]), autocorrelation="ignore", alpha=0.05)
    >>> [round(float(out[key][0, 0]), 4) for key in ("r", "ci_low", "ci_high", "p_value")]
    [0.6713, -0.1653, 0.9461, 0.0987]
    """
    r = np.where(ok, estimates["r"], np.nan)
    dof_effective = np.where(ok, estimates["dof_effective"], np.nan)
    reference = np.where(ok, estimates["reference"], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(dof_effective > 1.0, 1.0 / np.sqrt(dof_effective - 1.0), np.inf)
    if autocorrelation == "cluster":
        se = np.where(ok, estimates["se_z"], np.nan)
    crit = stats.t.ppf(1.0 - alpha / 2.0, reference) if autocorrelation == "cluster" else None
    ci_low, ci_high = fisher_interval(r, se, alpha, crit)
    estimated, r_p = estimates["person_estimated"], estimates["person_r"]
    same = estimated & (np.sign(r_p) == np.sign(estimates["r"])) & (r_p != 0)
    return {
        "r": r,
        "dof_effective": dof_effective,
        "ci_low": np.where(ok, ci_low, np.nan),
        "ci_high": np.where(ok, ci_high, np.nan),
        "p_value": np.where(ok, correlation_p_value(r, dof_effective, reference), np.nan),
        "people_estimated": estimated.sum(axis=0),
        "people_same_direction": (same & ok).sum(axis=0),
        "people_significant": (same & ok & (estimates["person_p_value"] < alpha)).sum(axis=0),
    }
