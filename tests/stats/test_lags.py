"""The one lag-within-person helper: by calendar day, never across people, a gap costs its own days only.

Every expected value is written by hand (or, in the random test, looked up day by day in a dictionary).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spasmlog.analysis.daily import lagged
from spasmlog.errors import ParameterError
from spasmlog.stats.lags import lag_column, lag_rows, lag_values, shift_days

nan = np.nan

# Two people, rows shuffled. Ann has no row for 3 January; Bob's 2 January has no value.
#   ann: 1 Jan 1.0 | 2 Jan 2.0 | (3 Jan not logged) | 4 Jan 4.0 | 5 Jan 5.0
#   bob: 1 Jan 10.0 | 2 Jan missing | 3 Jan 30.0 | 4 Jan 40.0
ROWS = [
    ("bob", "2025-01-03", 30.0),
    ("ann", "2025-01-04", 4.0),
    ("ann", "2025-01-01", 1.0),
    ("bob", "2025-01-01", 10.0),
    ("ann", "2025-01-05", 5.0),
    ("bob", "2025-01-04", 40.0),
    ("ann", "2025-01-02", 2.0),
    ("bob", "2025-01-02", nan),
]
EXPECTED = {
    0: [30.0, 4.0, 1.0, 10.0, 5.0, 40.0, 2.0, nan],
    # bob 3 Jan ← 2 Jan (missing value); ann 4 Jan ← 3 Jan (not logged); first days ← nothing (and bob's
    # 1 January never sees ann's 5 January, the row before it once sorted)
    1: [nan, nan, nan, nan, 4.0, 30.0, 1.0, 10.0],
    2: [10.0, 2.0, nan, nan, nan, nan, nan, nan],
    -1: [40.0, 5.0, 2.0, nan, nan, nan, nan, 30.0],
    7: [nan] * 8,
}


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["person_id", "date", "x"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame.index = [f"r{k}" for k in range(len(frame))]  # labels, not positions, must come back
    return frame


@pytest.mark.parametrize("lag", sorted(EXPECTED))
def test_lag_column_by_hand(lag: int) -> None:
    frame = _frame()
    result = lag_column(frame, "x", lag)
    assert result.index.tolist() == frame.index.tolist()  # no day removed, none moved
    assert result.name == "x"
    np.testing.assert_array_equal(result.to_numpy(), EXPECTED[lag])


@pytest.mark.parametrize("lag", sorted(EXPECTED))
def test_the_numpy_form_gives_the_same_by_hand(lag: int) -> None:
    codes = np.array([1, 0, 0, 1, 0, 1, 0, 1])
    day = np.array([20091, 20092, 20089, 20089, 20093, 20092, 20090, 20090])  # days since 1970 (1 Jan = 20089)
    values = np.array([row[2] for row in ROWS])
    np.testing.assert_array_equal(lag_values(codes, day, values, lag), EXPECTED[lag])


def test_lag_rows_points_at_the_row_of_the_day_before() -> None:
    codes = np.array([1, 0, 0, 1, 0, 1, 0, 1])
    day = np.array([3, 4, 1, 1, 5, 4, 2, 2])
    assert lag_rows(codes, day, 1).tolist() == [7, -1, -1, -1, 1, 0, 2, 3]
    assert lag_rows(codes, day, 0).tolist() == list(range(8))


def test_sorted_rows_with_a_gap_take_the_search() -> None:
    # in order, so the row one place back is tried first: for 4 January it is 2 January, not the day before
    codes = np.zeros(4, dtype=np.int64)
    day = np.array([1, 2, 4, 5])
    assert lag_rows(codes, day, 1).tolist() == [-1, 0, -1, 2]
    assert lag_rows(codes, day, 2).tolist() == [-1, -1, 1, -1]
    assert lag_rows(codes, day, 3).tolist() == [-1, -1, 0, 1]


def test_a_row_of_no_one_neither_gets_nor_gives() -> None:
    codes = np.array([0, -1, 0, -1])
    day = np.array([1, 2, 3, 2])  # two rows of no one on day 2: not a duplicate, they belong to nobody
    values = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(lag_values(codes, day, values, 1), [nan, nan, nan, nan])
    np.testing.assert_array_equal(lag_values(codes, day, values, 2), [nan, nan, 1.0, nan])
    np.testing.assert_array_equal(lag_values(codes, day, values, 0), [1.0, nan, 3.0, nan])


def test_a_missing_person_or_date_in_a_frame_gives_a_missing_value() -> None:
    frame = pd.DataFrame(
        {
            "person_id": ["a", None, "a", "a"],
            "date": pd.to_datetime(["2025-03-01", "2025-03-02", None, "2025-03-02"]),
            "x": [1.0, 2.0, 3.0, 4.0],
        }
    )
    np.testing.assert_array_equal(lag_column(frame, "x", 1).to_numpy(), [nan, nan, nan, 1.0])


def test_without_person_or_date_columns() -> None:
    one = pd.DataFrame({"date": pd.to_datetime(["2025-01-02", "2025-01-01", "2025-01-04"]), "x": [2.0, 1.0, 4.0]})
    np.testing.assert_array_equal(lag_column(one, "x", 1, person=None).to_numpy(), [1.0, nan, nan])
    rows = pd.DataFrame({"person_id": ["a", "a", "b", "a", "b"], "x": [1.0, 2.0, 10.0, 3.0, 20.0]})
    # date=None: each person's rows, in the order given, are consecutive days
    np.testing.assert_array_equal(lag_column(rows, "x", 1, date=None).to_numpy(), [nan, 1.0, nan, 2.0, 10.0])


def test_yes_no_and_nullable_columns_become_numbers() -> None:
    frame = pd.DataFrame(
        {
            "person_id": ["a"] * 3,
            "date": pd.date_range("2025-01-01", periods=3),
            "flag": pd.array([True, None, False], dtype="boolean"),
            "count": pd.array([3, 4, None], dtype="Int64"),
        }
    )
    np.testing.assert_array_equal(lag_column(frame, "flag", 1).to_numpy(), [nan, 1.0, nan])
    np.testing.assert_array_equal(lag_column(frame, "count", 1).to_numpy(), [nan, 3.0, 4.0])


def test_two_rows_for_one_day_are_refused() -> None:
    frame = pd.DataFrame(
        {"person_id": ["a", "b", "a"], "date": pd.to_datetime(["2025-01-01"] * 3), "x": [1.0, 2.0, 3.0]}
    )
    with pytest.raises(ParameterError, match="two rows for the same day") as caught:
        lag_column(frame, "x", 1)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(ParameterError, match=r"same day \(row 2\)"):
        lag_rows(np.array([0, 1, 0]), np.array([5, 5, 5]), 0)


def test_empty() -> None:
    frame = pd.DataFrame({"person_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[ns]"), "x": []})
    assert lag_column(frame, "x", 1).size == 0
    assert lag_rows(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 2).tolist() == []


def test_agrees_with_a_day_by_day_lookup_on_random_gappy_tables() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        people = rng.integers(1, 4)
        frames = []
        for p in range(people):
            days = pd.date_range("2025-01-01", periods=int(rng.integers(1, 30))) + pd.Timedelta(
                days=int(rng.integers(9))
            )
            keep = rng.random(days.size) < 0.7  # days not logged
            x = rng.normal(size=int(keep.sum()))
            x[rng.random(x.size) < 0.2] = nan  # values not recorded
            frames.append(pd.DataFrame({"person_id": f"p{p}", "date": days[keep], "x": x}))
        frame = pd.concat(frames).sample(frac=1.0, random_state=int(rng.integers(1000)))
        lookup = {(row.person_id, row.date): row.x for row in frame.itertuples()}
        for lag in (0, 1, 3, -2):
            expected = [
                lookup.get((row.person_id, row.date - pd.Timedelta(days=lag)), nan) for row in frame.itertuples()
            ]
            np.testing.assert_array_equal(lag_column(frame, "x", lag).to_numpy(), expected)


@pytest.mark.parametrize(
    ("lag", "expected"),
    [(0, [1.0, 2.0, nan, 4.0]), (1, [nan, 1.0, 2.0, nan]), (3, [nan, nan, nan, 1.0]), (4, [nan] * 4)],
)
def test_shift_days_on_a_full_calendar(lag: int, expected: list[float]) -> None:
    np.testing.assert_array_equal(shift_days(np.array([1.0, 2.0, nan, 4.0]), lag), expected)


def test_shift_days_along_either_axis_with_a_fill() -> None:
    days_by_factor = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    np.testing.assert_array_equal(shift_days(days_by_factor, 1), [[nan, nan], [1.0, 10.0], [2.0, 20.0]])
    people_by_days = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(shift_days(people_by_days, 2, fill=0.0, axis=1), [[0.0, 0.0, 1.0], [0.0, 0.0, 4.0]])
    np.testing.assert_array_equal(shift_days(people_by_days, -1, axis=1), [[2.0, 3.0, nan], [5.0, 6.0, nan]])
    flags = shift_days(np.array([True, False, True]), 1, fill=False)
    assert flags.dtype == bool and flags.tolist() == [False, True, False]
    assert shift_days(np.array([1, 2, 3]), 1).tolist()[1:] == [1.0, 2.0]  # whole numbers make room for NaN


def test_shift_days_at_lag_zero_is_a_copy() -> None:
    values = np.array([1.0, 2.0])
    out = shift_days(values, 0)
    out[0] = 9.0
    assert values.tolist() == [1.0, 2.0]


def test_the_daily_table_lag_goes_by_date() -> None:
    # analysis.daily.lagged on a table that is not as daily_table makes it: unsorted, a day left out
    frame = _frame()
    np.testing.assert_array_equal(lagged(frame, "x", 1).to_numpy(), EXPECTED[1])
    # without a date the rows of each person are the consecutive days (the table of daily_table)
    plain = pd.DataFrame({"person_id": ["a", "a", "b", "b"], "x": [1.0, 2.0, 3.0, 4.0]})
    np.testing.assert_array_equal(lagged(plain, "x", 1).to_numpy(), [nan, 1.0, nan, 3.0])
