"""The four tables of a spasm log: every column's facts, stated once, as plain data (SPEC, "The log format").

:func:`field_specs` is the single statement of the log format: types, categories, plausible ranges,
required and optional columns, uniqueness; :data:`RULES` holds the rules that look at more than one value
(dates not in the future, the items of a list, sitting plus sleep, ...). Everything else reads its facts from
here: the pandera models of :mod:`spasmlog.logformat.models` (``Daily``, ``Spasms``, ``Interventions``,
``People``, built from these facts; public as ``spasmlog.logformat.Daily``, ...), the reader's parsers and
checks, the spreadsheet template and the error hints.

The facts are plain data so that reading a log costs no pandera (about 0.4 s of CPU to import): the reader
checks a table against them directly and asks pandera only when something fails
(:mod:`spasmlog.validation.checks`). A ``FieldSpec`` carries what pandera does not know too: the canonical
``unit`` and the physical ``quantity`` (used to convert headers such as ``Water (oz)``), and the kind of
cells that are not plain numbers or text (durations, ``;``-separated lists, dates, date-times). The unit of a
factor of the ``daily`` table, and the range of a score, are taken from
:data:`spasmlog.logformat.factors.FACTORS` (plain data, which the analysis reads), so each is stated once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from spasmlog.logformat.factors import FACTORS

__all__ = [
    "AGE_BANDS",
    "ARMS_DONE",
    "BODY_REGIONS",
    "CONTEXTS",
    "EXERCISE_TYPES",
    "EXPERIMENT_ARMS",
    "EXPERIMENT_DESIGNS",
    "INTERVENTION_KINDS",
    "MAX_BLOCK_DAYS",
    "MAX_PLANNED_PAIRS",
    "MAX_WASHOUT_DAYS",
    "RELIEFS",
    "RULES",
    "SEXES",
    "SIDES",
    "SPASM_KINDS",
    "TABLES",
    "TABLES_READ",
    "UNIQUE",
    "FieldSpec",
    "Rule",
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

AGE_BANDS = [*(f"{low}-{low + 9}" for low in range(0, 90, 10)), "90+"]
"""``people.age_band``: the age in ten-year bands, all ages over 89 as ``90+`` (written by ``spasmlog share``
instead of the birth year)."""

EXPERIMENT_ARMS = ["on", "off", "washout"]
EXPERIMENT_DESIGNS = ["pairs", "counterbalanced"]
ARMS_DONE = ["on", "off"]
"""``daily.experiment_arm_done``: the arm actually done on a day of a planned experiment, written only when it
differs from the calendar (an empty cell: done as planned, or nothing noted)."""

MAX_PLANNED_PAIRS = 20
MAX_BLOCK_DAYS = 28
MAX_WASHOUT_DAYS = 14
"""The most pairs, days a block and days a washout a personal experiment may have: beyond them a plan is surely
a typo (about four and a half years at the most). ``spasmlog plan`` refuses more; the validator flags a period
longer than a block or a washout may be."""

TableName = Literal["daily", "spasms", "interventions", "people", "experiments"]
TABLES: tuple[TableName, ...] = ("daily", "spasms", "interventions", "people")
"""The four tables of the diary itself (SPEC, "The log format")."""
TABLES_READ: tuple[TableName, ...] = (*TABLES, "experiments")
"""Every table :func:`spasmlog.read_log` reads and validates: the diary's four and ``experiments``, the plans of
personal experiments (written by ``spasmlog plan``; see :class:`~spasmlog.logformat.models.Experiments`)."""


def today() -> pd.Timestamp:
    """The local calendar date of this machine, the limit of the not-in-the-future rules."""
    return pd.Timestamp(dt.date.today())


Kind = Literal["number", "integer", "boolean", "date", "datetime", "duration", "category", "list", "text"]


@dataclass(frozen=True)
class FieldSpec:
    """What the log format says about one canonical column.

    A required column must be present and may not have an empty cell; an optional one may be absent or have
    empty cells. ``minimum``, ``maximum`` (inclusive; ``minimum`` exclusive when ``minimum_exclusive``) and
    ``allowed`` (the categories, or the items of a ``list`` cell) apply to the values that are there.
    """

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
    unique: bool = False

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


def _column(kind: Kind, *, required: bool = False, **facts: Any) -> dict[str, Any]:
    return {"kind": kind, "required": required, **facts}


def _text(*, required: bool = False, unique: bool = False) -> dict[str, Any]:
    return _column("text", required=required, unique=unique)


def _num(
    lo: float, hi: float | None, unit: str | None, quantity: str | None = None, kind: Kind = "number"
) -> dict[str, Any]:
    """An optional number column between ``lo`` and ``hi`` (no upper limit if None) in ``unit``."""
    return _column(kind, unit=unit, quantity=quantity, minimum=lo, maximum=hi)


def _factor(name: str, lo: float, hi: float, quantity: str | None = None, kind: Kind = "number") -> dict[str, Any]:
    """An optional number column of the factor ``name``, between ``lo`` and ``hi`` in the unit of its entry
    in :data:`~spasmlog.logformat.factors.FACTORS`."""
    return _num(lo, hi, FACTORS[name].unit, quantity, kind)


def _score(name: str, text: str, kind: Kind = "number") -> dict[str, Any]:
    """An optional score column of the factor ``name``: its range is the ``scale`` of its entry in
    :data:`~spasmlog.logformat.factors.FACTORS`; ``text`` names the scale for people (``Borg CR10 0-10``)."""
    lo, hi = cast(tuple[float, float], FACTORS[name].scale)  # every score has one (tests/logformat/test_factors.py)
    return _num(lo, hi, text, kind=kind)


def _cat(values: list[str], *, required: bool = False) -> dict[str, Any]:
    return _column("category", required=required, allowed=tuple(values))


def _table(table: str, **columns: dict[str, Any]) -> dict[str, FieldSpec]:
    """The columns of ``table`` in SPEC order (the order of the keywords)."""
    return {name: FieldSpec(table=table, name=name, **facts) for name, facts in columns.items()}


_FIELD_SPECS: dict[str, dict[str, FieldSpec]] = {
    # spasms: one row per spasm or cramp episode
    "spasms": _table(
        "spasms",
        person_id=_text(required=True),
        start=_column("datetime", required=True),
        body_region=_cat(BODY_REGIONS, required=True),
        side=_cat(SIDES),
        intensity=_num(0, 10, "NPRS 0-10"),
        duration_s=_column("duration", unit="s", quantity="time", minimum=0, minimum_exclusive=True),
        kind=_cat(SPASM_KINDS),
        context=_cat(CONTEXTS),
        relief=_column("list", allowed=tuple(RELIEFS)),
        notes=_text(),
    ),
    # daily: one row per person per calendar day
    "daily": _table(
        "daily",
        person_id=_text(required=True),
        date=_column("date", required=True),
        water_ml=_factor("water_ml", 0, 15_000, "volume"),
        water_total_ml=_factor("water_total_ml", 0, 20_000, "volume"),
        caffeine_mg=_factor("caffeine_mg", 0, 2_000, "mass"),
        alcohol_g=_factor("alcohol_g", 0, 500, "mass"),
        magnesium_mg=_factor("magnesium_mg", 0, 5_000, "mass"),
        calcium_mg=_factor("calcium_mg", 0, 10_000, "mass"),
        potassium_mg=_factor("potassium_mg", 0, 20_000, "mass"),
        sodium_mg=_factor("sodium_mg", 0, 20_000, "mass"),
        exercise_min=_factor("exercise_min", 0, 1_440, "time"),
        exercise_type=_cat(EXERCISE_TYPES),
        exercise_rpe=_score("exercise_rpe", "Borg CR10 0-10"),
        warmup=_column("boolean"),
        stretching_min=_factor("stretching_min", 0, 600, "time"),
        steps=_factor("steps", 0, 150_000, kind="integer"),
        sitting_h=_factor("sitting_h", 0, 24, "time"),
        posture_breaks=_factor("posture_breaks", 0, 200, kind="integer"),
        posture_score=_score("posture_score", "1 poor - 5 good", kind="integer"),
        sleep_h=_factor("sleep_h", 0, 24, "time"),
        stress=_score("stress", "0-10"),
        spasm_count=_num(0, None, "spasms", kind="integer"),
        experiment_arm_done=_cat(ARMS_DONE),
        notes=_text(),
    ),
    # interventions: treatments and routines, from start to end (open-ended when empty)
    "interventions": _table(
        "interventions",
        person_id=_text(required=True),
        name=_text(required=True),
        kind=_cat(INTERVENTION_KINDS),
        start=_column("date", required=True),
        end=_column("date"),
        dose=_text(),
        notes=_text(),
    ),
    # people: optional, one row per person, with personal targets overriding the reference intakes
    "people": _table(
        "people",
        person_id=_text(required=True, unique=True),
        sex=_cat(SEXES),
        birth_year=_num(1900, 2100, None, kind="integer"),
        age_band=_cat(AGE_BANDS),
        start_year=_num(1900, 2100, None, kind="integer"),
        country=_text(),
        water_target_ml=_num(0, 15_000, "mL", "volume"),
        water_total_target_ml=_num(0, 20_000, "mL", "volume"),
        magnesium_target_mg=_num(0, 5_000, "mg", "mass"),
        calcium_target_mg=_num(0, 10_000, "mg", "mass"),
        potassium_target_mg=_num(0, 20_000, "mg", "mass"),
        sodium_target_mg=_num(0, 20_000, "mg", "mass"),
        notes=_text(),
    ),
    # experiments: the plan of a personal experiment (a randomised N-of-1 trial), one row per period (see
    # spasmlog.logformat.models.Experiments)
    "experiments": _table(
        "experiments",
        person_id=_text(required=True),
        experiment_id=_text(required=True),
        change=_text(required=True),
        against=_text(),
        period=_column("integer", required=True, minimum=1),
        pair=_num(1, None, None, kind="integer"),
        arm=_cat(EXPERIMENT_ARMS, required=True),
        start=_column("date", required=True),
        end=_column("date", required=True),
        design=_cat(EXPERIMENT_DESIGNS),
        block_days=_num(1, MAX_BLOCK_DAYS, None, kind="integer"),
        pairs=_num(1, MAX_PLANNED_PAIRS, None, kind="integer"),
        washout_days=_num(0, MAX_WASHOUT_DAYS, None, kind="integer"),
        seed=_num(0, None, None, kind="integer"),
        created=_column("date"),
        notes=_text(),
    ),
}

UNIQUE: dict[str, tuple[str, ...]] = {
    "daily": ("person_id", "date"),
    "experiments": ("person_id", "experiment_id", "period"),
}
"""Tables with one row per combination of these columns (``daily``: one row per person per day)."""


def field_specs(table: str) -> dict[str, FieldSpec]:
    """The canonical columns of ``table`` in SPEC order, as :class:`FieldSpec` objects.

    Examples
    --------
    >>> spec = field_specs("daily")["water_ml"]
    >>> spec.unit, spec.minimum, spec.maximum, spec.required
    ('mL', 0, 15000, False)
    """
    return _FIELD_SPECS[table]


# ---------------------------------------------------------------------------------------------------------------
# Rules on more than one value: plain functions of a column (or of the table) that say, row by row, whether the
# row keeps the rule. The models run them as pandera checks; the reader runs them directly.


def _not_after_today(values: pd.Series) -> pd.Series:
    # A date-time counts as "in the future" only from tomorrow on: clocks and time zones differ by hours.
    return values.isna() | (values < today() + pd.Timedelta(days=1))


def _relief_items(relief: pd.Series) -> pd.Series:
    codes, distinct = pd.factorize(relief)
    allowed = set(RELIEFS)
    ok = np.array([set(str(value).split(";")) <= allowed for value in distinct] + [True], dtype=bool)
    return pd.Series(ok[codes], index=relief.index)  # code -1: an empty cell, allowed


def _sitting_plus_sleep(df: pd.DataFrame) -> pd.Series:
    if "sitting_h" not in df or "sleep_h" not in df:
        return pd.Series(True, index=df.index)
    return ~(df["sitting_h"].fillna(0) + df["sleep_h"].fillna(0) > 24)


def _details_need_exercise(df: pd.DataFrame) -> pd.Series:
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


def _end_after_start(df: pd.DataFrame) -> pd.Series:
    if "end" not in df:
        return pd.Series(True, index=df.index)
    return df["end"].isna() | (df["end"] >= df["start"])


def _period_end_after_start(df: pd.DataFrame) -> pd.Series:
    return df["end"].isna() | df["start"].isna() | (df["end"] >= df["start"])


def _period_not_too_long(df: pd.DataFrame) -> pd.Series:
    """A block lasts at most :data:`MAX_BLOCK_DAYS` days, a washout :data:`MAX_WASHOUT_DAYS`: an end beyond is a
    typing error (in the year, most often), which would stretch the plan over years."""
    days = (df["end"] - df["start"]).dt.days + 1
    longest = np.where(df["arm"] == "washout", MAX_WASHOUT_DAYS, MAX_BLOCK_DAYS)
    length = days.to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.isnan(length) | (length <= longest), index=df.index)


def _born_by_now(year: pd.Series) -> pd.Series:
    return year.isna() | (year <= today().year)


@dataclass(frozen=True)
class Rule:
    """A rule on more than one value: ``check`` of the ``column`` (a :class:`pandas.Series`), or of the whole
    table when ``column`` is None (a :class:`pandas.DataFrame`), is True on each row that keeps it."""

    table: str
    name: str
    column: str | None
    check: Callable[[Any], pd.Series]


RULES: tuple[Rule, ...] = (
    Rule("spasms", "not_in_future", "start", _not_after_today),
    Rule("spasms", "relief_items", "relief", _relief_items),
    Rule("daily", "not_in_future", "date", _not_after_today),
    Rule("daily", "sitting_plus_sleep_at_most_24h", None, _sitting_plus_sleep),
    Rule("daily", "exercise_details_need_exercise", None, _details_need_exercise),
    Rule("interventions", "not_in_future", "start", _not_after_today),
    Rule("interventions", "end_not_before_start", None, _end_after_start),
    Rule("people", "not_in_future", "birth_year", _born_by_now),
    Rule("experiments", "not_in_future", "created", _not_after_today),
    Rule("experiments", "period_end_not_before_start", None, _period_end_after_start),
    Rule("experiments", "period_at_most_plan_limit", None, _period_not_too_long),
)
"""Every rule on more than one value, by table; their names are the problems' ``rule`` codes (or map to them)."""
