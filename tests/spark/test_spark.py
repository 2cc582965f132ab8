"""spasmlog.spark on local[2]: the same problems, daily table and per-person results as the one-machine path.

Run by `make test-spark` in its own environment (.venv-spark, with pyspark and Java); the main suite ignores
this folder (pyspark is not installed there, see spasmlog.spark's notes on pandera and pyspark).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import spasmlog
import spasmlog.spark as spark_module  # first: it imports pandera quietly (see spasmlog.spark)
from spasmlog.errors import ParameterError
from spasmlog.log import PROBLEM_COLUMNS
from spasmlog.simulate import DEFAULT_INTERVENTIONS, Intervention

pytestmark = [
    pytest.mark.spark,
    # pyspark's own warning that it "does not yet fully support pandas >= 3.0.0", from toPandas() in the tests
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # pyspark 4.3's toPandas passes pandas 3's deprecated `copy` keyword
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]

FACTORS = ["water_ml", "sitting_h"]
LAGS = (0, 1)


@pytest.fixture(scope="module")
def spark() -> Any:
    return spark_module.session("local[2]")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """A simulated cohort of 5 people with weekly sessions, and broken rows of our own in three tables."""
    sessions = Intervention("physiotherapy session", kind="therapy_session", rate_ratio=0.8, share=1.0, every_days=7)
    log = spasmlog.simulate(n_people=5, days=150, seed=7, interventions=[*DEFAULT_INTERVENTIONS, sessions]).log
    out = {name: log.table(name).copy() for name in ("daily", "spasms", "interventions", "people")}
    daily = out["daily"]
    daily.loc[daily.index[3], "water_ml"] = -250.0  # below the minimum: quarantined
    daily.loc[daily.index[200], "sleep_h"] = 31.0  # more hours than a day has
    daily.loc[daily.index[201], "notes"] = "Krämpfe nachts, 水 zu wenig — ☕"
    spasms = out["spasms"]
    spasms.loc[spasms.index[10], "intensity"] = 14.0  # the scale is 0–10
    people = out["people"]
    people.loc[people.index[1], "birth_year"] = 1066
    return out


@pytest.fixture(scope="module")
def given(spark: Any, tables: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The daily table as a Parquet folder written by Spark, the others as Spark DataFrames."""
    folder = tmp_path_factory.mktemp("cohort") / "daily.parquet"
    spark.createDataFrame(tables["daily"]).repartition(3).write.parquet(str(folder))
    return {"daily": str(folder), **{n: spark.createDataFrame(t) for n, t in tables.items() if n != "daily"}}


@pytest.fixture(scope="module")
def daily_read(spark: Any, given: dict[str, Any]) -> pd.DataFrame:
    """The daily rows in the order Spark reads the Parquet folder (its line numbers count in that order)."""
    return spark.read.parquet(given["daily"]).toPandas()


@pytest.fixture(scope="module")
def one(tables: dict[str, pd.DataFrame], daily_read: pd.DataFrame) -> spasmlog.Log:
    """The one-machine path on the same rows, in the same order."""
    typed = daily_read.astype({c: t for c, t in tables["daily"].dtypes.items()})
    return spasmlog.validate_tables({**tables, "daily": typed}, errors="quarantine")


@pytest.fixture(scope="module")
def found(given: dict[str, Any], spark: Any) -> Any:
    """Batches of about two people: several batches, and several people in a batch."""
    return spark_module.validate(given, spark=spark, batch_people=2)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_problems_equal_validate_tables(
    found: Any, one: spasmlog.Log, given: dict[str, Any], daily_read: pd.DataFrame
) -> None:
    ours = found.problems.toPandas()
    theirs = one.problems.copy()
    theirs["file"] = theirs["file"].replace("<daily>", given["daily"])
    theirs["line"] = theirs["line"].astype("int64")
    keys = ["table", "line", "column", "rule"]
    assert len(ours) >= 4  # every broken cell above is a problem
    assert set(ours["rule"]) >= {"below_minimum", "above_maximum"}
    ours = _sorted(ours, keys)
    theirs = _sorted(theirs, keys)
    for column in PROBLEM_COLUMNS:
        assert ours[column].astype(str).tolist() == theirs[column].astype(str).tolist(), column
    # each problem names its person: the person on that line of the table as Spark reads it
    for _, row in ours[ours["table"] == "daily"].iterrows():
        assert row["person_id"] == daily_read["person_id"].iloc[row["line"] - 1]


def test_quarantine_keeps_the_original_cells(found: Any, one: spasmlog.Log, given: dict[str, Any]) -> None:
    ours = _sorted(found.quarantine.toPandas(), ["table", "line"])
    theirs = _sorted(one.quarantine, ["table", "line"])
    assert ours["table"].tolist() == theirs["table"].tolist()
    assert ours["line"].tolist() == theirs["line"].astype("int64").tolist()
    assert ours["reasons"].tolist() == theirs["reasons"].tolist()
    for (_, mine), (_, row) in zip(ours.iterrows(), theirs.iterrows(), strict=True):
        cells = json.loads(mine["cells"])
        assert cells["person_id"] == mine["person_id"] == row["person_id"]
        for header, value in cells.items():
            expected = row[header]
            assert value == (None if pd.isna(expected) else str(expected)), header


def test_rows_read_are_valid_plus_quarantined(found: Any, one: spasmlog.Log, tables: dict[str, pd.DataFrame]) -> None:
    sources = found.sources.toPandas().groupby("table")[["rows_read", "rows_valid", "rows_quarantined"]].sum()
    for name, table in tables.items():
        assert sources.loc[name, "rows_read"] == len(table)
        assert sources.loc[name, "rows_valid"] == len(one.table(name))
        assert sources.loc[name, "rows_read"] == sources.loc[name, "rows_valid"] + sources.loc[name, "rows_quarantined"]
    assert sources["rows_quarantined"].sum() == len(one.quarantine) > 0


@pytest.mark.parametrize("batch_people", [1, 3])
def test_the_daily_table_equals_daily_table(
    given: dict[str, Any], spark: Any, one: spasmlog.Log, batch_people: int
) -> None:
    ours = _sorted(spark_module.daily(given, spark=spark, batch_people=batch_people).toPandas(), ["person_id", "date"])
    theirs = _sorted(spasmlog.daily_table(one), ["person_id", "date"])
    assert ours.columns.tolist() == theirs.columns.tolist()
    assert any(c.startswith("on_") for c in ours.columns)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, check_exact=True)


@pytest.fixture(scope="module")
def one_daily(one: spasmlog.Log) -> pd.DataFrame:
    return spasmlog.daily_table(one)


ANALYSIS_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("rate_ratios", {"factors": FACTORS, "lags": LAGS}, ["person_id", "factor", "lag"]),
    ("correlate", {"factors": FACTORS, "lags": LAGS}, ["person_id", "factor", "lag"]),
    ("intervention_effect", {}, ["person_id", "intervention"]),
    ("session_effect", {}, ["person_id", "intervention", "term"]),
    ("caseload_summary", {"factors": ["water_ml"], "lags": (1,), "associations": True}, ["person_id"]),
]


@pytest.mark.parametrize("batch_people", [1, 2, 200], ids=["each-person", "batches-of-2", "one-batch"])
@pytest.mark.parametrize(("analysis", "options", "keys"), ANALYSIS_CASES, ids=[c[0] for c in ANALYSIS_CASES])
def test_per_person_results_equal_the_one_machine_path(
    analysis: str,
    options: dict[str, Any],
    keys: list[str],
    batch_people: int,
    given: dict[str, Any],
    spark: Any,
    one_daily: pd.DataFrame,
) -> None:
    """Whether each person has a Python call of their own or shares it with others, the rows are the same."""
    rows = spark_module.per_person(given, analysis, spark=spark, batch_people=batch_people, **options)
    ours = _sorted(rows.toPandas(), keys)
    function = getattr(spasmlog, analysis)
    person = {} if analysis == "caseload_summary" else {"person": "person_id"}
    theirs = _sorted(function(one_daily, **options, **person), keys)
    assert len(ours) == len(theirs) > 0
    assert ours.columns.tolist() == theirs.columns.tolist()
    if analysis != "caseload_summary":
        assert (theirs["status"] == "ok").any()
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=1e-12)


def test_meta_analysis_of_the_spark_rows_equals_the_one_machine_one(
    given: dict[str, Any], spark: Any, one_daily: pd.DataFrame
) -> None:
    rows = spark_module.per_person(given, "rate_ratios", spark=spark, factors=FACTORS, lags=LAGS)
    ours = spark_module.meta_analysis(rows, method="reml")
    theirs = spasmlog.meta_analysis(
        spasmlog.rate_ratios(one_daily, factors=FACTORS, lags=LAGS, person="person_id"), method="reml"
    )
    assert ours["k"].tolist() == theirs["k"].tolist() and ours["k"].gt(0).all()
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=1e-10)


def test_arguments_are_refused_with_their_reason(spark: Any, given: dict[str, Any]) -> None:
    with pytest.raises(ParameterError, match="'analysis' parameter of per_person"):
        spark_module.per_person(given, "cohort_model", spark=spark)
    with pytest.raises(ParameterError, match="'person' parameter of per_person"):
        spark_module.per_person(given, spark=spark, person="who")
    with pytest.raises(ParameterError, match="'batch_people' parameter of per_person"):
        spark_module.per_person(given, spark=spark, batch_people=0)
    with pytest.raises(ParameterError, match="keys among daily, spasms, interventions, people"):
        spark_module.validate({"diary": given["daily"]}, spark=spark)
    nobody = spark.createDataFrame(pd.DataFrame({"who": ["a"], "water_ml": [1.0]}))
    with pytest.raises(ParameterError, match="no person_id column"):
        spark_module.validate({"daily": nobody}, spark=spark)
    with pytest.raises(ParameterError, match="a Spark DataFrame or a Parquet path"):
        spark_module.validate({"daily": pd.DataFrame({"person_id": ["a"]})}, spark=spark)


def test_importing_leaves_spark_local_ip_unset_and_warns_nothing(tmp_path: Path) -> None:
    """pandera.pandas imports pyspark.pandas when pyspark is installed, which sets SPARK_LOCAL_IP and warns."""
    code = (
        "import os, spasmlog.spark as s; s._imports(); import pandera.pandas; "
        "print(os.environ.get('SPARK_LOCAL_IP'), os.environ.get('PYARROW_IGNORE_TIMEZONE'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")}
    done = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None"]
    # without spasmlog.spark, pandera does set it (the reason for the workaround)
    bare = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", "import os, pandera.pandas; print(os.environ.get('SPARK_LOCAL_IP'))"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert bare.stdout.split() == ["127.0.0.1"]
