"""Merging an imported table into a person's log folder, without losing or overwriting their own entries.

Rules (issue 5):

- an imported value fills an empty cell of ``daily.csv`` (a new day gets a new row at the end, a new
  column gets the canonical header);
- a value the person already logged is kept unless ``overwrite=True``, and every disagreement is
  reported (date, column, logged value, imported value, source, file);
- an imported value that breaks a rule of the log format (``exercise_min`` over 1,440) is refused alone,
  and the rest of its day is merged; a day whose date breaks one (a date in the future from a phone's wrong
  clock) is refused with all its values; each refusal names its rule (``exercise_min 2220 > 1440 min a
  day``, ``date 2030-01-04 in the future``), and the summary counts values in = accepted + refused;
- a cell that an earlier import of the *same source* filled is updated by a newer export of that source
  (reported as ``updated``): it was never the person's own entry;
- provenance is kept: ``provenance.csv`` beside ``daily.csv`` says, for every imported value, which
  source and file it came from (values without a provenance row are the person's own);
- re-importing the same file changes nothing; ``dry_run=True`` reports what would change and writes
  nothing; files are written atomically (a temporary file in the same folder, then a rename);
- the interventions and people a symptom-app import finds (``attrs["interventions"]``,
  ``attrs["people"]``) go to ``interventions.csv`` and ``people.csv`` by the same rules, row by row
  (:mod:`spasmlog.importers._merge_tables`): added once, updated by a later export of the same app, a row
  the person wrote never changed (a difference is reported), provenance in ``provenance.csv``.

The person's ``daily.csv`` keeps its own form: its headers and units (a ``Water (L)`` column is filled in
litres), delimiter, decimal comma, encoding, line endings and every cell it already had (a text cell that a
spreadsheet would run as a formula, such as ``=1+1``, is written with a quote in front, as every CSV spasmlog
writes: :func:`spasmlog.io.cells.neutralise`; spasmlog reads it back without the quote).
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.errors import SpasmlogError
from spasmlog.importers._csv import shown_number
from spasmlog.importers._merge_tables import TABLE_CHANGE_COLUMNS, TableMerge, merge_interventions, merge_people
from spasmlog.importers.registry import detail_records
from spasmlog.io import parsing
from spasmlog.io.cells import unneutralise_frame
from spasmlog.io.sources import PROVENANCE_FILE, TABLE_SUFFIXES, csv_dialect, load_file, read_cells
from spasmlog.io.write import atomic_path, deferred_interrupt, write_csv
from spasmlog.logformat.schemas import FieldSpec, field_specs
from spasmlog.logformat.units import STANDARD_DRINK_G, resolve_header
from spasmlog.validation import validate_tables

__all__ = [
    "CHANGE_COLUMNS",
    "PROVENANCE_COLUMNS",
    "PROVENANCE_FILE",
    "TABLE_CHANGE_COLUMNS",
    "MergeResult",
    "merge_into",
    "person_folder",
    "person_folders",
]

PROVENANCE_COLUMNS = ["person_id", "date", "column", "source", "file", "detail"]
CHANGE_COLUMNS = [
    "person_id",
    "date",
    "column",
    "action",
    "logged_value",
    "logged_source",
    "imported_value",
    "source",
    "file",
    "rule",
    "reason",
]
"""Columns of :attr:`MergeResult.changes`. ``action`` is ``filled``, ``added`` (a new day), ``updated``
(a value the same source imported before), ``overwritten``, ``kept`` (a disagreement: the value in the log
stays) or ``refused`` (the imported value breaks a rule of the log format and was not merged).
``logged_source`` names the source whose earlier import wrote ``logged_value`` (``None`` when the person
logged it). A refused value names the ``rule`` it breaks (a problem code, as in ``Log.problems``) and the
``reason`` in a few words (``exercise_min 2220 > 1440 min a day``, ``date 2030-01-04 in the future``)."""


@dataclass
class MergeResult:
    """What an import changed (or, with ``dry_run``, would change) in a log folder."""

    target: Path
    person_id: str
    source: str
    changes: pd.DataFrame
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    values_in: int = 0
    """How many values the import held (every filled cell of the imported table but its dates)."""
    table_changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TABLE_CHANGE_COLUMNS))
    """The interventions and people the import wrote to ``interventions.csv`` and ``people.csv`` (or kept,
    updated, refused): columns :data:`TABLE_CHANGE_COLUMNS`, ``action`` as in :attr:`changes`."""

    @property
    def disagreements(self) -> pd.DataFrame:
        """Imported values that differ from what the person logged (kept, or overwritten on request)."""
        return self.changes[self.changes["action"].isin(["kept", "overwritten"])]

    @property
    def changed(self) -> bool:
        """Whether any cell of the log changed (or would change): of daily.csv, interventions.csv or people.csv."""
        return self.daily_changed or bool(self.table_changes["action"].isin(_WRITING).any())

    @property
    def daily_changed(self) -> bool:
        """Whether any cell of daily.csv changed (or would change)."""
        return bool(self.changes["action"].isin(_WRITING).any())

    def summary(self) -> str:
        """A few readable lines: counts per action, then every disagreement."""
        counts = {str(k): int(v) for k, v in self.changes["action"].value_counts().items()}
        lines = [f"Import from {self.source} into {self.target} (person {self.person_id}):"]
        added = self.changes[self.changes["action"] == "added"]
        if len(added):
            days = added["date"].nunique()
            lines.append(f"  {_count(len(added), 'value')} on {_count(days, 'new day')} added")
        several = (self.changes["action"] == "kept") & self.changes["logged_value"].map(
            lambda v: isinstance(v, str) and v.endswith(_SEVERAL_ROWS)
        )
        counts["kept"] = counts.get("kept", 0) - int(several.sum())
        for action, (one, many) in _COUNT_WORDS.items():
            if counts.get(action, 0):
                lines.append(f"  {counts[action]} {one if counts[action] == 1 else many}")
        if several.any():
            days = self.changes.loc[several, "date"].nunique()
            lines.append(
                f"  {_count(int(several.sum()), 'imported value')} not merged: daily.csv has several rows for "
                f"{'that day' if days == 1 else f'those {days} days'} (keep one row per day)"
            )
        lines += _table_lines(self.table_changes)
        if not self.changed:
            lines.append("  nothing would change" if self.dry_run else "  nothing was changed")
        refused = int(counts.get("refused", 0))
        if refused:
            lines.append(
                f"  {_count(self.values_in, 'imported value')}: {self.values_in - refused} accepted, {refused} refused"
            )
        shown_days: set[tuple[object, str]] = set()
        for row in self.changes[self.changes["action"].isin(["kept", "overwritten", "refused"])].to_dict("records"):
            if row["action"] == "refused" and row["rule"] in _ROW_RULES:
                # The day's date itself is wrong: one line for the day, not one per value.
                if (row["date"], row["reason"]) in shown_days:
                    continue
                shown_days.add((row["date"], row["reason"]))
                on_day = (self.changes["action"] == "refused") & (self.changes["date"] == row["date"])
                lines.append(
                    f"  {row['date']:%Y-%m-%d}: {_count(int(on_day.sum()), 'imported value')} refused ({row['reason']})"
                )
                continue
            why = f"refused: {row['reason']}" if row["action"] == "refused" else row["action"]
            lines.append(
                f"  {row['date']:%Y-%m-%d} {row['column']}: {_logged_text(row)}, "
                f"{row['source']} says {_show(row['imported_value'])} ({why})"
            )
        lines += [f"  note: {note}" for note in self.notes]
        if self.dry_run:
            lines.append("  (dry run: nothing was written)")
        return "\n".join(lines)


_WRITING = ["filled", "added", "updated", "overwritten"]


def _table_lines(changes: pd.DataFrame) -> list[str]:
    """Summary lines for interventions.csv and people.csv: counts, then each row kept or refused."""
    lines = []
    interventions = changes[changes["table"] == "interventions"]
    counts = interventions["action"].value_counts()
    parts = [
        f"{_count(int(counts[a]), 'intervention')} {a}" for a in ("added", "updated", "overwritten") if counts.get(a)
    ]
    if parts:
        lines.append(f"  interventions.csv: {', '.join(parts)}")
    people = changes[changes["table"] == "people"]
    written = people[people["action"].isin(_WRITING)]
    if len(written):
        added = written.loc[written["action"] == "added", "person_id"].nunique()
        cells = int((written["action"] != "added").sum())
        parts = ([f"{_count(added, 'person')} added" if added == 1 else f"{added} people added"] if added else []) + (
            [f"{_count(cells, 'cell')} filled or updated"] if cells else []
        )
        lines.append(f"  people.csv: {', '.join(parts)}")
    for row in changes[changes["action"].isin(["kept", "overwritten", "refused"])].to_dict("records"):
        what = f"{row['name']!r}" if row["table"] == "interventions" else f"{row['person_id']} {row['column']}"
        if row["action"] == "refused":
            lines.append(f"  {row['table']}.csv {what}: not written ({row['reason']})")
            continue
        lines.append(
            f"  {row['table']}.csv {what}: logged {row['logged_value']}; {row['source']} says "
            f"{row['imported_value']} ({row['action']})"
        )
    return lines


_COUNT_WORDS = {
    "filled": ("empty cell filled", "empty cells filled"),
    "updated": (
        "value from an earlier import of this source updated",
        "values from an earlier import of this source updated",
    ),
    "overwritten": (
        "value already in the log overwritten (--overwrite)",
        "values already in the log overwritten (--overwrite)",
    ),
    "kept": (
        "value already in the log kept where the import disagrees",
        "values already in the log kept where the import disagrees",
    ),
    "refused": (
        "imported value refused (it breaks a rule of the log format)",
        "imported values refused (they break a rule of the log format)",
    ),
}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _show(value: object) -> str:
    """A value for people to read: whole numbers as integers, others to at most 6 significant digits."""
    if isinstance(value, float) and math.isfinite(value):
        return shown_number(value)
    return str(value)


def _logged_text(row: dict) -> str:
    """What the log held: the person's own value, the value an earlier import of another source wrote, or nothing."""
    logged = row["logged_value"]
    if logged is None or (isinstance(logged, float) and math.isnan(logged)):
        return "nothing logged"
    if isinstance(logged, str) and logged.endswith(_SEVERAL_ROWS):
        return f"daily.csv has {logged}"
    origin = row.get("logged_source")
    if isinstance(origin, str) and origin:
        return f"the value from {origin} is {_show(logged)}"
    return f"logged {_show(logged)}"


_SEVERAL_ROWS = "rows for this day"
_ROW_RULES = ("in_future", "far_from_other_dates", "duplicate", "missing_value")
"""Rules that refuse an imported day's whole row (its date is wrong), reported once per day."""


def _table_files(folder: Path) -> list[Path]:
    """The table files directly in ``folder`` (as :func:`spasmlog.io.sources.discover` would read them)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in TABLE_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and p.name != PROVENANCE_FILE
    )


def _client_folders(logdir: Path) -> list[Path]:
    """Sub-folders holding tables: ``logdir`` is a caseload with one folder per person."""
    return sorted(p for p in logdir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and _table_files(p))


_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{stem}{n}" for stem in ("COM", "LPT") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]]
)
"""Names Windows gives to devices: a folder ``CON`` (or ``con.txt``) cannot be made there."""
_UNSAFE_CHARACTERS = frozenset('%/\\<>:"|?*')
"""Characters escaped anywhere in a folder name: ``%`` (the escape itself), path separators, and those
Windows refuses in a file name; control characters are escaped as well."""
_MAX_NAME_BYTES = 255


def _escape(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))


def person_folder(person_id: str) -> str:
    """The name of the folder that holds a person's log, made from the person's ID in an export.

    The name is safe on every system (it is a single folder name: never a path, ``.``, ``..``, a hidden
    folder, a folder spasmlog skips, or a Windows device name such as ``CON``), stable (the same ID always
    gives the same name) and unique (two IDs never give the same name): characters that are unsafe are
    written as ``%`` and their UTF-8 code in hex, as in a web address, and ``%`` itself as ``%25``. An ID
    that is safe as it is (``Maria``, ``p01``) is its own folder name. The folder name is the person's ID
    in the log (``read_log`` names people after their folders); an import records the export's own ID in
    ``provenance.csv`` when the two differ.

    Parameters
    ----------
    person_id : str
        The person's ID as the export writes it.

    Returns
    -------
    str
        The folder name.

    Raises
    ------
    spasmlog.errors.ParameterError
        When the ID is empty (or only spaces), or its folder name would be longer than 255 bytes.

    Examples
    --------
    >>> person_folder("Maria")
    'Maria'
    >>> person_folder("QEVuQwEAWRNG+/TRqXG2FQ==")  # a Flaredown user id: base64, with a '/'
    'QEVuQwEAWRNG+%2FTRqXG2FQ=='
    >>> [person_folder(i) for i in ["../evil", ".", "CON", "com1.txt", "/tmp/x", "_a", "50%"]]
    ['%2E.%2Fevil', '%2E', 'CO%4E', 'com%31.txt', '%2Ftmp%2Fx', '%5Fa', '50%25']
    """
    text = str(person_id)
    if not text.strip():
        _checks.refuse(
            f"{text!r} is not a person ID (it is empty): every person in an export needs an ID.",
            "person_folder",
            "person_id",
            text,
            "a non-empty ID",
        )
    characters = [_escape(c) if c in _UNSAFE_CHARACTERS or ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text]
    if characters[0] in (".", "_", " ", "~"):  # hidden, skipped by spasmlog, or trimmed away by some systems
        characters[0] = _escape(characters[0])
    if characters[-1] in (".", " "):  # Windows drops them: 'a.' would be the folder of 'a'
        characters[-1] = _escape(characters[-1])
    stem = "".join(characters).split(".")[0].rstrip(" ")
    if stem.upper() in _RESERVED_NAMES:
        position = len(stem) - 1
        characters = list("".join(characters))
        characters[position] = _escape(characters[position])
    name = "".join(characters)
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        _checks.refuse(
            f"The person ID {text[:40]!r}... is too long to name a folder ({len(name.encode('utf-8'))} bytes "
            f"as a folder name; at most {_MAX_NAME_BYTES}).",
            "person_folder",
            "person_id",
            text,
            f"an ID whose folder name has at most {_MAX_NAME_BYTES} bytes",
        )
    return name


def _folded(name: str) -> str:
    """A folder name as Windows and macOS compare names: without case, accents composed."""
    return unicodedata.normalize("NFC", name).casefold()


def person_folders(person_ids: list[str], into: Path) -> dict[str, Path]:
    """The folder of each person of a many-person export, inside ``into``: every ID checked before any is used.

    Names come from :func:`person_folder`. Two IDs whose folder names differ only in case (``ab`` and ``AB``)
    would share one folder on Windows and macOS, so are refused, as is an ID whose folder name differs
    only in case from a folder already in ``into``; each folder is checked to lie directly inside ``into``
    (resolved, links followed).

    Raises
    ------
    spasmlog.errors.SpasmlogError
        When an ID cannot name a folder or two IDs would share one; nothing has been written then.

    Examples
    --------
    >>> import tempfile
    >>> into = Path(tempfile.mkdtemp())
    >>> {k: v.name for k, v in person_folders(["Maria", "../evil"], into).items()}
    {'Maria': 'Maria', '../evil': '%2E.%2Fevil'}
    """
    root = into.resolve()
    existing: dict[str, str] = {}
    if into.is_dir():
        existing = {_folded(p.name): p.name for p in into.iterdir() if p.is_dir()}
    folders: dict[str, Path] = {}
    owner: dict[str, str] = {}
    problems: list[str] = []
    for person in person_ids:
        try:
            name = person_folder(person)
        except SpasmlogError as error:
            problems.append(str(error).rstrip("."))
            continue
        key = _folded(name)
        if key in owner and owner[key] != person:
            problems.append(
                f"the person IDs {owner[key]!r} and {person!r} differ only in upper and lower case (or in how an "
                "accent is encoded), and would share one folder on Windows and macOS"
            )
            continue
        if key in existing and existing[key] != name:
            problems.append(
                f"the person ID {person!r} would go to the folder {name!r}, but {into} already has the folder "
                f"{existing[key]!r} (the same name but for upper and lower case: the same folder on Windows and macOS)"
            )
            continue
        owner[key] = person
        path = into / name
        resolved = path.resolve()
        if resolved.parent != root:  # a link inside into pointing elsewhere, or a name that escaped
            problems.append(f"the folder of person {person!r} ({path}) would lie outside {into}")
            continue
        folders[person] = path
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise SpasmlogError(
            f"The export's person IDs cannot all name a folder of {into}: {shown}. Nothing was imported; "
            "import one person with --person ID, or fix the IDs in the export.",
            file=str(into),
        )
    return folders


def _ids_in(path: Path) -> tuple[list[str], bool]:
    """The person IDs a ``daily.csv`` names in its ``person_id`` column, and whether some rows name none."""
    if not path.is_file():
        return [], True
    frame = _read_existing(path)[0]
    for header in frame.columns:
        match = resolve_header(str(header), "daily")
        if match is not None and match.problem is None and match.field == "person_id":
            ids = frame[header].str.strip()
            missing = parsing.is_missing(ids)
            return sorted(set(ids[~missing])), bool(missing.any())
    return [], True


def _target(logdir: Path, person_id: str | None) -> tuple[Path, str]:
    """The folder whose daily.csv receives the import, and the person it belongs to."""
    if person_id is not None and (
        not person_id.strip() or person_id in (".", "..") or any(c in person_id for c in "/\\")
    ):
        _checks.refuse(
            f"--person {person_id!r} is not a person ID: give the name of the person's folder.",
            "merge_into",
            "person_id",
            person_id,
            "a folder name: not empty, not . or .., without / or \\",
        )
    if not logdir.exists():
        if person_id is not None and person_id != logdir.name:
            raise SpasmlogError(
                f"{logdir} does not exist yet; a new log folder is named after its person, and --person "
                f"{person_id} does not match '{logdir.name}'. Leave out --person to start {logdir.name}'s log, or, "
                f"for a caseload, create the folder {logdir / person_id} first.",
                file=str(logdir),
            )
        return logdir, logdir.name
    clients = _client_folders(logdir)
    if clients or (person_id is not None and (logdir / person_id).is_dir() and not _table_files(logdir)):
        names = ", ".join(p.name for p in clients[:10]) + (", ..." if len(clients) > 10 else "")
        if person_id is None:
            raise SpasmlogError(
                f"{logdir} holds one folder per person ({names}): say whose log this import belongs to "
                "with --person ID.",
                file=str(logdir),
            )
        if not (logdir / person_id).is_dir():
            raise SpasmlogError(
                f"{logdir} has no folder for person '{person_id}'; its clients are: {names}. Check the ID, or, "
                f"to add a new client, create the folder {logdir / person_id} first and import again.",
                file=str(logdir),
            )
        return logdir / person_id, person_id
    # One person's folder (or one table of several people with a person_id column).
    folder_person = logdir.resolve().name
    ids, unnamed = _ids_in(logdir / "daily.csv")
    people = sorted(set(ids) | ({folder_person} if unnamed else set()))
    if person_id is None:
        if len(people) > 1:
            raise SpasmlogError(
                f"{logdir / 'daily.csv'} holds the days of several people ({', '.join(people[:10])}): say whose "
                "log this import belongs to with --person ID.",
                file=str(logdir / "daily.csv"),
            )
        return logdir, people[0]
    if person_id not in people:
        raise SpasmlogError(
            f"{logdir} is the log of {' and '.join(repr(p) for p in people[:10])}"
            f"{' (the folder name)' if people == [folder_person] else ''}, not of '{person_id}'. Leave out "
            "--person to import into it, or, to keep one folder per person, import into a folder of its own "
            f"(create it first).",
            file=str(logdir),
        )
    return logdir, person_id


def _check_dates(path: Path, cells: pd.Series, parsed: parsing.Parsed, skip: int) -> None:
    """Refuse to merge when some date of the log cannot be read: its day might be added a second time."""
    if not len(parsed.errors):
        return
    first = parsed.errors.index[0]
    position = int(np.flatnonzero(cells.index == first)[0])
    line = skip + position + 2
    cell = str(cells.loc[first]).strip()
    more = len(parsed.errors) - 1
    others = f" (and {_count(more, 'other date cell')})" if more else ""
    if parsed.errors.loc[first] == "ambiguous_date":
        raise SpasmlogError(
            f"{path}, line {line}: the date {cell!r}{others} could be day-first or month-first, and no date in "
            "the column tells which, so the import cannot tell which days are already logged. Pass dayfirst=True "
            "or dayfirst=False to say which order the dates use. Nothing was imported.",
            file=str(path),
            line=line,
            value=cell,
        )
    raise SpasmlogError(
        f"{path}, line {line}: {cell!r}{others} is not a date spasmlog can read (write it like 2026-01-27), so "
        "the import cannot tell whether that day is already logged. Fix the cell (or empty the row) and import "
        "again. Nothing was imported.",
        file=str(path),
        line=line,
        value=cell,
    )


def _other_tables(target: Path, logdir: Path, person: str, names: tuple[str, ...]) -> dict[str, list[str]]:
    """For each table of ``names``: the files other than ``<name>.csv`` that hold this person's rows of it
    (an import would miss them). Each file is read once."""
    places = [(target, True)] + ([(logdir, False)] if target != logdir else [])
    found: dict[str, list[str]] = {name: [] for name in names}
    for folder, own in places:
        if not folder.is_dir():
            continue
        for file in _table_files(folder):
            if folder == target and file.name in {f"{name}.csv" for name in names}:
                continue  # the table the import merges into
            try:
                tables = load_file(file, person_id=person)
            except SpasmlogError:  # not a table of the log (or unreadable): not where the person's rows are
                continue
            for table in tables:
                name = table.table
                if name not in found:
                    continue
                ids = [
                    table.frame[c].astype("str").str.strip()
                    for c in table.frame.columns
                    if (m := resolve_header(str(c), name)) is not None and m.field == "person_id"
                ]
                if (ids and ids[0].eq(person).any()) or (not ids and own):
                    found[name].append(table.file)
    return found


_SIGNIFICANT = 12
"""Significant digits of an imported number written to daily.csv: a unit conversion's float noise
(16 fl oz = ``473.1764729999999`` ml) goes, every digit an app or a scale measures stays."""


def _format_number(value: float, decimal_comma: bool) -> str:
    """An imported number as a cell: a whole number as an integer, else at most 12 significant digits.

    Examples
    --------
    >>> _format_number(16 * 29.573529562499992, False), _format_number(1.5, True), _format_number(2000.0, False)
    ('473.176473', '1,5', '2000')
    >>> _format_number(0.1 + 0.2, False), _format_number(1e-7, False)
    ('0.3', '1e-07')
    """
    if float(value).is_integer() and abs(value) < 2**53:
        text = str(int(value))
    else:
        text = format(float(value), f".{_SIGNIFICANT}g")
    return text.replace(".", ",") if decimal_comma else text


def _same(logged: object, imported: object) -> bool:
    if isinstance(logged, float) and isinstance(imported, float):
        return math.isclose(logged, imported, rel_tol=1e-9, abs_tol=1e-9)
    return logged == imported


def _read_existing(path: Path) -> tuple[pd.DataFrame, str, str, bool, str, int]:
    """The person's daily.csv as text cells, with how to write it back the same way (and lines before the header)."""
    if not path.exists():
        return pd.DataFrame({"date": pd.Series(dtype="str")}), "utf-8", ",", False, "\n", 0
    encoding, delimiter, decimal_comma, newline, skip = csv_dialect(path)
    frame = unneutralise_frame(read_cells(path, delimiter=delimiter, skip=skip, encoding=encoding))
    return frame, encoding, delimiter, decimal_comma, newline, skip


def _extra_kind(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    return "number" if pd.api.types.is_numeric_dtype(column) else "text"


@lru_cache(maxsize=65536)
def _cell_value(text: str, kind: str, factor: float, decimal_comma: bool) -> object:
    """The canonical value of one of the person's cells (``None`` when empty or unreadable).

    Remembered (a few values, such as ratings 0 to 4, fill most cells; parsing one cell is slow)."""
    cells = pd.Series([text])
    if parsing.is_missing(cells).iloc[0]:
        return None
    if kind in ("number", "integer", "duration"):
        parsed = parsing.parse_number(cells, decimal_comma=decimal_comma)
        value = parsed.values.iloc[0]
        return None if pd.isna(value) else float(value) * factor
    if kind == "category":
        return parsing.normalise_category(text)
    if kind == "boolean":
        flag = parsing.parse_boolean(cells).values.iloc[0]
        return None if pd.isna(flag) else float(bool(flag))
    return text


_ROW_FIELDS = ("date", "person_id")
"""Fields whose problem makes the whole imported row wrong: a date in the future is not the day it happened."""
_PASSES = 4
"""Validation passes at most: refusing a cell can make a check across cells fail on the next pass."""


def _reason(problem: dict, spec: FieldSpec | None) -> str:
    """The rule an imported value breaks, in a few words: ``exercise_min 2220 > 1440 min a day``."""
    field = str(problem["field"] or problem["column"])
    value = problem["value"]
    rule = str(problem["rule"])
    try:
        shown = shown_number(float(value))
    except (TypeError, ValueError):
        shown = _show(value)
    per_day = f" {spec.unit} a day" if spec is not None and spec.unit else ""
    if rule == "in_future":
        return f"date {pd.Timestamp(value):%Y-%m-%d} in the future"
    if rule == "far_from_other_dates":
        return f"date {pd.Timestamp(value):%Y-%m-%d} far from the other imported dates"
    if rule == "above_maximum" and spec is not None and spec.maximum is not None:
        return f"{field} {shown} > {shown_number(float(spec.maximum))}{per_day}"
    if rule == "below_minimum" and spec is not None and spec.minimum is not None:
        return f"{field} {shown} < {shown_number(float(spec.minimum))}{per_day}"
    if rule == "not_in_categories":
        return f"{field} {shown!r} is not one of its values"
    return f"{field} {shown}: {rule.replace('_', ' ')}"


def _imported_rows(imported: pd.DataFrame, person_id: str, source: str, file: str) -> tuple[pd.DataFrame, list[dict]]:
    """Check the imported values against the log format: a value that breaks a rule is refused, the rest of
    its day is kept; a row whose date breaks a rule (in the future) is refused whole, value by value."""
    frame = imported.copy().reset_index(drop=True)
    frame.insert(0, "person_id", person_id)
    specs = field_specs("daily")
    values = [c for c in frame.columns if c not in _ROW_FIELDS]
    dropped = np.zeros(len(frame), dtype=bool)
    refused: list[dict] = []

    def refuse(row: int, column: str, value: object, problem: dict, reason: str) -> None:
        refused.append(
            {
                "person_id": person_id,
                "date": frame["date"].iloc[row],
                "column": column,
                "action": "refused",
                "logged_value": None,
                "imported_value": value,
                "source": source,
                "file": file,
                "rule": str(problem["rule"]),
                "reason": reason,
            }
        )

    for attempt in range(_PASSES + 1):
        positions = np.flatnonzero(~dropped)
        log = validate_tables({"daily": frame.iloc[positions].reset_index(drop=True)}, errors="quarantine")
        problems = log.problems[(log.problems["severity"] == "error") & log.problems["line"].notna()]
        if problems.empty:
            break
        for problem in problems.to_dict("records"):
            row = int(positions[int(problem["line"]) - 1])
            if dropped[row]:
                continue
            field = problem["field"] if problem["field"] in values else None
            # A check across cells still failing after the cells it named were refused: the row goes.
            if field is None or attempt >= _PASSES - 1:
                dropped[row] = True
                reason = _reason(problem, specs.get(str(problem["field"])))
                for column in values:
                    value = frame.at[row, column]
                    if not _missing(value):
                        refuse(row, column, value, problem, reason)
            elif not _missing(frame.at[row, field]):
                refuse(row, field, frame.at[row, field], problem, _reason(problem, specs.get(field)))
                frame[field] = frame[field].mask(frame.index == row)
    return log.daily, refused


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def merge_into(
    imported: pd.DataFrame,
    logdir: str | Path,
    *,
    person_id: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    dayfirst: bool | None = None,
    drink_g: float = STANDARD_DRINK_G,
) -> MergeResult:
    """Merge an imported daily table (see :mod:`spasmlog.importers`) into a person's log folder.

    Parameters
    ----------
    imported : pandas.DataFrame
        From a ``read_<source>`` reader of :mod:`spasmlog.importers`; its ``attrs`` name the source and
        files, and may hold ``interventions`` and ``people`` (merged into ``interventions.csv`` and
        ``people.csv`` of the person's folder).
    logdir : str or Path
        The person's log folder (created if missing), or a folder with one sub-folder per person
        (then ``person_id`` says which; a new client needs their folder created first).
    person_id : str, optional
        Whose log; default: the folder's name (or the ``person_id`` of a one-person ``daily.csv``). In a
        one-person folder it must name that person.
    overwrite : bool
        Replace values the person logged where the import disagrees (each is reported).
    dry_run : bool
        Report what would change; write nothing.
    dayfirst : bool, optional
        How to read the log's own dates like ``03/04/2026`` (``True``: 3 April). When not given and the
        dates do not show it, or when a date cell cannot be read at all, the import is refused (it could
        otherwise add a day that is already there).
    drink_g : float
        Grams of ethanol in one standard drink, for a column of the log counted in drinks (``Alcohol
        (drinks)``): imported ``alcohol_g`` is written there as ``alcohol_g / drink_g`` drinks. Give the size
        the log is read with (``spasmlog validate --drink-g``); the WHO's 10 g by default.

    Raises
    ------
    spasmlog.errors.SpasmlogError
        When the log's dates cannot all be read, the person's daily table (or, for an import with
        interventions or people, that table) is kept in another file (``mylog.xlsx``: the import only merges
        into ``daily.csv``, ``interventions.csv`` and ``people.csv``), or the person is not clear.

    Returns
    -------
    MergeResult
        ``changes`` lists every cell of daily.csv touched or compared (columns :data:`CHANGE_COLUMNS`),
        ``table_changes`` every intervention and person's cell (columns :data:`TABLE_CHANGE_COLUMNS`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "daily.csv").write_text("date,Water (L),stress\\n2026-01-01,,3\\n2026-01-02,1.5,4\\n")
    >>> imported = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
    ...                          "water_ml": [2000.0, 1800.0, 2100.0]})
    >>> imported.attrs.update(source="cronometer", files=["dailysummary.csv"])
    >>> result = merge_into(imported, folder)
    >>> result.changes["action"].tolist()
    ['filled', 'kept', 'added']
    >>> print((folder / "daily.csv").read_text())
    date,Water (L),stress
    2026-01-01,2,3
    2026-01-02,1.5,4
    2026-01-03,2.1,
    <BLANKLINE>
    >>> merge_into(imported, folder).changed
    False
    """
    logdir = Path(logdir)
    attrs = imported.attrs
    # Without its attrs: pandas deep-copies them into every frame derived from it (slow for long lists).
    imported = imported.copy(deep=False)
    imported.attrs = {}
    source = str(attrs.get("source", "import"))
    files = attrs.get("files") or ["?"]
    file_label = ";".join(Path(str(f)).name for f in files)
    target, person = _target(logdir, person_id)
    daily_path = target / "daily.csv"
    interventions = list(attrs.get("interventions") or [])
    people = _person_facts(attrs, person)
    tables = ("daily",) + ("interventions",) * bool(interventions) + ("people",) * bool(people)
    for name, elsewhere in _other_tables(target, logdir, person, tables).items():
        _refuse_other_tables(target, person, name, elsewhere)
    frame, encoding, delimiter, decimal_comma, newline, skip = _read_existing(daily_path)

    specs = field_specs("daily")
    header_of: dict[str, str] = {}
    factor_of: dict[str, float] = {}
    for header in frame.columns:
        match = resolve_header(str(header), "daily", drink_g=drink_g)
        if match is not None and match.problem is None and match.field not in header_of:
            header_of[match.field] = str(header)
            factor_of[match.field] = match.factor
    if "date" not in header_of:
        raise SpasmlogError(
            f"{daily_path} has no date column; an import needs one to match days.", file=str(daily_path)
        )

    valid, changes = _imported_rows(imported, person, source, file_label)
    row_of: dict[pd.Timestamp, list[int]] = {}
    if len(frame):  # a new log (a new person of a cohort) has no day yet: nothing to parse
        parsed_dates = parsing.parse_dates(frame[header_of["date"]], kind="date", dayfirst=dayfirst)
        _check_dates(daily_path, frame[header_of["date"]], parsed_dates, skip)
        dates = parsed_dates.values
        mine = pd.Series(True, index=frame.index)
        if "person_id" in header_of:
            ids = frame[header_of["person_id"]].str.strip()
            mine = ids.eq(person) | parsing.is_missing(ids)
        for index in np.flatnonzero(mine.to_numpy() & dates.notna().to_numpy()):
            row_of.setdefault(dates.iloc[index], []).append(int(index))

    provenance_path = target / PROVENANCE_FILE
    provenance = (
        unneutralise_frame(pd.read_csv(provenance_path, dtype="str", keep_default_na=False))
        if provenance_path.exists()
        else pd.DataFrame({c: pd.Series(dtype="str") for c in PROVENANCE_COLUMNS})
    )
    imported_by = {(r["person_id"], r["date"], r["column"]): r["source"] for r in provenance.to_dict("records")}

    new_rows: list[dict[str, str]] = []
    new_row_of: dict[pd.Timestamp, int] = {}
    new_provenance: list[dict[str, str]] = []
    detail_of = {(date, column): text for date, column, text in _detail(attrs)}
    # Extra columns an importer keeps aside (``calcium_pct_dv_mfp``) are merged too: nothing is lost.
    columns = [c for c in valid.columns if c not in ("person_id", "date")]
    kind_of = {c: specs[c].kind if c in specs else _extra_kind(valid[c]) for c in columns}
    for record in valid.to_dict("records"):
        day = pd.Timestamp(record["date"])
        day_text = f"{day:%Y-%m-%d}"
        rows = row_of.get(day, [])
        for column in columns:
            value = record[column]
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
                continue
            kind = kind_of[column]
            imported_value: object = (
                float(value) if kind in ("number", "integer", "duration", "boolean") else str(value)
            )
            header = header_of.get(column, column)
            factor = factor_of.get(column, 1.0)
            if header not in frame.columns and not dry_run:
                frame[header] = ""
            if kind == "boolean":
                text = "yes" if imported_value else "no"
            elif isinstance(imported_value, float):
                text = _format_number(imported_value / factor, decimal_comma)
            else:
                text = str(imported_value)
            base = {
                "person_id": person,
                "date": day,
                "column": column,
                "imported_value": imported_value,
                "source": source,
                "file": file_label,
            }
            if len(rows) > 1:
                changes.append({**base, "action": "kept", "logged_value": f"{len(rows)} {_SEVERAL_ROWS}"})
                continue
            if not rows:
                if day not in new_row_of:
                    new_row_of[day] = len(new_rows)
                    new_rows.append({header_of["date"]: day_text})
                    if "person_id" in header_of:
                        new_rows[-1][header_of["person_id"]] = person
                new_rows[new_row_of[day]][header] = text
                changes.append({**base, "action": "added", "logged_value": None})
                new_provenance.append(
                    _provenance(person, day_text, column, source, file_label, detail_of.get((day, column)))
                )
                continue
            row = rows[0]
            cell = frame.at[row, header] if header in frame.columns else ""
            logged = _cell_value(str(cell), kind, factor, decimal_comma)
            origin = imported_by.get((person, day_text, column)) if logged is not None else None
            if logged is None:
                action = "filled"
            elif _same(logged, imported_value):
                continue
            elif origin == source:
                action = "updated"
            elif overwrite:
                action = "overwritten"
            else:
                changes.append({**base, "action": "kept", "logged_value": logged, "logged_source": origin})
                continue
            changes.append({**base, "action": action, "logged_value": logged, "logged_source": origin})
            new_provenance.append(
                _provenance(person, day_text, column, source, file_label, detail_of.get((day, column)))
            )
            if not dry_run:
                frame.at[row, header] = text

    merges: list[TableMerge] = []
    common = {"person": person, "source": source, "file_label": file_label, "imported_by": imported_by}
    if interventions:
        with_person = "person_id" in header_of
        merges.append(
            merge_interventions(
                interventions,
                target / "interventions.csv",
                overwrite=overwrite,
                dayfirst=dayfirst,
                with_person=with_person,
                **common,  # type: ignore[arg-type]
            )
        )
    if people:
        merges.append(merge_people(people, target / "people.csv", overwrite=overwrite, **common))  # type: ignore[arg-type]
    table_changes = pd.DataFrame([c for m in merges for c in m.changes], columns=TABLE_CHANGE_COLUMNS)

    values_in = int(imported.drop(columns=["date"], errors="ignore").notna().sum().sum())
    result = MergeResult(
        target,
        person,
        source,
        pd.DataFrame(changes, columns=CHANGE_COLUMNS),
        dry_run=dry_run,
        values_in=values_in,
        table_changes=table_changes,
    )
    result.notes.extend(str(n) for n in attrs.get("notes", []))
    export_id = _export_id(attrs, person)
    if export_id is not None:
        result.notes.append(
            f"the export names this person {export_id!r}: their folder and ID in the log are {person!r} "
            "(characters or names unsafe in a folder name written as %XX); provenance.csv keeps the export's ID"
        )
        if not ((provenance["person_id"] == person) & (provenance["column"] == "person_id")).any():
            new_provenance.append(
                _provenance(person, "", "person_id", source, file_label, f"the export's person ID: {export_id}")
            )
    if dry_run or not result.changed:
        return result
    if new_rows:
        frame = pd.concat([frame, pd.DataFrame(new_rows)], ignore_index=True).fillna("")
    for merge in merges:
        new_provenance += merge.provenance
    keys = {(p["person_id"], p["date"], p["column"]) for p in new_provenance}
    keys |= {key for merge in merges for key in merge.dropped}
    kept = provenance[
        [k not in keys for k in zip(provenance["person_id"], provenance["date"], provenance["column"], strict=True)]
    ]
    updated = pd.concat([kept, pd.DataFrame(new_provenance, columns=PROVENANCE_COLUMNS)], ignore_index=True)
    # Every file or none: each is written beside its target first, then all are renamed (Ctrl-C waits).
    with deferred_interrupt(), contextlib.ExitStack() as stack:
        if result.daily_changed:
            daily_temporary = stack.enter_context(atomic_path(daily_path))
            write_csv(frame, daily_temporary, sep=delimiter, encoding=encoding, lineterminator=newline)
        for merge in merges:
            if merge.changed:
                table = merge.file
                temporary = stack.enter_context(atomic_path(table.path))
                write_csv(
                    table.frame, temporary, sep=table.delimiter, encoding=table.encoding, lineterminator=table.newline
                )
        provenance_temporary = stack.enter_context(atomic_path(provenance_path))
        write_csv(updated.sort_values(["person_id", "date", "column"], kind="stable"), provenance_temporary)
    return result


def _detail(attrs: dict) -> list[tuple[pd.Timestamp, str, str]]:
    """:func:`~spasmlog.importers.registry.detail_records` of an imported table's ``attrs``."""
    holder = pd.DataFrame()
    holder.attrs = {"detail": attrs.get("detail")}
    return detail_records(holder)


def _export_id(attrs: dict, person: str) -> str | None:
    """The export's own ID of the person when their folder name (their ID in the log) was made from it by
    :func:`person_folder` and differs from it (``../evil`` in the folder ``%2E.%2Fevil``); else ``None``."""
    export_id = attrs.get("person_id")
    if not export_id or str(export_id) == person:
        return None
    try:
        return str(export_id) if person_folder(str(export_id)) == person else None
    except SpasmlogError:
        return None


def _person_facts(attrs: dict, person: str) -> list[dict]:
    """The imported facts (``attrs["people"]``) about the person whose table this is."""
    facts = list(attrs.get("people") or [])
    wanted = str(attrs.get("person_id") or person)
    mine = [f for f in facts if str(f.get("person_id", "")) == wanted]
    if not mine and len(facts) == 1 and "person_id" not in attrs:
        mine = facts
    return mine[:1]


def _refuse_other_tables(target: Path, person: str, name: str, elsewhere: list[str]) -> None:
    """Refuse to merge when the person's ``name`` table is kept in ``elsewhere``, not in ``<name>.csv``."""
    if not elsewhere:
        return
    path = target / f"{name}.csv"
    kind = "sheet" if "[" in elsewhere[0] else "file"
    what = f"that {kind}" if len(elsewhere) == 1 else f"those {kind}s"
    if path.exists():
        advice = f"move the rows of {what} into {path} (one {name} table per person) and remove {what}"
    else:
        advice = f"save {what} as {path} (one {name} table per person) and remove {what}"
    already = "days already logged" if name == "daily" else "rows already there"
    raise SpasmlogError(
        f"{person}'s {name} table is in {', '.join(elsewhere)}"
        f"{f' as well as in {path.name}' if path.exists() else ''}; spasmlog import merges into "
        f"{name}.csv only, and would add {already} elsewhere. First {advice}, then import again.",
        file=elsewhere[0],
    )


def _provenance(person: str, day: str, column: str, source: str, file: str, detail: str | None) -> dict[str, str]:
    return {"person_id": person, "date": day, "column": column, "source": source, "file": file, "detail": detail or ""}
