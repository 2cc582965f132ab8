"""Visible CSV exports as an imported ``daily`` table.

Visible (the pacing app for ME/CFS and Long Covid; Settings → Export data) writes one long CSV file with
the columns ``observation_date, tracker_name, tracker_category, observation_value``: one row per tracker
per day. Symptoms are rated 0–3 (none, mild, moderate, severe), exertion 0–3, measurements (resting heart
rate, heart-rate variability, Stability Score, PacePoints) are numbers, ``Crash`` and ``Infection`` 0 or 1.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import PathInput, build_table, count, export_files
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
from spasmlog.io.parsing import parse_dates

__all__ = ["read_visible"]

SOURCE = "visible"

REQUIRED = ("observation_date", "tracker_name", "tracker_category", "observation_value")
"""Normalised headers of a Visible export."""

SEVERITY_WORDS = {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe"}
"""Visible's 0–3 symptom scale."""

FACTOR_CATEGORIES = {"measurement", "measurements", "cognitive", "social", "emotional", "physical", "experience"}
FACTOR_CATEGORIES |= {"sleep", "exertion", "menstrual", "menstruation", "activity"}
"""Categories whose trackers are factors (numbers kept as ``visible_<tracker>`` columns), not symptoms."""

_TEXT = {"note", "notes", "journal"}
_MEDS = {"medication", "medications", "medicine", "supplement", "supplements", "treatment", "treatments"}


def export_kind(headers: Iterable[str]) -> str | None:
    """``"visible"`` when the normalised headers are those of a Visible export, else ``None``.

    Examples
    --------
    >>> export_kind(["observation_date", "tracker_name", "tracker_category", "observation_value"])
    'visible'
    """
    return SOURCE if set(REQUIRED) <= set(headers) else None


def read_visible(path: PathInput, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read a Visible CSV export into one imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        The CSV file Visible exported (or a folder or zip holding it, or several of them).
    dayfirst : bool, optional
        How to read dates like ``03/04/2026`` that a spreadsheet re-saved (Visible writes ISO dates).

    Returns
    -------
    pandas.DataFrame
        One row per day, as described in :mod:`spasmlog.importers`; ``frame.attrs["interventions"]`` lists
        medicines and supplements logged with a dose, as rows of the ``interventions`` table.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When a file is not a Visible export, or no row of it has a readable date.

    Notes
    -----
    - A tracker whose name means cramps or spasms (:func:`~spasmlog.logformat.vocabulary.is_spasm_symptom`,
      any language of the log format) gives ``spasm_count``: Visible rates it 0–3, not a number of spasms,
      so ``spasm_count`` is **1** on a day rated 1–3 (at least one spasm) and **0** on a day rated 0
      (Visible records the 0: "none"). The day's rating is kept in ``visible_spasm_severity`` as Visible's
      own value and word (``Moderate (2)``), never rescaled to the 0–10 intensity scale; with several such
      trackers, the highest.
    - Trackers of the categories Measurement, Sleep, Cognitive, Social, Emotional, Physical and Experience
      (``Resting HR``, ``Stability Score``, ``Physically active``, ``Crash``) are kept as numeric columns
      ``visible_<tracker>`` with Visible's values, which the analysis reads as the person's own factors.
      Visible's ``Sleep`` is a 0–3 rating, not hours: it is ``visible_sleep``, never ``sleep_h``.
    - Medicines and supplements (a category such as ``Medication``): a name with a unit
      (``Magnesium (mg)``) gives the dose (magnesium, calcium, potassium and sodium in a mass unit go to
      ``magnesium_mg`` ...; others to ``visible_<name>_<unit>``) and an intervention; a value of 0 is "not
      taken" (0).
    - Notes are kept as text in ``notes``. Other symptoms have no column in the spasm log; they and any
      tracker that could not be placed are named in ``attrs["notes"]``.

    An empty value is not recorded. A tracker logged twice on one day with different values keeps the first
    valid one (reported): a value refused (out of Visible's scale, not a number) never wins over a valid one,
    and an empty one is not a value; rows repeated exactly are read once. A row that cannot be read is
    reported with its line and skipped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "visible.csv"
    >>> _ = path.write_text(
    ...     "observation_date,tracker_name,tracker_category,observation_value\\n"
    ...     "2026-03-01,Muscle cramps,Pain,2\\n"
    ...     "2026-03-01,Resting HR,Measurement,61\\n"
    ...     "2026-03-02,Muscle cramps,Pain,0\\n"
    ... )
    >>> read_visible(path)[["spasm_count", "visible_spasm_severity", "visible_resting_hr"]]
       spasm_count visible_spasm_severity  visible_resting_hr
    0          1.0           Moderate (2)                61.0
    1          0.0               None (0)                 NaN
    """
    days = Days()
    doses = Doses()
    notes: list[str] = []
    files: list[str] = []
    unplaced: list[str] = []
    bad_cells: list[str] = []
    conflicts: list[str] = []
    spasm: dict[pd.Timestamp, int] = {}
    duplicates = 0
    first_value: dict[tuple[pd.Timestamp, str], tuple[str, str]] = {}  # in any of the files (exports can overlap)
    refused_at: dict[tuple[pd.Timestamp, str], tuple[str, str, str]] = {}  # the first refused value of each
    records = unreadable = 0
    with export_files(path, source="Visible") as found:
        exports = [(read_long(file, label), named) for file, label, named in found]
    for export, named in exports:
        if export_kind(export.headers) is None:
            if (named or len(exports) == 1) and not any(export.headers):
                raise ImportFormatError(f"{export.label} is empty: there is no header row to read.", file=export.label)
            if named or len(exports) == 1:
                shown = ", ".join(export.headers[:6])
                raise ImportFormatError(
                    f"{export.label} is not a Visible export: expected the columns observation_date, tracker_name, "
                    f"tracker_category, observation_value, but its header row is: {shown}. Export the data again "
                    "from Visible, or run `spasmlog import --auto` to let spasmlog tell which app it came from.",
                    file=export.label,
                )
            notes.append(f"{export.label} is not a Visible export and was skipped.")
            continue
        files.append(export.label)
        records += len(export.rows) + len(export.broken)
        unreadable += len(export.broken)
        date_at, name_at, category_at, value_at = (export.index(n) for n in REQUIRED)
        assert date_at is not None and name_at is not None and category_at is not None and value_at is not None
        if broken := broken_note(export.label, export.broken):
            notes.append(broken)
        if not export.rows and not export.broken:
            notes.append(f"{export.label} holds a header row and nothing else: there was nothing to import.")
        cells = pd.Series([row[date_at] for row in export.rows], dtype="str")
        parsed = parse_dates(cells, kind="datetime", dayfirst=dayfirst)
        ambiguous = parsed.errors[parsed.errors == "ambiguous_date"]
        if len(ambiguous):
            first = int(ambiguous.index[0])
            raise ImportFormatError(
                f"{export.label}:{export.lines[first]}: the date {cells.iloc[first]!r} could be day-first or "
                "month-first, and no date in the column tells which. Pass dayfirst=True or dayfirst=False, or "
                "export the file again from Visible.",
                file=export.label,
                line=int(export.lines[first]),
                column="observation_date",
            )
        stamps = parsed.values.dt.normalize().astype("datetime64[us]")
        if len(cells) and stamps.isna().all():
            raise ImportFormatError(
                f"{export.label}: no cell of the 'observation_date' column is a date (the first is "
                f"{cells.iloc[0]!r}). Export the data again from Visible.",
                file=export.label,
                column="observation_date",
            )
        undated = [f"line {export.lines[i]} ({cells.iloc[i]!r})" for i in range(len(cells)) if pd.isna(stamps.iloc[i])]
        unreadable += len(undated)
        if undated:
            more = f" and {len(undated) - 3} more" if len(undated) > 3 else ""
            notes.append(
                f"{export.label}: {count(len(undated), 'row')} without a readable date skipped: "
                + ", ".join(undated[:3])
                + more
                + "."
            )
        for i, (row, line) in enumerate(zip(export.rows, export.lines, strict=True)):
            day = stamps.iloc[i]
            if pd.isna(day):
                continue
            name, category, value = row[name_at], folded(row[category_at]), row[value_at]
            where = f"{export.label}:{line}"
            key = (day, folded(name))
            if not value:
                continue  # not recorded: never stands in the way of a value logged the same day
            amount = None if category in _TEXT else number(value, export.decimal_comma)
            refusal = None
            if category in _TEXT:
                pass
            elif amount is None or amount < 0:
                if category in FACTOR_CATEGORIES or spasm_name(name) or category in _MEDS:
                    refusal = f"{where} observation_value = {value!r} ({name})"
            elif spasm_name(name) and amount not in (0.0, 1.0, 2.0, 3.0):
                refusal = f"{where} observation_value = {value!r} ({name}: Visible rates symptoms 0–3)"
            if refusal is not None:  # a refused value never wins over a valid one of the same tracker and day
                if refused_at.get(key, ("", "", ""))[2] == value:
                    duplicates += 1
                    continue
                bad_cells.append(refusal)
                refused_at.setdefault(key, (where, name, value))
                continue
            if key in first_value:
                if first_value[key][1] == value:
                    duplicates += 1
                else:
                    conflicts.append(f"{where} {name} = {value!r} (first: {first_value[key][1]!r})")
                continue
            first_value[key] = (where, value)
            if category in _TEXT:
                days.text("notes", day, value if folded(name) in _TEXT else f"{name}: {value}")
                continue
            if amount is None or amount < 0:
                days.text("notes", day, f"{name}: {value}")
                continue
            if spasm_name(name):
                spasm[day] = max(spasm.get(day, 0), int(amount))
                days.detail.append((day, "spasm_count", f"Visible {name!r} = {value}"))
            elif category in _MEDS:
                med, unit = split_name(name)
                intake = mineral(med, unit) if unit else None
                column = intake[0] if intake else extra_column(SOURCE, med, unit)
                days.add(column, day, amount * (intake[1] if intake else 1.0))
                days.detail.append((day, column, f"Visible {name!r} = {value}"))
                if amount > 0 and unit:
                    doses.add(med, day, amount, unit)
            elif category in FACTOR_CATEGORIES:
                column = extra_column(SOURCE, name)
                days.mean(column, day, amount)
            else:
                unplaced.append(f"{name} ({row[category_at]})")
    if not files:
        raise ImportFormatError(f"No Visible export was found in {path}.", file=str(path))

    columns = days.series()
    if spasm:
        index = pd.DatetimeIndex(sorted(spasm)).astype("datetime64[us]")
        ordered = [spasm[d] for d in sorted(spasm)]
        columns["spasm_count"] = pd.Series([1.0 if s > 0 else 0.0 for s in ordered], index=index)
        columns["visible_spasm_severity"] = pd.Series(
            [f"{SEVERITY_WORDS[s]} ({s})" for s in ordered], index=index, dtype="str"
        )
        spasm_days = sum(1 for s in ordered if s > 0)
        notes.append(
            f"Visible cramp or spasm trackers on {count(len(spasm), 'day')}: spasm_count is 1 on the "
            f"{count(spasm_days, 'day')} rated 1–3 (at least one spasm; Visible records a rating, not a number) "
            f"and 0 on the {count(len(spasm) - spasm_days, 'day')} rated 0; the rating is kept in "
            "visible_spasm_severity with Visible's 0–3 scale (None, Mild, Moderate, Severe), not rescaled to 0–10."
        )
    else:
        notes.append("No Visible tracker means cramps or spasms, so no spasm_count was imported.")
    if "visible_sleep" in columns:
        notes.append("Visible's Sleep is its 0–3 rating, kept as visible_sleep; it is not hours of sleep (sleep_h).")
    if doses.taken:
        notes.append(interventions_note("Visible", doses.interventions("Visible")))
        if refused := doses.refused_note("Visible"):
            notes.append(refused)
    if several := days.several_means():
        notes.append(f"Several values a day were averaged for {', '.join(sorted(several))}.")
    if duplicates:
        notes.append(
            f"{count(duplicates, 'row')} repeated exactly in the export "
            f"{'was' if duplicates == 1 else 'were'} read once."
        )
    if conflicts:
        notes.append(
            f"Trackers logged twice on a day with different values, the first kept: {'; '.join(conflicts[:3])}."
        )
    if replaced := [
        f"{where} {name} = {value!r} refused, {first_value[key][0]} = {first_value[key][1]!r} kept"
        for key, (where, name, value) in refused_at.items()
        if key in first_value
    ]:
        notes.append(
            "Trackers logged twice on a day, one value refused (see the cells left out below) and the valid one "
            f"kept: {'; '.join(replaced[:3])}{f' and {len(replaced) - 3} more' if len(replaced) > 3 else ''}."
        )
    if unplaced:
        notes.append(f"Not imported, no column in the spasm log: {listed(unplaced)}.")
    if bad_cells:
        more = f" and {len(bad_cells) - 3} more" if len(bad_cells) > 3 else ""
        notes.append(
            f"{count(len(bad_cells), 'cell')} could not be read and {'was' if len(bad_cells) == 1 else 'were'} "
            f"left out: {'; '.join(bad_cells[:3])}{more}."
        )
    table = build_table(columns, source=SOURCE, files=files, notes=notes, detail=detail_frame(days.detail))
    table.attrs["interventions"] = doses.interventions("Visible")
    table.attrs["records"] = records  # rows of the files read, for "nothing imported" messages
    table.attrs["unreadable"] = unreadable  # rows broken or without a readable date
    return table
