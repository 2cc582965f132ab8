"""One person's days on a calendar, and the batch of count models fitted to them.

The machinery the questions about one person's days share (:func:`~spasmlog.rate_ratios`,
:func:`~spasmlog.compare_days`, :func:`~spasmlog.intervention_effect`, :func:`~spasmlog.session_effect`,
:func:`~spasmlog.caseload_summary`): the calendar with its gaps, the weekday and trend terms, the reasons a
model is not estimated, and :func:`fit_person`, which fits every model of a person at once with the
engine of :mod:`spasmlog.stats.glm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis.daily import intervention_column
from spasmlog.stats.distributions import norm_isf
from spasmlog.stats.glm import Bandwidth, fit_batch, wald
from spasmlog.stats.lags import shift_days
from spasmlog.stats.linalg import pinv
from spasmlog.stats.serial_covariance import acf_covariance
from spasmlog.stats.trend import trend_columns

__all__ = [
    "DAYS_PER_TREND_PIECE",
    "DEGENERATE",
    "MIN_SPASM_DAYS",
    "NO_SPASM_DATA",
    "PERIOD_DAYS",
    "SEPARATED",
    "WEEKDAYS",
    "Calendar",
    "Model",
    "brief_indicator_days",
    "by_person",
    "collinear",
    "fit_person",
    "intervention_columns",
    "outcome_status",
    "too_few_days",
    "without_empty_weekdays",
]

DAYS_PER_TREND_PIECE = 91
"""The smooth time trend bends every 13 weeks: four pieces a year, enough to follow seasons."""
PERIOD_DAYS = 365.25
MIN_SPASM_DAYS = 5
"""Fewest days with spasms (outcome > 0) a rate ratio may rest on. A log-linear model's information is in
the days with events: with fewer than five the normal (or t) approximation behind a Wald interval fails
(the usual rule of at least five events for a rate; Cochran 1954), and the intercept and weekday terms
alone can fit the few spasm days exactly, so the estimate runs off to infinity."""
SEPARATED = "no finite estimate (separation: the model predicts no spasms at all on some days)"
DEGENERATE = "standard error not estimable (the model fits every day exactly)"
NO_SPASM_DATA = "no spasm data logged"
"""The status of every model of a person whose outcome is recorded on no day at all."""
WEEKDAYS = ("tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Calendar:
    """One person's rows placed on consecutive calendar days 0..T−1 (days without a row are missing)."""

    frame: pd.DataFrame
    position: np.ndarray
    first: pd.Timestamp
    days: int

    @classmethod
    def of(cls, frame: pd.DataFrame, function: str = "the analysis") -> Calendar:
        """One person's rows of the daily table on their calendar (``function`` is named in errors)."""
        dates = pd.to_datetime(frame["date"]).dt.normalize()
        if dates.isna().any():
            _checks.refuse(
                "The daily table has rows without a `date`.", function, "daily", "a missing date", "a date on every row"
            )
        first = dates.min()
        position = ((dates - first) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
        if np.unique(position).size != position.size:
            _checks.refuse(
                "The daily table has the same date twice for one person; pass person='person_id' when it holds "
                "several people.",
                function,
                "daily",
                "a date twice",
                "one row per day and person",
            )
        days = int(position.max()) + 1 if position.size else 0
        return cls(frame, position, first, days)

    def values(self, column: str, lag: int = 0) -> np.ndarray:
        """``column`` on the calendar (NaN on days without a row), ``lag`` days later (:func:`shift_days`)."""
        out = np.full(self.days, np.nan)
        out[self.position] = pd.to_numeric(self.frame[column], errors="coerce").to_numpy(dtype=np.float64)
        return shift_days(out, lag)

    def weekday(self) -> np.ndarray:
        return (self.first.day_of_week + np.arange(self.days)) % 7

    def time_design(self, *, weekday: bool, trend: bool) -> dict[str, np.ndarray]:
        """Intercept, day-of-week indicators (Monday the reference) and a piecewise-linear trend."""
        columns = {"intercept": np.ones(self.days)}
        if weekday:
            day = self.weekday()
            for k, name in enumerate(WEEKDAYS, start=1):
                columns[name] = (day == k).astype(np.float64)
        if trend:
            for k, column in enumerate(trend_columns(self.days, days_per_piece=DAYS_PER_TREND_PIECE).T):
                columns[f"trend{k}" if k else "trend"] = column
        return columns


def by_person(daily: pd.DataFrame, person: str | None) -> list[tuple[object, pd.DataFrame]]:
    """Each person's rows with their id (the whole table, id None, without a ``person`` column)."""
    if person is None:
        return [(None, daily)]
    return [(key, part) for key, part in daily.groupby(person, sort=True, dropna=True)]


@dataclass(frozen=True)
class Model:
    """One model for one person: its columns of interest on the calendar (T × k, e.g. a factor at each lag)."""

    x: np.ndarray
    skip: int | None = None  # an adjustment column to leave out (the factor itself at lag 0)


def collinear(design: np.ndarray, valid: np.ndarray, column: int) -> np.ndarray:
    """For each model, whether ``column`` is (numerically) a combination of the other columns in its rows."""
    w = valid.astype(np.float64)[..., None]
    others = np.delete(design, column, axis=2) * w
    target = design[..., column] * w[..., 0]
    gram = others.transpose(0, 2, 1) @ others
    coef = (pinv(gram) @ np.einsum("mtp,mt->mp", others, target)[..., None])[..., 0]
    residual = target - np.einsum("mtp,mp->mt", others, coef)
    centred = (target - target.sum(1, keepdims=True) / np.maximum(w[..., 0].sum(1, keepdims=True), 1)) * w[..., 0]
    return np.asarray((residual**2).sum(1) <= 1e-9 * (centred**2).sum(1))


def outcome_status(values: np.ndarray) -> str | None:
    """Why the outcome on the rows used cannot carry a rate ratio, or None when it can."""
    if values.sum() == 0:
        return "no spasms logged"
    spasm_days = int((values > 0).sum())
    if spasm_days < MIN_SPASM_DAYS:
        return f"too few days with spasms ({spasm_days} < {MIN_SPASM_DAYS})"
    if values.min() == values.max():
        return "outcome constant"
    return None


def too_few_days(both: int, min_days: int, factor_days: int, outcome_days: int) -> str:
    """Why a model has too few days, counted from the days that matter: those with the factor (at its lag)
    and the outcome both recorded. When each alone has enough, say so: they are logged on different days."""
    if min(factor_days, outcome_days) <= both:
        return f"too few days ({both} < {min_days})"
    return (
        f"too few days with the factor and spasms both recorded ({both} < {min_days}; the factor on "
        f"{factor_days} days, spasms on {outcome_days})"
    )


def without_empty_weekdays(day: np.ndarray, y: np.ndarray, used: np.ndarray) -> np.ndarray:
    """The days used, less those of any weekday without a single spasm on them (when other days have some).

    A weekday whose days used have no spasm has no finite term of its own: its rate can only go to 0, and
    with it the whole model would be "separated". In that limit the weekday's days carry no information
    on the other coefficients (their fitted counts are 0 whatever the rest), so the model without them
    gives the same, finite, estimates of everything else, adjusted for the day of the week as before.
    """
    spasms = np.bincount(day[used], weights=y[used], minlength=7)
    empty = (np.bincount(day[used], minlength=7) > 0) & (spasms == 0)
    if not empty.any() or spasms.sum() == 0:
        return used
    return used & ~empty[day]


def brief_indicator_days(values: np.ndarray, y: np.ndarray, used: np.ndarray) -> np.ndarray | None:
    """The days a yes/no adjuster singles out that its term would fit exactly, or None.

    ``values`` is the adjuster on the calendar (an ``on_*`` column: a single therapy session is 1 on one
    day). When it is 0/1 on the days used and its rarer value is on one of them only, or only on days
    without a single spasm, its term would fit those days exactly, or run off to minus infinity with them
    (separation, and with it every estimate of the model). Those days are returned: the model without them
    and without the term gives what the model with the term gives (exactly for one day; the limit of the
    fit when they have no spasms), so the other coefficients keep finite estimates. A few days with spasms
    (six massages) keep their term, which is estimable.
    """
    x = values[used]
    if x.size == 0 or not np.isin(x, (0.0, 1.0)).all():
        return None
    on = int((x > 0).sum())
    if on == 0 or on == x.size:
        return None
    rare = (values > 0) if on <= x.size - on else (values == 0)
    rare &= used
    if int(rare.sum()) == 1 or np.nansum(y[rare]) == 0:
        return rare
    return None


def fit_person(
    calendar: Calendar,
    y: np.ndarray,
    base: dict[str, np.ndarray],
    adjusters: list[np.ndarray],
    models: list[Model],
    *,
    min_days: int,
    alpha: float,
    min_each: int = 0,
    inference: Literal["hac", "acf"] = "hac",
    details: dict[str, np.ndarray] | None = None,
    bandwidth: Bandwidth = "fixed",
) -> pd.DataFrame:
    """Quasi-Poisson + HAC for each model; one row per model × column of interest (model-major order).

    Columns: ``rate_ratio``, ``ci_low``, ``ci_high``, ``p_value``, ``n``, ``status``. With weekday terms in
    ``base``, the days of a weekday without spasms are left out of the fit (:func:`without_empty_weekdays`);
    they still count in ``n`` and ``min_days``, as their weekday's term would fit them exactly.
    A yes/no adjuster that singles out one day of a model, or only days without spasms
    (:func:`brief_indicator_days`), gets no term there, and those days leave that model (they still count
    in ``n``, as with the weekdays).
    ``bandwidth`` chooses the lags of the HAC kernel (see :func:`fit_batch`). With
    ``inference="acf"`` the errors allow for autocorrelated noise estimated from the residuals
    (:func:`spasmlog.stats.serial_covariance.acf_covariance`) with a t reference on n − p degrees of freedom,
    and ``details`` (when given) receives ``se`` (M, k: each coefficient's standard error, NaN where no estimate
    was made), ``z`` (M, k: each coefficient's statistic on the normal scale),
    ``influence`` (M, T, k), ``phi`` (M,) and ``rho`` (M, L + 1) for joint tests across models.
    """
    m, k = len(models), models[0].x.shape[1]
    base_matrix = np.column_stack(list(base.values()))
    weekday_columns = [j for j, name in enumerate(base) if name in WEEKDAYS]
    day = calendar.weekday()
    adj = np.column_stack(adjusters) if adjusters else np.zeros((calendar.days, 0))
    adj_ok = np.isfinite(adj)
    q = base_matrix.shape[1] + adj.shape[1]
    design = np.zeros((m, calendar.days, q + k))
    valid = np.zeros((m, calendar.days), dtype=bool)
    status = np.full((m, k), "ok", dtype=object)
    n = np.zeros(m, dtype=np.int64)
    y_ok = np.isfinite(y)
    for i, model in enumerate(models):
        keep = np.ones(adj.shape[1], dtype=bool)
        if model.skip is not None:
            keep[model.skip] = False
        recorded = y_ok & np.isfinite(model.x).all(1) & adj_ok[:, keep].all(1)
        n[i] = recorded.sum()
        ok = recorded
        for column in np.flatnonzero(keep):  # a yes/no adjuster on a day or two: its days leave, its term too
            brief = brief_indicator_days(adj[:, column], y, ok)
            if brief is not None:
                ok = ok & ~brief
                keep[column] = False
        ok = without_empty_weekdays(day, np.nan_to_num(y), ok) if weekday_columns else ok
        valid[i] = ok
        columns = np.column_stack([np.where(adj_ok, adj, 0.0), np.where(ok[:, None], model.x, 0.0)])
        if ok.any():  # centre and scale the adjusters, centre the factor: better conditioned, same rate ratios
            centre = columns[ok].mean(0)
            spread = np.r_[columns[ok, : adj.shape[1]].std(0), np.ones(k)]
            columns = np.where(ok[:, None], (columns - centre) / np.where(spread > 0, spread, 1.0), 0.0)
        columns[:, : adj.shape[1]][:, ~keep] = 0.0
        design[i, :, : base_matrix.shape[1]] = base_matrix
        design[i, :, base_matrix.shape[1] :] = columns
        present = np.unique(day[ok])
        if weekday_columns and present.size and present[0] != 0:  # no Monday: the first day left is the reference
            design[i, :, weekday_columns[present[0] - 1]] = 0.0
        values = model.x[recorded]
        below = int((values[:, 0] > 0.5).sum()) if n[i] else 0
        if not y_ok.any():
            status[i] = NO_SPASM_DATA
        elif not np.isfinite(model.x).any():
            status[i] = "factor not recorded"
        elif n[i] < min_days:
            status[i] = too_few_days(n[i], min_days, int(np.isfinite(model.x).all(1).sum()), int(y_ok.sum()))
        elif (values.min(0) == values.max(0)).all():
            status[i] = "factor constant"
        elif min_each and min(below, n[i] - below) < min_each:
            side = "below" if below < n[i] - below else "at or above"
            status[i] = f"too few days {side} the threshold ({min(below, n[i] - below)} < {min_each})"
        else:
            status[i] = outcome_status(y[recorded]) or "ok"
    todo = np.flatnonzero((status == "ok").all(1))
    coef = np.full((m, k), np.nan)
    se = np.full((m, k), np.nan)
    df = np.full((m, k), np.inf)
    if todo.size:
        for j in range(k):  # a column that the others explain (a weekday-only factor): no estimate for it
            explained = collinear(design[todo], valid[todo], q + j)
            status[todo[explained], j] = "factor collinear with the adjustment (day of week, trend, other lags)"
        if inference == "acf":
            fits = fit_batch(design[todo], y, valid[todo], cov_type="quasi")
            acf = acf_covariance(design[todo], y, valid[todo], fits.mu)
            cov = acf.cov
            df[todo] = acf.df[:, q:]
            if details is not None:
                details["influence"] = np.zeros((m, calendar.days, k))
                details["influence"][todo] = acf.influence[..., q:]
                details["phi"] = np.full(m, np.nan)
                details["phi"][todo] = acf.phi
                details["rho"] = np.zeros((m, acf.rho.shape[1]))
                details["rho"][todo] = acf.rho
        else:
            fits = fit_batch(
                design[todo],
                y,
                valid[todo],
                cov_type="hac",
                small_sample="hc2",
                reference="t",
                df_columns=slice(q, None),
                bandwidth=bandwidth,
            )
            cov = fits.cov
            df[todo] = fits.df[:, q:]
        coef[todo] = fits.params[:, q:]
        se[todo] = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2)[:, q:], 0, None))
        fine = status[todo] == "ok"
        bad = ~fits.converged[:, None] | ~np.isfinite(se[todo]) | (se[todo] <= 0)
        flat = (fits.scale <= 1e-10)[:, None] | ~(df[todo] > 0)
        status[todo] = np.where(
            fine & fits.separated[:, None],
            SEPARATED,
            np.where(fine & flat, DEGENERATE, np.where(fine & bad, "model did not converge", status[todo])),
        )
    failed = status != "ok"
    coef[failed] = np.nan
    se[failed] = np.nan
    rr, low, high, p = wald(coef.ravel(), se.ravel(), alpha, df.ravel())
    if details is not None:
        details["se"] = se.copy()  # (M, k): the standard error of each coefficient (log rate ratio), NaN unless ok
        with np.errstate(invalid="ignore", divide="ignore"):
            details["z"] = (np.sign(coef.ravel()) * norm_isf(p / 2)).reshape(m, k)
    return pd.DataFrame(
        {
            "rate_ratio": rr,
            "ci_low": low,
            "ci_high": high,
            "p_value": p,
            "n": np.repeat(n, k),
            "status": status.ravel(),
        }
    )


def intervention_columns(
    daily: pd.DataFrame, intervention: str | Sequence[str] | None, function: str = "intervention_effect"
) -> list[str]:
    """The ``on_*`` columns of the interventions named (by name or column); all of them for None."""
    if intervention is None:
        return [c for c in daily.columns if isinstance(c, str) and c.startswith("on_")]
    names = [intervention] if isinstance(intervention, str) else list(intervention)
    out = []
    for name in names:
        column = name if name in daily.columns and str(name).startswith("on_") else intervention_column(str(name))
        if column not in daily.columns:
            known = [c for c in daily.columns if isinstance(c, str) and c.startswith("on_")]
            _checks.refuse(
                f"Could not interpret value `{name}` for `intervention`. The daily table has no column `{column}`; "
                f"its interventions are {known}.",
                function,
                "intervention",
                name,
                f"one of {known}",
            )
        out.append(column)
    return out
