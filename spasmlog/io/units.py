"""Headers as people write them (``Water (L)``, ``water cups``, ``Magnesium (g)``) to canonical columns.

A header is split into a name and a unit. The name is looked up among each table's canonical columns
and their aliases; the unit is converted to the column's canonical unit with pint. A ``cup`` is the
240 mL cup of US nutrition labelling, ``oz`` of a volume is the US fluid ounce, and a standard drink of
alcohol is 10 g of ethanol (WHO) unless the reader is told another size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from spasmlog.logformat.schemas import field_specs

__all__ = ["HeaderMatch", "convert_factor", "resolve_header", "unit_registry"]

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "daily": {
        "person_id": ("person", "person id", "participant", "participant id", "subject", "client", "user"),
        "date": ("day", "date logged", "datum", "fecha"),
        "water_ml": ("water", "fluid", "fluids", "fluid intake", "drinks water", "water intake", "hydration"),
        "water_total_ml": ("water total", "total water", "water incl food"),
        "caffeine_mg": ("caffeine",),
        "alcohol_g": ("alcohol", "ethanol"),
        "magnesium_mg": ("magnesium",),
        "calcium_mg": ("calcium",),
        "potassium_mg": ("potassium",),
        "sodium_mg": ("sodium",),
        "exercise_min": (
            "exercise",
            "exercise time",
            "workout",
            "workout time",
            "training",
            "exercise duration",
        ),
        "exercise_type": ("exercise type", "workout type", "activity type", "type of exercise"),
        "exercise_rpe": ("rpe", "exercise rpe", "effort", "exercise effort"),
        "warmup": ("warm up", "warmup", "warmed up", "warm up done"),
        "stretching_min": ("stretching", "stretch", "stretching time"),
        "steps": ("steps", "step count", "step"),
        "sitting_h": ("sitting", "sitting time", "time sitting", "sedentary"),
        "posture_breaks": ("posture breaks", "breaks", "sitting breaks"),
        "posture_score": ("posture", "posture score", "posture rating"),
        "sleep_h": ("sleep", "sleep duration", "sleep time", "hours slept", "slept"),
        "stress": ("stress", "stress level"),
        "spasm_count": ("spasms", "spasm count", "cramps", "cramp count", "number of spasms", "spasms count"),
        "notes": ("note", "notes", "comment", "comments"),
    },
    "spasms": {
        "person_id": ("person", "person id", "participant", "participant id", "subject", "client", "user"),
        "start": ("start", "start time", "started", "datetime", "date time", "when", "timestamp"),
        "body_region": ("body region", "region", "location", "body part", "muscle", "where"),
        "side": ("side",),
        "intensity": ("intensity", "pain", "nprs", "pain score", "severity"),
        "duration_s": ("duration", "length", "how long"),
        "kind": ("kind", "type"),
        "context": ("context", "situation", "doing", "while"),
        "relief": ("relief", "what helped", "helped", "remedy"),
        "notes": ("note", "notes", "comment", "comments"),
    },
    "interventions": {
        "person_id": ("person", "person id", "participant", "participant id", "subject", "client", "user"),
        "name": ("name", "intervention", "treatment", "what"),
        "kind": ("kind", "type", "category"),
        "start": ("start", "start date", "from", "began", "started"),
        "end": ("end", "end date", "to", "until", "stopped"),
        "dose": ("dose", "dosage"),
        "notes": ("note", "notes", "comment", "comments"),
    },
    "people": {
        "person_id": (
            "person",
            "person id",
            "participant",
            "participant id",
            "subject",
            "client",
            "user",
            "id",
        ),
        "sex": ("sex", "gender"),
        "birth_year": ("birth year", "year of birth", "born", "yob"),
        "water_target_ml": ("water target",),
        "water_total_target_ml": ("water total target", "total water target"),
        "magnesium_target_mg": ("magnesium target",),
        "calcium_target_mg": ("calcium target",),
        "potassium_target_mg": ("potassium target",),
        "sodium_target_mg": ("sodium target",),
        "notes": ("note", "notes", "comment", "comments"),
    },
}
"""Header names (lower case, without unit) accepted for each canonical column, besides its own name."""

UNIT_WORDS: dict[str, str] = {
    "ml": "milliliter", "millilitre": "milliliter", "milliliter": "milliliter", "millilitres": "milliliter",
    "milliliters": "milliliter", "cl": "centiliter", "dl": "deciliter", "l": "liter", "litre": "liter",
    "liter": "liter", "litres": "liter", "liters": "liter", "lt": "liter",
    "oz": "fluid_ounce", "fl oz": "fluid_ounce", "floz": "fluid_ounce", "fl oz us": "fluid_ounce",
    "fluid ounces": "fluid_ounce", "us fl oz": "fluid_ounce", "ounces": "fluid_ounce",
    "cup": "nutrition_cup", "cups": "nutrition_cup", "glasses": "nutrition_cup",
    "g": "gram", "gram": "gram", "grams": "gram", "mg": "milligram", "milligrams": "milligram",
    "mcg": "microgram", "ug": "microgram", "µg": "microgram", "kg": "kilogram",
    "s": "second", "sec": "second", "secs": "second", "seconds": "second",
    "min": "minute", "mins": "minute", "minutes": "minute", "minute": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hours": "hour", "hour": "hour",
    "drink": "standard_drink", "drinks": "standard_drink", "standard drinks": "standard_drink",
    "units": "standard_drink",
}  # fmt: skip
"""Unit spellings in headers, to pint unit names (``standard_drink`` is handled by the reader)."""

_CANONICAL_UNITS = {
    "mL": "milliliter",
    "mg": "milligram",
    "g": "gram",
    "min": "minute",
    "h": "hour",
    "s": "second",
}
_MASS_OUNCE = "ounce"


@cache
def unit_registry() -> Any:
    """The pint registry, with the 240 mL nutrition-label cup defined."""
    import pint

    registry: Any = pint.UnitRegistry()
    registry.define("nutrition_cup = 240 * milliliter")
    return registry


@cache
def convert_factor(from_unit: str, to_unit: str) -> float:
    """How many ``to_unit`` make one ``from_unit`` (pint unit names).

    Examples
    --------
    >>> round(convert_factor("fluid_ounce", "milliliter"), 4)
    29.5735
    """
    registry = unit_registry()
    return float(registry.Quantity(1, from_unit).to(to_unit).magnitude)


@dataclass(frozen=True)
class HeaderMatch:
    """A header read as a canonical column: ``factor`` times the cell gives the canonical unit."""

    header: str
    field: str
    factor: float = 1.0
    from_unit: str | None = None
    to_unit: str | None = None
    note: str = ""
    problem: str | None = None  # why a header that names a column could not be read into it


def _normalise(header: str) -> str:
    text = str(header).strip().lower().replace("µ", "u").replace("μ", "u")
    text = re.sub(r"[_\-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _split_unit(text: str) -> tuple[str, str | None]:
    bracketed = re.fullmatch(r"(.+?)\s*[\(\[](.*?)[\)\]]", text)
    if bracketed:
        return bracketed.group(1).strip(), bracketed.group(2).strip()
    for size in (3, 2, 1):
        words = text.split(" ")
        if len(words) > size:
            tail = " ".join(words[-size:])
            if tail in UNIT_WORDS:
                return " ".join(words[:-size]), tail
    return text, None


@cache
def _lookup(table: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for column, aliases in ALIASES[table].items():
        for alias in aliases:
            names[alias] = column
    for column in field_specs(table):
        names[_normalise(column)] = column
    return names


def resolve_header(header: str, table: str, *, drink_g: float = 10.0) -> HeaderMatch | None:
    """Read ``header`` as a canonical column of ``table``; ``None`` for a column spasmlog does not know.

    Examples
    --------
    >>> match = resolve_header("Water (L)", "daily")
    >>> match.field, match.factor
    ('water_ml', 1000.0)
    >>> resolve_header("water cups", "daily").factor
    240.0
    >>> resolve_header("banana", "daily") is None
    True
    """
    text = _normalise(header)
    names = _lookup(table)
    if text in names:
        exact = names[text]
        return HeaderMatch(str(header), exact, note="" if text == _normalise(exact) else "header alias")
    name, unit = _split_unit(text)
    column = names.get(name)
    if column is None:
        return None
    spec = field_specs(table)[column]
    if unit is None or unit == "":
        return HeaderMatch(
            str(header),
            column,
            note=f"no unit in the header: read as {spec.unit}" if spec.quantity else "header alias",
        )
    target = _CANONICAL_UNITS.get(spec.unit or "")
    if spec.quantity is None or target is None:
        # A score or a count: the bracket describes it ("Stress (0-10)"), nothing to convert.
        return HeaderMatch(str(header), column, note=f"unit text '{unit}' taken as a description")
    unit_name = UNIT_WORDS.get(unit)
    if unit_name == "fluid_ounce" and spec.quantity == "mass":
        unit_name = _MASS_OUNCE
    if unit_name == "standard_drink":
        if column != "alcohol_g":
            return HeaderMatch(str(header), column, problem=f"'{unit}' is a unit of alcohol, not of {column}")
        return HeaderMatch(
            str(header),
            column,
            drink_g,
            "standard drink",
            "g",
            f"1 standard drink = {drink_g:g} g of ethanol",
        )
    if unit_name is None:
        return HeaderMatch(str(header), column, problem=f"unit '{unit}' is not one spasmlog can convert to {spec.unit}")
    try:
        factor = convert_factor(unit_name, target)
    except Exception:  # pint's DimensionalityError: litres of magnesium
        return HeaderMatch(str(header), column, problem=f"unit '{unit}' cannot be converted to {spec.unit}")
    label = {"fluid_ounce": "US fl oz", "nutrition_cup": "cup (240 mL)", "liter": "L", "milliliter": "mL"}.get(
        unit_name, unit
    )
    return HeaderMatch(str(header), column, factor, label, spec.unit, "same unit" if factor == 1 else "unit converted")
