"""What the CSV importers (Cronometer, MyFitnessPal, Garmin Connect) share.

Finding the files of an export (a file, a folder, a list of files, or a zip the app e-mailed), loading
each with the log reader's CSV machinery (:mod:`spasmlog.io.sources`: encodings, BOM, delimiters,
decimal commas, Excel's re-saved forms), matching headers written in any case or accent, reading cells
with :mod:`spasmlog.io.parsing`, and building the imported ``daily`` table that
:mod:`spasmlog.importers` describes. Private: the public functions are the ``read_<source>`` readers.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from spasmlog.errors import ImportFormatError, LogReadError, SpasmlogError
from spasmlog.io.archives import copy_entry, is_zip, open_zip
from spasmlog.io.parsing import Parsed, parse_dates, parse_number
from spasmlog.io.sources import csv_dialect, drop_blank_rows, load_csv
from spasmlog.logformat.schemas import field_specs
from spasmlog.logformat.units import UNIT_WORDS, convert_factor
from spasmlog.logformat.vocabulary import exercise_type_of_name, names_stretching

__all__: list[str] = []  # private helpers; nothing here is public API

PathInput = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
"""A file, a folder of files, a zip, or a list of any of these."""

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
T = TypeVar("T")
SHOWN = 3  # examples of a problem quoted in a note before "and N more"


# --- headers ------------------------------------------------------------------------------------------------


def normalise_header(text: object) -> str:
    """A header as compared: lower case, accents and quotes dropped, ``µ`` as ``u``, single spaces.

    Examples
    --------
    >>> normalise_header(" Aktivitätstyp ")
    'aktivitatstyp'
    >>> normalise_header("B12 (Cobalamin) (µg)")
    'b12 (cobalamin) (ug)'
    """
    value = str(text).replace("\ufeff", "").replace("µ", "u").replace("μ", "u").replace("\u2019", "'")
    value = value.strip().strip('"').strip()
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", value)


def split_unit(header: str) -> tuple[str, str | None]:
    """A normalised header as name and unit: ``'magnesium (ug)'`` → ``('magnesium', 'ug')``.

    Examples
    --------
    >>> split_unit("water (g)"), split_unit("potassium")
    (('water', 'g'), ('potassium', None))
    """
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", header)
    if match is None:
        return header, None
    return match.group(1).strip(), match.group(2).strip()


def unit_factor(unit: str | None, to: str, *, default: str | None = None) -> float | None:
    """How many ``to`` (a pint unit) make one ``unit`` as spelled in a header (``mg``, ``µg``, ``mcg``,
    ``g``, ``hours``, ``min``); ``None`` when the spelling is unknown or not convertible.

    ``default`` is the unit assumed when ``unit`` is ``None`` (a header without a unit).

    Examples
    --------
    >>> unit_factor("mcg", "milligram"), unit_factor("g", "milligram"), unit_factor("hours", "hour")
    (0.001, 1000.0, 1.0)
    >>> unit_factor("%", "milligram") is None
    True
    """
    word = default if unit is None else normalise_header(unit).rstrip(".")
    if word is None:
        return None
    name = UNIT_WORDS.get(word, UNIT_WORDS.get(word.rstrip("s")))
    if name is None:
        return None
    try:
        return convert_factor(name, to)
    except Exception:  # pint's DimensionalityError: hours of magnesium
        return None


# --- files of an export -------------------------------------------------------------------------------------


@dataclass
class ExportFile:
    """One CSV file of an export, loaded as text cells.

    ``label`` is how the person knows the file (its path, or ``export.zip: member.csv``); ``lines`` holds,
    for each row of ``frame``, the row number the person sees in a spreadsheet (header = row 1);
    ``headers`` maps each normalised header to the header as written.
    """

    label: str
    frame: pd.DataFrame
    lines: np.ndarray
    decimal_comma: bool
    headers: dict[str, str] = field(default_factory=dict)
    recovered: list[int] = field(default_factory=list)
    """Lines of rows read by :func:`recover_rows` with unquoted commas or line breaks joined into the note."""
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    """``(line, why)`` of the rows :func:`recover_rows` could not read (they were not imported)."""

    def column(self, *names: str) -> str | None:
        """The header as written of the first of ``names`` (normalised) this file has, else ``None``."""
        for name in names:
            if name in self.headers:
                return self.headers[name]
        return None

    def need(self, source: str, *names: str) -> str:
        """The header as written of the first of ``names`` this file has; an error naming the column if none."""
        header = self.column(*names)
        if header is None:
            raise ImportFormatError(
                f"{self.label}: the column {names[0]!r} is missing, so this is not a complete {source} export. "
                f"Export the file again from {source} without removing columns.",
                file=self.label,
                column=names[0],
            )
        return header


def _zip_members(archive: Path, folder: Path) -> list[tuple[Path, str]]:
    """Copy the CSV members of ``archive`` into ``folder`` under safe names: (copy, label) pairs."""
    copies = []
    with open_zip(archive, advice="Download the export again.") as bundle:
        for number, member in enumerate(bundle.infolist()):
            name = member.filename
            if member.is_dir() or Path(name).suffix.lower() not in CSV_SUFFIXES:
                continue
            if Path(name).name.startswith(("._", "~$")):  # macOS resource forks, Excel lock files
                continue
            # The member's own path never decides where it lands: a numbered plain name does.
            copy = folder / f"{number:05d}{Path(name).suffix.lower()}"
            copy_entry(bundle, member, copy, str(archive), advice="Download the export again.")
            copies.append((copy, f"{archive}: {name}"))
    return copies


def _named_or_marked_zip(file: Path) -> bool:
    """A file that is not a readable zip (:func:`~spasmlog.io.archives.is_zip` said no) yet is named ``.zip`` or
    starts with a zip's ``PK`` and a control byte: a damaged or cut-short download (pandas would try to unzip
    a file by its name; a CSV whose header starts ``PKG,...`` is not one)."""
    if file.suffix.lower() == ".zip":
        return True
    with file.open("rb") as stream:
        head = stream.read(3)
    return head[:2] == b"PK" and (len(head) == 2 or head[2] < 0x20)


@contextmanager
def export_files(path: PathInput, *, source: str) -> Iterator[list[tuple[Path, str, bool]]]:
    """The CSV files to read for ``path``, as (file on disk, label, named) triples; a zip's CSV members are
    unpacked into a temporary folder that is removed afterwards.

    A folder contributes the CSV and zip files directly inside it, in name order. ``named`` is true for a
    file the caller named itself (not found in a folder or a zip): such a file must be of the format read.
    """
    paths = [Path(path)] if isinstance(path, str | os.PathLike) else [Path(p) for p in path]
    if not paths:
        raise ImportFormatError(f"No file was given to read as a {source} export.", file="")
    with tempfile.TemporaryDirectory(prefix="spasmlog-import-") as scratch:
        found: list[tuple[Path, str, bool]] = []
        for number, item in enumerate(paths):
            if not item.exists():
                raise ImportFormatError(
                    f"{item} does not exist. Give the path of the {source} export file (or of its folder).",
                    file=str(item),
                )
            if item.is_dir():
                inside = sorted(
                    p
                    for p in item.iterdir()
                    if p.is_file()
                    and not p.name.startswith((".", "~$"))
                    and (p.suffix.lower() in CSV_SUFFIXES or p.suffix.lower() == ".zip")
                )
                if not inside:
                    raise ImportFormatError(
                        f"{item} holds no CSV or zip file to read as a {source} export.", file=str(item)
                    )
            else:
                inside = [item]
            for file in inside:
                if is_zip(file):
                    folder = Path(scratch) / f"{number:03d}-{len(found):05d}"
                    folder.mkdir()
                    members = _zip_members(file, folder)
                    if not members:
                        raise ImportFormatError(
                            f"{file} is a zip without any CSV file in it: it is not a {source} export.",
                            file=str(file),
                        )
                    found.extend((copy, label, False) for copy, label in members)
                elif _named_or_marked_zip(file):
                    raise ImportFormatError(
                        f"{file} is not a zip archive that can be opened: its name or first bytes say zip, but "
                        "the file is damaged or incomplete (a download cut short?). Download the export again.",
                        file=str(file),
                    )
                else:
                    found.append((file, str(file), not item.is_dir()))
        yield found


def load_export(path: Path, label: str, *, free_text_last: bool = False) -> ExportFile:
    """Load one CSV file with the log reader's machinery (encoding, delimiter, decimal comma, blank rows).

    ``free_text_last`` (the last column is a free-text note, as MyFitnessPal's ``Note``): a file whose
    rows do not all have as many cells as the header is read by :func:`recover_rows` instead of refused;
    ``ExportFile.recovered`` then says what was repaired and ``ExportFile.unreadable`` what was not read.
    """
    try:
        frame, lines, decimal_comma, _ = load_csv(path)
    except LogReadError as error:
        detail = {**error.detail, "file": label}
        failure = type(error)(error.message.replace(str(path), label), **detail)
        if not free_text_last or type(error) is not LogReadError:  # encoding, empty file: nothing to recover
            raise failure from error
        recovered = recover_rows(path, label)
        if recovered is None:
            raise failure from error
        return recovered
    frame, lines, _ = drop_blank_rows(frame, lines)
    frame = frame.reset_index(drop=True)
    return ExportFile(label, frame, lines, decimal_comma, _header_map(frame))


def _header_map(frame: pd.DataFrame) -> dict[str, str]:
    headers: dict[str, str] = {}
    for header in frame.columns:
        headers.setdefault(normalise_header(header), str(header))
    return headers


_ROW_START = r"\s*\"?\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}\"?\s*{delimiter}"
"""A line that begins a row of an export: a date in its first cell."""


def recover_rows(path: Path, label: str) -> ExportFile | None:
    """Read an export whose last column is free text written without quotes (commas, line breaks inside).

    A row begins on a line whose first cell is a date; a line that does not begin with a date continues
    the row above it (a line break in the note). Cells beyond the header's count are joined back into
    the last column, with the delimiter they were split on. A row with fewer cells than the header
    cannot be placed and is listed in ``unreadable`` as ``(line, why)``, as is a line before the first
    row that begins with no date. ``None`` when the file has no header or its last column is not a
    note (``Note``, ``Notes``, ``Comment``): then nothing tells where the extra cells belong.
    """
    encoding, delimiter, decimal_comma, _, skip = csv_dialect(path)
    with path.open(encoding=encoding, newline=None) as stream:
        text = stream.read().split("\n")
    if len(text) <= skip:
        return None
    header = next(csv.reader([text[skip]], delimiter=delimiter), [])
    if len(header) < 2 or normalise_header(header[-1]) not in {"note", "notes", "comment", "comments"}:
        return None
    width = len(header)
    starts = re.compile(_ROW_START.format(delimiter=re.escape(delimiter)))
    records: list[tuple[int, list[str]]] = []  # (line of the row, its physical lines)
    unreadable: list[tuple[int, str]] = []
    for number, line in enumerate(text[skip + 1 :], start=skip + 2):
        if not line.strip():
            continue
        if starts.match(line):
            records.append((number, [line]))
        elif records:
            records[-1][1].append(line)
        else:
            unreadable.append((number, "it begins with no date and follows no row"))
    rows: list[list[str]] = []
    lines: list[int] = []
    repaired: list[int] = []
    for number, parts in records:
        cells = next(csv.reader([parts[0]], delimiter=delimiter), [])
        if len(cells) < width:
            unreadable.append((number, f"it has {len(cells)} cells where the header has {width}"))
            continue
        note = delimiter.join(cells[width - 1 :])
        if len(parts) > 1:
            note = "\n".join([note, *parts[1:]])
        if len(cells) > width or len(parts) > 1:
            repaired.append(number)
        rows.append([*cells[: width - 1], note])
        lines.append(number)
    frame = pd.DataFrame(rows, columns=_unique(header), dtype="str")
    export = ExportFile(label, frame, np.asarray(lines, dtype="int64"), decimal_comma, _header_map(frame))
    export.recovered = repaired
    export.unreadable = sorted(unreadable)
    return export


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header}.{seen[header] - 1}")
    return out


def drop_rows(export: ExportFile, drop: np.ndarray) -> ExportFile:
    """The export without the rows where ``drop`` (a boolean array over its rows) is true."""
    keep = ~np.asarray(drop, dtype=bool)
    return replace(export, frame=export.frame[keep].reset_index(drop=True), lines=export.lines[keep])


def asks_the_person(error: SpasmlogError) -> bool:
    """Whether an error asks the person a question that an option answers (``dayfirst`` for ambiguous
    dates): such an error stops the import even when other files could be read, never a skipped file."""
    return error.detail.get("rule") == "ambiguous_date"


def files_failed(path: PathInput, source: str, failures: list[tuple[str, SpasmlogError]], *, alone: bool) -> None:
    """Raise when no file of an import could be read, or the only file failed; else nothing.

    ``failures`` holds ``(label, error)`` for each file that could not be read. One file alone raises its
    own error; several that all failed raise one :class:`~spasmlog.errors.ImportFormatError` quoting each.
    """
    if not failures:
        return
    if len(failures) == 1 and alone:
        raise failures[0][1]
    reasons = " ".join(f"({number}) {failure.message}" for number, (_, failure) in enumerate(failures, start=1))
    raise ImportFormatError(f"No {source} file of {path} could be read: {reasons}", file=str(path))


def read_or_skip(failures: list[tuple[str, SpasmlogError]], label: str, read: Callable[[], T]) -> T | None:
    """``read()``, or ``None`` when it fails with a :class:`~spasmlog.errors.SpasmlogError`: the file is
    skipped, its error kept in ``failures`` for :func:`files_failed` and the notes (the other files of the
    import are read). An error asking the person a question (:func:`asks_the_person`) stops the import.

    Examples
    --------
    >>> failures = []
    >>> def broken():
    ...     raise SpasmlogError("no date column")
    >>> read_or_skip(failures, "a.csv", broken), [(label, e.message) for label, e in failures]
    (None, [('a.csv', 'no date column')])
    """
    try:
        return read()
    except SpasmlogError as error:
        if asks_the_person(error):
            raise
        failures.append((label, error))
        return None


def skipped_notes(notes: Notes, failures: list[tuple[str, SpasmlogError]]) -> None:
    """One note per file skipped because it could not be read (after :func:`files_failed` found others)."""
    for label, failure in failures:
        notes.add(f"{label} was skipped, the other files were imported: {failure.message}")


@dataclass
class Tally:
    """How many rows the files of an import held, and how many could not be read: ``attrs["records"]``
    and ``attrs["unreadable"]`` of the imported table, so that an import that yields nothing says why."""

    records: int = 0
    unreadable: int = 0

    @classmethod
    def of(cls, exports: Iterable[ExportFile]) -> Tally:
        """The tally of the rows of ``exports``."""
        tally = cls()
        for export in exports:
            tally.add(export)
        return tally

    def add(self, export: ExportFile) -> None:
        """Count a file's rows, those :func:`recover_rows` could not read among them."""
        self.records += len(export.frame) + len(export.unreadable)
        self.unreadable += len(export.unreadable)

    def stamp(self, table: pd.DataFrame, notes: Notes) -> pd.DataFrame:
        """Set ``records`` and ``unreadable`` in ``table.attrs`` (with the rows ``notes`` says were skipped)."""
        table.attrs["records"] = self.records
        table.attrs["unreadable"] = min(self.unreadable + notes.skipped_rows, self.records)
        return table


def wrong_format(export: ExportFile, source: str, expected: str) -> ImportFormatError:
    """The error for a file that is not the export it was read as, quoting its first headers."""
    shown = ", ".join(list(export.frame.columns.astype(str))[:6])
    return ImportFormatError(
        f"{export.label} is not a {source} export: expected {expected}, but its header row is: {shown}. "
        f"Export the file again from {source}, or run `spasmlog import --auto` to let spasmlog tell "
        "which app it came from.",
        file=export.label,
    )


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 entry``, ``3 entries``.

    Examples
    --------
    >>> count(1, "day"), count(2, "entry", "entries")
    ('1 day', '2 entries')
    """
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def shown_number(value: float) -> str:
    """A number for people to read: a whole number as an integer (``100000000``, never ``1e+08``), else at
    most 6 significant digits.

    Examples
    --------
    >>> shown_number(99999999.0), shown_number(1.5), shown_number(2 / 3), shown_number(-0.0)
    ('99999999', '1.5', '0.666667', '0')
    """
    number = float(value)
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return f"{number:.6g}"


def daily_rule_broken(column: str, value: float) -> str | None:
    """The rule of the log format's ``daily`` table that ``value`` breaks as a day's ``column``, in a few words
    (``magnesium_mg 50000 > 5000 mg a day``), else ``None`` (also for a column the log format does not know).

    The readers use it for what they give besides the daily table: an intervention's dose built from an
    amount the daily table refuses must not carry it silently.

    Examples
    --------
    >>> daily_rule_broken("magnesium_mg", 50000.0), daily_rule_broken("magnesium_mg", 300.0)
    ('magnesium_mg 50000 > 5000 mg a day', None)
    """
    spec = field_specs("daily").get(column)
    if spec is None or spec.kind not in ("number", "integer", "duration"):
        return None
    per_day = f" {spec.unit} a day" if spec.unit else ""
    if spec.maximum is not None and value > spec.maximum:
        return f"{column} {shown_number(value)} > {shown_number(spec.maximum)}{per_day}"
    if spec.minimum is not None and (value < spec.minimum or (spec.minimum_exclusive and value == spec.minimum)):
        sign = "<=" if spec.minimum_exclusive else "<"
        return f"{column} {shown_number(value)} {sign} {shown_number(spec.minimum)}{per_day}"
    return None


# --- cells --------------------------------------------------------------------------------------------------


@dataclass
class Notes:
    """Sentences for ``frame.attrs["notes"]``, and the unreadable cells of every file, quoted with their line."""

    sentences: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    unreadable_count: int = 0
    skipped_rows: int = 0
    """Rows left out because they could not be read (no readable date, no name): for ``attrs["unreadable"]``."""

    def add(self, sentence: str) -> None:
        """Add one sentence (once)."""
        if sentence not in self.sentences:
            self.sentences.append(sentence)

    def cells(self, export: ExportFile, header: str, parsed: Parsed) -> None:
        """Record the cells of ``header`` that ``parsed`` could not read (they stay empty)."""
        if not len(parsed.errors):
            return
        cells = export.frame[header]
        for index in parsed.errors.index[: max(SHOWN - len(self.unreadable), 0)]:
            line = export.lines[int(index)]
            self.unreadable.append(f"{export.label}:{line} {header} = {cells.iloc[int(index)]!r}")
        self.unreadable_count += len(parsed.errors)

    def finished(self) -> list[str]:
        """All sentences, with one for the unreadable cells last."""
        out = list(self.sentences)
        if self.unreadable_count:
            more = self.unreadable_count - len(self.unreadable)
            tail = f" and {more} more" if more > 0 else ""
            out.append(
                f"{count(self.unreadable_count, 'cell')} could not be read and were left empty: "
                + "; ".join(self.unreadable)
                + tail
                + "."
            )
        return out


def numbers(export: ExportFile, header: str, notes: Notes) -> pd.Series:
    """The cells of ``header`` as float64 numbers (``2,552``, decimal commas, ``--`` as missing, Excel's
    text-protecting ``'`` ignored); unreadable or infinite cells are left empty and quoted in ``notes``."""
    cells = export.frame[header]
    if pd.api.types.is_string_dtype(cells) or cells.dtype == object:
        cells = cells.astype("str").str.replace(r"^\s*'", "", regex=True)
    parsed = parse_number(cells, decimal_comma=export.decimal_comma)
    values = parsed.values.astype("float64")
    infinite = values.notna() & ~np.isfinite(values.fillna(0.0))
    if infinite.any():
        parsed.add(infinite, "not_a_number")
        values = values.where(~infinite)
    notes.cells(export, header, parsed)
    return values


_UNPADDED_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[ T\s])")


def pad_iso_dates(cells: pd.Series) -> pd.Series:
    """Year-first dates with unpadded month or day (``2011-4-18``, as Cronometer wrote them until about
    2016) written ``2011-04-18``; every other cell as it is. Year first, they cannot be ambiguous.

    Examples
    --------
    >>> pad_iso_dates(pd.Series(["2011-4-18", "2011-12-1 7:05", "4/18/2011", "2011-04-18"])).tolist()
    ['2011-04-18', '2011-12-01 7:05', '4/18/2011', '2011-04-18']
    """
    if not (pd.api.types.is_string_dtype(cells) or cells.dtype == object):
        return cells
    text = cells.astype("str")
    unpadded = text.str.match(_UNPADDED_ISO)
    if not unpadded.any():
        return cells
    padded = text[unpadded].str.replace(
        _UNPADDED_ISO, lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", regex=True
    )
    return cells.where(~unpadded, padded.str.strip())


def days(
    export: ExportFile,
    header: str,
    notes: Notes,
    *,
    source: str,
    dayfirst: bool | None,
    with_time: bool = False,
) -> pd.Series:
    """The local calendar day of each row (midnight; ``NaT`` where unreadable, those rows are skipped).

    ``with_time`` reads date-times (``2023-05-01 07:30:12``) and keeps their day. Raises
    :class:`~spasmlog.errors.ImportFormatError` when the dates are ambiguous (``03/04/2026`` throughout)
    or none can be read.
    """
    cells = export.frame[header]
    parsed = parse_dates(pad_iso_dates(cells), kind="datetime" if with_time else "date", dayfirst=dayfirst)
    ambiguous = parsed.errors[parsed.errors == "ambiguous_date"]
    if len(ambiguous):
        first = int(ambiguous.index[0])
        raise ImportFormatError(
            f"{export.label}:{export.lines[first]}: the date {cells.iloc[first]!r} could be day-first or "
            f"month-first, and no date in the column tells which (a re-save by a spreadsheet changed them). "
            "Pass dayfirst=True or dayfirst=False, or export the file again from the app.",
            file=export.label,
            line=int(export.lines[first]),
            column=header,
            rule="ambiguous_date",
        )
    values = parsed.values.dt.normalize() if with_time else parsed.values
    values = values.astype("datetime64[us]")
    if len(cells) and values.isna().all():
        raise ImportFormatError(
            f"{export.label}: no cell of the {header!r} column is a date (the first is {cells.iloc[0]!r}). "
            f"Export the file again from {source}.",
            file=export.label,
            column=header,
        )
    bad = values.isna()
    notes.skipped_rows += int(bad.sum())
    if bad.any():
        where = ", ".join(str(line) for line in export.lines[bad.to_numpy()][:SHOWN])
        notes.add(f"{export.label}: {count(int(bad.sum()), 'row')} without a readable date skipped (lines {where}).")
    return values


# --- exercise -----------------------------------------------------------------------------------------------


def is_stretching(name: object) -> bool:
    """Whether an activity is stretching (``stretching_min`` in the log), not exercise; yoga is exercise.

    The words are :data:`~spasmlog.logformat.vocabulary.STRETCHING_NAME_WORDS`.

    Examples
    --------
    >>> is_stretching("Stretching"), is_stretching("Dehnen"), is_stretching("Stretching, hatha yoga")
    (True, True, False)
    """
    return names_stretching(name) and exercise_type_of_name(name) != "yoga_pilates"


def exercise_type_from_name(name: object) -> str:
    """The ``exercise_type`` category of an activity named in an app (the words of six languages in
    :data:`~spasmlog.logformat.vocabulary.EXERCISE_NAME_WORDS`); ``other`` when none says its type.

    Examples
    --------
    >>> [exercise_type_from_name(n) for n in ["Treadmill Running", "Indoor Cycling", "Laufen", "Randonnée"]]
    ['running', 'cycling', 'running', 'walking']
    >>> exercise_type_from_name("Elliptical"), exercise_type_from_name("Liegestütze")
    ('other', 'strength')
    """
    return exercise_type_of_name(name)


def longest_by_day(day: pd.Series, minutes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per day: minutes of exercise (the sum; missing when no entry has minutes) and the row position of the
    longest entry (the first in the file on a tie; entries without minutes count only when none has any).

    Minutes of zero or less count as not recorded. Rows without a day are left out.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-02"]))
    >>> total, row = longest_by_day(d, pd.Series([20.0, 45.0, None]))
    >>> total.tolist(), row.tolist()
    ([65.0, nan], [1, 2])
    """
    frame = pd.DataFrame(
        {
            "day": day.to_numpy(),
            "minutes": minutes.where(minutes > 0).to_numpy(dtype="float64"),
            "row": np.arange(len(day)),
        }
    )
    frame = frame[frame["day"].notna()]
    total = frame.groupby("day")["minutes"].sum(min_count=1)
    frame["rank"] = frame["minutes"].fillna(-1.0)
    ranked = frame.sort_values(["day", "rank", "row"], ascending=[True, False, True])
    longest = ranked.drop_duplicates("day").set_index("day")["row"]
    return total.astype("float64"), longest.reindex(total.index).astype("int64")


def longer_than_a_day(
    export: ExportFile, day: pd.Series, minutes: pd.Series, names: pd.Series, notes: Notes, *, what: str
) -> np.ndarray:
    """Entries longer than a day (a stopwatch left running), refused one by one and named in ``notes``.

    Returns the mask of refused entries. The limit and its unit are ``exercise_min``'s in the log format, so
    one entry breaks the rule the day's sum would break: the day keeps its other entries' minutes and type
    instead of losing them with the one wrong entry. ``day``, ``minutes`` and ``names`` are aligned with
    ``export``'s rows (``export.lines`` gives the line each entry was read from).
    """
    spec = field_specs("daily")["exercise_min"]
    limit = float(spec.maximum) if spec.maximum is not None else float("inf")
    absurd = ((minutes > limit) & day.notna()).to_numpy()
    if absurd.any():
        refused = [
            f"line {export.lines[i]} {names.iloc[i]!r} on {day.iloc[i]:%Y-%m-%d}: exercise_min "
            f"{shown_number(minutes.iloc[i])} > {shown_number(limit)} {spec.unit} a day"
            for i in np.flatnonzero(absurd)
        ]
        more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        notes.add(
            f"{export.label}: {count(len(refused), what + ' entry', what + ' entries')} longer than a day "
            f"refused (not added to exercise_min, not used for exercise_type; the day's other entries are kept): "
            f"{'; '.join(refused[:5])}{more}."
        )
    return absurd


def exercise_columns(
    day: pd.Series, minutes: pd.Series, names: pd.Series, kinds: pd.Series, *, what: str, notes: Notes
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    """``exercise_min``, ``exercise_type`` and ``stretching_min`` per day from one row per activity.

    ``kinds`` holds each row's ``exercise_type``. Stretching entries (:func:`is_stretching`) go to
    ``stretching_min``, not to exercise; the rest give ``exercise_min`` (the sum) and the type of the
    day's longest activity (:func:`longest_by_day`). The detail table names the activity each
    ``exercise_type`` came from, as ``what 'name'``.
    """
    day, minutes = day.reset_index(drop=True), minutes.reset_index(drop=True)
    names, kinds = names.reset_index(drop=True), kinds.reset_index(drop=True)
    stretching = names.map(is_stretching).astype(bool) & day.notna()
    columns: dict[str, pd.Series] = {}
    if stretching.any():
        stretch_minutes = minutes[stretching].where(minutes[stretching] > 0)
        columns["stretching_min"] = stretch_minutes.groupby(day[stretching]).sum(min_count=1).dropna()
        notes.add(
            f"{what}: {count(int(stretching.sum()), 'stretching entry', 'stretching entries')} went to "
            "stretching_min, not to exercise_min."
        )
    keep = ~stretching
    total, longest = longest_by_day(day[keep].reset_index(drop=True), minutes[keep].reset_index(drop=True))
    rows = longest.to_numpy()
    kept_names, kept_kinds = names[keep].reset_index(drop=True), kinds[keep].reset_index(drop=True)
    columns["exercise_min"] = total
    columns["exercise_type"] = pd.Series(kept_kinds.iloc[rows].to_numpy(), index=total.index, dtype="str")
    detail = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(total.index).astype("datetime64[us]"),
            "column": "exercise_type",
            "detail": [f"{what} {name!r}" for name in kept_names.iloc[rows]],
        }
    )
    return columns, detail


# --- the imported table -------------------------------------------------------------------------------------


def build_table(
    columns: dict[str, pd.Series],
    *,
    source: str,
    files: Iterable[str],
    notes: list[str],
    flags: Iterable[str] = (),
    detail: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The imported ``daily`` table from per-day series (each indexed by day at midnight).

    Canonical columns come first in the order of :func:`~spasmlog.logformat.schemas.field_specs`, extra
    columns after them by name; numbers are float64. Days on which every column other than the ``flags``
    (status columns such as Cronometer's ``Completed``) is missing are dropped: the app recorded nothing.

    Examples
    --------
    >>> day = pd.DatetimeIndex(["2026-01-02", "2026-01-01"])
    >>> table = build_table({"water_ml": pd.Series([1.0, 2.0], index=day)}, source="x", files=["f"], notes=[])
    >>> table["date"].dt.strftime("%F").tolist(), table.attrs["source"]
    (['2026-01-01', '2026-01-02'], 'x')
    """
    canonical = list(field_specs("daily"))
    order = [c for c in canonical if c in columns] + sorted(c for c in columns if c not in canonical)
    stamps = [pd.DatetimeIndex(series.index).astype("datetime64[us]") for series in columns.values()]
    index = pd.DatetimeIndex(sorted(set().union(*stamps)) if stamps else [], dtype="datetime64[us]")
    data: dict[str, pd.Series] = {}
    for name in order:
        series = columns[name].copy()
        series.index = pd.DatetimeIndex(series.index).astype("datetime64[us]")
        series = series.reindex(index)
        if pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
            data[name] = series.astype("boolean")
        elif pd.api.types.is_numeric_dtype(series):
            data[name] = series.astype("float64")
        else:
            data[name] = series.astype("str")
    frame = pd.DataFrame(data, index=index)
    values = [c for c in order if c not in set(flags)]
    if values:
        frame = frame[frame[values].notna().any(axis=1)]
    frame = frame.sort_index()
    frame.index.name = "date"
    frame = frame.reset_index()
    frame["date"] = frame["date"].astype("datetime64[us]")
    frame.attrs["source"] = source
    frame.attrs["files"] = list(dict.fromkeys(files))
    frame.attrs["notes"] = list(notes)
    if detail is not None:
        # Tuples, not a DataFrame: pandas compares attrs in concat and merge, and frames cannot be compared.
        frame.attrs["detail"] = list(detail[["date", "column", "detail"]].itertuples(index=False, name=None))
    return frame


def combine(parts: list[tuple[str, dict[str, pd.Series]]], notes: Notes) -> dict[str, pd.Series]:
    """Per-day series from several files: the first file (in the order given) wins a day both have, and
    each column with disagreeing days is reported."""
    combined: dict[str, pd.Series] = {}
    owner: dict[str, str] = {}
    for label, columns in parts:
        for name, series in columns.items():
            if name not in combined:
                combined[name], owner[name] = series, label
                continue
            before = combined[name]
            both = before.index.intersection(series.index)
            if len(both):
                left, right = before.reindex(both), series.reindex(both)
                differ = left.notna() & right.notna() & (left.astype("str") != right.astype("str"))
                if differ.any():
                    notes.add(
                        f"{name}: {count(int(differ.sum()), 'day')} differ between {owner[name]} and {label}; "
                        f"the values of {owner[name]} were kept."
                    )
            combined[name] = before.combine_first(series) if len(series) else before
    return combined
