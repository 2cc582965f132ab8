"""Importers: app exports (Apple Health, Cronometer, MyFitnessPal, Garmin Connect, Flaredown, any app's long
export with a mapping file) as ``daily`` tables.

Every ``read_<source>(path)`` returns a :class:`pandas.DataFrame` with the contract below, and
:func:`spasmlog.importers.merge.merge_into` merges it into a person's log folder without losing or
overwriting what the person wrote by hand.

The contract of an imported table
---------------------------------
- one row per local calendar day, column ``date`` (``datetime64[us]``, midnight, unique, sorted);
- canonical ``daily`` columns in canonical units (``water_ml``, ``magnesium_mg``, ``exercise_min``,
  ``exercise_type``, ``steps``, ``sleep_h``, ...; see :func:`spasmlog.logformat.schemas.field_specs`),
  float64 for numbers; a missing value means the app recorded nothing that day (never zero);
- extra columns, clearly named, for what has no canonical column (``calcium_pct_dv_mfp``,
  ``stand_h``, ...);
- ``frame.attrs``: ``"source"`` (``"apple-health"``, ``"cronometer"``, ``"myfitnesspal"`` or
  ``"garmin"``), ``"files"`` (list of the files read, as strings), ``"notes"`` (list of sentences a
  person should read: what was converted, skipped or kept aside), and optionally ``"detail"``: a list
  of ``(date, column, detail)`` tuples saying where inside the export a value came from (for Apple
  Health, the device or app that recorded it). A list, not a DataFrame: pandas compares ``attrs`` when
  frames are concatenated or merged, and DataFrames cannot be compared that way. The symptom apps'
  readers (``"bearable"``, ``"visible"``, ``"flaredown"``, ``"generic"``) also give ``"interventions"``: the
  medicines and supplements taken, as dicts with the columns of the log format's ``interventions`` table;
  Flaredown's research export and a generic export of several people give ``"people"``: what the app says
  of each person (``person_id``, ``sex``, ``age``, ...). :func:`~spasmlog.importers.merge.merge_into` writes
  both to ``interventions.csv`` and ``people.csv``. Every reader gives ``"records"`` (the rows or records
  its files held) and ``"unreadable"`` (how many of them could not be read), so that an import that yields
  nothing can say why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spasmlog.importers.detection import detect
    from spasmlog.importers.registry import SOURCES, detail_records, read_export

__all__ = [
    "SOURCES",
    "detail_records",
    "detect",
    "read_apple_health",
    "read_bearable",
    "read_cronometer",
    "read_export",
    "read_flaredown",
    "read_garmin",
    "read_generic",
    "read_myfitnesspal",
    "read_visible",
]

_READERS = {
    "read_apple_health": "apple-health",
    "read_cronometer": "cronometer",
    "read_myfitnesspal": "myfitnesspal",
    "read_garmin": "garmin",
    "read_bearable": "bearable",
    "read_visible": "visible",
    "read_flaredown": "flaredown",
    "read_generic": "generic",
}


def __getattr__(name: str) -> Any:
    """Every public name, imported when first used (the readers' modules only when asked for)."""
    if name in _READERS:
        from spasmlog.importers.registry import reader

        return reader(_READERS[name])
    if name == "detect":
        from spasmlog.importers.detection import detect

        return detect
    if name in ("SOURCES", "detail_records", "read_export"):
        from spasmlog.importers import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'spasmlog.importers' has no attribute {name!r}")
