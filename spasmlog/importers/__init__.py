"""Importers: app exports (Apple Health, Cronometer, MyFitnessPal, Garmin Connect) as ``daily`` tables.

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
  frames are concatenated or merged, and DataFrames cannot be compared that way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd

from spasmlog.importers.detection import detect

__all__ = [
    "SOURCES",
    "detail_records",
    "detect",
    "read_apple_health",
    "read_cronometer",
    "read_export",
    "read_garmin",
    "read_myfitnesspal",
]

SOURCES: dict[str, tuple[str, str]] = {
    "apple-health": ("spasmlog.importers.apple_health", "read_apple_health"),
    "cronometer": ("spasmlog.importers.cronometer", "read_cronometer"),
    "myfitnesspal": ("spasmlog.importers.myfitnesspal", "read_myfitnesspal"),
    "garmin": ("spasmlog.importers.garmin", "read_garmin"),
}
"""The export formats spasmlog reads: name → (module, reader function)."""


def _reader(source: str) -> Callable[..., pd.DataFrame]:
    if source not in SOURCES:
        raise ValueError(f"The 'source' parameter must be one of {tuple(SOURCES)}. Got {source!r} instead.")
    module, name = SOURCES[source]
    reader: Callable[..., pd.DataFrame] = getattr(import_module(module), name)
    return reader


def __getattr__(name: str) -> Any:
    """``spasmlog.importers.read_cronometer`` etc., imported when first used."""
    for source, (_, function) in SOURCES.items():
        if name == function:
            return _reader(source)
    raise AttributeError(f"module 'spasmlog.importers' has no attribute {name!r}")


def detail_records(frame: pd.DataFrame) -> list[tuple[pd.Timestamp, str, str]]:
    """``frame.attrs["detail"]`` as ``(date, column, detail)`` tuples (also from an older DataFrame form)."""
    detail = frame.attrs.get("detail")
    if detail is None:
        return []
    if isinstance(detail, pd.DataFrame):
        detail = list(detail[["date", "column", "detail"]].itertuples(index=False, name=None))
    return [(pd.Timestamp(date), str(column), str(text)) for date, column, text in detail]


def read_export(source: str, paths: Sequence[str | Path], **options: Any) -> pd.DataFrame:
    """Read one or several export files of one source into one imported daily table.

    Cronometer, MyFitnessPal and Garmin readers take all the files at once (so a daily summary and an
    exercises export complement each other, and food is never counted twice). Apple Health exports are
    read one by one; a day present in several of them keeps the first file's values, and later files fill
    only what it left empty (the notes say so). ``options`` go to the reader (``source_priority=`` for
    Apple Health, ``dayfirst=`` for the CSV exports).
    """
    reader = _reader(source)
    if not paths:
        raise ValueError("read_export needs at least one file.")
    if source != "apple-health":
        return reader(list(paths) if len(paths) > 1 else paths[0], **options)
    combined: pd.DataFrame | None = None
    files: list[str] = []
    notes: list[str] = []
    details: list[tuple[pd.Timestamp, str, str]] = []
    for path in paths:
        frame = reader(path, **options)
        files += [str(f) for f in frame.attrs.get("files", [path])]
        notes += [str(n) for n in frame.attrs.get("notes", [])]
        details += detail_records(frame)
        indexed = frame.set_index("date")
        indexed.attrs = {}
        if combined is None:
            combined = indexed
            continue
        overlap = combined.index.intersection(indexed.index)
        if len(overlap):
            notes.append(f"{len(overlap)} day(s) appear in several {source} exports: the first one's values are kept")
        combined = combined.combine_first(indexed)
    assert combined is not None  # paths is not empty
    result = combined.sort_index().reset_index()
    result.attrs = {"source": source, "files": files, "notes": notes, "detail": details}
    return result
