"""Headers as people write them (``Water (L)``, ``water cups``, ``Magnesium (g)``) to canonical columns.

A header is split into a name and a unit. The name is looked up among each table's canonical columns
and their aliases in every language of :mod:`~spasmlog.logformat.vocabulary` (accents and umlauts do
not matter); the unit is converted to the column's canonical unit with pint. The sizes declared here: a
``cup`` (or glass) of a drink is the 240 mL cup of US nutrition labelling, a cup of coffee in a caffeine
column is 90 mg of caffeine (EFSA 2015), ``oz`` of a volume is the US fluid ounce, and a standard drink of
alcohol is 10 g of ethanol (WHO) unless the reader is told another size.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from spasmlog.logformat.schemas import TABLES_READ, field_specs
from spasmlog.logformat.vocabulary import (
    COFFEE_WORDS,
    DATE_WORDS,
    TIME_WORDS,
    UNIT_WORDS,
    fold,
    folded_set,
    header_aliases,
    spellings,
)

__all__ = [
    "ALIASES",
    "COFFEE_CUP_MG",
    "GLASS_ML",
    "NUTRITION_CUP_ML",
    "STANDARD_DRINK_G",
    "UNIT_WORDS",
    "HeaderMatch",
    "convert_factor",
    "date_time_part",
    "resolve_header",
    "suggest_header",
    "unit_registry",
]

STANDARD_DRINK_G = 10.0
"""Grams of ethanol in one standard drink (WHO), the default of every reader of ``drinks`` (``drink_g=``,
``--drink-g``): headers such as ``Alcohol (drinks)`` and Apple Health's ``NumberOfAlcoholicBeverages``."""

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {table: header_aliases(table) for table in TABLES_READ}
"""Header names (without unit, every language of :mod:`~spasmlog.logformat.vocabulary`) accepted for each
canonical column, besides its own name."""

NUTRITION_CUP_ML = 240.0
"""A cup (``Water (cups)``, ``Wasser (Tassen)``): the 240 mL cup of US nutrition labelling (21 CFR 101.9)."""

GLASS_ML = 240.0
"""A glass (``Water (glasses)``, ``Wasser (Gläser)``), taken as one nutrition-label cup."""

COFFEE_CUP_MG = 90.0
"""Caffeine in one cup of coffee (``Kaffee (Tassen)``, ``coffee``, ``cafés``): 90 mg, EFSA's figure for a
200 mL cup of filter coffee (EFSA NDA Panel, Scientific Opinion on the safety of caffeine, EFSA Journal
2015;13(5):4102, doi:10.2903/j.efsa.2015.4102). An espresso (60 mL) has about 80 mg there; a mug or a
strong brew more: write ``Caffeine (mg)`` to be exact."""

TABLET_WORDS = frozenset({"tabl", "tablette", "tabletten", "tablet", "tablets", "tab", "tabs", "kapsel", "kapseln",
                          "capsule", "capsules", "comprime", "comprimes", "gelule", "gelules", "pastilla",
                          "pastillas", "compressa", "compresse", "pil", "pillen", "pill", "pills"})  # fmt: skip
"""Units that say how many tablets, not how much: a tablet's content differs by product."""

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
    """The pint registry, with the nutrition-label cup and the glass defined (:data:`NUTRITION_CUP_ML`)."""
    import pint

    registry: Any = pint.UnitRegistry()
    registry.define(f"nutrition_cup = {NUTRITION_CUP_ML:g} * milliliter")
    registry.define(f"glass = {GLASS_ML:g} * milliliter")
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
    return fold(header)


def _split_unit(text: str) -> tuple[str, str | None]:
    bracketed = re.fullmatch(r"(.+?)\s*[\(\[](.*?)[\)\]]", text)
    if bracketed:
        return bracketed.group(1).strip(), bracketed.group(2).strip().rstrip(".").strip()
    for size in (3, 2, 1):
        words = text.split(" ")
        if len(words) > size:
            tail = " ".join(words[-size:]).rstrip(".")
            if tail in UNIT_WORDS or tail in TABLET_WORDS:
                return " ".join(words[:-size]), tail
    return text, None


@cache
def _lookup(table: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for column, aliases in ALIASES[table].items():
        for alias in aliases:
            for spelling in spellings(alias):
                names.setdefault(spelling, column)
    if table == "daily":
        for spelling in _COFFEE:
            names.setdefault(spelling, "caffeine_mg")
    for column in field_specs(table):
        names[_normalise(column)] = column
    return names


_COFFEE = folded_set(COFFEE_WORDS)
_CUPS = frozenset({"nutrition_cup", "glass"})


def _coffee(header: str, unit: str | None) -> HeaderMatch:
    """``caffeine_mg`` read from a number of cups of coffee."""
    shown = "no unit in the header: read as cups of coffee; " if unit is None else ""
    return HeaderMatch(
        header,
        "caffeine_mg",
        COFFEE_CUP_MG,
        "cup of coffee",
        "mg",
        f"{shown}1 cup of coffee = {COFFEE_CUP_MG:g} mg caffeine (EFSA 2015: a 200 mL cup of filter coffee)",
    )


@lru_cache(maxsize=1 << 16)  # a header is read the same way each time: detecting the table, mapping, listing
def resolve_header(header: str, table: str, *, drink_g: float = STANDARD_DRINK_G) -> HeaderMatch | None:
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
        if exact == "caffeine_mg" and text in _COFFEE:
            return _coffee(str(header), None)
        return HeaderMatch(str(header), exact, note="" if text == _normalise(exact) else "header alias")
    name, unit = _split_unit(text)
    column = names.get(name)
    if column is None:
        return None
    spec = field_specs(table)[column]
    if (unit is None or unit == "") and column == "caffeine_mg" and name in _COFFEE:
        return _coffee(str(header), None)
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
    if unit in TABLET_WORDS:
        return HeaderMatch(
            str(header),
            column,
            problem=f"'{unit}' counts tablets, and what a tablet holds differs by product: write the {spec.unit} "
            f"per day, with the header '{name.title()} ({spec.unit})'",
        )
    unit_name = UNIT_WORDS.get(unit)
    if unit_name in _CUPS and column == "caffeine_mg":
        return _coffee(str(header), unit)
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
    label = {
        "fluid_ounce": "US fl oz",
        "nutrition_cup": f"cup ({NUTRITION_CUP_ML:g} mL)",
        "glass": f"glass ({GLASS_ML:g} mL)",
        "liter": "L",
        "milliliter": "mL",
    }.get(unit_name, unit)
    return HeaderMatch(str(header), column, factor, label, spec.unit, "same unit" if factor == 1 else "unit converted")


@cache
def _candidates(table: str) -> tuple[dict[str, str], list[str]]:
    names = _lookup(table)
    return names, list(names)


def suggest_header(header: str, table: str) -> str | None:
    """The canonical column of ``table`` whose name or alias (any language) is closest to ``header``, or
    ``None`` when none is reasonably close (:func:`difflib.get_close_matches`, ratio at least 0.75).

    For a header :func:`resolve_header` does not read, so that a person can fix it once.

    Examples
    --------
    >>> suggest_header("Wassr (L)", "daily"), suggest_header("Magnesum", "daily"), suggest_header("banana", "daily")
    ('water_ml', 'magnesium_mg', None)
    """
    names, candidates = _candidates(table)
    text = _normalise(header)
    for attempt in dict.fromkeys((text, _split_unit(text)[0])):
        close = difflib.get_close_matches(attempt, candidates, n=1, cutoff=0.75)
        if close:
            return names[close[0]]
    return None


_DATE_PART = folded_set(DATE_WORDS)
_TIME_PART = folded_set(TIME_WORDS)


def date_time_part(header: str) -> Literal["date", "time"] | None:
    """Whether ``header`` names the date or the time of day of a spasm written in two columns.

    Examples
    --------
    >>> date_time_part("Datum"), date_time_part("Uhrzeit (hh:mm)"), date_time_part("heure"), date_time_part("Wo")
    ('date', 'time', 'time', None)
    """
    text = _normalise(header)
    for name in (text, _split_unit(text)[0]):
        if name in _DATE_PART:
            return "date"
        if name in _TIME_PART:
            return "time"
    return None
