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
The arithmetic is the engine of :mod:`spasmlog.stats.lagged_correlation`, vectorised across factors and
lags and, for a cohort, across people (no Python loop over people); this module checks the arguments,
reads the daily table and says why a row is not estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._person_days import DAYS_PER_TREND_PIECE
from spasmlog.analysis.daily import association_factors
from spasmlog.analysis.decision import decide_rows, with_hypotheses
from spasmlog.analysis.multicomp import ADJUST_METHODS, Adjust, adjust_pvalues
from spasmlog.stats.autocorrelation import acf, effective_sample_size
from spasmlog.stats.lagged_correlation import (
    MAX_ACF_LAG,
    RELATIVE_ZERO,
    Method,
    correlation_inference,
    correlation_p_value,
    fisher_interval,
    partial_correlation,
    person_correlations,
    person_sums,
    pooled_estimates,
    pooled_inference,
    within_group_sums,
)

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
# correlate: one person, every factor × lag (its engine: spasmlog.stats.lagged_correlation)
# --------------------------------------------------------------------------------------------------


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
    """Every factor × lag for one person's consecutive days: arrays in factor-major, lag-minor order, with
    the reason for each row not estimated."""
    result = person_correlations(
        x,
        y,
        lags,
        method=method,
        autocorrelation=autocorrelation,
        weekday=weekday,
        trend=DAYS_PER_TREND_PIECE if trend else None,
    )
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
    ci_low, ci_high, p_value = correlation_inference(r, n_eff, method=method, alpha=alpha)
    return {
        "n": n_all.astype(np.int64),
        "n_effective": n_eff,
        "r": r,
        "ci_low": np.where(ok, ci_low, np.nan),
        "ci_high": np.where(ok, ci_high, np.nan),
        "p_value": np.where(ok, p_value, np.nan),
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
    n, k, sxx, syy, sxy = within_group_sums(xs, ys, codes)
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
    for name, centred, raw in ((x, sxx, xs), (y, syy, ys)):
        if not centred > RELATIVE_ZERO * float(raw @ raw):
            _checks.refuse(
                f"`{name}` does not vary within any subject: rm_corr is not defined.",
                function,
                "x" if name == x else "y",
                name,
                "a column that varies within some subject",
            )
    r = float(np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0))
    r_arr, dof_arr = np.array([r]), np.array([float(dof)])
    ci_low, ci_high = fisher_interval(r_arr, 1.0 / np.sqrt(dof_arr - 1.0), alpha)
    table = pd.DataFrame(
        {
            "r": r_arr,
            "dof": np.array([dof], dtype=np.int64),
            "p_value": correlation_p_value(r_arr, dof_arr),
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
    per = person_sums(
        [_as_float(daily[name]) for name in names],
        _as_float(daily[outcome]),
        bounds,
        lags,
        autocorrelation=per_person,
        weekday=weekday,
    )
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
    """Cohort rows (factor-major, lag-minor) from per-person sums shaped (people, lags, factors), with the
    reason for each row not estimated."""
    estimates = pooled_estimates(per, autocorrelation=autocorrelation, min_days=min_days)
    n, subjects, groups, dof, clusters = (estimates[k] for k in ("n", "subjects", "groups", "dof", "clusters"))
    status = np.full(n.shape, "ok", dtype=object)
    within = "within every person and day of the week" if weekday else "within every person"
    status[~(estimates["ssy"] > 0)] = f"outcome constant {within}"
    status[clusters == 0] = f"factor constant {within}"
    if autocorrelation == "cluster":
        few_people = (clusters == 1) & (dof >= 3)
        status[few_people] = "too few people (the factor varies within 1 person; cluster-robust needs 2)"
    few = dof < 3
    status[few] = [
        f"too few days ({int(a)} person-days in {int(b)} people"
        + (f", {int(g)} person × weekday groups)" if weekday else ")")
        for a, b, g in zip(n[few], subjects[few], groups[few], strict=True)
    ]
    result = pooled_inference(estimates, status == "ok", autocorrelation=autocorrelation, alpha=alpha)

    def flat(values: np.ndarray) -> np.ndarray:
        return values.T.ravel()  # (lags, factors) → factor-major rows

    return {
        "n": flat(n).astype(np.int64),
        "subjects": flat(subjects).astype(np.int64),
        "dof": flat(np.maximum(dof, 0)).astype(np.int64),
        **{key: flat(result[key]) for key in ("dof_effective", "r", "ci_low", "ci_high", "p_value")},
        **{key: flat(result[key]).astype(np.int64) for key in WITHIN_PERSON_COLUMNS[11:14]},
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
    r = np.array([partial_correlation(table, method=method)])
    ci_low, ci_high = fisher_interval(r, np.array([1.0 / np.sqrt(n - k - 3)]), alpha)
    out = pd.DataFrame(
        {
            "n": np.array([n], dtype=np.int64),
            "r": r,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "p_value": correlation_p_value(r, np.array([float(n - k - 2)])),
        }
    )
    out.attrs["kind"] = "partial_corr"
    return out
