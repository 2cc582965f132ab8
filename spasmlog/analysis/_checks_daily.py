"""The argument checks that know the daily table: the table itself, its people, lags in days, steps per factor.

The generic checks (a choice, a probability, a whole number, a column of a frame) are in
:mod:`spasmlog._checks`; these build on them, so every bad argument of an analysis function raises a
:class:`~spasmlog.errors.ParameterError` naming the function, the parameter, the value and what would have
been accepted.

Examples
--------
>>> lags((0, 1, 1), "rate_ratios")
Traceback (most recent call last):
...
spasmlog.errors.ParameterError: The 'lags' parameter of rate_ratios must be distinct whole numbers of days ≥ 0, such as (0, 1, 2, 3). Got (0, 1, 1) instead. It lists a lag twice.
"""  # noqa: E501

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from spasmlog import _checks

__all__ = ["PERSON_COLUMN", "daily_frame", "factor_list", "lags", "one_person", "per", "person_column"]

PERSON_COLUMN = "person_id"
"""The column of the daily table that identifies people."""

_LAGS = "distinct whole numbers of days ≥ 0, such as (0, 1, 2, 3)"


def daily_frame(daily: object, function: str, *, needs_date: bool = True) -> pd.DataFrame:
    """``daily`` when it is a DataFrame (with a ``date`` column when ``needs_date``), as daily_table returns.

    Examples
    --------
    >>> daily_frame(pd.DataFrame({"spasm_count": [1]}), "rate_ratios")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The daily table given to rate_ratios has no `date` column; build it with daily_table(log).
    """  # noqa: E501
    frame: pd.DataFrame = _checks.dataframe(daily, "daily", function, source="daily_table")
    if needs_date and "date" not in frame.columns:
        _checks.refuse(
            f"The daily table given to {function} has no `date` column; build it with daily_table(log).",
            function,
            "daily",
            list(frame.columns),
            "a daily table with a `date` column",
        )
    return frame


def lags(value: object, function: str) -> list[int]:
    """Lags in days as a list: one whole number ≥ 0 or several different ones.

    Examples
    --------
    >>> lags(1, "rate_ratios"), lags((0, 1, 2), "correlate")
    ([1], [0, 1, 2])
    """
    values = [value] if isinstance(value, int | np.integer) and not isinstance(value, bool) else value
    if isinstance(values, str) or not isinstance(values, Iterable):
        _checks.fail(function, "lags", value, _LAGS)
    items = list(values)
    if not items or any(isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0 for v in items):
        _checks.fail(function, "lags", value, _LAGS)
    out = [int(v) for v in items]
    if len(set(out)) != len(out):
        _checks.fail(function, "lags", value, _LAGS, hint="It lists a lag twice.")
    return out


def per(value: object, function: str) -> dict[str, float]:
    """Steps per factor (``{"water_ml": 250}``): a mapping of names to numbers > 0; ``None`` is none.

    Examples
    --------
    >>> per({"water_ml": 250}, "rate_ratios")
    {'water_ml': 250.0}
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        _checks.fail(function, "per", value, "a mapping of factor to step, such as {'water_ml': 250}")
    out = {}
    for key, step in value.items():
        if not (isinstance(step, int | float) and not isinstance(step, bool) and math.isfinite(step) and step > 0):
            _checks.refuse(
                f"The 'per' parameter of {function} takes steps > 0; got {step!r} for {key!r} instead.",
                function,
                "per",
                value,
                "steps > 0",
            )
        out[str(key)] = float(step)
    return out


def person_column(daily: pd.DataFrame, value: object, function: str, *, parameter: str = "person") -> str:
    """The column naming people (``person_id``), checked to be in ``daily``.

    Examples
    --------
    >>> person_column(pd.DataFrame({"person_id": ["a"]}), "person_id", "cohort_model")
    'person_id'
    """
    return _checks.column(daily, value, parameter, function, frame="daily", numeric=False)


def one_person(daily: pd.DataFrame, person: str | None, function: str) -> None:
    """One person at a time: several people without ``person`` is an error, never a silent pooling of their days.

    Examples
    --------
    >>> two = pd.DataFrame({"person_id": ["a", "b"], "date": ["2024-01-01"] * 2})
    >>> one_person(two, None, "rate_ratios")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The daily table holds 2 people, and rate_ratios models one person's days at a time; pooling days across people is the wrong analysis. Pass person='person_id' for one result per person, or use cohort_model for a within-person model across everyone.
    """  # noqa: E501
    if person is not None:
        person_column(daily, person, function)
        return
    people = daily[PERSON_COLUMN].nunique(dropna=True) if PERSON_COLUMN in daily.columns else 1
    if people > 1:
        _checks.refuse(
            f"The daily table holds {people} people, and {function} models one person's days at a time; pooling "
            f"days across people is the wrong analysis. Pass person='{PERSON_COLUMN}' for one result per person, "
            "or use cohort_model for a within-person model across everyone.",
            function,
            "person",
            None,
            f"'{PERSON_COLUMN}' for a table of several people",
        )


def factor_list(
    daily: pd.DataFrame, factors: object, function: str, *, default: Sequence[str] | None = None
) -> list[str]:
    """Factor columns: ``default`` when ``factors`` is None, else one name or a list of different names.

    Examples
    --------
    >>> factor_list(pd.DataFrame({"water_ml": [1.0]}), [], "correlate")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The 'factors' parameter of correlate must name at least one column. Got [] instead.
    """
    if factors is None:
        if not default:
            _checks.refuse(
                f"`daily` has no factor columns for {function}: no numeric or yes/no column is recorded.",
                function,
                "factors",
                None,
                "factor columns",
            )
        return list(default)
    names = [factors] if isinstance(factors, str) else factors
    if not isinstance(names, Iterable):
        _checks.fail(function, "factors", factors, "a list of column names or None")
    names = list(names)
    if not names:
        _checks.refuse(
            f"The 'factors' parameter of {function} must name at least one column. Got [] instead.",
            function,
            "factors",
            names,
            "at least one column",
        )
    if len(set(names)) != len(names):
        _checks.refuse(
            f"The 'factors' parameter of {function} lists a column twice. Got {names!r} instead.",
            function,
            "factors",
            names,
            "different column names",
        )
    return [_checks.column(daily, name, "factors", function, frame="daily") for name in names]
