"""The smooth time trend of the daily models: a piecewise-linear function of the day, as design columns.

One definition for every model that allows for a trend (the count models of :func:`spasmlog.rate_ratios`, the
partial correlations of :func:`spasmlog.correlate` and the calendar trend of :func:`spasmlog.cohort_model`), so that
all remove the same trend. NumPy only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["trend_columns"]


def trend_columns(days: int, *, days_per_piece: int) -> np.ndarray:
    """(days × pieces) piecewise-linear trend over consecutive days 0 … T − 1.

    The position t/(T − 1) and hinges (t/(T − 1) − k/pieces)+ for k = 1 … pieces − 1, with
    pieces = round(T / ``days_per_piece``), at least 1: a line that may bend every ``days_per_piece`` days.
    No column for fewer than 2 days.

    Examples
    --------
    >>> trend_columns(5, days_per_piece=2).round(3).tolist()
    [[0.0, 0.0], [0.25, 0.0], [0.5, 0.0], [0.75, 0.25], [1.0, 0.5]]
    >>> trend_columns(1, days_per_piece=91).shape
    (1, 0)
    """
    if days < 2:
        return np.empty((days, 0))
    position = np.arange(days) / (days - 1)
    pieces = max(1, round(days / days_per_piece))
    return np.column_stack([position, *(np.clip(position - k / pieces, 0.0, None) for k in range(1, pieces))])
