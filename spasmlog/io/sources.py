"""Finding a log's tables on disk and loading each as cells, with the line or row a person sees.

Loading keeps every cell as written (text) for CSV and XLSX, so that nothing is converted before the
parsers can report what they could not read; Parquet and JSON Lines keep their own types.

Where a row is: in a workbook sheet, its row number; in a CSV file, the line of the file on which the row
starts, as a text editor numbers lines (see :func:`load_csv`): the two agree unless a cell above holds line
breaks; in Parquet and JSON Lines, the row's position from 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.errors import (
    ConflictingTablesError,
    EncodingError,
    LogNotFoundError,
    LogReadError,
    UnrecognisedTableError,
)
from spasmlog.io.cells import unneutralise_frame
from spasmlog.io.parsing import _pad_iso
from spasmlog.logformat.schemas import TABLES_READ, field_specs
from spasmlog.logformat.units import date_time_part, resolve_header
from spasmlog.logformat.vocabulary import fold

__all__ = [
    "ENCODING_NAMES",
    "MANIFEST_FILE",
    "PROVENANCE_FILE",
    "SKIPPED_KINDS",
    "EncodingGuessWarning",
    "RawTable",
    "SetAside",
    "Skipped",
    "csv_dialect",
    "detect_table",
    "discover",
    "drop_blank_rows",
    "load_csv",
    "load_file",
    "read_cells",
    "read_provenance",
    "sniff",
]

PROVENANCE_FILE = "provenance.csv"
#: The manifest of a shared bundle (``spasmlog share``): spasmlog's own file, not a table of the log.
MANIFEST_FILE = "manifest.json"
"""Beside ``daily.csv``: where each imported value came from (written by ``spasmlog import``)."""

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".jsonl", ".ndjson"}
_QUARANTINE_HEADERS = ["table", "file", "line", "reasons"]  # the leading columns of Log.quarantine
_WORKBOOKS = (".xlsx", ".xlsm")
_IGNORED_SHEETS = {"readme", "help", "about", "instructions", "lists", "info"}

# Folded (no accents), matched anywhere in the file's name, in this order. No words that name a person
# ("Patient 3.xlsx", "Klient Kramp.xlsx" are a physiotherapist's client files, see _client_named).
_STEM_WORDS: list[tuple[str, str]] = [
    ("intervention", "interventions"),
    ("treatment", "interventions"),
    ("therap", "interventions"),
    ("programme", "interventions"),
    ("behandlung", "interventions"),
    ("traitement", "interventions"),
    ("tratamiento", "interventions"),
    ("trattament", "interventions"),
    ("behandeling", "interventions"),
    ("spasm", "spasms"),
    ("cramp", "spasms"),  # and crampes, crampi
    ("episode", "spasms"),
    ("event", "spasms"),
    ("krampf", "spasms"),
    ("kraempf", "spasms"),
    ("calambre", "spasms"),
    ("krampen", "spasms"),  # not "kramp": a surname too, and a file named after a client is a client
    ("people", "people"),
    ("person", "people"),
    ("participant", "people"),
    ("client", "people"),
    ("profile", "people"),
    ("daily", "daily"),
    ("diary", "daily"),
    ("days", "daily"),
    ("day", "daily"),
    ("tagebuch", "daily"),
    ("journal", "daily"),
    ("diario", "daily"),
    ("dagboek", "daily"),
    ("taglich", "daily"),
    ("quotidien", "daily"),
    ("experiment", "experiments"),  # last: "experiment diary.csv" is a diary
]


class SetAside(NamedTuple):
    """A row of a CSV file with more cells than its header, set aside whole while the rest of the file is read.

    ``line`` is the line of the file the row starts on, ``cells`` every cell of the row as written, ``width``
    the number of cells of the header and ``delimiter`` the file's delimiter.
    """

    line: int
    cells: list[str]
    width: int
    delimiter: str


@dataclass
class RawTable:
    """One table as loaded from one file or workbook sheet, before parsing.

    ``lines`` holds, for each row of ``frame``, where the person finds it: the row number of a workbook
    sheet, the line a CSV row starts on (a text editor's line; see :func:`load_csv`), the position from 1 in
    Parquet and JSON Lines. ``set_aside`` holds the rows of a CSV file that had more cells than its header
    (read with ``set_aside`` by :func:`load_file`): they are not in ``frame``. ``read_as`` is set by
    :func:`discover` for a table of a person's own folder whose ``person_id`` column names one other person
    throughout (the folder was renamed or copied): ``(named, folder's person)``; its rows are the folder's
    person's.
    """

    table: str
    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    person_id: str | None = None
    decimal_comma: bool = False
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    read_as: tuple[str, str] | None = None


def detect_table(name: str, columns: list[str]) -> str | None:
    """Which table a file holds, from its headers and its name (``daily.csv``, ``my cramps.csv``, ``Krämpfe``).

    Headers decide between spasm events and daily rows, whatever the name: a table with a time-of-day
    column (``Uhrzeit``, ``time``) or a body-region column (``Wo``, ``where``) holds events, unless more of
    its columns are daily measures (water, sleep, a count of spasms). A daily count of spasms (``Krämpfe``
    in ``Tagebuch.csv``) never makes a table the events table. Otherwise the name decides, and a table
    named like spasms whose headers can only be daily rows (a date, daily measures, nothing of an event)
    is the daily table. Without a telling name, the headers are matched against every table.

    Examples
    --------
    >>> detect_table("cramps 2026", [])
    'spasms'
    >>> detect_table("export", ["Date", "Water (L)", "Steps"])
    'daily'
    >>> detect_table("Krämpfe", ["Datum", "Uhrzeit", "Wo", "Seite", "Stärke (1-10)", "Dauer", "Notiz"])
    'spasms'
    >>> detect_table("Krämpfe", ["Datum", "Krämpfe", "Wasser (L)"])
    'daily'
    >>> detect_table("Tagebuch", ["Datum", "Wasser (L)", "Krämpfe", "Schlaf (Std)"])
    'daily'
    """
    names = [str(c) for c in columns]
    daily = {m.field for c in names if (m := resolve_header(c, "daily")) is not None}
    events = {m.field for c in names if (m := resolve_header(c, "spasms")) is not None}
    parts = {p for c in names if (p := date_time_part(c)) is not None}
    daily_measures = daily - {"person_id", "date", "notes"}
    event_fields = (events - {"person_id", "notes"}) | ({"time"} & parts)
    if ("time" in parts or "body_region" in events) and len(event_fields) > len(daily_measures):
        return "spasms"
    stem = fold(name)
    for word, table in _STEM_WORDS:
        if word in stem:
            if table == "spasms" and not event_fields and daily_measures and "date" in daily:
                return "daily"
            return table
    best, best_score = None, 0
    for table in TABLES_READ:
        matched = {m.field for c in names if (m := resolve_header(c, table)) is not None}
        required = {n for n, s in field_specs(table).items() if s.required and n != "person_id"}
        if table == "spasms" and {"date", "time"} <= parts:
            matched.add("start")
        if not required <= matched:
            continue
        score = len(matched - {"person_id", "notes"})
        if score > best_score:
            best, best_score = table, score
    return best


# --- text files --------------------------------------------------------------------------------


class EncodingGuessWarning(UserWarning):
    """A text file is not UTF-8 and which older encoding it is in could not be told for sure: the warning names
    the encoding the file was read in and how to read it otherwise. ``file`` and ``encoding`` are attributes."""

    def __init__(self, message: str, *, file: str, encoding: str) -> None:
        super().__init__(message)
        self.file = file
        self.encoding = encoding


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
    "cp1251": "Windows-1251 (Cyrillic)",
}
"""The encodings CSV files are read in, by the name ``open()`` takes, with the name a person knows them by."""

_SINGLE_BYTE = ("cp1252", "cp1251")  # what spreadsheets on Windows save as "CSV" in Western and Cyrillic locales
_UNDEFINED = {"cp1252": (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"), "cp1251": (b"\x98",)}
"""The bytes each encoding has no character for."""
_EVIDENCE_BYTES, _EVIDENCE_STEP = 1 << 24, 1 << 20
# A stretch of letters (a word, in either reading) holding a byte beyond ASCII; it starts where a word starts.
_HIGH_STRETCH = re.compile(rb"(?<![A-Za-z\x80-\xff])[A-Za-z]*+[\x80-\xff][A-Za-z\x80-\xff]*")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")
# In a word, a character beyond ASCII that is no letter (``g³ówny``, ``s¹d``): text of a third encoding read
# in this one. Apostrophes, dashes and the middle dot are at home inside words.
_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f](?=[^\W\d_])")
_IN_WORDS = frozenset("’‘´·‐–—\u00ad")


class _Guess(NamedTuple):
    encoding: str
    certain: bool
    why: str
    words: int = 0  # words that speak for the encoding chosen


def _single_byte_guess(raw: bytes, decodable: list[str]) -> _Guess:
    r"""Windows-1252 or Windows-1251 for bytes that are not UTF-8, from the words each reading gives.

    Read as Windows-1251, Western text gives words mixing Latin and Cyrillic letters (``cafй``, ``FuЯ``,
    ``Oщ``); Cyrillic text gives words of Cyrillic letters only (``Судорога``). The reading with evidence
    for it and none against is certain; evidence both ways, none at all where the two readings differ, or
    symbols inside the chosen reading's words (``g³ówny``: a third encoding) make the guess uncertain.

    Examples
    --------
    >>> _single_byte_guess("Судорога ночью, икра".encode("cp1251"), ["cp1252", "cp1251"])
    _Guess(encoding='cp1251', certain=True, why='3 words in Cyrillic letters', words=3)
    >>> _single_byte_guess("Crampe au mollet après le café".encode("cp1252"), ["cp1252", "cp1251"])
    _Guess(encoding='cp1252', certain=True, why='2 words with accented Latin letters', words=2)
    >>> _single_byte_guess("10 €".encode("cp1252"), ["cp1252", "cp1251"]).certain  # € or Ђ?
    False
    """
    # Only the stretches of letters holding a byte beyond ASCII tell the readings apart, each distinct one read
    # once; a megabyte at a time (cut at a line's end), until one gives evidence.
    readings: dict[str, dict[bytes, str]] = {name: {} for name in _SINGLE_BYTE}
    cyrillic = latin = start = 0
    while start < min(len(raw), _EVIDENCE_BYTES) and not (cyrillic or latin):
        end = start + _EVIDENCE_STEP
        end = raw.rfind(b"\n", start, end) + 1 or end if end < len(raw) else len(raw)
        window = Counter(_HIGH_STRETCH.findall(raw, start, end))
        start = end
        for stretch in window:
            for name in _SINGLE_BYTE:
                readings[name].setdefault(stretch, stretch.decode(name, errors="replace"))
            for word in _WORD.findall(readings["cp1251"][stretch]):
                if not _CYRILLIC.search(word):
                    continue
                if _LATIN.search(word):
                    latin += window[stretch]  # "cafй": Latin text read as Cyrillic
                elif len(word) > 1 and (word.islower() or word.isupper() or word.istitle()):
                    cyrillic += window[stretch]  # "Судорога"; not a lone letter ("à" read "а"), nor "ЃЌЏђќ"
    if readings["cp1252"] == readings["cp1251"]:  # the two readings are the same text: nothing to choose
        return _Guess(decodable[0], True, "only characters both encodings write alike")
    if "cp1251" not in decodable:
        cyrillic = 0
    if "cp1252" not in decodable:
        latin = 0
    chosen = "cp1251" if cyrillic > latin else "cp1252"
    if chosen not in decodable:
        chosen = decodable[0]
    if chosen == "cp1251" and not cyrillic:
        return _Guess(chosen, False, "no word in Cyrillic letters")
    found, against = (cyrillic, latin) if chosen == "cp1251" else (latin, cyrillic)
    kind = "in Cyrillic letters" if chosen == "cp1251" else "with accented Latin letters"
    why = f"{found} word{'s' if found != 1 else ''} {kind}" if found else "no word shows which"
    if against:
        other = "with accented Latin letters" if chosen == "cp1251" else "in Cyrillic letters"
        why += f", but {against} {other}"
    between = (c for text in readings[chosen].values() for c in _BETWEEN_LETTERS.findall(text))
    odd = {c for c in between if not c.isalpha() and c not in _IN_WORDS}
    if odd:
        why += f", and symbols inside words ({' '.join(sorted(odd)[:3])}) as another encoding gives"
    return _Guess(chosen, found > 0 and not against and not odd, why, found)


def _detect_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding to read a text file in; an :class:`EncodingGuessWarning` when an older one is a guess.

    UTF-8 (with or without BOM) and UTF-16 with BOM are certain. Other files are read as Windows-1252 or
    Windows-1251, whichever their words show (:func:`_single_byte_guess`). ``encoding`` (a name ``open()``
    takes) overrides the detection.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            _checks.fail("load_csv", "encoding", encoding, "an encoding Python knows, such as 'cp1252' or 'cp1251'")
        return encoding
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
        undefined = {name: -1 for name in _SINGLE_BYTE}  # where the first byte each encoding has no letter for is
        offset = 0
        while chunk := stream.read(1 << 22):
            for name, at in undefined.items():
                if at < 0:
                    found = [i for byte in _UNDEFINED[name] if (i := chunk.find(byte)) >= 0]
                    undefined[name] = offset + min(found) if found else -1
            offset += len(chunk)
        decodable = [name for name in _SINGLE_BYTE if undefined[name] < 0]
        if not decodable:
            raise EncodingError(
                f"{path} is neither UTF-8, Windows-1252 nor Windows-1251 text (byte {max(undefined.values())} cannot "
                "be read). Open it in your spreadsheet and save it as 'CSV UTF-8'.",
                file=str(path),
            )
        stream.seek(0)
        guess = _single_byte_guess(stream.read(_EVIDENCE_BYTES), decodable)
        if "cp1252" not in decodable and not guess.words:  # only Windows-1251 reads it, and nothing in it is Cyrillic
            raise EncodingError(
                f"{path} is neither UTF-8 nor Windows-1252 text, and nothing in it reads as Cyrillic text "
                "(Windows-1251). Open it in your spreadsheet and save it as 'CSV UTF-8'.",
                file=str(path),
            )
    if not guess.certain:
        others = [name for name in _SINGLE_BYTE if name != guess.encoding]
        warnings.warn(
            EncodingGuessWarning(
                f"{path} is not UTF-8 text; it was read as {ENCODING_NAMES[guess.encoding]}, a guess "
                f"({guess.why}). If its letters look wrong, save it from your spreadsheet or text editor as "
                f"'CSV UTF-8', or load it with encoding='{others[0]}' (or another encoding Python knows).",
                file=str(path),
                encoding=guess.encoding,
            ),
            stacklevel=3,
        )
    return guess.encoding


def sniff(lines: list[str]) -> tuple[str, int, bool]:
    r"""The delimiter, the index of the header line and whether numbers use a decimal comma, from a file's
    first lines (blank lines and Excel's ``sep=`` hint line before the header are skipped).

    Parameters
    ----------
    lines : list of str
        The first lines of the file (a few hundred are enough), as text.

    Returns
    -------
    tuple of (str, int, bool)
        ``(delimiter, header_index, decimal_comma)``.

    Examples
    --------
    >>> sniff(["sep=;\n", "date;water_ml\n", "2026-01-01;1,5\n"])
    (';', 1, True)
    >>> sniff(["\n", "date,water_ml\n", "2026-01-01,1500\n"])
    (',', 1, False)
    """
    start = 0
    delimiter = None
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].strip().lower().startswith("sep="):  # Excel's hint line
        delimiter = lines[start].strip()[4:5] or ","
        start += 1
        while start < len(lines) and not lines[start].strip():
            start += 1
    if delimiter is None:
        delimiter = _delimiter("".join(lines[start : start + 50]))
    decimal_comma = False
    if delimiter != ",":
        body = "\n".join(lines[start + 1 :])
        cells = [cell for row in csv.reader(io.StringIO(body), delimiter=delimiter) for cell in row]
        decimal_comma = any(re.fullmatch(r"\s*-?\d*,\d+\s*", cell) for cell in cells)
    return delimiter, start, decimal_comma


_DELIMITERS = (",", ";", "\t", "|")


def _delimiter(text: str) -> str:
    r"""The delimiter that splits the header (quotes respected) into the most cells while the rows below
    mostly have as many: ``"Water, daily";date`` is split on ``;``, not inside the quotes.

    Examples
    --------
    >>> _delimiter('"Water, daily";date\n1,5;2026-01-01\n')
    ';'
    >>> _delimiter("date,water_ml\n2026-01-01,1500\n"), _delimiter("date\n2026-01-01\n")
    (',', ',')
    """
    best, best_score = ",", (False, 1)
    for delimiter in _DELIMITERS:
        try:
            rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
        except csv.Error:  # a stray carriage return inside a cell: judge by this delimiter no further
            continue
        if not rows or len(rows[0]) < 2:
            continue
        body = rows[1:]
        agree = sum(len(row) == len(rows[0]) for row in body) >= 0.8 * len(body)
        score = (agree, len(rows[0]))
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == (False, 1):  # nothing could be parsed: the character the header line holds most of
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return best


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


def csv_dialect(path: Path, *, encoding: str | None = None) -> tuple[str, str, bool, str, int]:
    r"""How a CSV file is written: encoding, delimiter, decimal comma, line ending, lines before the header.

    The encoding is detected as :func:`load_csv` does, unless ``encoding`` is given.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "daily.csv"
    >>> _ = path.write_bytes("\ufeffdate;water\r\n2026-01-01;1,5\r\n".encode())
    >>> csv_dialect(path)
    ('utf-8-sig', ';', True, '\r\n', 0)
    """
    encoding = _detect_encoding(path, encoding)
    with path.open(encoding=encoding, newline="") as stream:
        head = [line for _, line in zip(range(200), stream, strict=False)]
    delimiter, skip, decimal_comma = sniff(head)
    newline = "\r\n" if head and head[0].endswith("\r\n") else "\n"
    return encoding, delimiter, decimal_comma, newline, skip


def read_provenance(folder: Path, person_id: str) -> pd.DataFrame | None:
    """The provenance table of a log folder (``None`` when there is none), with its ``person_id``."""
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        return None
    table = unneutralise_frame(pd.read_csv(path, dtype="str", keep_default_na=False))
    if "person_id" not in table:
        table.insert(0, "person_id", person_id)
    return table


def read_cells(path: Path, *, delimiter: str, skip: int, encoding: str) -> pd.DataFrame:
    """Every cell of a CSV file as text, blank rows included (``""`` for an empty cell).

    Raises :class:`~spasmlog.errors.LogReadError` when a row has more cells than the header (pandas
    would otherwise drop or shift them) or a quote is never closed; the error's ``line`` is the line of
    the file on which that row starts.
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
        raise _unreadable_row(path, delimiter=delimiter, skip=skip, encoding=encoding, error=error) from error
    return frame.fillna("")


def _unreadable_row(path: Path, *, delimiter: str, skip: int, encoding: str, error: Exception) -> LogReadError:
    """The error for a file pandas could not split into rows, naming the line where the faulty row starts."""
    with path.open(encoding=encoding, newline="") as stream:
        for _ in range(skip):
            stream.readline()
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        width, start = None, skip + 1
        try:
            for row in reader:
                if width is None:
                    width = len(row)
                elif len(row) > width:
                    return LogReadError(
                        f"{path}, line {start}: this row has {len(row)} cells where the header has {width} (a "
                        f"{delimiter!r} inside a cell that is not in quotes?). Put that cell in double quotes, or "
                        "check that every row has as many cells as the header.",
                        file=str(path),
                        line=start,
                    )
                start = skip + reader.line_num + 1
        except csv.Error:
            return LogReadError(
                f'{path}, line {start}: a quote (") opened in this row is never closed, so the rest of the '
                'file would be one cell. Close the quote, or write a quote inside a cell as two ("").',
                file=str(path),
                line=start,
            )
    return LogReadError(
        f"{path} could not be read as a table: {error}. Check that every row has as many cells as the header.",
        file=str(path),
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _breaks(cells: pd.Series) -> np.ndarray:
    r"""How many line breaks each text cell holds (``\r\n`` is one, as a text editor counts)."""
    found = cells.str.contains("\n", regex=False) | cells.str.contains("\r", regex=False)
    if not found.any():
        return np.zeros(len(cells), dtype=np.int64)
    return cells.where(found, "").str.count(_LINE_BREAK.pattern).to_numpy(dtype=np.int64)


def _cells_hold_line_breaks(path: Path, rows: int, skip: int, encoding: str) -> bool:
    """Whether some cell (or header) of a CSV file of ``rows`` rows below its header holds a line break: the file
    has more line breaks than its rows and the lines before the header use. Counted on the bytes, for the
    encodings that write a line break as one byte of its own; ``True`` (count cell by cell) for the others."""
    if encoding not in ("utf-8", "utf-8-sig", *_SINGLE_BYTE):
        return True
    breaks = 0
    last = b""
    with path.open("rb") as stream:
        previous = b""
        while chunk := stream.read(1 << 24):
            breaks += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if previous == b"\r" and chunk[:1] == b"\n":
                breaks -= 1  # a \r\n split between two chunks
            previous = last = chunk[-1:]
    ended = last in (b"\n", b"\r")
    return breaks != skip + 1 + rows - (0 if ended else 1)


def _row_lines(frame: pd.DataFrame, skip: int) -> np.ndarray:
    r"""The line of the file on which each row of ``frame`` starts, as a text editor numbers lines: the
    header is line ``skip + 1``, and a cell holding line breaks moves every row below it down.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2026-01-01", "2026-01-02", "2026-01-03"], "notes": ["a\r\nb\nc", "", "d"]})
    >>> _row_lines(frame, 0).tolist()
    [2, 5, 6]
    """
    header = sum(len(_LINE_BREAK.findall(str(name))) for name in frame.columns)
    lines = np.arange(len(frame), dtype=np.int64) + skip + 2 + header
    breaks = np.zeros(len(frame), dtype=np.int64)
    for index in range(frame.shape[1]):
        column = frame.iloc[:, index]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            breaks += _breaks(column.astype("str"))
    if breaks.any():
        lines[1:] += np.cumsum(breaks)[:-1]
    return lines


def load_csv(
    path: Path, *, encoding: str | None = None, set_aside: list[SetAside] | None = None
) -> tuple[pd.DataFrame, np.ndarray, bool, int]:
    r"""A CSV file as text cells, the way the log reader loads it: encoding, delimiter and decimal comma
    detected, Excel's ``sep=`` line and blank lines before the header skipped, every cell kept as written.

    Parameters
    ----------
    path : Path
        The file.
    encoding : str, optional
        The file's encoding (a name ``open()`` takes: ``"cp1251"``, ``"cp1252"``, ``"utf-16"``), when its
        detection should be overridden.
    set_aside : list, optional
        Receives a :class:`SetAside` for each row with more cells than the header; the other rows are read.
        Without it, such a row is an error.

    Returns
    -------
    tuple of (DataFrame, ndarray, bool, int)
        ``(frame, lines, decimal_comma, skip)``: the cells (``""`` for an empty cell), the line on which each
        row starts, whether numbers use a decimal comma, and the number of lines before the header.

    Raises
    ------
    spasmlog.errors.LogReadError
        The file is empty, a row has more cells than the header (unless ``set_aside`` is given) or a quote
        is never closed, so that the rest of the file would be one cell (``line`` says where that row starts),
        or its text cannot be read (:class:`~spasmlog.errors.EncodingError`).
    spasmlog.errors.ParameterError
        ``encoding`` is no encoding Python knows.

    Notes
    -----
    **Lines.** A row's line is the line of the file on which it starts, as a text editor numbers them: the
    header is line ``skip + 1`` (Excel's ``sep=`` line and blank lines above it count), a blank line is a line,
    and a cell holding line breaks (a note written on several lines, in quotes) makes its row span several
    lines. Without such cells this is also the row number a spreadsheet shows (Excel alone hides a ``sep=``
    line); below one, a spreadsheet shows the row that many lines higher, as one row per row of the file.

    **Encoding.** UTF-8 (with or without BOM) and UTF-16 with BOM are read as such. A file that is not UTF-8
    is read as Windows-1252 (Western European) or Windows-1251 (Cyrillic), whichever its words show: read as
    Windows-1251, Western text gives words mixing Latin and Cyrillic letters (``cafй``), Cyrillic text words
    of Cyrillic letters only. Where the words do not settle it, an :class:`EncodingGuessWarning` names the
    encoding chosen and how to choose another (``encoding=``, or saving the file as UTF-8).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "daily.csv"
    >>> _ = path.write_bytes('date,notes\n2026-01-01,"calf\nat night"\n2026-01-02,Судорога\n'.encode("cp1251"))
    >>> frame, lines, decimal_comma, skip = load_csv(path)
    >>> frame["notes"].tolist(), lines.tolist()
    (['calf\nat night', 'Судорога'], [2, 4])
    """
    encoding = _detect_encoding(path, encoding)
    with path.open(encoding=encoding, newline="") as stream:
        head = [line for _, line in zip(range(200), stream, strict=False)]
    if not any(line.strip() for line in head):
        raise UnrecognisedTableError(f"{path} is empty: there is no header row to read.", file=str(path))
    delimiter, skip, decimal_comma = sniff(head)
    if path.stat().st_size >= FAST_CSV_BYTES:
        fast = _read_csv_fast(path, delimiter, skip, encoding)
        if fast is not None:
            return fast, _lines_of(path, fast, skip, encoding), decimal_comma, skip
    try:
        frame = read_cells(path, delimiter=delimiter, skip=skip, encoding=encoding)  # empty cells already ""
    except LogReadError:
        if set_aside is None:
            raise
        frame, lines = _read_rows_apart(path, delimiter=delimiter, skip=skip, encoding=encoding, set_aside=set_aside)
        return frame, lines, decimal_comma, skip
    return frame, _lines_of(path, frame, skip, encoding), decimal_comma, skip


def _read_rows_apart(
    path: Path, *, delimiter: str, skip: int, encoding: str, set_aside: list[SetAside]
) -> tuple[pd.DataFrame, np.ndarray]:
    r"""Every cell of a CSV file as text, with the line each row starts on, the rows with more cells than the
    header set aside (in ``set_aside``) instead of failing the file: the careful reader for a file pandas
    could not split. A row with fewer cells has empty cells added, as pandas does. A quote never closed is
    still a :class:`~spasmlog.errors.LogReadError`: the rest of the file would be one cell, nothing to set aside.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "daily.csv"
    >>> _ = path.write_text('date,water_ml\n2026-01-01,1,5\n2026-01-02,"1,5"\n2026-01-03\n')
    >>> apart = []
    >>> frame, lines = _read_rows_apart(path, delimiter=",", skip=0, encoding="utf-8", set_aside=apart)
    >>> frame.values.tolist(), lines.tolist()
    ([['2026-01-02', '1,5'], ['2026-01-03', '']], [3, 4])
    >>> apart
    [SetAside(line=2, cells=['2026-01-01', '1', '5'], width=2, delimiter=',')]
    """
    rows: list[list[str]] = []
    lines: list[int] = []
    found: list[SetAside] = []
    with path.open(encoding=encoding, newline="") as stream:
        for _ in range(skip):
            stream.readline()
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        start = skip + 1
        try:
            width = len(next(reader, []))
            start = skip + reader.line_num + 1
            for row in reader:
                if len(row) > width:
                    found.append(SetAside(start, row, width, delimiter))
                else:
                    rows.append(row + [""] * (width - len(row)))
                    lines.append(start)
                start = skip + reader.line_num + 1
        except csv.Error as error:
            raise LogReadError(
                f'{path}, line {start}: a quote (") opened in this row is never closed, so the rest of the '
                'file would be one cell. Close the quote, or write a quote inside a cell as two ("").',
                file=str(path),
                line=start,
            ) from error
    try:  # the headers exactly as pandas names them (a repeated one gets ".1", an empty one "Unnamed: 2")
        columns = pd.read_csv(
            path, sep=delimiter, skiprows=skip, nrows=0, encoding=encoding, index_col=False, dtype="str"
        ).columns
    except (pd.errors.ParserError, ValueError) as error:
        columns = pd.Index([], dtype="str")
        cause: Exception | None = error
    else:
        cause = None
    if width != len(columns):  # pandas and the csv module disagree on the header: do not guess which is right
        raise LogReadError(
            f"{path} could not be read as a table: its header row could not be split into columns. Check that the "
            "header is the first row and that every quote in it is closed.",
            file=str(path),
        ) from cause
    set_aside.extend(found)
    frame = pd.DataFrame(rows, columns=columns, dtype="str") if rows else pd.DataFrame(columns=columns, dtype="str")
    return frame, np.asarray(lines, dtype=np.int64)


def _lines_of(path: Path, frame: pd.DataFrame, skip: int, encoding: str) -> np.ndarray:
    if _cells_hold_line_breaks(path, len(frame), skip, encoding):
        return _row_lines(frame, skip)
    return np.arange(len(frame), dtype=np.int64) + skip + 2  # one line a row


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


def drop_blank_rows(frame: pd.DataFrame, lines: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, int]:
    """The rows of a table of text cells that hold something, their lines, and how many blank rows were dropped.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"date": ["2026-01-01", " ", "2026-01-03"], "water_ml": ["1500", "", ""]})
    >>> kept, lines, blank = drop_blank_rows(frame, np.array([2, 3, 4]))
    >>> kept["date"].tolist(), lines.tolist(), blank
    (['2026-01-01', '2026-01-03'], [2, 4], 1)
    """
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


def load_file(
    path: Path,
    *,
    table: str | None = None,
    person_id: str | None = None,
    encoding: str | None = None,
    set_aside: bool = False,
) -> list[RawTable]:
    """Load one file (every recognised sheet of a workbook) as :class:`RawTable` objects.

    ``encoding`` is the encoding of a CSV file, when its detection (see :func:`load_csv`) should be overridden.
    With ``set_aside``, the rows of a CSV file with more cells than its header are kept in
    :attr:`RawTable.set_aside` and the rest is read; without it, such a row is a
    :class:`~spasmlog.errors.LogReadError` (for a caller that writes the file back and must not lose the row).

    Raises :class:`~spasmlog.errors.UnrecognisedTableError` when ``table`` is not given and neither the
    file's name nor its headers say which table it is.
    """
    suffix = path.suffix.lower()
    display = str(path)
    loaded: list[tuple[str, str, pd.DataFrame, np.ndarray, bool]] = []
    apart: list[SetAside] = []
    if suffix in {".xlsx", ".xlsm"}:
        for sheet, frame, lines in _load_sheets(path):
            if sheet.strip().lower() in _IGNORED_SHEETS:
                continue
            loaded.append((sheet, f"{display} [{sheet}]", unneutralise_frame(frame), lines, False))
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
        frame, lines, decimal_comma, _ = load_csv(path, encoding=encoding, set_aside=apart if set_aside else None)
        loaded.append((path.stem, display, unneutralise_frame(frame), lines, decimal_comma))
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
        frame, lines, blank = drop_blank_rows(frame, lines)
        tables.append(RawTable(kind, label, frame, lines, person_id, decimal_comma, blank, set_aside=apart))
    return tables


# --- which files under a path are read ---------------------------------------------------------

SKIPPED_KINDS = ("duplicate_file", "sub_folder", "no_tables", "link", "not_a_table", "lock_file")
"""Why something under the path given was not read (:attr:`Skipped.kind`). A ``duplicate_file`` (a backup copy
beside its original) is an error: the person has to decide which of the two is the log; the others are warnings."""


class Skipped(NamedTuple):
    """Something under the path given that :func:`discover` did not read, and why."""

    file: str
    reason: str
    kind: str = "not_a_table"
    person_id: str = ""


_SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", "icon\r"}
_COPY_WORDS = r"(?:kopie|copy|copie|copia|kopia|kopio|kopya)"
_COPY_NAMES = [
    re.compile(rf"^(?P<base>.+?)\s*[-–]\s*{_COPY_WORDS}(?:\s*\(\d+\))?$", re.IGNORECASE),  # "daily - Kopie (2)"
    re.compile(rf"^(?P<base>.+?)\s+{_COPY_WORDS}(?:\s+\d+)?$", re.IGNORECASE),  # macOS: "daily copy 2"
    re.compile(r"^(?P<base>.+?)\s*\(\d+\)$"),  # a second download: "daily (1)"
    re.compile(r"^(?P<base>.+?)[._ -](?:bak|backup|old|alt|orig|sicherung)$", re.IGNORECASE),  # "daily.bak"
    re.compile(r"^(?:copy of|kopie von|kopie van|copie de|copia de|copia di)\s+(?P<base>.+)$", re.IGNORECASE),
]


def _nfc(name: str) -> str:
    """A name as one sequence of characters: macOS writes ``Zoë`` in a folder name as ``Zoe`` + a combining mark."""
    return unicodedata.normalize("NFC", name)


def _is_lock_file(name: str) -> bool:
    """LibreOffice's ``.~lock.daily.csv#`` (or without the dot) and Excel's ``~$daily.xlsx``."""
    return name.startswith(("~$", ".~lock.", "~lock."))


def _hidden(path: Path) -> bool:
    """Files no one expects read: hidden ones and the system's thumbnails and folder settings."""
    return path.name.startswith(".") or path.name.lower() in _SYSTEM_FILES


def _table_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in TABLE_SUFFIXES
        and not p.name.startswith((".", "~"))
        and p.name != PROVENANCE_FILE
    )


def _sub_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _holds_tables(folder: Path, depth: int = 3) -> bool:
    """Whether ``folder`` or a folder below it (not through a link, ``depth`` levels at most) holds a table file."""
    try:
        if _table_files(folder):
            return True
        return depth > 0 and any(_holds_tables(s, depth - 1) for s in _sub_folders(folder) if not s.is_symlink())
    except OSError:
        return False


def _copy_of(path: Path, names: dict[str, Path]) -> Path | None:
    """The file ``path`` is a backup copy of, by its name (``daily - Kopie.csv`` of ``daily.csv``), when that
    file is in the same folder; ``names`` maps the lower-case stem of each table file there to the file.

    Examples
    --------
    >>> names = {"daily": Path("daily.csv"), "bernd": Path("Bernd.xlsx")}
    >>> [str(_copy_of(Path(n), names)) for n in ("daily - Kopie.csv", "daily (1).csv", "daily copy.csv",
    ...                                            "daily.bak.csv", "Bernd - Copy.xlsx", "Copy of daily.csv")]
    ['daily.csv', 'daily.csv', 'daily.csv', 'daily.csv', 'Bernd.xlsx', 'daily.csv']
    >>> _copy_of(Path("daily (1).csv"), {"daily (1)": Path("daily (1).csv")}) is None
    True
    """
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for pattern in _COPY_NAMES:
        match = pattern.match(stem)
        if match:
            original = names.get(match["base"].strip().lower())
            if original is not None and original != path:
                return original
    return None


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    if not columns or not len(frame):
        return np.array([], dtype="uint64")
    cells = frame[columns].astype(str).apply(lambda column: column.str.strip())
    return pd.util.hash_pandas_object(cells, index=False).to_numpy()


def _repeated(copy: list[RawTable], original: list[RawTable]) -> tuple[int, int, str]:
    """Rows of ``copy`` identical to a row of the same table in ``original``; rows of ``copy``; ``day`` or ``row``."""
    same = total = 0
    for raw in copy:
        total += len(raw.frame)
        other = next((o for o in original if o.table == raw.table), None)
        if other is not None:
            columns = sorted(set(map(str, raw.frame.columns)) & set(map(str, other.frame.columns)))
            same += int(np.isin(_row_keys(raw.frame, columns), _row_keys(other.frame, columns)).sum())
    word = "day" if copy and all(raw.table == "daily" for raw in copy) else "row"
    return same, total, word


def _person_column(raw: RawTable) -> bool:
    """Whether a table names its people itself (a ``person_id`` column)."""
    return _person_header(raw) is not None


def _person_header(raw: RawTable) -> str | None:
    """The header of the column in which a table names its people, if it has one."""
    for column in raw.frame.columns:
        try:
            match = resolve_header(str(column), raw.table)
        except LogReadError:
            continue
        if match is not None and match.field == "person_id":
            return str(column)
    return None


def _read_as_folder_person(raws: list[RawTable], person: str, others: Collection[str] = ()) -> None:
    """Mark the tables of a person's own folder (or workbook) that name one other person throughout as that
    person's (:attr:`RawTable.read_as`), when the folder's days take the person from its name.

    ``spasmlog plan`` and the importers write ``person_id`` into ``experiments.csv`` and ``people.csv``, while
    ``daily.csv`` takes the person from the folder's name: a renamed or copied folder (``kim`` to ``kim2``)
    would otherwise split one person's log in two, the plans and the profile belonging to nobody with days.
    Only when every daily and spasms table of the folder takes the person from its name, and the table names
    exactly one person, who is not ``person`` nor one of ``others`` (the other people of a caseload).
    """
    days = [raw for raw in raws if raw.table in ("daily", "spasms")]
    if not days or any(_person_column(raw) for raw in days):
        return
    for raw in raws:
        header = None if raw.table in ("daily", "spasms") else _person_header(raw)  # those have none (above)
        if header is None:
            continue
        cells = raw.frame[header]
        cells = cells[cells.notna()].astype("str").str.strip()
        named = {_nfc(c) for c in cells[cells != ""].unique()}
        if len(named) == 1:
            (other,) = named
            if other != person and other not in others:
                raw.read_as = (other, person)


def _client_named(path: Path) -> bool:
    """A file named after a person (``Bernd.xlsx``), not after a table (``daily.csv``) nor a period (``2025.xlsx``)."""
    stem = path.name[: -len(path.suffix)]
    return detect_table(stem, []) is None and any(c.isalpha() for c in stem)


def _days(raws: list[RawTable]) -> set[str]:
    """The dates of a file's daily rows (else of its spasm events) as written, to tell apart one person's files
    by month from several people's files (one person's files never share a day)."""
    days: set[str] = set()
    for kind, field_name in (("daily", "date"), ("spasms", "start")):
        for raw in (r for r in raws if r.table == kind):
            for column in raw.frame.columns:
                try:
                    match = resolve_header(str(column), kind)
                except LogReadError:
                    continue
                if match is not None and match.field in (field_name, "date"):
                    cells = _pad_iso(raw.frame[column].astype(str).str.strip().str.split(" ").str[0])
                    days.update(cells[cells != ""])
                    break
        if days:
            break
    return days


def _share_days(files: list[list[RawTable]]) -> bool:
    """Whether two of the files hold the same day (so they are not one person's log split by period)."""
    seen: set[str] = set()
    for raws in files:
        days = _days(raws)
        if seen & days:
            return True
        seen |= days
    return False


class _Finder:
    """Reads the folders under ``root`` and keeps, in ``notes``, what it does not read and why."""

    def __init__(self, root: Path, notes: list[Skipped], encoding: str | None = None) -> None:
        self.root = root
        self.notes = notes
        self.encoding = encoding

    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return path.name

    def strays(self, folder: Path, person: str) -> None:
        """List the visible files of ``folder`` that are not tables (a PDF, a Word file) and lock files."""
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name in (PROVENANCE_FILE, MANIFEST_FILE):
                continue
            if _is_lock_file(path.name):
                target = path.name.removeprefix(".").removeprefix("~lock.").removeprefix("~$").rstrip("#")
                if path.name.startswith("~$") or (folder / target).exists():
                    self.notes.append(
                        Skipped(
                            str(path),
                            f"a lock file: {target} seems open in a spreadsheet; changes not yet saved are not read",
                            "lock_file",
                            person,
                        )
                    )
            elif path.suffix.lower() not in TABLE_SUFFIXES and not _hidden(path):
                kind = f"'{path.suffix}'" if path.suffix else "without an extension"
                self.notes.append(
                    Skipped(
                        str(path),
                        f"not a table file ({kind}); spasmlog reads CSV, XLSX, Parquet and JSON Lines tables",
                        "not_a_table",
                        person,
                    )
                )

    def load(self, file: Path, person: str) -> list[RawTable]:
        """The tables of one file in a folder; a file that is no table (or unreadable notes) is listed, not read."""
        try:
            # a .txt file whose rows do not fit its first line is notes, not a table with rows to set aside
            return load_file(file, person_id=person, encoding=self.encoding, set_aside=file.suffix.lower() != ".txt")
        except UnrecognisedTableError as error:
            reason = str(error).removeprefix(f"{file}: ")  # the path is said once, by whoever lists it
            self.notes.append(Skipped(str(file), reason, "not_a_table", person))
        except LogReadError:
            if file.suffix.lower() != ".txt":  # a file of a table format that cannot be read stops the reading
                raise
            self.notes.append(Skipped(str(file), "a text file that is not a table (notes?)", "not_a_table", person))
        return []

    def folder(self, folder: Path, person: str) -> dict[Path, list[RawTable]]:
        """The tables of each table file directly in ``folder``; backup copies of a file there are listed instead."""
        files = _table_files(folder)
        names = {f.name[: -len(f.suffix)].lower(): f for f in files}
        copies = {f: original for f in files if (original := _copy_of(f, names)) is not None}
        loaded = {f: self.load(f, person) for f in files if f not in copies}
        for copy, original in copies.items():
            try:
                tables: list[RawTable] | None = load_file(copy, person_id=person, encoding=self.encoding)
            except LogReadError:
                tables = None
            self.notes.append(self.copy_note(copy, original, tables, loaded.get(original, []), person))
        self.strays(folder, person)
        return loaded

    def copy_note(
        self, copy: Path, original: Path, tables: list[RawTable] | None, originals: list[RawTable], person: str
    ) -> Skipped:
        reason = f"looks like a copy of {self.shown(original)} (by its name)"
        if tables is not None:
            same, total, word = _repeated(tables, originals)
            reason = f"repeats {self.shown(original)} ({same} of {total} {word}s identical)"
            if same < total:
                differ = f"{total - same} {word}{'s differ' if total - same > 1 else ' differs'}"
                reason += f"; {differ}: copy what you need into {original.name}"
        return Skipped(
            str(copy),
            reason + ". Not read, so that no day counts twice: move one of the two out of the folder (keep the one "
            "you write in).",
            "duplicate_file",
            person,
        )

    def identical(self, loaded: dict[Path, list[RawTable]], persons: dict[Path, str]) -> None:
        """Of one person's files with the same bytes (a copy under another name), read only the first.

        Different people's files may be the same (each client starts from the same template), so only files of
        one person are compared.
        """
        groups: dict[tuple[str, int], list[Path]] = {}
        for file in loaded:
            groups.setdefault((persons[file], file.stat().st_size), []).append(file)
        seen: dict[tuple[str, str], Path] = {}
        for (person, _), files in groups.items():
            if len(files) < 2:
                continue
            for file in sorted(files, key=lambda f: (len(f.relative_to(self.root).parts), len(f.name), str(f))):
                digest = (person, hashlib.sha256(file.read_bytes()).hexdigest())
                if digest not in seen:
                    seen[digest] = file
                    continue
                rows = sum(len(raw.frame) for raw in loaded.pop(file))
                self.notes.append(
                    Skipped(
                        str(file),
                        f"has the same content as {self.shown(seen[digest])} ({rows} rows). Not read, so that no day "
                        "counts twice: move one of the two out of the folder (keep the one you write in).",
                        "duplicate_file",
                        person,
                    )
                )


def discover(path: str | Path, *, skipped: list[Skipped] | None = None, encoding: str | None = None) -> list[RawTable]:
    """Every table under ``path``: a file, a person's folder, or a caseload folder.

    Parameters
    ----------
    path : str or Path
        A table file or workbook, a person's folder, or a caseload folder.
    skipped : list, optional
        Receives a :class:`Skipped` for everything under ``path`` that was not read.
    encoding : str, optional
        The encoding of every CSV file read, instead of detecting each one's (see :func:`load_csv`).

    Returns
    -------
    list of RawTable
        The tables read. A table without a ``person_id`` column belongs to the person its folder (or
        workbook, or file) is named after.

    Notes
    -----
    A folder is a **person's own folder** when a table named after what it holds (``daily.csv``,
    ``spasms.xlsx``) without a ``person_id`` column sits directly in it, or when it holds no sub-folder with
    tables and its files named after a person share no day (``Januar.xlsx`` and ``Februar.xlsx`` are one
    person's log split by month): every table file in it is the person's, and a sub-folder with tables is not
    read (a backup copy would count every day twice).

    Otherwise it is a **caseload folder**: each sub-folder is a client named after the folder (the table files
    directly in it are read, its own sub-folders are not), and each file directly in it named after a person
    (``Bernd.xlsx`` with sheets daily and spasms, ``Dieter.csv`` holding one table) is a client named after the
    file. A table with a ``person_id`` column (``people.csv`` beside the client folders, one table of several
    clients) belongs to the people it names. Files named after a period (``2025.xlsx``) are never clients.

    In every folder read, a file named as a backup copy of another one beside it (``daily - Kopie.csv``,
    ``daily (1).csv``, ``daily copy.csv``, ``daily.bak.csv``, ``Copy of daily.csv``) is not read, and neither
    is a second file with the same bytes as one read; each is listed as a ``duplicate_file`` with how many of
    its rows repeat the other. Files that are not tables (notes, a PDF, a quarantine file of ``spasmlog
    validate``), lock files of an open spreadsheet, client folders without any table, folders below a person's
    folder and folders reached through a link are listed too. Hidden files and the system's ``Thumbs.db`` and
    ``desktop.ini`` are passed over in silence. Person names keep their letters (``Jürgen Groß``), in one
    Unicode form (NFC).

    A person's folder (or workbook) is named after the person, and ``daily.csv`` says no more; but
    ``spasmlog plan`` and the importers write ``person_id`` into ``experiments.csv`` and ``people.csv``. When
    the folder has been renamed or copied (``kim`` to ``kim2``), such a table names one other person in every
    row: its rows are read as the folder's person's (:attr:`RawTable.read_as`; ``read_log`` warns, naming the
    file and both ids). This happens only when every daily and spasms table of the folder takes the person
    from its name, and, in a caseload, when the person named is no other client of it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for client in ("Anna", "Zoë"):
    ...     (folder / client).mkdir()
    ...     _ = (folder / client / "daily.csv").write_text("date,water_ml\\n2026-01-01,1500\\n")
    >>> _ = (folder / "Dieter.csv").write_text("date,water_ml\\n2026-01-01,1800\\n")
    >>> _ = (folder / "Anna" / "daily - Kopie.csv").write_text("date,water_ml\\n2026-01-01,1500\\n")
    >>> sorted(raw.person_id for raw in discover(folder))
    ['Anna', 'Dieter', 'Zoë']
    >>> notes = []
    >>> _ = discover(folder, skipped=notes)
    >>> notes[0].kind, Path(notes[0].file).name, notes[0].reason[:45]
    ('duplicate_file', 'daily - Kopie.csv', 'repeats Anna/daily.csv (1 of 1 days identical')
    """
    notes = skipped if skipped is not None else []
    root = Path(path)
    if not root.exists():
        raise LogNotFoundError.missing(root)
    if root.is_file():
        person = root.stem if root.suffix.lower() in _WORKBOOKS else root.resolve().parent.name
        tables = load_file(root, person_id=_nfc(person), encoding=encoding, set_aside=True)
        _read_as_folder_person(tables, _nfc(person))
        return tables
    if not root.is_dir():
        raise LogNotFoundError(f"{root} is neither a folder nor a table file.", file=str(root))
    finder = _Finder(root, notes, encoding)
    here = _nfc(root.resolve().name)
    loaded = finder.folder(root, here)
    persons = dict.fromkeys(loaded, here)
    holds_persons = {f: raws for f, raws in loaded.items() if any(r.table in ("daily", "spasms") for r in raws)}
    own = [f for f, raws in holds_persons.items() if not _client_named(f) and not any(map(_person_column, raws))]
    clients = [f for f, raws in holds_persons.items() if _client_named(f) and not any(map(_person_column, raws))]
    subs = []
    for sub in _sub_folders(root):
        if sub.is_symlink():
            notes.append(Skipped(str(sub), "a folder reached through a link was not read (it may loop back)", "link"))
        elif _holds_tables(sub) or any(p.is_file() and not _hidden(p) for p in sub.iterdir()):
            subs.append(sub)
    with_tables = [sub for sub in subs if _holds_tables(sub)]
    caseload = not own and (bool(with_tables) or _share_days([loaded[f] for f in clients]))
    folders: dict[str, list[RawTable]] = {}  # each client's tables, in a caseload
    if not caseload:
        _read_as_folder_person([raw for raws in loaded.values() for raw in raws], here)
        for sub in with_tables:
            notes.append(
                Skipped(
                    str(sub),
                    "a sub-folder of a person's own log folder (a backup copy?) was not read: move it out, "
                    "or keep one folder per person without tables beside them",
                    "sub_folder",
                    here,
                )
            )
    else:
        for file in clients:
            person = _nfc(file.name[: -len(file.suffix)])
            persons[file] = person
            folders[person] = loaded[file]
            for raw in loaded[file]:
                raw.person_id = person
        for sub in subs:
            person = _nfc(sub.name)
            if not _table_files(sub):
                held = "only folders" if _holds_tables(sub) else "no table"
                notes.append(
                    Skipped(
                        str(sub),
                        f"{finder.shown(sub)} holds {held} (a client's tables go directly in their folder): not read",
                        "sub_folder" if held == "only folders" else "no_tables",
                        person,
                    )
                )
                finder.strays(sub, person)
                continue
            found = finder.folder(sub, person)
            for file, raws in found.items():
                loaded[file], persons[file] = raws, person
            folders[person] = [raw for raws in found.values() for raw in raws]
            for deeper in _sub_folders(sub):
                if deeper.is_symlink() or _holds_tables(deeper):
                    notes.append(
                        Skipped(
                            str(deeper),
                            f"a sub-folder of {person}'s log folder (a backup copy?) was not read: move it out, "
                            f"or put its tables directly in {finder.shown(sub)}",
                            "sub_folder",
                            person,
                        )
                    )
    if caseload:
        everyone = set(persons.values())
        for person, raws in folders.items():
            _read_as_folder_person(raws, person, everyone - {person})
    finder.identical(loaded, persons)
    tables = [raw for raws in loaded.values() for raw in raws]
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
    """A person's folder holding one table both as CSV (or Parquet, JSON Lines) and as a workbook sheet is refused:
    the same rows would count twice (spasms and interventions have no uniqueness rule to catch it)."""
    forms: dict[tuple[str, str | None, str], dict[bool, str]] = {}
    for raw in tables:
        file = Path(raw.file.split(" [", 1)[0])
        forms.setdefault((str(file.parent), raw.person_id, raw.table), {})[file.suffix.lower() in _WORKBOOKS] = raw.file
    for (folder, _, table), kinds in forms.items():
        if len(kinds) == 2:
            raise ConflictingTablesError(
                f"{folder} holds the {table} table twice: in {kinds[False]} and in {kinds[True]}. Keep one form "
                "(the CSV tables or the workbook) and move the other out of the folder.",
                file=folder,
                table=table,
            )
