"""Two-stage cohort estimates: each person's own estimates combined in a random-effects meta-analysis.

:func:`meta_analysis` takes the per-person rows of :func:`~spasmlog.rate_ratios` (``person="person_id"``),
:func:`~spasmlog.correlate` (``person="person_id"``), :func:`~spasmlog.intervention_effect` or
:func:`~spasmlog.session_effect` run on each person, and says, for every factor × lag, the average association
across people, how much people differ (τ², I²), where a new person's association would probably lie (the
prediction interval), and how many people appear to respond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.stats.distributions import norm_ppf
from spasmlog.stats.meta import METHODS, random_effects

__all__ = ["META_COLUMNS", "meta_analysis"]

GROUP_COLUMNS: tuple[str, ...] = ("factor", "lag", "intervention", "term", "window")
"""The columns that name what a per-person row estimates; ``by=None`` groups by those present."""

META_COLUMNS: list[str] = [
    "k",
    "people_without_estimate",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "tau2",
    "i2",
    "q",
    "q_p_value",
    "pi_low",
    "pi_high",
    "share_lower",
    "share_higher",
    "share_lower_by",
    "share_higher_by",
    "people_lower",
    "people_higher",
    "status",
]


def _scale(per_person: pd.DataFrame, estimate: str | None, function: str) -> tuple[str, Literal["log", "fisher"]]:
    if estimate is None:
        if "rate_ratio" in per_person:
            estimate = "rate_ratio"
        elif "r" in per_person:
            estimate = "r"
        else:
            _checks.refuse(
                f"{function} needs a column of per-person estimates: `rate_ratio` (rate_ratios, intervention_effect, "
                "session_effect) or `r` (correlate); pass estimate= to name another ratio.",
                function,
                "per_person",
                list(per_person.columns),
                "a table with a rate_ratio or r column",
            )
    estimate = _checks.column(per_person, estimate, "estimate", function, frame="per_person")
    return estimate, ("fisher" if estimate == "r" else "log")


def meta_analysis(
    per_person: pd.DataFrame,
    *,
    by: Sequence[str] | None = None,
    estimate: str | None = None,
    method: Literal["reml", "dl"] = "reml",
    alpha: float = 0.05,
    ci_level: float = 0.95,
    meaningful: float = 1.25,
    person: str = "person_id",
) -> pd.DataFrame:
    r"""Combine each person's own estimate into a cohort estimate with a random-effects meta-analysis.

    The second stage of a two-stage analysis: first each person's days give that person's rate ratio (or
    correlation) with its interval, then these are combined, weighting each person by the precision of
    their estimate and allowing the true associations to differ from person to person.

    **Which tool when.** :func:`~spasmlog.within_person` pools every person's days in one repeated-measures
    correlation: quick, one number per factor × lag, but it does not say how much people differ.
    :func:`~spasmlog.cohort_model` fits one count model over everyone's days (GEE), a population-average rate
    ratio that weights people by their days and spasms. Use ``meta_analysis`` when people may respond
    differently and that difference is the question (does water help most people a little, or a few people a
    lot?), when each person's estimates were made apart (on a Spark cluster with :mod:`spasmlog.spark`, or at
    different clinics), or when only per-person estimates can leave where the data are.

    Parameters
    ----------
    per_person : pandas.DataFrame
        Per-person rows: :func:`~spasmlog.rate_ratios` or :func:`~spasmlog.correlate` with
        ``person="person_id"``, or the rows of :func:`~spasmlog.intervention_effect` and
        :func:`~spasmlog.session_effect` of each person stacked with a ``person_id`` column. Needs the
        estimate, ``ci_low`` and ``ci_high`` (an ``se`` column on the log or Fisher-z scale is used instead of
        the interval when present); rows whose ``status`` is not ``"ok"`` or without a finite estimate and
        interval are counted in ``people_without_estimate``, not combined.
    by : sequence of str, optional
        The columns naming what is estimated; default: those of ``factor``, ``lag``, ``intervention``,
        ``term``, ``window`` present. One result row per combination.
    estimate : str, optional
        The estimate column: ``rate_ratio`` (combined on the log scale) or ``r`` (on the Fisher-z scale);
        default: whichever is present (``rate_ratio`` first). Any other column is taken to be a ratio.
    method : {"reml", "dl"}
        The estimator of the between-person variance τ²: restricted maximum likelihood (default) or
        DerSimonian–Laird (see :mod:`spasmlog.stats.meta`).
    alpha : float
        1 − the level of the pooled interval and of the prediction interval.
    ci_level : float
        The level of the per-person intervals given (0.95 for ``alpha=0.05``, the analyses' default).
    meaningful : float
        A ratio counted as a meaningful change (1.25: a quarter more spasms, or ``1/1.25`` = a fifth fewer)
        for ``share_lower_by`` and ``share_higher_by``; for correlations, ``r`` beyond ± (``meaningful`` − 1)
        (0.25 by default).
    person : str
        The column naming people (a person with two rows in one group is refused).

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "meta_analysis"``.
        One row per group (the ``by`` columns first):

        - ``k``: people combined; ``people_without_estimate``: people of the group without one;
        - ``estimate`` (the pooled ``rate_ratio`` or ``r``, named after ``estimate``), ``ci_low``,
          ``ci_high``, ``p_value``: the average association across people and its 100(1 − ``alpha``)%
          interval (normal, Wald); ``p_value`` is each row's own, not adjusted for the number of rows (factors
          × lags) tested: adjust across the rows you test (e.g. ``statsmodels.stats.multitest.multipletests``);
        - ``tau2``: the between-person variance of the true associations (log or Fisher-z scale);
          ``i2``: the share (0–1) of the spread of the estimates that is between people rather than
          chance; ``q``, ``q_p_value``: Cochran's test that everyone has the same association;
        - ``pi_low``, ``pi_high``: the 100(1 − ``alpha``)% prediction interval, where a new person's true
          association would lie (t on k − 2 degrees of freedom; missing when k < 3);
        - ``share_lower``, ``share_higher``: the share of people whose true association is below / above
          no association (ratio 1, r 0) under the fitted normal spread (plug-in estimates); empty when
          fewer than 3 people were combined or no spread between people was found (τ² = 0), where the
          plug-in share would be 0 or 1;
          ``share_lower_by``, ``share_higher_by``: the same beyond ``meaningful``;
        - ``people_lower``, ``people_higher``: people whose own interval lies wholly below / above no
          association (their own estimates, not corrected for multiple comparisons);
        - ``status``: ``"ok"`` or why no estimate was made (``"no person with an estimate"``).

    Notes
    -----
    Each person's standard error on the log (Fisher-z) scale is the ``se`` column when the table has one
    (:func:`~spasmlog.rate_ratios` gives its model's own), else it is read from their interval:
    :math:`(\log \mathrm{ci_{high}} - \log \mathrm{ci_{low}}) / (2 z_{(1+\mathrm{level})/2})`. The intervals of
    :func:`~spasmlog.intervention_effect` and :func:`~spasmlog.session_effect` use a t reference with the
    model's residual degrees of freedom, so this fallback overstates each standard error a little (by
    :math:`t/z`: 1.4% with 90 degrees of freedom, 0.3% with 365 days), nearly the same for everyone; it widens
    the pooled interval by about as much.

    The shares assume the true associations are normal on the log scale around the pooled one with
    variance τ², and ignore the uncertainty of both: read them as "about how many", and only with tens of
    people. The people whose own interval excludes no association are counted without any correction: with
    no association at all, about ``alpha`` / 2 of them fall on each side by chance. All of it describes
    associations across people, not what a factor causes.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("clinic"))
    >>> per_person = spasmlog.rate_ratios(daily, factors=["water_ml"], lags=(0, 1), person="person_id")
    >>> result = spasmlog.meta_analysis(per_person)
    >>> result[["factor", "lag", "k", "rate_ratio", "ci_low", "ci_high", "pi_low", "pi_high"]].round(2)
         factor  lag   k  rate_ratio  ci_low  ci_high  pi_low  pi_high
    0  water_ml    0  12        1.01    0.91     1.11    0.77     1.31
    1  water_ml    1  12        0.94    0.84     1.05    0.67     1.31
    >>> result[["tau2", "i2", "share_lower"]].iloc[1].round(2).tolist()
    [0.02, 0.49, 0.68]
    >>> result[["people_lower", "people_higher"]].iloc[1].tolist()
    [2, 0]

    Across these twelve clients, 500 mL more to drink the day before is associated with 0.94 times the
    spasms on average (95 % CI 0.84 to 1.05), but clients differ (I² 49 %): a new client's association would
    probably lie between 0.67 and 1.31, and about two in three appear to have fewer spasms after drinking more.
    """
    function = "meta_analysis"
    per_person = _checks.dataframe(per_person, "per_person", function)
    _checks.one_of(method, "method", function, METHODS)
    alpha = _checks.probability(alpha, "alpha", function)
    ci_level = _checks.probability(ci_level, "ci_level", function)
    meaningful = _checks.number(meaningful, "meaningful", function, low=1.0, low_open=True)
    person = _checks.column(per_person, person, "person", function, frame="per_person", numeric=False)
    name, scale = _scale(per_person, estimate, function)
    groups = (
        [c for c in GROUP_COLUMNS if c in per_person]
        if by is None
        else [
            _checks.column(per_person, c, "by", function, frame="per_person", numeric=False)
            for c in ([by] if isinstance(by, str) else list(by))
        ]
    )
    if per_person.duplicated([person, *groups]).any():
        twice = per_person.loc[per_person.duplicated([person, *groups]), person].iloc[0]
        _checks.refuse(
            f"{function} needs one row per person in each group ({groups}); person {twice!r} has more. "
            "Pass by= with the columns that tell their rows apart.",
            function,
            "by",
            groups,
            "columns that make each person's rows unique",
        )
    transform = (lambda x: np.arctanh(x)) if scale == "fisher" else (lambda x: np.log(x))
    back = (lambda x: np.tanh(x)) if scale == "fisher" else (lambda x: np.exp(x))
    step = math.atanh(min(meaningful - 1.0, 0.999)) if scale == "fisher" else math.log(meaningful)
    quantile = float(norm_ppf(0.5 + ci_level / 2.0))

    frame = per_person
    with np.errstate(divide="ignore", invalid="ignore"):
        y_all = transform(frame[name].to_numpy(dtype=np.float64, na_value=np.nan))
        if "se" in frame:
            se_all = frame["se"].to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            low = transform(frame["ci_low"].to_numpy(dtype=np.float64, na_value=np.nan))
            high = transform(frame["ci_high"].to_numpy(dtype=np.float64, na_value=np.nan))
            se_all = (high - low) / (2.0 * quantile)
    usable = np.isfinite(y_all) & np.isfinite(se_all) & (se_all > 0)
    if "status" in frame:
        usable &= frame["status"].astype(str).eq("ok").to_numpy()
    if "ci_low" in frame and "ci_high" in frame:
        own_low = frame["ci_low"].to_numpy(dtype=np.float64, na_value=np.nan)
        own_high = frame["ci_high"].to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        own_low = back(y_all - quantile * se_all)
        own_high = back(y_all + quantile * se_all)
    null = 0.0 if scale == "fisher" else 1.0

    rows = []
    keys = (
        frame.groupby(groups, sort=False, dropna=False).indices
        if groups
        else {(): np.arange(len(frame), dtype=np.int64)}
    )
    for key, index in keys.items():
        take = index[usable[index]]
        fit = random_effects(y_all[take], se_all[take] ** 2, method=method, alpha=alpha)
        row: dict[str, object] = dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=True))
        ok = fit.k > 0
        # A share of people needs a spread: with fewer than 3 people or no spread found (τ² = 0) the plug-in
        # share is 0 or 1 ("everyone"), which no data of this kind can show; it is left empty then.
        spread = fit.k >= 3 and fit.tau2 > 0
        row |= {
            "k": fit.k,
            "people_without_estimate": int(frame[person].iloc[index].nunique() - frame[person].iloc[take].nunique()),
            "estimate": float(back(fit.mu)),
            "ci_low": float(back(fit.ci_low)),
            "ci_high": float(back(fit.ci_high)),
            "p_value": fit.p_value,
            "tau2": fit.tau2,
            "i2": fit.i2,
            "q": fit.q,
            "q_p_value": fit.q_p_value,
            "pi_low": float(back(fit.pi_low)),
            "pi_high": float(back(fit.pi_high)),
            "share_lower": fit.share_below(0.0) if spread else math.nan,
            "share_higher": 1.0 - fit.share_below(0.0) if spread else math.nan,
            "share_lower_by": fit.share_below(-step) if spread else math.nan,
            "share_higher_by": 1.0 - fit.share_below(step) if spread else math.nan,
            "people_lower": int((own_high[take] < null).sum()),
            "people_higher": int((own_low[take] > null).sum()),
            "status": "ok" if ok else "no person with an estimate",
        }
        rows.append(row)
    result = pd.DataFrame(rows, columns=[*groups, *META_COLUMNS])
    result = result.rename(columns={"estimate": name})
    result["status"] = result["status"].astype("str")
    result.attrs["kind"] = "meta_analysis"
    result.attrs["method"] = method
    result.attrs["estimate"] = name
    return result
