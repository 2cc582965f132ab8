"""spasmlog.stats.trend: the piecewise-linear trend spans every continuous line bending at its knots."""

from __future__ import annotations

import numpy as np
import pytest

from spasmlog.stats.trend import trend_columns


@pytest.mark.parametrize(("days", "per_piece", "pieces"), [(2, 91, 1), (30, 91, 1), (137, 91, 2), (365, 91, 4)])
def test_the_trend_spans_lines_bending_at_the_knots(days: int, per_piece: int, pieces: int) -> None:
    columns = trend_columns(days, days_per_piece=per_piece)
    assert columns.shape == (days, pieces)
    position = np.arange(days) / (days - 1)
    np.testing.assert_array_equal(columns[:, 0], position)
    knots = np.linspace(0.0, 1.0, pieces + 1)
    heights = np.random.default_rng(pieces).standard_normal(pieces + 1)
    line = np.interp(position, knots, heights)  # any continuous line bending at k / pieces, by numpy
    design = np.column_stack([np.ones(days), columns])
    coef, *_ = np.linalg.lstsq(design, line, rcond=None)
    np.testing.assert_allclose(design @ coef, line, atol=1e-10)


def test_a_hinge_is_zero_before_its_knot() -> None:
    columns = trend_columns(365, days_per_piece=91)
    position = np.arange(365) / 364
    for k in range(1, 4):
        assert (columns[position <= k / 4, k] == 0).all()
        assert (columns[position > k / 4, k] > 0).all()


@pytest.mark.parametrize("days", [0, 1])
def test_fewer_than_two_days_have_no_trend(days: int) -> None:
    assert trend_columns(days, days_per_piece=91).shape == (days, 0)
