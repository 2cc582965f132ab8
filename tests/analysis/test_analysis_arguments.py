"""The engines layer and the one argument checker of the analyses: old argument names, ParameterError, bad tables.

- ``person=`` is the one name of the person argument (``by=`` and ``subject=`` still accepted, same numbers, no
  warning); ``cov_type=`` the covariance choice of the count models (``errors=`` still accepted).
- Every bad argument of an analysis or an engine is a ParameterError carrying function, parameter, value and
  allowed; a table that is not a DataFrame is also a TypeError.
- spasmlog.stats imports nothing of the questions (analysis, plots, report): arrays and frames in, estimates out.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.cohort import cohort_model
from spasmlog.analysis.correlation import correlate
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.rates import compare_days, rate_ratios
from spasmlog.analysis.sessions import session_effect, session_interventions
from spasmlog.errors import ParameterError, ParameterTypeError, SmallSampleWarning
from spasmlog.stats.glm import count_regression
from spasmlog.stats.segmented import segmented_regression

STATS = Path(spasmlog.__file__).parent / "stats"


def _people(people: int = 3, days: int = 70, seed: int = 0) -> pd.DataFrame:
    """A small daily table of several people: water, a programme from day 30, single sessions, spasm counts."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(people):
        water = rng.normal(2000, 400, days)
        on = (np.arange(days) >= 30).astype(np.int64)
        session = np.zeros(days, dtype=np.int64)
        session[[10, 25, 40, 55]] = 1
        rate = np.exp(0.8 - 0.0004 * (water - 2000) - 0.3 * on)
        frames.append(
            pd.DataFrame(
                {
                    "person_id": f"p{k}",
                    "date": pd.date_range("2025-01-06", periods=days, freq="D"),
                    "water_ml": water,
                    "on_stretching": on,
                    "on_massage": session,
                    "spasm_count": rng.poisson(rate).astype(np.float64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return _people()


# --------------------------------------------------------------------------------------------------------
# One name per concept: the old names are still accepted and give the same numbers
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (rate_ratios, {"factors": ["water_ml"], "lags": (0, 1), "min_days": 20}),
        (compare_days, {"factor": "water_ml", "below": 2000.0, "min_days": 20}),
        (intervention_effect, {"intervention": "on_stretching"}),
        (correlate, {"factors": ["water_ml"], "lags": (0,)}),
        (session_effect, {"sessions": "on_massage", "min_days": 20}),
    ],
)
def test_by_is_the_old_name_of_person(people, function, kwargs):
    new = function(people, person="person_id", **kwargs)
    old = function(people, by="person_id", **kwargs)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new.columns[0] == "person_id" and new["person_id"].nunique() == 3
    same = function(people, person="person_id", by="person_id", **kwargs)  # both, agreeing: fine
    pd.testing.assert_frame_equal(new, same, check_exact=True)
    with pytest.raises(ParameterError, match=r"given both person='person_id' and its old name by='pid'") as caught:
        function(people, person="person_id", by="pid", **kwargs)
    assert caught.value.parameter == "by" and caught.value.value == "pid"


def test_session_interventions_person(people):
    assert session_interventions(people, person="person_id") == ["on_massage"]
    assert session_interventions(people, by="person_id") == ["on_massage"]


def test_subject_is_the_old_name_of_person_in_cohort_model(people):
    renamed = people.rename(columns={"person_id": "who"})
    with pytest.warns(SmallSampleWarning):  # three people
        new = cohort_model(renamed, factors=["water_ml"], person="who", min_subjects=2, trend=False)
    with pytest.warns(SmallSampleWarning):
        old = cohort_model(renamed, factors=["water_ml"], subject="who", min_subjects=2, trend=False)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    with pytest.raises(ParameterError, match=r"Could not interpret value `who` for `person`"):
        cohort_model(people, factors=["water_ml"], person="who")


def test_errors_is_the_old_name_of_cov_type():
    rng = np.random.default_rng(2)
    x = pd.DataFrame({"intercept": 1.0, "dose": rng.normal(size=200)})
    y = rng.poisson(np.exp(0.5 + 0.3 * x["dose"]))
    for kind in ("model", "quasi", "hac"):
        new = count_regression(x, y, cov_type=kind)
        old = count_regression(x, y, errors=kind)
        pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
        assert new.cov_type == new.errors == kind
    hac = count_regression(x, y, cov_type="hac").table["se"]
    model = count_regression(x, y).table["se"]
    assert not np.allclose(hac, model)  # the choice is used, not ignored
    with pytest.raises(ParameterError, match=r"The 'errors' parameter of count_regression must be one of"):
        count_regression(x, y, errors="robust")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"The 'cov_type' parameter of count_regression must be one of"):
        count_regression(x, y, cov_type="HAC")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"given both cov_type='hac' and its old name errors='quasi'"):
        count_regression(x, y, cov_type="hac", errors="quasi")
    months = pd.DataFrame({"month": range(1, 37), "after": [0] * 18 + [1] * 18})
    months["events"] = rng.poisson(50 * np.exp(-0.2 * months["after"]))
    new_table = segmented_regression(months, outcome="events", time="month", step="after", cov_type="quasi")
    old_table = segmented_regression(months, outcome="events", time="month", step="after", errors="quasi")
    pd.testing.assert_frame_equal(new_table, old_table, check_exact=True)


# --------------------------------------------------------------------------------------------------------
# ParameterError: structured, a ValueError, pickles; a wrong kind of table is also a TypeError
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "function", "parameter"),
    [
        (lambda d: rate_ratios(d, lags=(0, True)), "rate_ratios", "lags"),
        (lambda d: rate_ratios(d, lags=(1, np.int64(1))), "rate_ratios", "lags"),
        (lambda d: rate_ratios(d, per={"water_ml": float("nan")}), "rate_ratios", "per"),
        (lambda d: rate_ratios(d, per={"water_ml": True}), "rate_ratios", "per"),
        (lambda d: rate_ratios(d, alpha=np.float64(1.0)), "rate_ratios", "alpha"),
        (lambda d: rate_ratios(d, min_days=28.0), "rate_ratios", "min_days"),
        (lambda d: rate_ratios(d), "rate_ratios", "person"),  # three people, no person=
        (lambda d: compare_days(d, "water_ml", below=float("inf"), person="person_id"), "compare_days", "below"),
        (lambda d: intervention_effect(d, season=True, person="person_id"), "intervention_effect", "season"),
        (
            lambda d: intervention_effect(d, intervention="yoga", person="person_id"),
            "intervention_effect",
            "intervention",
        ),
        (lambda d: correlate(d, lags="0", person="person_id"), "correlate", "lags"),
        (lambda d: correlate(d, weekday=np.int64(1), person="person_id"), "correlate", "weekday"),
        (lambda d: cohort_model(d, factors="water_ml"), "cohort_model", "factors"),
        (lambda d: session_effect(d, window=(3, 1), person="person_id"), "session_effect", "window"),
    ],
)
def test_bad_arguments_are_parameter_errors(people, call, function, parameter):
    with pytest.raises(ParameterError) as caught:
        call(people)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter) == (function, parameter)
    assert error.allowed and str(error)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error) and again.parameter == parameter


@pytest.mark.parametrize("function", [rate_ratios, intervention_effect, correlate, session_effect])
def test_a_table_that_is_not_a_frame_is_a_type_error_too(people, function):
    records = people.to_dict("records")
    with pytest.raises(ParameterTypeError, match=r"must be a pandas DataFrame \(from daily_table\)\. Got list") as e:
        function(records)
    assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError) and e.value.parameter == "daily"


def test_a_daily_file_with_a_date_twice(people, tmp_path):
    """A hand-made daily table (a CSV read back) holding one person's day twice is refused, never summed."""
    one = people[people["person_id"] == "p0"]
    path = tmp_path / "daily.csv"
    pd.concat([one.iloc[:6], one.iloc[[5]], one.iloc[6:]]).to_csv(path, index=False)  # day 6 twice, in place
    table = pd.read_csv(path, parse_dates=["date"])
    for call in (
        lambda: rate_ratios(table, factors=["water_ml"], lags=(0,)),
        lambda: intervention_effect(table),
        lambda: compare_days(table, "water_ml", below=2000.0),
    ):
        with pytest.raises(ParameterError, match=r"the same date twice for one person; pass person='person_id'"):
            call()
    undated = table.drop(columns="date")
    with pytest.raises(ParameterError, match=r"has no `date` column") as caught:
        rate_ratios(undated)
    assert caught.value.parameter == "daily"
    with pytest.raises(ParameterError, match=r"Rows 5 and 6 of `daily` are 0 day\(s\) apart"):
        correlate(table, factors=["water_ml"])


def test_an_engine_refuses_bad_arrays():
    x = np.ones((5, 1))
    with pytest.raises(ParameterError, match=r"must be the same rows") as caught:
        count_regression(x, np.ones(4))
    assert caught.value.function == "count_regression" and caught.value.parameter == "y"
    with pytest.raises(ParameterError, match=r"The 'time' parameter of count_regression must be whole numbers"):
        count_regression(x, np.ones(5), cov_type="hac", time=np.arange(5) + 0.5)
    with pytest.raises(ParameterTypeError, match=r"The 'data' parameter of segmented_regression must be a pandas"):
        segmented_regression([1, 2], outcome="y", time="t", step="s")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------
# The engines layer imports nothing of the questions
# --------------------------------------------------------------------------------------------------------

_ALLOWED = ("numpy", "scipy", "pandas", "statsmodels", "spasmlog.errors", "spasmlog._checks", "spasmlog.stats")
_STANDARD = ("__future__", "collections", "dataclasses", "typing", "math", "importlib", "numbers", "warnings")


@pytest.mark.parametrize("path", sorted(STATS.glob("*.py")), ids=lambda p: p.name)
def test_stats_imports_only_engines(path):
    imported = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            imported += [f"{module}.{alias.name}" if module == "spasmlog" else module for alias in node.names]
    bad = [m for m in imported if not m.startswith(_ALLOWED + _STANDARD)]
    assert not bad, f"{path.name} imports {bad}"


def test_stats_package_loads_nothing_by_itself():
    source = (STATS / "__init__.py").read_text(encoding="utf-8")
    assert not [n for n in ast.parse(source).body if isinstance(n, ast.Import | ast.ImportFrom)]
