"""A printable one-page calendar of a planned experiment: what to do each day (HTML, offline, A4).

Made by ``spasmlog plan`` beside the log; :func:`calendar_html` gives the page for the rows of one plan of the
``experiments`` table. The page holds its CSS, fetches nothing and escapes every piece of user text.
"""

from __future__ import annotations

import calendar as _calendar
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["calendar_html", "write_calendar"]

_LABELS = {"on": "ON", "off": "OFF", "washout": "washout"}


def calendar_html(periods: pd.DataFrame, *, statement: str = "") -> str:
    """The calendar page of one planned experiment.

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
        A self-contained HTML page.

    Examples
    --------
    >>> from spasmlog.analysis.experiments import plan_experiment
    >>> plan = plan_experiment(None, change="<b>magnesium</b>", pairs=2, start="2030-01-01", seed=1)
    >>> page = calendar_html(plan.periods)
    >>> "&lt;b&gt;magnesium&lt;/b&gt;" in page and "<b>magnesium" not in page, page.count('class="on"')
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
        weeks = []
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month.month:
                    cells.append(None)
                    continue
                arm = arm_of.get(day, "outside")
                cells.append({"day": day.day, "arm": arm, "label": _LABELS.get(arm, "")})
            weeks.append(cells)
        months.append({"title": month.strftime("%B %Y"), "weeks": weeks})
        month = month + pd.offsets.MonthBegin(1)
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
        weekdays=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        months=months,
        statement=statement,
    )


def write_calendar(periods: pd.DataFrame, path: str | Path, *, statement: str = "") -> Path:
    """Write :func:`calendar_html` to ``path`` atomically; returns the path."""
    from spasmlog.io.write import atomic_write_text

    target = Path(path)
    atomic_write_text(target, calendar_html(periods, statement=statement))
    return target
