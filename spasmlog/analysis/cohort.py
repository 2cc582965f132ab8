"""Cohorts: adjusted within-person rate ratios across many people, one marginal (GEE) count model.

:func:`cohort_model` asks, across a caseload or a study, which factors go with more or fewer spasms
within each person's own days, with the person-clustered GEE of :mod:`spasmlog.stats.gee` and its
small-sample correction. (:func:`spasmlog.within_person` asks the same with repeated-measures
correlations.)

All results describe associations in the data that were logged, never causes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._person_days import (
    DAYS_PER_TREND_PIECE,
    DEGENERATE,
    WEEKDAYS,
    brief_indicator_days,
    intervention_columns,
    outcome_status,
)
from spasmlog.analysis.multicomp import ADJUST_METHODS, Adjust, adjust_pvalues
from spasmlog.analysis.rates import per_of
from spasmlog.errors import SmallSampleWarning
from spasmlog.stats.gee import COV_TYPES, CovType, gee
from spasmlog.stats.glm import Family, Reference, wald
from spasmlog.stats.lags import lag_values
from spasmlog.stats.trend import trend_columns

__all__ = ["cohort_model"]

_FEW_PEOPLE = 40
"""Below this many people :func:`cohort_model` warns. With its small-sample correction the share of null
cohorts with a finding was 6.2–6.5% at 10–20 people and 5.0% at 40 in simulation (29%, 16% and 9% without
it), and the intervals of a 10- or 20-person cohort are wide (see the Notes of :func:`cohort_model`)."""


def cohort_model(
    daily: pd.DataFrame,
    *,
    factors: Sequence[str],
    lags: Sequence[int] = (0,),
    per: Mapping[str, float] | None = None,
    outcome: str = "spasm_count",
    family: Family = "negative_binomial",
    correlation: Literal["exchangeable", "ar1"] = "exchangeable",
    cov_type: CovType = "bias_reduced",
    reference: Reference = "t",
    centre: Literal["person", "none"] = "person",
    weekday: bool = True,
    trend: bool = True,
    interventions: bool = True,
    adjust: Adjust = "fdr_bh",
    alpha: float = 0.05,
    min_subjects: int = 10,
    person: str = "person_id",
    subject: str | None = None,
) -> pd.DataFrame:
    """Adjusted within-person rate ratios across many people: one multivariable marginal (GEE) count model.

    By default every model is adjusted as :func:`rate_ratios` adjusts one person's days, for the day of
    the week and a smooth time trend, and also for the interventions of the table (their ``on_*``
    columns), so that a programme that lowers spasms from a date on is not credited to a factor that
    happens to change around then (water in summer).

    Parameters
    ----------
    daily : DataFrame
        A daily table of several people (from :func:`spasmlog.analysis.daily.daily_table`).
    factors : sequence of str
        The factors, all in one model (each adjusted for the others).
    lags : sequence of int
        Lags of every factor (each factor × lag is one term of the model).
    per : mapping, optional
        Steps that override :data:`~spasmlog.analysis.rates.DEFAULT_PER`.
    outcome : str
        The count to model.
    family : {"negative_binomial", "poisson"}
        Working variance (the estimates are consistent with either; the negative binomial usually weights
        over-dispersed days better).
    correlation : {"exchangeable", "ar1"}
        Working correlation of a person's days.
    cov_type : {"bias_reduced", "robust"}
        The sandwich errors (see :func:`gee`): ``bias_reduced`` (default), Mancl & DeRouen's small-sample
        correction; ``robust``, the plain sandwich, which is too small with a caseload of 10–40 people.
    reference : {"t", "normal"}
        Distribution of the Wald statistic for intervals and p-values: ``t`` (default), Student's t with
        G − 1 degrees of freedom for G people; ``normal``, the large-sample reference. With ``cov_type=
        "robust"`` and ``reference="normal"`` the model is the plain GEE of ``statsmodels``' defaults.
    centre : {"person", "none"}
        ``person`` (default): each factor is centred on the person's own mean, so a rate ratio compares a
        person's days with more of the factor with their own days with less (within-person). ``none``:
        raw values, mixing within- and between-person differences.
    weekday : bool
        Adjust for the day of the week (default).
    trend : bool
        Adjust for a smooth trend in calendar time (default): piecewise linear over the cohort's dates,
        bending every 13 weeks, as :func:`rate_ratios` does for one person.
    interventions : bool
        Adjust for every intervention of the table (each ``on_*`` column not among ``factors``) that is
        active on some of the days used and not on others (default). One active on a single one of
        those days (a session), or only on days without spasms, gets no term: its days leave the model.
    adjust : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        Multiple-comparison correction across the factor × lag terms of the model.
    alpha : float
        1 − confidence level.
    min_subjects : int
        Fewest people (at least 2): sandwich errors need many clusters. From 10 (the default) to about 40
        people the model is fitted with a :class:`~spasmlog.errors.SmallSampleWarning` (see Notes).
    person : str
        The column identifying people (``person_id``).
    subject : str, optional
        The old name of ``person``, still accepted.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "cohort_model"``.
        One row per factor × lag: ``factor``, ``lag``, ``per``, ``rate_ratio`` (expected spasms multiplied
        per ``per`` more of the factor than the person's own usual, the other factors and the adjustment
        held fixed), ``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted`` (corrected across all the factor ×
        lag terms with ``adjust``: each term is a test, and only a term whose ``p_adjusted`` ≤ q is a
        finding), ``n`` (person-days used: those with the outcome and every factor × lag recorded),
        ``subjects`` (people), ``status`` (``"ok"`` or why there is no estimate: too few people, no spasms
        logged, too few days with spasms, outcome constant, factor constant within people, model did not
        converge, standard error not estimable). ``attrs["adjusted_for"]`` lists the adjustment terms of
        the model (weekdays, ``trend``, ``trend1``, …, and each intervention's ``on_*`` column).

    Warns
    -----
    SmallSampleWarning
        When the model is fitted on fewer than 40 people: the corrected errors keep the false-finding rate
        near the nominal one in simulation, but the intervals are wide and rest more on the model.

    Notes
    -----
    A GEE (:func:`gee`) with person clusters, log link, sandwich errors:
    :math:`\\log E[y_{it}] = \\beta_0 + \\sum_{f,\\ell} \\beta_{f\\ell}(x_{f,i,t-\\ell} -
    \\bar x_{f,i})/\\text{per}_f + \\text{weekday}_t + s(t) + \\sum_k \\gamma_k a_{k,it}`, where *s* is
    the piecewise-linear calendar trend and :math:`a_k` the intervention indicators (with ``centre="person"``
    both are centred on the person's own mean too, as the factors are: each person's own change over time
    and on an intervention, which a caseload of 10 people can carry where one term per person's level
    could not). With person-mean centring the coefficients are
    within-person effects, free of confounding by stable differences between people (Neuhaus &
    Kalbfleisch 1998); with a log link a person-level random intercept does not change the slopes, so the
    marginal rate ratios equal the conditional (per-person) ones. The working correlation only affects
    efficiency; the sandwich errors account for any within-person correlation.

    People, not days, are the units the errors rest on, and a physiotherapist's caseload is 10–20 people.
    With so few the plain sandwich is too small and the normal reference too narrow. The default corrects
    both: Mancl–DeRouen bias-reduced errors, which undo each person's pull on their own fitted values, and
    a t reference with G − 1 degrees of freedom for G people (the usual cluster-robust choice; G − p would
    also charge the weekday terms, which are estimated within people, and leave 10 people no degrees of
    freedom). In simulated cohorts of 10, 20 and 40 people (120 days each; nothing planted; 4 factors ×
    lags 0–1, 8 tests; 1200, 600 and 300 cohorts) the plain errors with a normal reference gave p < 0.05
    in 12.5%, 8.6% and 6.4% of the tests and a finding (``p_adjusted`` ≤ 0.05) in 29%, 16% and 9% of the
    cohorts; the default gives 5.4%, 5.6% and 5.0% of the tests and 6.2%, 6.5% and 5.0% of the cohorts,
    and its 95% intervals covered a planted rate ratio of 0.8 in 94%, 95% and 96% of the cohorts (88%,
    92% and 95% before; ``benchmarks/calibrate_cohort.py``). Below 40 people the model still warns: the
    correction is an approximation, the false-finding rate is still a little above the nominal one, and
    the intervals are wide.

    **Why the adjustment.** Interventions start on dates and factors follow the seasons: on 2,000
    simulated people (365 days, nothing planted on water, a stretching programme lowering spasms 0.65×
    from a day in the middle third for half of them) the model without trend and interventions found
    water at lag 0 (rate ratio 0.992, adjusted p 0.0003). With them it finds nothing unplanted: over 16
    simulated cohorts of 500 people (4 factors × lags 0–1, nothing planted on any) 1.6 % of the tests had
    p < 0.05 and no cohort had a finding; without the adjustment, 7 % and 25 % of cohorts. Pass
    ``trend=False, interventions=False`` for the model of earlier versions.

    Rows where any factor × lag is missing are left out. The estimating equations are solved without a
    Python loop over people (:func:`gee`): 10,000 people × 365 days take seconds, not the minutes of a
    cluster-by-cluster implementation. The rate ratios are associations.

    References
    ----------
    Liang KY, Zeger SL (1986). Longitudinal data analysis using generalized linear models. Biometrika
    73:13–22. doi:10.1093/biomet/73.1.13

    Neuhaus JM, Kalbfleisch JD (1998). Between- and within-cluster covariate effects in the analysis of
    clustered data. Biometrics 54:638–645. doi:10.2307/3109770

    Mancl LA, DeRouen TA (2001). A covariance estimator for GEE with improved small-sample properties.
    Biometrics 57:126–134. doi:10.1111/j.0006-341X.2001.00126.x

    Cameron AC, Miller DL (2015). A practitioner's guide to cluster-robust inference. J Hum Resour
    50:317–372. doi:10.3368/jhr.50.2.317

    Examples
    --------
    The ``clinic`` sample is a caseload of 12 people, so the model warns that it rests on few people:

    >>> import warnings
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> from spasmlog.errors import SmallSampleWarning
    >>> daily = daily_table(spasmlog.load_sample("clinic"))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     table = cohort_model(daily, factors=["water_ml", "sitting_h"], lags=(0, 1))
    >>> [w.category is SmallSampleWarning for w in caught]
    [True]
    >>> table[["factor", "lag", "rate_ratio", "ci_low", "ci_high", "n", "subjects"]].round(3)
          factor  lag  rate_ratio  ci_low  ci_high     n  subjects
    0   water_ml    0       1.044   0.893    1.220  1636        12
    1   water_ml    1       0.886   0.772    1.018  1636        12
    2  sitting_h    0       1.047   0.984    1.113  1636        12
    3  sitting_h    1       1.001   0.954    1.050  1636        12
    >>> table.attrs["adjusted_for"][6:9]
    ['on_calf_stretching_programme', 'on_hamstring_stretching_programme', 'on_hydration_plan']
    """
    function = "cohort_model"
    daily = _checks_daily.daily_frame(daily, function)
    person = _checks.renamed(
        subject, person, old_name="subject", new_name="person", function=function, new_default="person_id"
    )
    person = _checks_daily.person_column(daily, person, function, parameter="person" if subject is None else "subject")
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    if isinstance(factors, str) or factors is None or len(factors) == 0:
        _checks.fail(function, "factors", factors, "a non-empty list of factor columns")
    factor_list = _checks.columns(daily, factors, "factors", function, frame="daily")
    lag_list = _checks_daily.lags(lags, function)
    steps = _checks_daily.per(per, function)
    _checks.one_of(family, "family", function, ("negative_binomial", "poisson"))
    _checks.one_of(correlation, "correlation", function, ("exchangeable", "ar1"))
    _checks.one_of(cov_type, "cov_type", function, COV_TYPES)
    _checks.one_of(reference, "reference", function, ("t", "normal"))
    _checks.one_of(centre, "centre", function, ("person", "none"))
    _checks.one_of(adjust, "adjust", function, ADJUST_METHODS)
    _checks.probability(alpha, "alpha", function)
    min_subjects = _checks.whole(min_subjects, "min_subjects", function, minimum=2)

    codes_all = pd.factorize(daily[person])[0]
    day_all = pd.to_datetime(daily["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((day_all, codes_all))
    if not (np.diff(order) == 1).all():
        frame = daily.iloc[order]
        codes, day = codes_all[order], day_all[order]
    else:
        frame, codes, day = daily, codes_all, day_all
    if ((np.diff(codes) == 0) & (np.diff(day) == 0)).any():
        _checks.refuse(
            f"The daily table has the same date twice for one `{person}`.",
            function,
            "daily",
            "a date twice",
            "one row per day and person",
        )
    y = frame[outcome].to_numpy(dtype=np.float64)
    terms, labels = [], []
    for factor in factor_list:
        values = frame[factor].to_numpy(dtype=np.float64)
        step = per_of(daily[factor], factor, steps)
        for lag in lag_list:
            terms.append(lag_values(codes, day, values, lag))
            labels.append((factor, lag, step))
    matrix = np.column_stack(terms)
    used = np.isfinite(y) & np.isfinite(matrix).all(1) & (codes >= 0)
    on_columns: dict[str, np.ndarray] = {}
    for column in intervention_columns(daily, None) if interventions else []:
        if column in factor_list:
            continue
        values = np.nan_to_num(frame[column].to_numpy(dtype=np.float64))
        brief = brief_indicator_days(values, y, used)  # a session on a day or two: its days leave the model
        if brief is not None:
            used &= ~brief
        elif used.any() and values[used].min() != values[used].max():
            on_columns[column] = values
    codes_used = codes[used]
    matrix = matrix[used]
    subjects = int(np.unique(codes_used).size)
    rows_used = int(used.sum())
    size = np.abs(matrix).max(0, initial=0.0)
    adjusters = {name: values[used] for name, values in on_columns.items()}
    if trend and rows_used:  # calendar time, bending every 13 weeks: the same weeks and season
        offset = day[used] - day[used].min()  # the trend of the consecutive days from the first used to the last
        for k, column in enumerate(trend_columns(int(offset.max()) + 1, days_per_piece=DAYS_PER_TREND_PIECE).T):
            adjusters[f"trend{k}" if k else "trend"] = column[offset]
    if centre == "person" and rows_used:
        dense = np.unique(codes_used, return_inverse=True)[1]
        count = np.bincount(dense)
        for k in range(matrix.shape[1]):
            matrix[:, k] -= (np.bincount(dense, weights=matrix[:, k]) / count)[dense]
        for name, values in adjusters.items():  # within-person, as the factors: a few people can carry them
            adjusters[name] = values - (np.bincount(dense, weights=values) / count)[dense]
    matrix /= np.array([s for _, _, s in labels])
    columns = {"intercept": np.ones(rows_used)}
    if weekday:
        dow = (day[used] + 3) % 7  # 1970-01-01 was a Thursday: 0 is Monday
        for k, name in enumerate(WEEKDAYS, start=1):
            columns[name] = (dow == k).astype(np.float64)
    columns |= {name: values for name, values in adjusters.items() if values.std() > 1e-9}
    base = np.column_stack(list(columns.values()))
    result = pd.DataFrame(
        {
            "factor": [f for f, _, _ in labels],
            "lag": np.array([g for _, g, _ in labels], dtype=np.int64),
            "per": np.array([s for _, _, s in labels], dtype=np.float64),
            "rate_ratio": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "p_adjusted": np.nan,
            "n": rows_used,
            "subjects": subjects,
            "status": "ok",
        }
    )
    result.attrs["kind"] = "cohort_model"
    result.attrs["adjusted_for"] = [name for name in columns if name != "intercept"]
    if subjects < min_subjects:
        result["status"] = f"too few people ({subjects} < {min_subjects})"
        return result
    reason = outcome_status(y[used]) if rows_used else "no spasms logged"
    if reason is not None:
        result["status"] = reason
        return result
    spread = matrix.std(0) * np.array([s for _, _, s in labels]) if rows_used else np.zeros(matrix.shape[1])
    constant = spread <= 1e-9 * np.maximum(size, 1e-300)  # 0 up to rounding after centring
    result.loc[constant, "status"] = "factor constant within people" if centre == "person" else "factor constant"
    if subjects < _FEW_PEOPLE:
        corrected = cov_type == "bias_reduced" and reference == "t"
        warnings.warn(
            SmallSampleWarning(
                f"cohort_model rests on {subjects} people, fewer than {_FEW_PEOPLE}: "
                + (
                    f"its intervals use the small-sample correction (bias-reduced errors, t with {subjects - 1} "
                    "degrees of freedom) and are wide; read them with care."
                    if corrected
                    else f"with cov_type={cov_type!r} and reference={reference!r} its intervals are too "
                    "narrow and its p-values too small; use the defaults (bias_reduced, t)."
                ),
                subjects=subjects,
            ),
            stacklevel=2,
        )
    fit = gee(
        np.column_stack([base, matrix[:, ~constant]]),
        y[used],
        codes_used,
        family=family,
        correlation=correlation,
        cov_type=cov_type,
    )
    coef = np.full(len(labels), np.nan)
    se = np.full(len(labels), np.nan)
    coef[~constant] = fit.params.to_numpy()[base.shape[1] :]
    se[~constant] = np.sqrt(np.clip(np.diag(fit.cov.to_numpy())[base.shape[1] :], 0, None))
    naive = np.full(len(labels), np.nan)
    naive[~constant] = np.sqrt(np.clip(np.diag(fit.cov_naive.to_numpy())[base.shape[1] :], 0, None))
    # a robust variance that vanishes next to the model-based one: the residuals are (numerically) zero
    degenerate = ~constant & ~(se > 1e-6 * naive)
    result.loc[degenerate, "status"] = DEGENERATE
    if not fit.converged:
        result.loc[~constant, "status"] = "model did not converge"
    failed = (result["status"] != "ok").to_numpy()
    coef[failed] = np.nan
    se[failed] = np.nan
    rr, low, high, p = wald(coef, se, alpha, np.inf if reference == "normal" else subjects - 1)
    result["rate_ratio"], result["ci_low"], result["ci_high"], result["p_value"] = rr, low, high, p
    result["p_adjusted"] = adjust_pvalues(p, method=adjust)
    return result
