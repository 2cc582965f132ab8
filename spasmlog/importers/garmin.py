"""Garmin Connect ``Activities.csv`` as an imported ``daily`` table.

Garmin Connect (Activities → All Activities → Export CSV) writes one row per recorded activity, with
headers in the language of the account. Its columns are placed by a header dictionary of the languages
Garmin Connect offers (:mod:`spasmlog.importers.garmin_words`, the one place of those words), and, for a
language the dictionary lacks, by the shape of the values (:func:`place_by_shape`): never by the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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
    longer_than_a_day,
    normalise_header,
    wrong_format,
)
from spasmlog.importers.garmin_words import ACTIVITY_TYPES, HEADER_WORDS, LANGUAGES, ROLES
from spasmlog.io.parsing import parse_duration, parse_number

__all__ = ["looks_like_activities", "place_by_shape", "read_garmin"]

SOURCE = "garmin"

# role -> normalised header -> the languages that write it (from garmin_words, the one place of the words)
_WORDS: dict[str, dict[str, list[str]]] = {role: {} for role in ROLES}
for _tongue, _roles in HEADER_WORDS.items():
    for _role, _words in _roles.items():
        for _word in _words:
            _WORDS[_role].setdefault(normalise_header(_word), []).append(_tongue)

HEADERS: dict[str, tuple[str, ...]] = {role: tuple(words) for role, words in _WORDS.items()}
"""Garmin Connect's headers per role, normalised (lower case, no accents), in every language of
:data:`~spasmlog.importers.garmin_words.HEADER_WORDS`."""

_TYPE_OF: dict[str, str] = {
    normalise_header(name): kind for names in ACTIVITY_TYPES.values() for name, kind in names.items()
}

_DATETIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_DURATION = re.compile(r"'?\d{1,3}:\d{2}:\d{2}([.,]\d+)?")
_NOTHING = {"", "--", "nan", "none"}
_SHAPE_ROWS = 200  # rows looked at to tell columns by the shape of their values

STEPS_COLUMN = "activity_steps_garmin"
"""Extra column: steps taken during the day's recorded activities (not the day's step count)."""


def _language(headers: Iterable[str]) -> str | None:
    """The language most of the (normalised) headers are written in, or ``None`` when no header is known."""
    votes: dict[str, int] = {}
    for header in headers:
        for words in _WORDS.values():
            for language in words.get(header, ()):
                votes[language] = votes.get(language, 0) + 1
    if not votes:
        return None
    best = max(votes.values())
    return next(language for language in LANGUAGES if votes.get(language) == best)


def export_kind(headers: Iterable[str], *, strict: bool = False) -> str | None:
    """``"activities"`` when a header row is Garmin Connect's ``Activities.csv`` (any known language).

    ``strict`` (for detection among all formats) also asks for a duration column and the activity type
    first, as Garmin writes it, so that a person's own table with an "Activity type" column is not taken
    for a Garmin export. A file whose headers are in an unknown language is told by its values instead:
    :func:`place_by_shape`.

    Examples
    --------
    >>> export_kind(["aktivitatstyp", "datum", "favorit", "titel", "distanz", "zeit"])
    'activities'
    >>> export_kind(["tipo de atividade", "data", "titulo", "distancia", "tempo total"], strict=True)
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


def _all_match(cells: Sequence[str], pattern: re.Pattern[str]) -> bool:
    values = [str(c).strip() for c in cells if str(c).strip().lower() not in _NOTHING]
    return bool(values) and all(pattern.fullmatch(v) for v in values)


def place_by_shape(columns: Sequence[Sequence[str]]) -> dict[str, int] | None:
    """Where the activity type, date and time are, told by the values alone (any language), or ``None``.

    ``columns`` holds each column's cells as text, in the file's order. Garmin Connect writes the activity
    type first, the start date-time second (``2024-03-05 07:12:44``), and the activity's time as the first
    ``hh:mm:ss`` column after it (moving and elapsed time come later; paces are ``m:ss``). Only a file with
    exactly that shape is placed: four columns or more, text in the first column, a date-time in every cell
    of the second, and a column of ``hh:mm:ss`` durations.

    Returns
    -------
    dict or None
        ``{"activity type": 0, "date": 1, "time": k}``: column positions.

    Examples
    --------
    >>> place_by_shape([["Futás", "Jóga"], ["2024-03-05 07:12:44", "2024-03-06 18:00:00"], ["false", "false"],
    ...                 ["4:58", "--"], ["00:31:40", "01:00:00"]])
    {'activity type': 0, 'date': 1, 'time': 4}
    >>> place_by_shape([["monday"], ["cramp"], ["x"], ["00:10:00"]]) is None
    True
    """
    if len(columns) < 4:  # Garmin writes a dozen columns or more; three would fit many a person's own table
        return None
    names = [str(c).strip() for c in columns[0] if str(c).strip().lower() not in _NOTHING]
    if not names or any(_DATETIME.fullmatch(n) or re.fullmatch(r"[\d.,:'-]+", n) for n in names):
        return None
    if not _all_match(columns[1], _DATETIME):
        return None
    for position in range(2, len(columns)):
        if _all_match(columns[position], _DURATION):
            return {"activity type": 0, "date": 1, "time": position}
    return None


def looks_like_activities(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bool:
    """Whether a CSV file's header row and first rows are Garmin Connect's ``Activities.csv``: by its headers
    (:func:`export_kind`, strict), else by the shape of its values (:func:`place_by_shape`) when the headers
    are in a language spasmlog does not know.

    Examples
    --------
    >>> headers = ["Tegevuse tüüp", "Kuupäev", "Pealkiri", "Aeg"]
    >>> looks_like_activities(headers, [["Jooksmine", "2024-03-05 07:12:44", "Hommik", "00:31:40"]])
    True
    """
    if export_kind([normalise_header(h) for h in headers], strict=True):
        return True
    rows = [row for row in rows[:_SHAPE_ROWS] if len(row) == len(headers)]
    if not rows:
        return False
    return place_by_shape([[row[i] for row in rows] for i in range(len(headers))]) is not None


def _durations(export: ExportFile, header: str, notes: Notes) -> pd.Series:
    """Minutes from ``00:20:33``, ``00:09:18.8``, ``1:02:03``, ``30:00,75`` (a decimal comma); ``--`` missing."""
    cells = export.frame[header].astype("str").str.strip().str.lstrip("'")  # Excel's text-protection apostrophe
    cells = cells.str.replace(r"^(\d+(?::\d{1,2}){1,2}),(\d+)$", r"\1.\2", regex=True)
    parsed = parse_duration(cells)
    notes.cells(export, header, parsed)
    return parsed.values.astype("float64") / 60.0


def _counts(export: ExportFile, header: str, notes: Notes) -> pd.Series:
    """Whole counts (steps) with thousands written in any language's way: ``4,808``, ``4.808``, ``4 808``.

    A count has no decimals, so ``4.808`` steps (a Danish or German export) is 4808, whatever the file's
    decimal mark; other cells are read as numbers (``--`` is missing, unreadable ones are reported).
    """
    cells = export.frame[header].astype("str").str.strip().str.lstrip("'")
    grouped = cells.str.fullmatch(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")
    cells = cells.where(~grouped, cells.str.replace(r"[.,\u00a0\u202f ]", "", regex=True))
    parsed = parse_number(cells, decimal_comma=export.decimal_comma)
    notes.cells(export, header, parsed)
    return parsed.values.astype("float64")


def _exercise_type(name: object) -> str:
    """``exercise_type`` of a Garmin activity-type name in any language of :data:`ACTIVITY_TYPES`, else by
    the shared word rules (English, German, French, Spanish)."""
    return _TYPE_OF.get(normalise_header(name)) or exercise_type_from_name(name)


def _listing(headers: Sequence[str], most: int = 8) -> str:
    shown = ", ".join(repr(h) for h in headers[:most])
    return shown + (f" and {len(headers) - most} more" if len(headers) > most else "")


def _place(export: ExportFile, notes: Notes) -> dict[str, str] | None:
    """Which column holds what (role → header as written): by the header dictionary, else by the shape of
    the values; ``None`` when neither tells that this is an activity list."""
    placed: dict[str, str] = {}
    for role in ROLES:
        header = export.column(*HEADERS[role])
        if header is not None:
            placed[role] = header
    language = _language(export.headers)
    written = [str(h) for h in export.frame.columns]
    durations = ("time", "moving time", "elapsed time")
    by_dictionary = "activity type" in placed and "date" in placed
    if by_dictionary and any(role in placed for role in durations):
        if language not in (None, "English"):
            notes.add(f"{export.label}: Garmin Connect headers in {language}.")
        return placed
    sample = export.frame.head(_SHAPE_ROWS).astype("str")
    shape = place_by_shape([sample[c].tolist() for c in sample.columns])
    if by_dictionary:
        if shape is not None:
            placed["time"] = written[shape["time"]]
            notes.add(
                f"{export.label}: no header names the activity's time; {placed['time']!r} was read as it, by the "
                "shape of its values (hh:mm:ss)."
            )
        return placed
    if shape is None:
        return None
    placed.update({role: written[position] for role, position in shape.items()})
    taken = set(placed.values())
    unplaced = [h for h in written if h not in taken]
    known = f" (some are {language})" if language else ""
    notes.add(
        f"{export.label}: the headers are in a language spasmlog does not know{known}; the columns were placed by "
        f"the shape of their values: activity type {placed['activity type']!r}, date {placed['date']!r}, time "
        f"{placed['time']!r}."
        + (f" Columns that could not be placed (not read): {_listing(unplaced)}." if unplaced else "")
    )
    return placed


def _activities(
    export: ExportFile, placed: dict[str, str], notes: Notes, *, dayfirst: bool | None
) -> tuple[dict[str, pd.Series], pd.DataFrame, int]:
    """The day's columns from one activity list, their detail, and how many activities had no readable date."""
    type_header = placed["activity type"]
    date_header = placed["date"]
    time_header = placed.get("time")
    if time_header is None:
        time_header = placed.get("moving time") or placed.get("elapsed time")
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
    kinds = names.map(_exercise_type)
    keep = ~longer_than_a_day(export, day, minutes, names, notes, what="Garmin activity")
    columns, detail = exercise_columns(
        day[keep], minutes[keep], names[keep], kinds[keep], what="Garmin activity", notes=notes
    )
    notes.add(
        "Garmin Connect: an activity counts on the day it started (Garmin's local time); exercise_min is the sum "
        "of the day's activity times; exercise_type is that of the day's longest activity, from its Activity Type "
        "('other' when the type is not one spasmlog knows)."
    )
    steps_header = placed.get("steps")
    if steps_header is not None:
        steps = _counts(export, steps_header, notes)
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
        notes.add(
            f"{count(int(unknown.sum()), 'activity', 'activities')} of a type read as 'other' (the name is kept in "
            f"provenance.csv): {listed}."
        )
    return columns, detail, int(day.isna().sum())


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
      ``Musculation``, ...) and Spanish (``Carrera``, ``Ciclismo``, ...) names are read too, and those of
      the other languages below.
      Stretching activities go to ``stretching_min`` instead.
    - ``Steps`` → extra column ``activity_steps_garmin`` (the sum over the day's activities), not
      ``steps``: they are the steps of recorded activities only, and would understate the day's count.
    - Quoted numbers with thousands separators (``"2,552"``) and ``--`` (nothing measured) are read;
      other columns (distance, heart rate, pace, calories, ...) are left out.
    - Headers: English (``Activity Type, Date, Time, Steps``), German (``Aktivitätstyp, Datum, Zeit,
      Schritte``), French (``Type d'activité, Date, Durée, Pas``), Spanish (``Tipo de actividad, Fecha,
      Tiempo, Pasos``), Portuguese (``Tipo de atividade, Data, Tempo total, Passos``), and the other
      languages of :data:`~spasmlog.importers.garmin_words.HEADER_WORDS` (Italian, Dutch, Danish,
      Norwegian, Swedish, Finnish, Polish, Czech, Slovak, Hungarian, Croatian, Slovenian, Romanian,
      Turkish, Greek, Russian, Ukrainian, Japanese, Chinese, Korean, Indonesian, Thai). The notes name
      the language.
    - Headers in another language: the activity type (first column), date (second, every cell a
      date-time such as ``2024-03-05 07:12:44``) and time (the first ``hh:mm:ss`` column) are placed by
      the shape of their values; the notes say so and name the columns that could not be placed (steps
      among them). A file that does not have that shape is refused.
    - Activity types in those languages (``Corrida``, ``Løb``, ``Futás``, ``ランニング``, ...) are mapped
      from :data:`~spasmlog.importers.garmin_words.ACTIVITY_TYPES`; a type spasmlog does not know is
      ``other``, and its name is given in the notes and kept as the detail of the day's value.
    - ``Steps`` are whole counts: ``4,808``, ``4.808`` and ``4 808`` are all 4808.

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
    records = unreadable = 0
    with export_files(path, source="Garmin Connect") as found:
        exports = [(load_export(file, label), named) for file, label, named in found]
    for export, named in exports:
        placed = _place(export, notes)
        if placed is None:
            if named or len(exports) == 1:
                raise wrong_format(
                    export,
                    "Garmin Connect",
                    "the activity list Activities.csv (Activity Type, Date, ..., Time, ...; or the same headers "
                    f"in one of the {len(LANGUAGES)} languages of Garmin Connect; or, in another language, the "
                    "activity type first, the date and time (2024-03-05 07:12:44) second and the activity's time "
                    "as hh:mm:ss)",
                )
            notes.add(f"{export.label} is not a Garmin Connect activity list and was skipped.")
            continue
        columns, detail, undated = _activities(export, placed, notes, dayfirst=dayfirst)
        records += len(export.frame)
        unreadable += undated
        parts.append((export.label, columns))
        details.append(detail)
        files.append(export.label)
    if not parts:
        raise ImportFormatError(
            f"No Garmin Connect activity list (Activities.csv) was found in {path}.", file=str(path)
        )
    table = build_table(
        combine(parts, notes),
        source=SOURCE,
        files=files,
        notes=notes.finished(),
        detail=pd.concat(details, ignore_index=True),
    )
    # How many activities the files held, and how many had no readable date (for "nothing imported" messages).
    table.attrs["records"] = records
    table.attrs["unreadable"] = unreadable
    return table
