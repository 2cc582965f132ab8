"""Any app's long export (date, name, value[, unit][, person]) read through a small mapping file.

A person whose app spasmlog does not know exports (or copies into a spreadsheet) one row per tracked
value and writes a mapping file saying what each name is. Everything the mapping does not place is
listed in ``attrs["notes"]`` (names and row counts), never dropped silently.

The long file
-------------
A CSV (any dialect the log reader reads: comma or semicolon, decimal comma, BOM, CRLF) with a header row:

- ``date`` (also ``day``, ``datum``, ``fecha``, ``jour``, ``data``): the day, or a date-time whose day is kept;
- ``name`` (also ``item``, ``tracker``, ``variable``, ``field``): what was tracked, as the app names it;
- ``value`` (also ``amount``, ``rating``, ``wert``, ``valeur``, ``valor``): the value, a number, yes/no or text;
- optional ``unit``: the unit of the value, used when the mapping gives none;
- optional ``person`` (also ``person_id``, ``user``, ``user_id``): whose row it is (several people).

The mapping file
----------------
TOML (read with the standard library's ``tomllib``) with one ``[names."..."]`` table per name, or a CSV
with the columns ``name,as,column,unit,kind,intake,count``. Names are compared without case or accents.
``as`` says what the name is:

- ``spasms`` — a symptom meaning cramps or spasms. By default its value is a *severity* on the app's
  scale (``scale``, e.g. ``"0-4"``, only for the record): ``spasm_count`` is written as **0 on a day
  rated 0 and 1 (at least one spasm) on a day rated above 0**, and the rating itself, never rescaled,
  goes to the extra column ``<prefix>_spasm_severity`` (``prefix`` is a top-level key of the TOML file,
  ``app`` by default; the highest rating of the day when several
  names are spasms). With ``count = "value"`` the value is the number of spasms and is written to
  ``spasm_count`` as it is (several spasm names on one day are added up, and the notes say so); on a
  day with both a count and a rating, the count is written.
- ``factor`` — a daily factor: ``column`` is a column of the log (``magnesium_mg``, ``water_ml``,
  ``sleep_h``, ``stress``) or a name of your own (``hot_bath``), which becomes an extra column the
  analysis picks up. The unit (the file's unit column where a row has one, else the mapping's ``unit``)
  is converted to the column's unit with :mod:`spasmlog.logformat.units` (``g`` of magnesium →
  ``magnesium_mg`` × 1000); a unit that cannot be converted leaves the name unplaced (reported), never
  rescaled by guess (a value without any unit is not assumed to be in the column's unit: write
  ``unit = "mg"`` when it is). Yes/no values (``yes``, ``no``, ``1``, ``0``, ``ja``, ``non``) make a yes/no column.
  Amounts (columns with a unit suffix) of several rows of one day are added up (said in the notes);
  other columns keep the day's first value.
- ``intervention`` — a supplement, medicine or routine taken with a dose (``400 mg``, ``3 x 5 mg``,
  ``Taken``, ``Not taken``). Each becomes an entry of ``attrs["interventions"]`` (name, ``kind``, first and
  last day taken, most frequent dose) and the extra columns ``<name>_taken`` (yes/no; "not taken" is no)
  and, for doses in a mass unit, ``<name>_mg`` ("not taken" is 0). For magnesium, calcium, potassium and
  sodium (or ``intake = "magnesium_mg"``), a dose in mg is also added to that intake column.
- ``text`` — free text, kept as text in ``column`` (default ``notes``; several rows joined with ``; ``).
- ``ignore`` — left out on purpose (counted in the notes).

A name the mapping leaves out that means cramps or spasms in one of the vocabulary's languages
(:func:`spasmlog.logformat.vocabulary.is_spasm_symptom`: ``Muskelkrämpfe``, ``calambres``) is read as a
spasm rating. An empty value is "not recorded" and writes nothing; ``0`` is zero.

Example (``sample_data/mappings/generic_mapping.toml``)::

    prefix = "mytracker"      # extra columns: mytracker_spasm_severity

    [names."Leg cramps"]
    as = "spasms"
    scale = "0-4"

    [names."Night cramps (count)"]
    as = "spasms"
    count = "value"

    [names."Magnesium"]
    as = "factor"
    column = "magnesium_mg"
    unit = "g"

    [names."Water"]
    as = "factor"
    column = "water_ml"
    unit = "L"

    [names."Hot bath"]
    as = "factor"
    column = "hot_bath"

    [names."Magnesium glycinate"]
    as = "intervention"
    kind = "supplement"

    [names."Journal"]
    as = "text"

    [names."Mood emoji"]
    as = "ignore"

The same as CSV::

    name,as,column,unit,kind,intake,count
    Leg cramps,spasms,,,,,
    Magnesium,factor,magnesium_mg,g,,,
    Magnesium glycinate,intervention,,,supplement,,
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import (
    ExportFile,
    Notes,
    PathInput,
    Tally,
    build_table,
    count,
    days,
    export_files,
    load_export,
    unit_factor,
)
from spasmlog.io.parsing import is_missing, parse_boolean, parse_number
from spasmlog.logformat.schemas import field_specs
from spasmlog.logformat.vocabulary import fold, is_spasm_symptom

__all__ = ["Mapping", "Placement", "read_generic", "read_mapping", "split_people"]

SOURCE = "generic"
_DAILY = frozenset(field_specs("daily"))
ROLES = ("spasms", "factor", "intervention", "text", "ignore", "tag")
_UNIT_TARGETS = {"mg": "milligram", "g": "gram", "ml": "milliliter", "min": "minute", "h": "hour", "s": "second"}
_MINERALS = {
    "magnesium_mg": ("magnesium", "magnesio", "magnesie", "mg citrate", "mg glycinate"),
    "calcium_mg": ("calcium", "calcio", "kalzium"),
    "potassium_mg": ("potassium", "kalium", "potasio", "potassio"),
    "sodium_mg": ("sodium", "natrium", "sodio"),
}
_DOSE = re.compile(
    r"^\s*(?:(?P<times>\d+(?:[.,]\d+)?)\s*[x×*]\s*)?(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\d\s].*?)?\s*$"
)
_NOT_TAKEN = {"not taken", "nicht genommen", "no tomado", "pas pris", "non preso", "niet genomen", "no", "nein"}
_TAKEN = {"taken", "genommen", "tomado", "pris", "preso", "genomen", "yes", "ja"}

_COLUMNS = {
    "date": ("date", "day", "datum", "fecha", "jour", "data", "checkin date", "observation date"),
    "name": ("name", "item", "tracker", "variable", "field", "tracker name", "trackable name"),
    "value": ("value", "amount", "rating", "wert", "valeur", "valor", "observation value", "trackable value"),
    "unit": ("unit", "units", "einheit", "unite", "unidad"),
    "person": ("person", "person id", "user", "user id", "participant", "participant id"),
}


@dataclass(frozen=True)
class Placement:
    """Where the values of one name go: ``role`` is one of ``spasms``, ``factor``, ``intervention``,
    ``text``, ``ignore`` or ``tag`` (a yes/no day marker: yes where listed, no on the other days of the file)."""

    role: str
    column: str | None = None
    unit: str | None = None
    kind: str = "other"
    intake: str | None = None
    count: bool = False
    scale: str | None = None


@dataclass
class Mapping:
    """Names (folded: no case, no accents) → :class:`Placement`; ``prefix`` names the extra columns."""

    names: dict[str, Placement] = field(default_factory=dict)
    prefix: str = "app"
    fallback: Callable[[str], Placement | None] | None = None

    def placement(self, name: str) -> Placement | None:
        """The placement of ``name`` (as the app writes it), or ``None`` when the mapping does not place it."""
        found = self.names.get(fold(name))
        if found is None and self.fallback is not None:
            found = self.fallback(name)
        return found


def slug(name: object) -> str:
    """A column name made from an app's name: ``'Muskelkrämpfe'`` → ``'muskelkrampfe'``.

    Examples
    --------
    >>> slug("Hot bath!"), slug("Muskelkrämpfe")
    ('hot_bath', 'muskelkrampfe')
    """
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or "unnamed"


def read_mapping(path: str | Path) -> Mapping:
    """Read a mapping file (TOML or CSV; see the module docstring for its format).

    Raises :class:`~spasmlog.errors.ImportFormatError` naming the entry that is wrong.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "map.toml"
    >>> _ = file.write_text('[names."Leg cramps"]\\nas = "spasms"\\n[names.Magnesium]\\nas = "factor"\\n'
    ...                     'column = "magnesium_mg"\\nunit = "g"\\n')
    >>> mapping = read_mapping(file)
    >>> mapping.placement("LEG CRAMPS").role, mapping.placement("magnesium").unit
    ('spasms', 'g')
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"The mapping file {path} does not exist.", file=str(path))
    entries: list[tuple[str, dict[str, object]]] = []
    prefix = "app"
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ImportFormatError(f"{path} is not a readable TOML file: {error}.", file=str(path)) from error
        prefix = slug(data.get("prefix", "app"))
        names = data.get("names")
        if not isinstance(names, dict) or not names:
            raise ImportFormatError(
                f'{path} has no [names."..."] tables: write one per name (see spasmlog.importers.generic).',
                file=str(path),
            )
        for name, entry in names.items():
            if not isinstance(entry, dict):
                raise ImportFormatError(f"{path}: the entry {name!r} must be a table with 'as = ...'.", file=str(path))
            entries.append((str(name), dict(entry)))
    else:
        export = load_export(path, str(path))
        header = export.column("name")
        if header is None or export.column("as") is None:
            raise ImportFormatError(
                f"{path}: a CSV mapping needs the columns name and as (then column, unit, kind, intake, count).",
                file=str(path),
            )
        for row in export.frame.to_dict("records"):
            entry = {
                key: str(row[export.headers[key]]).strip()
                for key in ("as", "column", "unit", "kind", "intake", "count", "scale")
                if key in export.headers and str(row[export.headers[key]]).strip() not in ("", "nan")
            }
            entries.append((str(row[header]).strip(), entry))
    mapping = Mapping(prefix=prefix)
    for name, entry in entries:
        role = str(entry.get("as", "")).strip().lower()
        if role not in ROLES:
            raise ImportFormatError(
                f"{path}: the entry {name!r} has as = {role!r}; use one of spasms, factor, intervention, text, ignore.",
                file=str(path),
            )
        column = entry.get("column")
        if role == "factor" and not column:
            raise ImportFormatError(
                f"{path}: the factor {name!r} needs a column (a log column such as magnesium_mg, or a name of your "
                "own such as hot_bath).",
                file=str(path),
            )
        mapping.names[fold(name)] = Placement(
            role=role,
            column=slug(column) if column else None,
            unit=str(entry["unit"]) if entry.get("unit") else None,
            kind=str(entry.get("kind", "other")),
            intake=str(entry["intake"]) if entry.get("intake") else None,
            count=str(entry.get("count", "")).lower() == "value",
            scale=str(entry["scale"]) if entry.get("scale") else None,
        )
    mapping.fallback = _spasm_by_name
    return mapping


def _spasm_by_name(name: str) -> Placement | None:
    """Names the mapping leaves out that mean cramps or spasms in any language are spasm ratings."""
    return Placement("spasms") if is_spasm_symptom(name) else None


# --- the engine: long rows → per-person daily columns -----------------------------------------------------


@dataclass
class Placed:
    """What :func:`place` made of one person's rows."""

    columns: dict[str, pd.Series]
    interventions: list[dict[str, object]]


def _target_unit(column: str) -> str | None:
    suffix = column.rsplit("_", 1)[-1] if "_" in column else ""
    return _UNIT_TARGETS.get(suffix)


def _mineral(name: str, placement: Placement) -> str | None:
    if placement.intake:
        return placement.intake
    folded = fold(name)
    for column, words in _MINERALS.items():
        if any(word in folded for word in words):
            return column
    return None


@cache
def parse_dose(text: str) -> tuple[bool | None, float | None, str | None]:
    """``(taken, amount, unit)`` of a dose cell: ``'3 x 5mg'`` → ``(True, 15.0, 'mg')``; ``'Not Taken'`` →
    ``(False, 0.0, None)``; ``'Taken'`` → ``(True, None, None)``; unreadable → ``(None, None, None)``."""
    word = fold(text).rstrip(".")
    if word in _NOT_TAKEN:
        return False, 0.0, None
    if word in _TAKEN:
        return True, None, None
    match = _DOSE.match(text)
    if match is None:
        return None, None, None
    amount = float(match["amount"].replace(",", "."))
    if match["times"]:
        amount *= float(match["times"].replace(",", "."))
    unit = match["unit"].strip() if match["unit"] else None
    return amount > 0, amount, unit


def place(rows: pd.DataFrame, mapping: Mapping, notes: Notes, *, label: str) -> Placed:
    """Per-day columns and interventions from one person's long rows.

    ``rows`` has the columns ``day`` (midnight), ``name``, ``value`` (text, ``""`` when empty), ``unit``
    (text or ``""``) and ``line`` (the line a person sees). Unplaced names are returned in the notes.
    """
    columns: dict[str, pd.Series] = {}
    interventions: list[dict[str, object]] = []
    prefix = mapping.prefix
    unplaced: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    spasm_sev: list[pd.Series] = []
    spasm_counts: list[pd.Series] = []
    amounts: dict[str, list[pd.Series]] = {}
    firsts: dict[str, list[pd.Series]] = {}
    texts: dict[str, list[pd.Series]] = {}
    tags: dict[str, set[pd.Timestamp]] = {}
    all_days = pd.DatetimeIndex(sorted(rows["day"].dropna().unique()))
    for name, group in rows.groupby("name", sort=False):
        name = str(name)
        placement = mapping.placement(name)
        if placement is None:
            unplaced[name] += len(group)
            continue
        if placement.role == "ignore":
            ignored[name] += len(group)
            continue
        empty = is_missing(group["value"])
        group = group[~empty]
        if placement.role == "tag":
            tags.setdefault(placement.column or f"{prefix}_tag_{slug(name)}", set()).update(group["day"])
            continue
        if not len(group):
            continue
        if placement.role == "text":
            column = placement.column or "notes"
            texts.setdefault(column, []).append(group.groupby("day")["value"].agg(lambda v: "; ".join(map(str, v))))
            continue
        if placement.role == "intervention":
            _intervention(name, group, placement, mapping, notes, label, columns, amounts, interventions)
            continue
        parsed = parse_number(group["value"].astype("str"))
        bad = parsed.values.isna()
        if placement.role == "spasms":
            _report(notes, label, name, group[bad])
            values = pd.Series(parsed.values[~bad].astype("float64").to_numpy(), index=group["day"][~bad].to_numpy())
            if placement.count:
                spasm_counts.append(values.groupby(level=0).sum())
            else:
                spasm_sev.append(values.groupby(level=0).max())
            continue
        # factor
        column = placement.column or slug(name)
        # A unit is converted for the log's own columns, and for your own ones when the mapping gives a unit:
        # a Flaredown symptom called "Pain h" is not hours.
        target = _target_unit(column) if column in _DAILY or placement.unit else None
        units = group["unit"].where(group["unit"] != "", placement.unit or "")
        flags = parse_boolean(group["value"].astype("str")).values if target is None and bad.all() else None
        if flags is not None and flags.notna().all():
            firsts.setdefault(column, []).append(
                pd.Series(flags.to_numpy(dtype=bool), index=group["day"].to_numpy(), dtype="boolean")
            )
            continue
        _report(notes, label, name, group[bad])
        if target is not None:
            factors = pd.Series([unit_factor(u or None, target) for u in units], index=units.index, dtype="float64")
            if factors.isna().all():
                shown = sorted({u for u in units if u}) or ["none"]
                notes.add(
                    f"{label}: {name!r} ({count(len(group), 'row')}) was not imported: its unit ({', '.join(shown)}) "
                    f"cannot be converted to the unit of {column}; give its unit in the mapping file "
                    f'(unit = "{column.rsplit("_", 1)[-1]}" if the values are already in it).'
                )
                continue
            if factors.isna().any():
                notes.add(f"{label}: {name!r}: rows whose unit cannot be converted to {column} were left out.")
            values = parsed.values.astype("float64") * factors
            converted = factors[factors.notna() & (factors != 1)]
            if len(converted):
                notes.add(f"{label}: {name!r} converted from {units[converted.index[0]]} to {column}.")
            keep = values.notna()
            amounts.setdefault(column, []).append(
                pd.Series(values[keep].to_numpy(), index=group["day"][keep].to_numpy())
            )
        else:
            firsts.setdefault(column, []).append(
                pd.Series(parsed.values[~bad].astype("float64").to_numpy(), index=group["day"][~bad].to_numpy())
            )
    if spasm_sev:
        severity = pd.concat(spasm_sev).groupby(level=0).max()
        if len(spasm_sev) > 1:
            notes.add(f"{label}: several spasm symptoms on one day: the highest rating was kept.")
        columns[f"{prefix}_spasm_severity"] = severity
        columns["spasm_count"] = (severity > 0).astype("float64")
        notes.add(
            f"{label}: spasm symptoms were rated, not counted: spasm_count is 0 on days rated 0 and 1 (at least "
            f"one spasm) on days rated above 0; the rating, on the app's own scale, is in {prefix}_spasm_severity."
        )
    if spasm_counts:
        added = pd.concat(spasm_counts).groupby(level=0).sum()
        if len(spasm_counts) > 1:
            notes.add(f"{label}: the counts of several spasm names were added up per day.")
        columns["spasm_count"] = added.combine_first(columns["spasm_count"]) if "spasm_count" in columns else added
    for column, parts in amounts.items():
        series = pd.concat(parts)
        if series.index.duplicated().any():
            notes.add(f"{label}: {column}: several values of one day were added up.")
        columns[column] = series.groupby(level=0).sum(min_count=1)
    for column, parts in firsts.items():
        series = pd.concat(parts)
        grouped = series.groupby(level=0)
        differing = grouped.max() != grouped.min()
        if differing.any():
            notes.add(f"{label}: {column}: {count(int(differing.sum()), 'day')} with differing values; the first kept.")
        first = series.groupby(level=0).first()
        columns[column] = first.astype("boolean") if pd.api.types.is_bool_dtype(series) else first
    for column, parts in texts.items():
        columns[column] = pd.concat(parts).groupby(level=0).agg("; ".join)
    for column, tagged in tags.items():
        columns[column] = pd.Series(all_days.isin(list(tagged)), index=all_days, dtype="boolean")
    if unplaced:
        listed = ", ".join(f"{name!r} ({count(n, 'row')})" for name, n in unplaced.most_common())
        notes.add(f"{label}: {count(len(unplaced), 'name')} the mapping does not place, not imported: {listed}.")
    if ignored:
        notes.add(f"{label}: left out as the mapping says: {', '.join(sorted(ignored))}.")
    return Placed(columns, interventions)


def _report(notes: Notes, label: str, name: str, bad: pd.DataFrame) -> None:
    if not len(bad):
        return
    shown = "; ".join(f"line {line}: {value!r}" for line, value in zip(bad["line"][:3], bad["value"][:3], strict=True))
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    notes.add(
        f"{label}: {count(len(bad), 'value')} of {name!r} could not be read as a number and "
        f"{'was' if len(bad) == 1 else 'were'} left out "
        f"({shown}{more})."
    )


def _intervention(
    name: str,
    group: pd.DataFrame,
    placement: Placement,
    mapping: Mapping,
    notes: Notes,
    label: str,
    columns: dict[str, pd.Series],
    amounts: dict[str, list[pd.Series]],
    interventions: list[dict[str, object]],
) -> None:
    name = name.split("\x1f")[-1]  # Flaredown's research rows carry their type before the name
    doses = [parse_dose(str(v)) for v in group["value"]]
    units = [
        u or (row_unit or None) or placement.unit for (_, _, u), row_unit in zip(doses, group["unit"], strict=True)
    ]
    taken = pd.Series([d[0] for d in doses], index=group.index, dtype="boolean")
    bad = taken.isna()
    _report_doses(notes, label, name, group[bad.to_numpy()])
    day = group["day"]
    base = f"{mapping.prefix}_{slug(name)}" if mapping.prefix != "app" else slug(name)
    columns[f"{base}_taken"] = (
        pd.Series(taken[~bad].to_numpy(dtype=bool), index=day[~bad].to_numpy()).groupby(level=0).max().astype("boolean")
    )
    mg = pd.Series(
        [
            (0.0 if d[0] is False else (d[1] * f if d[1] is not None and f is not None else np.nan))
            for d, f in ((d, unit_factor(u, "milligram") if u else None) for d, u in zip(doses, units, strict=True))
        ],
        index=day.to_numpy(),
        dtype="float64",
    )
    has_mass = any(
        d[1] is not None and d[0] and u and unit_factor(u, "milligram") is not None
        for d, u in zip(doses, units, strict=True)
    )
    if has_mass:
        per_day = mg.dropna().groupby(level=0).sum(min_count=1)
        columns[f"{base}_mg"] = per_day
        mineral = _mineral(name, placement)
        if mineral is not None:
            amounts.setdefault(mineral, []).append(per_day[per_day > 0])
            notes.add(
                f"{label}: the {name!r} doses in mg were added to {mineral} (supplement only: food is not in it "
                "unless another name adds it)."
            )
    taken_days = sorted(set(day[taken.fillna(False).to_numpy()]))
    texts = [str(v).strip() for v, d in zip(group["value"], doses, strict=True) if d[0]]
    interventions.append(
        {
            "name": name,
            "kind": placement.kind,
            "start": taken_days[0] if taken_days else None,
            "end": taken_days[-1] if taken_days else None,
            "dose": Counter(texts).most_common(1)[0][0] if texts and fold(texts[0]) not in _TAKEN else "",
            "days_taken": len(taken_days),
        }
    )


def _report_doses(notes: Notes, label: str, name: str, bad: pd.DataFrame) -> None:
    if len(bad):
        shown = "; ".join(f"line {line}: {v!r}" for line, v in zip(bad["line"][:3], bad["value"][:3], strict=True))
        verb = "was" if len(bad) == 1 else "were"
        notes.add(f"{label}: {count(len(bad), 'dose')} of {name!r} could not be read and {verb} left out ({shown}).")


def table_of(
    per_person: dict[str, Placed], *, source: str, files: list[str], notes: Notes, people: list[dict] | None = None
) -> pd.DataFrame:
    """The imported daily table: one person's, or several people's with a ``person_id`` column."""
    if len(per_person) == 1:
        table = build_table(next(iter(per_person.values())).columns, source=source, files=files, notes=[])
    else:
        table = _people_table(per_person)
    table.attrs = {
        "source": source,
        "files": list(dict.fromkeys(files)),
        "notes": notes.finished(),
        "interventions": [
            {"person_id": person, **entry} for person, placed in per_person.items() for entry in placed.interventions
        ],
    }
    if len(per_person) == 1 and next(iter(per_person)):
        table.attrs["person_id"] = next(iter(per_person))
    if people is not None:
        table.attrs["people"] = people
    return table


def _people_table(per_person: dict[str, Placed]) -> pd.DataFrame:
    """Several people's columns in one table (``person_id``, ``date``, then the columns as
    :func:`~spasmlog.importers._csv.build_table` orders and types them), built in one go: a research export
    holds thousands of people."""
    keys: list[tuple[str, str]] = []
    parts: list[pd.Series] = []
    kinds: dict[str, str] = {}
    for person, placed in per_person.items():
        for column, series in placed.columns.items():
            if not len(series):
                continue
            is_flag = pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean"
            kind = "boolean" if is_flag else "float64" if pd.api.types.is_numeric_dtype(series) else "str"
            kinds[column] = kind if kinds.get(column, kind) == kind else "str"
            values = series.astype(object)
            values.index = pd.DatetimeIndex(series.index).astype("datetime64[us]")
            keys.append((person, column))
            parts.append(values)
    canonical = [c for c in field_specs("daily") if c in kinds]
    order = canonical + sorted(c for c in kinds if c not in canonical)
    if not parts:
        return pd.DataFrame({"person_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[us]")})
    stacked = pd.concat(parts, keys=keys, names=["person_id", "column", "date"])
    wide = stacked.unstack("column")  # noqa: PD010 (one value per key: pivot_table would aggregate silently)
    wide = wide[wide.notna().any(axis=1)]
    people = {person: number for number, person in enumerate(per_person)}
    wide = wide.reset_index()
    wide["_order"] = wide["person_id"].map(people)
    wide = wide.sort_values(["_order", "date"], kind="stable").drop(columns="_order").reset_index(drop=True)
    data: dict[str, pd.Series] = {
        "person_id": wide["person_id"].astype("str"),
        "date": wide["date"].astype("datetime64[us]"),
    }
    for column in order:
        kind = kinds[column]
        cells = wide[column]
        if kind == "boolean":
            data[column] = cells.astype("boolean")
        elif kind == "float64":
            data[column] = pd.to_numeric(cells).astype("float64")
        else:
            data[column] = cells.where(cells.isna(), cells.astype("str"))
    return pd.DataFrame(data)


def split_people(imported: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One imported table per person, from a table with a ``person_id`` column (each with the same ``attrs``,
    but its own notes, interventions and people); a table without one is returned as it is, under
    ``attrs["person_id"]`` or ``""``.

    Examples
    --------
    >>> t = pd.DataFrame({"person_id": ["a", "b"], "date": pd.to_datetime(["2026-01-01"] * 2), "stress": [1.0, 2.0]})
    >>> [(p, len(f)) for p, f in split_people(t)]
    [('a', 1), ('b', 1)]
    """
    if "person_id" not in imported.columns:
        return [(str(imported.attrs.get("person_id", "")), imported)]
    attrs = imported.attrs
    # Grouped without the attrs: pandas deep-copies them into every frame it derives (thousands of people).
    bare = imported.copy(deep=False)
    bare.attrs = {}
    notes: list[str] = attrs.get("notes", [])
    interventions: dict[str, list[dict]] = {}
    for entry in attrs.get("interventions", []):
        interventions.setdefault(str(entry["person_id"]), []).append(entry)
    people: dict[str, list[dict]] = {}
    for entry in attrs.get("people") or []:
        people.setdefault(str(entry.get("person_id", "")), []).append(entry)
    out = []
    for person, rows in bare.groupby("person_id", sort=False):
        part = rows.drop(columns="person_id").dropna(axis=1, how="all").reset_index(drop=True)
        part.attrs = {**attrs, "person_id": str(person)}
        # Each person's notes: the general ones and their own (not those naming another user).
        part.attrs["notes"] = [n for n in notes if "(user " not in n or f"(user {person})" in n]
        part.attrs["interventions"] = interventions.get(str(person), [])
        if "people" in attrs:
            part.attrs["people"] = people.get(str(person), [])
        out.append((str(person), part))
    return out


def long_rows(
    export: ExportFile, notes: Notes, *, dayfirst: bool | None, source: str, need_person: bool = False
) -> pd.DataFrame:
    """The rows of a long file as ``person, day, name, value, unit, line``; rows without a date or a name are
    reported with their line and left out."""
    headers = {}
    for key, names in _COLUMNS.items():
        headers[key] = export.column(*names)
    missing = [key for key in ("date", "name", "value") if headers[key] is None]
    if missing:
        shown = ", ".join(list(export.frame.columns.astype(str))[:6])
        raise ImportFormatError(
            f"{export.label}: a long export needs the columns date, name and value (missing: {', '.join(missing)}); "
            f"its header row is: {shown}.",
            file=export.label,
            column=missing[0],
        )
    frame = export.frame
    # A date, or a date-time (an app logging each entry with its clock time) whose day is kept.
    day = days(export, str(headers["date"]), notes, source=source, dayfirst=dayfirst, with_time=True)
    name = frame[str(headers["name"])].astype("str").str.strip()
    no_name = is_missing(name)
    notes.skipped_rows += int((no_name & day.notna()).sum())  # those without a date are counted already
    if no_name.any():
        where = ", ".join(str(line) for line in export.lines[no_name.to_numpy()][:3])
        notes.add(f"{export.label}: {count(int(no_name.sum()), 'row')} without a name left out (lines {where}).")
    rows = pd.DataFrame(
        {
            "person": frame[headers["person"]].astype("str").str.strip() if headers["person"] else "",
            "day": day,
            "name": name,
            "value": frame[str(headers["value"])].astype("str").str.strip().replace({"nan": ""}),
            "unit": frame[headers["unit"]].astype("str").str.strip().replace({"nan": ""}) if headers["unit"] else "",
            "line": export.lines,
        }
    )
    if export.decimal_comma:  # "1,5" is 1.5 in this file (the engine reads decimal points)
        rows["value"] = rows["value"].str.replace(r"^\s*(-?\d+),(\d+)\s*$", r"\1.\2", regex=True)
    return rows[rows["day"].notna() & ~no_name.to_numpy()]


def read_generic(path: PathInput, *, mapping: str | Path | Mapping, dayfirst: bool | None = None) -> pd.DataFrame:
    """Read any app's long export (date, name, value[, unit][, person]) through a mapping file.

    Parameters
    ----------
    path : str, path-like, or a list of them
        The long CSV file(s), a folder or a zip of them.
    mapping : str, path-like or Mapping
        The mapping file (TOML or CSV; format in :mod:`spasmlog.importers.generic`).
    dayfirst : bool, optional
        How to read dates like ``03/04/2026`` when the column does not tell.

    Returns
    -------
    pandas.DataFrame
        The imported daily table of :mod:`spasmlog.importers`; with a ``person`` column naming several
        people, a ``person_id`` column too (:func:`split_people` gives one table per person).
        ``attrs["interventions"]`` lists the interventions found.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.toml").write_text('[names.Cramps]\\nas = "spasms"\\n[names.Mg]\\nas = "factor"\\n'
    ...                                      'column = "magnesium_mg"\\nunit = "g"\\n')
    >>> _ = (folder / "log.csv").write_text("date,name,value\\n2026-01-01,Cramps,3\\n2026-01-01,Mg,0.3\\n"
    ...                                     "2026-01-02,Cramps,0\\n2026-01-02,Mood,good\\n")
    >>> table = read_generic(folder / "log.csv", mapping=folder / "map.toml")
    >>> table[["magnesium_mg", "spasm_count", "app_spasm_severity"]]
       magnesium_mg  spasm_count  app_spasm_severity
    0         300.0          1.0                 3.0
    1           NaN          0.0                 0.0
    >>> [n for n in table.attrs["notes"] if "does not place" in n]  # doctest: +ELLIPSIS
    ["...: 1 name the mapping does not place, not imported: 'Mood' (1 row)."]
    """
    chosen = mapping if isinstance(mapping, Mapping) else read_mapping(mapping)
    notes = Notes()
    files: list[str] = []
    per_person: dict[str, list[pd.DataFrame]] = {}
    with export_files(path, source="long-format") as found:
        exports = [load_export(file, label) for file, label, _ in found]
    for export in exports:
        rows = long_rows(export, notes, dayfirst=dayfirst, source="the app")
        files.append(export.label)
        for person, part in rows.groupby("person", sort=False):
            per_person.setdefault(str(person), []).append(part)
    placed = {
        person: place(pd.concat(parts, ignore_index=True), chosen, notes, label=", ".join(files))
        for person, parts in per_person.items()
    }
    if not any(p.columns for p in placed.values()):
        raise ImportFormatError(
            f"Nothing in {', '.join(files)} could be placed by the mapping: " + " ".join(notes.finished()),
            file=files[0] if files else str(path),
        )
    return Tally.of(exports).stamp(table_of(placed, source=SOURCE, files=files, notes=notes), notes)
