"""Finding a log's tables on disk and loading each as cells, with the row numbers a person sees.

Loading keeps every cell as written (text) for CSV and XLSX, so that nothing is converted before the
parsers can report what they could not read; Parquet and JSON Lines keep their own types.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from spasmlog.errors import (
    ConflictingTablesError,
    EncodingError,
    LogNotFoundError,
    LogReadError,
    UnrecognisedTableError,
)
from spasmlog.io.units import resolve_header
from spasmlog.logformat.schemas import TABLES, field_specs

__all__ = [
    "PROVENANCE_FILE",
    "RawTable",
    "csv_dialect",
    "detect_table",
    "discover",
    "load_file",
    "read_cells",
    "read_provenance",
]

PROVENANCE_FILE = "provenance.csv"
"""Beside ``daily.csv``: where each imported value came from (written by ``spasmlog import``)."""

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".jsonl", ".ndjson"}
_QUARANTINE_HEADERS = ["table", "file", "line", "reasons"]  # the leading columns of Log.quarantine
_WORKBOOKS = (".xlsx", ".xlsm")
_IGNORED_SHEETS = {"readme", "help", "about", "instructions", "lists", "info"}

_STEM_WORDS: list[tuple[str, str]] = [
    ("intervention", "interventions"),
    ("treatment", "interventions"),
    ("therap", "interventions"),
    ("programme", "interventions"),
    ("spasm", "spasms"),
    ("cramp", "spasms"),
    ("episode", "spasms"),
    ("event", "spasms"),
    ("people", "people"),
    ("person", "people"),
    ("participant", "people"),
    ("client", "people"),
    ("profile", "people"),
    ("daily", "daily"),
    ("diary", "daily"),
    ("days", "daily"),
    ("day", "daily"),
]


@dataclass
class RawTable:
    """One table as loaded from one file or workbook sheet, before parsing.

    ``lines`` holds, for each row of ``frame``, the row number the person sees (header = row 1).
    """

    table: str
    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    person_id: str | None = None
    decimal_comma: bool = False
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)


def detect_table(name: str, columns: list[str]) -> str | None:
    """Which table a file holds: by its name first (``daily.csv``, ``my cramps.csv``), else by its headers.

    Examples
    --------
    >>> detect_table("cramps 2026", [])
    'spasms'
    >>> detect_table("export", ["Date", "Water (L)", "Steps"])
    'daily'
    """
    stem = name.lower()
    for word, table in _STEM_WORDS:
        if word in stem:
            return table
    best, best_score = None, 0
    for table in TABLES:
        matched = {m.field for c in columns if (m := resolve_header(c, table)) is not None}
        required = {n for n, s in field_specs(table).items() if s.required and n != "person_id"}
        if table == "spasms" and {"date", "time"} <= {str(c).strip().lower() for c in columns}:
            matched.add("start")
        if not required <= matched:
            continue
        score = len(matched - {"person_id", "notes"})
        if score > best_score:
            best, best_score = table, score
    return best


# --- text files --------------------------------------------------------------------------------


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        else:
            encoding = "utf-8"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(1 << 22):
                if b"\x00" in chunk:
                    raise EncodingError(
                        f"{path} looks like a binary file, not a text table. Save it as CSV (UTF-8) and try again.",
                        file=str(path),
                    )
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            pass
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := stream.read(1 << 22):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError as error:
            raise EncodingError(
                f"{path} is neither UTF-8 nor Windows-1252 text (byte {error.start} cannot be read). "
                "Open it in your spreadsheet and save it as 'CSV UTF-8'.",
                file=str(path),
            ) from error


def _sniff(lines: list[str]) -> tuple[str, int, bool]:
    """Delimiter, header line index and whether numbers use a decimal comma, from the first lines."""
    start = 0
    delimiter = None
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].strip().lower().startswith("sep="):  # Excel's hint line
        delimiter = lines[start].strip()[4:5] or ","
        start += 1
    header = lines[start] if start < len(lines) else ""
    if delimiter is None:
        counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    decimal_comma = False
    if delimiter != ",":
        body = "\n".join(lines[start + 1 :])
        cells = [cell for row in csv.reader(io.StringIO(body), delimiter=delimiter) for cell in row]
        decimal_comma = any(re.fullmatch(r"\s*-?\d*,\d+\s*", cell) for cell in cells)
    return delimiter, start, decimal_comma


FAST_CSV_BYTES = 32 << 20
"""From this size on, CSV files are parsed by Arrow's multi-threaded reader when it can keep row numbers."""


def _read_csv_fast(path: Path, delimiter: str, skip: int, encoding: str) -> pd.DataFrame | None:
    """Arrow's CSV reader, for big files without blank lines (which it would skip, shifting row numbers).

    ``None`` when the file has blank lines or Arrow cannot read it; the careful reader then takes over
    and reports any problem with its line.
    """
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(1 << 24):
            block = tail + chunk
            if b"\n\n" in block or b"\n\r\n" in block:
                return None
            tail = block[-2:]
    try:
        return pd.read_csv(path, sep=delimiter, dtype="str", keep_default_na=False, skiprows=skip, engine="pyarrow")
    except Exception:  # any Arrow complaint (ragged rows, quoted newlines): the careful reader decides
        return None


def csv_dialect(path: Path) -> tuple[str, str, bool, str, int]:
    r"""How a CSV file is written: encoding, delimiter, decimal comma, line ending, lines before the header.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "daily.csv"
    >>> _ = path.write_bytes("\ufeffdate;water\r\n2026-01-01;1,5\r\n".encode())
    >>> csv_dialect(path)
    ('utf-8-sig', ';', True, '\r\n', 0)
    """
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        head = [line for _, line in zip(range(200), stream, strict=False)]
    delimiter, skip, decimal_comma = _sniff(head)
    newline = "\r\n" if head and head[0].endswith("\r\n") else "\n"
    return encoding, delimiter, decimal_comma, newline, skip


def read_provenance(folder: Path, person_id: str) -> pd.DataFrame | None:
    """The provenance table of a log folder (``None`` when there is none), with its ``person_id``."""
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        return None
    table = pd.read_csv(path, dtype="str", keep_default_na=False)
    if "person_id" not in table:
        table.insert(0, "person_id", person_id)
    return table


def read_cells(path: Path, *, delimiter: str, skip: int, encoding: str) -> pd.DataFrame:
    """Every cell of a CSV file as text, blank rows included (``""`` for an empty cell).

    Raises :class:`~spasmlog.errors.LogReadError` when a row has more cells than the header (pandas
    would otherwise drop or shift them).
    """
    try:
        with warnings.catch_warnings():
            # More cells than headers in a row would lose data: make pandas' warning an error we report.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                index_col=False,
                sep=delimiter,
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                skiprows=skip,
                encoding=encoding,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as error:
        raise LogReadError(
            f"{path} could not be read as a table: {error}. Check that every row has as many cells as the header.",
            file=str(path),
        ) from error
    return frame.fillna("")


def _load_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, bool, int]:
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        head = [line for _, line in zip(range(200), stream, strict=False)]
    if not any(line.strip() for line in head):
        raise UnrecognisedTableError(f"{path} is empty: there is no header row to read.", file=str(path))
    delimiter, skip, decimal_comma = _sniff(head)
    if path.stat().st_size >= FAST_CSV_BYTES:
        fast = _read_csv_fast(path, delimiter, skip, encoding)
        if fast is not None:
            return fast, np.arange(len(fast)) + skip + 2, decimal_comma, skip
    frame = read_cells(path, delimiter=delimiter, skip=skip, encoding=encoding)  # empty cells already ""
    lines = np.arange(len(frame)) + skip + 2
    return frame, lines, decimal_comma, skip


# --- workbooks --------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{seconds % 60:02.0f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _load_sheets(path: Path) -> Iterator[tuple[str, pd.DataFrame, np.ndarray]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a damaged file
        raise LogReadError(
            f"{path} could not be opened as an XLSX workbook ({error}). Save it again from your spreadsheet as .xlsx.",
            file=str(path),
        ) from error
    try:
        for sheet in workbook.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
            if header_at is None:
                continue
            header = rows[header_at]
            width = max((i + 1 for i, c in enumerate(header) if c.strip()), default=0)
            body = [row[:width] + [""] * (width - len(row)) for row in rows[header_at + 1 :]]
            frame = pd.DataFrame(body, columns=_unique_headers(header[:width]), dtype="str")
            yield sheet.title, frame, np.arange(len(frame)) + header_at + 2
    finally:
        workbook.close()


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        name = header.strip() or "unnamed"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


# --- one file, many files ----------------------------------------------------------------------


def _drop_blank_rows(frame: pd.DataFrame, lines: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, int]:
    if frame.empty or not all(pd.api.types.is_string_dtype(t) or pd.api.types.is_object_dtype(t) for t in frame.dtypes):
        return frame, lines, 0
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        blank &= (frame[name].str.strip() == "").to_numpy(dtype=bool)
        if not blank.any():
            break
    if not blank.any():
        return frame, lines, 0
    return frame[~blank].reset_index(drop=True), lines[~blank], int(blank.sum())


def load_file(path: Path, *, table: str | None = None, person_id: str | None = None) -> list[RawTable]:
    """Load one file (every recognised sheet of a workbook) as :class:`RawTable` objects.

    Raises :class:`~spasmlog.errors.UnrecognisedTableError` when ``table`` is not given and neither the
    file's name nor its headers say which table it is.
    """
    suffix = path.suffix.lower()
    display = str(path)
    loaded: list[tuple[str, str, pd.DataFrame, np.ndarray, bool]] = []
    if suffix in {".xlsx", ".xlsm"}:
        for sheet, frame, lines in _load_sheets(path):
            if sheet.strip().lower() in _IGNORED_SHEETS:
                continue
            loaded.append((sheet, f"{display} [{sheet}]", frame, lines, False))
        if not loaded:
            raise UnrecognisedTableError(f"{path} has no sheet with a table in it.", file=display)
    elif suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as error:  # pyarrow raises its own types for a damaged or foreign file
            raise LogReadError(
                f"{path} could not be read as a Parquet table ({error}). Write it again, or save it as CSV.",
                file=display,
            ) from error
        loaded.append((path.stem, display, frame, np.arange(len(frame)) + 1, False))
    elif suffix in {".jsonl", ".ndjson"}:
        try:
            frame = pd.read_json(path, lines=True, dtype=False)
        except ValueError as error:
            raise LogReadError(f"{path} is not valid JSON Lines ({error}).", file=display) from error
        loaded.append((path.stem, display, frame, np.arange(len(frame)) + 1, False))
    elif suffix in {".csv", ".tsv", ".txt"}:
        frame, lines, decimal_comma, _ = _load_csv(path)
        loaded.append((path.stem, display, frame, lines, decimal_comma))
    else:
        raise UnrecognisedTableError(
            f"{path}: spasmlog reads CSV, XLSX, Parquet and JSON Lines tables, not '{suffix}' files.",
            file=display,
        )
    tables = []
    for name, label, frame, lines, decimal_comma in loaded:
        if [str(c) for c in frame.columns[:4]] == _QUARANTINE_HEADERS:
            raise UnrecognisedTableError(
                f"{label} is a quarantine file written by `spasmlog validate --quarantine`, not a table of the log: "
                "fix the rows in the original files (it names them) and delete it.",
                file=label,
            )
        kind = table or detect_table(name, [str(c) for c in frame.columns])
        if kind is None:
            if suffix in {".xlsx", ".xlsm"} and len(loaded) > 1:
                continue
            raise UnrecognisedTableError(
                f"{label}: cannot tell which table this is. Name it daily.csv, spasms.csv, interventions.csv "
                "or people.csv (or a workbook sheet daily, spasms, ...), or use the headers of "
                "`spasmlog template`.",
                file=label,
            )
        frame, lines, blank = _drop_blank_rows(frame, lines)
        tables.append(RawTable(kind, label, frame, lines, person_id, decimal_comma, blank))
    return tables


def _table_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in TABLE_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and p.name != PROVENANCE_FILE
    )


def discover(path: str | Path, *, skipped: list[tuple[str, str]] | None = None) -> list[RawTable]:
    """Every table under ``path``: a file, a person's folder, or a folder of per-person folders.

    A table without a ``person_id`` column belongs to the person the folder (or workbook, or file's
    folder) is named after. Inside a folder, files that are not tables (a notes file, a quarantine file
    written by ``spasmlog validate``) are not read, and neither are sub-folders of a person's own folder
    (a backup copy would count every day twice) or folders reached through a link; each is listed in
    ``skipped`` as (path, reason) when a list is given.
    """
    notes = skipped if skipped is not None else []
    root = Path(path)
    if not root.exists():
        raise LogNotFoundError(f"{root} does not exist. Give the path of a log folder or a table file.", file=str(root))
    if root.is_file():
        person = root.stem if root.suffix.lower() in _WORKBOOKS else root.resolve().parent.name
        return load_file(root, person_id=person)
    if not root.is_dir():
        raise LogNotFoundError(f"{root} is neither a folder nor a table file.", file=str(root))
    tables: list[RawTable] = []
    for file in _table_files(root):
        tables.extend(_load_in_folder(file, root.resolve().name, notes))
    persons_here = any(t.table in ("daily", "spasms") for t in tables)
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if sub.is_symlink():
            notes.append((str(sub), "a folder reached through a link was not read (it may loop back)"))
        elif not _table_files(sub):
            continue
        elif persons_here:
            notes.append(
                (
                    str(sub),
                    "a sub-folder of a person's own log folder (a backup copy?) was not read: move it out, "
                    "or keep one folder per person without tables beside them",
                )
            )
        else:
            for file in _table_files(sub):
                tables.extend(_load_in_folder(file, sub.name, notes))
    if not tables:
        raise LogNotFoundError(
            f"{root} holds no log tables. Expected daily.csv, spasms.csv, interventions.csv or people.csv "
            "(or .xlsx, .parquet, .jsonl), directly or in one sub-folder per person. "
            "`spasmlog template DIR` writes empty ones to start from.",
            file=str(root),
        )
    _refuse_two_forms(tables)
    return tables


def _refuse_two_forms(tables: list[RawTable]) -> None:
    """A folder holding one table both as CSV (or Parquet, JSON Lines) and as a workbook sheet is refused:
    the same rows would count twice (spasms and interventions have no uniqueness rule to catch it)."""
    forms: dict[tuple[str, str], dict[bool, str]] = {}
    for raw in tables:
        file = Path(raw.file.split(" [", 1)[0])
        forms.setdefault((str(file.parent), raw.table), {})[file.suffix.lower() in _WORKBOOKS] = raw.file
    for (folder, table), kinds in forms.items():
        if len(kinds) == 2:
            raise ConflictingTablesError(
                f"{folder} holds the {table} table twice: in {kinds[False]} and in {kinds[True]}. Keep one form "
                "(the CSV tables or the workbook) and move the other out of the folder.",
                file=folder,
                table=table,
            )


def _load_in_folder(file: Path, person: str, skipped: list[tuple[str, str]]) -> list[RawTable]:
    try:
        return load_file(file, person_id=person)
    except UnrecognisedTableError as error:
        if file.suffix.lower() != ".txt":  # notes and read-me files beside the tables go unmentioned
            skipped.append((str(file), str(error)))
        return []
