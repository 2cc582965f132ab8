"""Interrupted time series: a segmented count regression with a level change at a step.

The model of Lopez Bernal, Cummins & Gasparrini (2017) on any table of counts over time, fitted by
:func:`spasmlog.stats.glm.count_regression`; :func:`spasmlog.intervention_effect` asks it of one person's days.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.stats.glm import CountFit, Reference, SmallSample, count_regression

__all__ = ["segmented_fit", "segmented_regression"]


def _harmonics(time: np.ndarray, pairs: int, period: float) -> dict[str, np.ndarray]:
    out = {}
    for k in range(1, pairs + 1):
        angle = 2 * np.pi * k * time / period
        out[f"sin{k}"] = np.sin(angle)
        out[f"cos{k}"] = np.cos(angle)
    return out


def segmented_regression(
    data: pd.DataFrame,
    *,
    outcome: str,
    time: str,
    step: str,
    exposure: str | None = None,
    covariates: Sequence[str] = (),
    harmonics: int = 0,
    period: float | None = None,
    slope_change: bool = False,
    cov_type: Literal["hac", "quasi"] = "hac",
    maxlags: int | Literal["auto"] | None = None,
    small_sample: SmallSample = False,
    reference: Reference = "normal",
    alpha: float = 0.05,
    errors: Literal["hac", "quasi"] | None = None,
) -> pd.DataFrame:
    """Interrupted time series: a segmented quasi-Poisson regression with a level change at a step.

    Parameters
    ----------
    data : DataFrame
        One row per time point (day, month).
    outcome : str
        The count column.
    time : str
        Whole-number time points (day or month number); the underlying linear trend, the seasonal terms
        and the HAC distances are in these units.
    step : str
        The 0/1 column that is 1 from the interruption on (the intervention, the ban).
    exposure : str, optional
        Population or time at risk; its log is the offset.
    covariates : sequence of str
        Further columns to adjust for (day-of-week indicators, ...).
    harmonics : int
        Pairs of Fourier terms for seasonality (sin and cos of 2πk·time/period, k = 1..harmonics).
    period : float, optional
        Length of a season in time units (12 for months, 365.25 for days); required with ``harmonics``.
    slope_change : bool
        Also estimate a change of slope after the step (term ``<step>:time``).
    cov_type : {"hac", "quasi"}
        Newey–West HAC errors over ``time`` (default), or quasi-Poisson model-based errors (Pearson
        dispersion), as in the tutorial of Lopez Bernal et al. (2017).
    maxlags : int or "auto", optional
        Lags of the HAC kernel; default :func:`newey_west_lags`; ``"auto"`` chooses them from the
        autocorrelation of the residuals (see :func:`count_regression`).
    small_sample : {False, True, "hc3", "hc2"}
        The leverage correction of the HAC errors, see :func:`count_regression`.
    reference : {"normal", "t"}
        Reference distribution of intervals and p-values, see :func:`count_regression`.
    alpha : float
        1 − confidence level.
    errors : {"hac", "quasi"}, optional
        The old name of ``cov_type``, still accepted.

    Returns
    -------
    pandas.DataFrame
        One row per term (``intercept``, ``time``, the step, ``<step>:time``, ``sin1``, ``cos1``, ...,
        covariates): ``term``, ``coef``, ``se``, ``rate_ratio`` (exp(coef): for the step, the rate during
        relative to the rate the pre-existing trend predicts), ``ci_low``, ``ci_high``, ``p_value``, ``df``.

    Notes
    -----
    :math:`\\log E[y_t] = \\log(\\text{exposure}_t) + \\beta_0 + \\beta_1 t + \\beta_2 \\,\\text{step}_t
    [+ \\beta_3 (t - t_0)\\,\\text{step}_t] + \\sum_k (\\gamma_k \\sin + \\delta_k \\cos)(2\\pi k t / P)
    + \\text{covariates}`. The step's rate ratio is a level change relative to the extrapolated trend; it
    assumes the trend would have continued and that nothing else changed at the step.

    References
    ----------
    Lopez Bernal J, Cummins S, Gasparrini A (2017). Interrupted time series regression for the evaluation
    of public health interventions: a tutorial. Int J Epidemiol 46:348–355. doi:10.1093/ije/dyw098

    Examples
    --------
    >>> months = pd.DataFrame({"month": range(1, 49), "after": [0] * 24 + [1] * 24})
    >>> months["events"] = (100 * np.exp(0.005 * months["month"] - 0.2 * months["after"])).round()
    >>> table = segmented_regression(months, outcome="events", time="month", step="after", cov_type="quasi")
    >>> table[["term", "rate_ratio", "ci_low", "ci_high"]].round(3)
            term  rate_ratio  ci_low  ci_high
    0  intercept     100.141  99.964  100.318
    1      month       1.005   1.005    1.005
    2      after       0.820   0.817    0.822
    """
    function = "segmented_regression"
    data = _checks.dataframe(data, "data", function)
    for name, column in (("outcome", outcome), ("time", time), ("step", step)):
        _checks.column(data, column, name, function)
    if exposure is not None:
        _checks.column(data, exposure, "exposure", function)
    extra = _checks.columns(data, covariates, "covariates", function)
    cov_type = _checks.renamed(
        errors, cov_type, old_name="errors", new_name="cov_type", function=function, new_default="hac"
    )
    _checks.one_of(cov_type, "cov_type" if errors is None else "errors", function, ("hac", "quasi"))
    pairs = _checks.whole(harmonics, "harmonics", function, minimum=0)
    if pairs and not (isinstance(period, int | float) and period > 0):
        _checks.fail(function, "period", period, "> 0 with harmonics")
    fit = segmented_fit(
        data,
        outcome=outcome,
        time=time,
        step=step,
        exposure=exposure,
        covariates=extra,
        harmonics=pairs,
        period=period,
        slope_change=slope_change,
        cov_type=cov_type,
        maxlags=maxlags,
        small_sample=small_sample,
        reference=reference,
        alpha=alpha,
    )
    return fit.table


def segmented_fit(
    data: pd.DataFrame,
    *,
    outcome: str,
    time: str,
    step: str,
    exposure: str | None,
    covariates: Sequence[str],
    harmonics: int,
    period: float | None,
    slope_change: bool,
    cov_type: Literal["hac", "quasi"],
    maxlags: int | Literal["auto"] | None,
    small_sample: SmallSample,
    reference: Reference,
    alpha: float,
) -> CountFit:
    """The model of :func:`segmented_regression` on checked arguments, with the whole fit."""
    t = data[time].to_numpy(dtype=np.float64)
    on = data[step].to_numpy(dtype=np.float64)
    columns: dict[str, np.ndarray] = {"intercept": np.ones(len(data)), time: t, step: on}
    if slope_change:
        started = t[on > 0]
        start = float(started.min()) if started.size else 0.0
        columns[f"{step}:{time}"] = np.where(on > 0, t - start, 0.0)
    if harmonics:
        columns.update(_harmonics(t, harmonics, float(period)))  # type: ignore[arg-type]
    for name in covariates:
        columns[name] = data[name].to_numpy(dtype=np.float64)
    return count_regression(
        pd.DataFrame(columns),
        data[outcome].to_numpy(dtype=np.float64),
        cov_type=cov_type,
        exposure=None if exposure is None else data[exposure].to_numpy(dtype=np.float64),
        time=t,
        maxlags=maxlags,
        small_sample=small_sample,
        reference=reference,
        alpha=alpha,
    )
