"""Rate ratios of one person's days: what goes with more or fewer spasms, and by how much.

Daily spasm counts are small, over-dispersed and autocorrelated, so every model here is a log-linear
count model and every result a **rate ratio**: the factor by which the expected number of spasms per day
is multiplied. :func:`rate_ratios` judges every factor at several lags, per a meaningful step of it
(:data:`DEFAULT_PER`); :func:`compare_days` compares days below a threshold (the person's reference intake)
with days at or above it. Both are adjusted by default for the day of the week and a smooth time trend,
and fitted with the engine of :mod:`spasmlog.stats.glm` through :func:`spasmlog.analysis._person_days.fit_person`.

All results describe associations in the data that were logged, never causes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._docs import fill_doc
from spasmlog.analysis._person_days import Calendar, Model, by_person, fit_person
from spasmlog.analysis.daily import INTAKE_COLUMNS, association_factors
from spasmlog.analysis.decision import decide_rows, hypothesis_of, one_sided_weights
from spasmlog.analysis.multicomp import ADJUST_METHODS, Adjust
from spasmlog.logformat.factors import FACTORS
from spasmlog.stats.maxt import weighted_max_t_pvalue
from spasmlog.stats.serial_covariance import joint_correlation

__all__ = ["DEFAULT_PER", "compare_days", "rate_ratios"]

DEFAULT_PER: dict[str, float] = {name: entry.step for name, entry in FACTORS.items() if entry.step is not None}
"""The step of each built-in factor that a rate ratio refers to, in the factor's unit: 500 mL of water,
100 mg of magnesium or caffeine, 10 g of alcohol (one standard drink), 30 min of exercise, 10 min of
stretching, 1000 steps, one hour of sitting or sleep, one point of stress, RPE or posture, 10 percentage
points of a reference intake (``water_pct``, ...). Yes/no factors, interventions (``on_*``) and any factor
whose values are only 0 and 1 are per 1 (days with it vs days without); other user-defined factors are
per a round step (1, 2 or 5 × a power of ten) close to their standard deviation. Built from the ``step`` of
:data:`spasmlog.logformat.factors.FACTORS`."""
_MIN_DAYS_EACH_SIDE = 7

RATE_RATIO_COLUMNS: list[str] = [
    "factor", "lag", "per", "rate_ratio", "ci_low", "ci_high", "se", "p_value", "p_adjusted", "n", "status",
    "hypothesis", "family", "p_factor", "p_within",
]  # fmt: skip
"""The columns of :func:`rate_ratios` (after ``person_id`` with ``person``)."""


def per_of(column: pd.Series, name: str, override: Mapping[str, float]) -> float:
    """The step a rate ratio refers to: the override, the built-in default, 1 for 0/1 factors, else a round SD."""
    if name in override:
        return override[name]
    if name in DEFAULT_PER:
        return DEFAULT_PER[name]
    values = pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()
    values = values[np.isfinite(values)]
    if name.startswith("on_") or values.size == 0 or np.isin(values, (0.0, 1.0)).all():
        return 1.0
    sd = float(np.std(values))
    if not sd > 0:
        return 1.0
    exponent = math.floor(math.log10(sd))
    candidates = np.array([1.0, 2.0, 5.0, 10.0]) * 10.0**exponent
    return float(candidates[np.argmin(np.abs(np.log(candidates / sd)))])


def default_factors(daily: pd.DataFrame, outcome: str, person: str | None) -> list[str]:
    """The factors rate_ratios judges by default: association_factors, less the column naming people."""
    return [c for c in association_factors(daily, outcome=outcome) if c != person]


@fill_doc
def rate_ratios(
    daily: pd.DataFrame,
    *,
    outcome: str = "spasm_count",
    factors: Sequence[str] | None = None,
    lags: Sequence[int] = (0, 1, 2, 3),
    per: Mapping[str, float] | None = None,
    adjust_for: Sequence[str] | None = None,
    adjust: Adjust = "fdr_bh",
    alpha: float = 0.05,
    min_days: int = 28,
    person: str | None = None,
    weekday: bool = True,
    trend: bool = True,
    by: str | None = None,
) -> pd.DataFrame:
    r"""Rate ratio of spasms per meaningful step of each factor, at each lag, for one person's days.

    Each factor is **one hypothesis** ("it is associated with spasms at some lag"), tested once over its
    lags and its variants, and everything is decided by the one rule of
    :mod:`spasmlog.analysis.decision`: the SPEC's known suspects (water, the four minerals, exercise and
    unaccustomed load, sitting, posture breaks, sleep, stress, caffeine, alcohol) are the primary family,
    every other column (a person's own ``banana``, steps, stretching minutes) the exploratory one.

    Parameters
    ----------
    {daily}
    {outcome}
    factors : sequence of str, optional
        Factor columns. Default: :func:`~spasmlog.analysis.daily.association_factors`: every factor except the
        interventions (``on_*``; judge those with :func:`intervention_effect` and
        :func:`spasmlog.session_effect`) and the ``*_pct`` columns whose intake column is present.
    lags : sequence of int
        Days between the factor and the spasms: the factor on day t − lag against spasms on day t.
    per : mapping, optional
        Steps that override :data:`DEFAULT_PER`, such as ``{"water_ml": 250}``.
    adjust_for : sequence of str, optional
        Factors (on the same day, lag 0) to adjust every model for. A yes/no one (an intervention's
        ``on_*``) that singles out a single day of a model, or only days without spasms, gets no term:
        those days leave that model instead (its term would fit them exactly, or run off to infinity).
    adjust : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        ``"fdr_bh"`` (default): the decision rule (weighted Benjamini–Hochberg over the hypotheses, see
        :func:`spasmlog.analysis.decision.decide`); another method applies that correction, unweighted, across
        the hypotheses (within each person with ``person``).
    alpha : float
        1 − confidence level of the intervals, and the error budget of the decision rule.
    min_days : int
        Fewest days (outcome, factor at that lag and adjusters all recorded) a model may rest on.
    {person}
    {weekday}
    {trend}
    {by}

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "rate_ratios"``.
        One row per factor × lag (per person with ``person``, ``person_id`` first):

        - ``factor``, ``lag`` (days), ``per`` (the step of the factor the ratio refers to, in its unit);
        - ``rate_ratio``: how many times as many spasms are expected on day t per ``per`` more of the factor
          on day t − lag (the factor's other lags not held fixed); ``ci_low``, ``ci_high``: its interval;
          ``se``: the standard error of its logarithm (the model's, which the interval and ``p_value`` use
          with a t reference; :func:`~spasmlog.meta_analysis` weights people by it);
        - ``p_value``: that lag's own test; ``p_adjusted``: the smallest error budget at which this row is
          stated (a row is a finding exactly when ``p_adjusted ≤ alpha``);
        - ``n``: days the model rests on; ``status``: ``"ok"`` or why no estimate was made
          (``"no spasm data logged"`` when no day has spasms recorded, as events or a count, ``"factor not
          recorded"``, ``"too few days (20 < 28)"``, counted on the days with both the factor at that lag
          and the outcome recorded (``"too few days with the factor and spasms both recorded (0 < 28; the
          factor on 33 days, spasms on 60)"`` when each has days of its own), ``"factor constant"``,
          ``"no spasms logged"``, ``"too few days with spasms (3 < 5)"``, ``"outcome constant"``,
          ``"factor collinear with the adjustment (...)"``, ``"no finite estimate (separation: ...)"``
          when the factor's days with spasms are too few to bound the estimate (the days of a weekday
          without any spasm are left out of the fit instead, as its own term would fit them exactly),
          ``"standard error not estimable (...)"``, ``"model did not converge"``);
        - ``hypothesis`` (``water`` for ``water_ml`` and ``water_pct``; ``exercise`` for its four
          measures), ``family`` (``"primary"`` or ``"exploratory"``), ``p_factor`` (the hypothesis's one
          test) and ``p_within`` (this row's p-value adjusted within its hypothesis).

    Notes
    -----
    For each factor and lag ℓ, one quasi-Poisson log-linear model on every day whose count and the
    factor ℓ days before are both logged (a day missing removes that day from each model, not four):

    .. math:: \log E[y_t] = \beta_0 + \beta_\ell\, x_{t-\ell}/\text{per} + \text{weekday}_t + s(t)
        + \text{adjusters}_t

    where *s* is a piecewise-linear trend with one bend every 13 weeks. Quasi-Poisson estimates are
    consistent whenever the mean model is right, whatever the over-dispersion and the day-to-day dependence
    (Gourieroux et al. 1984; Zeger 1988). Their covariance allows for autocorrelated noise estimated from
    the residuals of the days logged, with a working variance μ(1 + αμ)
    (:func:`spasmlog.stats.serial_covariance.acf_covariance`), and intervals and p-values use a t reference
    with n − p degrees of freedom. This replaced Newey–West errors with a Satterthwaite t reference, whose
    noisy variance estimate left 10–20 degrees of freedom on four months of days and lost most of the power
    in the far tail where a correction across factors looks.

    **One test per factor.** The statistics of a factor's lags (and of its variants, such as exercise
    minutes and exercise load) are combined in a weighted max-T test with their joint correlation
    (:func:`spasmlog.stats.maxt.weighted_max_t_pvalue`): lags 0 and 1 and the direction the
    SPEC expects hold most of the test (:data:`spasmlog.analysis.decision.LAG_PRIOR`,
    :data:`~spasmlog.analysis.decision.EXPECTED_SHARE`), so a same-day or next-day effect in the expected
    direction needs less evidence than one three days later or the other way round, which is still found.
    The factors' p-values are then corrected together (weighted Benjamini–Hochberg, primary family 80 % of
    the budget), and only inside the factors that pass is each lag judged (Benjamini–Bogomolov), so the
    lag of a finding is described at the level its selection allows.

    **Reading the lags.** A row does not hold the other lags fixed: when a factor is autocorrelated (water
    today resembles water yesterday), an effect on the day after shows, weaker, on the same day and two
    days after too. The lag with the strongest evidence is where it sits (in simulation, a 0.8 per 500 mL
    effect at lag 1 was placed at lag 1 in ≥ 85 % of one-year diaries), and :func:`~spasmlog.findings`
    states a finding at that lag.

    Adjusting for weekday and trend means each ratio compares days with more and less of the factor
    **within the same weeks and season**. Minimum data: ``min_days`` days, of which at least five with
    spasms, and an outcome that varies; otherwise no number, only the reason in ``status``. A finding is an
    association: something else that varies from day to day with the factor may explain it. Calibration
    and power, measured with the project's simulator, are in ``benchmarks/bench_power.py``.

    References
    ----------
    Zeger SL (1988). A regression model for time series of counts. Biometrika 75:621–629.
    doi:10.1093/biomet/75.4.621

    Gourieroux C, Monfort A, Trognon A (1984). Pseudo maximum likelihood methods: applications to Poisson
    models. Econometrica 52:701–720. doi:10.2307/1913472

    Genovese CR, Roeder K, Wasserman L (2006). False discovery control with p-value weighting. Biometrika
    93:509–524. doi:10.1093/biomet/93.3.509

    Benjamini Y, Bogomolov M (2014). Selective inference on multiple families of hypotheses. J R Stat Soc
    B 76:297–318. doi:10.1111/rssb.12028

    Bhaskaran K, Gasparrini A, Hajat S, Smeeth L, Armstrong B (2013). Time series regression studies in
    environmental epidemiology. Int J Epidemiol 42:1187–1195. doi:10.1093/ije/dyt092

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex"))
    >>> table = rate_ratios(daily, factors=["water_ml", "sitting_h", "caffeine_mg"], lags=(0, 1))
    >>> table[["factor", "lag", "per", "rate_ratio", "ci_low", "ci_high", "p_adjusted"]].round(3)
            factor  lag    per  rate_ratio  ci_low  ci_high  p_adjusted
    0     water_ml    0  500.0       0.832   0.735    0.942       0.015
    1     water_ml    1  500.0       0.710   0.627    0.804       0.000
    2    sitting_h    0    1.0       1.043   0.959    1.135       0.542
    3    sitting_h    1    1.0       1.029   0.945    1.120       0.542
    4  caffeine_mg    0  100.0       0.904   0.746    1.096       1.000
    5  caffeine_mg    1  100.0       1.026   0.846    1.244       1.000
    >>> table["n"].tolist()
    [682, 657, 691, 667, 685, 661]

    Each 500 mL more to drink than usual on a day is associated with 0.71 times as many spasms the next
    day (95 % CI 0.63 to 0.80; 657 days); the same-day association (0.83) is the next day's showing through
    water's day-to-day persistence.
    """
    function = "rate_ratios"
    person = _checks.renamed(by, person, old_name="by", new_name="person", function=function)
    daily = _checks_daily.daily_frame(daily, function)
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    lag_list = _checks_daily.lags(lags, function)
    steps = _checks_daily.per(per, function)
    _checks.one_of(adjust, "adjust", function, ADJUST_METHODS)
    _checks.probability(alpha, "alpha", function)
    min_days = _checks.whole(min_days, "min_days", function, minimum=1)
    _checks_daily.one_person(daily, person, function)
    factor_list = (
        default_factors(daily, outcome, person)
        if factors is None
        else _checks.columns(daily, factors, "factors", function, frame="daily")
    )
    adjusters = _checks.columns(daily, adjust_for, "adjust_for", function, frame="daily")
    step_of = {f: per_of(daily[f], f, steps) for f in factor_list}

    tables = []
    for key, frame in by_person(daily, person):
        calendar = Calendar.of(frame, function)
        y = calendar.values(outcome)
        base = calendar.time_design(weekday=weekday, trend=trend)
        adj = [calendar.values(a) for a in adjusters]
        models: list[Model] = []
        labels: list[tuple[str, int, float]] = []
        for factor in factor_list:
            for lag in lag_list:  # one model per lag: each uses every day with the factor `lag` days before
                skip = adjusters.index(factor) if (lag == 0 and factor in adjusters) else None
                models.append(Model(calendar.values(factor, lag)[:, None] / step_of[factor], skip))
                labels.append((factor, lag, step_of[factor]))
        if not models:
            continue
        details: dict[str, np.ndarray] = {}
        result = fit_person(
            calendar, y, base, adj, models, min_days=min_days, alpha=alpha, inference="acf", details=details
        )
        result["factor"] = [f for f, _, _ in labels]
        result["lag"] = np.array([g for _, g, _ in labels], dtype=np.int64)
        result["per"] = np.array([s for _, _, s in labels], dtype=np.float64)
        result["se"] = details["se"][:, 0]
        result = _decide_rows(result, details, alpha=alpha, adjust=adjust)
        if person is not None:
            result.insert(0, person, [key] * len(result))
        tables.append(result)
    out = (
        pd.concat(tables, ignore_index=True)
        if tables
        else pd.DataFrame(columns=([person] if person else []) + RATE_RATIO_COLUMNS)
    )
    out.attrs["kind"] = "rate_ratios"
    return out


def _decide_rows(
    result: pd.DataFrame, details: Mapping[str, np.ndarray], *, alpha: float, adjust: Adjust
) -> pd.DataFrame:
    """One test per hypothesis (max-T over its lags and variants), the decision rule, row-level p_adjusted.

    Returns one person's rows with ``p_adjusted``, ``hypothesis``, ``family``, ``p_factor`` and ``p_within``
    added, in the columns' order of :data:`RATE_RATIO_COLUMNS`.
    """
    names = [hypothesis_of(str(f)) for f in result["factor"]]
    result["hypothesis"] = [n for n, _ in names]
    result["family"] = [f for _, f in names]
    ok = (result["status"] == "ok").to_numpy()
    z = details["z"][:, 0] if "z" in details else np.full(len(result), np.nan)
    p_factor = np.full(len(result), np.nan)
    p_within = np.full(len(result), np.nan)
    for found in result.groupby("hypothesis", sort=False).indices.values():
        index = np.asarray(found, dtype=np.int64)
        rows = index[ok[index]]
        if rows.size == 0 or "influence" not in details:
            continue
        corr = joint_correlation(details["influence"][rows, :, 0], details["phi"][rows], details["rho"][rows])
        up, down = one_sided_weights(
            [str(f) for f in result["factor"].to_numpy()[rows]], [int(g) for g in result["lag"].to_numpy()[rows]]
        )
        p_factor[index] = weighted_max_t_pvalue(z[rows], corr, up, down)
        for i, row in enumerate(rows):
            p_within[row] = weighted_max_t_pvalue(z[rows], corr, up, down, at=i)
    result["p_factor"] = p_factor
    result["p_within"] = p_within
    result["p_adjusted"] = decide_rows(result, alpha=alpha, adjust=adjust)["p_adjusted"].to_numpy()
    return result[RATE_RATIO_COLUMNS]


@fill_doc
def compare_days(
    daily: pd.DataFrame,
    factor: str,
    *,
    below: float | None = None,
    outcome: str = "spasm_count",
    lag: int = 0,
    alpha: float = 0.05,
    min_days: int = 28,
    person: str | None = None,
    weekday: bool = True,
    trend: bool = True,
    by: str | None = None,
) -> pd.DataFrame:
    """Rate ratio of spasms on days below a threshold of a factor vs days at or above it.

    Parameters
    ----------
    {daily}
    factor : str
        The factor, such as ``"water_ml"``. When it has a reference intake (a ``*_pct`` column, e.g.
        ``water_pct``) and ``below`` is not given, the threshold is the person's own reference intake:
        100 % in that column.
    below : float, optional
        The threshold in the factor's own unit (days with the factor < ``below`` are "below"). Required
        for factors without a reference intake.
    {outcome}
    lag : int
        Compare the factor on day t − lag with spasms on day t.
    alpha : float
        1 − confidence level.
    min_days : int
        Fewest days in total; each side also needs at least 7 days.
    {person}
    {weekday}
    {trend}
    {by}

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "compare_days"``.
        One row (per person with ``person``, ``person_id`` first): ``factor`` (the column compared, e.g.
        ``water_pct``), ``lag``, ``threshold`` (in that column's unit), ``days_below``,
        ``days_at_or_above``, ``mean_below`` and ``mean_at_or_above`` (mean daily count on those days,
        unadjusted), ``rate_ratio`` (below vs at or above, adjusted for weekday and trend), ``ci_low``,
        ``ci_high``, ``p_value``, ``status`` (``"ok"``, or why there is no estimate: too few days on a side,
        or every day on one side of the threshold, ``"all 90 days were below the reference intake, ..."``).

    Notes
    -----
    The same quasi-Poisson model with Newey–West errors as :func:`rate_ratios`, with a 0/1 indicator of
    "below" in place of the factor. One comparison, so no multiple-comparison correction; if several
    thresholds or factors are tried, correct for them. A dichotomised factor loses information compared
    with :func:`rate_ratios`; the threshold must be chosen before looking at the data (the reference
    intake is).

    References
    ----------
    Zeger SL (1988). A regression model for time series of counts. Biometrika 75:621–629.
    doi:10.1093/biomet/75.4.621

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex"))
    >>> result = compare_days(daily, "water_ml", lag=1)
    >>> result[["factor", "threshold", "days_below", "days_at_or_above"]]
          factor  threshold  days_below  days_at_or_above
    0  water_pct      100.0         477               180
    >>> result[["mean_below", "mean_at_or_above", "rate_ratio", "ci_low", "ci_high"]].round(3)
       mean_below  mean_at_or_above  rate_ratio  ci_low  ci_high
    0       0.799             0.472       1.841   1.341    2.529

    On days after drinking less than the reference intake, 1.84 times as many spasms were logged (95 % CI
    1.34 to 2.53; 657 days), same weekday and season compared.
    """
    function = "compare_days"
    person = _checks.renamed(by, person, old_name="by", new_name="person", function=function)
    daily = _checks_daily.daily_frame(daily, function)
    factor = _checks.column(daily, factor, "factor", function, frame="daily")
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    lag = _checks.whole(lag, "lag", function, minimum=0)
    _checks.probability(alpha, "alpha", function)
    min_days = _checks.whole(min_days, "min_days", function, minimum=1)
    _checks_daily.one_person(daily, person, function)
    if below is None:
        column = INTAKE_COLUMNS.get(factor, factor)
        if column not in daily.columns or column not in INTAKE_COLUMNS.values():
            _checks.refuse(
                f"The 'below' parameter of compare_days is required for `{factor}`, which has no reference intake "
                "(only water, magnesium, calcium, potassium and sodium have one). Got None instead.",
                function,
                "below",
                None,
                "a number (required for a factor without a reference intake)",
            )
        threshold = 100.0
    else:
        column, threshold = factor, _checks.number(below, "below", function)

    rows = []
    for key, frame in by_person(daily, person):
        calendar = Calendar.of(frame, function)
        y = calendar.values(outcome)
        values = calendar.values(column, lag)
        indicator = np.where(np.isfinite(values), (values < threshold).astype(np.float64), np.nan)
        base = calendar.time_design(weekday=weekday, trend=trend)
        fitted = fit_person(
            calendar,
            y,
            base,
            [],
            [Model(indicator[:, None])],
            min_days=min_days,
            alpha=alpha,
            min_each=_MIN_DAYS_EACH_SIDE,
        ).iloc[0]
        used = np.isfinite(y) & np.isfinite(indicator)
        low, high = used & (indicator == 1), used & (indicator == 0)
        row = {
            "factor": column,
            "lag": lag,
            "threshold": threshold,
            "days_below": int(low.sum()),
            "days_at_or_above": int(high.sum()),
            "mean_below": float(y[low].mean()) if low.any() else np.nan,
            "mean_at_or_above": float(y[high].mean()) if high.any() else np.nan,
            **{k: fitted[k] for k in ("rate_ratio", "ci_low", "ci_high", "p_value", "status")},
        }
        if row["status"] == "factor constant":  # the indicator is: every day on one side of the threshold
            row["status"] = _one_side(int(low.sum()), int(high.sum()), threshold, reference=below is None)
        rows.append(({person: key} if person is not None else {}) | row)
    table = pd.DataFrame(rows)
    table.attrs["kind"] = "compare_days"
    return table


def _one_side(below: int, at_or_above: int, threshold: float, *, reference: bool) -> str:
    """Why days below a threshold cannot be compared with the others: they all lie on one side of it.

    Examples
    --------
    >>> _one_side(120, 0, 100.0, reference=True)
    'all 120 days were below the reference intake, so there were no days at or above it to compare with'
    >>> _one_side(0, 40, 5.0, reference=False)
    'all 40 days were at or above 5, so there were no days below it to compare with'
    """
    line = "the reference intake" if reference else f"{threshold:g}"
    if at_or_above == 0:
        return f"all {below} days were below {line}, so there were no days at or above it to compare with"
    return f"all {at_or_above} days were at or above {line}, so there were no days below it to compare with"
