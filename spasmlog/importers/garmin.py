"""Garmin Connect ``Activities.csv`` as an imported ``daily`` table.

Garmin Connect (Activities → All Activities → Export CSV) writes one row per recorded activity, with
headers in the language of the account. The English, German, French and Spanish header sets are read;
which one a file uses is told by its header row, never by its name.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import (
    ExportFile,
    Notes,
    PathInput,
    build_table,
    combine,
    count,
    days,
    exercise_columns,
    exercise_type_from_name,
    export_files,
    is_stretching,
    load_export,
    numbers,
    wrong_format,
)
from spasmlog.io.parsing import parse_duration

__all__ = ["read_garmin"]

SOURCE = "garmin"

HEADERS: dict[str, tuple[str, ...]] = {
    "activity type": ("activity type", "aktivitatstyp", "type d'activite", "tipo de actividad"),
    "date": ("date", "datum", "fecha"),
    "time": ("time", "activity time", "zeit", "duree", "tiempo"),
    "moving time": ("moving time", "zeit in bewegung", "temps de deplacement", "tiempo en movimiento"),
    "elapsed time": ("elapsed time", "verstrichene zeit", "temps ecoule", "tiempo transcurrido"),
    "steps": ("steps", "schritte", "pas", "pasos"),
}
"""Garmin Connect's headers (normalised: lower case, no accents) in English, German, French and Spanish."""

STEPS_COLUMN = "activity_steps_garmin"
"""Extra column: steps taken during the day's recorded activities (not the day's step count)."""


def export_kind(headers: Iterable[str], *, strict: bool = False) -> str | None:
    """``"activities"`` when a header row is Garmin Connect's ``Activities.csv`` (any known language).

    ``strict`` (for detection among all formats) also asks for a duration column and the activity type
    first, as Garmin writes it, so that a person's own table with an "Activity type" column is not taken
    for a Garmin export.

    Examples
    --------
    >>> export_kind(["aktivitatstyp", "datum", "favorit", "titel", "distanz", "zeit"])
    'activities'
    >>> export_kind(["date", "meal", "calories"]) is None
    True
    """
    listed = list(headers)
    h = set(listed)
    if not (h & set(HEADERS["activity type"]) and h & set(HEADERS["date"])):
        return None
    if strict:
        durations = set(HEADERS["time"]) | set(HEADERS["moving time"]) | set(HEADERS["elapsed time"])
        if listed[0] not in HEADERS["activity type"] or not h & durations:
            return None
    return "activities"


def _durations(export: ExportFile, header: str, notes: Notes) -> pd.Series:
    """Minutes from ``00:20:33``, ``00:09:18.8``, ``1:02:03``, ``30:00,75`` (a decimal comma); ``--`` missing."""
    cells = export.frame[header].astype("str").str.strip().str.lstrip("'")  # Excel's text-protection apostrophe
    cells = cells.str.replace(r"^(\d+(?::\d{1,2}){1,2}),(\d+)$", r"\1.\2", regex=True)
    parsed = parse_duration(cells)
    notes.cells(export, header, parsed)
    return parsed.values.astype("float64") / 60.0


def _activities(
    export: ExportFile, notes: Notes, *, dayfirst: bool | None
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    type_header = export.need("Garmin Connect", *HEADERS["activity type"])
    date_header = export.need("Garmin Connect", *HEADERS["date"])
    time_header = export.column(*HEADERS["time"])
    if time_header is None:
        time_header = export.column(*HEADERS["moving time"], *HEADERS["elapsed time"])
        if time_header is None:
            raise ImportFormatError(
                f"{export.label}: the activities have no duration column ('Time', 'Moving Time' or 'Elapsed Time'), "
                "so there are no exercise minutes to import. Export the activity list again from Garmin Connect.",
                file=export.label,
                column="Time",
            )
        notes.add(f"{export.label}: there is no 'Time' column; the activities' {time_header!r} was used instead.")
    day = days(export, date_header, notes, source="Garmin Connect", dayfirst=dayfirst, with_time=True)
    names = export.frame[type_header].astype("str").str.strip()
    minutes = _durations(export, time_header, notes)
    kinds = names.map(exercise_type_from_name)
    columns, detail = exercise_columns(day, minutes, names, kinds, what="Garmin activity", notes=notes)
    notes.add(
        "Garmin Connect: an activity counts on the day it started (Garmin's local time); exercise_min is the sum "
        "of the day's activity times; exercise_type is that of the day's longest activity, from its Activity Type "
        "('other' when the type is not one spasmlog knows)."
    )
    steps_header = export.column(*HEADERS["steps"])
    if steps_header is not None:
        steps = numbers(export, steps_header, notes)
        rows = steps.notna() & day.notna()
        if rows.any():
            columns[STEPS_COLUMN] = steps[rows].groupby(day[rows]).sum()
            notes.add(
                f"Garmin's {steps_header!r} counts only the steps of recorded activities, not the day's: kept as "
                f"{STEPS_COLUMN}, not as steps."
            )
    unknown = (kinds == "other") & day.notna() & ~names.map(is_stretching).astype(bool)
    if unknown.any():
        listed = ", ".join(sorted(names[unknown].unique())[:5])
        notes.add(f"{count(int(unknown.sum()), 'activity', 'activities')} of a type read as 'other': {listed}.")
    return columns, detail


def read_garmin(path: PathInput, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read Garmin Connect's ``Activities.csv`` into an imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        ``Activities.csv`` as Garmin Connect exports it (any of its languages), a folder or zip holding
        such files, or a list of them.
    dayfirst : bool, optional
        How to read dates like ``03/04/2026 07:30`` that a spreadsheet re-saved, when the column itself
        does not tell. By default such dates are an error.

    Returns
    -------
    pandas.DataFrame
        One row per day with an activity: ``date``, ``exercise_min``, ``exercise_type``, and where the
        file has them ``stretching_min`` and ``activity_steps_garmin``; as described in
        :mod:`spasmlog.importers`. ``attrs["detail"]`` names the activity each ``exercise_type`` came from.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When a file is not Garmin Connect's activity list, or it has no duration column.

    Notes
    -----
    - ``Date`` (``2023-05-01 07:30:12``, local time without a zone; also as a spreadsheet re-saves it) →
      the local day the activity started on. An activity past midnight counts on the day it started.
    - ``Time`` (``00:20:33``, ``00:09:18.8``, ``1:02:03``; ``Moving Time`` or ``Elapsed Time`` when there
      is no ``Time``) → ``exercise_min``, the sum of the day's activities.
    - ``Activity Type`` of the day's longest activity → ``exercise_type``: Running, Treadmill Running,
      Trail Running → ``running``; Cycling, Indoor Cycling, Road Cycling, Mountain Biking → ``cycling``;
      Pool Swim, Open Water Swimming → ``swimming``; Walking, Hiking → ``walking``; Strength Training →
      ``strength``; Yoga, Pilates → ``yoga_pilates``; team sports → ``team_sport``; the rest → ``other``.
      German (``Laufen``, ``Radfahren``, ``Krafttraining``, ...), French (``Course à pied``,
      ``Musculation``, ...) and Spanish (``Carrera``, ``Ciclismo``, ...) names are read too.
      Stretching activities go to ``stretching_min`` instead.
    - ``Steps`` → extra column ``activity_steps_garmin`` (the sum over the day's activities), not
      ``steps``: they are the steps of recorded activities only, and would understate the day's count.
    - Quoted numbers with thousands separators (``"2,552"``) and ``--`` (nothing measured) are read;
      other columns (distance, heart rate, pace, calories, ...) are left out.
    - Headers: English (``Activity Type, Date, Time, Steps``), German (``Aktivitätstyp, Datum, Zeit,
      Schritte``), French (``Type d'activité, Date, Durée, Pas``), Spanish (``Tipo de actividad, Fecha,
      Tiempo, Pasos``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "Activities.csv"
    >>> _ = path.write_text(
    ...     "Activity Type,Date,Favorite,Title,Distance,Calories,Time,Avg HR,Steps\\n"
    ...     'Running,2026-01-27 07:30:12,false,"Morning Run","5.02","412","00:31:40","148","4,808"\\n'
    ...     'Strength Training,2026-01-27 18:00:00,false,"Gym","0.00","250","00:09:18.8","--","--"\\n'
    ... )
    >>> table = read_garmin(path)
    >>> table[["date", "exercise_type", "activity_steps_garmin"]]
            date exercise_type  activity_steps_garmin
    0 2026-01-27       running                 4808.0
    >>> round(float(table["exercise_min"].iloc[0]), 2)  # 31:40 + 9:18.8
    40.98
    """
    notes = Notes()
    parts: list[tuple[str, dict[str, pd.Series]]] = []
    details: list[pd.DataFrame] = []
    files: list[str] = []
    with export_files(path, source="Garmin Connect") as found:
        exports = [(load_export(file, label), named) for file, label, named in found]
    for export, named in exports:
        if export_kind(export.headers) is None:
            if named or len(exports) == 1:
                raise wrong_format(
                    export,
                    "Garmin Connect",
                    "the activity list Activities.csv (Activity Type, Date, ..., Time, ...; or the same headers "
                    "in German, French or Spanish)",
                )
            notes.add(f"{export.label} is not a Garmin Connect activity list and was skipped.")
            continue
        columns, detail = _activities(export, notes, dayfirst=dayfirst)
        parts.append((export.label, columns))
        details.append(detail)
        files.append(export.label)
    if not parts:
        raise ImportFormatError(
            f"No Garmin Connect activity list (Activities.csv) was found in {path}.", file=str(path)
        )
    return build_table(
        combine(parts, notes),
        source=SOURCE,
        files=files,
        notes=notes.finished(),
        detail=pd.concat(details, ignore_index=True),
    )
