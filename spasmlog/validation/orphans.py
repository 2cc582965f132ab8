"""Rows that name a person without days: a ``people``, ``interventions`` or ``experiments`` row whose person has
no daily row and no spasm event anywhere in the log (a renamed folder, a typing error in an id). Such rows
are kept, but never silently: each file and person gets a warning naming the lines."""

from __future__ import annotations

import pandas as pd

from spasmlog.log import PROBLEM_COLUMNS
from spasmlog.validation.cells import _Prepared

__all__: list[str] = []  # the package's own steps; the public functions are in spasmlog.validation

_DAYS = ("daily", "spasms")
"""The tables that hold a person's days."""
_ABOUT_A_PERSON = ("interventions", "people", "experiments")
"""The tables whose rows say something about a person's days, and mean nothing without them."""


def _orphan_warnings(prepared: list[_Prepared]) -> pd.DataFrame:
    """One warning per file and person named there who has no daily row and no spasm event in the log.

    Rows set aside count as days (their person has days, written wrongly); a log without any daily row or
    spasm event (a ``people.csv`` read on its own) gets no warning.

    Examples
    --------
    >>> import numpy as np
    >>> from spasmlog.io.sources import RawTable
    >>> from spasmlog.validation.cells import _prepare
    >>> daily = RawTable("daily", "daily.csv", pd.DataFrame({"date": ["2026-01-01"]}), np.array([2]), "kim2")
    >>> people = RawTable("people", "people.csv", pd.DataFrame({"person_id": ["kim"]}), np.array([2]))
    >>> found = _orphan_warnings([_prepare(raw, dayfirst=None, drink_g=10.0) for raw in (daily, people)])
    >>> found[["file", "line", "value", "rule"]].values.tolist()
    [['people.csv', 2, 'kim', 'person_without_days']]
    """
    with_days: set[str] = set()
    for part in prepared:
        if part.raw.table in _DAYS and "person_id" in part.typed:
            with_days.update(part.typed["person_id"].dropna().astype("str"))
    if not with_days:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    shown = ", ".join(sorted(with_days)[:5]) + (f" and {len(with_days) - 5} more" if len(with_days) > 5 else "")
    rows = []
    for part in prepared:
        if part.raw.table not in _ABOUT_A_PERSON or "person_id" not in part.typed:
            continue
        ids = part.typed["person_id"].astype("object")
        for person, positions in ids[ids.notna()].groupby(ids[ids.notna()], sort=True).indices.items():
            if person in with_days:
                continue
            lines = [int(line) for line in part.raw.lines[positions]]
            where = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
            count = f"{len(lines)} row{'s' if len(lines) > 1 else ''}"
            rows.append(
                {
                    "table": part.raw.table,
                    "file": part.raw.file,
                    "line": lines[0],
                    "column": part.header_of.get("person_id", "person_id"),
                    "field": "person_id",
                    "value": str(person),
                    "rule": "person_without_days",
                    "message": f"{count} of {part.raw.table} (line{'s' if len(lines) > 1 else ''} {where}) name "
                    f"person '{person}', who has no daily rows and no spasm events in this log (the people with "
                    f"days: {shown}); the rows are kept but belong to no one's days. A renamed folder, or a typing "
                    "error in the id? Correct the person_id.",
                    "severity": "warning",
                }
            )
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
