"""What the symptom-app importers (Bearable, Visible) share: long CSV files read row by row, and the mapping
rules of issue 11 (spasm days, doses and intake, yes/no factors, text, what could not be placed).

Their exports are long tables (one row per observation), so one broken row must not cost the file: rows
are read with :mod:`csv` one by one, and a row with the wrong number of cells is reported with the line a
person sees in a spreadsheet and skipped. Private: the public functions are the ``read_<source>`` readers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from spasmlog.importers._csv import SHOWN, count, daily_rule_broken, normalise_header, shown_number, unit_factor
from spasmlog.io.parsing import parse_number
from spasmlog.io.sources import sniff
from spasmlog.logformat.units import resolve_header
from spasmlog.logformat.vocabulary import is_spasm_symptom

__all__: list[str] = []  # private helpers; nothing here is public API

MINERALS: dict[str, tuple[str, ...]] = {
    "magnesium_mg": ("magnesium", "magnesio", "magnesie"),
    "calcium_mg": ("calcium", "kalzium", "calcio"),
    "potassium_mg": ("potassium", "kalium", "potasio", "potassio"),
    "sodium_mg": ("sodium", "natrium", "sodio"),
}
"""Intake columns, and the first word of a supplement's name that puts its dose in mg there."""

SUPPLEMENT_WORDS = re.compile(
    r"vitamin|magnes|calci|kalzium|potass|kalium|sodium|natrium|zinc|zink|iron|eisen|omega|fish oil|glycine"
    r"|melatonin|electrolyt|elektrolyt|\bb12\b|\bb6\b|folate|folic|methylfolate|creatine|probiotic|collagen|iodine"
    r"|selen|quercetin|coq10|ubiquinol|taurine|ashwagandha|turmeric|curcumin|multivit"
)
"""Names that make an entry of a medicines-and-supplements list a ``supplement`` (else ``medication``)."""


# --- reading rows -------------------------------------------------------------------------------------------


@dataclass
class LongFile:
    """One long CSV export read row by row: normalised headers, the rows that had as many cells as the
    header, the line (as a spreadsheet shows it, header = 1) of each, and the rows that were broken."""

    label: str
    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    broken: list[str] = field(default_factory=list)
    decimal_comma: bool = False

    def index(self, *names: str) -> int | None:
        """The position of the first of ``names`` (normalised) among the headers, else ``None``."""
        for name in names:
            if name in self.headers:
                return self.headers.index(name)
        return None


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (Excel's re-saved files)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_long(path: Path, label: str) -> LongFile:
    """Read a long CSV file row by row; a row whose cell count differs from the header's is reported, not read."""
    text = _decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    delimiter, start, decimal_comma = sniff([line + "\n" for line in lines[:200]])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    headers: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    broken: list[str] = []
    previous_end = 0
    for record in reader:
        line = start + previous_end + 1  # the physical line this record starts on
        previous_end = reader.line_num
        if not headers:
            headers = [normalise_header(cell) for cell in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(headers):
            shown = delimiter.join(record)
            broken.append(
                f"line {line}: {count(len(record), 'cell')} where the header has {len(headers)} ({shown[:60]!r})"
            )
            continue
        rows.append([cell.strip() for cell in record])
        numbers.append(line)
    return LongFile(label, headers, rows, numbers, broken, decimal_comma)


# --- names and columns --------------------------------------------------------------------------------------


def snake(name: str) -> str:
    """A name as a column name: lower case, accents kept, runs of other characters as one ``_``.

    Examples
    --------
    >>> snake("Vitamin D3"), snake("Charlotte's House"), snake("Müdigkeit (abends)")
    ('vitamin_d3', 'charlotte_s_house', 'müdigkeit_abends')
    """
    text = unicodedata.normalize("NFC", name).strip().lower()
    return re.sub(r"[\W_]+", "_", text).strip("_") or "unnamed"


@lru_cache(maxsize=8192)
def folded(text: str) -> str:
    """:func:`~spasmlog.importers._csv.normalise_header` once per distinct cell (categories, times, words).

    Examples
    --------
    >>> folded(" Meds/Supplements ")
    'meds/supplements'
    """
    return normalise_header(text)


@lru_cache(maxsize=4096)
def spasm_name(name: str) -> bool:
    """:func:`~spasmlog.logformat.vocabulary.is_spasm_symptom`, asked once per distinct name (an export
    repeats a handful of names thousands of times).

    Examples
    --------
    >>> spasm_name("Wadenkrämpfe"), spasm_name("Headache")
    (True, False)
    """
    return is_spasm_symptom(name)


@lru_cache(maxsize=4096)
def extra_column(prefix: str, name: str, unit: str | None = None) -> str:
    """The extra column of an app's own item: ``prefix_name[_unit]``, never a name the log format reads as
    one of its own columns (then ``_value`` is added).

    Examples
    --------
    >>> extra_column("bearable", "Caffeine"), extra_column("bearable", "Ibuprofen", "mg")
    ('bearable_caffeine', 'bearable_ibuprofen_mg')
    """
    column = f"{prefix}_{snake(name)}" + (f"_{snake(unit)}" if unit else "")
    if resolve_header(column, "daily") is not None:
        column += "_value"
    return column


@lru_cache(maxsize=4096)
def split_name(detail: str) -> tuple[str, str | None]:
    """``'Back (lower) pain (Mild)'`` → ``('Back (lower) pain', 'Mild')``: the last bracket is split off.

    Examples
    --------
    >>> split_name("Magnesium (mg)"), split_name("Headache")
    (('Magnesium', 'mg'), ('Headache', None))
    """
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", detail)
    if match is None or not match.group(1).strip():
        return detail.strip(), None
    return match.group(1).strip(), match.group(2).strip()


@lru_cache(maxsize=1024)
def mineral(name: str, unit: str | None) -> tuple[str, float] | None:
    """The intake column and the factor to mg of a supplement dose, when its name starts with a mineral and
    its unit is a mass; else ``None``.

    Examples
    --------
    >>> mineral("Magnesium glycinate", "mg"), mineral("Kalium", "g"), mineral("Magnesium", "tablets")
    (('magnesium_mg', 1.0), ('potassium_mg', 1000.0), None)
    """
    words = re.findall(r"[a-z]+", normalise_header(name))
    if not words:
        return None
    for column, starts in MINERALS.items():
        if words[0] in starts or (words[0] == "elemental" and len(words) > 1 and words[1] in starts):
            factor = unit_factor(unit, "milligram")
            return None if factor is None else (column, factor)
    return None


def supplement_kind(name: str) -> str:
    """``supplement`` for vitamins, minerals and the like, else ``medication`` (interventions' ``kind``).

    Examples
    --------
    >>> supplement_kind("Vitamin D3"), supplement_kind("Ibuprofen")
    ('supplement', 'medication')
    """
    return "supplement" if SUPPLEMENT_WORDS.search(normalise_header(name)) else "medication"


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@lru_cache(maxsize=4096)
def number(text: str, decimal_comma: bool) -> float | None:
    """One cell as a number (``1,5`` with a decimal comma); ``None`` when it is not one.

    Examples
    --------
    >>> number("300", False), number("1,5", True), number("lots", False)
    (300.0, 1.5, None)
    """
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    parsed = parse_number(pd.Series([text], dtype="str"), decimal_comma=decimal_comma)
    value = parsed.values.iloc[0]
    return None if pd.isna(value) or len(parsed.errors) else float(value)


def listed(names: object, limit: int = 12) -> str:
    """Names in order of first appearance, quoted, ``and N more`` after ``limit``."""
    unique = list(dict.fromkeys(str(n) for n in names))  # type: ignore[attr-defined]
    shown = ", ".join(repr(n) for n in unique[:limit])
    return shown + (f" and {len(unique) - limit} more" if len(unique) > limit else "")


# --- per-day values -----------------------------------------------------------------------------------------


@dataclass
class Days:
    """Values collected per day and column while reading, then reduced to the per-day series of the table."""

    sums: dict[str, dict[pd.Timestamp, float]] = field(default_factory=lambda: defaultdict(dict))
    means: dict[str, dict[pd.Timestamp, list[float]]] = field(default_factory=lambda: defaultdict(dict))
    flags: dict[str, dict[pd.Timestamp, bool]] = field(default_factory=lambda: defaultdict(dict))
    texts: dict[str, dict[pd.Timestamp, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    detail: list[tuple[pd.Timestamp, str, str]] = field(default_factory=list)

    def add(self, column: str, day: pd.Timestamp, value: float) -> None:
        """A value that adds up over the day (doses, steps)."""
        self.sums[column][day] = self.sums[column].get(day, 0.0) + value

    def mean(self, column: str, day: pd.Timestamp, value: float) -> None:
        """A level or rating: several a day give their mean."""
        self.means[column].setdefault(day, []).append(value)

    def flag(self, column: str, day: pd.Timestamp, value: bool) -> None:
        """A yes/no value: yes wins over no on the same day."""
        self.flags[column][day] = self.flags[column].get(day, False) or value

    def text(self, column: str, day: pd.Timestamp, value: str) -> None:
        """Free text, joined with `` | `` in the order read (repeats once)."""
        texts = self.texts[column].setdefault(day, [])
        if value not in texts:
            texts.append(value)

    def several_means(self) -> list[str]:
        """The columns whose mean was taken over several values on some day."""
        return [c for c, days in self.means.items() if any(len(v) > 1 for v in days.values())]

    def series(self) -> dict[str, pd.Series]:
        """The per-day series of every column."""
        out: dict[str, pd.Series] = {}
        for column, values in self.sums.items():
            out[column] = pd.Series(values, dtype="float64")
        for column, lists in self.means.items():
            out[column] = pd.Series({d: sum(v) / len(v) for d, v in lists.items()}, dtype="float64")
        for column, flags in self.flags.items():
            out[column] = pd.Series(flags, dtype="boolean")
        for column, texts in self.texts.items():
            out[column] = pd.Series({d: " | ".join(v) for d, v in texts.items()}, dtype="str")
        for column, series in out.items():
            series.index = pd.DatetimeIndex(series.index).astype("datetime64[us]")
            out[column] = series.sort_index()
        return out


def detail_frame(records: list[tuple[pd.Timestamp, str, str]]) -> pd.DataFrame | None:
    """The provenance detail records as the frame :func:`~spasmlog.importers._csv.build_table` takes."""
    if not records:
        return None
    frame = pd.DataFrame(records, columns=["date", "column", "detail"])
    return frame.groupby(["date", "column"], sort=True)["detail"].agg("; ".join).reset_index()


@dataclass
class Doses:
    """Doses of medicines and supplements, kept for the interventions they become."""

    taken: dict[str, list[tuple[pd.Timestamp, float, str]]] = field(default_factory=dict)

    def add(self, name: str, day: pd.Timestamp, dose: float, unit: str | None) -> None:
        """A dose taken (``dose > 0``) of ``name`` on ``day``."""
        self.taken.setdefault(name, []).append((day, dose, unit or ""))

    def refused(self) -> dict[str, list[tuple[pd.Timestamp, str, str]]]:
        """Per name, the doses left out of its intervention's dose: ``(day, amount, rule)`` of each amount that
        the daily table refuses as the day's intake of its mineral (``magnesium_mg 50000 > 5000 mg a day``)."""
        out: dict[str, list[tuple[pd.Timestamp, str, str]]] = {}
        for name, doses in self.taken.items():
            for day, value, unit in doses:
                intake = mineral(name, unit or None)
                rule = None if intake is None else daily_rule_broken(intake[0], value * intake[1])
                if rule is not None:
                    out.setdefault(name, []).append((day, f"{_plain(value)} {unit}".strip(), rule))
        return out

    def interventions(self, source: str) -> list[dict[str, object]]:
        """One intervention per medicine or supplement: first and last day taken, the doses as logged but
        those the daily table refuses as a day's intake (:meth:`refused`), which the notes name instead."""
        records: list[dict[str, object]] = []
        refused = self.refused()
        for name, doses in self.taken.items():
            days = sorted({d for d, _, _ in doses})
            out = {amount for _, amount, _ in refused.get(name, [])}
            amounts = list(dict.fromkeys(f"{_plain(v)} {u}".strip() for _, v, u in doses))
            notes = f"from {source}: taken on {count(len(days), 'day')} between the first and last day"
            if name in refused:
                notes += "; " + _left_out(refused[name])
            records.append(
                {
                    "name": name,
                    "kind": supplement_kind(name),
                    "start": days[0],
                    "end": days[-1],
                    "dose": "; ".join(a for a in amounts if a not in out),
                    "notes": notes,
                }
            )
        return records

    def refused_note(self, app: str) -> str | None:
        """The note naming the doses left out of the interventions' doses (:meth:`refused`), else ``None``."""
        refused = self.refused()
        if not refused:
            return None
        shown = "; ".join(
            f"{name!r} {amount} on {day:%Y-%m-%d} ({rule})"
            for name, items in refused.items()
            for day, amount, rule in items
        )
        return (
            f"{app} doses refused from the day's intake are left out of their intervention's dose in "
            f"interventions.csv too (its notes name them): {shown}."
        )


def _left_out(items: list[tuple[pd.Timestamp, str, str]], limit: int = 3) -> str:
    """``left out of the dose: 50000 mg on 2020-09-22 (magnesium_mg 50000 > 5000 mg a day)``."""
    shown = ", ".join(f"{amount} on {day:%Y-%m-%d} ({rule})" for day, amount, rule in items[:limit])
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return f"left out of the dose, refused from the day's intake: {shown}{more}"


def interventions_note(app: str, records: list[dict[str, object]], limit: int = 8) -> str:
    """The note that lists the interventions found, for a person reading the import's summary.

    Examples
    --------
    >>> day = pd.Timestamp("2026-03-01")
    >>> interventions_note("Bearable", [{"name": "Magnesium", "kind": "supplement", "start": day, "end": day,
    ...                                  "dose": "300 mg"}])  # doctest: +ELLIPSIS
    "Bearable medicines and supplements taken: 'Magnesium' (supplement, 300 mg, 2026-03-01 to 2026-03-01). ..."
    """
    shown = "; ".join(
        f"{r['name']!r} ({r['kind']}, {r['dose'] or 'no dose kept'}, {pd.Timestamp(r['start']):%Y-%m-%d} to "  # type: ignore[arg-type]
        f"{pd.Timestamp(r['end']):%Y-%m-%d})"  # type: ignore[arg-type]
        for r in records[:limit]
    )
    more = f" and {len(records) - limit} more" if len(records) > limit else ""
    return (
        f"{app} medicines and supplements taken: {shown}{more}. They are interventions: spasmlog import writes "
        "them to interventions.csv (read_* returns them in attrs['interventions']); each day's dose is in its "
        "own column."
    )


def _plain(value: float) -> str:
    return shown_number(value)


def broken_note(label: str, broken: list[str]) -> str | None:
    """The note for the rows that could not be read at all (at most :data:`SHOWN` quoted)."""
    if not broken:
        return None
    more = f" and {len(broken) - SHOWN} more" if len(broken) > SHOWN else ""
    verb = "was" if len(broken) == 1 else "were"
    return (
        f"{label}: {count(len(broken), 'row')} could not be read and {verb} skipped: "
        + "; ".join(broken[:SHOWN])
        + more
        + "."
    )
