"""The registry of export formats: which module reads each, and :func:`read_export`, which reads any of them.

Kept out of :mod:`spasmlog.importers` (whose ``__init__`` only re-exports, lazily) so that the readers,
:mod:`~spasmlog.importers.detection` and :mod:`~spasmlog.importers.merge` can import it without an import
cycle through the package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd

from spasmlog._checks import fail, one_of

__all__ = ["SOURCES", "detail_records", "read_export", "reader"]

SOURCES: dict[str, tuple[str, str]] = {
    "apple-health": ("spasmlog.importers.apple_health", "read_apple_health"),
    "cronometer": ("spasmlog.importers.cronometer", "read_cronometer"),
    "myfitnesspal": ("spasmlog.importers.myfitnesspal", "read_myfitnesspal"),
    "garmin": ("spasmlog.importers.garmin", "read_garmin"),
    "bearable": ("spasmlog.importers.bearable", "read_bearable"),
    "visible": ("spasmlog.importers.visible", "read_visible"),
    "flaredown": ("spasmlog.importers.flaredown", "read_flaredown"),
    "generic": ("spasmlog.importers.generic", "read_generic"),
}
"""The export formats spasmlog reads: name → (module, reader function)."""


def reader(source: str) -> Callable[..., pd.DataFrame]:
    """The reader function of an export format (its module is imported now, not before).

    Examples
    --------
    >>> reader("garmin").__name__
    'read_garmin'
    """
    module, name = SOURCES[one_of(source, "source", "read_export", SOURCES)]
    function: Callable[..., pd.DataFrame] = getattr(import_module(module), name)
    return function


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
    only what it left empty (the notes say so); the person's sex and birth year are the first file's that
    has them. ``options`` go to the reader (``source_priority=`` for
    Apple Health, ``dayfirst=`` for the CSV exports).
    """
    read = reader(source)
    if not paths:
        fail("read_export", "paths", paths, "at least one file")
    if source != "apple-health":
        return read(list(paths) if len(paths) > 1 else paths[0], **options)
    combined: pd.DataFrame | None = None
    files: list[str] = []
    notes: list[str] = []
    details: list[tuple[pd.Timestamp, str, str]] = []
    people: list[dict] = []  # the person's facts (the Health profile): the first export's that has them
    records = unreadable = 0
    for path in paths:
        frame = read(path, **options)
        facts = list(frame.attrs.get("people") or [])
        if facts and people and facts != people:
            notes.append(f"{path}: its Health profile says something else than an earlier export's, which is kept")
        people = people or facts
        records += int(frame.attrs.get("records", 0))
        unreadable += int(frame.attrs.get("unreadable", 0))
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
    result.attrs = {
        "source": source,
        "files": files,
        "notes": notes,
        "detail": details,
        "records": records,
        "unreadable": unreadable,
    }
    if people:
        result.attrs["people"] = people
    return result
