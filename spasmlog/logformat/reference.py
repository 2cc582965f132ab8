"""Reference daily intakes of water and minerals, shipped as data with sources (SPEC, "Reference values").

The table lives in ``spasmlog/logformat/data/reference_intakes.csv``, one row per nutrient, metric, sex and
age band, each with its citation. Its columns:

``nutrient``
    What is measured, in words (``total water (food and drinks)``, ``magnesium``, ...).
``column``
    The ``daily`` column the value applies to (``water_total_ml``, ``water_ml``, ``magnesium_mg``,
    ``calcium_mg``, ``potassium_mg``, ``sodium_mg``).
``metric``
    ``RDA`` (Recommended Dietary Allowance), ``AI`` (Adequate Intake) or ``CDRR`` (Chronic Disease Risk
    Reduction intake: reduce intakes above it). RDA and AI are amounts to reach; CDRR is a limit.
``sex``
    ``female``, ``male`` or ``any``.
``age_min``, ``age_max``
    The age band in completed years, both ends included; an empty ``age_max`` means no upper end.
``value``, ``unit``
    The reference amount per day.
``source``
    The publication the value comes from, with its DOI.

The table covers ages 14 and over and leaves out pregnancy and lactation; a person's own targets in the
``people`` table (``water_target_ml``, ``magnesium_target_mg``, ...) take precedence over these values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

import pandas as pd

from spasmlog import _checks
from spasmlog.errors import SpasmlogError
from spasmlog.logformat.factors import FACTORS
from spasmlog.logformat.schemas import SEXES

__all__ = [
    "TARGET_COLUMNS",
    "UNKNOWN_AGE_BAND",
    "person_reference",
    "reference_table",
    "reference_value",
    "reference_values",
]

Kind = Literal["intake", "limit"]

UNKNOWN_AGE_BAND = (31, 50)
"""The adult age band (in years) whose values stand in when a person's age is not known."""

TARGET_COLUMNS = {name: entry.target for name, entry in FACTORS.items() if entry.target is not None}
"""Each intake column of ``daily`` → the ``people`` column that holds the person's own daily target for it (the
``target`` of :data:`spasmlog.logformat.factors.FACTORS`)."""

_ROLE = {"AI": "intake", "RDA": "intake", "CDRR": "limit"}
_COLUMNS = ["column", "value", "unit", "metric", "source", "basis"]


@cache
def _load() -> pd.DataFrame:
    with (
        resources.files("spasmlog.logformat")
        .joinpath("data", "reference_intakes.csv")
        .open("r", encoding="utf-8") as stream
    ):
        table = pd.read_csv(
            stream,
            dtype={"age_min": "Int64", "age_max": "Int64", "value": "float64"},
            keep_default_na=False,
            na_values={"age_max": [""]},
        )
    return table


def reference_table() -> pd.DataFrame:
    """The whole table of reference intakes, one row per nutrient, metric, sex and age band, with sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``nutrient``, ``column``, ``metric``, ``sex``, ``age_min``, ``age_max`` (``<NA>``: no upper
        end), ``value``, ``unit`` and ``source``, as described in the module docstring. A fresh copy on
        each call.

    Examples
    --------
    >>> table = reference_table()
    >>> table.loc[table["column"] == "sodium_mg", ["metric", "sex", "age_min", "value", "unit"]]
       metric  sex  age_min   value    unit
    23     AI  any       14  1500.0  mg/day
    24   CDRR  any       14  2300.0  mg/day
    """
    return _load().copy()


def _normalise_sex(sex: object, function: str) -> str | None:
    if sex is None or (isinstance(sex, float) and math.isnan(sex)) or sex is pd.NA:
        return None
    text = str(sex).strip().lower()
    if text not in SEXES:
        _checks.fail(function, "sex", sex, f"one of {list(SEXES)} or None")
    return text


def _normalise_age(age: object, function: str) -> int | None:
    if age is None or age is pd.NA:
        return None
    try:
        years = float(age)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        _checks.fail(function, "age", age, "a number of years or None")
    if math.isnan(years):
        return None
    youngest = int(_load()["age_min"].min())
    if not youngest <= years <= 130:
        _checks.refuse(
            f"No reference intakes for age {years:g}: the shipped table covers ages {youngest} to 130 "
            "(children's values differ and are not included). Set personal targets in the `people` table "
            "(water_target_ml, magnesium_target_mg, ...) instead.",
            function,
            "age",
            age,
            f"an age from {youngest} to 130 years, or None",
        )
    return math.floor(years)


def _band_text(age_min: object, age_max: object) -> str:
    return f"{age_min}+" if age_max is pd.NA else f"{age_min}–{age_max}"


def reference_values(sex: str | None = None, age: float | None = None, *, kind: Kind = "intake") -> pd.DataFrame:
    """A person's reference daily intakes of water and minerals, from sex and age.

    Parameters
    ----------
    sex : {"female", "male", "other", "unspecified"} or None
        As in the ``people`` table (case does not matter). For ``"other"``, ``"unspecified"`` and None
        (or a missing value) each figure is the mean of the female and male values; ``basis`` says so.
    age : float or None
        Age in years; the completed years select the band (30.9 is in 19–30). None (or NaN) uses the
        adult 31–50 band, :data:`UNKNOWN_AGE_BAND`, and ``basis`` says so. From a ``people`` row, the age
        in a given year is ``year - birth_year`` (up to one year too high before the birthday).
    kind : {"intake", "limit"}
        ``"intake"``: the amounts to reach (RDA, or AI where no RDA exists), one row per daily column.
        ``"limit"``: the amounts above which intake should be reduced (CDRR); only ``sodium_mg`` has one.

    Returns
    -------
    pandas.DataFrame
        One row per ``daily`` column, with columns ``column``, ``value`` (float, per day), ``unit``
        (``mL/day`` or ``mg/day``), ``metric`` (``RDA``, ``AI`` or ``CDRR``), ``source`` (citation with DOI)
        and ``basis`` (which sex and age band the value is for, and any rule applied).

    Raises
    ------
    spasmlog.errors.ParameterError
        If ``sex`` is not one of the values above, ``age`` is not a number, or ``age`` is below 14 (the
        youngest band in the table: children's reference intakes are not shipped) or above 130 (a
        :class:`~spasmlog.errors.SpasmlogError` and a :class:`ValueError`, naming the argument in ``.parameter``).

    Notes
    -----
    Values come from the Dietary Reference Intakes of the US National Academies (IOM 1997, 2005, 2011;
    NASEM 2019), listed per row in ``source``; see :func:`reference_table`. They are population
    references for healthy people, not personal prescriptions, and leave out pregnancy and lactation.
    ``water_ml`` (drinks only) is the part of the total-water AI that drinks supply, about 81% in adults.

    Examples
    --------
    >>> reference_values("female", 34)[["column", "value", "metric"]]
               column   value metric
    0  water_total_ml  2700.0     AI
    1        water_ml  2200.0     AI
    2    magnesium_mg   320.0    RDA
    3      calcium_mg  1000.0    RDA
    4    potassium_mg  2600.0     AI
    5       sodium_mg  1500.0     AI
    >>> row = reference_values("other", 25).set_index("column").loc["magnesium_mg"]
    >>> float(row["value"]), row["basis"]
    (355.0, 'RDA, mean of the female (310) and male (400) values (sex other), ages 19–30')
    >>> reference_values(None, None, kind="limit")[["column", "value", "metric"]]
          column   value metric
    0  sodium_mg  2300.0   CDRR
    """
    _checks.one_of(kind, "kind", "reference_values", ["intake", "limit"])
    sex_value = _normalise_sex(sex, "reference_values")
    years = _normalise_age(age, "reference_values")
    table = _load()
    table = table[table["metric"].map(_ROLE) == kind]
    lookup_age = UNKNOWN_AGE_BAND[0] if years is None else years
    in_band = (table["age_min"] <= lookup_age) & (table["age_max"].isna() | (lookup_age <= table["age_max"]))
    table = table[in_band.fillna(False).astype(bool)]

    rows = []
    for column, group in table.groupby("column", sort=False):
        any_sex = group[group["sex"] == "any"]
        if len(any_sex):
            first = any_sex.iloc[0]
            value, who = float(first["value"]), "all sexes"
        elif sex_value in ("female", "male"):
            first = group[group["sex"] == sex_value].iloc[0]
            value, who = float(first["value"]), f"{sex_value}s"
        else:
            by_sex = group.set_index("sex")["value"]
            first = group.iloc[0]
            value = float(by_sex[["female", "male"]].mean())
            who = (
                f"mean of the female ({by_sex['female']:g}) and male ({by_sex['male']:g}) values "
                f"(sex {sex_value or 'not given'})"
            )
        basis = f"{first['metric']}, {who}, ages {_band_text(first['age_min'], first['age_max'])}"
        if years is None:
            basis += f"; age unknown: the adult {UNKNOWN_AGE_BAND[0]}–{UNKNOWN_AGE_BAND[1]} band is used"
        rows.append(
            {
                "column": column,
                "value": value,
                "unit": first["unit"],
                "metric": first["metric"],
                "source": first["source"],
                "basis": basis,
            }
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


def reference_value(column: str, sex: str | None = None, age: float | None = None, *, kind: Kind = "intake") -> float:
    """One reference daily intake: the ``value`` of :func:`reference_values` for one ``daily`` column.

    Parameters
    ----------
    column : str
        A ``daily`` column with a reference value: ``water_total_ml``, ``water_ml``, ``magnesium_mg``,
        ``calcium_mg``, ``potassium_mg``, ``sodium_mg`` (and, with ``kind="limit"``, only ``sodium_mg``).
    sex, age, kind
        As in :func:`reference_values`.

    Returns
    -------
    float
        The amount per day, in the unit of the ``daily`` column (mL or mg).

    Raises
    ------
    spasmlog.errors.ParameterError
        If ``column`` has no reference value of that kind, or as in :func:`reference_values`.

    Examples
    --------
    >>> reference_value("magnesium_mg", "male", 45)
    420.0
    >>> reference_value("sodium_mg", kind="limit")
    2300.0
    """
    values = reference_values(sex, age, kind=kind).set_index("column")["value"]
    if column not in values.index:
        _checks.refuse(
            f"No reference {kind} for column {column!r}. Columns with one: {sorted(values.index)}.",
            "reference_value",
            "column",
            column,
            f"a column with a reference {kind}: one of {sorted(values.index)}",
        )
    return float(values[column])


def person_reference(
    sex: str | None = None, age: float | None = None, targets: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """A person's reference daily intake of each intake column: their own target, else the shipped value.

    The one place a person's reference is decided: :func:`spasmlog.daily_table` divides by it for the ``*_pct``
    columns and the report lists it beside the person's median intake.

    Parameters
    ----------
    sex, age
        As in :func:`reference_values`.
    targets : mapping, optional
        The person's row of the ``people`` table (or any mapping): for each intake column, the target in its
        :data:`TARGET_COLUMNS` column is used when it is a number above 0.

    Returns
    -------
    pandas.DataFrame
        One row per column of :data:`TARGET_COLUMNS`, in that order, with the columns of
        :func:`reference_values`. An own target has ``metric`` ``target``, ``basis`` "your own target" and no
        ``source``. A column without an own target and without a shipped value (an age outside the table's
        14–130 years: children's reference intakes are not shipped) has ``value`` NaN and the reason as
        ``basis``.

    Raises
    ------
    spasmlog.errors.ParameterError
        If ``sex`` is not one of the values :func:`reference_values` accepts.

    Examples
    --------
    >>> table = person_reference("female", 34, {"magnesium_target_mg": 400, "water_target_ml": None})
    >>> rows = table.set_index("column").loc[["water_ml", "magnesium_mg"]]
    >>> rows["value"].tolist(), rows["metric"].tolist(), rows["basis"].tolist()
    ([2200.0, 400.0], ['AI', 'target'], ['AI, females, ages 19+', 'your own target'])
    >>> float(person_reference("male", 9).set_index("column").loc["sodium_mg", "value"])
    nan
    """
    _normalise_sex(sex, "person_reference")  # a bad value is an error, whatever the age
    try:
        shipped = reference_values(sex, age).set_index("column")
        reason = ""
    except SpasmlogError as error:  # an age the shipped table does not cover (children)
        shipped, reason = pd.DataFrame(columns=_COLUMNS[1:]), str(error)
    own = targets or {}
    rows = []
    for column, target_column in TARGET_COLUMNS.items():
        target = own.get(target_column)
        value = math.nan
        if target is not None and target is not pd.NA:
            try:
                value = float(target)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                value = math.nan
        if value > 0:  # NaN compares False: no target
            rows.append([column, value, f"{FACTORS[column].unit}/day", "target", "", "your own target"])
        elif column in shipped.index:
            rows.append([column, *(shipped.at[column, name] for name in _COLUMNS[1:])])
        else:
            rows.append([column, math.nan, "", "", "", reason or "none shipped"])
    return pd.DataFrame(rows, columns=_COLUMNS)
