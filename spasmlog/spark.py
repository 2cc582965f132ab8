"""A cohort on Apache Spark: validated and analysed person by person with the package's own pandas code.

Health-data platforms run Spark (the UK Biobank Research Analysis Platform, All of Us, Databricks). spasmlog's
per-person statistics fit Spark's grouped map exactly: people are hashed into batches of about
:data:`BATCH_PEOPLE` (``groupBy(batch).applyInPandas``), every row of a person in one batch, and each batch goes
to one Python call, which runs the same code as on one machine on those people (validation with the log
format's pandera models, :func:`~spasmlog.daily_table`, :func:`~spasmlog.rate_ratios` with its own loop over
people, ...) and returns rows with a declared schema. Batches, not single people: a Python call's fixed cost
(pandera's validation of the four tables, about 0.3 s; Arrow's conversion; pandas' set-up) is then paid once
for hundreds of people instead of once for each, which had made one person per group about 8 times as costly in
CPU as the one-machine path (``benchmarks/bench_spark.py``). Across people, :func:`meta_analysis` combines the
per-person estimates (collected to the driver: one row per person × factor × lag) with
:func:`spasmlog.meta_analysis`.

- :func:`session`: a local Spark session set up for this (``local[2]`` by default);
- :func:`validate`: problems, quarantined rows and counts of a cohort's tables, as :func:`spasmlog.read_log`
  reports them;
- :func:`daily`: the daily table (:func:`spasmlog.daily_table`) as a Spark DataFrame;
- :func:`per_person`: one of :data:`ANALYSES` for every person, as a Spark DataFrame;
- :func:`meta_analysis`: the per-person rate ratios combined across people.

Tables are given as a mapping of table name (``daily``, ``spasms``, ``interventions``, ``people``) to a Spark
DataFrame or the path of a Parquet file or folder; each needs a ``person_id`` column, and each person's rows of
every table meet in one group.

Requires the ``spark`` extra (``pip install "spasmlog[spark]"``: pyspark ≥ 4, pyarrow) and Java 17 or newer.
``import spasmlog`` never imports this module or pyspark.

**pyspark next to pandas 3.** pandas-on-Spark (``pyspark.pandas``) and ``pandera.pyspark`` are not used: they do
not import with pandas 3.1. But with pyspark installed, ``import pandera.pandas`` (which spasmlog's validation
needs) imports ``pyspark.pandas`` anyway, which warns ``FutureWarning: PySpark does not yet fully support
pandas >= 3.0.0``, and sets ``SPARK_LOCAL_IP=127.0.0.1`` and ``PYARROW_IGNORE_TIMEZONE=1`` when they are unset.
Importing this module imports pandera with that one warning silenced and then removes the two variables again
if they were unset before, so a cluster driver still binds to its own address. On a cluster, import
``spasmlog.spark`` before anything else imports pandera (or ``spasmlog.validation``, ``spasmlog.read_log``);
if pandera came first, unset ``SPARK_LOCAL_IP`` (or set it to the driver's address) before the session
starts. Under ``pytest -W error::FutureWarning``, add ``ignore:PySpark does not yet fully support
pandas:FutureWarning`` to the filters for ``toPandas()`` and ``createDataFrame()`` of your own.

**Equal to one machine.** The per-person code is the one-machine code, so results equal
:func:`spasmlog.validate_tables` → :func:`spasmlog.daily_table` → the analysis with ``person="person_id"`` on the
same tables (``tests/spark`` checks it value by value), with two differences of scope that come from seeing one
batch of people at a time: dates and numbers written as *text* are read with ``dayfirst`` and the decimal comma
detected for each batch instead of for the whole table (pass ``dayfirst`` when dates are text; typed Parquet
columns are not affected), and
:func:`~spasmlog.caseload_summary` searches each person's strongest association (``associations=True``)
whatever the size of the cohort.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from spasmlog import _checks
from spasmlog.errors import SpasmlogError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = ["ANALYSES", "Validation", "daily", "meta_analysis", "per_person", "session", "validate"]

TABLE_NAMES: tuple[str, ...] = ("daily", "spasms", "interventions", "people")

_PANDAS_3_WARNING = "PySpark does not yet fully support pandas"
_ENVIRONMENT = ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")

ANALYSES: dict[str, str] = {
    "rate_ratios": "person_id string, factor string, lag long, per double, rate_ratio double, ci_low double, "
    "ci_high double, se double, p_value double, p_adjusted double, n long, status string, hypothesis string, "
    "family string, p_factor double, p_within double",
    "correlate": "person_id string, factor string, lag long, n long, n_effective double, r double, ci_low double, "
    "ci_high double, p_value double, p_adjusted double, status string",
    "intervention_effect": "person_id string, intervention string, days_before long, days_during long, "
    "mean_before double, mean_during double, rate_ratio double, ci_low double, ci_high double, p_value double, "
    "p_adjusted double, status string",
    "session_effect": "person_id string, intervention string, term string, window string, sessions long, "
    "days long, n long, mean double, mean_other double, rate_ratio double, ci_low double, ci_high double, "
    "p_value double, p_adjusted double, status string",
    "caseload_summary": "person_id string, first_date timestamp_ntz, last_date timestamp_ntz, days_in_span long, "
    "days_logged long, completeness double, spasms_per_week_first double, spasms_per_week_last double, "
    "change_ratio double, change_ci_low double, change_ci_high double, change_p_value double, "
    "change_status string, active_interventions string, strongest_factor string, strongest_lag double, "
    "strongest_rate_ratio double, strongest_ci_low double, strongest_ci_high double, "
    "strongest_p_adjusted double, strongest string",
}
"""The per-person analyses :func:`per_person` runs → the schema (Spark DDL) of the rows it returns: the columns
of the one-machine function with ``person="person_id"`` (``caseload_summary``: its own columns)."""

PROBLEMS_SCHEMA = (
    "person_id string, table string, file string, line long, column string, field string, value string, "
    "rule string, message string, severity string"
)
"""The schema of :attr:`Validation.problems`: ``person_id`` and the columns of :attr:`spasmlog.Log.problems`."""

QUARANTINE_SCHEMA = "person_id string, table string, file string, line long, reasons string, cells string"
"""The schema of :attr:`Validation.quarantine`: the leading columns of :attr:`spasmlog.Log.quarantine`, and the
row's original cells as a JSON object (header → cell as text) in ``cells``."""

SOURCES_SCHEMA = "person_id string, table string, file string, rows_read long, rows_valid long, rows_quarantined long"
"""The schema of :attr:`Validation.sources`: for each person and table, rows read = valid + quarantined."""

_RESULT_SCHEMA = (
    "part string, person_id string, table string, file string, line long, column string, field string, "
    "value string, rule string, message string, severity string, reasons string, cells string, rows_read long, "
    "rows_valid long, rows_quarantined long"
)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyspark's warning about pandas 3 silenced, and the environment variables pandera sets left as they were."""
    saved = {name: os.environ.get(name) for name in _ENVIRONMENT}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PANDAS_3_WARNING, category=FutureWarning)
        # pyspark 4.3's toPandas passes pandas 3's deprecated `copy` keyword (a Pandas4Warning)
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated", category=DeprecationWarning)
        yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)


def _imports() -> None:
    """Import pandera's pandas layer (it drags in pyspark.pandas when pyspark is installed) quietly, once."""
    with _quiet():
        import pandera.pandas  # noqa: F401

        import spasmlog.validation  # noqa: F401


def session(
    master: str = "local[2]", *, app_name: str = "spasmlog", config: Mapping[str, str] | None = None
) -> SparkSession:
    """A Spark session for spasmlog: the one running if there is one, else a new one on ``master``.

    Sets what the per-person code needs: Arrow transfers, the session time zone UTC (dates without time zone
    survive the trip), no progress bars, and for a local master the workers' Python to this one
    (``PYSPARK_PYTHON``, unless set). On a cluster, pass its master (or use the session the platform made: it
    is returned as it is).

    Parameters
    ----------
    master : str
        ``local[2]`` (two cores of this machine, the default), ``local[*]``, or a cluster's master URL.
    app_name : str
        The application's name in Spark's interface.
    config : mapping, optional
        More Spark settings, such as ``{"spark.executor.memory": "4g"}``.

    Returns
    -------
    pyspark.sql.SparkSession

    Examples
    --------
    >>> spark = session("local[1]")
    >>> spark.conf.get("spark.sql.session.timeZone")
    'UTC'
    """
    _imports()
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    settings = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
        "spark.ui.enabled": "false",
        # a few partitions for a few cores; a cluster's own default is left alone (a running session's too)
        **({"spark.sql.shuffle.partitions": "8"} if master.startswith("local") else {}),
        **(config or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    with _quiet():
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    for key in ("spark.sql.session.timeZone", "spark.sql.execution.arrow.pyspark.enabled"):
        spark.conf.set(key, settings[key])
    return spark


# --------------------------------------------------------------------------------------------------------
# The tables, as one long frame grouped by person
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """How the tables sit in the one long frame (``person_id``, ``__table``, ``__line``, ``<table>__<column>``):
    plain data, sent to every worker with the code."""

    columns: dict[str, list[str]]  # table → its original columns, in order (person_id among them)
    types: dict[str, dict[str, str]]  # table → column → Spark simple type name
    files: dict[str, str]
    flags: tuple[str, ...] = ()  # the daily table's on_* column of every intervention of the cohort


@dataclass(frozen=True)
class _Cohort:
    """The tables as one Spark DataFrame, and their layout."""

    frame: DataFrame
    layout: _Layout


def _table_frames(spark: SparkSession, tables: Mapping[str, Any], function: str) -> dict[str, tuple[DataFrame, str]]:
    from pyspark.sql import DataFrame as SparkFrame

    if not isinstance(tables, Mapping) or not tables:
        _checks.fail(function, "tables", tables, "a mapping of table names to Spark DataFrames or Parquet paths")
    out = {}
    for name, value in tables.items():
        if name not in TABLE_NAMES:
            _checks.fail(function, "tables", name, "keys among " + ", ".join(TABLE_NAMES))
        if isinstance(value, SparkFrame):
            frame, file = value, f"<{name}>"
        elif isinstance(value, str | os.PathLike):
            frame, file = spark.read.parquet(os.fspath(value)), os.fspath(value)
        else:
            _checks.fail(function, "tables", type(value).__name__, f"a Spark DataFrame or a Parquet path for {name!r}")
        if "person_id" not in frame.columns:
            _checks.refuse(
                f"The {name} table given to {function} has no person_id column: each person's rows of every table "
                "must meet in one group.",
                function,
                "tables",
                name,
                "tables with a person_id column",
            )
        out[name] = (frame, file)
    return out


def _with_lines(frame: DataFrame) -> DataFrame:
    """``frame`` with ``__line``: each row's number (from 1) in the order Spark reads it, as validate_tables numbers
    the rows of a table in memory. Exact and distributed: the partitions' row counts are collected (one number
    per partition) and each row adds its partition's offset to its place in the partition."""
    from pyspark.sql import functions as F

    low_bits = (1 << 33) - 1
    marked = frame.withColumn("__id", F.monotonically_increasing_id())
    counts = sorted(
        (int(row["part"]), int(row["count"]))
        for row in marked.groupBy(F.shiftright("__id", 33).alias("part")).count().collect()
    )
    offsets, total = [], 0
    for part, count in counts:
        offsets += [F.lit(part), F.lit(total)]
        total += count
    offset = F.create_map(*offsets)[F.shiftright("__id", 33)] if offsets else F.lit(0)
    return marked.withColumn("__line", offset + F.col("__id").bitwiseAND(F.lit(low_bits)) + 1).drop("__id")


def _cohort(spark: SparkSession, tables: Mapping[str, Any], function: str) -> _Cohort:
    from pyspark.sql import functions as F

    frames = _table_frames(spark, tables, function)
    parts, columns, types, files = [], {}, {}, {}
    for name, (frame, file) in frames.items():
        columns[name] = list(frame.columns)
        types[name] = {field.name: field.dataType.simpleString() for field in frame.schema.fields}
        files[name] = file
        lined = _with_lines(frame)
        renamed = [
            F.col("person_id").cast("string").alias("person_id"),
            F.lit(name).alias("__table"),
            F.col("__line"),
            *(F.col(f"`{c}`").alias(f"{name}__{c}") for c in frame.columns if c != "person_id"),
        ]
        parts.append(lined.select(*renamed))
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.unionByName(part, allowMissingColumns=True)
    flags: tuple[str, ...] = ()
    if "interventions" in frames and "interventions__name" in combined.columns:
        from spasmlog.analysis.daily import intervention_column

        names = combined.where(F.col("__table") == "interventions").select("interventions__name").distinct()
        flags = tuple(sorted({intervention_column(str(r[0])) for r in names.collect() if r[0] is not None}))
    return _Cohort(combined, _Layout(columns, types, files, flags))


BATCH_PEOPLE = 200
"""People whose rows go to one Python call by default (see :func:`per_person`)."""


def _batches(cohort: _Cohort, batch_people: int, function: str) -> DataFrame:
    """The cohort's rows with ``__batch``: a hash of the person id into about people / ``batch_people`` batches,
    so that each pandas call (validation, daily table, analysis) is paid once for a batch of people, not once for
    each. Every row of a person is in the same batch; a batch holds whole people only. The people are counted
    approximately (``approx_count_distinct``, one pass over the tables): only the number of batches depends on
    it."""
    from pyspark.sql import functions as F

    batch_people = _checks.whole(batch_people, "batch_people", function, minimum=1)
    people = cohort.frame.agg(F.approx_count_distinct("person_id")).first()
    count = int(people[0]) if people is not None and people[0] is not None else 0
    batches = max(1, -(-count // batch_people))
    marked = cohort.frame.withColumn("__batch", F.pmod(F.xxhash64("person_id"), F.lit(batches)))
    # one partition (one task) for about each batch, whatever spark.sql.shuffle.partitions says: the grouped map
    # that follows keeps this partitioning, so all of a cluster's cores get work
    return marked.repartition(batches, "__batch")


def _person_daily(group: pd.DataFrame, layout: _Layout, dayfirst: bool | None) -> pd.DataFrame:
    """The daily table of a batch of people as it is in the cohort's: with a 0 column for each intervention of
    the cohort none of them had (daily_table adds one per intervention of the log), sorted as daily_table sorts
    them."""
    from spasmlog.analysis.daily import daily_table

    with _quiet():
        table = daily_table(_person_log(group.drop(columns="__batch", errors="ignore"), layout, dayfirst))
    for flag in layout.flags:
        if flag not in table:
            table[flag] = np.zeros(len(table), dtype=np.int64)
    flags = sorted(c for c in table.columns if str(c).startswith("on_"))
    return table[[c for c in table.columns if not str(c).startswith("on_")] + flags]


_PANDAS_TYPES: dict[str, Any] = {
    "bigint": "Int64",
    "int": "Int64",
    "smallint": "Int64",
    "tinyint": "Int64",
    "boolean": "boolean",
}


def _person_tables(group: pd.DataFrame, cohort: _Layout) -> list[Any]:
    """A batch of people's rows, split back into their tables with the types they had (nullable integers and yes/no
    values, which Arrow hands over as floats and objects when a value is missing)."""
    import numpy as np
    import pandas as pd

    from spasmlog.io.sources import RawTable
    from spasmlog.validation.tables import _writes_decimal_commas

    raws = []
    for name in cohort.columns:
        rows = group[group["__table"] == name].sort_values("__line", kind="stable")
        if rows.empty:
            continue
        frame = pd.DataFrame(index=range(len(rows)))
        for column in cohort.columns[name]:
            values = rows["person_id"] if column == "person_id" else rows[f"{name}__{column}"]
            values = values.reset_index(drop=True)
            kind = cohort.types[name][column]
            if kind in _PANDAS_TYPES:
                values = values.astype(_PANDAS_TYPES[kind])
            elif kind == "string":
                values = values.astype("str")
            frame[column] = values
        raw = RawTable(name, cohort.files[name], frame, rows["__line"].to_numpy(dtype=np.int64), None)
        raw.decimal_comma = _writes_decimal_commas(raw)
        raws.append(raw)
    return raws


def _person_log(group: pd.DataFrame, cohort: _Layout, dayfirst: bool | None) -> Any:
    from spasmlog.validation.tables import build_log

    with _quiet():
        return build_log(_person_tables(group, cohort), errors="quarantine", dayfirst=dayfirst)


def _for_arrow(frame: pd.DataFrame, schema: StructType) -> pd.DataFrame:
    """``frame`` with the schema's columns in order, each in a dtype Arrow converts to the declared type (text as
    Python objects: pandas 3's Arrow-backed strings come back as chunked arrays Spark cannot take)."""
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for field in schema.fields:
        values = frame[field.name] if field.name in frame else pd.Series(np.nan, index=frame.index)
        kind = field.dataType.simpleString()
        if kind == "string":
            out[field.name] = values.astype(object).where(values.notna(), None)
        elif kind in ("bigint", "int"):
            out[field.name] = values.astype("Int64")
        elif kind == "double":
            out[field.name] = values.astype("float64")
        elif kind == "boolean":
            out[field.name] = values.astype("boolean")
        elif kind.startswith("timestamp"):
            out[field.name] = pd.to_datetime(values).astype("datetime64[us]")
        else:
            out[field.name] = values
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """What :func:`validate` found: three Spark DataFrames (computed once, cached).

    Attributes
    ----------
    problems : pyspark.sql.DataFrame
        :data:`PROBLEMS_SCHEMA`: every problem, worded as :attr:`spasmlog.Log.problems` words it.
    quarantine : pyspark.sql.DataFrame
        :data:`QUARANTINE_SCHEMA`: every row kept aside, with its original cells.
    sources : pyspark.sql.DataFrame
        :data:`SOURCES_SCHEMA`: rows read, valid and quarantined for each person and table.
    """

    problems: DataFrame
    quarantine: DataFrame
    sources: DataFrame


def validate(
    tables: Mapping[str, DataFrame | str | os.PathLike[str]],
    *,
    spark: SparkSession | None = None,
    dayfirst: bool | None = None,
    batch_people: int = BATCH_PEOPLE,
) -> Validation:
    """Validate a cohort's tables person by person with the log format's pandera models.

    Parameters
    ----------
    tables : mapping
        Table name (``daily``, ``spasms``, ``interventions``, ``people``) → Spark DataFrame or Parquet path.
        Each needs a ``person_id`` column.
    spark : SparkSession, optional
        Default: :func:`session` (the active one, else ``local[2]``).
    dayfirst : bool, optional
        How to read dates written as text (see :func:`spasmlog.read_log`); detected for each batch of people
        otherwise.
    batch_people : int
        About how many people's rows one Python call validates (and analyses) together: the fixed cost of a
        call (pandera's validation, Arrow's conversion, pandas' set-up) is paid once for a batch, not once
        for each person. People are assigned to batches by a hash of their id; smaller batches spread a small
        cohort over more cores, larger ones cost less and need more memory in each Python worker.

    Returns
    -------
    Validation
        Problems, quarantined rows and row counts, as :func:`spasmlog.validate_tables` with
        ``errors="quarantine"`` gives them for the same tables (``file``: the Parquet path, or ``<daily>`` for a
        DataFrame; ``line``: the row's number in the table, from 1, in the order Spark reads it).

    Examples
    --------
    >>> import pandas as pd
    >>> spark = session("local[1]")
    >>> daily = spark.createDataFrame(pd.DataFrame({"person_id": ["a", "a"], "date": ["2026-01-01", "2026-01-02"],
    ...                                             "water_ml": [1500.0, -3.0]}))
    >>> found = validate({"daily": daily}, spark=spark)
    >>> found.problems.select("line", "field", "rule").collect()
    [Row(line=2, field='water_ml', rule='below_minimum')]
    """
    function = "validate"
    _imports()
    spark = spark or session()
    whole = _cohort(spark, tables, function)
    cohort = whole.layout
    from pyspark.sql.types import StructType

    schema = StructType.fromDDL(_RESULT_SCHEMA)

    def run(group: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        from spasmlog.log import QUARANTINE_COLUMNS

        group = group.drop(columns="__batch")
        log = _person_log(group, cohort, dayfirst)
        # each problem and quarantined row belongs to the person on its line of its table
        owner = pd.Series(
            group["person_id"].to_numpy(dtype=object),
            index=pd.MultiIndex.from_arrays([group["__table"].astype(str), group["__line"].astype("int64")]),
        )

        def owners(frame: pd.DataFrame) -> list[Any]:
            lines = pd.to_numeric(frame["line"], errors="coerce").fillna(-1).astype("int64")
            where = pd.MultiIndex.from_arrays([frame["table"].astype(str), lines])
            return list(owner.reindex(where).to_numpy(dtype=object))

        problems = log.problems.assign(part="problem", person_id=owners(log.problems))
        quarantine = log.quarantine.copy()
        cells = [
            json.dumps(
                {str(k): (None if pd.isna(v) else str(v)) for k, v in row.items() if k not in QUARANTINE_COLUMNS},
                ensure_ascii=False,
            )
            for row in quarantine.to_dict("records")
        ]
        quarantine = quarantine[QUARANTINE_COLUMNS].assign(part="quarantine", person_id=owners(quarantine), cells=cells)
        people = list(dict.fromkeys(group["person_id"].to_numpy(dtype=object)))
        grid = pd.MultiIndex.from_product([people, list(cohort.columns)], names=["person_id", "table"])
        read = group.groupby(["person_id", "__table"], dropna=False).size().reindex(grid, fill_value=0)
        kept = quarantine.groupby(["person_id", "table"], dropna=False).size().reindex(grid, fill_value=0)
        sources = pd.DataFrame(
            {
                "part": "source",
                "person_id": grid.get_level_values("person_id").to_numpy(dtype=object),
                "table": grid.get_level_values("table").to_numpy(dtype=object),
                "rows_read": read.to_numpy(dtype=np.int64),
                "rows_quarantined": kept.to_numpy(dtype=np.int64),
            }
        )
        sources["file"] = sources["table"].map(cohort.files)
        sources["rows_valid"] = sources["rows_read"] - sources["rows_quarantined"]
        for name in cohort.columns:  # rows read = valid + quarantined, for the batch as validate_tables counts it
            valid = int(sources.loc[sources["table"] == name, "rows_valid"].sum())
            if valid != len(log.table(name)):
                raise SpasmlogError(
                    f"Validation of the {name} table kept {len(log.table(name))} valid rows, but rows read less "
                    f"rows quarantined are {valid}: a row would be lost."
                )
        return _for_arrow(pd.concat([problems, quarantine, sources], ignore_index=True), schema)

    with _quiet():
        result = _batches(whole, batch_people, function).groupBy("__batch").applyInPandas(run, schema).cache()

    def part(name: str, ddl: str) -> DataFrame:
        wanted = StructType.fromDDL(ddl)
        return result.where(result["part"] == name).select(*(f.name for f in wanted.fields))

    return Validation(
        problems=part("problem", PROBLEMS_SCHEMA),
        quarantine=part("quarantine", QUARANTINE_SCHEMA),
        sources=part("source", SOURCES_SCHEMA),
    )


# --------------------------------------------------------------------------------------------------------
# The daily table and the per-person analyses
# --------------------------------------------------------------------------------------------------------


def _spark_type(dtype: Any) -> str:
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp_ntz"
    return "string"


def _first_person(cohort: _Cohort) -> pd.DataFrame:
    """The rows of one person (the first in person_id order), on the driver, to learn the daily table's columns."""
    from pyspark.sql import functions as F

    first = cohort.frame.where(F.col("person_id").isNotNull()).agg(F.min("person_id")).first()
    if first is None or first[0] is None:
        _checks.fail("daily", "tables", "no person_id", "tables with at least one person")
    rows = cohort.frame.where(F.col("person_id") == first[0])
    with _quiet():
        return rows.toPandas()


def daily(
    tables: Mapping[str, DataFrame | str | os.PathLike[str]],
    *,
    spark: SparkSession | None = None,
    dayfirst: bool | None = None,
    batch_people: int = BATCH_PEOPLE,
) -> DataFrame:
    """The daily table (:func:`spasmlog.daily_table`) of a cohort, built person by person on Spark.

    Rows with problems are left out as :func:`validate` reports them. The columns and their types are those
    of the first person's daily table (every person's tables have the same columns in Spark); a column whose
    type differs for another person is converted to it.

    Parameters
    ----------
    tables, spark, dayfirst, batch_people
        As for :func:`validate`.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per person and calendar day of their span, the columns of :func:`spasmlog.daily_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> spark = session("local[1]")
    >>> rows = pd.DataFrame({"person_id": ["a", "a"], "date": pd.to_datetime(["2026-01-01", "2026-01-03"]),
    ...                      "spasm_count": [2.0, 0.0]})
    >>> table = daily({"daily": spark.createDataFrame(rows)}, spark=spark)
    >>> [(r.date.day, r.logged) for r in table.orderBy("date").collect()]
    [(1, True), (2, False), (3, True)]
    """
    _imports()
    spark = spark or session()
    cohort = _cohort(spark, tables, "daily")
    return _daily(cohort, dayfirst, batch_people)


def _daily(cohort: _Cohort, dayfirst: bool | None, batch_people: int) -> DataFrame:
    from pyspark.sql.types import StructType

    layout = cohort.layout
    sample = _person_daily(_first_person(cohort), layout, dayfirst)
    schema = StructType.fromDDL(", ".join(f"`{c}` {_spark_type(t)}" for c, t in sample.dtypes.items()))
    known = set(schema.fieldNames())

    def run(group: pd.DataFrame) -> pd.DataFrame:
        table = _person_daily(group, layout, dayfirst)
        extra = [c for c in table.columns if c not in known]
        if extra:  # never dropped without a word
            people = sorted(map(str, group["person_id"].dropna().unique()))[:5]
            raise SpasmlogError(f"People {people} have daily-table columns the first person has not: {extra}.")
        return _for_arrow(table, schema)

    with _quiet():
        return _batches(cohort, batch_people, "daily").groupBy("__batch").applyInPandas(run, schema)


def _analysis(name: str) -> Callable[..., pd.DataFrame]:
    import spasmlog.analysis as analysis

    function: Callable[..., pd.DataFrame] = getattr(analysis, name)
    return function


def per_person(
    tables: Mapping[str, DataFrame | str | os.PathLike[str]],
    analysis: str = "rate_ratios",
    *,
    spark: SparkSession | None = None,
    dayfirst: bool | None = None,
    batch_people: int = BATCH_PEOPLE,
    **options: Any,
) -> DataFrame:
    """Run one per-person analysis for every person of a cohort on Spark: validation, daily table and analysis
    in one grouped map, each batch of people in one Python call (the analysis's own loop over its people).

    Parameters
    ----------
    tables, spark, dayfirst, batch_people
        As for :func:`validate`.
    analysis : str
        One of :data:`ANALYSES`: ``rate_ratios`` (default), ``correlate``, ``intervention_effect``,
        ``session_effect``, ``caseload_summary``.
    **options
        Passed to the analysis (``factors=``, ``lags=``, ``alpha=``...); ``person`` is set to ``"person_id"``.
        ``caseload_summary`` searches each person's strongest association unless ``associations=False``.

    Returns
    -------
    pyspark.sql.DataFrame
        The analysis's rows for every person, with the schema of :data:`ANALYSES` (``person_id`` first).

    Examples
    --------
    >>> import spasmlog
    >>> spark = session("local[1]")
    >>> log = spasmlog.simulate(n_people=2, days=90, seed=3).log
    >>> tables = {"daily": spark.createDataFrame(log.daily), "spasms": spark.createDataFrame(log.spasms)}
    >>> rows = per_person(tables, factors=["water_ml"], lags=(1,), spark=spark).orderBy("person_id").collect()
    >>> [(r.person_id, r.factor, r.lag, r.status) for r in rows]
    [('p1', 'water_ml', 1, 'ok'), ('p2', 'water_ml', 1, 'ok')]
    """
    function = "per_person"
    _checks.one_of(analysis, "analysis", function, sorted(ANALYSES))
    if "person" in options or "by" in options:
        _checks.fail(function, "person", options.get("person", options.get("by")), "not given: it is person_id")
    _imports()
    spark = spark or session()
    whole = _cohort(spark, tables, function)
    cohort = whole.layout
    from pyspark.sql.types import StructType

    schema = StructType.fromDDL(ANALYSES[analysis])
    fit = _analysis(analysis)
    if analysis == "caseload_summary":
        options.setdefault("associations", True)
    else:
        options["person"] = "person_id"

    def run(group: pd.DataFrame) -> pd.DataFrame:
        table = _person_daily(group, cohort, dayfirst)
        with _quiet():
            result = fit(table, **options) if len(table) else table.iloc[:0]
        if analysis == "session_effect" and "window" in result:
            result = result.assign(window=result["window"].astype(str))
        return _for_arrow(result, schema)

    with _quiet():
        return _batches(whole, batch_people, function).groupBy("__batch").applyInPandas(run, schema)


def meta_analysis(per_person_rows: DataFrame | pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Combine per-person estimates from :func:`per_person` across people (:func:`spasmlog.meta_analysis`).

    The estimates are collected to the driver (one row per person × factor × lag: 20 factors × 4 lags of
    500,000 people are 40 million rows of 15 numbers, about 5 GB; select the columns and factors you need
    first on larger cohorts) and combined there.

    Parameters
    ----------
    per_person_rows : pyspark.sql.DataFrame or pandas.DataFrame
        Rows of :func:`per_person` (``rate_ratios``, ``correlate``, ``intervention_effect``, ``session_effect``).
    **options
        Passed to :func:`spasmlog.meta_analysis` (``method=``, ``alpha=``, ``by=``...).

    Returns
    -------
    pandas.DataFrame
        As :func:`spasmlog.meta_analysis`.

    Examples
    --------
    >>> import spasmlog
    >>> spark = session("local[1]")
    >>> log = spasmlog.simulate(n_people=3, days=90, seed=3).log
    >>> tables = {"daily": spark.createDataFrame(log.daily), "spasms": spark.createDataFrame(log.spasms)}
    >>> rows = per_person(tables, factors=["water_ml"], lags=(1,), spark=spark)
    >>> meta_analysis(rows)[["factor", "lag", "k"]].to_numpy().tolist()
    [['water_ml', 1, 3]]
    """
    import pandas as pd

    from spasmlog.analysis.meta import meta_analysis as combine

    if isinstance(per_person_rows, pd.DataFrame):
        frame = per_person_rows
    else:
        columns = [
            c for c in per_person_rows.columns
            if c in ("person_id", "factor", "lag", "intervention", "term", "window", "rate_ratio", "r",
                     "ci_low", "ci_high", "se", "status")
        ]  # fmt: skip
        with _quiet():
            frame = per_person_rows.select(*columns).toPandas()
    return combine(frame, **options)


_imports()  # on import: pandera's pandas layer without pyspark's warning, SPARK_LOCAL_IP left unset (see above)
