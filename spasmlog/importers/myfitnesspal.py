"""MyFitnessPal exports (Nutrition Summary, Exercise Summary) as an imported ``daily`` table.

MyFitnessPal (Premium → Export Data) e-mails a zip of three CSV files: ``Nutrition-Summary-*.csv`` (one
row per meal per day, or per food entry when it has a ``Time`` column), ``Exercise-Summary-*.csv`` and
``Measurement-Summary-*.csv``. Which file is which is read from its header row, never from its name.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import partial

import numpy as np
import pandas as pd

from spasmlog.errors import ImportFormatError, SpasmlogError
from spasmlog.importers._csv import (
    SHOWN,
    ExportFile,
    Notes,
    PathInput,
    Tally,
    build_table,
    combine,
    count,
    days,
    drop_rows,
    exercise_columns,
    exercise_type_from_name,
    export_files,
    files_failed,
    load_export,
    longer_than_a_day,
    normalise_header,
    numbers,
    read_or_skip,
    skipped_notes,
    split_unit,
    unit_factor,
    wrong_format,
)

__all__ = ["PercentDailyValueWarning", "read_myfitnesspal"]

SOURCE = "myfitnesspal"

MINERALS: dict[str, str] = {
    "sodium": "sodium_mg",
    "potassium": "potassium_mg",
    "magnesium": "magnesium_mg",
    "calcium": "calcium_mg",
}
"""Nutrients with a canonical column, when the header gives a mass unit (or, for sodium and potassium,
no unit: MyFitnessPal reports those two in mg)."""

MG_WITHOUT_UNIT = frozenset({"sodium", "potassium"})

PERCENT_DAILY_VALUE: dict[str, str] = {
    "calcium": "calcium_pct_dv_mfp",
    "iron": "iron_pct_dv_mfp",
    "vitamin a": "vitamin_a_pct_dv_mfp",
    "vitamin c": "vitamin_c_pct_dv_mfp",
}
"""Headers without a unit that MyFitnessPal fills with % of the daily value → the extra column kept."""

TRACKER_ROWS = re.compile(r"adjustment|\bsteps?\b|step count")
"""Exercise rows that carry a tracker's calorie adjustment and day's step count, not a workout."""


class PercentDailyValueWarning(UserWarning):
    """MyFitnessPal's ``Calcium``, ``Iron``, ``Vitamin A`` and ``Vitamin C`` are % of the daily value, not
    mg: they were kept aside in ``*_pct_dv_mfp`` columns, never converted into ``calcium_mg``."""


def export_kind(headers: Iterable[str]) -> str | None:
    """Which MyFitnessPal export a header row belongs to, from its normalised headers.

    One of ``"nutrition"``, ``"exercise"``, ``"measurement"``, or ``None``.

    Examples
    --------
    >>> export_kind(["date", "meal", "calories", "fat (g)", "sodium (mg)", "potassium", "note"])
    'nutrition'
    >>> export_kind(["date", "exercise", "type", "exercise calories", "exercise minutes", "steps"])
    'exercise'
    """
    h = set(headers)
    if {"date", "meal", "calories"} <= h:
        return "nutrition"
    if {"date", "exercise"} <= h and ({"exercise minutes", "exercise calories"} & h):
        return "exercise"
    if {"date", "weight"} <= h and not ({"meal", "exercise"} & h):
        return "measurement"
    return None


def _nutrition(export: ExportFile, notes: Notes, *, dayfirst: bool | None) -> tuple[dict[str, pd.Series], list[str]]:
    day = days(export, export.need("MyFitnessPal", "date"), notes, source="MyFitnessPal", dayfirst=dayfirst)
    columns: dict[str, pd.Series] = {}
    headers: dict[str, str] = {}
    for normal, header in export.headers.items():
        name, unit = split_unit(normal)
        if name in PERCENT_DAILY_VALUE and unit is None:
            column, factor = PERCENT_DAILY_VALUE[name], 1.0
        elif name in MINERALS:
            column = MINERALS[name]
            mass = unit_factor(unit, "milligram", default="mg" if name in MG_WITHOUT_UNIT else None)
            if mass is None:
                notes.add(f"{export.label}: the column {header!r} was not imported: its unit is not a mass.")
                continue
            factor = mass
        else:
            continue
        if column in columns:
            raise ImportFormatError(
                f"{export.label}: the columns {headers[column]!r} and {header!r} both hold {name}; spasmlog "
                "cannot tell which to use. Remove one of them and import again.",
                file=export.label,
                column=header,
            )
        columns[column], headers[column] = numbers(export, header, notes) * factor, header
    if not columns:
        notes.add(f"{export.label}: no column of this nutrition summary has a place in the spasm log.")
        return {}, []
    values = pd.DataFrame(columns)
    rows = day.notna()
    per_day = values[rows].groupby(day[rows]).sum(min_count=1)
    # MyFitnessPal writes 0 for a nutrient a food entry does not list: a day adding up to exactly 0 was not
    # recorded, not a day without sodium.
    zero = per_day == 0
    if zero.any().any():
        notes.add(
            f"{export.label}: a nutrient adding up to exactly 0 on a day was taken as not recorded "
            f"({count(int(zero.sum().sum()), 'value')} on {count(int(zero.any(axis=1).sum()), 'day')}); "
            "MyFitnessPal writes 0 when a food does not list a nutrient."
        )
        per_day = per_day.where(~zero)
    notes.add(
        f"{export.label}: the meals of each day were added up. MyFitnessPal writes 0 for a nutrient a food does "
        "not list, so a day's sodium or potassium can be lower than eaten."
    )
    percent = [c for c in per_day.columns if c.endswith("_pct_dv_mfp")]
    if percent:
        notes.add(
            f"MyFitnessPal's {', '.join(headers[c] for c in percent)} are % of the daily value, not mg: kept "
            f"aside as {', '.join(percent)} (summed over meals), never converted into calcium_mg. "
            "MyFitnessPal has no magnesium column."
        )
    return {c: per_day[c] for c in per_day.columns}, [headers[c] for c in percent]


def _strip_quotes(name: str) -> str:
    """One balanced layer of literal quotes, as recent exports write names: ``"Walking, brisk"``."""
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].strip()
    return name


def _exact_duplicates(export: ExportFile, notes: Notes) -> ExportFile:
    """The exercise export with each exact duplicate row (every cell equal) counted once, and a note saying
    how many were collapsed: a sync bug repeats entries, up to dozens of copies of one walk a day."""
    repeated = export.frame.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return export
    copies = export.frame.groupby(list(export.frame.columns), sort=False, dropna=False).size()
    most = copies.idxmax()
    first = dict(zip(export.frame.columns, most if isinstance(most, tuple) else (most,), strict=True))
    date = first.get(export.column("date") or "", "")
    name = _strip_quotes(str(first.get(export.column("exercise") or "", "")))
    notes.add(
        f"{export.label}: {int(repeated.sum()):,} exact duplicate exercise "
        f"{'row' if int(repeated.sum()) == 1 else 'rows'} (same date, exercise, minutes, calories and time: every "
        f"column equal) counted once; the most copies of one entry: {int(copies.max())} of {name!r} on {date}. "
        "Entries that differ in any value are kept as separate entries."
    )
    return drop_rows(export, repeated)


def _exercise(export: ExportFile, notes: Notes, *, dayfirst: bool | None) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    export = _exact_duplicates(export, notes)
    day = days(export, export.need("MyFitnessPal", "date"), notes, source="MyFitnessPal", dayfirst=dayfirst)
    names = export.frame[export.need("MyFitnessPal", "exercise")].astype("str").map(_strip_quotes)
    type_header = export.column("type")
    types = (
        export.frame[type_header].astype("str").map(normalise_header) if type_header else pd.Series("", index=day.index)
    )
    minutes_header = export.column("exercise minutes")
    minutes = numbers(export, minutes_header, notes) if minutes_header else pd.Series(float("nan"), index=day.index)
    tracker = names.map(normalise_header).str.contains(TRACKER_ROWS)
    columns: dict[str, pd.Series] = {}
    steps_header = export.column("steps")
    if steps_header is not None:
        steps = numbers(export, steps_header, notes)
        from_tracker = tracker & steps.notna() & day.notna()
        if from_tracker.any():
            columns["steps"] = steps[from_tracker].groupby(day[from_tracker]).max()
            notes.add(
                f"{export.label}: steps are the day's count that a tracker sent with its calorie adjustment (the "
                "largest when a day has several)."
            )
        elsewhere = ~tracker & steps.notna()
        if elsewhere.any():
            notes.add(
                f"{export.label}: steps of {count(int(elsewhere.sum()), 'single exercise')} count only that "
                "exercise, not the day, and were not imported."
            )
    if tracker.any():
        notes.add(
            f"{export.label}: {count(int(tracker.sum()), 'tracker calorie adjustment')} (not deliberate exercise) "
            "left out of exercise_min and exercise_type."
        )
    keep = (~tracker).to_numpy()
    # One entry longer than a day (a stopwatch left running) is refused alone, named with its rule: the day's
    # other entries, their minutes and their type are kept.
    keep = keep & ~longer_than_a_day(export, day.where(~tracker), minutes, names, notes, what="exercise")
    kinds = pd.Series(
        [
            "strength" if kind == "strength" else exercise_type_from_name(name)
            for kind, name in zip(types, names, strict=True)
        ],
        index=names.index,
        dtype="str",
    )
    exercise, detail = exercise_columns(
        day[keep], minutes[keep], names[keep], kinds[keep], what="MyFitnessPal exercise", notes=notes
    )
    columns.update(exercise)
    without = exercise["exercise_min"].isna()
    if without.any():
        notes.add(
            f"{export.label}: {count(int(without.sum()), 'day')} with exercise but no minutes (MyFitnessPal leaves "
            "minutes empty on strength entries): exercise_type is set, exercise_min stays empty."
        )
    notes.add(
        "MyFitnessPal exercise: exercise_min is the sum of a day's minutes; exercise_type is that of the day's "
        "longest entry ('strength' for Strength entries, else read from the exercise's name, 'other' when the "
        "name says nothing spasmlog knows)."
    )
    return columns, detail


_TEXT_COLUMNS = frozenset({"date", "meal", "time", "note", "exercise", "type"})
"""Columns of the summaries that hold text; every other column holds numbers."""


def _not_mfp(export: ExportFile) -> ImportFormatError:
    return wrong_format(
        export,
        "MyFitnessPal",
        "a Nutrition Summary (Date, Meal, Calories, ..., Sodium (mg), Potassium, ...) or an Exercise "
        "Summary (Date, Exercise, Type, Exercise Calories, Exercise Minutes, ...)",
    )


def _nothing_used(export: ExportFile) -> ImportFormatError:
    """The one-line answer for a measurement export imported alone: it is MyFitnessPal's, and holds nothing
    spasmlog uses."""
    held = [h for n, h in export.headers.items() if n != "date"]
    return ImportFormatError(
        f"{export.label} is a MyFitnessPal measurement export: it holds only {', '.join(held[:4]) or 'weight'}, "
        "which spasmlog does not use; import the Nutrition or Exercise Summary of the same export instead.",
        file=export.label,
    )


def _without_broken_rows(export: ExportFile, kind: str, notes: Notes) -> ExportFile:
    """Say what :func:`~spasmlog.importers._csv.recover_rows` repaired and could not read, and leave out
    the repaired rows whose number cells still do not read as numbers (the extra cells came from an unquoted
    comma somewhere else than the note: their values would be shifted into the wrong columns)."""
    unreadable = list(export.unreadable)
    if export.recovered:
        numeric = [h for n, h in export.headers.items() if n not in _TEXT_COLUMNS]
        repaired = np.isin(export.lines, export.recovered)
        shifted = np.zeros(len(export.frame), dtype=bool)
        for header in numeric:
            cells = export.frame[header].astype("str").str.strip().str.replace(r"^'", "", regex=True)
            readable = cells.eq("") | cells.eq("--") | cells.str.fullmatch(r"-?[\d.,]+")
            shifted |= repaired & ~readable.to_numpy()
        unreadable += [
            (int(line), "its cells do not line up with the header (an unquoted comma before the Note)")
            for line in export.lines[shifted]
        ]
        export = drop_rows(export, shifted)
        kept = set(export.lines.tolist())
        fixed = [line for line in export.recovered if line in kept]
        if fixed:
            where = ("line " if len(fixed) == 1 else "lines ") + ", ".join(str(line) for line in fixed[:SHOWN])
            where += f" and {len(fixed) - SHOWN} more" if len(fixed) > SHOWN else ""
            notes.add(
                f"{export.label}: the Note of {count(len(fixed), 'row')} ({where}) held commas or line breaks "
                "without quotes; the rest of the line and the lines below it were read as that Note."
            )
    if unreadable:
        unreadable.sort()
        listed = "; ".join(f"line {line}: {why}" for line, why in unreadable[:SHOWN])
        more = f"; and {len(unreadable) - SHOWN} more" if len(unreadable) > SHOWN else ""
        one = len(unreadable) == 1
        notes.add(
            f"{export.label}: {count(len(unreadable), 'row')} could not be read and {'was' if one else 'were'} not "
            f"imported ({listed}{more}). Fix {'it' if one else 'them'} in a text editor and import the file again."
        )
    return export


def read_myfitnesspal(path: PathInput, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read MyFitnessPal exports into one imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        The zip MyFitnessPal e-mailed, a ``Nutrition-Summary`` or ``Exercise-Summary`` CSV, a folder
        holding them, or a list of any of these. Which file is which is read from its header row.
    dayfirst : bool, optional
        How to read dates like ``03/04/2026`` that a spreadsheet re-saved, when the column itself does
        not tell. By default such dates are an error.

    Returns
    -------
    pandas.DataFrame
        One row per day with ``date`` and the columns below, as described in :mod:`spasmlog.importers`.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When no file could be read (one file alone: its own reason; several: each one's), a folder or zip
        holds no MyFitnessPal summary, or a measurement export (weight) is imported alone: it holds nothing
        spasmlog uses.

    Warns
    -----
    PercentDailyValueWarning
        When the nutrition summary has ``Calcium``, ``Iron``, ``Vitamin A`` or ``Vitamin C`` columns:
        they are % of the daily value and were kept aside, not converted.

    Notes
    -----
    Nutrition Summary (``Date, Meal, [Time,] Calories, ..., Sodium (mg), Potassium, ..., Vitamin A,
    Vitamin C, Calcium, Iron, [Note]``): the rows of a day (meals, or food entries) are added up.

    - ``Sodium (mg)`` → ``sodium_mg``; ``Potassium`` (no unit in the header; MyFitnessPal reports mg)
      → ``potassium_mg``. A day adding up to exactly 0 is taken as not recorded: MyFitnessPal writes 0
      for a nutrient a food entry does not list.
    - ``Calcium``, ``Iron``, ``Vitamin A``, ``Vitamin C`` are **% of the daily value**, not mg. They are
      kept aside as ``calcium_pct_dv_mfp``, ``iron_pct_dv_mfp``, ``vitamin_a_pct_dv_mfp`` and
      ``vitamin_c_pct_dv_mfp`` (summed over the day), never converted into ``calcium_mg`` (the daily
      value behind the percentages is not in the file and has changed over the years); a
      :class:`PercentDailyValueWarning` says so. A header with a mass unit (``Calcium (mg)``) is read
      as mg.
    - MyFitnessPal has no magnesium, water or caffeine column; calories and macronutrients have no
      place in the spasm log and are left out.

    Exercise Summary (``Date, Exercise, Type, Exercise Calories, Exercise Minutes, Sets, Reps Per Set,
    Kilograms|Pounds, Steps, Note``): ``exercise_min`` is the sum of the day's minutes;
    ``exercise_type`` is that of the day's longest entry: ``strength`` for ``Type`` Strength, otherwise
    read from the exercise's name (``other`` when not recognised). Strength entries have no minutes: a
    day with only those has ``exercise_type`` but no ``exercise_min``. Rows a tracker adds (``Health
    Connect calorie adjustment``, ``MFP iOS calorie adjustment``) are not exercise; their ``Steps`` are
    the day's step count → ``steps`` (steps on other rows count one exercise and are left out). One entry
    longer than a day (``exercise_min`` over 1,440, a stopwatch left running) is refused alone and named in
    the notes with its rule; the day's other entries give its minutes and type.

    Exact duplicate exercise rows (every column equal: same date, exercise, minutes, calories and
    time), which a sync bug writes by the dozen, are one entry; the notes say how many were collapsed.
    Entries that differ in any value are separate entries (two walks).

    A ``Note`` written without quotes (commas, line breaks inside) does not stop the file: a row begins
    on a line whose first cell is a date, other lines continue the note above them, and cells
    beyond the header's count are joined back into the note (the last column). Rows that still cannot
    be placed (too few cells, or number cells that are not numbers after the repair, when the comma was
    elsewhere) are listed in the notes with their line and left out. A file that cannot be read at all
    is reported in the notes and the other files of the import are read; the import fails only when no
    file could be read.

    The measurement summary (weight) has no place in the daily table and is skipped. UTF-8 with or
    without BOM, CRLF or LF, and names wrapped in literal quotes are all read.

    Examples
    --------
    >>> import tempfile, pathlib, warnings
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "Nutrition-Summary.csv"
    >>> _ = path.write_bytes(
    ...     b"\\xef\\xbb\\xbfDate,Meal,Calories,Sodium (mg),Potassium,Calcium,Iron,Note\\r\\n"
    ...     b"2026-01-27,Breakfast,400,300,250,10,5,\\r\\n"
    ...     b"2026-01-27,Dinner,600,900.5,,20,3,\\r\\n"
    ... )
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", PercentDailyValueWarning)
    ...     table = read_myfitnesspal(path)
    >>> table[["sodium_mg", "potassium_mg", "calcium_pct_dv_mfp"]]
       sodium_mg  potassium_mg  calcium_pct_dv_mfp
    0     1200.5         250.0                30.0
    """
    notes = Notes()
    parts: list[tuple[str, dict[str, pd.Series]]] = []
    details: list[pd.DataFrame] = []
    files: list[str] = []
    percent: list[str] = []  # the % DV headers found, as written in the files
    failures: list[tuple[str, SpasmlogError]] = []  # files that could not be read, and why
    tally = Tally()
    with export_files(path, source="MyFitnessPal") as found:
        exports: list[ExportFile] = []
        for file, label, _ in found:
            loaded = read_or_skip(failures, label, partial(load_export, file, label, free_text_last=True))
            if loaded is not None:
                exports.append(loaded)
    alone = len(exports) + len(failures) == 1
    for export in exports:
        kind = export_kind(export.headers)
        if kind is None:
            failures.append((export.label, _not_mfp(export)))
            continue
        if kind == "measurement":
            if alone:
                raise _nothing_used(export)
            notes.add(f"{export.label}: MyFitnessPal's measurement summary has no place in the daily table; skipped.")
            continue
        read = read_or_skip(failures, export.label, partial(_read, export, kind, notes, dayfirst))
        if read is None:
            continue
        columns, headers, detail = read
        percent += [h for h in headers if h not in percent]
        if detail is not None:
            details.append(detail)
        tally.add(export)
        parts.append((export.label, columns))
        files.append(export.label)
    if alone or not parts:
        files_failed(path, "MyFitnessPal", failures, alone=alone)
    skipped_notes(notes, failures)
    if not parts:
        raise ImportFormatError(
            f"No MyFitnessPal nutrition or exercise summary was found in {path}.",
            file=str(path),
        )
    if percent:
        listed = ", ".join(percent[:-1]) + " and " + percent[-1] if len(percent) > 1 else percent[0]
        warnings.warn(
            f"MyFitnessPal's {listed} {'are' if len(percent) > 1 else 'is'} % of the daily value, not mg: "
            "kept aside in *_pct_dv_mfp columns and not converted into mg.",
            PercentDailyValueWarning,
            stacklevel=2,
        )
    combined_detail = pd.concat(details, ignore_index=True) if details else None
    table = build_table(
        combine(parts, notes), source=SOURCE, files=files, notes=notes.finished(), detail=combined_detail
    )
    return tally.stamp(table, notes)


def _read(
    export: ExportFile, kind: str, notes: Notes, dayfirst: bool | None
) -> tuple[dict[str, pd.Series], list[str], pd.DataFrame | None]:
    """The per-day columns of one MyFitnessPal summary of ``kind``, its % DV headers, and where its
    exercise values came from (or ``None``). Rows that could not be read are left out and counted in the
    notes (:attr:`~spasmlog.importers._csv.Notes.skipped_rows`)."""
    rows = len(export.frame)
    export = _without_broken_rows(export, kind, notes)
    notes.skipped_rows += rows - len(export.frame)
    if kind == "nutrition":
        columns, headers = _nutrition(export, notes, dayfirst=dayfirst)
        return columns, headers, None
    columns, detail = _exercise(export, notes, dayfirst=dayfirst)
    return columns, [], detail
