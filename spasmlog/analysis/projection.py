"""How long until you'd know: the further logging that would show an effect of the size estimated so far.

A factor that is not (yet) a finding has an estimate and an interval. If the estimate were the real size,
how many more days of the same kind of logging would a test need to show it? :func:`days_to_detect`
answers that from a result table's ``rate_ratio``, ``ci_low``, ``ci_high`` and ``n``;
:func:`projection_sentence` says it in plain words ("about 10 more weeks of logging would show it").

The projection is conditional: it takes the current estimate as the truth. The estimate is uncertain, and
so is the projection: an effect nearer 1 than the estimate takes longer to show, a stronger one less.
It is a guide to whether more logging is worth it, not a promise.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from spasmlog import _checks
from spasmlog.stats.distributions import norm_ppf, norm_sf, t_ppf, t_sf
from spasmlog.stats.roots import brentq

__all__ = ["DAYS_PER_MONTH", "days_to_detect", "projection_sentence"]

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average calendar month, for saying a projection in months."""

_DAYS_WORDS = 21  # below three weeks, say days
_WEEKS_WORDS = 4 * DAYS_PER_MONTH  # below four months, say weeks
_MONTHS_WORDS = 365.25  # below a year, say months; from a year on, "more than a year"


def _check_level(value: ArrayLike, name: str, low: float, high: float, *, low_closed: bool = False) -> np.ndarray:
    values = np.asarray(value, dtype="float64")
    above = values >= low if low_closed else values > low
    if not (np.isfinite(values) & above & (values < high)).all():
        interval = f"{'[' if low_closed else '('}{low:g}, {high:g})"
        _checks.refuse(
            f"The {name!r} parameter of days_to_detect must be a number (or numbers) in {interval}. "
            f"Got {value!r} instead.",
            "days_to_detect",
            name,
            value,
            f"a number (or numbers) in {interval}",
        )
    return values


def _where(series: pd.Series | None, mask: np.ndarray) -> object:
    """The first row where ``mask`` holds, as the caller knows it: a Series label or a position."""
    position = int(np.flatnonzero(mask.ravel())[0])
    return series.index[position] if series is not None else position


def _t_quantile(q: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Quantile ``q`` of the t distribution with ``df`` degrees of freedom; the normal one where df = inf."""
    normal = np.isposinf(df)
    return np.where(normal, norm_ppf(q), t_ppf(q, np.where(normal, 1.0, df)))


_DF_RANGE = (1.0, 1e6)  # degrees of freedom searched for; beyond 1e6 the t reference is the normal one
_P_TOLERANCE = 1e-4  # relative slack for a p-value at the edge of what a t reference can give (rounding)


def _recover_df(estimate: float, half_width: float, p_value: float, alpha: float) -> float:
    """Degrees of freedom of the t reference under which a Wald interval and p-value fit together.

    With :math:`r = |b| / h` (the estimate in half-widths of the interval), the t reference with ``df``
    degrees of freedom gives :math:`p(\\mathrm{df}) = 2\\,P(T_{\\mathrm{df}} > r\\,t_{\\mathrm{df}, 1-\\alpha/2})`,
    monotone in df; the df solving :math:`p(\\mathrm{df})` = ``p_value`` is found on the log scale.
    Returns inf for a normal reference (or an estimate at the edge of its interval, r = 1, where every df
    fits), NaN for a p-value that fits no t reference.
    """
    ratio = abs(estimate) / half_width

    def p_of(df: float) -> float:
        return float(2 * t_sf(ratio * t_ppf(1 - alpha / 2, df), df))

    fewest, most = p_of(_DF_RANGE[0]), p_of(_DF_RANGE[1])
    normal = float(2 * norm_sf(ratio * norm_ppf(1 - alpha / 2)))
    low, high = min(fewest, normal), max(fewest, normal)
    if not low * (1 - _P_TOLERANCE) <= p_value <= high * (1 + _P_TOLERANCE):
        return np.nan
    if high - low <= _P_TOLERANCE * high or min(most, normal) <= p_value <= max(most, normal):
        return np.inf  # every df fits (r = 1), or as good as normal
    if min(fewest, most) <= p_value <= max(fewest, most):
        low_df, high_df = (float(v) for v in np.log(_DF_RANGE))
        return float(np.exp(brentq(lambda x: p_of(np.exp(x)) - p_value, low_df, high_df, xtol=1e-12)))
    return _DF_RANGE[0] if abs(p_value - fewest) < abs(p_value - normal) else np.inf  # within the tolerance


def days_to_detect(
    rate_ratio: ArrayLike,
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    n: ArrayLike,
    *,
    threshold_p: ArrayLike = 0.05,
    power: float = 0.8,
    alpha: ArrayLike = 0.05,
    p_value: ArrayLike | None = None,
    df: ArrayLike | None = None,
    span: ArrayLike | None = None,
) -> float | np.ndarray | pd.Series:
    """Further days of logging after which a test would likely show an effect of the size estimated now.

    Parameters
    ----------
    rate_ratio, ci_low, ci_high : float or array-like
        The current estimate and its ``1 − alpha`` confidence interval, as in the result tables of
        :func:`~spasmlog.analysis.rates.rate_ratios` (any ratio estimated on the log scale with a Wald
        interval). NaN: not estimated.
    n : int or array-like
        Days the estimate rests on (the table's ``n``).
    threshold_p : float or array-like
        The two-sided p-value the test must reach to count as a finding: ``alpha`` for a single test; for a
        factor in a corrected family, the level the decision rule needs for it (e.g. 0.05 / 12 for a
        Bonferroni correction over 12 factors). One value, or one per row.
    power : float
        The probability with which the test should show the effect, in [0.5, 1). The default 0.8 is the
        usual convention for planning a study (Cohen 1988): a one-in-five chance of still missing a real
        effect of this size, at a length of log people can keep up. Below 0.5 the projection would promise
        less than an even chance.
    alpha : float or array-like
        1 − the confidence level of the given intervals (0.05 for 95% intervals); used only to read the
        standard error off the interval.
    p_value : float or array-like, optional
        The unadjusted two-sided Wald p-value of the same estimate (the table's ``p_value``). For a table
        whose intervals use a t reference it does not report, such as
        :func:`~spasmlog.analysis.rates.rate_ratios`' (Satterthwaite degrees of freedom), the degrees of
        freedom are recovered from the estimate, the interval and the p-value together (see Notes).
    df : float or array-like, optional
        Degrees of freedom of the t reference the interval was built with, when known; ``inf`` for a normal
        reference. Give ``df`` or ``p_value``, not both; with neither, the reference is taken as normal.
    span : int or array-like, optional
        Calendar days the current log covers (for one person's daily table, ``len(daily)``). When given,
        the answer is in calendar days, ``additional days × span / n``: days not logged, or not usable for
        this estimate (a missing value, a missing day before a lagged one), keep their current share.
        Without it, the answer counts days the estimate would rest on.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The additional days, rounded up to whole days (a Series named ``additional_days``, with the index
        of the first Series among the inputs, when any input is one, matched by position, not by index; a
        float when every input is a scalar):

        - 0 where the current days already suffice (the projected total is at most ``n``);
        - ``inf`` where the estimate is exactly 1: no effect, so no amount of logging is projected to show
          one;
        - NaN where the estimate, its interval or ``n`` is missing (not estimated).

    Raises
    ------
    ValueError
        For an interval that does not contain its estimate or has no width, a ratio or interval end ≤ 0,
        ``n`` < 1, ``span`` < ``n``, a p-value that fits the interval under no t reference, both ``df``
        and ``p_value``, or a level out of range.

    Notes
    -----
    **Standard error.** With :math:`b = \\log(\\text{rate ratio})` and a Wald interval
    :math:`b \\pm c\\,\\mathrm{se}` on the log scale, :math:`\\mathrm{se} = (\\log \\text{ci\\_high} -
    \\log \\text{ci\\_low}) / (2c)`, with :math:`c` the ``1 − alpha/2`` quantile of the t distribution with
    ``df`` degrees of freedom (the normal one for ``df`` = inf). Short diaries have few: the Satterthwaite
    degrees of freedom of :func:`~spasmlog.analysis.rates.rate_ratios` for water at lag 1 were about 8 at
    45 days, 11 at 60, 15 at 90, 27 at 180 and 48 at 365 (medians of 20 simulated diaries), where
    :math:`c` = 2.31, 2.20, 2.13, 2.05, 2.01 against 1.96. Taking them as normal would overstate the
    standard error by up to 18% and the days needed by up to 39%; hence ``p_value``: the interval gives
    :math:`r = |b| / (c\\,\\mathrm{se})`, the t reference with df degrees of freedom gives the p-value
    :math:`2 P(T_\\mathrm{df} > r\\,t_{\\mathrm{df},1-\\alpha/2})`, which is monotone in df, and the df that
    reproduces the table's p-value is found by root-finding (between 1 and 10⁶; beyond, normal). An
    estimate at the very edge of its interval (p = ``alpha``) fits every df and is taken as normal.

    **Projection.** Assuming the log goes on as it has (the same logging habits, the same share of days
    missing, the factor varying from day to day as much as so far), the standard error shrinks like
    :math:`1/\\sqrt{\\text{days}}`: :math:`\\mathrm{se}_N = \\mathrm{se}\\sqrt{n/N}`. If the true log rate
    ratio is :math:`b`, a two-sided test at level :math:`p^*` (``threshold_p``) rejects in the direction of
    the effect with probability about :math:`\\Phi(|b|/\\mathrm{se}_N - c^*_N)`, where :math:`c^*_N` is the
    ``1 − p*/2`` quantile of its reference, which equals ``power`` at

    .. math:: N = n \\left(\\frac{c^*_N + z_{\\text{power}}}{|b|/\\mathrm{se}}\\right)^2,

    the usual sample-size formula for a Wald test (Lachin 1981). With a t reference its degrees of freedom
    are taken to grow in proportion to the days (:math:`\\mathrm{df}_N = \\mathrm{df}\\,N/n`; the figures
    above grow slightly more slowly), and :math:`N` is found by fixed-point iteration from the normal
    answer. The answer is :math:`\\lceil N - n \\rceil` (at least 0), times ``span / n`` when ``span`` is
    given. A rejection in the wrong direction (at most :math:`p^*/2`) is not counted: it would not show
    *this* effect.

    **How uncertain.** The projection takes the estimate as the truth (a conditional, "if this is the real
    size", answer). It is as uncertain as the estimate: over the interval the projected total runs from
    infinite (when the interval includes 1) to far fewer days at the end away from 1, and the standard
    error of a short diary is itself estimated with error. Power computed from an observed estimate says
    nothing about whether a non-significant result was "close" (Hoenig & Heisey 2001); here it only sizes
    further logging.

    Checked by simulation (``tests/analysis/test_projection.py``, with :func:`spasmlog.simulate.simulate` and one
    pre-specified :func:`~spasmlog.analysis.rates.rate_ratios` test of water at lag 1): from a short diary
    (60 or 90 days, water planted at 0.75 or 0.8 per 500 mL) not yet clear at 5% or 1%, project; plant the
    estimate; simulate 30–60 diaries at half and at twice the projected length. In 25 of 26 such short
    diaries the half length detected the effect in fewer than 80% and the double length in more (the
    projection right to within a factor of two); the one miss was a 90-day diary whose standard error
    came out small, needing more than twice the projection. At the projected length itself the detection
    rate ranged from 0.5 to 1.0 (median 0.76 in 14 diaries): the spread is that of one short diary's
    standard error.

    References
    ----------
    Lachin JM (1981). Introduction to sample size determination and power analysis for clinical trials.
    Control Clin Trials 2:93–113. doi:10.1016/0197-2456(81)90001-5

    Cohen J (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed. Lawrence Erlbaum.
    doi:10.4324/9780203771587

    Hoenig JM, Heisey DM (2001). The abuse of power: the pervasive fallacy of power calculations for data
    analysis. Am Stat 55:19–24. doi:10.1198/000313001300339897

    Examples
    --------
    Water at 0.80 times the spasm rate per 500 mL (95% CI 0.62 to 1.03, normal reference) over 60 days, one
    test at 5%:

    >>> days_to_detect(0.80, 0.62, 1.03, 60)
    99.0
    >>> projection_sentence(days_to_detect(0.80, 0.62, 1.03, 60))
    'If this is the real size, about 14 more weeks of logging would show it.'

    The same for a table, with the calendar days the log covers (10% of days unusable) and a stricter level
    for the second factor:

    >>> table = pd.DataFrame({"rate_ratio": [0.80, 1.0, 1.10, np.nan], "ci_low": [0.62, 0.8, 1.05, np.nan],
    ...                       "ci_high": [1.03, 1.25, 1.15, np.nan], "n": [60, 60, 60, 60]})
    >>> days_to_detect(table["rate_ratio"], table["ci_low"], table["ci_high"], table["n"],
    ...                threshold_p=[0.05, 0.01, 0.05, 0.05], span=66)
    0    109.0
    1      inf
    2      0.0
    3      NaN
    Name: additional_days, dtype: float64

    A table from :func:`~spasmlog.analysis.rates.rate_ratios`, whose t reference is recovered from its
    p-values; two factors tested, each at 0.05 / 2 (Bonferroni):

    >>> import spasmlog
    >>> from spasmlog.analysis import daily_table, rate_ratios
    >>> daily = daily_table(spasmlog.load_sample("alex")).iloc[:90]
    >>> rr = rate_ratios(daily, factors=["water_ml", "sitting_h"], lags=[1])
    >>> rr["days"] = days_to_detect(rr["rate_ratio"], rr["ci_low"], rr["ci_high"], rr["n"],
    ...                             threshold_p=0.05 / 2, p_value=rr["p_value"], span=len(daily))
    >>> rr[["factor", "rate_ratio", "ci_low", "ci_high", "p_value", "n", "days"]].round(3)
          factor  rate_ratio  ci_low  ci_high  p_value   n    days
    0   water_ml       0.951   0.677    1.336    0.766  83  9454.0
    1  sitting_h       1.213   0.981    1.500    0.073  85   168.0
    >>> projection_sentence(rr["days"]).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['An effect of this size would need more than a year of further logging to show.',
     'If this is the real size, about 6 more months of logging would show it.']
    """
    power = float(_check_level(power, "power", 0.5, 1.0, low_closed=True))
    threshold = _check_level(threshold_p, "threshold_p", 0.0, 1.0)
    level = _check_level(alpha, "alpha", 0.0, 1.0)
    if df is not None and p_value is not None:
        _checks.refuse(
            "days_to_detect takes 'df' or 'p_value' (to recover df from), not both.",
            "days_to_detect",
            "p_value",
            p_value,
            "None when 'df' is given",
        )
    inputs: list[object] = [rate_ratio, ci_low, ci_high, n, threshold_p, alpha, p_value, df, span]
    series = next((x for x in inputs if isinstance(x, pd.Series)), None)
    arrays = np.broadcast_arrays(
        *(np.asarray(x, dtype="float64") for x in (rate_ratio, ci_low, ci_high, n, threshold, level)),
        *(np.asarray(np.nan if x is None else x, dtype="float64") for x in (p_value, df, span)),
    )
    ratio, low, high, days, threshold, level, p, dof, calendar = (a.astype("float64", copy=True) for a in arrays)
    known = np.isfinite(ratio) & np.isfinite(low) & np.isfinite(high) & np.isfinite(days)
    bad = known & ~((low > 0) & (low <= ratio) & (ratio <= high) & (low < high))
    if bad.any():
        _checks.refuse(
            "The interval given to days_to_detect must contain its rate ratio and have a width, all > 0: "
            f"at {_where(series, bad)!r} got rate_ratio {ratio[bad][0]!r}, ci_low {low[bad][0]!r}, "
            f"ci_high {high[bad][0]!r}.",
            "days_to_detect",
            "ci_low",
            low[bad][0],
            "0 < ci_low ≤ rate_ratio ≤ ci_high, ci_low < ci_high",
        )
    bad = known & ~(days >= 1)
    if bad.any():
        _checks.refuse(
            f"The 'n' parameter of days_to_detect must be ≥ 1 day. Got {days[bad][0]!r} at {_where(series, bad)!r}.",
            "days_to_detect",
            "n",
            days[bad][0],
            "≥ 1 day",
        )
    bad = known & ~(calendar >= days) if span is not None else np.zeros_like(known)
    if bad.any():
        _checks.refuse(
            "The 'span' parameter of days_to_detect (calendar days) must be at least 'n' (days used). "
            f"Got span {calendar[bad][0]!r} for n {days[bad][0]!r} at {_where(series, bad)!r}.",
            "days_to_detect",
            "span",
            calendar[bad][0],
            "at least 'n'",
        )
    if df is None:
        dof = np.full_like(dof, np.inf)
    elif (known & ~(dof > 0)).any():
        bad = known & ~(dof > 0)
        _checks.refuse(
            "The 'df' parameter of days_to_detect must be > 0 (inf for a normal reference). "
            f"Got {dof[bad][0]!r} at {_where(series, bad)!r}.",
            "days_to_detect",
            "df",
            dof[bad][0],
            "> 0 (inf for a normal reference)",
        )

    log_ratio = np.log(np.where(known, ratio, 1.0))
    half_width = np.log(np.where(known, high, 2.0)) / 2 - np.log(np.where(known, low, 1.0)) / 2
    if p_value is not None:
        bad = known & ~((p > 0) & (p <= 1))
        if bad.any():
            _checks.fail("days_to_detect", "p_value", p[bad][0], "in (0, 1]")
        for i in np.flatnonzero(known.ravel()):
            dof.flat[i] = _recover_df(log_ratio.flat[i], half_width.flat[i], p.flat[i], level.flat[i])
        bad = known & np.isnan(dof)
        if bad.any():
            _checks.refuse(
                "The 'p_value' given to days_to_detect does not fit its interval under any t reference "
                f"(at {_where(series, bad)!r}: rate_ratio {ratio[bad][0]!r}, CI {low[bad][0]!r} to "
                f"{high[bad][0]!r}, p {p[bad][0]!r}). Give the unadjusted, unrounded Wald p-value of the same "
                "estimate.",
                "days_to_detect",
                "p_value",
                p[bad][0],
                "the Wald p-value of the estimate and interval given",
            )

    with np.errstate(divide="ignore", invalid="ignore"):
        se = half_width / _t_quantile(1 - level / 2, dof)
        signal = np.abs(log_ratio) / se  # |b| / se: the current estimate in standard errors
        z_power = norm_ppf(power)
        total = days * ((norm_ppf(1 - threshold / 2) + z_power) / signal) ** 2  # normal reference
        for _ in range(100):  # t reference with df growing like the days: c*_N falls as N grows
            grown = dof * np.maximum(total, days) / days
            updated = days * ((_t_quantile(1 - threshold / 2, grown) + z_power) / signal) ** 2
            converged = np.allclose(updated, total, rtol=1e-10, atol=0, equal_nan=True)
            total = updated
            if converged:
                break
        extra = np.maximum(total - days, 0.0)
        if span is not None:
            extra = extra * calendar / days
        # whole days; the 1e-9 keeps a projection of exactly k days (up to rounding error) at k
        result = np.where(known, np.maximum(np.ceil(extra - 1e-9), 0.0), np.nan)

    if series is not None:
        return pd.Series(result, index=series.index, name="additional_days")
    if result.ndim == 0:
        return float(result)
    return result


def _sentence(days: float) -> str:
    if np.isnan(days):
        return ""
    if np.isposinf(days):
        return "The estimate is no difference at all, so no amount of further logging is projected to show one."
    if days <= 0:
        return "Already clear from the days logged so far."
    if days < _DAYS_WORDS:
        count, unit = max(1, round(days)), "day"
    elif days < _WEEKS_WORDS:
        count, unit = round(days / 7), "week"
    elif days < _MONTHS_WORDS:
        count, unit = round(days / DAYS_PER_MONTH), "month"
    else:
        return "An effect of this size would need more than a year of further logging to show."
    plural = "" if count == 1 else "s"
    return f"If this is the real size, about {count} more {unit}{plural} of logging would show it."


@overload
def projection_sentence(additional_days: float) -> str: ...
@overload
def projection_sentence(additional_days: pd.Series) -> pd.Series: ...
@overload
def projection_sentence(additional_days: ArrayLike) -> str | list[str]: ...
def projection_sentence(additional_days: ArrayLike | pd.Series) -> str | list[str] | pd.Series:
    """The projection of :func:`days_to_detect` in plain words, in round units.

    Parameters
    ----------
    additional_days : float, array-like or pandas.Series
        Further days of logging, from :func:`days_to_detect` (with ``span``, calendar days, which is
        what "weeks of logging" means to a person).

    Returns
    -------
    str, list of str or pandas.Series
        One sentence per value (a Series keeps its index):

        - fewer than 3 weeks: "If this is the real size, about 10 more days of logging would show it.";
        - fewer than 4 months: "... about 10 more weeks ...";
        - less than a year: "... about 5 more months ...";
        - a year or more: "An effect of this size would need more than a year of further logging to show.";
        - 0: "Already clear from the days logged so far.";
        - ``inf`` (an estimate of exactly 1): "The estimate is no difference at all, so no amount of further
          logging is projected to show one.";
        - NaN (not estimated): an empty string; the table's status says why.

    Raises
    ------
    ValueError
        For a negative number of days.

    Notes
    -----
    Days are rounded to the nearest whole day (at least 1), weeks to the nearest week and months (of
    365.25 / 12 days) to the nearest month; "about" says the projection is a guide (see
    :func:`days_to_detect`: it takes the current estimate as the real size).

    Examples
    --------
    >>> projection_sentence(70)
    'If this is the real size, about 10 more weeks of logging would show it.'
    >>> projection_sentence([0, 12, 150, 400, np.inf, np.nan])  # doctest: +NORMALIZE_WHITESPACE
    ['Already clear from the days logged so far.',
     'If this is the real size, about 12 more days of logging would show it.',
     'If this is the real size, about 5 more months of logging would show it.',
     'An effect of this size would need more than a year of further logging to show.',
     'The estimate is no difference at all, so no amount of further logging is projected to show one.',
     '']
    """
    values = np.asarray(additional_days, dtype="float64")
    if (values < 0).any():
        _checks.refuse(
            f"The 'additional_days' parameter of projection_sentence must be ≥ 0 (or inf, or NaN). "
            f"Got {additional_days!r} instead.",
            "projection_sentence",
            "additional_days",
            additional_days,
            "≥ 0 (or inf, or NaN)",
        )
    if isinstance(additional_days, pd.Series):
        return pd.Series([_sentence(v) for v in values], index=additional_days.index, dtype=object)
    if values.ndim == 0:
        return _sentence(float(values))
    return [_sentence(float(v)) for v in values.ravel()]
