"""Spasms over time: the daily trend, the calendar, the hour-of-week pattern, intake, and a caseload.

Everything here draws a person's days as the daily table holds them (one row per calendar day, days not
logged marked) and never fills a day that was not logged: bars are missing there, rolling means break
there, and the calendar hatches them. Rolling means are for display only; the analysis is in
:mod:`spasmlog.analysis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from spasmlog import _checks
from spasmlog.analysis.daily import INTAKE_COLUMNS
from spasmlog.analysis.findings import factor_label
from spasmlog.plots._common import (
    check_choice,
    check_columns,
    check_frame,
    compound,
    date_axis,
    new_axes,
    new_figure,
    one_person,
    outcome_label,
    rectangles,
    rolling_mean,
    runs,
)
from spasmlog.plots._style import (
    COLORS,
    CYCLE,
    LINESTYLES,
    MISSING,
    MISSING_EDGE,
    MISSING_HATCH,
    class_scale,
    count_classes,
    count_cmap,
    style,
)

__all__ = ["calendar", "caseload", "intake", "time_pattern", "trend"]

_HINT = " Build it with spasmlog.daily_table(log)."
_BAR = COLORS["sky"]
_MEANS = [(COLORS["blue"], "-", 1.6), (COLORS["vermillion"], "--", 2.0), (COLORS["black"], ":", 2.0)]
_SPANS = [COLORS["green"], COLORS["orange"], COLORS["purple"], COLORS["sky"], COLORS["yellow"], COLORS["grey"]]
_SPAN_HATCHES = ["/", "\\", ".", "x", "+", "-"]
_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# the calendar's layout, in inches: a day's square, margins around the bands
_CELL = 0.145
_PAD = 0.1
_TITLE = 0.3  # the title, under the top margin
_WEEKDAY_W = 0.45  # weekday names left of the bands
_SCALE_W = 1.25  # the colour bar, its classes and its label right of the bands
_CALENDAR_HEAD = 2.4  # squares above a band for its month names (two lines: "Jan" and the year)
_CALENDAR_BAND = 7 + _CALENDAR_HEAD  # from the top of one band's month names to the next's
_LEGEND_H = 0.45


# --------------------------------------------------------------------------------------------------------
# One person's days
# --------------------------------------------------------------------------------------------------------


def _person_days(
    daily: object, person: str | None, columns: Sequence[str], function: str
) -> tuple[pd.DataFrame, pd.Series, str | None]:
    """One person's rows on every calendar day of their span (days absent from ``daily`` count as not logged),
    whether each day was logged, and the person's id."""
    table = check_frame(daily, "daily", function)
    check_columns(table, ["date", *columns], "daily", function, hint=_HINT)
    rows, who = one_person(table, person, "daily", function)
    if rows.empty:
        _checks.refuse(
            f"{function} has no days to draw: `daily` has no rows" + (f" for {who!r}." if who else "."),
            function,
            "daily",
            "no rows",
            "a daily table with at least one row" + (f" for {who!r}" if who else ""),
        )
    dates = pd.to_datetime(rows["date"]).dt.normalize()
    if dates.duplicated().any():
        _checks.refuse(
            f"`daily` repeats a date for one person ({dates[dates.duplicated()].iloc[0]:%Y-%m-%d}); {function} "
            "needs one row per person per day, as daily_table returns it.",
            function,
            "daily",
            "a date twice",
            "one row per day and person",
        )
    span = pd.date_range(dates.min(), dates.max(), freq="D")
    frame = rows.set_index(pd.DatetimeIndex(dates)).reindex(span)
    if "logged" in frame.columns:
        logged = frame["logged"].astype("boolean").fillna(False).astype(bool)
    else:
        logged = frame[columns[0]].notna() if columns else pd.Series(True, index=span)
    return frame, logged, who


def _draw_days(
    ax: Axes,
    x: np.ndarray,
    values: pd.Series,
    logged: pd.Series,
    *,
    day: float,
    kind: str,
    windows: Sequence[int],
    label: str,
    bar_width: float = 0.8,
) -> None:
    """Daily values as bars or points, display-only rolling means that break on days not logged, and a
    hatched strip along the bottom on those days."""
    known = logged.to_numpy() & values.notna().to_numpy()
    heights = values.to_numpy(dtype="float64")
    if kind == "bars":
        left = x[known] - bar_width * day / 2
        top = heights[known]
        bars = compound(
            [rectangles(left, left + bar_width * day, np.zeros_like(top), top)],
            facecolors=_BAR, edgecolors="none", alpha=0.75, label=label, zorder=2,
        )  # fmt: skip
        bars.set_gid("daily")
        ax.add_collection(bars)
    else:
        ax.scatter(
            x[known], heights[known], s=7, color=_BAR, alpha=0.8, linewidths=0, label=label, zorder=2, gid="daily"
        )
    for i, window in enumerate(windows):
        colour, linestyle, width = _MEANS[i % len(_MEANS)]
        mean = rolling_mean(values.where(logged), window).where(logged)
        ax.plot(
            x, mean.to_numpy(), color=colour, linestyle=linestyle, linewidth=width,
            label=f"{window}-day mean", gid=f"mean_{window}", zorder=3,
        )  # fmt: skip
    gaps = np.array(runs(~logged.to_numpy()), dtype="int64").reshape(-1, 2)
    if len(gaps):
        left, right = x[gaps[:, 0]] - day / 2, x[gaps[:, 1]] + day / 2
        strip = compound(
            [rectangles(left, right, np.zeros(len(gaps)), np.full(len(gaps), 0.04))],
            transform=ax.get_xaxis_transform(), facecolors=MISSING, edgecolors=MISSING_EDGE, hatch=MISSING_HATCH,
            linewidths=0.5, label="not logged", zorder=4,
        )  # fmt: skip
        strip.set_gid("not_logged")
        ax.add_collection(strip)
    ax.autoscale_view()


def _draw_interventions(ax: Axes, frame: pd.DataFrame, x: np.ndarray, day: float) -> None:
    """Each ``on_*`` period as a shaded, hatched span (gid: the column), labelled once in the legend.

    Periods of one or two days (single sessions) are drawn darker and at least 1/250 of the axis wide, so a
    massage on one day of two years stays visible; they stay centred on their days.
    """
    flags = [c for c in frame.columns if str(c).startswith("on_")]
    least = (x[-1] - x[0] + day) / 250
    shown = 0
    for column in flags:
        periods = runs(frame[column].fillna(0).to_numpy() == 1)
        if not periods:
            continue
        colour = _SPANS[shown % len(_SPANS)]
        hatch = _SPAN_HATCHES[shown % len(_SPAN_HATCHES)]
        shown += 1
        for k, (a, b) in enumerate(periods):
            left, right = x[a] - day / 2, x[b] + day / 2
            short = b - a < 2
            if short and right - left < least:
                middle = (left + right) / 2
                left, right = middle - least / 2, middle + least / 2
            span = ax.axvspan(
                left, right, facecolor=to_rgba(colour, 0.45 if short else 0.14), hatch=hatch,
                hatchcolor=to_rgba(colour, 0.6), linewidth=0, zorder=0,
                label=factor_label(str(column)) if k == 0 else "_nolegend_",
            )  # fmt: skip
            span.set_gid(str(column))


def _legend_order(ax: Axes) -> tuple[list, list[str]]:
    """The data first (bars, means, not logged), then the interventions."""
    handles, labels = ax.get_legend_handles_labels()
    pairs = list(zip(handles, labels, strict=True))
    spans = {str(p.get_label()) for p in ax.patches if str(p.get_gid()).startswith("on_")}
    ordered = [pair for pair in pairs if pair[1] not in spans] + [pair for pair in pairs if pair[1] in spans]
    return [h for h, _ in ordered], [label for _, label in ordered]


def _check_windows(windows: object, function: str) -> list[int]:
    values: list[object] = (
        [windows] if isinstance(windows, int) else list(windows) if isinstance(windows, Sequence) else []
    )
    if not values or not all(isinstance(w, int | np.integer) and not isinstance(w, bool) and w >= 2 for w in values):
        _checks.fail(function, "windows", windows, "whole numbers of days ≥ 2, such as (7, 28)")
    return [int(w) for w in values]  # type: ignore[call-overload]


def _title(what: str, who: str | None) -> str:
    return f"{what} — {who}" if who else what


# --------------------------------------------------------------------------------------------------------
# trend
# --------------------------------------------------------------------------------------------------------


def trend(
    daily: pd.DataFrame,
    *,
    person: str | None = None,
    outcome: str = "spasm_count",
    kind: Literal["bars", "points"] = "bars",
    windows: Sequence[int] = (7, 28),
    interventions: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Spasms per day over time, with rolling means and the intervention periods.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`: ``date``, ``logged``, the ``outcome`` and the ``on_*`` columns.
    person : str, optional
        The person to draw; required when ``daily`` holds several people.
    outcome : str
        The daily column drawn (``spasm_count``; also ``spasm_minutes``, ``night_spasms`` ...).
    kind : {"bars", "points"}
        One bar (or point) per logged day.
    windows : sequence of int
        Rolling means drawn over the logged days, in days (7 and 28: a week and four weeks).
    interventions : bool
        Shade each intervention period from the ``on_*`` columns.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: the daily bars are one ``PolyCollection`` with gid ``"daily"`` holding one compound
        path, a rectangle per logged day (a subpath each; with ``kind="points"`` a scatter with that gid); the
        means are lines with gids
        ``"mean_7"``, ``"mean_28"``; each intervention period is an ``axvspan`` rectangle in ``ax.patches``
        whose gid is its column (``"on_magnesium_glycinate"``) and whose first period carries its plain name
        as legend label; days not logged are a hatched strip along the bottom, gid ``"not_logged"`` (one
        compound path, a rectangle per run of days not logged).

    Notes
    -----
    The rolling mean of day *t* averages the logged days among the last ``window`` days (at least half of
    them logged) and is missing on days not logged, so the line breaks where the log does. It is a display
    aid: whether spasms changed, and with what uncertainty, is for :func:`spasmlog.caseload_summary` and
    :func:`spasmlog.intervention_effect`.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("alex"))
    >>> ax = trend(daily)
    >>> from matplotlib.path import Path
    >>> int((ax.collections[0].get_paths()[0].codes == Path.MOVETO).sum()) == int(daily["logged"].sum())
    True
    >>> sorted({p.get_label() for p in ax.patches if p.get_gid().startswith("on_")} - {"_nolegend_"})
    ['calf stretching programme', 'magnesium glycinate', 'sports massage']
    """
    check_choice(kind, "kind", "trend", ("bars", "points"))
    sizes = _check_windows(windows, "trend")
    frame, logged, who = _person_days(daily, person, [outcome], "trend")
    with style():
        ax = new_axes(ax, (10, 3.8))
        x = mdates.date2num(frame.index.to_numpy())
        if interventions:
            _draw_interventions(ax, frame, x, 1.0)
        _draw_days(
            ax, x, frame[outcome], logged, day=1.0, kind=kind, windows=sizes, label=outcome_label(outcome),
            bar_width=0.8 if len(frame) <= 200 else 1.0,
        )  # fmt: skip
        ax.xaxis_date()
        date_axis(ax)
        ax.set_xlim(x[0] - 1, x[-1] + 1)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(outcome_label(outcome))
        ax.set_title(_title(outcome_label(outcome).capitalize(), who), loc="left")
        handles, labels = _legend_order(ax)
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, -0.1), ncols=min(4, len(labels)), fontsize=9)
    return ax


# --------------------------------------------------------------------------------------------------------
# calendar
# --------------------------------------------------------------------------------------------------------


def _calendar_cells(dates: pd.DatetimeIndex, months_per_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Band, column and row of each day: months side by side (weeks as columns, Monday on top), one blank
    column between months, ``months_per_row`` months per band. Also the month labels of each band."""
    first = dates[0].to_period("M")
    month = (dates.year - first.year) * 12 + dates.month - first.month
    n_months = int(month.max()) + 1
    starts = pd.period_range(first, periods=n_months, freq="M").to_timestamp()
    lead = starts.day_of_week.to_numpy()
    weeks = (lead + starts.days_in_month.to_numpy() + 6) // 7
    band_of = np.arange(n_months) // months_per_row
    offset = np.zeros(n_months, dtype="int64")
    for m in range(1, n_months):  # one step per month, not per day
        offset[m] = 0 if band_of[m] != band_of[m - 1] else offset[m - 1] + weeks[m - 1] + 1
    index = np.asarray(month)
    column = offset[index] + (dates.day.to_numpy() - 1 + lead[index]) // 7
    labels = [
        (
            int(band_of[m]),
            offset[m] + weeks[m] / 2,
            f"{starts[m]:%b}" + (f"\n{starts[m]:%Y}" if m == 0 or starts[m].month == 1 else ""),
        )
        for m in range(n_months)
    ]
    return band_of[index], column, dates.day_of_week.to_numpy(), labels


def calendar(
    daily: pd.DataFrame,
    *,
    person: str | None = None,
    outcome: str = "spasm_count",
    months_per_row: int = 12,
    fig: Figure | None = None,
) -> Figure:
    """A calendar heatmap: one square per day (weeks across, weekdays down), one band per twelve months.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`.
    person : str, optional
        The person to draw; required when ``daily`` holds several people.
    outcome : str
        The daily column shaded (``spasm_count``).
    months_per_row : int
        Months per band (12: one band per year of the log, starting at its first month; 1: one band per month).
    fig : matplotlib.figure.Figure, optional
        Where to draw (a new figure when not given); one Axes per band and the colour bar are placed on it, in
        the proportions of the figure the chart would make.

    Returns
    -------
    matplotlib.figure.Figure
        Inspection hooks: the bands are drawn one under the other on one Axes with gid ``"calendar"`` (y
        pointing down): the day in week column ``c`` and weekday row ``r`` (0 Monday ... 6 Sunday) of band
        ``b`` is the unit square from ``(c, r + 2.4 + 9.4 * b)``. The logged days are one ``PolyCollection``
        with gid ``outcome``: one compound path per colour of the scale (its facecolour), a square per day of
        that colour. The days not logged (or logged without a value of ``outcome``) are one hatched
        ``PolyCollection`` with gid ``"not_logged"`` (white, hatched ``////``), one compound path of squares.
        The month names are texts with gid ``"month"`` (``"Sep\n2024"`` where a year starts), the weekday
        names of each band texts with gid ``"weekday"``. Days outside the person's span are not drawn.

    Notes
    -----
    Days not logged are white and hatched; logged days with no spasms take the lightest colour of the
    scale, so "no spasms" and "nothing recorded" never look alike, in colour or in greyscale. Counts are
    shaded in classes (one per whole number up to 8, then 10–19, 20–29 ...), darker for more.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("alex"))
    >>> fig = calendar(daily)
    >>> ax = fig.axes[0]
    >>> ax.get_gid(), [text.get_text() for text in ax.texts if text.get_gid() == "weekday"].count("Mon")  # bands
    ('calendar', 2)
    >>> from matplotlib.path import Path
    >>> squares = sum(int((path.codes == Path.MOVETO).sum()) for path in ax.collections[0].get_paths())
    >>> ax.collections[0].get_gid(), squares == int(daily["logged"].sum())
    ('spasm_count', True)
    """
    if not (isinstance(months_per_row, int) and not isinstance(months_per_row, bool) and 1 <= months_per_row <= 24):
        _checks.fail("calendar", "months_per_row", months_per_row, "a whole number from 1 to 24")
    frame, logged, who = _person_days(daily, person, [outcome], "calendar")
    dates = pd.DatetimeIndex(frame.index)
    band, column, row, labels = _calendar_cells(dates, months_per_row)
    values = frame[outcome].to_numpy(dtype="float64")
    shown = logged.to_numpy() & ~np.isnan(values)
    maximum = float(np.nanmax(values[shown])) if shown.any() else 0.0
    whole = bool(np.all(np.mod(values[shown], 1) == 0))
    if whole:
        cmap, norm, _, tick_labels = count_classes(maximum, zero=True)
    else:
        cmap, norm, tick_labels = count_cmap(), Normalize(0, max(maximum, 1e-9)), []
    colours = np.zeros((len(values), 4))
    colours[shown] = cmap(norm(values[shown]))
    unrecorded = bool((logged.to_numpy() & np.isnan(values)).any())
    n_bands = int(band.max()) + 1
    width = int(column.max()) + 1
    y = row + _CALENDAR_HEAD + band * _CALENDAR_BAND  # the bands one under the other, in one Axes
    # a fixed layout, in inches, for a chart whose geometry is known: nothing has to be measured
    grid_w, grid_h = (width + 1) * _CELL, (n_bands * _CALENDAR_BAND + 0.2) * _CELL
    size = (max(4.5, _WEEKDAY_W + grid_w + _SCALE_W), _PAD + _TITLE + grid_h + _LEGEND_H)
    with style():
        fig = new_figure(fig, size, layout="none")

        def place(x: float, top: float, w: float, h: float) -> tuple[float, float, float, float]:
            """Inches from the top left of the figure as a rectangle in figure coordinates."""
            return x / size[0], 1 - (top + h) / size[1], w / size[0], h / size[1]

        ax = fig.add_axes(place(_WEEKDAY_W, _PAD + _TITLE, grid_w, grid_h))
        ax.set_gid("calendar")
        ax.set_axis_off()
        here = np.flatnonzero(shown)
        shades, which = np.unique(colours[here], axis=0, return_inverse=True)
        which = which.ravel()
        order = np.argsort([values[here][which == k].min() for k in range(len(shades))], kind="stable")
        squares = [
            rectangles(column[days], column[days] + 1, y[days], y[days] + 1)
            for days in (here[which == k] for k in order)
        ]
        cells = compound(squares, facecolors=shades[order], edgecolors="white", linewidths=0.6)
        cells.set_gid(outcome)
        ax.add_collection(cells, autolim=False)
        gaps = np.flatnonzero(~shown)
        if len(gaps):
            missing = compound(
                [rectangles(column[gaps], column[gaps] + 1, y[gaps], y[gaps] + 1)],
                facecolors=MISSING, edgecolors=MISSING_EDGE, hatch=MISSING_HATCH, linewidths=0.4,
            )  # fmt: skip
            missing.set_gid("not_logged")
            ax.add_collection(missing, autolim=False)
        for b in range(n_bands):
            top = _CALENDAR_HEAD + b * _CALENDAR_BAND
            for r in range(0, 7, 2):
                ax.text(-0.4, top + r + 0.5, _WEEKDAYS[r], ha="right", va="center", fontsize=7, gid="weekday")
        for b, position, text in labels:
            top = _CALENDAR_HEAD + b * _CALENDAR_BAND
            ax.text(position, top - 0.25, text, ha="center", va="bottom", fontsize=8, gid="month")
        ax.set_xlim(-0.5, width + 0.5)
        ax.set_ylim(n_bands * _CALENDAR_BAND + 0.2, 0)
        ax.set_aspect("equal")
        first = _PAD + _TITLE + _CALENDAR_HEAD * _CELL
        span = (n_bands * _CALENDAR_BAND - _CALENDAR_HEAD) * _CELL
        shrink = 0.9 if n_bands > 1 else 1.0
        cax = fig.add_axes(place(_WEEKDAY_W + grid_w + 0.12, first + span * (1 - shrink) / 2, 0.1, span * shrink))
        if whole:
            scale, ticks = class_scale(cmap)
            bar = fig.colorbar(scale, cax=cax)
            bar.set_ticks(ticks, labels=tick_labels)
        else:
            bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
        bar.set_label(outcome_label(outcome), fontsize=9)
        bar.ax.tick_params(labelsize=8, length=0)
        zero = cmap(norm(0.0))
        legend = [
            Patch(
                facecolor=MISSING,
                edgecolor=MISSING_EDGE,
                hatch=MISSING_HATCH,
                label="not logged, or not recorded" if unrecorded else "not logged",
            ),
            Patch(
                facecolor=zero,
                edgecolor="white",
                label="logged, no spasms" if outcome == "spasm_count" else "logged, 0",
            ),
        ]
        below = place(0.0, _PAD + _TITLE + grid_h, 0.0, 0.0)
        fig.legend(handles=legend, loc="upper left", bbox_to_anchor=(below[0], below[1]), ncols=2, fontsize=9)
        fig.suptitle(
            _title("Calendar of " + outcome_label(outcome), who), x=_PAD / size[0], y=1 - _PAD / size[1], ha="left",
            va="top", fontweight="bold",
        )  # fmt: skip
    return fig


# --------------------------------------------------------------------------------------------------------
# time_pattern
# --------------------------------------------------------------------------------------------------------


def time_pattern(spasms: pd.DataFrame, *, person: str | None = None, ax: Axes | None = None) -> Axes:
    """When spasms start: a weekday × hour-of-day heatmap of spasm onsets.

    Parameters
    ----------
    spasms : pandas.DataFrame
        The ``spasms`` table of a log (``Log.spasms``), with ``start`` as local date-times.
    person : str, optional
        The person to draw; required when ``spasms`` holds several people.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: the counts are ``ax.images[0]``, a 7 × 24 array (rows Monday to Sunday, columns
        the hours 0–23); the night hours (00:00–06:00, as :func:`spasmlog.daily_table` counts
        ``night_spasms``) are outlined by a dashed rectangle with gid ``"night"``.

    Examples
    --------
    >>> import spasmlog
    >>> ax = time_pattern(spasmlog.load_sample("alex").spasms)
    >>> ax.images[0].get_array().shape
    (7, 24)
    >>> int(ax.images[0].get_array().sum()) == len(spasmlog.load_sample("alex").spasms)
    True
    """
    table = check_frame(spasms, "spasms", "time_pattern")
    check_columns(table, ["start"], "spasms", "time_pattern", hint=" Pass the spasms table of a log (log.spasms).")
    rows, who = one_person(table, person, "spasms", "time_pattern")
    start = pd.to_datetime(rows["start"]).dropna()
    counts = np.zeros((7, 24))
    np.add.at(counts, (start.dt.day_of_week.to_numpy(), start.dt.hour.to_numpy()), 1)
    with style():
        ax = new_axes(ax, (8, 3.4))
        image = ax.imshow(
            counts,
            cmap=count_cmap(),
            norm=Normalize(0, max(1.0, float(counts.max()))),
            aspect="auto",
            interpolation="nearest",
            extent=(-0.5, 23.5, 6.5, -0.5),
        )
        ax.set_yticks(range(7), _WEEKDAYS)
        ax.set_xticks(range(0, 24, 3), [f"{h:02d}:00" for h in range(0, 24, 3)])
        ax.set_xlabel("hour of day when the spasm started (local time)")
        night = Rectangle(
            (-0.5, -0.5), 6, 7, fill=False, edgecolor=COLORS["vermillion"], linestyle="--", linewidth=1.5, clip_on=False
        )
        night.set_gid("night")
        ax.add_patch(night)
        ax.text(2.5, -0.6, "night", ha="center", va="bottom", fontsize=9, color=COLORS["vermillion"])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(length=0)
        bar = ax.figure.colorbar(image, ax=ax, pad=0.01, aspect=15)
        bar.set_label("spasms (count)", fontsize=9)
        bar.ax.tick_params(labelsize=8, length=0)
        ax.set_title(_title(f"When spasms start ({int(counts.sum())} spasms)", who), loc="left", pad=16)
    return ax


# --------------------------------------------------------------------------------------------------------
# intake
# --------------------------------------------------------------------------------------------------------


def intake(daily: pd.DataFrame, *, person: str | None = None, window: int = 7, ax: Axes | None = None) -> Axes:
    """Water and each mineral as % of the person's reference intake over time, with 100% marked.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`, which adds ``water_pct``, ``magnesium_pct`` ... (intake as % of
        the person's own target, else of their reference intake).
    person : str, optional
        The person to draw; required when ``daily`` holds several people.
    window : int
        Days in the rolling mean (7), over the days each intake was recorded.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: one line per intake, gid its ``*_pct`` column and label its plain name
        (``water``, ``magnesium`` ...), each with its own colour and line style; the reference is a line
        at 100 with gid ``"reference"``.

    Examples
    --------
    >>> import spasmlog
    >>> ax = intake(spasmlog.daily_table(spasmlog.load_sample("alex")))
    >>> [line.get_label() for line in ax.lines if str(line.get_gid()).endswith("_pct")]
    ['water', 'magnesium', 'calcium', 'potassium', 'sodium']
    """
    if not (isinstance(window, int) and not isinstance(window, bool) and window >= 1):
        _checks.fail("intake", "window", window, "a whole number of days ≥ 1")
    frame, _logged, who = _person_days(daily, person, [], "intake")
    present = [c for c in INTAKE_COLUMNS.values() if c in frame.columns and frame[c].notna().any()]
    if not present:
        _checks.refuse(
            "intake needs at least one of the columns "
            + ", ".join(f"`{c}`" for c in INTAKE_COLUMNS.values())
            + " with values in `daily`; the log records no water or mineral intake"
            + (f" for {who!r}." if who else "."),
            "intake",
            "daily",
            "no intake recorded",
            "a daily table with a water or mineral intake column",
        )
    with style():
        ax = new_axes(ax, (10, 3.6))
        dates = frame.index.to_numpy()
        for i, column in enumerate(present):
            mean = rolling_mean(frame[column], window)
            ax.plot(
                dates, mean.to_numpy(), color=CYCLE[i % len(CYCLE)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=1.6, label=factor_label(column), gid=column,
            )  # fmt: skip
        ax.axhline(100, color=COLORS["black"], linewidth=0.9, gid="reference", zorder=1)
        ax.text(1.0, 100, " 100%:\n your\n reference", transform=ax.get_yaxis_transform(), va="center", fontsize=8)
        date_axis(ax)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"% of your reference intake\n({window}-day mean)")
        ax.set_title(_title("Intake compared with your reference values", who), loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncols=min(6, len(present)), fontsize=9)
    return ax


# --------------------------------------------------------------------------------------------------------
# caseload
# --------------------------------------------------------------------------------------------------------


def caseload(
    daily: pd.DataFrame,
    *,
    summary: pd.DataFrame | None = None,
    outcome: str = "spasm_count",
    window: int = 7,
    x: Literal["since_start", "date"] = "since_start",
    ncols: int = 4,
    fig: Figure | None = None,
) -> Figure:
    """Small multiples: one trend panel per client on a shared y-axis, the most improved first.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`, for several people.
    summary : pandas.DataFrame, optional
        From :func:`spasmlog.caseload_summary`: pass the one you have. When not given, its change columns are
        worked out from ``daily`` (``caseload_summary(daily, factors=[])``: no association is searched for the
        panels, which draw only the change). Panels follow its
        ``change_ratio`` (last four weeks over the first four), smallest first; clients whose change could
        not be estimated come last.
    outcome : str
        The daily column drawn (``spasm_count``).
    window : int
        Days in each panel's rolling mean (7).
    x : {"since_start", "date"}
        ``"since_start"`` (default): weeks since each client's first day, the same axis for every panel, so
        the first weeks line up; ``"date"``: calendar dates, each panel its own range.
    ncols : int
        Panels per row.
    fig : matplotlib.figure.Figure, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.figure.Figure
        Inspection hooks: one Axes per client, in order, gid the ``person_id``; each title is two lines: the
        id (shortened with "…" to the panel's width when it is longer), then the spasms per week in the
        first and the last four weeks and their ratio, or "not enough days to test" when the summary's
        ``change_status`` says so.

    Notes
    -----
    Built for a printed caseload: with ``ncols=3`` twelve clients fill one A4 page; with ``x="date"`` each
    panel's axis names the months (:class:`matplotlib.dates.ConciseDateFormatter`, at most five ticks).

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("clinic"))
    >>> fig = caseload(daily)
    >>> [ax.get_gid() for ax in fig.axes][:3]
    ['c05', 'c01', 'c08']
    """
    check_choice(x, "x", "caseload", ("since_start", "date"))
    if not (isinstance(ncols, int) and not isinstance(ncols, bool) and ncols >= 1):
        _checks.fail("caseload", "ncols", ncols, "a whole number ≥ 1")
    if not (isinstance(window, int) and not isinstance(window, bool) and window >= 2):
        _checks.fail("caseload", "window", window, "a whole number of days ≥ 2")
    table = check_frame(daily, "daily", "caseload")
    check_columns(table, ["person_id", "date", outcome], "daily", "caseload", hint=_HINT)
    if summary is None:  # only the change columns are drawn: no association search (factors=[])
        from spasmlog.analysis.caseload import caseload_summary

        summary = caseload_summary(table, outcome=outcome, factors=[])
    else:
        summary = check_frame(summary, "summary", "caseload")
        check_columns(
            summary, ["person_id", "change_ratio"], "summary", "caseload", hint=" Pass caseload_summary(daily)."
        )
    people = list(dict.fromkeys(table["person_id"].dropna().astype(str)))
    if not people:
        _checks.refuse("caseload has no one to draw: `daily` has no rows.", "caseload", "daily", "no rows", "a row")
    ordered = summary.assign(person_id=summary["person_id"].astype(str)).sort_values(
        "change_ratio", kind="stable", na_position="last"
    )
    order = [p for p in ordered["person_id"] if p in people] + [p for p in people if p not in set(ordered["person_id"])]
    info = ordered.set_index("person_id")
    columns = min(ncols, len(order))
    rows_n = -(-len(order) // columns)
    with style():
        fig = new_figure(fig, (3.0 * columns + 0.6, 2.1 * rows_n + 0.9))
        grid = fig.subplots(rows_n, columns, squeeze=False, sharey=True, sharex=x == "since_start")
        panels = list(grid.ravel())
        for extra in panels[len(order) :]:
            extra.remove()
        titles: list[tuple[Axes, Text]] = []
        for i, (ax, who) in enumerate(zip(panels, order, strict=False)):
            frame, logged, _ = _person_days(table, who, [outcome], "caseload")
            if x == "since_start":
                position = np.arange(len(frame)) / 7.0
                day = 1 / 7
            else:
                position = mdates.date2num(frame.index.to_numpy())
                day = 1.0
            _draw_days(
                ax,
                position,
                frame[outcome],
                logged,
                day=day,
                kind="bars",
                windows=[window],
                label=outcome_label(outcome),
            )
            ax.set_gid(who)
            titles.append(
                (ax, ax.set_title(_panel_title(who, info, outcome), fontsize=9, loc="left", fontweight="normal"))
            )
            if x == "date":
                ax.xaxis_date()
                locator = mdates.AutoDateLocator(minticks=2, maxticks=5)  # a narrow panel: a few months, named
                ax.xaxis.set_major_locator(locator)
                ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
                ax.tick_params(axis="x", labelsize=7)
            ax.set_ylim(bottom=0)
            if i % columns == 0:
                ax.set_ylabel(outcome_label(outcome), fontsize=8)
            if i >= len(order) - columns and x == "since_start":
                ax.set_xlabel("weeks since first day", fontsize=8)
            ax.tick_params(labelsize=7)
        handles, labels = panels[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower left", ncols=len(labels), fontsize=8)
        fig.suptitle(
            "Caseload: " + outcome_label(outcome) + ", most improved first (first 4 weeks → last 4 weeks)",
            x=0.02, ha="left", fontweight="bold", fontsize=11,
        )  # fmt: skip
        _fit_titles(fig, titles)
    return fig


def _fit_titles(fig: Figure, titles: Sequence[tuple[Axes, Text]]) -> None:
    """Shorten each panel's title lines with "…" until they fit the panel's width (long client names)."""
    fig.draw_without_rendering()  # lays the panels out, so their widths are known
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg and SVG canvases have one
    for ax, title in titles:
        width = ax.get_window_extent(renderer).width
        lines = title.get_text().split("\n")
        for i, line in enumerate(lines):
            if _text_width(title, line, renderer) <= width:
                continue
            low, high = 1, len(line) - 1  # the longest prefix that fits with "…" after it
            while low < high:
                middle = (low + high + 1) // 2
                if _text_width(title, line[:middle].rstrip() + "…", renderer) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines[i] = line[:low].rstrip() + "…"
        title.set_text("\n".join(lines))


def _text_width(text: Text, value: str, renderer: RendererBase) -> float:
    """Width in pixels of ``value`` set in the font of ``text``."""
    old = text.get_text()
    text.set_text(value)
    width = float(text.get_window_extent(renderer).width)
    text.set_text(old)
    return width


def _as_float(value: object) -> float:
    """A number from a table cell; NaN for a missing or non-numeric one."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _panel_title(who: str, info: pd.DataFrame, outcome: str) -> str:
    """``c05`` then ``7.0 → 2.3 a week (×0.33)`` on a second line: the client, spasms per week at the start and
    now, and their ratio; "not enough days to test" for a client whose change the summary could not test."""
    if who not in info.index:
        return who
    row = info.loc[[who]].iloc[0].to_dict()
    status = str(row.get("change_status", ""))
    if status.startswith("not enough days"):
        return f"{who}\nnot enough days to test"
    ratio = _as_float(row.get("change_ratio"))
    first, last = _as_float(row.get("spasms_per_week_first")), _as_float(row.get("spasms_per_week_last"))
    text = f"{first:.1f} → {last:.1f} a week " if outcome == "spasm_count" and np.isfinite(first + last) else ""
    return f"{who}\n{text}" + (f"(×{ratio:.2f})" if np.isfinite(ratio) else "(change not estimated)")
