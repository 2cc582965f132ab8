"""The four tables of a spasm log, declared as pandera models (SPEC, "The log format").

These classes are the single statement of the log format: types, categories, plausible ranges,
required and optional columns, uniqueness and cross-field rules. Everything else (the reader's parsers,
the spreadsheet template, error hints) reads its facts from here through :func:`field_specs`.

``Field.metadata`` carries what pandera does not know: the canonical ``unit`` and the physical
``quantity`` (used to convert headers such as ``Water (oz)``), and the ``parse`` kind for cells that are
not plain numbers, dates or text (durations, ``;``-separated lists, date-times). The unit of a factor of the
``daily`` table, and the range of a score, are taken from :data:`spasmlog.logformat.factors.FACTORS` (plain
data, which the analysis reads without loading pandera), so each is stated once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, Optional, cast

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from spasmlog.logformat.factors import FACTORS

__all__ = [
    "BODY_REGIONS",
    "CONTEXTS",
    "EXERCISE_TYPES",
    "EXPERIMENT_ARMS",
    "EXPERIMENT_DESIGNS",
    "INTERVENTION_KINDS",
    "RELIEFS",
    "SEXES",
    "SIDES",
    "SPASM_KINDS",
    "TABLES",
    "TABLES_READ",
    "Daily",
    "Experiments",
    "FieldSpec",
    "Interventions",
    "People",
    "Spasms",
    "field_specs",
    "today",
]

BODY_REGIONS = [
    "calf", "foot", "toes", "shin", "hamstring", "quadriceps", "glute", "hip", "lower_back", "upper_back",
    "neck", "shoulder", "arm", "hand", "fingers", "abdomen", "chest", "face", "eyelid", "other",
]  # fmt: skip
SIDES = ["left", "right", "both", "midline"]
SPASM_KINDS = ["cramp", "spasm", "twitch"]
CONTEXTS = ["rest", "sleep", "sitting", "standing", "during_exercise", "after_exercise", "other"]
RELIEFS = [
    "stretch",
    "massage",
    "heat",
    "ice",
    "walk",
    "water",
    "electrolytes",
    "medication",
    "none",
    "other",
]
EXERCISE_TYPES = [
    "none", "walking", "running", "cycling", "swimming", "strength", "yoga_pilates", "team_sport", "other",
]  # fmt: skip
INTERVENTION_KINDS = ["supplement", "therapy_session", "home_exercise", "medication", "lifestyle", "other"]
SEXES = ["female", "male", "other", "unspecified"]

EXPERIMENT_ARMS = ["on", "off", "washout"]
EXPERIMENT_DESIGNS = ["pairs", "counterbalanced"]

TableName = Literal["daily", "spasms", "interventions", "people", "experiments"]
TABLES: tuple[TableName, ...] = ("daily", "spasms", "interventions", "people")
"""The four tables of the diary itself (SPEC, "The log format")."""
TABLES_READ: tuple[TableName, ...] = (*TABLES, "experiments")
"""Every table :func:`spasmlog.read_log` reads and validates: the diary's four and ``experiments``, the plans of
personal experiments (written by ``spasmlog plan``; see :class:`Experiments`)."""


def today() -> pd.Timestamp:
    """The local calendar date of this machine, the limit of the not-in-the-future rules."""
    return pd.Timestamp(dt.date.today())


def _not_after_today(values: pd.Series) -> pd.Series:
    # A date-time counts as "in the future" only from tomorrow on: clocks and time zones differ by hours.
    return values.isna() | (values < today() + pd.Timedelta(days=1))


def _num(lo: float, hi: float | None, unit: str, quantity: str | None = None, **meta: Any) -> Any:
    """A nullable number column between ``lo`` and ``hi`` in ``unit``."""
    metadata = {"unit": unit, "quantity": quantity, **meta}
    if hi is None:
        return pa.Field(ge=lo, nullable=True, metadata=metadata)
    return pa.Field(ge=lo, le=hi, nullable=True, metadata=metadata)


def _factor(name: str, lo: float, hi: float, quantity: str | None = None) -> Any:
    """A nullable number column of the factor ``name``, between ``lo`` and ``hi`` in the unit of its entry
    in :data:`~spasmlog.logformat.factors.FACTORS`."""
    return _num(lo, hi, FACTORS[name].unit, quantity)


def _score(name: str, text: str) -> Any:
    """A nullable score column of the factor ``name``: its range is the ``scale`` of its entry in
    :data:`~spasmlog.logformat.factors.FACTORS`; ``text`` names the scale for people (``Borg CR10 0-10``)."""
    lo, hi = cast(tuple[float, float], FACTORS[name].scale)  # every score has one (tests/logformat/test_factors.py)
    return _num(lo, hi, text)


def _cat(values: list[str], **meta: Any) -> Any:
    return pa.Field(isin=values, nullable=True, metadata={"parse": "category", **meta})


class Spasms(pa.DataFrameModel):
    """``spasms``: one row per spasm or cramp episode."""

    person_id: Series[str] = pa.Field(nullable=False)
    start: Series[pa.DateTime] = pa.Field(nullable=False, metadata={"parse": "datetime"})
    body_region: Series[str] = pa.Field(isin=BODY_REGIONS, nullable=False, metadata={"parse": "category"})
    side: Optional[Series[str]] = _cat(SIDES)
    intensity: Optional[Series[float]] = _num(0, 10, "NPRS 0-10")
    duration_s: Optional[Series[float]] = pa.Field(
        gt=0, nullable=True, metadata={"unit": "s", "quantity": "time", "parse": "duration"}
    )
    kind: Optional[Series[str]] = _cat(SPASM_KINDS)
    context: Optional[Series[str]] = _cat(CONTEXTS)
    relief: Optional[Series[str]] = pa.Field(nullable=True, metadata={"parse": "list", "allowed": RELIEFS})
    notes: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False  # columns spasmlog does not know are kept

    @pa.check("start", name="not_in_future")
    def _start_not_in_future(cls, start: pd.Series) -> pd.Series:
        return _not_after_today(start)

    @pa.check("relief", name="relief_items")
    def _relief_items(cls, relief: pd.Series) -> pd.Series:
        codes, distinct = pd.factorize(relief)
        allowed = set(RELIEFS)
        ok = np.array([set(str(value).split(";")) <= allowed for value in distinct] + [True], dtype=bool)
        return pd.Series(ok[codes], index=relief.index)  # code -1: an empty cell, allowed


class Daily(pa.DataFrameModel):
    """``daily``: one row per person per calendar day."""

    person_id: Series[str] = pa.Field(nullable=False)
    date: Series[pa.DateTime] = pa.Field(nullable=False, metadata={"parse": "date"})
    water_ml: Optional[Series[float]] = _factor("water_ml", 0, 15_000, "volume")
    water_total_ml: Optional[Series[float]] = _factor("water_total_ml", 0, 20_000, "volume")
    caffeine_mg: Optional[Series[float]] = _factor("caffeine_mg", 0, 2_000, "mass")
    alcohol_g: Optional[Series[float]] = _factor("alcohol_g", 0, 500, "mass")
    magnesium_mg: Optional[Series[float]] = _factor("magnesium_mg", 0, 5_000, "mass")
    calcium_mg: Optional[Series[float]] = _factor("calcium_mg", 0, 10_000, "mass")
    potassium_mg: Optional[Series[float]] = _factor("potassium_mg", 0, 20_000, "mass")
    sodium_mg: Optional[Series[float]] = _factor("sodium_mg", 0, 20_000, "mass")
    exercise_min: Optional[Series[float]] = _factor("exercise_min", 0, 1_440, "time")
    exercise_type: Optional[Series[str]] = _cat(EXERCISE_TYPES)
    exercise_rpe: Optional[Series[float]] = _score("exercise_rpe", "Borg CR10 0-10")
    warmup: Optional[Series[pd.BooleanDtype]] = pa.Field(nullable=True)
    stretching_min: Optional[Series[float]] = _factor("stretching_min", 0, 600, "time")
    steps: Optional[Series[pd.Int64Dtype]] = _factor("steps", 0, 150_000)
    sitting_h: Optional[Series[float]] = _factor("sitting_h", 0, 24, "time")
    posture_breaks: Optional[Series[pd.Int64Dtype]] = _factor("posture_breaks", 0, 200)
    posture_score: Optional[Series[pd.Int64Dtype]] = _score("posture_score", "1 poor - 5 good")
    sleep_h: Optional[Series[float]] = _factor("sleep_h", 0, 24, "time")
    stress: Optional[Series[float]] = _score("stress", "0-10")
    spasm_count: Optional[Series[pd.Int64Dtype]] = _num(0, None, "spasms")
    notes: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False  # user-defined factors ("banana", "hot_bath") are kept and analysed
        unique = ("person_id", "date")

    @pa.check("date", name="not_in_future")
    def _date_not_in_future(cls, date: pd.Series) -> pd.Series:
        return _not_after_today(date)

    @pa.dataframe_check(name="sitting_plus_sleep_at_most_24h")
    def _sitting_plus_sleep(cls, df: pd.DataFrame) -> pd.Series:
        if "sitting_h" not in df or "sleep_h" not in df:
            return pd.Series(True, index=df.index)
        return ~(df["sitting_h"].fillna(0) + df["sleep_h"].fillna(0) > 24)

    @pa.dataframe_check(name="exercise_details_need_exercise")
    def _details_need_exercise(cls, df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        if "exercise_min" not in df:
            return ok
        minutes = df["exercise_min"]
        if "exercise_rpe" in df:
            ok &= ~((minutes == 0) & df["exercise_rpe"].notna() & (df["exercise_rpe"] > 0))
        if "exercise_type" in df:
            kind = df["exercise_type"]
            ok &= ~((minutes == 0) & kind.notna() & (kind != "none"))
            ok &= ~((minutes > 0) & (kind == "none"))
        return ok


class Interventions(pa.DataFrameModel):
    """``interventions``: treatments and routines, from ``start`` to ``end`` (open-ended when empty)."""

    person_id: Series[str] = pa.Field(nullable=False)
    name: Series[str] = pa.Field(nullable=False)
    kind: Optional[Series[str]] = _cat(INTERVENTION_KINDS)
    start: Series[pa.DateTime] = pa.Field(nullable=False, metadata={"parse": "date"})
    end: Optional[Series[pa.DateTime]] = pa.Field(nullable=True, metadata={"parse": "date"})
    dose: Optional[Series[str]] = pa.Field(nullable=True)
    notes: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("start", name="not_in_future")
    def _start_not_in_future(cls, start: pd.Series) -> pd.Series:
        return _not_after_today(start)

    @pa.dataframe_check(name="end_not_before_start")
    def _end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        if "end" not in df:
            return pd.Series(True, index=df.index)
        return df["end"].isna() | (df["end"] >= df["start"])


class People(pa.DataFrameModel):
    """``people``: optional, one row per person, with personal targets overriding the reference intakes."""

    person_id: Series[str] = pa.Field(nullable=False, unique=True)
    sex: Optional[Series[str]] = _cat(SEXES)
    birth_year: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=1900, le=2100, nullable=True)
    water_target_ml: Optional[Series[float]] = _num(0, 15_000, "mL", "volume")
    water_total_target_ml: Optional[Series[float]] = _num(0, 20_000, "mL", "volume")
    magnesium_target_mg: Optional[Series[float]] = _num(0, 5_000, "mg", "mass")
    calcium_target_mg: Optional[Series[float]] = _num(0, 10_000, "mg", "mass")
    potassium_target_mg: Optional[Series[float]] = _num(0, 20_000, "mg", "mass")
    sodium_target_mg: Optional[Series[float]] = _num(0, 20_000, "mg", "mass")
    notes: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("birth_year", name="not_in_future")
    def _born_by_now(cls, year: pd.Series) -> pd.Series:
        return year.isna() | (year <= today().year)


class Experiments(pa.DataFrameModel):
    """``experiments``: the plan of a personal experiment (a randomised N-of-1 trial), one row per period.

    A plan compares days with a change (``change``, arm ``on``: "magnesium glycinate 300 mg") with days
    without it (``against``, arm ``off``: ``none``, or another routine) in blocks of ``block_days`` days,
    ``pairs`` pairs of blocks whose order within each pair was drawn at random (``design`` ``pairs``), or with
    half the pairs in each order (``counterbalanced``), from ``seed``. Between two blocks, ``washout_days``
    days (arm ``washout``: neither the change nor the comparison; those days are not analysed) let the
    effect of the block before wear off. ``period`` numbers the rows in time order, ``pair`` the pair a block
    belongs to (empty for a washout). Written by :func:`spasmlog.plan_experiment`; the dates of a plan may
    lie in the future.
    """

    person_id: Series[str] = pa.Field(nullable=False)
    experiment_id: Series[str] = pa.Field(nullable=False)
    change: Series[str] = pa.Field(nullable=False)
    against: Optional[Series[str]] = pa.Field(nullable=True)
    period: Series[pd.Int64Dtype] = pa.Field(ge=1, nullable=False)
    pair: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=1, nullable=True)
    arm: Series[str] = pa.Field(isin=EXPERIMENT_ARMS, nullable=False, metadata={"parse": "category"})
    start: Series[pa.DateTime] = pa.Field(nullable=False, metadata={"parse": "date"})
    end: Series[pa.DateTime] = pa.Field(nullable=False, metadata={"parse": "date"})
    design: Optional[Series[str]] = _cat(EXPERIMENT_DESIGNS)
    block_days: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=1, nullable=True)
    pairs: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=1, nullable=True)
    washout_days: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=0, nullable=True)
    seed: Optional[Series[pd.Int64Dtype]] = pa.Field(ge=0, nullable=True)
    created: Optional[Series[pa.DateTime]] = pa.Field(nullable=True, metadata={"parse": "date"})
    notes: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False
        unique = ("person_id", "experiment_id", "period")

    @pa.check("created", name="not_in_future")
    def _created_not_in_future(cls, created: pd.Series) -> pd.Series:
        return _not_after_today(created)

    @pa.dataframe_check(name="period_end_not_before_start")
    def _end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        return df["end"].isna() | df["start"].isna() | (df["end"] >= df["start"])


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "daily": Daily,
    "spasms": Spasms,
    "interventions": Interventions,
    "people": People,
    "experiments": Experiments,
}

Kind = Literal["number", "integer", "boolean", "date", "datetime", "duration", "category", "list", "text"]


@dataclass(frozen=True)
class FieldSpec:
    """What the log format says about one canonical column, read off the pandera model."""

    table: str
    name: str
    kind: Kind
    required: bool
    unit: str | None = None
    quantity: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    allowed: tuple[str, ...] = ()

    @property
    def dtype(self) -> str:
        """The pandas dtype of the validated column."""
        return {
            "number": "float64",
            "duration": "float64",
            "integer": "Int64",
            "boolean": "boolean",
            "date": "datetime64[us]",
            "datetime": "datetime64[us]",
        }.get(self.kind, "str")

    def range_text(self) -> str:
        """The plausible range in words, e.g. ``between 0 and 15000 mL``."""
        unit = f" {self.unit}" if self.unit and self.quantity else ""
        if self.minimum is not None and self.maximum is not None:
            return f"between {self.minimum:g} and {self.maximum:g}{unit}"
        if self.minimum is not None:
            word = "above" if self.minimum_exclusive else "at least"
            return f"{word} {self.minimum:g}{unit}"
        return "any value"


def _kind_of(column: Any) -> Kind:
    parse = (column.metadata or {}).get("parse")
    if parse:
        return cast(Kind, parse)
    dtype = str(column.dtype)
    if dtype == "Int64":
        return "integer"
    if dtype == "float64":
        return "number"
    if dtype == "boolean":
        return "boolean"
    return "text"


def field_specs(table: str) -> dict[str, FieldSpec]:
    """The canonical columns of ``table`` in SPEC order, as :class:`FieldSpec` objects.

    Examples
    --------
    >>> spec = field_specs("daily")["water_ml"]
    >>> spec.unit, spec.minimum, spec.maximum, spec.required
    ('mL', 0, 15000, False)
    """
    return _FIELD_SPECS[table]


def _build_specs(table: str) -> dict[str, FieldSpec]:
    schema = MODELS[table].to_schema()
    specs = {}
    for name, column in schema.columns.items():
        stats: dict[str, Any] = {}
        for check in column.checks:
            stats.update(check.statistics or {})
        meta = column.metadata or {}
        allowed = stats.get("allowed_values") or meta.get("allowed") or ()
        specs[name] = FieldSpec(
            table=table,
            name=name,
            kind=_kind_of(column),
            required=bool(column.required),
            unit=meta.get("unit"),
            quantity=meta.get("quantity"),
            minimum=stats.get("min_value"),
            maximum=stats.get("max_value"),
            minimum_exclusive="min_value" in stats and any(c.name == "greater_than" for c in column.checks),
            allowed=tuple(allowed),
        )
    return specs


_FIELD_SPECS: dict[str, dict[str, FieldSpec]] = {table: _build_specs(table) for table in TABLES_READ}
