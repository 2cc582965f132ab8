"""Lagging a daily series within a person, by calendar day: the one way the package takes a lag.

A lag of *k* days pairs a person's day *t* with the same person's day *t − k*, found by its date, never by
counting rows: a day not logged is a gap, not a reason to pair day *t* with whatever row came before it,
and one person's days are never paired with another's. Three forms of the same rule:

- :func:`shift_days`: a series already on consecutive calendar days (one person's calendar, or a
  people × days matrix along ``axis``), moved by ``lag`` days;
- :func:`lag_rows` and :func:`lag_values`: rows in any order, each with a person code and a day number
  (the batched engines, where many people's rows share one array);
- :func:`lag_column`: the same for a column of a daily frame with a person and a date column.

How lags meet gaps
------------------
The lagged value of day *t* is missing when the person has no row for day *t − k* (a day not logged, or
before their first day) or when the value on that day is missing. That one day then lacks the lagged
value; no other day is removed or moved, and day *t* keeps its own row and outcome. So a missing day *d*
costs the lag-*k* pairs at day *d* (its own value) and at day *d + k* (its value as the lagged one), and
nothing else.

A negative lag looks ahead (day *t* gets day *t + |k|*). Nothing here knows what a factor is: arrays and
frames in, arrays and series out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spasmlog import _checks

__all__ = ["lag_column", "lag_rows", "lag_values", "shift_days"]


def shift_days(values: np.ndarray, lag: int, *, fill: float | bool = np.nan, axis: int = 0) -> np.ndarray:
    """A series on consecutive calendar days, ``lag`` days later: day *t* holds day *t* − ``lag``.

    Parameters
    ----------
    values : numpy.ndarray
        One entry per consecutive calendar day along ``axis`` (one person's calendar, missing days already
        in place as missing values), any other axes alongside (factors, or people with ``axis=1``).
    lag : int
        Days to look back; negative looks ahead; 0 gives a copy.
    fill : float or bool, default NaN
        The value of the days whose day *t* − ``lag`` falls outside the calendar (``False`` for yes/no
        arrays, 0 where a missing contribution is none).
    axis : int, default 0
        The day axis.

    Returns
    -------
    numpy.ndarray
        The same shape as ``values``, of the type that holds both ``values`` and ``fill``.

    Notes
    -----
    The calendar must hold every day: with days left out, a shift of the array is no longer a shift by
    days (use :func:`lag_values`). See the module's notes for how lags meet gaps.

    Examples
    --------
    >>> shift_days(np.array([1.0, 2.0, np.nan, 4.0]), 1)
    array([nan,  1.,  2., nan])
    >>> shift_days(np.array([True, False, False]), 1, fill=False)
    array([False,  True, False])
    >>> shift_days(np.array([[1, 2, 3], [4, 5, 6]]), -1, fill=0, axis=1)
    array([[2, 3, 0],
           [5, 6, 0]])
    """
    lag = int(lag)
    values = np.asarray(values)
    out = np.full(values.shape, fill, dtype=np.result_type(values.dtype, fill))
    days = values.shape[axis]
    if abs(lag) >= days:
        return out
    target = [slice(None)] * values.ndim
    source = [slice(None)] * values.ndim
    target[axis] = slice(lag, None) if lag >= 0 else slice(None, lag)
    source[axis] = slice(None, days - lag) if lag >= 0 else slice(-lag, None)
    out[tuple(target)] = values[tuple(source)]
    return out


def lag_rows(person: np.ndarray, day: np.ndarray, lag: int) -> np.ndarray:
    """For each row, the row holding the same person's day *t* − ``lag``; −1 where there is none.

    Parameters
    ----------
    person : numpy.ndarray of int
        Each row's person code (as :func:`pandas.factorize` gives); a negative code is a row of no one,
        which neither gets nor gives a lagged value.
    day : numpy.ndarray of int
        Each row's day number (days since any fixed date). Rows may come in any order.
    lag : int
        Days to look back; negative looks ahead.

    Returns
    -------
    numpy.ndarray of int64
        Row indices into the arrays given, −1 where the person has no row ``lag`` days before.

    Raises
    ------
    ParameterError
        If a person has two rows for one day (then "the day before" is not one row).

    Notes
    -----
    Each (person, day) becomes one integer key, ``person × span + day``, where ``span`` exceeds the days
    covered plus ``|lag|``, so a key moved by ``lag`` can only meet a key of the same person. In the sorted
    keys (the sort is skipped when the rows are already in person and date order) the row ``lag`` places
    away is tried first, which on a full calendar is the one, and a binary search finds the others: one
    pass over a daily table, whatever its gaps. See the module's notes for how lags meet gaps.

    Examples
    --------
    Two people; the first has no row for day 12:

    >>> lag_rows(np.array([0, 0, 0, 1, 1]), np.array([10, 11, 13, 10, 11]), 1)
    array([-1,  0, -1, -1,  3])
    """
    person = np.asarray(person, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    lag = int(lag)
    own = person >= 0
    if not own.all():  # rows of no one: left out, and their rows renumbered back
        rows = np.flatnonzero(own)
        inner = lag_rows(person[own], day[own], lag)
        out = np.full(person.size, -1, dtype=np.int64)
        out[rows] = np.where(inner >= 0, rows[np.maximum(inner, 0)], -1)
        return out
    n = day.size
    if n == 0:
        return np.full(0, -1, dtype=np.int64)
    first = int(day.min())
    span = int(day.max()) - first + abs(lag) + 1
    key = person * span + (day - first)
    steps = np.diff(key)
    order = None if (steps > 0).all() else np.argsort(key, kind="stable")
    ordered = key if order is None else key[order]
    if order is not None:
        steps = np.diff(ordered)
    if (steps == 0).any():
        where = int(np.flatnonzero(steps == 0)[0]) + 1
        row = where if order is None else int(order[where])
        _checks.refuse(
            f"A person has two rows for the same day (row {row}): a lag needs one row per person and day.",
            "lag_rows",
            "day",
            f"row {row}, a second row for its day",
            "one row per person and day",
        )
    if lag == 0:
        return np.arange(n, dtype=np.int64)
    target = ordered - lag
    # on a full calendar the row `lag` places away is the one: check it first, search only for the others
    guess = np.clip(np.arange(n) - lag, 0, n - 1)
    found = ordered[guess] == target
    missed = np.flatnonzero(~found)
    if missed.size:
        position = np.minimum(np.searchsorted(ordered, target[missed]), n - 1)
        hit = ordered[position] == target[missed]
        guess[missed] = position
        found[missed] = hit
    if order is None:
        return np.where(found, guess, -1).astype(np.int64)
    out = np.empty(n, dtype=np.int64)
    out[order] = np.where(found, order[guess], -1)
    return out


def lag_values(person: np.ndarray, day: np.ndarray, values: np.ndarray, lag: int) -> np.ndarray:
    """``values`` on the same person's day *t* − ``lag`` for each row, NaN where that day has no row.

    Parameters
    ----------
    person, day, lag
        As for :func:`lag_rows`.
    values : numpy.ndarray
        One value per row (NaN where missing).

    Returns
    -------
    numpy.ndarray of float64
        The lagged values; NaN where the day *t* − ``lag`` has no row of the same person, or its value is
        missing (see the module's notes for how lags meet gaps).

    Examples
    --------
    The rows need not be in order; the first person has no row for day 2:

    >>> person = np.array([1, 0, 0, 1, 0])
    >>> day = np.array([2, 3, 1, 1, 0])
    >>> lag_values(person, day, np.array([20.0, 30.0, 10.0, 15.0, 5.0]), 1)
    array([15., nan,  5., nan, nan])
    """
    values = np.asarray(values, dtype=np.float64)
    index = lag_rows(person, day, lag)
    return np.where(index >= 0, values[np.maximum(index, 0)], np.nan)


def lag_column(
    frame: pd.DataFrame, column: str, lag: int, *, person: str | None = "person_id", date: str | None = "date"
) -> pd.Series:
    """``column`` on day *t* − ``lag`` of the same person for each row of a daily frame, by calendar day.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of days, in any order, one per person and day.
    column : str
        The column to lag (numeric or yes/no).
    lag : int
        Days to look back; negative looks ahead.
    person : str or None, default "person_id"
        The person column; None when the frame holds one person.
    date : str or None, default "date"
        The date column. None takes each person's rows, in the order given, as consecutive days.

    Returns
    -------
    pandas.Series of float64
        Indexed as ``frame``, named ``column``: NaN where the person has no row ``lag`` days before, or the
        value there is missing; a row whose person or date is missing gets NaN. See the module's notes for
        how lags meet gaps.

    Examples
    --------
    Two people, a day not logged (the 3rd for ``a``), the rows out of order:

    >>> frame = pd.DataFrame({
    ...     "person_id": ["a", "a", "a", "b", "b"],
    ...     "date": pd.to_datetime(["2025-01-04", "2025-01-01", "2025-01-02", "2025-01-02", "2025-01-01"]),
    ...     "x": [4.0, 1.0, 2.0, 20.0, 10.0],
    ... })
    >>> lag_column(frame, "x", 1).tolist()
    [nan, nan, 1.0, 10.0, nan]
    """
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if person is None:
        codes = np.zeros(len(frame), dtype=np.int64)
    else:
        codes = pd.factorize(frame[person], use_na_sentinel=True)[0].astype(np.int64)
    if date is None:
        day = pd.Series(codes).groupby(codes).cumcount().to_numpy(dtype=np.int64)
    else:
        stamps = pd.to_datetime(frame[date]).dt.normalize().to_numpy(dtype="datetime64[D]")
        missing = np.isnat(stamps)
        codes = np.where(missing, -1, codes)
        day = np.where(missing, 0, stamps.astype(np.int64))
    return pd.Series(lag_values(codes, day, values, lag), index=frame.index, name=column)
