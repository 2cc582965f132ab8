"""Every bad argument of a chart is a ParameterError (a ValueError) naming the chart, the parameter and the value.

The tables are small and made here (nothing is read from the samples): a chart must refuse a bad argument before
it draws anything, so each case also checks that no figure was left open.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from spasmlog.errors import ParameterError, ParameterTypeError
from spasmlog.plots import (
    body_map,
    calendar,
    caseload,
    effects,
    factor_response,
    forest,
    intake,
    lag_profile,
    time_pattern,
    trend,
)

MISSING = object()
"""The expected ``.value`` is not checked (a list of columns, a description of what is wrong in a table)."""


def daily(person: str = "p1", days: int = 12) -> pd.DataFrame:
    """One person's days: counts, water (with its % of a reference) and a text column."""
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "person_id": person,
            "date": pd.date_range("2025-09-01", periods=days, freq="D"),
            "logged": True,
            "spasm_count": rng.poisson(2, days).astype("float64"),
            "water_ml": rng.normal(2000, 300, days).round(),
            "water_pct": 100.0,
            "notes": pd.Series(["fine"] * days, dtype="string"),
        }
    )


def two_people() -> pd.DataFrame:
    return pd.concat([daily("p1"), daily("p2")], ignore_index=True)


def ratios(factors: int = 2) -> pd.DataFrame:
    """A rate_ratios-shaped table: each factor at lags 0 and 1, every row estimated."""
    names = [f"factor_{k}" for k in range(factors)]
    rows = [(name, lag, 0.9, 0.7, 1.1, 0.01, 0.02, "ok") for name in names for lag in (0, 1)]
    columns = ["factor", "lag", "rate_ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "status"]
    return pd.DataFrame(rows, columns=columns)


def spasms(region: str = "calf") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": "p1",
            "start": pd.to_datetime(["2025-09-01 02:00", "2025-09-02 21:30"]),
            "body_region": [region, "neck"],
            "side": ["left", "midline"],
        }
    )


def repeated_date() -> pd.DataFrame:
    frame = daily()
    return pd.concat([frame.iloc[:3], frame.iloc[[2]], frame.iloc[3:]], ignore_index=True)


CASES: list[tuple[Callable[[], object], str, str, object]] = [
    # timeline: trend, calendar, intake, caseload, time_pattern
    (lambda: trend(daily(), windows=(7, 1)), "trend", "windows", (7, 1)),
    (lambda: trend(daily(), windows=7.0), "trend", "windows", 7.0),  # type: ignore[arg-type]
    (lambda: trend(two_people()), "trend", "person", None),
    (lambda: trend(two_people(), person="p3"), "trend", "person", "p3"),
    (lambda: trend(daily().drop(columns="person_id"), person="p1"), "trend", "person", "p1"),
    (lambda: trend(daily().drop(columns="date")), "trend", "daily", MISSING),
    (lambda: trend(repeated_date()), "trend", "daily", "a date twice"),
    (lambda: trend(daily().iloc[:0]), "trend", "daily", "no rows"),
    (lambda: calendar(daily(), months_per_row=25), "calendar", "months_per_row", 25),
    (lambda: calendar(daily(), months_per_row=True), "calendar", "months_per_row", True),
    (lambda: intake(daily(), window=0), "intake", "window", 0),
    (lambda: intake(daily().drop(columns=["water_ml", "water_pct"])), "intake", "daily", MISSING),
    (lambda: caseload(two_people(), ncols=0), "caseload", "ncols", 0),
    (lambda: caseload(two_people(), window=1), "caseload", "window", 1),
    (lambda: caseload(two_people(), x="when"), "caseload", "x", "when"),  # type: ignore[arg-type]
    (lambda: caseload(daily().drop(columns="person_id")), "caseload", "daily", MISSING),
    (lambda: time_pattern(spasms().drop(columns="start")), "time_pattern", "spasms", MISSING),
    # body
    (lambda: body_map(spasms("Calf")), "body_map", "spasms", MISSING),
    # associations: effects, forest, lag_profile, factor_response
    (lambda: effects(ratios(), alpha=1.0), "effects", "alpha", 1.0),
    (lambda: effects(ratios(), alpha=True), "effects", "alpha", True),
    (lambda: effects(ratios(), factors=["banana"]), "effects", "factors", ["banana"]),
    (lambda: effects(ratios(), lags=[9]), "effects", "lags", [9]),
    (lambda: effects(ratios().drop(columns="rate_ratio")), "effects", "results", MISSING),
    (lambda: forest(ratios(), alpha=0), "forest", "alpha", 0),
    (lambda: forest(ratios().drop(columns="factor")), "forest", "results", MISSING),
    (lambda: lag_profile(ratios(9)), "lag_profile", "factors", None),
    (lambda: factor_response(daily(), "banana"), "factor_response", "factor", "banana"),
    (lambda: factor_response(daily(), "notes"), "factor_response", "factor", "notes"),
    (lambda: factor_response(daily(), "water_ml", lag=-1), "factor_response", "lag", -1),
    (lambda: factor_response(daily(), "water_ml", bins=0), "factor_response", "bins", 0),
    (lambda: factor_response(daily(), "water_ml", bins=[3, 2, 1]), "factor_response", "bins", [3, 2, 1]),
    (lambda: factor_response(daily(days=2), "water_ml", lag=1), "factor_response", "daily", MISSING),
]


@pytest.mark.parametrize(("call", "function", "parameter", "value"), CASES)
def test_bad_arguments_are_parameter_errors(
    call: Callable[[], object], function: str, parameter: str, value: object
) -> None:
    before = set(plt.get_fignums())
    with pytest.raises(ParameterError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter) == (function, parameter), str(error)
    if value is not MISSING:
        assert error.value == value or error.value is value
    assert error.allowed and str(error)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error) and again.parameter == parameter
    assert set(plt.get_fignums()) == before  # refused before drawing


@pytest.mark.parametrize(
    ("call", "function", "parameter"),
    [
        (lambda: trend(daily().to_dict("records")), "trend", "daily"),
        (lambda: intake("daily.csv"), "intake", "daily"),
        (lambda: effects(ratios().to_dict("list")), "effects", "results"),
        (lambda: forest(42), "forest", "results"),
        (lambda: body_map(None), "body_map", "spasms"),
    ],
)
def test_a_table_that_is_not_a_frame_is_a_type_error_too(
    call: Callable[[], Any], function: str, parameter: str
) -> None:
    with pytest.raises(ParameterTypeError, match="must be a pandas DataFrame") as caught:
        call()
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, ValueError)
    assert (caught.value.function, caught.value.parameter) == (function, parameter)


def test_the_wording_names_what_would_do() -> None:
    with pytest.raises(ParameterError, match=r"The 'months_per_row' parameter of calendar must be a whole number from "
                       r"1 to 24\. Got 0 instead\."):  # fmt: skip
        calendar(daily(), months_per_row=0)
    with pytest.raises(ParameterError, match=r"trend draws one person, and `daily` holds 2 people \(p1, p2\)") as e:
        trend(two_people())
    assert e.value.allowed == "one of the person_id values of `daily`"
    with pytest.raises(ParameterError, match=r"The column `notes` given for `factor` is not numeric or yes/no"):
        factor_response(daily(), "notes")
