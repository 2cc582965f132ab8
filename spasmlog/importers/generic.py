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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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
    daily_rule_broken,
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


# --- the engine: long rows of many people → per-person daily columns -------------------------------------

# Placing happens in the order the one-person reading did it (the notes keep that order): each name in the
# order of its first row, then the spasm ratings and counts, the amounts added up, the first values kept,
# the texts and the tags. A later stage writing a column an earlier one wrote replaces it, as it did.
_LOOP, _SEVERITY, _RATED_COUNT, _COUNTED, _AMOUNTS, _FIRSTS, _TEXTS, _TAGS = range(8)
_UNPLACED, _IGNORED = 8, 9  # stages of notes only
_ROLE_CODES = {"ignore": 1, "tag": 2, "text": 3, "intervention": 4, "spasms": 5, "factor": 6}  # 0: not placed


@dataclass
class Placed:
    """What :func:`place` made of the long rows of one or many people.

    ``cells`` holds one row per filled cell (``p``, the person's number in ``order``; ``column``; ``date``;
    ``value``); ``kinds`` names every column placed for a person, also one left empty because none of its
    values could be read, with its kind (``boolean``, ``float64`` or ``str``); ``interventions`` and
    ``notes`` are per person, in the order of their rows.
    """

    order: list[str]
    cells: pd.DataFrame
    kinds: dict[tuple[str, str], str]
    interventions: dict[str, list[dict[str, object]]]
    notes: dict[str, list[str]]

    def columns(self, person: str) -> dict[str, pd.Series]:
        """One person's columns as per-day series (an empty one for a column none of whose values was read)."""
        number = self.order.index(person)
        mine = self.cells[self.cells["p"] == number]
        out: dict[str, pd.Series] = {}
        for (who, column), kind in self.kinds.items():
            if who != person:
                continue
            part = mine[mine["column"] == column]
            out[column] = pd.Series(
                part["value"].to_numpy(), index=pd.DatetimeIndex(part["date"]), dtype=object if kind == "str" else kind
            )
        return out

    def merge(self, other: Placed) -> Placed:
        """These people and ``other``'s (none in both), in that order."""
        cells = other.cells.assign(p=other.cells["p"] + len(self.order))
        return Placed(
            self.order + other.order,
            pd.concat([self.cells, cells], ignore_index=True),
            {**self.kinds, **other.kinds},
            {**self.interventions, **other.interventions},
            {**self.notes, **other.notes},
        )


_CELLS = ["p", "column", "date", "value", "rank"]


def _rank(stage: int, position: object = 0, sub: int = 0) -> np.ndarray:
    """Which of two writings of one person's column came later (the later one is kept)."""
    return np.int64(stage) * (1 << 42) + np.asarray(position, dtype=np.int64) * 4 + sub


class _Engine:
    """The placing of one call to :func:`place`: rows sorted by person, each row's name and its placement."""

    def __init__(self, rows: pd.DataFrame, mapping: Mapping, label: Callable[[str], str]) -> None:
        codes, order = pd.factorize(rows["person"].astype("str"))
        sorter = np.argsort(codes, kind="stable")  # each person's rows in the order read
        frame = rows.iloc[sorter].reset_index(drop=True)
        self.order = [str(person) for person in order]
        self.labels = [label(person) for person in self.order]
        self.mapping = mapping
        self.p = codes[sorter].astype(np.int64)
        self.day = frame["day"]
        self.value = frame["value"]
        self.unit = frame["unit"] if "unit" in frame else pd.Series("", index=frame.index)
        self.line = frame["line"].to_numpy()
        self.n, names = pd.factorize(frame["name"].astype("str"))
        self.names = [str(name) for name in names]
        pair = self.p * max(len(self.names), 1) + self.n
        _, first, self.group = np.unique(pair, return_index=True, return_inverse=True)
        self.position = first[self.group]  # a name's order: the row where it first appears for its person
        self.placements = [mapping.placement(name) for name in self.names]  # once per distinct name
        role_of = np.array([0 if pl is None else _ROLE_CODES[pl.role] for pl in self.placements] + [0])
        self.role = role_of[self.n]
        self.empty = is_missing(self.value).to_numpy()
        self.cells: list[pd.DataFrame] = []
        self.kinds: list[pd.DataFrame] = []
        self.notes: list[tuple[int, int, int, int, str]] = []
        self.amounts: list[pd.DataFrame] = []  # p, column, date, number, position, order, keep
        self.firsts: list[pd.DataFrame] = []  # p, column, date, value, position, order, kind, g

    # -- collecting ---------------------------------------------------------------------------------------

    def note(self, person: Any, stage: int, position: Any, sub: int, text: str) -> None:
        self.notes.append((int(person), stage, int(position), sub, text))

    def label(self, person: Any) -> str:
        """The start of ``person``'s notes."""
        return self.labels[int(person)]

    def name(self, n: Any) -> str:
        """The name of code ``n``."""
        return self.names[int(n)]

    def write(self, p: object, column: object, date: object, value: object, rank: np.ndarray) -> None:
        p = np.asarray(p, dtype=np.int64)
        frame = {"p": p, "column": column, "date": np.asarray(date), "value": np.asarray(value, dtype=object)}
        self.cells.append(pd.DataFrame({**frame, "rank": np.broadcast_to(rank, p.shape)}))

    def register(self, p: object, column: object, kind: str, rank: np.ndarray) -> None:
        p = np.asarray(p, dtype=np.int64)
        self.kinds.append(
            pd.DataFrame({"p": p, "column": column, "kind": kind, "rank": np.broadcast_to(rank, p.shape)})
        )

    def rows(self, mask: np.ndarray) -> pd.DataFrame:
        """The rows of ``mask`` with their person, name, group, name order, day, value, unit and line."""
        where = np.flatnonzero(mask)
        return pd.DataFrame(
            {
                "p": self.p[where],
                "n": self.n[where],
                "g": self.group[where],
                "position": self.position[where],
                "order": where,
                "date": self.day.to_numpy()[where],
                "value": self.value.iloc[where].reset_index(drop=True),
                "unit": self.unit.iloc[where].reset_index(drop=True).astype("str").to_numpy(),
                "line": self.line[where],
            }
        )

    def per_name(self, rows: pd.DataFrame, values: Sequence[object]) -> np.ndarray:
        """``values`` (one per distinct name) for each of ``rows``."""
        table = np.empty(len(values) + 1, dtype=object)
        table[:-1] = values
        return table[rows["n"].to_numpy()]

    def report(self, bad: pd.DataFrame, sub: int, sentence: Callable[[str, str, pd.DataFrame], str]) -> None:
        """One note per name whose ``bad`` rows (sorted as read) are reported."""
        for _, rows in bad.groupby("g", sort=False):
            first = rows.iloc[0]
            name = self.names[int(first["n"])]
            self.note(first["p"], _LOOP, first["position"], sub, sentence(self.labels[int(first["p"])], name, rows))

    # -- the roles ----------------------------------------------------------------------------------------

    def unplaced(self) -> None:
        for role, stage in ((0, _UNPLACED), (_ROLE_CODES["ignore"], _IGNORED)):
            rows = self.rows(self.role == role)
            if not len(rows):
                continue
            sizes = rows.groupby(["p", "position", "n"], sort=True).size().reset_index(name="rows")
            for person, part in sizes.groupby("p", sort=True):
                label = self.label(person)
                names = [self.name(n) for n in part["n"]]
                if stage == _IGNORED:
                    self.note(
                        person, stage, 0, 0, f"{label}: left out as the mapping says: {', '.join(sorted(names))}."
                    )
                    continue
                ranked = sorted(zip(names, part["rows"], strict=True), key=lambda item: item[1], reverse=True)
                listed = ", ".join(f"{name!r} ({count(int(k), 'row')})" for name, k in ranked)
                self.note(
                    person,
                    stage,
                    0,
                    0,
                    f"{label}: {count(len(part), 'name')} the mapping does not place, not imported: {listed}.",
                )

    def tags(self) -> None:
        rows = self.rows(self.role == _ROLE_CODES["tag"])
        if not len(rows):
            return
        prefix = self.mapping.prefix
        rows["column"] = self.per_name(
            rows,
            [
                (pl.column or f"{prefix}_tag_{slug(name)}") if pl else ""
                for name, pl in zip(self.names, self.placements, strict=True)
            ],
        )
        columns = rows[["p", "column"]].drop_duplicates()
        self.register(columns["p"].to_numpy(), columns["column"].to_numpy(), "boolean", _rank(_TAGS))
        every = pd.DataFrame({"p": self.p, "date": self.day.to_numpy()}).dropna().drop_duplicates()
        grid = columns.merge(every, on="p")
        filled = rows[~self.empty[rows["order"].to_numpy()]][["p", "column", "date"]].drop_duplicates()
        grid = grid.merge(filled.assign(tagged=True), on=["p", "column", "date"], how="left")
        tagged = grid["tagged"].fillna(False).to_numpy(dtype=bool).astype(object)
        self.write(grid["p"].to_numpy(), grid["column"].to_numpy(), grid["date"].to_numpy(), tagged, _rank(_TAGS))

    def texts(self) -> None:
        rows = self.rows((self.role == _ROLE_CODES["text"]) & ~self.empty)
        if not len(rows):
            return
        rows["column"] = self.per_name(rows, [(pl.column or "notes") if pl else "" for pl in self.placements])
        rows["value"] = rows["value"].astype("str")
        rows = rows.sort_values(["position", "order"], kind="stable")  # a day's texts: by name, then as read
        joined = rows.groupby(["p", "column", "date"], sort=True)["value"].agg("; ".join).reset_index()
        self.write(joined["p"], joined["column"], joined["date"], joined["value"].astype(object), _rank(_TEXTS))
        columns = joined[["p", "column"]].drop_duplicates()
        self.register(columns["p"].to_numpy(), columns["column"].to_numpy(), "str", _rank(_TEXTS))

    def spasms(self) -> None:
        rows = self.rows((self.role == _ROLE_CODES["spasms"]) & ~self.empty)
        if not len(rows):
            return
        prefix = self.mapping.prefix
        numbers = parse_number(rows["value"].astype("str")).values.astype("float64").to_numpy()
        bad = np.isnan(numbers)
        self.report(rows[bad], 0, _unreadable_numbers)
        counted = self.per_name(rows, [bool(pl and pl.count) for pl in self.placements]).astype(bool)
        rows["number"] = numbers
        good = rows[~bad]
        rated_people = np.unique(rows.loc[~counted, "p"])
        names_rated = rows[~counted].groupby("p")["g"].nunique()
        severity = good[~counted[~bad]].groupby(["p", "date"], sort=True)["number"].max().reset_index()
        column = f"{prefix}_spasm_severity"
        self.register(rated_people, column, "float64", _rank(_SEVERITY))
        self.register(rated_people, "spasm_count", "float64", _rank(_RATED_COUNT))
        self.write(severity["p"], column, severity["date"], severity["number"].astype(object), _rank(_SEVERITY))
        at_least_one = (severity["number"] > 0).astype("float64")
        self.write(severity["p"], "spasm_count", severity["date"], at_least_one.astype(object), _rank(_RATED_COUNT))
        for person, names in names_rated.items():
            label = self.label(person)
            if names > 1:
                self.note(
                    person, _SEVERITY, 0, 0, f"{label}: several spasm symptoms on one day: the highest rating was kept."
                )
            self.note(
                person,
                _SEVERITY,
                0,
                1,
                f"{label}: spasm symptoms were rated, not counted: spasm_count is 0 on days rated 0 and 1 (at least "
                f"one spasm) on days rated above 0; the rating, on the app's own scale, is in {prefix}_spasm_severity.",
            )
        if not counted.any():
            return
        names_counted = rows[counted].groupby("p")["g"].nunique()
        per_name = good[counted[~bad]].groupby(["p", "position", "date"], sort=True)["number"].sum().reset_index()
        added = per_name.sort_values("position", kind="stable").groupby(["p", "date"], sort=True)["number"].sum()
        rated = pd.Series(at_least_one.to_numpy(), index=pd.MultiIndex.from_frame(severity[["p", "date"]]))
        rated = rated[rated.index.get_level_values("p").isin(names_counted.index)]
        combined = added.combine_first(rated).reset_index()
        self.register(names_counted.index.to_numpy(), "spasm_count", "float64", _rank(_COUNTED))
        self.write(combined["p"], "spasm_count", combined["date"], combined.iloc[:, 2].astype(object), _rank(_COUNTED))
        for person, names in names_counted.items():
            if names > 1:
                label = self.label(person)
                self.note(person, _COUNTED, 0, 0, f"{label}: the counts of several spasm names were added up per day.")

    def interventions(self) -> dict[str, list[dict[str, object]]]:
        rows = self.rows((self.role == _ROLE_CODES["intervention"]) & ~self.empty)
        found: dict[str, list[dict[str, object]]] = {}
        if not len(rows):
            return found
        prefix = self.mapping.prefix
        shown = [name.split("\x1f")[-1] for name in self.names]  # Flaredown's research rows: "Type\x1fName"
        base = [f"{prefix}_{slug(name)}" if prefix != "app" else slug(name) for name in shown]
        codes, distinct = pd.factorize(rows["value"].astype("str"))
        doses = [parse_dose(str(text)) for text in distinct]
        taken = np.array([d[0] for d in doses] + [None], dtype=object)[codes]
        amount = np.array([np.nan if d[1] is None else d[1] for d in doses] + [np.nan], dtype="float64")[codes]
        written = np.array([d[2] for d in doses] + [None], dtype=object)[codes]
        mapped = self.per_name(rows, [pl.unit if pl else None for pl in self.placements])
        units = [w or (u or None) or m for w, u, m in zip(written, rows["unit"], mapped, strict=True)]
        factors = _factors(units, "milligram")
        bad = np.array([t is None for t in taken])
        is_taken = np.array([t is True for t in taken])
        not_taken = np.array([t is False for t in taken])
        self.report(rows[bad], 0, _unreadable_doses)
        rows["column"] = self.per_name(rows, [f"{b}_taken" for b in base])
        groups = rows.drop_duplicates("g").sort_values(["p", "position"], kind="stable")  # in the order of names
        self.register(groups["p"].to_numpy(), groups["column"].to_numpy(), "boolean", _rank(_LOOP, groups["position"]))
        rows["taken"] = is_taken
        flags = rows[~bad].groupby(["p", "position", "column", "date"], sort=True)["taken"].max().reset_index()
        self.write(flags["p"], flags["column"], flags["date"], flags["taken"].astype(object),
                   _rank(_LOOP, flags["position"]))  # fmt: skip
        rows["mg"] = np.where(not_taken, 0.0, amount * factors)
        mass = pd.Series(~np.isnan(amount) & is_taken & ~np.isnan(factors)).groupby(rows["g"]).transform("any")
        heavy = rows[mass.to_numpy() & ~np.isnan(rows["mg"].to_numpy())]
        if len(heavy):
            heavy = heavy.assign(column=self.per_name(heavy, [f"{b}_mg" for b in base]))
            mg = heavy.groupby(["p", "position", "n", "column", "date"], sort=True)["mg"].sum(min_count=1).reset_index()
            named = mg.drop_duplicates(["p", "position"])
            self.register(named["p"].to_numpy(), named["column"].to_numpy(), "float64",
                          _rank(_LOOP, named["position"], 1))  # fmt: skip
            self.write(mg["p"], mg["column"], mg["date"], mg["mg"].astype(object), _rank(_LOOP, mg["position"], 1))
            minerals = [_mineral(name, pl) if pl else None for name, pl in zip(shown, self.placements, strict=True)]
            mg["column"] = self.per_name(mg, minerals)
            mg = mg[mg["column"].notna()]
            for person, position, n in mg.drop_duplicates(["p", "position"])[["p", "position", "n"]].itertuples(
                index=False
            ):
                self.note(
                    person,
                    _LOOP,
                    position,
                    1,
                    f"{self.label(person)}: the {shown[int(n)]!r} doses in mg were added to {minerals[int(n)]} "
                    "(supplement only: food is not in it unless another name adds it).",
                )
            mg["order"] = np.arange(len(mg))
            self.add_amounts(mg.rename(columns={"mg": "number"}), (mg["mg"] > 0).to_numpy())
        # The intervention of each name: first and last day taken, the most frequent dose written.
        rows["text"] = rows["value"].astype("str").str.strip()
        took = rows[is_taken]
        spans = took.groupby("g").agg(start=("date", "min"), end=("date", "max"), days=("date", "nunique"))
        first_text = took.groupby("g")["text"].first()
        # A dose the daily table refuses as the day's intake of its mineral is no dose of the intervention:
        # left out of it, and named in its notes (the same rule as Bearable's and Visible's).
        intakes = [_mineral(name, pl) if pl else None for name, pl in zip(shown, self.placements, strict=True)]
        intake = pd.Series(self.per_name(took, intakes), index=took.index)
        checked = took.loc[intake.notna() & took["mg"].notna(), ["g", "text", "date", "mg"]].assign(intake=intake)
        rules = {
            (c, m): daily_rule_broken(c, m) for c, m in checked[["intake", "mg"]].drop_duplicates().itertuples(False)
        }
        checked["rule"] = [rules[(c, m)] for c, m in zip(checked["intake"], checked["mg"], strict=True)]
        refused = checked[checked["rule"].notna()]
        left_out = {
            g: "; ".join(f"{r.text} on {r.date:%Y-%m-%d} ({r.rule})" for r in part.itertuples())
            for g, part in refused.drop_duplicates(["g", "text"]).groupby("g", sort=False)
        }
        took = took.drop(index=refused.index)
        tally = took.groupby(["g", "text"], sort=False).agg(k=("order", "size"), at=("order", "min")).reset_index()
        tally = tally.sort_values(["g", "k", "at"], ascending=[True, False, True], kind="stable")
        dose = tally.drop_duplicates("g").set_index("g")["text"]
        for g, person, n, position in zip(groups["g"], groups["p"], groups["n"], groups["position"], strict=True):
            placement = self.placements[int(n)]
            assert placement is not None
            if g in spans.index:
                start, end, days = spans.loc[g, "start"], spans.loc[g, "end"], int(spans.loc[g, "days"])
                written_dose = dose.get(g, "") if fold(first_text[g]) not in _TAKEN else ""
            else:
                start, end, days, written_dose = None, None, 0, ""
            entry = {"name": shown[int(n)], "kind": placement.kind, "start": start, "end": end,
                     "dose": written_dose, "days_taken": days}  # fmt: skip
            if g in left_out:
                entry["left_out"] = f"left out of the dose, refused from the day's intake: {left_out[g]}"
                self.note(
                    person,
                    _LOOP,
                    position,
                    2,
                    f"{self.label(person)}: {shown[int(n)]!r} doses refused from the day's intake are left out of "
                    f"its intervention's dose in interventions.csv too (its notes name them): {left_out[g]}.",
                )
            found.setdefault(self.order[int(person)], []).append(entry)
        return found

    def factors(self) -> None:
        rows = self.rows((self.role == _ROLE_CODES["factor"]) & ~self.empty)
        if not len(rows):
            return
        columns = [
            (pl.column or slug(name)) if pl else "" for name, pl in zip(self.names, self.placements, strict=True)
        ]
        # A unit is converted for the log's own columns, and for your own ones when the mapping gives a unit:
        # a Flaredown symptom called "Pain h" is not hours.
        targets = [
            _target_unit(c) if pl and (c in _DAILY or pl.unit) else None
            for c, pl in zip(columns, self.placements, strict=True)
        ]
        rows["column"] = self.per_name(rows, columns)
        rows["target"] = self.per_name(rows, targets)
        numbers = parse_number(rows["value"].astype("str")).values.astype("float64").to_numpy()
        rows["number"] = numbers
        bad = pd.Series(np.isnan(numbers))
        unread = bad.groupby(rows["g"]).transform("all").to_numpy() & rows["target"].isna().to_numpy()
        yes_no = pd.Series(pd.NA, index=rows.index, dtype="boolean")
        if unread.any():  # a name none of whose values is a number may be yes/no
            yes_no[unread] = parse_boolean(rows.loc[unread, "value"].astype("str")).values.to_numpy()
        flagged = unread & yes_no.notna().groupby(rows["g"]).transform("all").to_numpy()
        self.report(rows[bad.to_numpy() & ~flagged], 0, _unreadable_numbers)
        flags = rows[flagged].assign(value=yes_no[flagged].to_numpy(dtype=bool), kind="boolean")
        targeted = rows["target"].notna().to_numpy()
        plain = rows[~flagged & ~targeted]
        plain = plain.assign(value=plain["number"], kind="float64")
        self.firsts.append(flags[["p", "column", "date", "value", "position", "order", "kind", "g"]])
        self.firsts.append(plain[["p", "column", "date", "value", "position", "order", "kind", "g"]])
        if not targeted.any():
            return
        rows = rows[targeted].copy()
        rows["unit"] = rows["unit"].where(
            rows["unit"] != "", self.per_name(rows, [pl.unit or "" if pl else "" for pl in self.placements])
        )
        rows["factor"] = _factors([u or None for u in rows["unit"]], rows["target"].tolist())
        lost = pd.Series(np.isnan(rows["factor"].to_numpy()), index=rows.index)
        none = lost.groupby(rows["g"]).transform("all").to_numpy()
        for _, group in rows[none].groupby("g", sort=False):
            first = group.iloc[0]
            column = str(first["column"])
            shown = sorted({u for u in group["unit"] if u}) or ["none"]
            self.note(
                first["p"],
                _LOOP,
                first["position"],
                1,
                f"{self.labels[int(first['p'])]}: {self.names[int(first['n'])]!r} ({count(len(group), 'row')}) was not "
                f"imported: its unit ({', '.join(shown)}) cannot be converted to the unit of {column}; give its unit "
                f'in the mapping file (unit = "{column.rsplit("_", 1)[-1]}" if the values are already in it).',
            )
        rows = rows[~none]
        some = lost[~none].groupby(rows["g"]).transform("any").to_numpy()
        for _, group in rows[some].groupby("g", sort=False):
            first = group.iloc[0]
            self.note(
                first["p"],
                _LOOP,
                first["position"],
                1,
                f"{self.labels[int(first['p'])]}: {self.names[int(first['n'])]!r}: rows whose unit cannot be converted "
                f"to {first['column']} were left out.",
            )
        converted = rows[rows["factor"].notna() & (rows["factor"] != 1)].drop_duplicates("g")
        for person, position, n, unit, column in converted[["p", "position", "n", "unit", "column"]].itertuples(
            index=False
        ):
            label = self.label(person)
            self.note(person, _LOOP, position, 2, f"{label}: {self.name(n)!r} converted from {unit} to {column}.")
        rows["number"] = rows["number"] * rows["factor"]
        self.add_amounts(rows, rows["number"].notna().to_numpy())

    def add_amounts(self, rows: pd.DataFrame, keep: np.ndarray) -> None:
        """Amounts of a column added up per day (``keep`` the rows with a value; every name registers)."""
        self.amounts.append(rows.assign(keep=keep)[["p", "column", "date", "number", "position", "order", "keep"]])

    def added(self) -> None:
        if not self.amounts:
            return
        rows = pd.concat(self.amounts, ignore_index=True)
        first = rows.groupby(["p", "column"], sort=False)["position"].min().reset_index()
        self.register(first["p"].to_numpy(), first["column"].to_numpy(), "float64", _rank(_AMOUNTS))
        rows = rows[rows["keep"].to_numpy(dtype=bool)].sort_values(["p", "position", "order"], kind="stable")
        sums = rows.groupby(["p", "column", "date"], sort=True)["number"].agg(["sum", "size"]).reset_index()
        self.write(sums["p"], sums["column"], sums["date"], sums["sum"].astype(object), _rank(_AMOUNTS))
        several = sums[sums["size"] > 1].drop_duplicates(["p", "column"]).merge(first, on=["p", "column"])
        for person, column, position in several[["p", "column", "position"]].itertuples(index=False):
            label = self.label(person)
            self.note(person, _AMOUNTS, position, 0, f"{label}: {column}: several values of one day were added up.")

    def first_values(self) -> None:
        parts = [part for part in self.firsts if len(part)]
        kinds = pd.concat(self.firsts, ignore_index=True) if self.firsts else pd.DataFrame()
        if not len(kinds):
            return
        # A column's kind: of its values, or str (as text) where one name wrote yes/no and another numbers.
        named = kinds.drop_duplicates(["p", "column", "kind"])
        first = named.groupby(["p", "column"], sort=False).agg(position=("position", "min"), kinds=("kind", "nunique"),
                                                              kind=("kind", "first")).reset_index()  # fmt: skip
        first.loc[first["kinds"] > 1, "kind"] = "str"
        for kind, part in first.groupby("kind"):
            self.register(part["p"].to_numpy(), part["column"].to_numpy(), str(kind), _rank(_FIRSTS))
        if not parts:
            return
        rows = pd.concat(parts, ignore_index=True).sort_values(["p", "position", "order"], kind="stable")
        rows["value"] = rows["value"].astype(object)
        rows = rows[rows["value"].notna().to_numpy()]  # numbers that could not be read (reported above)
        numeric = rows["value"].astype("float64")
        spread = numeric.groupby([rows["p"], rows["column"], rows["date"]], sort=True).agg(["max", "min"])
        spread_days = (spread["max"] != spread["min"]).groupby(level=[0, 1]).sum()
        kept = rows.groupby(["p", "column", "date"], sort=True)["value"].first().reset_index()
        self.write(kept["p"], kept["column"], kept["date"], kept["value"].to_numpy(), _rank(_FIRSTS))
        differing = spread_days[spread_days > 0].reset_index(name="days").merge(first, on=["p", "column"])
        for person, column, number, position in differing[["p", "column", "days", "position"]].itertuples(index=False):
            label = self.label(person)
            self.note(
                person,
                _FIRSTS,
                position,
                0,
                f"{label}: {column}: {count(int(number), 'day')} with differing values; the first kept.",
            )

    def placed(self, interventions: dict[str, list[dict[str, object]]]) -> Placed:
        registry = (
            pd.concat(self.kinds, ignore_index=True)
            if self.kinds
            else pd.DataFrame(columns=["p", "column", "kind", "rank"])
        )
        registry = registry.sort_values("rank", kind="stable").drop_duplicates(["p", "column"], keep="last")
        cells = pd.concat(self.cells, ignore_index=True) if self.cells else pd.DataFrame(columns=_CELLS)
        cells = cells.merge(registry[["p", "column", "rank"]], on=["p", "column", "rank"])  # the last writing kept
        cells = cells[["p", "column", "date", "value"]]
        cells["date"] = pd.DatetimeIndex(cells["date"]).astype("datetime64[us]")
        kinds = {
            (self.order[int(p)], str(column)): str(kind)
            for p, column, kind in registry[["p", "column", "kind"]].itertuples(index=False)
        }
        notes: dict[str, list[str]] = {person: [] for person in self.order}
        for person, *_, text in sorted(self.notes, key=lambda n: n[:4]):
            notes[self.order[person]].append(text)
        return Placed(self.order, cells, kinds, interventions, notes)


def _factors(units: list[str | None], targets: list[str] | str) -> np.ndarray:
    """The factor from each unit to its target (NaN where it cannot be converted), once per distinct pair."""
    targets = [targets] * len(units) if isinstance(targets, str) else targets
    known: dict[tuple[str | None, str], float] = {}
    out = np.empty(len(units), dtype="float64")
    for i, key in enumerate(zip(units, targets, strict=True)):
        if key not in known:
            factor = unit_factor(key[0], key[1]) if key[0] else None
            known[key] = np.nan if factor is None else factor
        out[i] = known[key]
    return out


def _unreadable_numbers(label: str, name: str, bad: pd.DataFrame) -> str:
    shown = "; ".join(f"line {line}: {value!r}" for line, value in zip(bad["line"][:3], bad["value"][:3], strict=True))
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    return (
        f"{label}: {count(len(bad), 'value')} of {name!r} could not be read as a number and "
        f"{'was' if len(bad) == 1 else 'were'} left out ({shown}{more})."
    )


def _unreadable_doses(label: str, name: str, bad: pd.DataFrame) -> str:
    shown = "; ".join(f"line {line}: {v!r}" for line, v in zip(bad["line"][:3], bad["value"][:3], strict=True))
    verb = "was" if len(bad) == 1 else "were"
    name = name.split("\x1f")[-1]
    return f"{label}: {count(len(bad), 'dose')} of {name!r} could not be read and {verb} left out ({shown})."


def place(rows: pd.DataFrame, mapping: Mapping, *, label: Callable[[str], str]) -> Placed:
    """Per-day columns, interventions and notes of every person in long ``rows``, placed by ``mapping``.

    ``rows`` has the columns ``person`` (text, ``""`` for one unnamed person), ``day`` (midnight), ``name``,
    ``value`` (text, ``""`` when empty), ``unit`` (text or ``""``) and ``line`` (the line a person sees).
    All people are placed at once: each distinct name is looked up once, and each rule works on the rows of
    every person together. ``label(person)`` starts that person's notes; what could not be placed is in them.

    Examples
    --------
    >>> rows = pd.DataFrame({"person": ["a", "a", "b"], "day": pd.to_datetime(["2026-01-01"] * 3),
    ...                      "name": ["Cramps", "Mood", "Cramps"], "value": ["2", "ok", "0"], "unit": "",
    ...                      "line": [2, 3, 4]})
    >>> mapping = Mapping({"cramps": Placement("spasms", count=True)})
    >>> placed = place(rows, mapping, label=lambda person: f"log.csv ({person})")
    >>> placed.columns("b")["spasm_count"].tolist(), placed.notes["a"]
    ([0.0], ["log.csv (a): 1 name the mapping does not place, not imported: 'Mood' (1 row)."])
    """
    engine = _Engine(rows, mapping, label)
    interventions = engine.interventions()
    engine.spasms()
    engine.factors()
    engine.added()
    engine.first_values()
    engine.texts()
    engine.tags()
    engine.unplaced()
    return engine.placed(interventions)


def table_of(
    placed: Placed, *, source: str, files: list[str], notes: Notes, people: list[dict] | None = None
) -> pd.DataFrame:
    """The imported daily table: one person's, or several people's with a ``person_id`` column."""
    if len(placed.order) == 1:
        table = build_table(placed.columns(placed.order[0]), source=source, files=files, notes=[])
    else:
        table = _people_table(placed)
    table.attrs = {
        "source": source,
        "files": list(dict.fromkeys(files)),
        "notes": notes.finished(),
        "interventions": [
            {"person_id": person, **entry} for person in placed.order for entry in placed.interventions.get(person, [])
        ],
    }
    if len(placed.order) == 1 and placed.order[0]:
        table.attrs["person_id"] = placed.order[0]
    if people is not None:
        table.attrs["people"] = people
    return table


def _people_table(placed: Placed) -> pd.DataFrame:
    """Several people's columns in one table (``person_id``, ``date``, then the columns as
    :func:`~spasmlog.importers._csv.build_table` orders and types them), built in one go: a research export
    holds thousands of people."""
    cells = placed.cells
    if not len(cells):
        return pd.DataFrame({"person_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[us]")})
    present = cells[["p", "column"]].drop_duplicates()
    kind_of = [placed.kinds[(placed.order[int(p)], str(c))] for p, c in present.itertuples(index=False)]
    # A column's kind: the one of every person's, or str (as text) where they differ.
    kinds: dict[str, str] = {}
    for column, kind in zip(present["column"], kind_of, strict=True):
        kinds[str(column)] = kind if kinds.get(str(column), kind) == kind else "str"
    canonical = [c for c in field_specs("daily") if c in kinds]
    order = canonical + sorted(c for c in kinds if c not in canonical)
    wide = cells.pivot(index=["p", "date"], columns="column", values="value")  # noqa: PD010 (one value per key)
    wide = wide.sort_index().reset_index()
    people = np.array(placed.order, dtype=object)
    data: dict[str, pd.Series] = {
        "person_id": pd.Series(people[wide["p"].to_numpy()]).astype("str"),
        "date": wide["date"].astype("datetime64[us]"),
    }
    for column in order:
        kind = kinds[column]
        values = wide[column].astype(object)
        if kind == "boolean":
            data[column] = values.astype("boolean")
        elif kind == "float64":
            data[column] = pd.to_numeric(values).astype("float64")
        else:
            data[column] = values.where(values.isna(), values.astype("str"))
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
    with export_files(path, source="long-format") as found:
        exports = [load_export(file, label) for file, label, _ in found]
    parts = []
    for export in exports:
        parts.append(long_rows(export, notes, dayfirst=dayfirst, source="the app"))
        files.append(export.label)
    label = ", ".join(files)
    placed = place(pd.concat(parts, ignore_index=True), chosen, label=lambda _: label)
    for person in placed.order:
        for sentence in placed.notes[person]:
            notes.add(sentence)
    if not placed.kinds:
        raise ImportFormatError(
            f"Nothing in {', '.join(files)} could be placed by the mapping: " + " ".join(notes.finished()),
            file=files[0] if files else str(path),
        )
    return Tally.of(exports).stamp(table_of(placed, source=SOURCE, files=files, notes=notes), notes)
