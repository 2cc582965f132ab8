"""Correlations that say how sure they are: one person's factors and lags, and within-person cohorts.

Three questions, three functions:

- :func:`correlate`: for one person (or each person of a caseload), which factors on day t − lag go with
  more or fewer spasms on day t. Daily series are autocorrelated, so each p-value and interval rests on an
  effective number of days, not on the raw count.
- :func:`rm_corr`: the repeated-measures correlation of Bakdash & Marusich (2017), the within-subject
  association shared by several subjects (as R ``rmcorr`` computes it).
- :func:`within_person`: :func:`rm_corr` for every factor × lag of a cohort at once, with the dependence
  between a person's days allowed for, and how many people individually go the same way.

:func:`partial_corr` gives the (Pearson or Spearman) partial correlation of two columns given others;
:func:`~spasmlog.stats.autocorrelation.acf` and :func:`~spasmlog.stats.autocorrelation.effective_sample_size`
(the engines of :mod:`spasmlog.stats.autocorrelation`, importable from here as before) the autocorrelation
with missing days and the effective number of independent days of two autocorrelated series.
Both :func:`correlate` and :func:`within_person` allow for weekly rhythms by default (``weekday=True``):
each person's series are centred on their own means for each day of the week, so that factors that merely
change at weekends, as spasms may for other reasons, are not reported as associated; :func:`correlate`
also allows for a smooth time trend by default (``trend=True``, as :func:`spasmlog.analysis.rates.rate_ratios`).
Lags and autocorrelations are on the calendar: a day not logged is a gap, never filled in or closed up.
Everything is vectorised: across factors and lags with array operations, and across the people of a
cohort with sorted arrays and sparse matrix products (no Python loop over people).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._person_days import DAYS_PER_TREND_PIECE
from spasmlog.analysis.daily import association_factors
from spasmlog.analysis.decision import decide_rows, with_hypotheses
from spasmlog.analysis.multicomp import ADJUST_METHODS, Adjust, adjust_pvalues
from spasmlog.stats.autocorrelation import (
    acf,
    clipped_effective,
    effective_sample_size,
    pair_counts,
    pairwise_acf,
    variance_ratio,
)
from spasmlog.stats.lags import lag_rows, shift_days

__all__ = [
    "CORRELATE_COLUMNS",
    "MAX_ACF_LAG",
    "WITHIN_PERSON_COLUMNS",
    "acf",
    "correlate",
    "effective_sample_size",
    "partial_corr",
    "rm_corr",
    "within_person",
]

Method = Literal["spearman", "pearson"]
Autocorrelation = Literal["bartlett", "ar1", "ignore"]
CohortAutocorrelation = Literal["cluster", "bartlett", "ar1", "ignore"]
_AUTOCORRELATION = ("bartlett", "ar1", "ignore")

CORRELATE_COLUMNS = ["factor", "lag", "n", "n_effective", "r", "ci_low", "ci_high", "p_value", "p_adjusted", "status"]
"""The columns of :func:`correlate` (with ``person_id`` first when ``person="person_id"``)."""

WITHIN_PERSON_COLUMNS = [
    "factor",
    "lag",
    "n",
    "subjects",
    "dof",
    "dof_effective",
    "r",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "people_estimated",
    "people_same_direction",
    "people_significant",
    "status",
]
"""The columns of :func:`within_person`."""

MAX_ACF_LAG = 28
"""Autocorrelations enter the effective number of days up to lag min(days / 5, 28): four weeks, which
covers weekly rhythms; beyond it the products of small, noisy autocorrelations add noise, not information."""
_CHUNK_ROWS = 1 << 19  # person-days per block in within_person: whole people, bounded memory
_RELATIVE_ZERO = 1e-12  # a centred sum of squares this small relative to the raw one means "constant"
_WEEK = 7  # weekday centring groups a person's days by their position in the log modulo 7: the day of the week


# --------------------------------------------------------------------------------------------------
# The daily table: each person's rows, one per calendar day
# --------------------------------------------------------------------------------------------------


def _as_float(column: pd.Series) -> np.ndarray:
    """A numeric or yes/no column as float64, missing as NaN."""
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _person_bounds(daily: pd.DataFrame, function: str) -> tuple[np.ndarray, np.ndarray]:
    """Row boundaries of each person's block and the person ids, checking one row per calendar day.

    Lags are row shifts, so each person's rows must be contiguous and, where a ``date`` column exists,
    consecutive calendar days, as :func:`spasmlog.analysis.daily.daily_table` returns them.
    """
    n = len(daily)
    if "person_id" in daily.columns and n:
        codes, ids = pd.factorize(daily["person_id"], use_na_sentinel=True)
        if (codes < 0).any():
            _checks.refuse(
                f"{function} needs a `person_id` on every row of `daily`; some are missing.",
                function,
                "daily",
                "a missing person_id",
                "a person_id on every row",
            )
        new = np.ones(n, dtype=bool)
        new[1:] = codes[1:] != codes[:-1]
        starts = np.flatnonzero(new)
        if len(starts) != len(ids):
            _checks.refuse(
                f"{function} needs each person's days together and in date order, as daily_table returns them. "
                "Sort `daily` by person_id and date.",
                function,
                "daily",
                "people's rows interleaved",
                "each person's days together, in date order",
            )
        people = np.asarray(ids, dtype=object)
    else:
        starts = np.zeros(1 if n else 0, dtype=np.int64)
        people = np.array([None] * len(starts), dtype=object)
    bounds = np.append(starts, n).astype(np.int64)
    if "date" in daily.columns and n > 1:
        dates = pd.to_datetime(daily["date"]).to_numpy(dtype="datetime64[D]")
        step = np.diff(dates).astype(np.int64)
        within = np.ones(n - 1, dtype=bool)
        within[bounds[1:-1] - 1] = False  # the step from one person's last day to the next one's first
        bad = np.flatnonzero(within & (step != 1))
        if len(bad):
            row = int(bad[0])
            _checks.refuse(
                f"{function} needs one row per calendar day for each person, in date order, so that a lag is a "
                f"number of days (use daily_table, which fills in the days not logged). Rows {row} and {row + 1} "
                f"of `daily` are {int(step[row])} day(s) apart.",
                function,
                "daily",
                f"rows {row} and {row + 1} {int(step[row])} day(s) apart",
                "one row per calendar day for each person, in date order",
            )
    return bounds, people


# --------------------------------------------------------------------------------------------------
# Tests on the effective number of days (its engine: spasmlog.stats.autocorrelation)
# --------------------------------------------------------------------------------------------------


def _max_lag(days: int | np.ndarray, autocorrelation: str) -> np.ndarray:
    """K: lag 1 only for ``ar1``; else min(days / 5, :data:`MAX_ACF_LAG`), at least 1."""
    if autocorrelation == "ar1":
        return np.ones_like(np.asarray(days))
    return np.clip(np.asarray(days) // 5, 1, MAX_ACF_LAG)


def _t_test_p(r: np.ndarray, dof: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Two-sided p-value of a correlation: t = r √(dof / (1 − r²)) on ``reference`` (default ``dof``) df."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(dof / np.maximum(1.0 - r * r, 0.0))
        p = 2.0 * stats.t.sf(np.abs(t), dof if reference is None else reference)
    return np.where(np.abs(r) >= 1.0, 0.0, p)


def _fisher_ci(
    r: np.ndarray, se: np.ndarray, alpha: float, crit: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """tanh(artanh r ± crit · se), crit the normal quantile unless given."""
    if crit is None:
        crit = stats.norm.ppf(1.0 - alpha / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.arctanh(np.clip(r, -1.0, 1.0))
        return np.tanh(z - crit * se), np.tanh(z + crit * se)


# --------------------------------------------------------------------------------------------------
# correlate: one person, every factor × lag
# --------------------------------------------------------------------------------------------------


def _rank(values: np.ndarray) -> np.ndarray:
    """Average ranks of each column over its recorded rows (NaN stays NaN)."""
    if values.shape[0] == 0:
        return values.copy()
    return np.asarray(stats.rankdata(values, axis=0, nan_policy="omit"), dtype="float64")


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


def _trend_columns(days: int) -> np.ndarray:
    """(days × pieces) piecewise-linear trend of :func:`spasmlog.analysis.rates.rate_ratios`: position
    t/(T − 1) and hinges (t/(T − 1) − k/pieces)+ for k = 1 … pieces − 1, with pieces = round(T/91) ≥ 1."""
    if days < 2:
        return np.empty((days, 0))
    position = np.arange(days) / (days - 1)
    pieces = max(1, round(days / DAYS_PER_TREND_PIECE))
    return np.column_stack([position, *(np.clip(position - k / pieces, 0.0, None) for k in range(1, pieces))])


def _adjustment_design(days: int, weekday: bool, trend: bool) -> np.ndarray:
    """(days × terms): day-of-week indicators (or an intercept) and, with ``trend``, the trend columns."""
    base = _weekday_indicator(days) if weekday else np.ones((days, 1))
    return np.column_stack([base, _trend_columns(days)]) if trend else base


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


def _one_person(
    x: np.ndarray,
    y: np.ndarray,
    lags: list[int],
    method: Method,
    alpha: float,
    min_days: int,
    autocorrelation: Autocorrelation,
    weekday: bool,
    trend: bool,
) -> dict[str, np.ndarray]:
    """Every factor × lag for one person's consecutive days: arrays in factor-major, lag-minor order."""
    n_factors = x.shape[1]
    indicator = _weekday_indicator(len(y)) if weekday else None
    design = _adjustment_design(len(y), weekday, trend)
    max_lag = int(_max_lag(len(y), autocorrelation))
    if autocorrelation == "ignore":
        acf_x = acf_y = np.zeros((max_lag, n_factors))
    else:
        # autocorrelations of what the adjustment leaves (a weekly rhythm or a trend that has been removed is
        # no dependence between days), each series over its own recorded days
        series_x = _rank(x) if method == "spearman" else x
        series_y = _rank(y[:, None]) if method == "spearman" else y[:, None]
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
            a, b = _rank(a), _rank(b)
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
            x_weekly = ~((np.nan_to_num(centred_a) ** 2).sum(axis=0) > _RELATIVE_ZERO * ssa)
            y_weekly = ~((np.nan_to_num(_weekday_centred(b, indicator)[0]) ** 2).sum(axis=0) > _RELATIVE_ZERO * ssb)
        if trend:
            x_trend = ~((da * da).sum(axis=0) > _RELATIVE_ZERO * ssa)
            y_trend = ~((db * db).sum(axis=0) > _RELATIVE_ZERO * ssb)
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
    result = {k: np.stack(v).T.ravel() for k, v in out.items()}
    n_all, n_eff, r = result["n"], result["n_effective"], result["r"]
    status = np.full(n_all.shape, "ok", dtype=object)
    with_trend = "the day of the week and the time trend" if weekday else "the time trend"
    status[result["y_trend"]] = f"outcome changes only with {with_trend}"
    status[result["y_weekly"]] = "outcome changes only with the day of the week"
    status[result["y_constant"]] = "outcome constant"
    status[result["x_trend"]] = f"factor changes only with {with_trend}"
    status[result["x_weekly"]] = "factor changes only with the day of the week"
    status[result["x_constant"]] = "factor constant"
    terms_all = result["terms"]
    short = n_all - terms_all < 2  # the adjustment leaves fewer than 1 degree of freedom
    status[short] = [
        f"too few days ({int(k)} for {int(c)} terms of {with_trend})"
        for k, c in zip(n_all[short], terms_all[short], strict=True)
    ]
    weeks = n_all - result["groups"] < 2  # weekday means leave fewer than 1 degree of freedom
    status[weeks] = [
        f"too few days ({int(k)} on {int(g)} days of the week)"
        for k, g in zip(n_all[weeks], result["groups"][weeks], strict=True)
    ]
    few = n_all < min_days
    status[few] = [f"too few days ({int(k)} < {min_days})" for k in n_all[few]]
    ok = status == "ok"
    r = np.where(ok, r, np.nan)
    n_eff = np.where(ok, n_eff, np.nan)
    # var(artanh r) ≈ 1 / (n − 3) (Fisher); for Spearman (1 + r²/2) / (n − 3) (Bonett & Wright 2000)
    spread = 1.0 + r * r / 2.0 if method == "spearman" else np.ones_like(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(n_eff > 3.0, np.sqrt(spread / (n_eff - 3.0)), np.inf)
    ci_low, ci_high = _fisher_ci(r, se, alpha)
    return {
        "n": n_all.astype(np.int64),
        "n_effective": n_eff,
        "r": r,
        "ci_low": np.where(ok, ci_low, np.nan),
        "ci_high": np.where(ok, ci_high, np.nan),
        "p_value": np.where(ok, _t_test_p(r, n_eff - 2.0), np.nan),
        "status": status,
    }


def correlate(
    daily: pd.DataFrame,
    *,
    outcome: str = "spasm_count",
    factors: Sequence[str] | None = None,
    lags: Sequence[int] = (0, 1, 2, 3),
    method: Method = "spearman",
    alpha: float = 0.05,
    adjust: Adjust = "fdr_bh",
    person: str | None = None,
    min_days: int = 14,
    autocorrelation: Autocorrelation = "bartlett",
    weekday: bool = True,
    trend: bool = True,
    by: str | None = None,
) -> pd.DataFrame:
    """Correlation of each factor on day t − lag with the outcome on day t, for one person or each person.

    Parameters
    ----------
    daily : pandas.DataFrame
        A daily table (:func:`spasmlog.analysis.daily.daily_table`): one row per calendar day, sorted by
        ``person_id`` and ``date``, days not logged present with missing values.
    outcome : str
        The outcome column, ``spasm_count`` by default (``spasm_minutes``, ``max_intensity``, ...).
    factors : list of str, optional
        Factor columns (numeric or yes/no); default: every factor of the table
        (:func:`spasmlog.analysis.daily.association_factors`: interventions and duplicate intake columns left out).
    lags : sequence of int
        Lags in days: lag L pairs the factor on day t − L with the outcome on day t, within the person.
    method : {"spearman", "pearson"}
        Rank (Spearman, the default: robust to skewed counts and outliers) or linear (Pearson) correlation.
    alpha : float
        The intervals are 100 × (1 − ``alpha``)% confidence intervals.
    adjust : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        Multiple-comparison adjustment across all factor × lag rows of a person
        (:func:`spasmlog.analysis.multicomp.adjust_pvalues`); Benjamini–Hochberg by default.
    person : {None, "person_id"}
        None analyses a table of one person; ``"person_id"`` analyses each person separately. A table of
        several people with ``person=None`` is an error: pooling days across people mixes differences between
        people with changes within a person (use :func:`within_person` for a cohort).
    min_days : int
        Rows resting on fewer days with both the factor and the outcome recorded are not estimated.
    autocorrelation : {"bartlett", "ar1", "ignore"}
        How p-values and intervals allow for autocorrelated days: ``bartlett`` (the default), an effective
        number of days from the autocorrelations of both series at lags 1 to 28; ``ar1``, the same from the
        lag-1 autocorrelations alone (too optimistic for persistent series: kept for comparison);
        ``ignore``, days as independent (textbook results; wrong for daily series).
    weekday : bool
        Allow for weekly rhythms (the default): correlate what is left of the factor and the outcome once
        each is centred on its means for each day of the week, i.e. the partial correlation given the day
        of the week (see Notes). Without it, a factor that changes at weekends (alcohol, steps, sitting) is
        associated with spasms that change at weekends for any other reason.
    trend : bool
        Allow for a smooth time trend (the default), as :func:`spasmlog.analysis.rates.rate_ratios` does: a
        piecewise-linear trend bending every 13 weeks joins the day of the week as a covariate of the partial
        correlation (see Notes). Without it, a factor that rises over the months while spasms fall for any
        other reason is associated with fewer spasms.
    by : {None, "person_id"}
        The old name of ``person``, still accepted.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "correlate"``.
        One row per factor × lag (× person, with ``person_id`` first, when ``person="person_id"``), in the order
        of ``factors`` then ``lags``:

        - ``factor``, ``lag`` (days);
        - ``n``: days with both the lagged factor and the outcome recorded;
        - ``n_effective``: the effective number of independent days (see Notes; with ``weekday`` or ``trend``,
          those left once the weekday means and the trend are fitted);
        - ``r``: Spearman's rho or Pearson's r (partial, given the day of the week and the trend, with
          ``weekday`` and ``trend``);
        - ``ci_low``, ``ci_high``: the 100 × (1 − ``alpha``)% confidence interval of ``r``;
        - ``p_value``: two-sided test of no association, on ``n_effective`` − 2 degrees of freedom;
        - ``p_adjusted``: with ``adjust="fdr_bh"`` (default) the decision rule of
          :mod:`spasmlog.analysis.decision` — one hypothesis per factor (its lags together, by Bonferroni),
          the known suspects as the primary family and other columns as the exploratory one, weighted
          Benjamini–Hochberg — so that a row is a finding exactly when ``p_adjusted ≤ alpha``; another
          ``adjust`` applies that correction across the person's estimated rows;
        - ``status``: ``"ok"``, or why the row was not estimated: ``"too few days (9 < 14)"``,
          ``"factor constant"``, ``"outcome constant"``, and with ``weekday`` ``"factor changes only with the
          day of the week"``, ``"outcome changes only with the day of the week"`` or ``"too few days (8 on 7
          days of the week)"``, with ``trend`` ``"factor changes only with the day of the week and the time
          trend"`` (or ``"... only with the time trend"`` without ``weekday``), the same for the outcome, or
          ``"too few days (9 for 8 terms of the day of the week and the time trend)"`` (its statistics are
          then missing).

    Raises
    ------
    spasmlog.errors.ParameterError
        (A ``ValueError``.) For an unknown column, an invalid option, a table of several people without
        ``person``, or rows that are not consecutive days within a person; a ``daily`` that is not a
        DataFrame raises its subclass :class:`~spasmlog.errors.ParameterTypeError`, also a ``TypeError``.

    Notes
    -----
    For each factor × lag, the days where both series are recorded give *n* pairs; Spearman's rho is
    Pearson's r of their average ranks. Daily series are autocorrelated (this week's stress resembles last
    week's), which makes a correlation between two unrelated series vary more than independent days
    would: treating days as independent gives too many false findings. The p-value and interval therefore
    rest on the effective number of days (Bartlett 1935; :func:`effective_sample_size`)

    .. math:: n_\\mathrm{eff} = n \\Big/ \\left(1 + 2 \\sum_{k=1}^{K} \\left(1 - \\frac{k}{T}\\right)
              \\rho_x(k)\\, \\rho_y(k)\\right), \\quad \\text{clipped to } [3, n],

    where :math:`\\rho_x, \\rho_y` are the autocorrelations of the factor and the outcome (of their ranks
    for Spearman) over the person's *T* calendar days and :math:`K = \\min(T/5, 28)`: the "modified Chelton"
    estimator of Pyper & Peterman (1998). It
    allows for any short-range dependence, weekly rhythms included. ``autocorrelation="ar1"`` uses instead
    :math:`n (1 - \\rho_x(1)\\rho_y(1)) / (1 + \\rho_x(1)\\rho_y(1))` (Bayley & Hammersley 1946), exact
    only for AR(1) series: in simulations with persistent series (AR(1) coefficient 0.8) it gives about 9%
    false positives per test at the 5% level, against 5% for ``bartlett`` and 20% when days are treated as
    independent.

    Missing days: lags and autocorrelations are on the calendar. A day not logged (or a value not
    recorded) is left out; it is neither filled in nor closed up, so the day after a gap is not taken for
    the day after the day before it. Each :math:`\\rho(k)` is estimated from the pairs of recorded days *k*
    calendar days apart (:func:`acf`), and lag *k* weighs :math:`N_k/n` in the sum (:math:`N_k` the pairs
    of the *n* paired days that are *k* days apart; :math:`1 - k/T` when no day is missing;
    :func:`effective_sample_size`), which is what the variance of a sum over the recorded days needs. With
    autocorrelations filled in with the mean, as before, two unrelated persistent series were called
    associated in 7.7% of tests at the 5% level with 30% of whole days missing and 13.3% with 50% (an
    independent audit). In 400 simulated one-year diaries of a null factor and count outcome, both
    persistent (latent AR(1), 0.8), with whole days missing at random or in runs (mean 7 days), the share of
    tests at p < 0.05 is 4–6% with 0, 30% and 50% of days missing (tests/analysis/test_correlation.py).

    The test is :math:`t = r \\sqrt{(n_\\mathrm{eff} - 2)/(1 - r^2)}` on :math:`n_\\mathrm{eff} - 2` degrees
    of freedom; the interval is :math:`\\tanh(\\operatorname{artanh} r \\pm z_{1-\\alpha/2}\\, se)` with
    :math:`se = 1/\\sqrt{n_\\mathrm{eff} - 3}` (Fisher 1915), and for Spearman
    :math:`se = \\sqrt{(1 + r^2/2)/(n_\\mathrm{eff} - 3)}` (Bonett & Wright 2000). With
    ``autocorrelation="ignore"`` and ``weekday=False`` (:math:`n_\\mathrm{eff} = n`) ``r`` and ``p_value``
    equal :func:`scipy.stats.spearmanr` and :func:`scipy.stats.pearsonr`. The lags are shifts by calendar
    day within the person; days before the first logged day have no factor value.

    Weekly rhythms: a factor and the outcome that both change at weekends are associated through the day
    of the week, whatever the factor does (in simulated logs, alcohol and steps rise at weekends when
    sitting falls, and sitting drives spasms). With ``weekday=True`` (the default), after the *n* paired
    days are chosen (and, for Spearman, ranked over those days), each series is centred on its mean for
    each of the *g* days of the week among them (*g* = 7 once a week is logged; the day of the week is the
    position in the person's consecutive days modulo 7), and *r* is the correlation of what is left: the
    partial correlation given *g* − 1 day-of-week indicators, exactly :func:`partial_corr` (R ``ppcor``)
    with those indicators as covariates. Ranking first and then removing the weekday means of the ranks is
    what ``ppcor`` does for a Spearman partial correlation (ranks of an indicator are the indicator
    rescaled), and keeps rho robust to skewed counts. Removing *g* means costs *g* − 1 days of information
    beyond the one mean of the plain correlation: with independent days the partial correlation's test is
    on *n* − *g* − 1 degrees of freedom and its Fisher interval has :math:`se = 1/\\sqrt{n - g - 2}`. With
    dependent days each extra mean costs the information of one day, :math:`n_\\mathrm{eff}/n` effective
    days, so the effective number of days after the means are removed is
    :math:`n_\\mathrm{eff} - (g - 1)\\, n_\\mathrm{eff}/n = n_\\mathrm{eff} (n - g + 1)/n` (clipped to
    :math:`[3, n - g + 1]`); it is reported as ``n_effective`` and takes the place of
    :math:`n_\\mathrm{eff}` in the test and interval above, which then give the partial correlation's
    exactly when days are independent and reduce to the plain ones when *g* = 1. The autocorrelations
    :math:`\\rho_x, \\rho_y` are then those of the weekday-centred series, so a weekly rhythm that has
    been removed no longer counts as dependence between days. Rows whose factor (or outcome) varies only
    with the day of the week have no partial correlation and say so. With ``autocorrelation="ignore"``
    and ``trend=False``, ``r``, ``p_value`` and (Pearson) the interval equal :func:`partial_corr` given
    day-of-week indicators.

    Time trend: with ``trend=True`` (the default) the covariates also hold the smooth trend of
    :func:`spasmlog.analysis.rates.rate_ratios`, a piecewise-linear function of the day with
    round(*T*/91) pieces (one bend every 13 weeks; the position *t*/(*T* − 1) and a hinge at each bend),
    so *r* is the partial correlation given the day of the week and the trend: least-squares residuals of
    both series (ranks for Spearman) on the *c* terms over the paired days; with ``autocorrelation="ignore"``
    exactly :func:`partial_corr` (Pearson) of the series, or of their ranks, with those covariates. Unlike
    ``ppcor``'s Spearman partial correlation the trend itself is not ranked: ranks of a day-of-week
    indicator are the indicator rescaled, but ranks of a hinge are not a hinge, and the trend is meant to
    be the one :func:`~spasmlog.analysis.rates.rate_ratios` fits. The effective number of days becomes
    :math:`n_\\mathrm{eff} (n - c + 1)/n`, as for the weekday means, and the autocorrelations are those of
    what the weekday means and the trend leave of each series. Without it, a factor that rose over a year
    while spasms fell (no effect planted) was flagged in 11% of diaries (an independent audit); with it, in
    simulated one-year diaries of that kind the factor's tests are at p < 0.05 in about 5%
    (tests/analysis/test_correlation.py). Fitting the trend removes slow swings of both series, and the
    autocorrelations of what is left understate the dependence of very persistent series: for latent AR(1)
    coefficients of 0.93 (a month-long memory) the share of null tests at p < 0.05 was 9% with the trend
    and 5.5% without it; for 0.8 both are about 5–6%.
    Correlations are associations, not causes. With ``person="person_id"`` each person's rows form their own
    family for ``adjust``, as each person reads their own result; re-adjust ``p_value`` over the whole
    table for control across people. Each person takes about 10 ms (all factors × 4 lags over two years),
    so this suits caseloads; for cohorts use :func:`within_person`.

    References
    ----------
    Bartlett MS (1935). Some aspects of the time-correlation problem in regard to tests of significance.
    J R Stat Soc 98:536–543. doi:10.2307/2342284

    Bayley GV, Hammersley JM (1946). The "effective" number of independent observations in an
    autocorrelated time series. Suppl J R Stat Soc 8:184–197. doi:10.2307/2983560

    Pyper BJ, Peterman RM (1998). Comparison of methods to account for autocorrelation in correlation
    analyses of fish data. Can J Fish Aquat Sci 55:2127–2140. doi:10.1139/f98-104

    Fisher RA (1915). Frequency distribution of the values of the correlation coefficient in samples from
    an indefinitely large population. Biometrika 10:507–521. doi:10.2307/2331838

    Bonett DG, Wright TA (2000). Sample size requirements for estimating Pearson, Kendall and Spearman
    correlations. Psychometrika 65:23–28. doi:10.1007/BF02294183

    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. J R Stat Soc B 57:289–300.
    doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex"))
    >>> result = correlate(daily, factors=["water_ml", "sitting_h"], lags=(0, 1))
    >>> result[["factor", "lag", "n", "n_effective", "r", "ci_low", "ci_high", "p_adjusted"]].round(3)
          factor  lag    n  n_effective      r  ci_low  ci_high  p_adjusted
    0   water_ml    0  682        668.0 -0.128  -0.202   -0.052       0.004
    1   water_ml    1  657        643.0 -0.240  -0.313   -0.165       0.000
    2  sitting_h    0  691        677.0  0.027  -0.049    0.102       0.442
    3  sitting_h    1  667        653.0  0.048  -0.029    0.124       0.442

    Alex sits less at weekends; without the weekday, the weekend rhythm adds to sitting's association:

    >>> correlate(daily, factors=["sitting_h"], lags=(0,), weekday=False)[["r", "p_value"]].round(3)
           r  p_value
    0  0.072     0.06

    Rows that cannot be estimated say why:

    >>> correlate(daily.head(12), factors=["water_ml"], lags=(0,))["status"].tolist()
    ['too few days (12 < 14)']
    >>> correlate(daily.head(90), factors=["water_ml", "on_calf_stretching_programme"], lags=(0,))["status"].tolist()
    ['ok', 'factor constant']
    """
    function = "correlate"
    daily = _checks_daily.daily_frame(daily, function, needs_date=False)
    _checks.one_of(method, "method", function, sorted(("spearman", "pearson")))
    _checks.one_of(adjust, "adjust", function, sorted(ADJUST_METHODS))
    _checks.one_of(autocorrelation, "autocorrelation", function, sorted(_AUTOCORRELATION))
    weekday = _checks.boolean(weekday, "weekday", function)
    trend = _checks.boolean(trend, "trend", function)
    person = _checks.renamed(by, person, old_name="by", new_name="person", function=function)
    if person is not None and person != "person_id":
        _checks.fail(function, "person" if by is None else "by", person, "None or 'person_id'")
    alpha = _checks.probability(alpha, "alpha", function)
    min_days = _checks.whole(min_days, "min_days", function, minimum=4)
    lags = _checks_daily.lags(lags, function)
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    names = _checks_daily.factor_list(
        daily, factors, function, default=association_factors(daily, outcome=outcome) if factors is None else None
    )
    if person is not None:
        _checks_daily.person_column(daily, person, function, parameter="person" if by is None else "by")
    bounds, people = _person_bounds(daily, function)
    if person is None and len(people) > 1:
        shown = ", ".join(str(p) for p in people[:3]) + (", ..." if len(people) > 3 else "")
        _checks.refuse(
            f"`daily` holds {len(people)} people ({shown}); correlate analyses one person at a time. Pass "
            "person='person_id' for one result per person, or use within_person(daily) for within-person "
            "associations across people. Pooling days across people mixes differences between people with "
            "changes within a person, so it is not offered.",
            function,
            "person",
            None,
            "'person_id' for a table of several people",
        )

    x_all = np.column_stack([_as_float(daily[name]) for name in names]) if len(daily) else np.empty((0, len(names)))
    y_all = _as_float(daily[outcome])
    frames = []
    for who, start, end in zip(people, bounds[:-1], bounds[1:], strict=True):
        result = _one_person(
            x_all[start:end], y_all[start:end], lags, method, alpha, min_days, autocorrelation, weekday, trend
        )
        frame = pd.DataFrame(
            {
                "factor": np.repeat(names, len(lags)),
                "lag": np.tile(np.asarray(lags, dtype=np.int64), len(names)),
                **{k: result[k] for k in ("n", "n_effective", "r", "ci_low", "ci_high", "p_value")},
                "p_adjusted": adjust_pvalues(result["p_value"], method=adjust),
                "status": pd.array(result["status"].astype(str), dtype="str"),
            }
        )
        if adjust == "fdr_bh":  # the one decision rule: one hypothesis per factor, primary and exploratory
            frame["p_adjusted"] = decide_rows(with_hypotheses(frame), alpha=alpha)["p_adjusted"].to_numpy()
        if person is not None:
            frame.insert(0, "person_id", who)
        frames.append(frame)
    if not frames:  # an empty table: every factor × lag rests on no day
        empty = _one_person(
            np.empty((0, len(names))), np.empty(0), lags, method, alpha, min_days, autocorrelation, weekday, trend
        )
        frames.append(
            pd.DataFrame(
                {
                    "factor": np.repeat(names, len(lags)),
                    "lag": np.tile(np.asarray(lags, dtype=np.int64), len(names)),
                    **{k: empty[k] for k in ("n", "n_effective", "r", "ci_low", "ci_high", "p_value")},
                    "p_adjusted": np.nan,
                    "status": pd.array(empty["status"].astype(str), dtype="str"),
                }
            )
        )
        if person is not None:
            frames[0].insert(0, "person_id", pd.Series(dtype="str"))
            frames[0] = frames[0].iloc[:0]
    out = pd.concat(frames, ignore_index=True)
    out.attrs["kind"] = "correlate"
    return out


# --------------------------------------------------------------------------------------------------
# rm_corr: repeated-measures correlation
# --------------------------------------------------------------------------------------------------


def rm_corr(data: pd.DataFrame, *, x: str, y: str, subject: str, alpha: float = 0.05) -> pd.DataFrame:
    """Repeated-measures correlation: the within-subject association of two measures across subjects.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per observation.
    x, y : str
        The two numeric measures.
    subject : str
        The column identifying the subject (person) each row belongs to.
    alpha : float
        The interval is a 100 × (1 − ``alpha``)% confidence interval.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "rm_corr"``.
        One row, with columns

        - ``r``: the repeated-measures correlation;
        - ``dof``: residual degrees of freedom, *N* − *k* − 1;
        - ``p_value``: two-sided test of no within-subject association;
        - ``ci_low``, ``ci_high``: the 100 × (1 − ``alpha``)% confidence interval;
        - ``n``: rows used (*N*: rows with ``x``, ``y`` and ``subject`` all present; others are dropped);
        - ``subjects``: subjects among them (*k*).

    Raises
    ------
    spasmlog.errors.ParameterError
        (A ``ValueError``.) For an unknown or non-numeric column, too few rows (``dof`` < 2), or when ``x``
        or ``y`` does not vary within any subject.

    Notes
    -----
    Each subject's ``x`` and ``y`` are centred on the subject's own means (over the rows used); then, with
    :math:`\\tilde x, \\tilde y` the centred values summed over all rows,

    .. math:: r_{rm} = \\frac{\\sum \\tilde x \\tilde y}{\\sqrt{\\sum \\tilde x^2 \\sum \\tilde y^2}},
              \\quad \\mathrm{dof} = N - k - 1, \\quad t = r_{rm} \\sqrt{\\mathrm{dof} / (1 - r_{rm}^2)}.

    This equals the ANCOVA formulation of Bakdash & Marusich (2017), in which *y* is regressed on the
    subject (as a factor) and *x* with one common slope, :math:`r_{rm}` is the signed square root of
    :math:`SS_x / (SS_x + SS_\\mathrm{error})`, and the test is that ANCOVA's F test of *x*. The interval
    is Fisher's, :math:`\\tanh(\\operatorname{artanh} r_{rm} \\pm z_{1-\\alpha/2} / \\sqrt{\\mathrm{dof} - 1})`,
    as R ``rmcorr`` and pingouin compute it. The result is symmetric in *x* and *y*. It assumes
    independent observations within a subject; for daily series use :func:`within_person`, which
    allows for their autocorrelation. Unlike pingouin, two subjects (or one) are enough. The work is
    group-wise centring with :func:`numpy.bincount`: millions of rows take a fraction of a second.

    References
    ----------
    Bakdash JZ, Marusich LR (2017). Repeated measures correlation. Front Psychol 8:456.
    doi:10.3389/fpsyg.2017.00456

    Bland JM, Altman DG (1995). Statistics notes: Calculating correlation coefficients with repeated
    observations: Part 1—correlation within subjects. BMJ 310:446. doi:10.1136/bmj.310.6977.446

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("clinic"))
    >>> rm_corr(daily, x="sitting_h", y="spasm_count", subject="person_id").round(3)
           r   dof  p_value  ci_low  ci_high     n  subjects
    0  0.049  1950    0.032   0.004    0.093  1963        12
    """
    function = "rm_corr"
    data = _checks.dataframe(data, "data", function)
    alpha = _checks.probability(alpha, "alpha", function)
    x = _checks.column(data, x, "x", function)
    y = _checks.column(data, y, "y", function)
    subject = _checks.column(data, subject, "subject", function, numeric=False)
    xs, ys = _as_float(data[x]), _as_float(data[y])
    codes = pd.factorize(data[subject], use_na_sentinel=True)[0]
    used = ~(np.isnan(xs) | np.isnan(ys)) & (codes >= 0)
    if not used.all():
        xs, ys, codes = xs[used], ys[used], codes[used]
    counts = np.bincount(codes)
    present = counts > 0
    n, k = len(xs), int(present.sum())
    dof = n - k - 1
    if dof < 2:
        _checks.refuse(
            f"rm_corr needs at least k + 3 rows for k subjects; {n} row(s) with `{x}`, `{y}` and `{subject}` "
            f"recorded in {k} subject(s) leave {dof} degree(s) of freedom (at least 2 are needed).",
            function,
            "data",
            f"{n} complete rows in {k} subjects",
            "at least k + 3 complete rows for k subjects",
        )
    safe = np.maximum(counts, 1)
    dx = xs - (np.bincount(codes, weights=xs) / safe)[codes]
    dy = ys - (np.bincount(codes, weights=ys) / safe)[codes]
    sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
    for name, centred, raw in ((x, sxx, xs), (y, syy, ys)):
        if not centred > _RELATIVE_ZERO * float(raw @ raw):
            _checks.refuse(
                f"`{name}` does not vary within any subject: rm_corr is not defined.",
                function,
                "x" if name == x else "y",
                name,
                "a column that varies within some subject",
            )
    r = float(np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0))
    r_arr, dof_arr = np.array([r]), np.array([float(dof)])
    ci_low, ci_high = _fisher_ci(r_arr, 1.0 / np.sqrt(dof_arr - 1.0), alpha)
    table = pd.DataFrame(
        {
            "r": r_arr,
            "dof": np.array([dof], dtype=np.int64),
            "p_value": _t_test_p(r_arr, dof_arr),
            "ci_low": ci_low,
            "ci_high": ci_high,
            "n": np.array([n], dtype=np.int64),
            "subjects": np.array([k], dtype=np.int64),
        }
    )
    table.attrs["kind"] = "rm_corr"
    return table


# --------------------------------------------------------------------------------------------------
# within_person: rm_corr for every factor × lag of a cohort, vectorised
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
        # pairs of each lag's paired days (N_k, as correlate weighs lag k), lag by lag, all factors at once
        max_lag = _max_lag(lengths, autocorrelation)
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


def within_person(
    daily: pd.DataFrame,
    *,
    outcome: str = "spasm_count",
    factors: Sequence[str] | None = None,
    lags: Sequence[int] = (0, 1, 2, 3),
    alpha: float = 0.05,
    adjust: Adjust = "fdr_bh",
    min_days: int = 14,
    autocorrelation: CohortAutocorrelation = "cluster",
    weekday: bool = True,
) -> pd.DataFrame:
    """Within-person associations across a cohort: repeated-measures correlation for every factor × lag.

    Parameters
    ----------
    daily : pandas.DataFrame
        A daily table of several people (:func:`spasmlog.analysis.daily.daily_table`): sorted by
        ``person_id`` and ``date``, every calendar day of each person's span present.
    outcome : str
        The outcome column, ``spasm_count`` by default.
    factors : list of str, optional
        Factor columns; default: every factor of the table.
    lags : sequence of int
        Lags in days: the factor on day t − lag against the outcome on day t, within each person.
    alpha : float
        Interval level (100 × (1 − ``alpha``)%) and the level at which a person counts in
        ``people_significant``.
    adjust : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        Multiple-comparison adjustment across all factor × lag rows (Benjamini–Hochberg by default).
    min_days : int
        A person counts in ``people_estimated`` (and the two counts after it) when they have at least this
        many days with both the lagged factor and the outcome recorded.
    autocorrelation : {"cluster", "bartlett", "ar1", "ignore"}
        How the cohort p-value and interval allow for dependent days within a person: ``cluster`` (the
        default), a cluster-robust (sandwich) variance with people as clusters, valid for any dependence
        within a person; ``bartlett`` or ``ar1``, each person's effective number of days as in
        :func:`correlate`; ``ignore``, days as independent, which with ``weekday=False`` gives exactly
        :func:`rm_corr`.
    weekday : bool
        Allow for weekly rhythms (the default): centre each person's factor and outcome on the person's
        own means for each day of the week (person × weekday groups) instead of the person's overall means,
        so that factors that change at weekends (alcohol, steps, sitting) are not associated with spasms
        that change at weekends for any other reason. ``False`` gives the published repeated-measures
        correlation.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "within_person"``.
        One row per factor × lag, in the order of ``factors`` then ``lags``:

        - ``factor``, ``lag`` (days);
        - ``n``: person-days with both the lagged factor and the outcome recorded;
        - ``subjects``: people with at least one such day;
        - ``dof``: the repeated-measures degrees of freedom, ``n`` − ``subjects`` − 1, or with ``weekday``
          ``n`` − (person × weekday groups with such a day) − 1;
        - ``dof_effective``: ``dof`` divided by the variance inflation due to dependent days (see Notes),
          used for the test (and, except with ``cluster``, the interval);
        - ``r``: the repeated-measures correlation (as :func:`rm_corr`, with person × weekday groups as the
          subjects when ``weekday``);
        - ``ci_low``, ``ci_high``: its 100 × (1 − ``alpha``)% confidence interval;
        - ``p_value``, ``p_adjusted`` (``adjust`` across all estimated rows);
        - ``people_estimated``: people with at least ``min_days`` such days on which both series vary;
        - ``people_same_direction``: among them, people whose own within-person correlation (Pearson) has
          the sign of ``r``;
        - ``people_significant``: among those, people whose own correlation is significant at ``alpha``
          (with their effective number of days, as :func:`correlate` with ``method="pearson"``; not adjusted
          for multiple comparisons);
        - ``status``: ``"ok"`` or why the row was not estimated (``"too few days (...)"``,
          ``"too few people (...)"``, ``"factor constant within every person"``,
          ``"outcome constant within every person"``, or with ``weekday`` ``"factor constant within every
          person and day of the week"``, ``"outcome constant within every person and day of the week"``).

    Notes
    -----
    Each person's lagged factor and outcome are centred on their own means over the days where both are
    recorded (so missing values are handled per factor × lag), and :math:`r_{rm}` is the correlation of
    the centred values pooled over people (:func:`rm_corr`; Bakdash & Marusich 2017): it measures how a
    person's spasms move with changes in *their own* factor, free of differences between people.

    People whose factor never changes (an intervention they never had) add days and outcome variation but
    no information on the factor, so they pull :math:`r_{rm}` towards 0; they do not count in
    ``people_estimated``. Both :math:`r_{rm}` and the counts rest on Pearson correlations of the values.

    Days within a person are dependent (autocorrelation, weekly rhythms), so the ANCOVA test of
    :func:`rm_corr` is too optimistic for daily series. With ``autocorrelation="cluster"`` the variance of
    the common within-person slope :math:`\\hat\\beta = S_{xy}/S_{xx}` is the cluster-robust (CR1)
    sandwich :math:`V = \\frac{G}{G-1} \\sum_p (S_{xy,p} - \\hat\\beta S_{xx,p})^2 / S_{xx}^2` over the *G*
    people whose factor varies (Liang & Zeger 1986; Cameron & Miller 2015), which assumes nothing about how
    a person's days depend on each other. With :math:`\\lambda` = *V* over the ANCOVA variance of
    :math:`\\hat\\beta`, :math:`\\mathrm{dof_{eff}} = \\mathrm{dof}/\\lambda`, the test is
    :math:`t = r \\sqrt{\\mathrm{dof_{eff}}/(1 - r^2)}` (equal to :math:`\\hat\\beta/\\sqrt{V}`) on *G* − 1
    degrees of freedom. The interval is
    :math:`\\tanh(\\operatorname{artanh} r \\pm t_{G-1,\\,1-\\alpha/2}\\, se_z)` with the same clusters, CR1
    factor and reference, and :math:`se_z` from the delta method on *r* itself:
    :math:`se_z^2 = \\frac{G}{G-1} \\sum_p \\psi_p^2 / (1 - r^2)^2`, with
    :math:`\\psi_p = r\\,(S_{xy,p}/S_{xy} - S_{xx,p}/2S_{xx} - S_{yy,p}/2S_{yy})` each person's share of
    :math:`r - \\hat r` (at *r* = 0, :math:`S_{xy,p}/\\sqrt{S_{xx}S_{yy}}`, the slope's score on the *r*
    scale). Earlier the interval used :math:`1/\\sqrt{\\mathrm{dof_{eff}} - 1}`, i.e. the slope's variance
    carried to *r* as if :math:`S_{yy}` were fixed; but people whose spasms vary more also contribute more
    to :math:`S_{xy}` (counts: a higher rate, a larger change per unit of the factor), and *r* divides by
    :math:`\\sqrt{S_{yy}}`, so *r* varies less than that variance says. In 1,000 simulated cohorts of 30
    people × 120 days with persistent factors and over-dispersed counts (true r ≈ 0.24), the old intervals were
    1.42 times too wide (98.7% coverage); these are 0.97 times the spread of *r* and cover 93%, and with
    Gaussian series (300 cohorts each) they cover 95% for r = 0, 0.3 and 0.6. Away from the
    boundary the test (on the slope) and the interval (on *r*) can disagree on a row whose p-value is
    close to ``alpha``.
    With ``bartlett`` or ``ar1``, :math:`\\lambda = \\sum_p S_{xx,p} S_{yy,p} / n_{\\mathrm{eff},p} \\big/
    \\sum_p S_{xx,p} S_{yy,p} / n_p` (the null variance of :math:`\\sum \\tilde x \\tilde y` with each
    person's effective number of days, :func:`effective_sample_size`, over that with independent days,
    at least 1); the test is then on :math:`\\mathrm{dof_{eff}}` degrees of freedom and the interval uses
    the normal quantile. In simulated cohorts of 30
    people × 120 days of AR(1) series with no association (coefficient 0.6 / 0.85), ``cluster`` gave 4.7% /
    4.7% false positives per test at the 5% level, ``bartlett`` 5.9% / 7.2% (short persistent series bias
    autocorrelations towards 0), ``ar1`` 6.4% / 11%, and ``ignore`` 12% / 30% (with ``weekday=False``;
    with ``weekday=True``, ``cluster`` gave 4.5% in the persistent case). Shared rhythms are not
    removed by the centring on people's means: factors that change at weekends are associated with an
    outcome that does, whatever the factor does.

    With ``weekday=True`` (the default) the groups are person × day of the week (the day of the week is the
    position in the person's consecutive days modulo 7) instead of people: each factor × lag is
    :func:`rm_corr` with every person × weekday group as a subject, i.e. the ANCOVA with a mean for every
    person and day of the week and one common slope, which removes each person's own weekly rhythm from
    both series. The degrees of freedom are ``n`` − *k* − 1 with *k* the person × weekday groups that have
    a pair (about 7 per person instead of 1), the sandwich variance still takes people as clusters (their
    days stay dependent across weekdays), and each person's own correlation is their partial correlation
    given the day of the week, tested as :func:`correlate` with ``weekday=True``. Autocorrelations are those
    of the weekday-centred series. In a simulated cohort of 300 people × 365 days (``simulate(seed=9)``),
    16 factor × lag rows of factors with no planted effect (``alcohol_g`` lag 0: adjusted p 1e-23,
    ``posture_breaks``, ``sleep_h``, ``steps``, ...) were significant at 5% without it; with it, none at
    lag 0 and one in all (``sodium_mg`` lag 3, adjusted p 0.04, among 22 findings: the false discoveries
    Benjamini–Hochberg allows), while the planted effects stay (``water_ml`` lag 1: adjusted p 1e-82).

    The work is vectorised: people are handled in blocks of whole people; lags are row shifts masked at
    each person's last days; every per-person sum for all factors at once is one sparse-matrix product of
    the (people × days) block indicator, weighted by the outcome, with the (days × factors) matrix. With
    ``weekday`` the rows of each block are sorted by person × weekday once, so the group sums are the same
    products over (7 × people) contiguous blocks; it costs 10–20% more time.

    References
    ----------
    Bakdash JZ, Marusich LR (2017). Repeated measures correlation. Front Psychol 8:456.
    doi:10.3389/fpsyg.2017.00456

    Liang KY, Zeger SL (1986). Longitudinal data analysis using generalized linear models. Biometrika
    73:13–22. doi:10.1093/biomet/73.1.13

    Cameron AC, Miller DL (2015). A practitioner's guide to cluster-robust inference. J Hum Resour
    50:317–372. doi:10.3368/jhr.50.2.317

    Pyper BJ, Peterman RM (1998). Comparison of methods to account for autocorrelation in correlation
    analyses of fish data. Can J Fish Aquat Sci 55:2127–2140. doi:10.1139/f98-104

    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. J R Stat Soc B 57:289–300.
    doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("clinic"))
    >>> result = within_person(daily, factors=["water_ml", "sitting_h"], lags=(0, 1))
    >>> result[["factor", "lag", "n", "subjects", "r", "ci_low", "ci_high", "p_adjusted"]].round(3)
          factor  lag     n  subjects      r  ci_low  ci_high  p_adjusted
    0   water_ml    0  1965        12  0.011  -0.065    0.086       0.762
    1   water_ml    1  1860        12 -0.027  -0.114    0.061       0.699
    2  sitting_h    0  1963        12  0.047   0.013    0.082       0.062
    3  sitting_h    1  1858        12  0.037  -0.001    0.075       0.130
    >>> result[["people_estimated", "people_same_direction", "people_significant"]].iloc[2].tolist()
    [12, 9, 1]
    """
    function = "within_person"
    daily = _checks_daily.daily_frame(daily, function, needs_date=False)
    _checks.one_of(adjust, "adjust", function, sorted(ADJUST_METHODS))
    _checks.one_of(autocorrelation, "autocorrelation", function, sorted(("cluster", *_AUTOCORRELATION)))
    weekday = _checks.boolean(weekday, "weekday", function)
    alpha = _checks.probability(alpha, "alpha", function)
    min_days = _checks.whole(min_days, "min_days", function, minimum=4)
    lags = _checks_daily.lags(lags, function)
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    names = _checks_daily.factor_list(
        daily, factors, function, default=association_factors(daily, outcome=outcome) if factors is None else None
    )
    bounds, _ = _person_bounds(daily, function)

    per_person = "bartlett" if autocorrelation == "cluster" else autocorrelation  # each person's own test
    columns = [_as_float(daily[name]) for name in names]
    y_all = _as_float(daily[outcome])
    parts: list[dict[str, np.ndarray]] = []
    first = 0
    while first < len(bounds) - 1:
        # whole people, about _CHUNK_ROWS rows per block (at least one person)
        last = int(np.searchsorted(bounds, bounds[first] + _CHUNK_ROWS, side="right")) - 1
        last = min(max(last, first + 1), len(bounds) - 1)
        start, stop = int(bounds[first]), int(bounds[last])
        x = np.empty((stop - start, len(names)))
        for i, column in enumerate(columns):
            x[:, i] = column[start:stop]
        parts.append(_chunk(x, y_all[start:stop], bounds[first : last + 1] - start, lags, per_person, weekday))
        first = last
    shape = (0, len(lags), len(names))
    per: dict[str, np.ndarray] = {
        key: np.concatenate([p[key] for p in parts]) if parts else np.zeros(shape)
        for key in ("n", "groups", "ssx", "ssy", "ssxy", "sxx_raw", "ratio")
    }
    result = _cohort_statistics(per, alpha, min_days, autocorrelation, weekday)
    p_adjusted = adjust_pvalues(result["p_value"], method=adjust)
    frame = pd.DataFrame(
        {
            "factor": np.repeat(names, len(lags)),
            "lag": np.tile(np.asarray(lags, dtype=np.int64), len(names)),
            **{key: result[key] for key in WITHIN_PERSON_COLUMNS[2:10]},
            "p_adjusted": p_adjusted,
            **{key: result[key] for key in WITHIN_PERSON_COLUMNS[11:14]},
            "status": pd.array(result["status"].astype(str), dtype="str"),
        }
    )
    frame = frame[WITHIN_PERSON_COLUMNS]
    frame.attrs["kind"] = "within_person"
    return frame


def _cohort_statistics(
    per: dict[str, np.ndarray], alpha: float, min_days: int, autocorrelation: str, weekday: bool
) -> dict[str, np.ndarray]:
    """Cohort rows (factor-major, lag-minor) from per-person sums shaped (people, lags, factors)."""
    n_p, groups_p, ssx_p, ssy_p, ssxy_p = per["n"], per["groups"], per["ssx"], per["ssy"], per["ssxy"]
    n = n_p.sum(axis=0)
    subjects = (n_p > 0).sum(axis=0)
    dof = n - groups_p.sum(axis=0) - 1  # one mean per person (× weekday) with a pair
    ssx, ssy, ssxy = ssx_p.sum(axis=0), ssy_p.sum(axis=0), ssxy_p.sum(axis=0)
    x_varies = ssx_p > _RELATIVE_ZERO * per["sxx_raw"]
    clusters = x_varies.sum(axis=0)  # people who carry information on the factor
    n_eff_p = np.asarray(clipped_effective(n_p, per["ratio"]))
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
    n_eff_own = _adjusted_effective(n_eff_p, n_p, groups_p)  # as correlate(weekday=...) has it
    p_p = _t_test_p(np.where(estimated, r_p, 0.0), np.maximum(n_eff_own - 2.0, 1.0))
    same = estimated & (np.sign(r_p) == np.sign(r)) & (r_p != 0)

    status = np.full(n.shape, "ok", dtype=object)
    within = "within every person and day of the week" if weekday else "within every person"
    status[~(ssy > 0)] = f"outcome constant {within}"
    status[clusters == 0] = f"factor constant {within}"
    if autocorrelation == "cluster":
        few_people = (clusters == 1) & (dof >= 3)
        status[few_people] = "too few people (the factor varies within 1 person; cluster-robust needs 2)"
    few = dof < 3
    groups = groups_p.sum(axis=0)
    status[few] = [
        f"too few days ({int(a)} person-days in {int(b)} people"
        + (f", {int(g)} person × weekday groups)" if weekday else ")")
        for a, b, g in zip(n[few], subjects[few], groups[few], strict=True)
    ]
    ok = status == "ok"
    r = np.where(ok, r, np.nan)
    dof_effective = np.where(ok, dof_effective, np.nan)
    reference = np.where(ok, reference, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(dof_effective > 1.0, 1.0 / np.sqrt(dof_effective - 1.0), np.inf)
    if autocorrelation == "cluster":
        se = np.where(ok, se_z, np.nan)
    crit = stats.t.ppf(1.0 - alpha / 2.0, reference) if autocorrelation == "cluster" else None
    ci_low, ci_high = _fisher_ci(r, se, alpha, crit)

    def flat(values: np.ndarray) -> np.ndarray:
        return values.T.ravel()  # (lags, factors) → factor-major rows

    return {
        "n": flat(n).astype(np.int64),
        "subjects": flat(subjects).astype(np.int64),
        "dof": flat(np.maximum(dof, 0)).astype(np.int64),
        "dof_effective": flat(dof_effective),
        "r": flat(r),
        "ci_low": flat(np.where(ok, ci_low, np.nan)),
        "ci_high": flat(np.where(ok, ci_high, np.nan)),
        "p_value": flat(np.where(ok, _t_test_p(r, dof_effective, reference), np.nan)),
        "people_estimated": flat(estimated.sum(axis=0)).astype(np.int64),
        "people_same_direction": flat((same & ok).sum(axis=0)).astype(np.int64),
        "people_significant": flat((same & ok & (p_p < alpha)).sum(axis=0)).astype(np.int64),
        "status": flat(status),
    }


# --------------------------------------------------------------------------------------------------
# partial_corr
# --------------------------------------------------------------------------------------------------


def partial_corr(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    covar: str | Sequence[str],
    method: Method = "pearson",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Partial correlation of ``x`` and ``y`` given the covariates ``covar``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation; rows with any of the columns missing are dropped.
    x, y : str
        The two numeric columns.
    covar : str or list of str
        The covariates to remove from both.
    method : {"pearson", "spearman"}
        ``spearman`` ranks every column first.
    alpha : float
        The interval is a 100 × (1 − ``alpha``)% confidence interval.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "partial_corr"``.
        One row: ``n`` (rows used), ``r``, ``ci_low``, ``ci_high``, ``p_value``.

    Notes
    -----
    ``x`` and ``y`` are each regressed (least squares, with an intercept) on the *k* covariates, and *r*
    is the correlation of the residuals; the test is :math:`t = r\\sqrt{(n - k - 2)/(1 - r^2)}` on
    *n* − *k* − 2 degrees of freedom and the interval Fisher's with :math:`se = 1/\\sqrt{n - k - 3}`,
    as R ``ppcor`` and pingouin compute them. It treats rows as independent: do not use it on daily series
    of one person without allowing for autocorrelation.

    References
    ----------
    Kim S (2015). ppcor: An R package for a fast calculation to semi-partial correlation coefficients.
    Commun Stat Appl Methods 22:665–674. doi:10.5351/CSAM.2015.22.6.665

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex"))
    >>> partial_corr(daily, x="sitting_h", y="spasm_count", covar=["stress"]).round(3)
         n      r  ci_low  ci_high  p_value
    0  670  0.092   0.016    0.167    0.017
    """
    function = "partial_corr"
    data = _checks.dataframe(data, "data", function)
    _checks.one_of(method, "method", function, sorted(("spearman", "pearson")))
    alpha = _checks.probability(alpha, "alpha", function)
    x = _checks.column(data, x, "x", function)
    y = _checks.column(data, y, "y", function)
    covariates = [covar] if isinstance(covar, str) else list(covar)
    if not covariates:
        _checks.refuse(
            f"The 'covar' parameter of {function} must name at least one column. Got [] instead.",
            function,
            "covar",
            covariates,
            "at least one column",
        )
    covariates = [_checks.column(data, c, "covar", function) for c in covariates]
    if len({x, y, *covariates}) != 2 + len(covariates):
        _checks.refuse(
            f"`x`, `y` and `covar` of {function} must be different columns. Got {x!r}, {y!r}, {covariates!r}.",
            function,
            "covar",
            covariates,
            "columns other than `x` and `y`, each once",
        )
    table = np.column_stack([_as_float(data[c]) for c in (x, y, *covariates)])
    table = table[~np.isnan(table).any(axis=1)]
    n, k = table.shape[0], len(covariates)
    if n - k - 3 < 1:
        _checks.refuse(
            f"partial_corr needs at least {k + 4} complete rows for {k} covariate(s); {n} found.",
            function,
            "data",
            f"{n} complete rows",
            f"at least {k + 4} complete rows",
        )
    if method == "spearman":
        table = _rank(table)
    design = np.column_stack([np.ones(n), table[:, 2:]])
    coef, *_ = np.linalg.lstsq(design, table[:, :2], rcond=None)
    residual = table[:, :2] - design @ coef
    residual -= residual.mean(axis=0)
    sxx, syy = residual[:, 0] @ residual[:, 0], residual[:, 1] @ residual[:, 1]
    r = np.array([float(np.clip(residual[:, 0] @ residual[:, 1] / np.sqrt(sxx * syy), -1.0, 1.0))])
    ci_low, ci_high = _fisher_ci(r, np.array([1.0 / np.sqrt(n - k - 3)]), alpha)
    out = pd.DataFrame(
        {
            "n": np.array([n], dtype=np.int64),
            "r": r,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "p_value": _t_test_p(r, np.array([float(n - k - 2)])),
        }
    )
    out.attrs["kind"] = "partial_corr"
    return out
