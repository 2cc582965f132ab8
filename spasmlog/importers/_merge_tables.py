"""Merging an import's interventions and people into ``interventions.csv`` and ``people.csv`` of a log folder.

The symptom-app readers (Bearable, Visible, Flaredown, the generic long format) give, besides the daily
table, ``attrs["interventions"]`` (the medicines and supplements taken, first and last day, doses) and, for
exports of several people, ``attrs["people"]`` (sex, age, country as the app wrote them). The rules follow
those of the daily table (:mod:`spasmlog.importers.merge`):

- provenance: each row an import writes has a row in ``provenance.csv`` (``column`` is
  ``interventions:<name>`` with the intervention's ``start`` as ``date``, or ``people:<column>`` with an
  empty ``date`` and, as ``detail``, how the importer got the value when its entry says so under
  ``"detail"``: ``{"birth_year": "..."}``); a row without one is the person's own;
- re-importing the same file changes nothing: an intervention already in the log with the same name,
  start, end, dose and kind is left alone;
- an intervention that an earlier import *of the same source* wrote, whose days overlap or touch the new
  one's, is updated to the span of both (a later export of the same app covers more days; nothing of the
  earlier one is lost); one whose days lie apart is added as a row of its own;
- a row the person wrote (or another app's import) with the same name is never changed: where it says
  something else (other days or dose) the difference is reported as ``kept`` (``overwritten`` with
  ``overwrite=True``); a row of the person whose days cover the import's, with the same dose or none, already
  says it and nothing is reported;
- an intervention never taken (no start day), or one that breaks a rule of the log format, is refused and
  reported; a person's column already filled with another value is kept and reported.

Private: :func:`spasmlog.importers.merge.merge_into` is the public entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spasmlog.importers._csv import count, normalise_header
from spasmlog.io import parsing
from spasmlog.io.cells import unneutralise_frame
from spasmlog.io.sources import csv_dialect, read_cells
from spasmlog.logformat.schemas import INTERVENTION_KINDS, SEXES
from spasmlog.logformat.units import resolve_header
from spasmlog.validation import validate_tables

__all__: list[str] = []  # private helpers; merge_into is the public entry

TABLE_CHANGE_COLUMNS = [
    "table",
    "person_id",
    "name",
    "column",
    "action",
    "logged_value",
    "imported_value",
    "source",
    "file",
    "reason",
]
"""Columns of :attr:`~spasmlog.importers.merge.MergeResult.table_changes`: one row per intervention (``name``)
or person's cell (``column``) an import wrote, updated, kept or refused."""

_FIELDS = {
    "interventions": ("person_id", "name", "kind", "start", "end", "dose", "notes"),
    "people": ("person_id", "sex", "birth_year"),
}
_DETAIL = "detail"
"""The key of an imported person's entry (``attrs["people"]``) that is no fact but says, per column, how the
importer got the value (``{"birth_year": "the year of the Health profile's date of birth"}``); it goes to the
``detail`` of the column's provenance row."""
_UNSPECIFIED = {"doesnt_say", "doesn't say", "does not say", "prefer not to say", "not specified", "unknown"}


@dataclass
class TableFile:
    """A table of the log folder as text cells, with how to write it back the same way."""

    path: Path
    frame: pd.DataFrame
    encoding: str = "utf-8"
    delimiter: str = ","
    newline: str = "\n"
    existed: bool = False
    header_of: dict[str, str] = field(default_factory=dict)


def read_table_file(path: Path, table: str, new_headers: tuple[str, ...]) -> TableFile:
    """The table at ``path`` as text cells (``new_headers`` when it does not exist yet)."""
    if not path.exists():
        frame = pd.DataFrame({h: pd.Series(dtype="str") for h in new_headers})
        found = TableFile(path, frame)
    else:
        encoding, delimiter, _, newline, skip = csv_dialect(path)
        frame = unneutralise_frame(read_cells(path, delimiter=delimiter, skip=skip, encoding=encoding))
        found = TableFile(path, frame, encoding, delimiter, newline, existed=True)
    for header in found.frame.columns:
        match = resolve_header(str(header), table)
        if match is not None and match.problem is None and match.field not in found.header_of:
            found.header_of[match.field] = str(header)
    return found


@dataclass
class TableMerge:
    """What merging one table changed: the new cells, the changes, and the provenance rows added or removed."""

    file: TableFile
    changes: list[dict[str, object]] = field(default_factory=list)
    provenance: list[dict[str, str]] = field(default_factory=list)
    dropped: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return any(c["action"] in ("added", "filled", "updated", "overwritten") for c in self.changes)


def _mine(file: TableFile, person: str) -> pd.Series:
    """Which rows of a table belong to ``person`` (all, when it has no ``person_id`` column)."""
    header = file.header_of.get("person_id")
    if header is None:
        return pd.Series(True, index=file.frame.index)
    ids = file.frame[header].astype("str").str.strip()
    return ids.eq(person) | parsing.is_missing(ids)


def _set(file: TableFile, row: int, column: str, text: str) -> None:
    header = file.header_of.get(column, column)
    if header not in file.frame.columns:
        file.frame[header] = ""
        file.header_of.setdefault(column, header)
    file.frame.at[row, header] = text


def _cell(file: TableFile, row: int, column: str) -> str:
    header = file.header_of.get(column, column)
    if header not in file.frame.columns:
        return ""
    value = file.frame.at[row, header]
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _append(file: TableFile, cells: dict[str, str]) -> int:
    for column in cells:
        if file.header_of.get(column, column) not in file.frame.columns:
            file.frame[file.header_of.get(column, column)] = ""
            file.header_of.setdefault(column, column)
    row = {file.header_of.get(c, c): v for c, v in cells.items()}
    file.frame = pd.concat([file.frame, pd.DataFrame([row])], ignore_index=True).fillna("")
    return len(file.frame) - 1


# --- interventions --------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    name: str
    kind: str
    start: pd.Timestamp
    end: pd.Timestamp | None
    dose: str
    notes: str

    def cells(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": self.kind,
            "start": f"{self.start:%Y-%m-%d}",
            "end": "" if self.end is None else f"{self.end:%Y-%m-%d}",
            "dose": self.dose,
            "notes": self.notes,
        }

    def shown(self) -> str:
        until = "open-ended" if self.end is None else f"{self.end:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} to {until}" + (f", {self.dose}" if self.dose else "")


def _date(value: object) -> pd.Timestamp | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.normalize()


def _entries(
    raw: list[dict], person: str, source: str, file_label: str
) -> tuple[list[_Entry], list[dict[str, object]]]:
    """The imported interventions the log format accepts, and the refusals (never taken, a broken rule)."""
    refused: list[dict[str, object]] = []
    entries: list[_Entry] = []
    for item in raw:
        name = str(item.get("name", "")).strip()
        start, end = _date(item.get("start")), _date(item.get("end"))
        base = {
            "table": "interventions",
            "person_id": person,
            "name": name,
            "column": "",
            "action": "refused",
            "logged_value": None,
            "source": source,
            "file": file_label,
        }
        if start is None:
            refused.append({**base, "imported_value": None, "reason": "never taken: no day with a dose"})
            continue
        notes = str(item.get("notes") or "")
        if not notes and item.get("days_taken"):
            notes = f"from {source}: taken on {count(int(item['days_taken']), 'day')} between the first and last day"
        if item.get("left_out"):  # doses the daily table refused as a day's intake, named, not lost
            notes = "; ".join(n for n in (notes, str(item["left_out"])) if n)
        entries.append(
            _Entry(name, str(item.get("kind") or "other"), start, end, str(item.get("dose") or "").strip(), notes)
        )
    if not entries:
        return entries, refused
    frame = pd.DataFrame([{"person_id": person, **e.cells()} for e in entries])
    log = validate_tables({"interventions": frame}, errors="quarantine")
    problems = log.problems[(log.problems["severity"] == "error") & log.problems["line"].notna()]
    bad: dict[int, str] = {}
    for problem in problems.to_dict("records"):
        row = int(problem["line"]) - 1
        bad.setdefault(row, _why(problem, entries[row]))
    kept = []
    for row, entry in enumerate(entries):
        if row in bad:
            refused.append(
                {
                    "table": "interventions",
                    "person_id": person,
                    "name": entry.name,
                    "column": "",
                    "action": "refused",
                    "logged_value": None,
                    "imported_value": entry.shown(),
                    "source": source,
                    "file": file_label,
                    "reason": bad[row],
                }
            )
        else:
            kept.append(entry)
    return kept, refused


def _logged(file: TableFile, i: int, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Row ``i`` of interventions.csv in a few words: its days and dose."""
    dose = _cell(file, i, "dose")
    until = "open-ended" if pd.isna(end) else f"{end:%Y-%m-%d}"
    begin = _cell(file, i, "start") if pd.isna(start) else f"{start:%Y-%m-%d}"
    return f"{begin} to {until}" + (f", {dose}" if dose else "")


def _equal(file: TableFile, i: int, start: pd.Timestamp, end: pd.Timestamp, entry: _Entry) -> bool:
    """Whether row ``i`` already says what ``entry`` says (days, dose, kind)."""
    end_same = (pd.isna(end) and entry.end is None) or (entry.end is not None and not pd.isna(end) and end == entry.end)
    return (
        start == entry.start
        and end_same
        and _cell(file, i, "dose") == entry.dose
        and normalise_header(_cell(file, i, "kind") or entry.kind) == normalise_header(entry.kind)
    )


def _why(problem: dict, entry: _Entry) -> str:
    """The rule of the log format an imported intervention breaks, in a few words."""
    rule = str(problem["rule"])
    if rule == "in_future" or "future" in rule:
        return f"start {entry.start:%Y-%m-%d} is in the future"
    if rule == "not_in_categories":
        return f"kind {entry.kind!r} is not one of {', '.join(INTERVENTION_KINDS)}"
    if rule == "end_not_before_start" and entry.end is not None:
        return f"end {entry.end:%Y-%m-%d} is before start {entry.start:%Y-%m-%d}"
    field_name = problem["field"] if isinstance(problem["field"], str) and problem["field"] else "row"
    return f"{field_name} {problem['value']}: {rule.replace('_', ' ')}"


def _dose_parts(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def merge_interventions(
    raw: list[dict],
    path: Path,
    *,
    person: str,
    source: str,
    file_label: str,
    imported_by: dict[tuple[str, str, str], str],
    overwrite: bool,
    dayfirst: bool | None,
    with_person: bool,
) -> TableMerge:
    """Merge the imported interventions into the person's ``interventions.csv`` (see the module's rules);
    a new file has a ``person_id`` column when ``with_person`` (the folder holds several people)."""
    headers = ("name", "kind", "start", "end", "dose", "notes")
    file = read_table_file(path, "interventions", (("person_id",) if with_person else ()) + headers)
    entries, refused = _entries(raw, person, source, file_label)
    merge = TableMerge(file, changes=list(refused))
    if not entries:
        return merge

    days: dict[str, pd.Series] = {}  # the parsed column, until the next change of the table

    def parsed(column: str) -> pd.Series:
        if column in days:
            return days[column]
        header = file.header_of.get(column)
        if header is None:
            days[column] = pd.Series(pd.NaT, index=file.frame.index, dtype="datetime64[us]")
        else:
            days[column] = parsing.parse_dates(file.frame[header], kind="date", dayfirst=dayfirst).values
        return days[column]

    for entry in entries:
        frame = file.frame
        name_header = file.header_of.get("name")
        names = (
            frame[name_header].astype("str").map(normalise_header)
            if name_header is not None
            else pd.Series("", index=frame.index)
        )
        same = [int(i) for i in frame.index[_mine(file, person) & names.eq(normalise_header(entry.name))]]
        base = {
            "table": "interventions",
            "person_id": person,
            "name": entry.name,
            "column": "",
            "imported_value": entry.shown(),
            "source": source,
            "file": file_label,
            "reason": "",
        }
        row_start: dict[int, pd.Timestamp] = {}
        row_end: dict[int, pd.Timestamp] = {}
        if same:  # the days of the rows of this name (parsing the whole column is slow: only when needed)
            starts, ends = parsed("start"), parsed("end")
            row_start = {i: starts.iloc[i] for i in same}
            row_end = {i: ends.iloc[i] for i in same}

        if any(_equal(file, i, row_start[i], row_end[i], entry) for i in same):
            continue
        key_of = {i: (person, _cell(file, i, "start"), f"interventions:{_cell(file, i, 'name')}") for i in same}
        own = [i for i in same if imported_by.get(key_of[i]) == source and not pd.isna(row_start[i])]
        others = [i for i in same if i not in own]
        end = entry.end if entry.end is not None else entry.start
        touching = [
            i
            for i in own
            if row_start[i] <= end + pd.Timedelta(days=1)
            and (pd.isna(row_end[i]) or row_end[i] >= entry.start - pd.Timedelta(days=1))
        ]
        if touching:
            i = touching[0]
            start = min(row_start[i], entry.start)
            until = None if pd.isna(row_end[i]) or entry.end is None else max(row_end[i], entry.end)
            doses = list(dict.fromkeys(_dose_parts(_cell(file, i, "dose")) + _dose_parts(entry.dose)))
            covers = entry.start <= row_start[i] and (entry.end is None or (until is not None and entry.end >= until))
            earlier = [n for n in _cell(file, i, "notes").split(" | ") if n]
            notes = entry.notes if covers else " | ".join(dict.fromkeys([*earlier, entry.notes]))
            merged = _Entry(_cell(file, i, "name"), entry.kind, start, until, "; ".join(doses), notes)
            if all(_cell(file, i, column) == text for column, text in merged.cells().items()):
                continue  # the row already spans this export's days and doses
            merge.changes.append(
                {
                    **base,
                    "action": "updated",
                    "logged_value": _logged(file, i, row_start[i], row_end[i]),
                    "imported_value": merged.shown(),
                }
            )
            for column, text in merged.cells().items():
                _set(file, i, column, text)
            days.clear()
            merge.dropped.add(key_of[i])
            merge.provenance.append(
                _provenance(person, merged.cells()["start"], f"interventions:{merged.name}", source, file_label)
            )
            continue
        conflicting = []
        for i in others:
            covered = (
                not pd.isna(row_start[i])
                and row_start[i] <= entry.start
                and (pd.isna(row_end[i]) or row_end[i] >= end)
                and _cell(file, i, "dose") in ("", entry.dose)
            )
            if covered:  # the person's row already says it
                break
            conflicting.append(i)
        else:
            if conflicting and not overwrite:
                merge.changes.append(
                    {
                        **base,
                        "action": "kept",
                        "logged_value": _logged(
                            file, conflicting[0], row_start[conflicting[0]], row_end[conflicting[0]]
                        ),
                        "reason": "interventions.csv already has a row of this name, which the import would change",
                    }
                )
                continue
            if conflicting:
                i = conflicting[0]
                merge.changes.append(
                    {**base, "action": "overwritten", "logged_value": _logged(file, i, row_start[i], row_end[i])}
                )
                for column, text in entry.cells().items():
                    if column != "name":
                        _set(file, i, column, text)
                days.clear()
                merge.dropped.add(key_of[i])
            else:
                cells = entry.cells()
                if "person_id" in file.header_of:
                    cells = {"person_id": person, **cells}
                _append(file, cells)
                days.clear()
                merge.changes.append({**base, "action": "added", "logged_value": None})
            merge.provenance.append(
                _provenance(person, f"{entry.start:%Y-%m-%d}", f"interventions:{entry.name}", source, file_label)
            )
    return merge


# --- people ---------------------------------------------------------------------------------------------------


def _person_cells(entry: dict, source: str) -> dict[str, str]:
    """An imported person's facts as cells of ``people.csv``: canonical columns where the log format has
    one (``sex`` in its categories), else ``<source>_<name>`` columns as the app wrote them."""
    cells: dict[str, str] = {}
    for key, value in entry.items():
        if key == _DETAIL:
            continue
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
        if key == "person_id" or parsing.is_missing(pd.Series([text])).iloc[0]:
            continue
        match = resolve_header(str(key), "people")
        field_name = match.field if match is not None and match.problem is None else None
        if field_name == "sex":
            word = text.lower()
            if word in SEXES:
                cells["sex"] = word
                continue
            if word in _UNSPECIFIED:
                cells["sex"] = "unspecified"
                continue
            field_name = None
        if field_name in ("birth_year", "country"):
            cells[field_name] = text
            continue
        cells[f"{source}_{normalise_header(str(key)).replace(' ', '_')}"] = text
    return cells


def merge_people(
    raw: list[dict],
    path: Path,
    *,
    person: str,
    source: str,
    file_label: str,
    imported_by: dict[tuple[str, str, str], str],
    overwrite: bool,
) -> TableMerge:
    """Merge the imported facts about ``person`` into ``people.csv`` (a row added, empty cells filled)."""
    file = read_table_file(path, "people", ("person_id",))
    merge = TableMerge(file)
    if not raw:
        return merge
    cells = _person_cells(raw[0], source)
    if not cells:
        return merge
    details = raw[0].get(_DETAIL) or {}
    rows = [int(i) for i in file.frame.index[_mine(file, person)]]
    base = {"table": "people", "person_id": person, "name": "", "source": source, "file": file_label, "reason": ""}
    if not rows:
        _append(file, {"person_id": person, **cells})
        for column, text in cells.items():
            merge.changes.append(
                {**base, "column": column, "action": "added", "logged_value": None, "imported_value": text}
            )
            merge.provenance.append(
                _provenance(person, "", f"people:{column}", source, file_label, details.get(column, ""))
            )
        return merge
    if len(rows) > 1:
        for column, text in cells.items():
            merge.changes.append(
                {
                    **base,
                    "column": column,
                    "action": "kept",
                    "logged_value": f"{len(rows)} rows for this person",
                    "imported_value": text,
                    "reason": "people.csv has several rows for this person (keep one)",
                }
            )
        return merge
    row = rows[0]
    for column, text in cells.items():
        logged = _cell(file, row, column)
        key = (person, "", f"people:{column}")
        if logged == text:
            continue
        if not logged:
            action = "filled"
        elif imported_by.get(key) == source:
            action = "updated"
        elif overwrite:
            action = "overwritten"
        else:
            merge.changes.append(
                {**base, "column": column, "action": "kept", "logged_value": logged, "imported_value": text}
            )
            continue
        merge.changes.append(
            {**base, "column": column, "action": action, "logged_value": logged or None, "imported_value": text}
        )
        _set(file, row, column, text)
        merge.dropped.add(key)
        merge.provenance.append(
            _provenance(person, "", f"people:{column}", source, file_label, details.get(column, ""))
        )
    return merge


def _provenance(person: str, day: str, column: str, source: str, file: str, detail: str = "") -> dict[str, str]:
    return {"person_id": person, "date": day, "column": column, "source": source, "file": file, "detail": detail}
