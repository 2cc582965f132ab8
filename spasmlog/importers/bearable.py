"""Bearable CSV exports as an imported ``daily`` table.

Bearable (Settings → Export data) writes one long CSV file: one row per thing logged, with the columns
``date, weekday, time of day, category, rating/amount, detail, notes`` (exports before about 2023) or
``date, date formatted, weekday, time of day, category, rating/amount, detail, notes`` (later ones).
Which version a file is, and that it is a Bearable export, is read from its header row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import PathInput, build_table, count, export_files, normalise_header
from spasmlog.importers._symptom_apps import (
    Days,
    Doses,
    broken_note,
    detail_frame,
    extra_column,
    folded,
    interventions_note,
    listed,
    mineral,
    number,
    read_long,
    spasm_name,
    split_name,
)
from spasmlog.logformat.schemas import field_specs
from spasmlog.logformat.units import resolve_header

__all__ = ["read_bearable"]

SOURCE = "bearable"

REQUIRED = ("date", "category", "rating/amount", "detail")
"""Normalised headers every Bearable export has (``weekday``, ``time of day`` and ``notes`` too)."""

SEVERITIES = {"mild": 1, "moderate": 2, "severe": 3, "unbearable": 4}
"""Bearable's symptom severities and the number it writes for each in ``rating/amount``."""

_WORD_OF = {value: word.capitalize() for word, value in SEVERITIES.items()}
_NONE_WORDS = {"none", "no", "0"}
"""Severity words meaning the symptom was absent that day (``Leg cramps (None)``, rated 0)."""
_PARTS_OF_DAY = {"pre", "am", "mid", "pm", "all day"}
_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_ORDINAL = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)?\.?\s+([a-z]+)\.?,?\s+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
_ASLEEP = re.compile(r"asleep\s+(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")

_SYMPTOMS = {"symptom", "symptoms"}
_MEDS = {"meds/supplements", "meds & supplements", "meds and supplements", "medication", "medications", "meds"}
_MEDS |= {"supplements", "treatments"}
_TEXT = {"gratitudes", "gratitude", "notes", "note", "journal", "extra notes", "journal entry"}
_RATINGS = {"mood": "bearable_mood", "energy": "bearable_energy", "sleep quality": "bearable_sleep_quality"}
_UNPLACED = {
    "symptom": "Not imported, no column in the spasm log (symptoms): {}.",
    "emotion": "Not imported, no column in the spasm log (emotions of Mood rows): {}.",
    "dose": "Medicines or supplements with an empty amount (not recorded): {}.",
    "severity": "Cramp days whose severity is neither a Bearable word nor 1–4 (spasm_count is 1, the severity "
    "left empty): {}.",
}
_TOTALS = {"steps", "water_ml", "water_total_ml", "exercise_min", "stretching_min", "posture_breaks"}


def export_kind(headers: Iterable[str]) -> str | None:
    """``"bearable"`` when the normalised headers are those of a Bearable export, else ``None``.

    Examples
    --------
    >>> export_kind(["date", "weekday", "time of day", "category", "rating/amount", "detail", "notes"])
    'bearable'
    >>> export_kind(["date", "meal", "calories"]) is None
    True
    """
    return SOURCE if set(REQUIRED) <= set(headers) else None


@lru_cache(maxsize=8192)
def bearable_date(text: str) -> pd.Timestamp | None:
    """A Bearable date (``22nd Sep 2020``, ``1st Dec 2020``, or ISO ``2024-05-22``) as a day; ``None`` if
    it is not one.

    Examples
    --------
    >>> bearable_date("22nd Sep 2020"), bearable_date("2024-05-22")
    (Timestamp('2020-09-22 00:00:00'), Timestamp('2024-05-22 00:00:00'))
    >>> bearable_date("31st Feb 2021") is None
    True
    """
    value = normalise_header(text)
    match = _ORDINAL.fullmatch(value)
    try:
        if match is not None:
            month = _MONTHS.get(match.group(2)[:3])
            if month is None:
                return None
            return pd.Timestamp(int(match.group(3)), month, int(match.group(1)))
        match = _ISO.fullmatch(value)
        if match is not None:
            return pd.Timestamp(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 31st Feb
        return None
    return None


def _time_ok(text: str) -> bool:
    value = folded(text)
    if value in _PARTS_OF_DAY or not value:
        return True
    match = _CLOCK.fullmatch(value)
    return match is not None and int(match.group(1)) < 24 and int(match.group(2)) < 60


def _hours(amount: str, detail: str) -> float | None:
    """Sleep as Bearable writes it: ``7:45`` (h:mm) in the amount, else from ``Asleep 23:15 - 07:00``."""
    match = _CLOCK.fullmatch(amount.strip())
    if match is not None and int(match.group(2)) < 60:
        return int(match.group(1)) + int(match.group(2)) / 60
    if amount.strip():
        return None
    asleep = _ASLEEP.search(normalise_header(detail))
    if asleep is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in asleep.groups())
    minutes = (h2 * 60 + m2 - h1 * 60 - m1) % (24 * 60)
    return minutes / 60


def read_bearable(path: PathInput, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read a Bearable CSV export into one imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        The CSV file Bearable exported (or a folder or zip holding it, or several of them).
    dayfirst : bool, optional
        Not used: Bearable's dates (``22nd Sep 2020``) are never ambiguous. Accepted so that every
        importer is called the same way.

    Returns
    -------
    pandas.DataFrame
        One row per day, as described in :mod:`spasmlog.importers`. ``frame.attrs["interventions"]`` lists
        the medicines and supplements taken, as rows of the log format's ``interventions`` table (``name``,
        ``kind``, ``start``, ``end``, ``dose``, ``notes``).

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When a file is not a Bearable export, or no row of it has a readable date.

    Notes
    -----
    Rows are mapped by their ``category``:

    - **Symptom** (``Leg cramps (Severe)``; the severity is the last bracket: Mild, Moderate, Severe or
      Unbearable, which Bearable also writes as 1–4 in ``rating/amount``). A symptom whose name means cramps
      or spasms in any language of the log format (:func:`~spasmlog.logformat.vocabulary.is_spasm_symptom`:
      ``Muscle cramps``, ``Wadenkrämpfe``) makes the day a spasm day. Bearable records a severity, not a
      number of spasms, so ``spasm_count`` is **1** on such a day (at least one spasm, whatever the severity
      and however many parts of the day list it), **0** on a day it is rated ``None`` or 0 (no spasm), and
      **0** on a day with other symptoms logged but none of
      these (the symptom check-in was done and cramps were not ticked), from the first day a cramp symptom
      appears on (before it, cramps may not have been among the symptoms the person tracked); a day without
      any symptom row, or before that first day, has no ``spasm_count`` (not recorded). The day's
      worst severity is kept in ``bearable_spasm_severity`` as Bearable's own word and number
      (``Severe (3)``), never rescaled to the 0–10 intensity scale. Other symptoms have no column in the
      spasm log; their names are listed in the notes.
    - **Meds/Supplements** (``Magnesium (mg)`` with the dose in ``rating/amount``): each becomes an
      extra column of the day's total dose (``bearable_ibuprofen_mg``); an amount of 0 ("not taken") is 0,
      an empty amount is not recorded. Magnesium, calcium, potassium and sodium in a mass unit go to
      ``magnesium_mg`` ... (the supplement only: Bearable knows nothing of food). Every one taken becomes
      an intervention in ``attrs["interventions"]`` (``supplement`` for vitamins, minerals and the like,
      otherwise ``medication``).
    - **Factors** and **Food Diary factors** (``Sedentary | With family``, pipe-separated, several rows a
      day): each factor is a yes/no column ``bearable_<name>``, yes on the days it is listed and no on the
      other days on which that kind of factors was logged.
    - **Sleep** (``7:45`` hours:minutes, detail ``Asleep 23:15 - 07:00``) → ``sleep_h`` (the night's
      length from the ``Asleep`` times when the amount is empty; several a day are added up).
      **Sleep quality**, **Mood** and **Energy** ratings → ``bearable_sleep_quality``, ``bearable_mood``,
      ``bearable_energy`` (Bearable's scales; the mean when several are logged a day).
    - **Health measurements** (``Step count (steps)``) → the log format's column when it has one
      (``steps``, ``water_ml``; added up over the day), else ``bearable_<name>_<unit>`` (the day's mean).
    - The ``notes`` cell of any row, and **Gratitudes** and journal entries, go to ``notes``.

    Anything else (an unknown category, a symptom or emotion with no column) is named in
    ``attrs["notes"]``, with how many rows it had. Rows repeated exactly are read once (the notes say how
    many). A row that cannot be read (wrong number of cells, unreadable date or amount) is reported with its
    line and skipped; the rest of the file is read. UTF-8 with or without BOM, UTF-16, CRLF or LF.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bearable-export.csv"
    >>> _ = path.write_text(
    ...     "date,weekday,time of day,category,rating/amount,detail,notes\\n"
    ...     '"1st Mar 2026","Sunday","pm","Symptom","3","Leg cramps (Severe)",""\\n'
    ...     '"1st Mar 2026","Sunday","21:30","Meds/Supplements","300","Magnesium (mg)",""\\n'
    ...     '"2nd Mar 2026","Monday","am","Symptom","1","Headache (Mild)",""\\n'
    ... )
    >>> table = read_bearable(path)
    >>> table[["spasm_count", "magnesium_mg", "bearable_spasm_severity"]]
       spasm_count  magnesium_mg bearable_spasm_severity
    0          1.0         300.0              Severe (3)
    1          0.0           NaN                     NaN
    """
    del dayfirst  # Bearable's dates are never ambiguous
    days = Days()
    doses = Doses()
    notes: list[str] = []
    files: list[str] = []
    unplaced: dict[str, list[str]] = {}  # what could not be placed → names
    unknown: dict[str, int] = {}  # unknown categories → rows
    symptom_days: set[pd.Timestamp] = set()
    spasm_days: dict[pd.Timestamp, int] = {}  # day → worst severity number (0 when unknown)
    no_spasm_days: set[pd.Timestamp] = set()  # days a cramp symptom was rated None (0)
    factor_days: dict[str, set[pd.Timestamp]] = {}  # category → days it was logged
    factor_columns: dict[str, set[str]] = {}  # category → its factor columns
    bad_cells: list[str] = []
    odd_times: list[str] = []
    duplicates = 0
    seen: set[tuple[str, ...]] = set()  # (day, time, category, amount, detail, notes) read, in any file
    records = unreadable = 0
    with export_files(path, source="Bearable") as found:
        exports = [(read_long(file, label), named) for file, label, named in found]
    for export, named in exports:
        if export_kind(export.headers) is None:
            if (named or len(exports) == 1) and not any(export.headers):
                raise ImportFormatError(f"{export.label} is empty: there is no header row to read.", file=export.label)
            if named or len(exports) == 1:
                shown = ", ".join(export.headers[:7])
                raise ImportFormatError(
                    f"{export.label} is not a Bearable export: expected the columns date, weekday, time of day, "
                    f"category, rating/amount, detail, notes, but its header row is: {shown}. Export the data "
                    "again from Bearable, or run `spasmlog import --auto` to let spasmlog tell which app it "
                    "came from.",
                    file=export.label,
                )
            notes.append(f"{export.label} is not a Bearable export and was skipped.")
            continue
        files.append(export.label)
        records += len(export.rows) + len(export.broken)
        unreadable += len(export.broken)
        at = {name: export.index(name) for name in ("date", "date formatted", "time of day", "notes")}
        category_at, amount_at, detail_at = (export.index(n) for n in ("category", "rating/amount", "detail"))
        assert category_at is not None and amount_at is not None and detail_at is not None  # export_kind
        undated: list[str] = []
        if broken := broken_note(export.label, export.broken):
            notes.append(broken)
        if not export.rows and not export.broken:
            notes.append(f"{export.label} holds a header row and nothing else: there was nothing to import.")
        for row, line in zip(export.rows, export.lines, strict=True):
            day = None
            for name in ("date formatted", "date"):
                if at[name] is not None and day is None:
                    day = bearable_date(row[at[name]])  # type: ignore[index]
            if day is None:
                undated.append(f"line {line} ({row[at['date'] or 0]!r})")
                continue
            day = day.as_unit("us")
            time = row[at["time of day"]] if at["time of day"] is not None else ""
            amount, detail = row[amount_at], row[detail_at]
            text = row[at["notes"]] if at["notes"] is not None else ""
            key = (str(day), time, row[category_at], amount, detail, text)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            if not _time_ok(time):
                odd_times.append(f"line {line} ({time!r})")
            category = folded(row[category_at])
            if text:
                days.text("notes", day, f"{row[category_at]}: {text}")
            where = f"{export.label}:{line}"
            if category in _SYMPTOMS:
                symptom_days.add(day)
                name, word = split_name(detail)
                severity = SEVERITIES.get(folded(word or ""))
                rated = number(amount, export.decimal_comma)
                if not spasm_name(name):
                    unplaced.setdefault("symptom", []).append(name)
                    continue
                if folded(word or "") in _NONE_WORDS or (severity is None and rated == 0.0):
                    no_spasm_days.add(day)  # rated None (0): cramps tracked that day, and none came
                    days.detail.append((day, "spasm_count", f"Bearable {time or 'day'}: {detail!r} = {amount!r}"))
                    continue
                if severity is None:
                    severity = int(rated) if rated in (1.0, 2.0, 3.0, 4.0) else 0
                    if not severity:
                        unplaced.setdefault("severity", []).append(f"{detail} = {amount!r}")
                spasm_days[day] = max(spasm_days.get(day, 0), severity)
                days.detail.append((day, "spasm_count", f"Bearable {time or 'day'}: {detail!r}"))
            elif category in _MEDS:
                name, unit = split_name(detail)
                if not amount:
                    unplaced.setdefault("dose", []).append(name)
                    continue
                dose = number(amount, export.decimal_comma)
                if dose is None or dose < 0:
                    bad_cells.append(f"{where} rating/amount = {amount!r} ({name})")
                    continue
                intake = mineral(name, unit)
                column = intake[0] if intake else extra_column(SOURCE, name, unit)
                days.add(column, day, dose * (intake[1] if intake else 1.0))
                days.detail.append((day, column, f"Bearable {time or 'day'}: {amount} {detail!r}"))
                if dose > 0:
                    doses.add(name, day, dose, unit)
            elif "factor" in category:
                factor_days.setdefault(category, set()).add(day)
                for factor in (f.strip() for f in detail.split("|")):
                    if factor:
                        column = extra_column(SOURCE, factor)
                        factor_columns.setdefault(category, set()).add(column)
                        days.flag(column, day, True)
            elif category == "sleep":
                hours = _hours(amount, detail)
                if hours is None:
                    bad_cells.append(f"{where} rating/amount = {amount!r} (sleep)")
                    continue
                days.add("sleep_h", day, hours)
                days.detail.append((day, "sleep_h", f"Bearable: {amount or detail!r}"))
            elif category in _RATINGS:
                if not amount:
                    continue
                value = number(amount, export.decimal_comma)
                if value is None:
                    bad_cells.append(f"{where} rating/amount = {amount!r} ({row[category_at]})")
                    continue
                days.mean(_RATINGS[category], day, value)
                if category == "mood" and detail:
                    unplaced.setdefault("emotion", []).extend(e.strip() for e in detail.split("|") if e.strip())
            elif category in ("health measurements", "health measurement", "measurements"):
                value = number(amount, export.decimal_comma)
                if value is None:
                    bad_cells.append(f"{where} rating/amount = {amount!r} ({detail})")
                    continue
                match = resolve_header(detail, "daily")
                spec = field_specs("daily").get(match.field) if match is not None and match.problem is None else None
                if match is not None and spec is not None and spec.kind in ("number", "integer", "duration"):
                    column = match.field
                    if column in _TOTALS:
                        days.add(column, day, value * match.factor)
                    else:
                        days.mean(column, day, value * match.factor)
                else:
                    name, unit = split_name(detail)
                    column = extra_column(SOURCE, name, unit)
                    days.mean(column, day, value)
                days.detail.append((day, column, f"Bearable: {amount} {detail!r}"))
            elif category in _TEXT:
                if detail:
                    days.text("notes", day, f"{row[category_at]}: {detail}")
            else:
                label = row[category_at] or "(empty)"
                unknown[label] = unknown.get(label, 0) + 1
        unreadable += len(undated)
        if undated:
            more = f" and {len(undated) - 3} more" if len(undated) > 3 else ""
            notes.append(
                f"{export.label}: {count(len(undated), 'row')} without a readable date skipped: "
                + ", ".join(undated[:3])
                + more
                + "."
            )
        if export.rows and len(undated) == len(export.rows):
            raise ImportFormatError(
                f"{export.label}: no row has a readable date (the first is on line {export.lines[0]}). Export the "
                "data again from Bearable.",
                file=export.label,
            )
    if not files:
        raise ImportFormatError(f"No Bearable export was found in {path}.", file=str(path))

    columns = days.series()
    if spasm_days or no_spasm_days:
        # Before the first cramp entry (rated or None), cramps may not have been among the symptoms tracked.
        first = min([*spasm_days, *no_spasm_days])
        outcome_days = sorted(d for d in symptom_days if d >= first)
        columns["spasm_count"] = pd.Series(
            [1.0 if d in spasm_days else 0.0 for d in outcome_days],
            index=pd.DatetimeIndex(outcome_days).astype("datetime64[us]"),
        )
        worst = {d: f"{_WORD_OF[s]} ({s})" for d, s in spasm_days.items() if s}
        worst |= {d: "None (0)" for d in no_spasm_days if d not in spasm_days}
        if worst:
            columns["bearable_spasm_severity"] = pd.Series(worst, dtype="str").sort_index()
            columns["bearable_spasm_severity"].index = pd.DatetimeIndex(
                columns["bearable_spasm_severity"].index
            ).astype("datetime64[us]")
        rated_none = len(no_spasm_days - set(spasm_days))
        others = len(outcome_days) - len(spasm_days)
        notes.append(
            f"Bearable cramp or spasm symptoms on {count(len(spasm_days), 'day')}: spasm_count is 1 on each (at "
            "least one spasm; Bearable records a severity, not a number)"
            + (
                f" and 0 on the {count(others, 'other day')} with symptoms logged since the first cramp entry "
                f"({first:%Y-%m-%d}; earlier days are not recorded: cramps may not have been tracked then)"
                if others
                else f"; no other day has symptoms logged since the first cramp entry ({first:%Y-%m-%d})"
            )
            + (f", on {rated_none} of them cramps were rated None (0)" if rated_none else "")
            + "; the day's worst "
            "severity is kept in bearable_spasm_severity in Bearable's words (Mild 1, Moderate 2, Severe 3, "
            "Unbearable 4), not rescaled to 0–10."
        )
    else:
        notes.append("No Bearable symptom means cramps or spasms, so no spasm_count was imported.")
    for category, logged in factor_days.items():
        for column in factor_columns.get(category, set()):
            flags = columns[column]
            index = pd.DatetimeIndex(sorted(logged)).astype("datetime64[us]")
            columns[column] = flags.reindex(flags.index.union(index)).fillna(False).astype("boolean")
    if factor_days:
        notes.append(
            f"Bearable factors: {count(sum(len(c) for c in factor_columns.values()), 'yes/no column')} "
            "(bearable_<factor>), yes on the days the factor is listed, no on the other days with factors logged."
        )
    if doses.taken:
        notes.append(interventions_note("Bearable", doses.interventions("Bearable")))
        if refused := doses.refused_note("Bearable"):
            notes.append(refused)
    minerals = [c for c in ("magnesium_mg", "calcium_mg", "potassium_mg", "sodium_mg") if c in columns]
    if minerals:
        notes.append(
            f"{', '.join(minerals)} from Bearable {'holds' if len(minerals) == 1 else 'hold'} the supplement "
            "doses logged there only (not food), as mg of the mineral named."
        )
    if several := days.several_means():
        notes.append(f"Several values a day were averaged for {', '.join(sorted(several))}.")
    if duplicates:
        notes.append(
            f"{count(duplicates, 'row')} repeated exactly in the export "
            f"{'was' if duplicates == 1 else 'were'} read once."
        )
    if odd_times:
        notes.append(f"Unknown time of day (the row was read): {', '.join(odd_times[:3])}.")
    for what, names in unplaced.items():
        notes.append(_UNPLACED[what].format(listed(names)))
    if unknown:
        shown = ", ".join(f"{c!r} ({count(n, 'row')})" for c, n in unknown.items())
        notes.append(f"Bearable categories spasmlog does not know, not imported: {shown}.")
    if bad_cells:
        more = f" and {len(bad_cells) - 3} more" if len(bad_cells) > 3 else ""
        notes.append(
            f"{count(len(bad_cells), 'cell')} could not be read and {'was' if len(bad_cells) == 1 else 'were'} "
            f"left out: {'; '.join(bad_cells[:3])}{more}."
        )
    table = build_table(columns, source=SOURCE, files=files, notes=notes, detail=detail_frame(days.detail))
    table.attrs["interventions"] = doses.interventions("Bearable")
    table.attrs["records"] = records  # rows of the files read, for "nothing imported" messages
    table.attrs["unreadable"] = unreadable  # rows broken or without a readable date
    return table
