"""A printable one-page calendar of a planned experiment: what to do each day (HTML, offline, A4).

One row per month and one column per day of the month (a year planner), so that even the longest plan fits
one A4 page; a thick line marks each Monday.

Made by ``spasmlog plan`` beside the log; :func:`calendar_html` gives the page for the rows of one plan of the
``experiments`` table. The page holds its CSS, fetches nothing and escapes every piece of user text.
"""

from __future__ import annotations

import calendar as _calendar
import math
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["MONTHS_AREA_MM", "MONTHS_PER_PAGE", "ROW_MIN_MM", "calendar_html", "write_calendar"]

_LABELS = {"on": "ON", "off": "OFF", "washout": "–"}

MONTHS_AREA_MM = 195.0
"""Height of the month rows on an A4 page: 297 mm less 2 × 10 mm margins, about 35 mm of heading and
instructions, 6 mm of day numbers and about 40 mm for the closing sentences (the power statement)."""

ROW_MAX_MM = 11.0
ROW_MIN_MM = 3.4
"""The tallest and the shortest row of a month (the shortest still holds a 5 pt ``OFF``)."""

MONTHS_PER_PAGE = math.floor(MONTHS_AREA_MM / ROW_MIN_MM)
"""Months on one A4 page (57): the longest plan ``spasmlog plan`` allows (20 pairs of 28-day blocks with 14-day
washouts, 1,666 days) spans at most 56, so every plan it makes fits one page; a longer, hand-made table runs
to more pages, and the calendar says so at its head."""

_WEEKDAY_MM = 7.0
"""Rows at least this tall also show each day's weekday."""


def calendar_html(periods: pd.DataFrame, *, statement: str = "") -> str:
    """The calendar page of one planned experiment: one row per month, one column per day of the month.

    Parameters
    ----------
    periods : DataFrame
        The ``experiments`` rows of one plan (one person, one ``experiment_id``), as
        :attr:`spasmlog.analysis.experiments.ExperimentPlan.periods`.
    statement : str
        A sentence printed at the foot of the page (the plan's power statement).

    Returns
    -------
    str
        A self-contained HTML page, sized for one A4 page (see :data:`MONTHS_PER_PAGE`): the height of a
        month's row is the page's room for months shared among them, at most 11 mm and at least 3.4 mm.

    Examples
    --------
    >>> from spasmlog.analysis.experiments import plan_experiment
    >>> plan = plan_experiment(None, change="<b>magnesium</b>", pairs=2, start="2030-01-01", seed=1)
    >>> page = calendar_html(plan.periods)
    >>> "&lt;b&gt;magnesium&lt;/b&gt;" in page and "<b>magnesium" not in page, page.count('<td class="on"')
    (True, 14)
    """
    import jinja2

    from spasmlog._version import __version__
    from spasmlog.analysis.experiments import experiment_days

    days = experiment_days(periods)
    facts = periods.iloc[0]
    arm_of = dict(zip(days["date"].dt.date, days["arm"], strict=True))
    first, last = days["date"].min().date(), days["date"].max().date()
    months: list[dict[str, Any]] = []
    month = pd.Timestamp(first).replace(day=1)
    while month.date() <= last:
        length = _calendar.monthrange(month.year, month.month)[1]
        cells: list[dict[str, Any]] = []
        for number in range(1, 32):
            if number > length:
                cells.append({"arm": "none", "label": "", "weekday": "", "monday": False})
                continue
            day = month.replace(day=number).date()
            arm = arm_of.get(day, "outside")
            weekday = day.weekday()
            cells.append(
                {"arm": arm, "label": _LABELS.get(arm, ""), "weekday": _WEEKDAYS[weekday], "monday": weekday == 0}
            )
        months.append({"title": month.strftime("%B %Y"), "cells": cells})
        month = month + pd.offsets.MonthBegin(1)
    pages = [months[k : k + MONTHS_PER_PAGE] for k in range(0, len(months), MONTHS_PER_PAGE)]
    row_mm = math.floor(100 * min(ROW_MAX_MM, MONTHS_AREA_MM / len(pages[0]))) / 100
    against = str(facts.get("against") or "none")
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("spasmlog.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def _int(name: str) -> int:
        value = facts.get(name)
        return int(value) if value is not None and not pd.isna(value) else 0

    return environment.get_template("experiment_calendar.html.j2").render(
        made=f"spasmlog {__version__}",
        change=str(facts["change"]),
        against_text="nothing instead (your usual days)" if against.lower() in ("none", "") else against,
        person=str(facts["person_id"]),
        experiment_id=str(facts["experiment_id"]),
        first=first.isoformat(),
        last=last.isoformat(),
        pairs=_int("pairs"),
        block_days=_int("block_days"),
        washout_days=_int("washout_days"),
        design=str(facts.get("design") or "pairs"),
        seed=_int("seed"),
        pages=pages,
        n_months=len(months),
        months_per_page=MONTHS_PER_PAGE,
        row_mm=f"{row_mm:.2f}",
        font_pt=f"{min(6.5, max(5.0, 1.5 * row_mm)):.1f}",
        show_weekday=row_mm >= _WEEKDAY_MM,
        statement=statement,
    )


_WEEKDAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def write_calendar(periods: pd.DataFrame, path: str | Path, *, statement: str = "") -> Path:
    """Write :func:`calendar_html` to ``path`` atomically; returns the path."""
    from spasmlog.io.write import atomic_write_text

    target = Path(path)
    atomic_write_text(target, calendar_html(periods, statement=statement))
    return target
