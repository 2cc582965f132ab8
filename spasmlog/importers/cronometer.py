"""Cronometer exports (Daily Nutrition, Servings, Exercises, Biometrics) as an imported ``daily`` table.

Cronometer (Account → Export Data) writes one CSV per kind of data. Which kind a file is, is told by
its header row, never by its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

import pandas as pd

from spasmlog.errors import ImportFormatError, SpasmlogError
from spasmlog.importers._csv import (
    ExportFile,
    Notes,
    PathInput,
    Tally,
    build_table,
    combine,
    count,
    days,
    exercise_columns,
    exercise_type_from_name,
    export_files,
    files_failed,
    load_export,
    normalise_header,
    numbers,
    read_or_skip,
    skipped_notes,
    split_unit,
    unit_factor,
    wrong_format,
)
from spasmlog.io.parsing import parse_boolean

__all__ = ["read_cronometer"]

SOURCE = "cronometer"

NUTRIENTS: dict[str, tuple[str, str]] = {
    "water": ("water_total_ml", "milliliter"),
    "caffeine": ("caffeine_mg", "milligram"),
    "alcohol": ("alcohol_g", "gram"),
    "magnesium": ("magnesium_mg", "milligram"),
    "calcium": ("calcium_mg", "milligram"),
    "potassium": ("potassium_mg", "milligram"),
    "sodium": ("sodium_mg", "milligram"),
}
"""Cronometer nutrient (header without its unit, lower case) → canonical column and its pint unit."""

COMPLETED_COLUMN = "diary_completed_cronometer"
"""Extra column: Cronometer's ``Completed`` flag (the person marked the day's diary complete)."""

TOTAL_GROUPS = frozenset({"total", "totals", "daily total", "day total"})
ENERGY_ADJUSTMENTS = re.compile(
    r"daily activity|energy balance|active energy|calorie adjustment|\bbmr\b|basal|resting energy"
)
"""Exercise entries that are a tracker's energy book-keeping, not deliberate exercise."""
SLEEP_METRIC = re.compile(r"sleep(?: duration| time| hours)?(?:\s*\((?P<source>[^()]*)\))?")
"""Biometric names that are hours slept: ``Sleep``, ``Sleep (Garmin)``; not ``Sleep Score``."""

_NUTRITION_WORDS = {"water", "magnesium", "sodium", "potassium", "calcium", "caffeine", "alcohol"}


def export_kind(headers: Iterable[str], *, strict: bool = False) -> str | None:
    """Which Cronometer export a header row belongs to, from its normalised headers.

    One of ``"daily-summary"``, ``"servings"``, ``"exercises"``, ``"biometrics"``, ``"notes"``, or
    ``None`` when the headers are not Cronometer's. ``strict`` (for detection among all formats) asks a
    daily summary for Cronometer's ``Energy (kcal)`` or ``Completed`` column, so that a person's own
    ``Date, Water (L), Magnesium (mg)`` table is not taken for a Cronometer export.

    Examples
    --------
    >>> export_kind(["date", "energy (kcal)", "water (g)", "completed"])
    'daily-summary'
    >>> export_kind(["day", "time", "group", "metric", "unit", "amount"])
    'biometrics'
    >>> export_kind(["date", "meal", "calories", "sodium (mg)"]) is None
    True
    """
    h = set(headers)
    if {"day", "metric", "amount"} <= h:
        return "biometrics"
    if {"day", "exercise", "minutes"} <= h:
        return "exercises"
    if {"day", "food name"} <= h:
        return "servings"
    if {"day", "group", "note"} <= h or h in ({"day", "note"}, {"day", "time", "note"}):
        return "notes"  # without Group (and Time) in exports from about 2016
    if ({"date", "day"} & h) and not ({"meal", "food name"} & h):
        with_units = [split_unit(header) for header in h]
        nutrients = {name for name, unit in with_units if unit and name in _NUTRITION_WORDS}
        if {"energy (kcal)", "completed"} & h or (len(nutrients) >= 2 and not strict):
            return "daily-summary"
    return None


def _nutrient_columns(export: ExportFile, notes: Notes) -> dict[str, tuple[str, float]]:
    """Canonical column → (header as written, factor to the canonical unit) for one nutrition file."""
    found: dict[str, tuple[str, float]] = {}
    for normal, header in export.headers.items():
        name, unit = split_unit(normal)
        if name not in NUTRIENTS:
            continue
        column, target = NUTRIENTS[name]
        factor = unit_factor(unit, target)
        if factor is None and column == "water_total_ml":
            # Cronometer weighs water: 1 g of water is 1 mL (density of water, close enough at body temperature).
            factor = unit_factor(unit, "gram")
        if factor is None:
            notes.add(
                f"{export.label}: the column {header!r} was not imported: its unit cannot be converted to "
                f"{column.rsplit('_', 1)[1]}."
            )
            continue
        if column in found:
            raise ImportFormatError(
                f"{export.label}: the columns {found[column][0]!r} and {header!r} both hold {name}; "
                "spasmlog cannot tell which to use. Remove one of them and import again.",
                file=export.label,
                column=header,
            )
        found[column] = (header, factor)
        if unit is not None and factor != 1 and column != "water_total_ml":
            notes.add(f"{header} converted to {column.rsplit('_', 1)[1]}.")
    if "water_total_ml" in found:
        notes.add(
            f"{found['water_total_ml'][0]} is Cronometer's total water (drinks and the water in food): imported "
            "as water_total_ml (1 g = 1 mL), not as water_ml (drinks only)."
        )
    return found


def _first_per_day(values: pd.DataFrame, day: pd.Series, notes: Notes, what: str) -> pd.DataFrame:
    """One row per day from rows that each describe a whole day; a day with differing rows keeps its first."""
    frame = values.assign(_day=day.to_numpy())
    frame = frame[frame["_day"].notna()]
    distinct = frame.drop_duplicates()
    repeated = distinct["_day"].duplicated(keep=False)
    if repeated.any():
        notes.add(
            f"{what}: {count(distinct.loc[repeated, '_day'].nunique(), 'day')} with several differing rows; "
            "the first row of each was used."
        )
    return distinct.drop_duplicates("_day").set_index("_day")


def _nutrition(export: ExportFile, notes: Notes, *, dayfirst: bool | None, servings: bool) -> dict[str, pd.Series]:
    date_header = export.need("Cronometer", "date", "day")
    day = days(export, date_header, notes, source="Cronometer", dayfirst=dayfirst)
    found = _nutrient_columns(export, notes)
    values = pd.DataFrame({c: numbers(export, header, notes) * factor for c, (header, factor) in found.items()})
    values.index = export.frame.index
    completed_header = export.column("completed")
    if completed_header is not None and not servings:
        flag = parse_boolean(export.frame[completed_header])
        notes.cells(export, completed_header, flag)
        values[COMPLETED_COLUMN] = flag.values
        notes.add(
            f"Cronometer's 'Completed' flag is kept as {COMPLETED_COLUMN} (true where the diary was marked "
            "complete); values of days not marked complete are imported as they are."
        )
    skipped = [
        header
        for normal, header in export.headers.items()
        if header not in {h for h, _ in found.values()}
        and normal not in {"date", "day", "time", "group", "completed", "food name", "amount", "category"}
    ]
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        notes.add(
            f"{export.label}: {count(len(skipped), 'column')} with no place in the spasm log not imported: {shown}."
        )
    group_header = export.column("group")
    sums = [c for c in values.columns if c != COMPLETED_COLUMN]
    if servings:
        per_day = values[sums].groupby(day).sum(min_count=1)
        notes.add(f"{export.label}: the servings of each day were added up.")
    elif group_header is not None:
        group = export.frame[group_header].astype("str").map(normalise_header)
        total = group.isin(TOTAL_GROUPS) & day.notna()
        with_total = day[total].unique()
        meal = ~total & day.notna() & ~day.isin(with_total)
        from_total = _first_per_day(values[total], day[total], notes, f"{export.label} (Total rows)")
        grouped = values[meal].groupby(day[meal])
        added = grouped[sums].sum(min_count=1)
        if COMPLETED_COLUMN in values:
            added[COMPLETED_COLUMN] = grouped[COMPLETED_COLUMN].first()
        per_day = pd.concat([from_total, added]).sort_index()
        notes.add(
            f"{export.label}: {count(len(from_total), 'day')} taken from their Total row and "
            f"{count(len(added), 'day')} by adding up their meal rows (Group column); meals are never added to a "
            "Total."
        )
    else:
        per_day = _first_per_day(values, day, notes, export.label)
    return {c: per_day[c] for c in per_day.columns if not c.startswith("_")}


def _exercises(export: ExportFile, notes: Notes, *, dayfirst: bool | None) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    day_header, name_header, minutes_header = (export.need("Cronometer", n) for n in ("day", "exercise", "minutes"))
    day = days(export, day_header, notes, source="Cronometer", dayfirst=dayfirst)
    names = export.frame[name_header].astype("str").str.strip()
    minutes = numbers(export, minutes_header, notes)
    adjustment = names.map(normalise_header).str.contains(ENERGY_ADJUSTMENTS)
    if adjustment.any():
        examples = ", ".join(sorted(names[adjustment].unique())[:3])
        notes.add(
            f"{export.label}: {count(int(adjustment.sum()), 'entry', 'entries')} that are a tracker's energy "
            f"book-keeping ({examples}), not deliberate exercise, were left out."
        )
    keep = (~adjustment).to_numpy()
    kinds = names.map(exercise_type_from_name)
    columns, detail = exercise_columns(
        day[keep], minutes[keep], names[keep], kinds[keep], what="Cronometer exercise", notes=notes
    )
    notes.add(
        "Cronometer exercises: exercise_min is the sum of a day's minutes; exercise_type is that of the day's "
        "longest exercise, read from its name ('other' when the name says nothing spasmlog knows)."
    )
    return columns, detail


def _biometrics(
    export: ExportFile, notes: Notes, *, dayfirst: bool | None
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    day_header, metric_header, amount_header = (export.need("Cronometer", n) for n in ("day", "metric", "amount"))
    unit_header = export.column("unit")
    day = days(export, day_header, notes, source="Cronometer", dayfirst=dayfirst)
    metric = export.frame[metric_header].astype("str").str.strip()
    normal = metric.map(normalise_header)
    sleep = normal.str.fullmatch(SLEEP_METRIC.pattern) & day.notna()
    others = metric[~sleep & day.notna()]
    if len(others):
        counts = others.value_counts()
        listed = ", ".join(f"{name} ×{count}" for name, count in counts.head(5).items())
        notes.add(
            f"{export.label}: {count(len(others), 'biometric entry', 'biometric entries')} of "
            f"{count(len(counts), 'other kind')} ({listed}) have "
            "no place in the spasm log and were not imported."
        )
    if not sleep.any():
        return {}, pd.DataFrame(columns=["date", "column", "detail"])
    rows = export.frame.index[sleep]
    amount = numbers(export, amount_header, notes)[rows]
    units = export.frame.loc[rows, unit_header].astype("str").str.strip() if unit_header else pd.Series("", index=rows)
    factor = units.map(lambda u: unit_factor(u or None, "hour", default="hours")).astype("float64")
    if (units == "").any():
        notes.add(f"{export.label}: sleep entries without a unit were read as hours.")
    unknown = factor.isna()
    if unknown.any():
        notes.add(
            f"{export.label}: {count(int(unknown.sum()), 'sleep entry', 'sleep entries')} with a unit spasmlog "
            f"cannot read as time ({', '.join(sorted(units[unknown].unique())[:3])}) were left out."
        )
    frame = pd.DataFrame(
        {
            "day": day[rows],
            "metric": metric[rows],
            "manual": normal[rows].str.extract(SLEEP_METRIC.pattern + "$")["source"].notna().astype(int),
            "hours": amount * factor,
        }
    ).dropna(subset=["hours"])
    # One metric per day: the one typed by hand ("Sleep") first, then the devices' in name order.
    chosen = frame.sort_values(["day", "manual", "metric"]).drop_duplicates("day").set_index("day")["metric"]
    several = frame.groupby("day")["metric"].nunique()
    if (several > 1).any():
        notes.add(
            f"{export.label}: {count(int((several > 1).sum()), 'day')} with sleep from several sources; one was "
            "used per day (the one entered by hand, else the first by name), never the sum."
        )
    used = frame[frame["metric"] == frame["day"].map(chosen)]
    repeated = used.groupby("day").size()
    if (repeated > 1).any():
        notes.add(
            f"{export.label}: {count(int((repeated > 1).sum()), 'day')} with several entries of one sleep metric; "
            "the largest was used (duplicates from syncing are not added up)."
        )
    hours = used.groupby("day")["hours"].max()
    detail = pd.DataFrame(
        {"date": hours.index, "column": "sleep_h", "detail": "Cronometer biometric " + chosen[hours.index].map(repr)}
    )
    return {"sleep_h": hours}, detail


def _not_cronometer(export: ExportFile) -> ImportFormatError:
    return wrong_format(
        export,
        "Cronometer",
        "a Daily Nutrition summary (Date, Energy (kcal), ...), Servings, Exercises or Biometrics export",
    )


def read_cronometer(path: PathInput, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read Cronometer exports into one imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        A Cronometer export file (``dailysummary.csv``, ``exercises.csv``, ``biometrics.csv``,
        ``servings.csv``), a folder or zip holding several, or a list of any of these. Which export a
        file is, is read from its header row.
    dayfirst : bool, optional
        How to read dates like ``03/04/2026`` that a spreadsheet re-saved, when the column itself does
        not tell (no day above 12). By default such dates are an error.

    Returns
    -------
    pandas.DataFrame
        One row per day with ``date`` and the columns below that the files hold, as described in
        :mod:`spasmlog.importers`; ``attrs["detail"]`` names the exercise or biometric a value came from.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When a file named is not a Cronometer export, a folder or zip holds none, two headers hold the
        same nutrient, or dates are ambiguous.

    Notes
    -----
    Daily Nutrition summary (``Date, Energy (kcal), ..., Completed``):

    - ``Water (g)`` → ``water_total_ml``: Cronometer's water includes the water in food, so it is total
      water, not drinks; 1 g = 1 mL.
    - ``Caffeine``, ``Magnesium``, ``Calcium``, ``Potassium``, ``Sodium`` → ``*_mg`` and ``Alcohol`` →
      ``alcohol_g``, converted from whatever unit the header gives (``(g)``, ``(mg)``, ``(µg)``, ``(ug)``,
      ``(mcg)``) with pint.
    - With a ``Group`` column (per-meal rows and a ``Total`` row), a day's ``Total`` row is used when it
      has one; otherwise its meal rows are added up. Meals are never added to a total.
    - ``Completed`` → extra column ``diary_completed_cronometer`` (boolean). Values of days not marked
      complete are kept: the flag is the person's, not a statement that the numbers are wrong.
    - Every other nutrient (energy, macronutrients, vitamins, other minerals) has no column in the spasm
      log and is left out; ``attrs["notes"]`` lists them. An empty cell stays missing (never 0).

    Servings export (one row per food): the same nutrients, added up per day. Used only when no daily
    summary is among the files (both together would count the same food twice).

    Exercises export (``Day, Group, Exercise, Minutes, Calories Burned``): ``exercise_min`` is the sum of
    the day's minutes; ``exercise_type`` is read from the name of the day's longest exercise (``other``
    when the name is not recognised). Energy book-keeping entries of synced trackers (``Daily Activity
    (Garmin)``, ``Active Energy Balance (Apple Health)``) are not exercise and are left out.

    Biometrics export (``Day, Time, Group, Metric, Unit, Amount``): a sleep metric (``Sleep``,
    ``Sleep (Garmin)``, in hours or minutes) → ``sleep_h``. When a day has sleep from several sources,
    the one entered by hand is used (else the first by name), never a sum; repeated entries of one
    metric on a day give the largest. Other metrics are counted in the notes and left out.

    Exports from about 2016 have no ``Group`` or ``Time`` column and write dates without leading zeros
    (``2011-4-18``): they are read the same way (a daily summary's meals cannot be told apart without
    ``Group``, so each of its rows is a day).

    A file that cannot be read (or is not Cronometer's, when named) is reported in the notes and the
    other files are read; the import fails only when no file could be read, or dates are ambiguous.

    Several files are combined by date; where two files give one column for the same day, the first
    file (in the order given; in a folder, by name) wins and the disagreement is noted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "dailysummary.csv").write_text(
    ...     "Date,Energy (kcal),Water (g),Magnesium (µg),Sodium (mg),Completed\\n"
    ...     "2026-01-27,1800,2500.5,310000,,true\\n"
    ... )
    >>> _ = (folder / "exercises.csv").write_text(
    ...     "Day,Group,Exercise,Minutes,Calories Burned\\n"
    ...     "2026-01-27,Uncategorized,Walking (Garmin),35.5,-120\\n"
    ...     "2026-01-27,Uncategorized,Daily Activity (Garmin),107,-527\\n"
    ... )
    >>> table = read_cronometer(folder)
    >>> table[["water_total_ml", "magnesium_mg", "sodium_mg", "exercise_min", "exercise_type"]]
       water_total_ml  magnesium_mg  sodium_mg  exercise_min exercise_type
    0          2500.5         310.0        NaN          35.5       walking
    >>> table.attrs["source"]
    'cronometer'
    """
    notes = Notes()
    parts: dict[str, list[tuple[str, dict[str, pd.Series]]]] = {
        "daily-summary": [],
        "servings": [],
        "exercises": [],
        "biometrics": [],
    }
    details: list[pd.DataFrame] = []
    files: dict[str, list[str]] = {kind: [] for kind in parts}
    failures: list[tuple[str, SpasmlogError]] = []  # files that could not be read, and why
    tally = Tally()
    with export_files(path, source="Cronometer") as found:
        exports: list[tuple[ExportFile, bool]] = []
        for file, label, named in found:
            loaded = read_or_skip(failures, label, partial(load_export, file, label))
            if loaded is not None:
                exports.append((loaded, named))
    alone = len(exports) + len(failures) == 1
    for export, named in exports:
        kind = export_kind(export.headers)
        if kind is None:
            if named or alone:
                failures.append((export.label, _not_cronometer(export)))
            else:
                notes.add(f"{export.label} is not a Cronometer export and was skipped.")
            continue
        if kind == "notes":
            notes.add(f"{export.label}: Cronometer's notes export has no place in the daily table and was skipped.")
            continue
        read = read_or_skip(failures, export.label, partial(_read, export, kind, notes, dayfirst))
        if read is None:
            continue
        columns, detail = read
        if detail is not None:
            details.append(detail)
        tally.add(export)
        parts[kind].append((export.label, columns))
        files[kind].append(export.label)
    if alone or not any(parts.values()):
        files_failed(path, "Cronometer", failures, alone=alone)
    skipped_notes(notes, failures)
    if not any(parts.values()):
        raise ImportFormatError(
            f"No Cronometer export with data for the daily table was found in {path}: expected a Daily Nutrition "
            "summary, Servings, Exercises or Biometrics export.",
            file=str(path),
        )
    if parts["daily-summary"] and parts["servings"]:
        notes.add(
            f"{', '.join(files['servings'])}: servings were not used because a daily summary covers the same "
            "food (using both would count it twice)."
        )
        parts["servings"], files["servings"] = [], []
    ordered = [part for kind in parts for part in parts[kind]]
    columns = combine(ordered, notes)
    flags = [COMPLETED_COLUMN]
    combined_detail = pd.concat(details, ignore_index=True) if details else None
    table = build_table(
        columns,
        source=SOURCE,
        files=[label for kind in files for label in files[kind]],
        notes=notes.finished(),
        flags=flags,
        detail=combined_detail,
    )
    return tally.stamp(table, notes)


def _read(
    export: ExportFile, kind: str, notes: Notes, dayfirst: bool | None
) -> tuple[dict[str, pd.Series], pd.DataFrame | None]:
    """The per-day columns of one Cronometer file of ``kind``, and where its values came from (or ``None``)."""
    if kind in ("daily-summary", "servings"):
        return _nutrition(export, notes, dayfirst=dayfirst, servings=kind == "servings"), None
    if kind == "exercises":
        return _exercises(export, notes, dayfirst=dayfirst)
    return _biometrics(export, notes, dayfirst=dayfirst)
