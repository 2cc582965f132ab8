"""Apple Health exports (``export.zip``, ``export.xml`` or the unzipped folder) as a ``daily`` table.

The Health app's "Export All Health Data" writes a zip holding ``apple_health_export/export.xml``: one
``<HealthData>`` document, 100 MB to several GB, with one ``<Record>`` per sample (steps, water, heart
rate, sleep, ...), ``<Workout>`` elements with their pause events, and ``<Correlation>`` elements that
repeat food and blood-pressure records. :func:`read_apple_health` streams that document with expat (no
tree is built; memory grows only by 32 bytes per sample of the kinds it reads, which it needs to add up
sources whose times do not overlap), keeps what spasmlog's ``daily`` table can use and counts what it
skips, and takes the person's sex and birth year from the ``<Me>`` element (for ``people.csv``). iOS 8
and 9 exports (compact dates, ``source=``, attribute names with spaces) are read as well.
:func:`find_export_xml` finds the document inside a zip by its ``<HealthData`` root, since the file name
is translated on non-English phones (``exportar.xml``, ``eksport.xml``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import zipfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from math import isfinite
from operator import itemgetter
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

import numpy as np
import pandas as pd

from spasmlog._checks import fail, number
from spasmlog.errors import ImportFormatError, LogNotFoundError, UnsafeFileError
from spasmlog.io.archives import check_names, is_zip, open_entry, open_zip
from spasmlog.logformat.schemas import field_specs, today
from spasmlog.logformat.units import STANDARD_DRINK_G, convert_factor

__all__ = ["RECORD_TYPES", "WORKOUT_TYPES", "find_export_xml", "read_apple_health"]

_HK = "HKQuantityTypeIdentifier"

RECORD_TYPES: dict[str, str] = {
    f"{_HK}DietaryWater": "water_ml",
    f"{_HK}DietaryMagnesium": "magnesium_mg",
    f"{_HK}DietaryCalcium": "calcium_mg",
    f"{_HK}DietaryPotassium": "potassium_mg",
    f"{_HK}DietarySodium": "sodium_mg",
    f"{_HK}DietaryCaffeine": "caffeine_mg",
    f"{_HK}NumberOfAlcoholicBeverages": "alcohol_g",
    f"{_HK}StepCount": "steps",
    f"{_HK}DietaryEnergyConsumed": "energy_kcal",
    f"{_HK}AppleStandTime": "stand_h",
    "HKCategoryTypeIdentifierAppleStandHour": "apple_stand_hours",
    "HKCategoryTypeIdentifierSleepAnalysis": "sleep_h",
}
"""The ``<Record type=...>`` identifiers read, and the column each one feeds. Every other type is skipped."""

_WORKOUT_GROUPS: dict[str, tuple[str, ...]] = {
    "walking": ("Walking", "Hiking", "WheelchairWalkPace"),
    "running": ("Running", "WheelchairRunPace"),
    "cycling": ("Cycling", "HandCycling"),
    "swimming": ("Swimming",),
    "strength": ("TraditionalStrengthTraining", "FunctionalStrengthTraining", "CoreTraining"),
    "yoga_pilates": ("Yoga", "Pilates", "Barre", "MindAndBody"),
    "team_sport": (
        "AmericanFootball", "AustralianFootball", "Baseball", "Basketball", "Cricket", "Curling", "DiscSports",
        "Handball", "Hockey", "Lacrosse", "Rugby", "Soccer", "Softball", "Volleyball", "WaterPolo",
    ),
    "stretching": ("Flexibility",),
}  # fmt: skip

WORKOUT_TYPES: dict[str, str] = {
    f"HKWorkoutActivityType{name}": group for group, names in _WORKOUT_GROUPS.items() for name in names
}
"""``HKWorkoutActivityType*`` to ``exercise_type`` (``"stretching"``: the minutes go to ``stretching_min``).

Types not listed here (elliptical, rowing, HIIT, dance, racket sports, martial arts, ...) are ``other``.
"""

_EXTRA_COLUMNS = ("stand_h", "apple_stand_hours", "energy_kcal")
_ASLEEP = frozenset(
    {
        "HKCategoryValueSleepAnalysisAsleep",
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM",
        "1",  # raw HKCategoryValueSleepAnalysis codes, written by some third-party exporters
        "3",
        "4",
        "5",
    }
)
_NOT_ASLEEP = frozenset({"HKCategoryValueSleepAnalysisInBed", "HKCategoryValueSleepAnalysisAwake", "0", "2"})
_STOOD = "HKCategoryValueAppleStandHourStood"
# What the records inside each kind of <Correlation> are, in notes (Apple repeats them all at top level).
_CORRELATIONS = {
    "HKCorrelationTypeIdentifierFood": "food entries (Correlation elements)",
    "HKCorrelationTypeIdentifierBloodPressure": "blood-pressure readings (Correlation elements)",
}
_PAUSES = frozenset({"HKWorkoutEventTypePause", "HKWorkoutEventTypeMotionPaused"})
_RESUMES = frozenset({"HKWorkoutEventTypeResume", "HKWorkoutEventTypeMotionResumed"})
_SLEEP_SESSION_GAP = dt.timedelta(hours=2)
_LONGEST_SESSION = dt.timedelta(hours=24)

# Pint unit each quantity column is summed in (``""``: a count), and Apple's unit spellings in pint's words.
_TARGET_UNITS = {
    "water_ml": "milliliter",
    "magnesium_mg": "milligram",
    "calcium_mg": "milligram",
    "potassium_mg": "milligram",
    "sodium_mg": "milligram",
    "caffeine_mg": "milligram",
    "alcohol_g": "drink",
    "steps": "",
    "energy_kcal": "kilocalorie",
    "stand_h": "hour",
}
_APPLE_UNITS = {
    "mL": "milliliter", "cL": "centiliter", "dL": "deciliter", "L": "liter", "fl_oz_us": "US_fluid_ounce",
    "fl_oz_imp": "imperial_fluid_ounce", "cup_us": "cup", "cup_imp": "imperial_cup", "pt_us": "pint",
    "pt_imp": "imperial_pint", "mcg": "microgram", "µg": "microgram", "ug": "microgram", "mg": "milligram",
    "g": "gram", "kg": "kilogram", "oz": "ounce", "lb": "pound", "kcal": "kilocalorie", "Cal": "kilocalorie",
    "cal": "calorie", "kJ": "kilojoule", "J": "joule", "ms": "millisecond", "s": "second", "min": "minute",
    "hr": "hour", "h": "hour", "d": "day",
}  # fmt: skip
# pint's own factors (convert_factor) for the units Apple Watch and iPhone exports carry, so that reading such an
# export does not build pint's registry (0.4 s); test_common_unit_factors_are_pints checks each against pint.
_COMMON_FACTORS: dict[tuple[str, str], float] = {
    ("mL", "milliliter"): 1.0,
    ("L", "milliliter"): 1000.0,
    ("fl_oz_us", "milliliter"): 29.573529562499992,
    ("fl_oz_imp", "milliliter"): 28.413062500000002,
    ("cup_us", "milliliter"): 236.58823649999994,
    ("mg", "milligram"): 1.0,
    ("g", "milligram"): 1000.0,
    ("mcg", "milligram"): 0.001,
    ("kcal", "kilocalorie"): 1.0,
    ("Cal", "kilocalorie"): 1.0,
    ("kJ", "kilocalorie"): 0.2390057361376673,
    ("min", "hour"): 0.016666666666666666,
    ("hr", "hour"): 1.0,
    ("s", "hour"): 0.0002777777777777778,
    ("min", "minute"): 1.0,
    ("hr", "minute"): 60.0,
    ("s", "minute"): 0.016666666666666666,
}
_MOLAR = re.compile(r"(m|mc|µ|u)?mol<([0-9.]+)>")
_MOL_PREFIX = {None: 1.0, "m": 1e-3, "mc": 1e-6, "µ": 1e-6, "u": 1e-6}

# Children of the top-level elements, and the document's own frame: not counted as skipped elements.
_INTERNED = ("Record", "MetadataEntry", "type", "startDate", "endDate", "sourceName", "unit", "value")
_KNOWN_ELEMENTS = frozenset(
    {
        "HealthData", "ExportDate", "Me", "Record", "Workout", "Correlation", "MetadataEntry", "WorkoutEvent",
        "WorkoutRoute", "WorkoutStatistics", "WorkoutActivity", "FileReference", "Location",
        "HeartRateVariabilityMetadataList", "InstantaneousBeatsPerMinute", "SensitivityPoint",
    }
)  # fmt: skip

_CHUNK = 1 << 20
_PEEK_LIMIT = 4 << 20  # the prolog (XML declaration, Apple's DTD of ~10 KB) must end within this
# Control characters XML 1.0 forbids; Apple's exports are known to carry \x0b in some values.
_FORBIDDEN = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FORBIDDEN_CODES = np.isin(np.arange(0x20), np.frombuffer(_FORBIDDEN, dtype=np.uint8))  # code below 0x20 -> forbidden
_UTF8_BOM = b"\xef\xbb\xbf"
_HOW_TO_EXPORT = (
    "In the Health app, tap your picture, then 'Export All Health Data', and pass the export.zip it makes "
    "(or the export.xml inside it)."
)


# ---------------------------------------------------------------------------------------------- finding


@dataclass
class _Export:
    """The export document, opened: a binary stream positioned at its start."""

    stream: IO[bytes]
    size: int
    label: str  # how the person would name it: "export.zip: apple_health_export/export.xml"
    notes: list[str] = field(default_factory=list)


def find_export_xml(path: str | os.PathLike[str] | zipfile.ZipFile) -> str:
    """The name of the Apple Health document inside an export zip, found by its ``<HealthData`` root.

    The file is ``apple_health_export/export.xml`` on English phones and translated elsewhere
    (``exportar.xml``, ``eksport.xml``, ...), so each ``.xml`` entry is opened and its first element read
    instead (``export_cda.xml``, the clinical document beside it, has another root). Nothing is extracted.

    Parameters
    ----------
    path : str, path-like or zipfile.ZipFile
        The zip made by the Health app's "Export All Health Data".

    Returns
    -------
    str
        The entry name, e.g. ``"apple_health_export/exportar.xml"``. With several candidates, the largest.

    Raises
    ------
    ImportFormatError
        The file is not a zip, or none of its ``.xml`` entries has a ``<HealthData>`` root.
    UnsafeFileError
        An entry name would land outside the folder it is extracted to (``../x``, ``/etc/x``), an XML
        entry would expand like a zip bomb (:mod:`spasmlog.io.archives`), or declares entities or refers to
        an external DTD.

    Examples
    --------
    >>> import tempfile, zipfile, pathlib
    >>> archive = pathlib.Path(tempfile.mkdtemp()) / "export.zip"
    >>> with zipfile.ZipFile(archive, "w") as zf:
    ...     zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    ...     zf.writestr("apple_health_export/exportar.xml", '<HealthData locale="es_ES"/>')
    >>> find_export_xml(archive)
    'apple_health_export/exportar.xml'
    """
    if isinstance(path, zipfile.ZipFile):
        return _find_in_zip(path, str(path.filename or "the zip"))
    label = os.fspath(path)
    with open_zip(path, label=label, advice=_HOW_TO_EXPORT) as archive:
        return _find_in_zip(archive, label)


def _find_in_zip(archive: zipfile.ZipFile, label: str) -> str:
    check_names(archive, label, advice=_HOW_TO_EXPORT)
    candidates = []
    looked = []
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith(".xml"):
            continue
        looked.append(info.filename)
        with open_entry(archive, info, label, advice=_HOW_TO_EXPORT) as stream:
            root, _ = _scan_prolog(stream, f"{label}: {info.filename}")
        if root == "HealthData":
            candidates.append(info)
    if not candidates:
        seen = ", ".join(looked[:10]) or "none"
        raise ImportFormatError(
            f"{label} holds no Apple Health export: none of its .xml files ({seen}) starts with <HealthData>. "
            f"{_HOW_TO_EXPORT}",
            file=label,
        )
    return max(candidates, key=lambda info: info.file_size).filename


@contextlib.contextmanager
def _open_export(path: Path) -> Iterator[_Export]:
    label = str(path)
    if not path.exists():
        raise LogNotFoundError(f"{label} does not exist. {_HOW_TO_EXPORT}", file=label)
    if path.is_dir():
        with _open_folder(path) as export:
            yield export
        return
    if is_zip(path):
        with open_zip(path, label=label, advice=_HOW_TO_EXPORT) as archive:
            name = _find_in_zip(archive, label)
            info = archive.getinfo(name)
            with open_entry(archive, info, label, advice=_HOW_TO_EXPORT) as stream:
                yield _Export(stream, info.file_size, f"{label}: {name}", [f"read {name} inside {path.name}"])
        return
    with path.open("rb") as stream:
        yield _Export(stream, path.stat().st_size, label)


@contextlib.contextmanager
def _open_folder(folder: Path) -> Iterator[_Export]:
    files = sorted({*folder.glob("*.xml"), *folder.glob("*/*.xml")})
    found = []
    for file in files:
        with file.open("rb") as stream:
            root, _ = _scan_prolog(stream, str(file))
        if root == "HealthData":
            found.append(file)
    if not found:
        raise ImportFormatError(
            f"{folder} holds no Apple Health export: no .xml file in it or in its sub-folders (such as "
            f"apple_health_export/) starts with <HealthData>. {_HOW_TO_EXPORT}",
            file=str(folder),
        )
    chosen = max(found, key=lambda file: file.stat().st_size)
    notes = [f"read {chosen.relative_to(folder)} in {folder}"]
    if len(found) > 1:
        notes.append(f"{len(found) - 1} other Apple Health export(s) in {folder} not read (the largest was read)")
    with chosen.open("rb") as stream:
        yield _Export(stream, chosen.stat().st_size, str(chosen), notes)


# ---------------------------------------------------------------------------------------------- prolog

_NAME = re.compile(rb"[^\s/>!?]+")
_SUBSET_END = re.compile(rb"\]\s*>")
_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_EXTERNAL_ID = re.compile(rb"\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


class _NeedMore(Exception):
    """The prolog does not end within the bytes read so far."""


def _scan_prolog(stream: IO[bytes], label: str) -> tuple[str, bytes]:
    """Read ``stream`` up to its first element; return that element's name and the bytes read, DTD blanked.

    The document type declaration is checked here, by hand, and replaced by as many newlines as it spans
    (line numbers in later messages stay right): expat never sees it. An entity declaration or an external
    DTD is refused (:class:`UnsafeFileError`); Apple's own DTD (element and attribute declarations only)
    passes, including the broken one of iOS 16 exports that stops other XML readers.
    """
    buffer = b""
    while True:
        more = stream.read(64 << 10)
        buffer += more
        try:
            return _scan(buffer, not more, label)
        except _NeedMore:
            if not more or len(buffer) > _PEEK_LIMIT:
                raise ImportFormatError(
                    f"{label} is not an Apple Health export: no XML element found in its first "
                    f"{min(len(buffer), _PEEK_LIMIT):,} bytes. {_HOW_TO_EXPORT}",
                    file=label,
                ) from None


def _scan(buffer: bytes, eof: bool, label: str) -> tuple[str, bytes]:
    def not_xml(why: str) -> ImportFormatError:
        return ImportFormatError(f"{label} is not an Apple Health export: {why}. {_HOW_TO_EXPORT}", file=label)

    if buffer.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in buffer[:4]:
        raise not_xml("it is UTF-16 or binary, and Apple writes its exports in UTF-8")
    size = len(buffer)
    pos = len(_UTF8_BOM) if buffer.startswith(_UTF8_BOM) else 0
    while True:
        while pos < size and buffer[pos] in b" \t\r\n":
            pos += 1
        if size - pos < 10 and not eof:
            raise _NeedMore
        if pos >= size:
            raise not_xml("it holds no XML element")
        if buffer.startswith(b"<?", pos):
            pos = _after(buffer, b"?>", pos + 2)
        elif buffer.startswith(b"<!--", pos):
            pos = _after(buffer, b"-->", pos + 4)
        elif buffer.startswith(b"<!DOCTYPE", pos):
            end = _doctype_end(buffer, pos, label)
            blank = b"\n" * buffer.count(b"\n", pos, end)
            buffer = buffer[:pos] + blank + buffer[end:]
            size = len(buffer)
            pos += len(blank)
        elif buffer.startswith(b"<", pos):
            name = _NAME.match(buffer, pos + 1)
            if name is None:
                raise not_xml("its first tag has no name")
            return name.group().decode("utf-8", "replace"), buffer
        else:
            raise not_xml(f"it does not start with XML markup (found {buffer[pos : pos + 20]!r})")


def _after(buffer: bytes, token: bytes, start: int) -> int:
    end = buffer.find(token, start)
    if end < 0:
        raise _NeedMore
    return end + len(token)


def _doctype_end(buffer: bytes, pos: int, label: str) -> int:
    """Where the ``<!DOCTYPE`` starting at ``pos`` ends; refuses entity declarations and external DTDs."""
    quote = 0
    index = pos + len(b"<!DOCTYPE")
    while index < len(buffer):
        char = buffer[index]
        if quote:
            quote = 0 if char == quote else quote
        elif char in b"\"'":
            quote = char
        elif char in b"[>":
            break
        index += 1
    else:
        raise _NeedMore
    if _EXTERNAL_ID.search(buffer, pos, index):
        raise UnsafeFileError(
            f"{label} was refused: its DOCTYPE refers to an external DTD "
            f"({buffer[pos:index].decode('utf-8', 'replace').strip()!r}). Apple Health exports carry their DTD "
            "inline, and spasmlog never fetches files or URLs named inside a file (XXE). Export again from the "
            "Health app.",
            file=label,
        )
    if buffer[index] == ord(">"):
        return index + 1
    end = _SUBSET_END.search(buffer, index + 1)
    if end is None:
        raise _NeedMore
    if _ENTITY.search(buffer, index + 1, end.start()):
        raise UnsafeFileError(
            f"{label} was refused: its DOCTYPE declares entities (<!ENTITY ...>), which Apple Health exports never "
            "do. Such declarations can expand a small file to gigabytes (billion laughs) or pull in other files "
            "(XXE). Export again from the Health app.",
            file=label,
        )
    return end.end()


# ---------------------------------------------------------------------------------------------- parsing


_Interval = tuple[dt.datetime, dt.datetime, str, bool]  # start, end, local day of the end, asleep


@dataclass
class _Workout:
    source: str
    activity: str
    start: str
    end: str
    duration: str | None
    unit: str | None
    events: list[tuple[str, str]]


@dataclass
class _Collected:
    """What one pass over the document gathered, before days and sources are chosen."""

    # (column, day) -> samples, flat: start, end (POSIX seconds), amount, source id; four floats a sample
    samples: dict[tuple[str, str], array[float]] = field(default_factory=dict)
    source_ids: dict[str, int] = field(default_factory=dict)
    sleep: defaultdict[str, list[tuple[str, str, bool]]] = field(default_factory=lambda: defaultdict(list))
    workouts: list[_Workout] = field(default_factory=list)
    read: int = 0  # records and workouts of the kinds spasmlog uses (readable or not)
    unmapped: dict[str, int] = field(default_factory=dict)  # Record type -> count
    elements: Counter[str] = field(default_factory=Counter)  # other top-level elements skipped
    correlation_children: Counter[str] = field(default_factory=Counter)  # Correlation type -> records inside
    bad_values: Counter[str] = field(default_factory=Counter)  # Record type -> count
    bad_units: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    bad_dates: Counter[str] = field(default_factory=Counter)  # Record type -> count
    sleep_values: Counter[str] = field(default_factory=Counter)  # values neither asleep nor in bed / awake
    old_dates: int = 0  # records with iOS 8/9 dates (20151107171924+0100)
    control_chars: int = 0
    repaired: Counter[str] = field(default_factory=Counter)  # attribute names with spaces, repaired
    me: list[dict[str, str]] = field(default_factory=list)  # the attributes of each <Me> element (one, normally)


def _unit_factor(unit: str | None, target: str) -> float | None:
    """Factor from an Apple unit string to ``target`` (pint name; ``""`` a count); ``None`` if impossible."""
    if target == "":
        return 1.0 if unit in (None, "", "count") else None
    if target == "drink":  # a count of drinks: _parse knows the grams of one (drink_g)
        return None
    if unit is None:
        return None
    if (unit, target) in _COMMON_FACTORS:
        return _COMMON_FACTORS[unit, target]
    molar = _MOLAR.fullmatch(unit)
    if molar:  # amount of substance with its molar mass in g/mol, e.g. mmol<24.305> of magnesium
        grams = _MOL_PREFIX[molar.group(1)] * float(molar.group(2))
        try:
            return grams * convert_factor("gram", target)
        except Exception:  # pint's DimensionalityError: mmol of water
            return None
    try:
        return convert_factor(_APPLE_UNITS.get(unit, unit), target)
    except Exception:  # pint's UndefinedUnitError or DimensionalityError
        return None


# iOS 8 and 9 wrote dates without separators (20151107171924+0100); later versions 2015-11-07 17:19:24 +0100.
_LOOSE_DATE = re.compile(
    r"\s*(\d{4})-?(\d\d?)-?(\d\d?)[T ]?(\d\d?):?(\d\d):?(\d\d)(?:[.,]\d+)?\s*(Z|[+-]\d\d:?\d\d)?\s*"
)


def _canonical(text: str) -> str:
    """A date as Apple writes it today (``2015-11-07 17:19:24 +0100``), from the iOS 8/9 form or ISO 8601.

    Text in no such form comes back as it is (and is reported unreadable where it is used).
    """
    if text[10:11] == " " and text[19:20] == " " and len(text) == 25:
        return text
    loose = _LOOSE_DATE.fullmatch(text)
    if loose is None:
        return text
    year, month, day, hour, minute, second, offset = loose.groups()
    zone = "" if offset is None else " +0000" if offset == "Z" else " " + offset.replace(":", "")
    return f"{year}-{int(month):02d}-{int(day):02d} {int(hour):02d}:{minute}:{second}{zone}"


# An attribute name with spaces (``Health Mate App Version="2.6.2"``, written by some iOS 8/9 exports): after
# a closing quote or an element's name, words separated by blanks, then ``="`` or ``='``.
_SPACED_NAME = re.compile(
    rb"""(["'][ \t\r\n]+|<[^\s<>/!?"'=]+[ \t\r\n]+)([^\s<>/"'=]+(?:[ \t]+[^\s<>/"'=]+)+)([ \t\r\n]*=[ \t\r\n]*["'])"""
)
_NOT_IN_NAMES = re.compile(rb"[^A-Za-z0-9_.:\-\x80-\xff]")
_REPAIR_CARRY = 1 << 16  # a tag longer than this is passed through as it is


def _repair_name(name: bytes) -> bytes:
    fixed = _NOT_IN_NAMES.sub(b"_", name)
    return fixed if fixed[:1].isalpha() or fixed[:1] == b"_" or fixed[:1] >= b"\x80" else b"_" + fixed


class _NameRepair:
    """Rewrites attribute names with spaces to names with underscores, chunk by chunk.

    A chunk is cut after its last complete tag: the bytes from its last ``<`` with no ``>`` after it are
    held back and put in front of the next chunk, so a tag cut by the chunk boundary is repaired whole.
    Newlines are kept, so line numbers in later messages stay right.
    """

    def __init__(self, found: _Collected) -> None:
        self.carry = b""
        self.found = found

    def _fix(self, match: re.Match[bytes]) -> bytes:
        self.found.repaired[match[2].decode("utf-8", "replace")] += 1
        return match[1] + _repair_name(match[2]) + match[3]

    def __call__(self, chunk: bytes, final: bool) -> bytes:
        data = self.carry + chunk
        cut = len(data)
        if not final:
            last_open = data.rfind(b"<")
            if last_open >= 0 and data.find(b">", last_open) < 0 and len(data) - last_open < _REPAIR_CARRY:
                cut = last_open
        self.carry = data[cut:]
        return _SPACED_NAME.sub(self._fix, data[:cut])


def _attribute(listed: list[str], name: str) -> str:
    """The value of attribute ``name`` in expat's ordered attribute list, ``""`` if absent."""
    for index in range(0, len(listed) - 1, 2):
        if listed[index] == name:
            return listed[index + 1]
    return ""


class _Layout:
    """Where a ``<Record>``'s attributes sit in expat's ordered list, for records whose names come in one order.

    ``get(listed)`` gives start date, end date, source and value, where ``listed`` ends with an appended
    ``""`` that absent attributes read as (as ``attrs.get(name, "")`` would); ``unit`` is the index of the
    unit, ``0`` when there is none. The source is ``sourceName``, or ``source`` in iOS 8/9 exports.
    """

    __slots__ = ("get", "unit")

    def __init__(self, names: list[str]) -> None:
        def at(*wanted: str) -> int:
            for name in wanted:
                if name in names:
                    return 2 * names.index(name) + 1
            return -1

        self.get = itemgetter(at("startDate"), at("endDate"), at("sourceName", "source"), at("value"))
        self.unit = max(at("unit"), 0)


class _Retry(Exception):
    """The document has attribute names with spaces: parse it again, repairing them."""


def _parse(export: _Export, *, show_progress: bool, drink_g: float) -> _Collected:
    """One streaming pass over the document; a second, repairing pass when attribute names hold spaces.

    Well-formed documents (every export of iOS 10 and later) are parsed as they are. When expat stops at
    an attribute name with spaces (iOS 8/9 exports of some apps, ``Health Mate App Version="2.6.2"``), the
    document is read again from its start with those names repaired (:class:`_NameRepair`); the regular
    expression that finds them costs too much to run on every export.
    """
    try:
        return _parse_once(export, show_progress=show_progress, drink_g=drink_g, repair=False)
    except _Retry:
        export.stream.seek(0)
        return _parse_once(export, show_progress=show_progress, drink_g=drink_g, repair=True)


def _parse_once(export: _Export, *, show_progress: bool, drink_g: float, repair: bool) -> _Collected:
    """One streaming pass of expat over the document; per-element work is a few list and dictionary operations.

    The hot path is a ``<Record>`` of a type read (a third of a watch wearer's records): its attributes are
    taken by position (:class:`_Layout`, checked against the last names seen for that type), its dates
    turned into seconds from two small caches, and its sample appended to the array of its column and day.
    """
    found = _Collected()
    samples = found.samples
    source_ids, source_ids_get = found.source_ids, found.source_ids.get
    unmapped, unmapped_get = found.unmapped, found.unmapped.get
    sleep, workouts, elements = found.sleep, found.workouts, found.elements
    # type -> [column, target unit, {day: samples}, {unit: factor}, last attribute names, their layout]
    rules: dict[str, list[Any]] = {}
    by_day: dict[str, dict[str, array[float]]] = {}
    for kind, column in RECORD_TYPES.items():
        target = _TARGET_UNITS.get(column, "")
        unit_factors: dict[str | None, float | None] = {}
        if target == "drink":
            unit_factors.update(dict.fromkeys((None, "", "count"), drink_g))
        rules[kind] = [column, target, by_day.setdefault(column, {}), unit_factors, None, None]
    rules_get = rules.get
    # expat hands out one string object per distinct name; seeded with these, they are the very strings compared
    # below, and ``==`` finds them equal without comparing characters
    parser = expat.ParserCreate(intern={name: name for name in _INTERNED})
    parser.ordered_attributes = True
    events: list[tuple[str, str]] = []
    moment = dt.datetime.fromisoformat
    correlation: list[str] = []
    read = 0

    bases: dict[str, tuple[str, float]] = {}  # "2024-08-07" -> (" +1200", POSIX seconds of that local midnight)
    bases_get = bases.get
    zoned: dict[str, float] = {}  # "2024-08-07 +1200" -> the same, for each offset a day was seen in
    clocks: dict[str, int] = {}  # "12:58:00" -> seconds since midnight
    clocks_get = clocks.get

    def instant(text: str) -> float:
        """``2024-08-07 12:58:00 +1200`` as POSIX seconds (ValueError if unreadable): the slow path of ``start``."""
        day_zone = text[:10] + text[19:]
        base = zoned.get(day_zone)
        if base is None:
            base = zoned[day_zone] = moment(text[:10] + " 00:00:00" + text[20:]).timestamp()
            bases.setdefault(text[:10], (text[19:], base))
        clock = clocks_get(text[11:19])
        if clock is None:
            hour, minute, second = text[11:13], text[14:16], text[17:19]
            if text[13:14] != ":" or text[16:17] != ":" or not (hour + minute + second).isdigit():
                raise ValueError(text)
            clock = clocks[text[11:19]] = int(hour) * 3600 + int(minute) * 60 + int(second)
        return base + clock

    def refuse(*_: Any) -> Any:
        raise UnsafeFileError(
            f"{export.label} was refused: it declares or refers to XML entities, which Apple Health exports never "
            "do (billion laughs, XXE). Export again from the Health app.",
            file=export.label,
        )

    def start(name: str, listed: list[str]) -> None:
        # ordered_attributes: [name, value, name, value, ...], cheaper for expat to build than a dict
        nonlocal read
        if name == "Record":
            kind = listed[1] if listed and listed[0] == "type" else _attribute(listed, "type")
            rule = rules_get(kind)
            if rule is None:
                unmapped[kind] = unmapped_get(kind, 0) + 1
                return
            read += 1
            column, target, days, unit_factors, names, layout = rule
            if listed[::2] != names:  # attributes not in the order last seen for this type (Apple keeps one)
                rule[4] = listed[::2]
                layout = rule[5] = _Layout(rule[4])
            listed.append("")  # what an absent attribute reads as (the layout points absent ones at it)
            start_text, end_text, source, value = layout.get(listed)
            end_text = end_text or start_text
            if start_text[19:20] != " " or end_text[19:20] != " ":  # not 2015-11-07 17:19:24 +0100
                found.old_dates += start_text[4:5] != "-"  # iOS 8/9: 20151107171924+0100
                start_text, end_text = _canonical(start_text), _canonical(end_text)
            if column == "sleep_h":
                asleep = value in _ASLEEP
                if not asleep and value not in _NOT_ASLEEP:
                    found.sleep_values[value] += 1
                sleep[source].append((start_text, end_text, asleep))
                return
            if column == "apple_stand_hours":
                amount = 1.0 if value == _STOOD else 0.0
            else:
                unit = listed[layout.unit] if layout.unit else None
                factor = unit_factors.get(unit, -1.0)
                if factor == -1.0:  # a unit not seen yet (a real factor is never negative)
                    factor = unit_factors[unit] = _unit_factor(unit, target)
                if factor is None:
                    found.bad_units[kind, unit] += 1
                    return
                try:
                    amount = float(value) * factor
                except ValueError:  # also an absent value, read as ""
                    found.bad_values[kind] += 1
                    return
                if not isfinite(amount):  # "NaN", "inf": would poison the day's total
                    found.bad_values[kind] += 1
                    return
            # dates: the local midnight of the day (checked against its offset) plus the clock time
            day = start_text[:10]
            cached = bases_get(day)
            clock = clocks_get(start_text[11:19])
            if cached is not None and clock is not None and start_text[19:] == cached[0]:
                begin = cached[1] + clock
            else:
                try:
                    begin = instant(start_text)
                except ValueError:
                    found.bad_dates[kind] += 1
                    return
            cached = bases_get(end_text[:10])
            clock = clocks_get(end_text[11:19])
            if cached is not None and clock is not None and end_text[19:] == cached[0]:
                end = cached[1] + clock
            else:
                try:
                    end = instant(end_text)
                except ValueError:
                    found.bad_dates[kind] += 1
                    return
            source_id = source_ids_get(source)
            if source_id is None:
                source_id = source_ids[source] = len(source_ids)
            bucket = days.get(day)
            if bucket is None:
                bucket = days[day] = samples[column, day] = array("d")
            # an instant (start = end) is the second it was recorded: two at the same second overlap
            stop = begin + 1.0
            bucket.extend((begin, end if end > stop else stop, amount, source_id))
        elif name == "MetadataEntry":
            return
        elif name == "Workout":
            pairs = iter(listed)
            attrs = dict(zip(pairs, pairs, strict=False))  # expat gives name, value pairs
            read += 1
            events.clear()
            source = attrs.get("sourceName")
            workouts.append(
                _Workout(
                    attrs.get("source", "") if source is None else source,
                    attrs.get("workoutActivityType", ""),
                    _canonical(attrs.get("startDate", "")),
                    _canonical(attrs.get("endDate", "")),
                    attrs.get("duration"),
                    attrs.get("durationUnit"),
                    [],
                )
            )
            parser.StartElementHandler = in_workout
            parser.EndElementHandler = end_workout
        elif name == "Correlation":
            correlation[:] = [_attribute(listed, "type")]
            parser.StartElementHandler = in_correlation
            parser.EndElementHandler = end_correlation
        elif name == "Me":
            pairs = iter(listed)
            found.me.append(dict(zip(pairs, pairs, strict=False)))
        elif name not in _KNOWN_ELEMENTS:
            elements[name] += 1

    def in_workout(name: str, listed: list[str]) -> None:
        if name == "WorkoutEvent":
            kind = _attribute(listed, "type")
            if kind in _PAUSES or kind in _RESUMES:
                events.append((kind, _canonical(_attribute(listed, "date"))))

    def end_workout(name: str) -> None:
        if name == "Workout":
            # events may be repeated inside WorkoutActivity children (iOS 16 and later): keep each once
            workouts[-1].events = list(dict.fromkeys(events))
            parser.StartElementHandler = start
            parser.EndElementHandler = None

    def in_correlation(name: str, listed: list[str]) -> None:
        if name == "Record":
            found.correlation_children[correlation[0]] += 1

    def end_correlation(name: str) -> None:
        if name == "Correlation":
            parser.StartElementHandler = start
            parser.EndElementHandler = None

    parser.StartElementHandler = start
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    root, head = _scan_prolog(export.stream, export.label)
    if root != "HealthData":
        raise ImportFormatError(
            f"{export.label} is not an Apple Health export: its first element is <{root}>, not <HealthData>. "
            f"{_HOW_TO_EXPORT}",
            file=export.label,
        )
    repairer = _NameRepair(found) if repair else None
    with _progress_bar(export.size, export.label, show_progress) as advance:
        chunk = head
        clean = tail = b""  # the bytes given to expat last, and the end of those given before them
        fed = 0  # bytes given to expat before ``clean``
        try:
            while chunk:
                tail = clean[-8192:] if clean else tail
                codes = np.frombuffer(chunk, dtype=np.uint8)
                if _FORBIDDEN_CODES[codes[codes < 0x20]].any():  # rare: checked first, 2.5x faster than removing
                    clean = chunk.translate(None, _FORBIDDEN)
                    found.control_chars += len(chunk) - len(clean)
                else:
                    clean = chunk
                if repairer is not None:
                    clean = repairer(clean, False)
                parser.Parse(clean, False)
                fed += len(clean)
                advance(len(chunk))
                chunk = export.stream.read(_CHUNK)
            tail, clean = clean[-8192:], repairer(b"", True) if repairer is not None else b""
            parser.Parse(clean, True)
        except expat.ExpatError as error:
            if not repair:  # an attribute name with spaces where expat stopped, perhaps cut by a chunk boundary
                near = parser.ErrorByteIndex - fed + len(tail)
                ahead = export.stream.read(8192)  # the name may go on in the next chunk (this pass ends here)
                if _SPACED_NAME.search(tail + clean + ahead, max(near - 4096, 0), max(near + 4096, 0)):
                    raise _Retry from error
            raise ImportFormatError(
                f"{export.label} is not well-formed XML at line {error.lineno}, column {error.offset + 1} "
                f"({expat.errors.messages[error.code]}). The export may be truncated or damaged: unzip it again, "
                "or export again from the Health app.",
                file=export.label,
                line=error.lineno,
            ) from error
    found.read = read
    return found


@contextlib.contextmanager
def _progress_bar(total: int, label: str, show: bool) -> Iterator[Callable[[int], object]]:
    """A bytes-read progress bar (tqdm; a notebook widget where one can be drawn), or a no-op."""
    if not show:
        yield lambda _: None
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the bar is a comfort, not a reason to fail an import
        yield lambda _: None
        return
    name = label if len(label) <= 40 else "…" + label[-39:]
    with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name, leave=False) as bar:
        yield bar.update


def _want_progress(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    stderr_tty = getattr(sys.stderr, "isatty", lambda: False)()
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return bool(stderr_tty) or type(shell).__name__ == "ZMQInteractiveShell"


# ---------------------------------------------------------------------------------------------- days


def _moment(text: str) -> dt.datetime | None:
    """``2024-08-07 12:58:00 +1200`` as an aware date-time; ``None`` when unreadable."""
    try:
        return dt.datetime.fromisoformat(text[:19] + text[20:] if text[19:20] == " " else text)
    except ValueError:
        return None


def _sleep_items(intervals: list[tuple[str, str, bool]]) -> tuple[list[tuple[str, float, float, float]], int]:
    """One source's sleep as ``(local day, start, end, hours asleep)`` items, one per session; unreadable count.

    A session counts on the local day it ends; a "session" of records chained for more than 24 hours gives
    one item per asleep stretch, each on the day it ends. Start and end are POSIX seconds.
    """
    parsed: list[_Interval] = []
    unreadable = 0
    for start_text, end_text, asleep in intervals:
        start, end = _moment(start_text), _moment(end_text)
        if start is None or end is None or start.tzinfo is None or end.tzinfo is None or end < start:
            unreadable += 1
            continue
        parsed.append((start, end, end_text[:10], asleep))
    parsed.sort(key=lambda interval: interval[0])
    items: list[tuple[str, float, float, float]] = []
    session: list[_Interval] = []
    session_end = dt.datetime.min  # the latest end in ``session``
    for interval in [*parsed, None]:
        if session and (interval is None or interval[0] > session_end + _SLEEP_SESSION_GAP):
            merged = _merge([item for item in session if item[3]])
            last = max(session, key=lambda item: item[1])
            if last[1] - session[0][0] > _LONGEST_SESSION:  # records chained for days: each stretch on its own day
                for start, end, day, _ in merged:
                    items.append((day, start.timestamp(), end.timestamp(), (end - start).total_seconds() / 3600))
            elif merged:
                total = sum((end - start).total_seconds() for start, end, _, _ in merged) / 3600
                items.append((last[2], merged[0][0].timestamp(), merged[-1][1].timestamp(), total))
            session = []
        if interval is not None:
            session_end = max(session_end, interval[1]) if session else interval[1]
            session.append(interval)
    return items, unreadable


def _merge(intervals: list[_Interval]) -> list[_Interval]:
    """Overlapping or touching intervals merged (each keeps the local day of its latest end)."""
    merged: list[_Interval] = []
    for interval in sorted(intervals, key=lambda item: item[0]):
        if merged and interval[0] <= merged[-1][1]:
            if interval[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], interval[1], interval[2], True)
        else:
            merged.append(interval)
    return merged


def _active_minutes(workout: _Workout) -> tuple[float | None, float]:
    """Active minutes of a workout (``None`` if unreadable), and the minutes of pauses found in its events."""
    start, end = _moment(workout.start), _moment(workout.end)
    if start is None or end is None:
        return None, 0.0
    moments = [(when, kind) for kind, text in workout.events if (when := _moment(text)) is not None]
    paused = 0.0
    paused_since: dt.datetime | None = None
    for when, kind in sorted(moments, key=lambda event: event[0]):  # by instant: offsets may differ
        when = min(max(when, start), end)
        if kind in _PAUSES and paused_since is None:
            paused_since = when
        elif kind in _RESUMES and paused_since is not None:
            paused += (when - paused_since).total_seconds() / 60
            paused_since = None
    if paused_since is not None:
        paused += (end - paused_since).total_seconds() / 60
    elapsed = max((end - start).total_seconds() / 60, 0.0)
    if workout.duration is None:
        return max(elapsed - paused, 0.0), paused
    factor = _unit_factor(workout.unit or "min", "minute")
    try:
        duration = float(workout.duration) * factor if factor is not None else None
    except ValueError:
        duration = None
    if duration is None:
        return max(elapsed - paused, 0.0), paused
    if paused > 0 and duration > elapsed - paused + 1:
        return max(elapsed - paused, 0.0), paused  # this app's duration includes its pauses
    return duration, paused


# ---------------------------------------------------------------------------------------------- sources


_DEFAULT_ORDER = (
    "entries typed into the Health app first, then Apple Watch, then iPhone, iPad or iPod, then other apps and devices"
)
# The name under which the Health app records what a person types in, in the languages it is offered in.
_HEALTH_APP = frozenset(
    {"Health", "Santé", "Salud", "Salute", "Saúde", "Gezondheid", "Hälsa", "Sundhed", "Helse", "Terveys",
     "Zdrowie", "Zdraví", "Egészség", "Sănătate", "Sağlık", "Υγεία", "Здоровье", "Здоров'я", "בריאות",
     "الصحة", "स्वास्थ्य", "สุขภาพ", "Kesehatan", "Kesihatan", "Sức khỏe", "ヘルスケア", "健康", "건강"}
)  # fmt: skip
_UNITS = {"steps": "steps", "apple_stand_hours": "hours stood", "exercise_min": "min", "stretching_min": "min"}


def _default_rank(source: str) -> int:
    """Apple's default order (support.apple.com/HT204351): typed in, then Apple's devices, then other apps."""
    if source.strip() in _HEALTH_APP:
        return 0
    lower = source.lower()
    if "watch" in lower:
        return 1
    if any(device in lower for device in ("iphone", "ipad", "ipod")):
        return 2
    return 3


def _amount(amount: float) -> str:
    """A total for a note: whole numbers from 100 up (``3,851,204``), three significant digits below."""
    return f"{amount:,.0f}" if abs(amount) >= 100 else f"{amount:.3g}"


def _union(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Half-open intervals merged where they overlap or touch: sorted, disjoint starts and ends."""
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], np.maximum.accumulate(ends[order])
    new = np.empty(len(starts), dtype=bool)
    new[:1] = True
    new[1:] = starts[1:] > ends[:-1]
    first = np.flatnonzero(new)
    return starts[first], ends[np.r_[first[1:] - 1, len(starts) - 1]]


def _kept(times: np.ndarray, level: np.ndarray, levels: int) -> np.ndarray:
    """Which samples count: a sample is left out when its time overlaps a sample counted from a source of a
    lower ``level`` (ranked higher); samples of one level never exclude each other.

    ``times`` holds each sample's start and end (half-open), shifted so that samples compared with each
    other (one column and day) share a range of times no other group's samples reach: one pass per
    level then serves every day at once.
    """
    kept = np.ones(len(times), dtype=bool)
    covered_starts = covered_ends = np.empty(0)
    for rank in range(levels):
        rows = np.flatnonzero(level == rank)
        starts, ends = times[rows, 0], times[rows, 1]
        if len(covered_starts):
            before = np.searchsorted(covered_starts, ends, side="left") - 1
            hit = (before >= 0) & (covered_ends[np.maximum(before, 0)] > starts)
            kept[rows[hit]] = False
            starts, ends = starts[~hit], ends[~hit]
        covered_starts, covered_ends = _union(np.r_[covered_starts, starts], np.r_[covered_ends, ends])
    return kept


@dataclass
class _Totals:
    """Daily totals after overlapping samples of lower-ranked sources were left out."""

    values: dict[str, dict[str, float]]  # column -> day -> total
    sources: dict[str, dict[str, str]]  # column -> day -> the sources counted, highest-ranked first
    kept: dict[tuple[str, str], np.ndarray]  # (column, day) -> which samples counted
    notes: list[str]


def _totals(groups: dict[tuple[str, str], array[float]], names: list[str], priority: Sequence[str]) -> _Totals:
    """Each column's daily total: samples added up unless they overlap a sample of a source ranked higher."""
    reasons = (
        "your source_priority (--prefer)",
        f"default priority: {_DEFAULT_ORDER}",
        "the source with more days of data",
        "alphabetical order",
    )
    lowered = [part.lower() for part in priority]
    by_column: dict[str, list[tuple[str, array[float]]]] = defaultdict(list)
    for (column, day), flat in groups.items():
        by_column[column].append((day, flat))
    totals = _Totals({}, {}, {}, [])
    width = len(names)
    for column, days in by_column.items():
        samples = np.frombuffer(b"".join(flat.tobytes() for _, flat in days), dtype=np.float64).reshape(-1, 4)
        counts = np.array([len(flat) // 4 for _, flat in days])
        firsts = np.r_[0, np.cumsum(counts)[:-1]]
        group = np.repeat(np.arange(len(days)), counts)
        source = samples[:, 3].astype(np.intp)
        coverage = np.bincount(np.unique(group * width + source) % width, minlength=width)  # days per source

        def rank(source: int, coverage: np.ndarray = coverage) -> tuple[int, int, int, str]:
            name = names[source]
            override = next((i for i, part in enumerate(lowered) if part in name.lower()), len(lowered))
            return override, _default_rank(name), -int(coverage[source]), name

        ranked = sorted(np.flatnonzero(coverage).tolist(), key=rank)
        position = np.zeros(width, dtype=np.intp)
        position[ranked] = np.arange(len(ranked))
        level = position[source]

        # each day's samples shifted into a range of its own: [group * span, (group + 1) * span)
        relative = samples[:, :2] - np.minimum.reduceat(samples[:, 0], firsts)[group][:, None]
        span = float(relative[:, 1].max()) + 1.0
        kept = _kept(relative + (group * span)[:, None], level, len(ranked))

        sums = np.bincount(group, weights=np.where(kept, samples[:, 2], 0.0), minlength=len(days))
        totals.values[column] = {day: float(total) for (day, _), total in zip(days, sums.tolist(), strict=True)}
        used: defaultdict[int, list[int]] = defaultdict(list)  # group -> levels counted, highest-ranked first
        for pair in np.unique(group[kept] * width + level[kept]).tolist():
            used[pair // width].append(pair % width)
        totals.sources[column] = {
            day: " + ".join(names[ranked[counted]] for counted in used[index]) for index, (day, _) in enumerate(days)
        }
        if column == "exercise_min":
            for index, (day, _) in enumerate(days):
                totals.kept[column, day] = kept[firsts[index] : firsts[index] + counts[index]]

        dropped = ~kept
        if not dropped.any():
            continue
        left_count = np.bincount(level[dropped], minlength=len(ranked))
        left_amount = np.bincount(level[dropped], weights=samples[dropped, 2], minlength=len(ranked))
        left_days: Counter[int] = Counter()
        higher: defaultdict[int, set[int]] = defaultdict(set)
        for pair in np.unique(group[dropped] * width + level[dropped]).tolist():
            index, lower = divmod(pair, width)
            left_days[lower] += 1
            higher[lower].update(counted for counted in used[index] if counted < lower)
        unit = _UNITS.get(column, column.rsplit("_", 1)[-1].replace("ml", "mL"))
        for lower in sorted(left_days, key=lambda lower: -left_count[lower]):
            over = sorted(higher[lower])
            decided = next(
                i for i, (a, b) in enumerate(zip(rank(ranked[over[0]]), rank(ranked[lower]), strict=True)) if a != b
            )
            listed = ", ".join(f"'{names[ranked[other]]}'" for other in over)
            totals.notes.append(
                f"{column}: {int(left_count[lower]):,} sample(s) from '{names[ranked[lower]]}' "
                f"({_amount(float(left_amount[lower]))} {unit}) left out on {left_days[lower]:,} day(s): "
                f"their times overlap samples from {listed}, ranked higher ({reasons[decided]})"
            )
    return totals


def _priority_list(source_priority: Sequence[str] | str | None) -> list[str]:
    if source_priority is None:
        return []
    parts = [source_priority] if isinstance(source_priority, str) else list(source_priority)
    for part in parts:
        if not isinstance(part, str) or not part.strip():
            fail(
                "read_apple_health",
                "source_priority",
                source_priority,
                "a list of non-empty parts of source names, such as ['Watch', 'Cronometer']",
            )
    return [part.strip() for part in parts]


# ---------------------------------------------------------------------------------------------- public


def read_apple_health(
    path: str | os.PathLike[str],
    *,
    source_priority: Sequence[str] | None = None,
    progress: bool | None = None,
    drink_g: float = STANDARD_DRINK_G,
) -> pd.DataFrame:
    """Read an Apple Health export as a ``daily`` table: one row per local calendar day.

    Parameters
    ----------
    path : str or path-like
        ``export.zip`` as the Health app makes it, the ``export.xml`` inside it (whatever its translated
        name), or a folder holding it (directly or in ``apple_health_export/``).
    source_priority : list of str, optional
        Parts of source names (``sourceName``: ``"Alex's Apple Watch"``, ``"Cronometer"``), most trusted
        first, matched case-insensitively; the first part found in a name ranks that source. Sources no
        part matches come after, in the default order (see Notes). A single string counts as a list of one.
    progress : bool, optional
        Show a progress bar (bytes read) on stderr, or a widget in a notebook. By default it shows when
        stderr is a terminal or the code runs in a Jupyter notebook.
    drink_g : float
        Grams of ethanol in one of the ``NumberOfAlcoholicBeverages`` counted (``--drink-g``); 10 g, the WHO's
        standard drink, by default, as :func:`spasmlog.read_log` reads a ``drinks`` header.

    Returns
    -------
    pandas.DataFrame
        ``date`` (``datetime64[us]``, unique, sorted), then those of the columns below that the export
        fed, float64 except ``exercise_type`` (text): ``water_ml``, ``caffeine_mg``, ``alcohol_g``,
        ``magnesium_mg``, ``calcium_mg``, ``potassium_mg``, ``sodium_mg``, ``exercise_min``,
        ``exercise_type``, ``stretching_min``, ``steps``, ``sleep_h``, and the extra columns ``stand_h``
        (hours standing), ``apple_stand_hours`` (hours in which the person stood, Apple's Stand ring)
        and ``energy_kcal`` (food energy). An empty cell means nothing was recorded that day.
        ``attrs``: ``"source"`` (``"apple-health"``), ``"files"``, ``"notes"`` (what was skipped,
        converted, repaired, and how many samples were left out because their times overlapped those of
        a source ranked higher) and ``"detail"`` (``(date, column, detail)`` tuples: the sources each value
        was added up from); ``"people"``, when the Health profile gives a sex or a date of birth: a list of
        one ``{"sex": ..., "birth_year": ..., "detail": {...}}`` (see Notes; ``detail`` says how each value was
        got, for its provenance row), which :func:`spasmlog.importers.merge.merge_into` writes to
        ``people.csv``.

    Raises
    ------
    LogNotFoundError
        ``path`` does not exist.
    ImportFormatError
        The file is not an Apple Health export (no ``<HealthData>`` root), is damaged or truncated, or
        holds records of the kinds spasmlog uses but none of them could be read (the message says why).
    UnsafeFileError
        The XML declares entities or refers to an external DTD (billion laughs, XXE), a zip entry would
        land outside its folder, or the zip would expand like a zip bomb (the limits every importer shares,
        :mod:`spasmlog.io.archives`: more than 100:1 to more than 64 MiB).

    Notes
    -----
    **Days.** Apple writes every date as local time with its UTC offset (``2024-08-07 12:58:00 +1200``);
    a record belongs to the calendar day written there, so a trip across time zones and a change to or
    from daylight saving keep each record on the day the person lived it. Records are summed per day
    (across sources, see below). A record spanning midnight (a step count from 23:58 to 00:03) counts on
    its start day; sleep counts on the day it ends (below); a workout on the day it starts.

    **iOS 8 and 9 exports** (records from 2014-2015, still inside the exports of long-time users) are read
    too: dates without separators (``20151107171924+0100``), ``source=`` instead of ``sourceName=``, and
    metadata written as attributes of the record (ignored, like ``MetadataEntry`` elements). Some of these
    files carry attribute names with spaces (``Health Mate App Version="2.6.2"``), which XML does not
    allow: when the parser stops at one, the document is read again from its start with such names
    written with underscores (still streamed, chunk by chunk); the notes count the names repaired. An
    export whose records of the kinds read here are all unreadable is an error, not an empty table.

    **Records read** (``<Record type=...>``; units converted with pint: mL, cL, dL, L, ``fl_oz_us``,
    ``fl_oz_imp``, ``cup_us``, ``cup_imp``, mcg, mg, g, ``mmol<molar mass>``, kcal, ``Cal`` (= kcal),
    kJ, s, min, hr):

    - ``DietaryWater`` → ``water_ml``; ``DietaryMagnesium``, ``DietaryCalcium``, ``DietaryPotassium``,
      ``DietarySodium``, ``DietaryCaffeine`` → ``magnesium_mg``, ``calcium_mg``, ``potassium_mg``,
      ``sodium_mg``, ``caffeine_mg``; ``NumberOfAlcoholicBeverages`` → ``alcohol_g`` at ``drink_g`` (10 g) of ethanol
      per drink (WHO's standard drink, as spasmlog reads a ``drinks`` header); ``StepCount`` → ``steps``;
      ``DietaryEnergyConsumed`` → ``energy_kcal``.
    - ``AppleStandTime`` (minutes standing, watchOS 7 and later) → ``stand_h`` (hours standing).
      ``AppleStandHour`` → ``apple_stand_hours``: the number of clock hours with at least a minute of
      standing (``HKCategoryValueAppleStandHourStood``; an ``Idle`` hour counts 0). The two are kept
      apart: 12 stood hours are not 12 hours of standing.
    - ``SleepAnalysis`` → ``sleep_h``: time asleep, i.e. ``Asleep``, ``AsleepUnspecified``, ``AsleepCore``,
      ``AsleepDeep``, ``AsleepREM``; ``InBed`` and ``Awake`` are not sleep. Per source, overlapping
      asleep intervals are merged (a minute is never counted twice), and intervals (any value) less than
      2 hours apart form one sleep session, which belongs to the local day on which it ends: a night from
      23:00 to 07:00 counts on the morning's date, and so does a stage that ended at 23:40 within it. A
      nap is a session of its own, on its day. A "session" longer than 24 hours (records chained for
      days by an app) is not a night: each of its asleep stretches counts on the day it ends. Hours are
      real elapsed time: a night across a daylight-saving change lasts an hour less or more in
      ``sleep_h`` than on the clock face.
    - Every other type (heart rate, energy burned, distance, ...) is skipped and counted in the notes.
      ``Record`` elements inside a ``Correlation`` (food entries, blood-pressure readings) are skipped too:
      Apple repeats each of them as a top-level record, so reading both would count the food twice.

    **Workouts** (``<Workout>``) → ``exercise_min``: the active minutes of the day's workouts, i.e. with
    pauses excluded. Apple's ``duration`` attribute already leaves the pauses out (HealthKit computes it
    from the pause and resume events), so it is used as it is; when it is absent, or evidently includes
    the pauses (longer than start-to-end minus pauses), the active time is end minus start minus the
    pauses. A pause runs from a ``HKWorkoutEventTypePause`` or ``MotionPaused`` event to the next
    ``Resume`` or ``MotionResumed`` (or to the end of the workout). ``exercise_type`` is the category of
    the day's longest workout (:data:`WORKOUT_TYPES`; unlisted types are ``other``). ``Flexibility``
    workouts are stretching: their minutes go to ``stretching_min`` and not to ``exercise_min``. A
    workout of zero active minutes is skipped.

    **Totals as the Health app shows them.** The same quantity often arrives from several sources (phone
    and watch both count steps; a water app logs glasses and the person types one more into Health). As the
    Health app does, samples from different sources are added up unless their times overlap, and where they
    overlap the source ranked higher wins. Per column and day, sources are taken from the highest-ranked
    down: a sample counts unless its time overlaps a sample already counted from a source ranked higher (a
    source's own samples never exclude each other), so no two counted samples of different sources overlap.
    The watch's and the phone's step counts of the same walk overlap: the watch's count; the phone's fill
    the hours the watch was off the wrist. A water app's glasses and a glass typed in at another time do not
    overlap: all count. A sample left out is left out whole (not prorated). Times are compared as real
    instants, across UTC offsets; an instant (start = end, a glass of water) is the second it was recorded,
    so two sources recording a glass at the same second count it once. Sleep counts per session (the whole
    night of one source, from its first to its last asleep minute) and workouts per workout, by the same
    rule: a watch's night and an app's nap add up, the same run from the watch and from Strava counts once.
    Only samples of the same local day are compared (a sample spanning midnight counts on its start day).

    Sources are ranked by the first part of ``source_priority`` (``--prefer``) each name contains; then by
    the Health app's default order (Apple's support article HT204351, "Manage Health data from multiple
    sources"): entries typed into the Health app (source ``Health``, or its name in the phone's language),
    then an Apple Watch, then an iPhone, iPad or iPod, then other apps and devices; then the source with data
    on more days; then the name. The notes count, per column and source, the samples left out, their total
    and the days, and name the sources ranked higher that they overlapped; ``attrs["detail"]`` names the
    sources counted each day (``"Health + WaterMinder"``). ``exercise_type`` is the type of the longest
    workout counted.

    **Not derived.** ``sitting_h`` is left empty: waking time minus standing or active time is not
    sitting (it includes lying down, time the watch was off the wrist, and standing still that the watch
    does not count), and Apple records no sitting measure. ``ActivitySummary`` elements (the rings),
    ``ExportDate``, clinical records and audiograms are skipped and counted in the notes.

    **The person** (``<Me>``, the Health profile, in every export since iOS 8) → ``attrs["people"]``: ``sex``
    (``HKBiologicalSexFemale``, ``Male``, ``Other`` → ``female``, ``male``, ``other``) and ``birth_year``, the
    year of ``HKCharacteristicTypeIdentifierDateOfBirth`` (``1984-06-02``; iOS 8/9: ``19840602``). Only the
    year is kept: the full date of birth is more identifying than the analysis needs (ages in years, and
    ten-year bands in a shared bundle). What the person left unset (``HKBiologicalSexNotSet``, an empty date)
    is not recorded, never guessed; a sex Apple does not write, or a date of birth that is no date, lies in
    the future or before 1900, is not recorded and the notes say which and why. Blood type, skin type and
    cardio-fitness medication use are not imported.

    **Safety.** The file is streamed in 1 MiB blocks through expat without building a tree, so memory
    grows only by the 32 bytes kept per sample read (not with the records skipped, most of a file), and
    nothing is extracted to disk. Its DOCTYPE is read by hand and
    removed before parsing: Apple's inline DTD (element and attribute declarations, including the
    malformed one of iOS 16 exports) passes; any entity declaration or external DTD is refused, and
    expat's entity handlers refuse as well, so nothing named in the file is ever fetched or opened.
    Control characters XML forbids (``\\x0b``, found in real exports) are dropped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> record = '<Record type="HKQuantityTypeIdentifier{}" sourceName="{}" unit="{}" value="{}" '
    >>> record += 'startDate="{} +0100" endDate="{} +0100"/>'
    >>> xml = "\\n".join([
    ...     '<HealthData locale="en_GB">',
    ...     record.format("DietaryWater", "Health", "L", "0.5", "2024-08-07 08:00:00", "2024-08-07 08:00:00"),
    ...     record.format("DietaryWater", "WaterMinder", "mL", "250", "2024-08-07 13:00:00", "2024-08-07 13:00:00"),
    ...     record.format("StepCount", "Alex's iPhone", "count", "900", "2024-08-07 09:00:00", "2024-08-07 09:30:00"),
    ...     record.format("StepCount", "Alex's Apple Watch", "count", "1200", "2024-08-07 09:00:00",
    ...                   "2024-08-07 09:30:00"),
    ...     "</HealthData>",
    ... ])
    >>> _ = (folder / "export.xml").write_text(xml, encoding="utf-8")
    >>> daily = read_apple_health(folder / "export.xml", progress=False)
    >>> daily
            date  water_ml   steps
    0 2024-08-07     750.0  1200.0
    >>> print(daily.attrs["notes"][-1])  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    steps: 1 sample(s) from 'Alex's iPhone' (900 steps) left out on 1 day(s): their times overlap samples
    from 'Alex's Apple Watch', ranked higher (default priority: ...)
    >>> read_apple_health(folder, source_priority=["iPhone"], progress=False)["steps"].tolist()
    [900.0]
    """
    priority = _priority_list(source_priority)
    drink_g = number(drink_g, "drink_g", "read_apple_health", low=0, low_open=True)
    path = Path(path)
    with _open_export(path) as export:
        found = _parse(export, show_progress=_want_progress(progress), drink_g=drink_g)
        notes = list(export.notes)
    return _build_frame(found, priority, files=[str(path)], notes=notes, drink_g=drink_g)


def _build_frame(
    found: _Collected, priority: list[str], *, files: list[str], notes: list[str], drink_g: float
) -> pd.DataFrame:
    groups = found.samples
    names = list(found.source_ids)

    def source_id(source: str) -> int:
        if source not in found.source_ids:
            found.source_ids[source] = len(names)
            names.append(source)
        return found.source_ids[source]

    def add(column: str, day: str, start: float, end: float, amount: float, source: str) -> None:
        groups.setdefault((column, day), array("d")).extend((start, max(end, start + 1.0), amount, source_id(source)))

    unreadable_sleep = 0
    for source, intervals in found.sleep.items():
        items, unreadable = _sleep_items(intervals)
        unreadable_sleep += unreadable
        for day, start, end, hours in items:
            add("sleep_h", day, start, end, hours, source)

    kinds: dict[str, list[tuple[float, str]]] = defaultdict(list)  # day -> (minutes, type), in sample order
    unreadable_workouts = idle_workouts = 0
    paused_total = 0.0
    for workout in found.workouts:
        minutes, paused = _active_minutes(workout)
        begin, finish = _moment(workout.start), _moment(workout.end)
        if minutes is None or begin is None or finish is None:
            unreadable_workouts += 1
            continue
        if minutes <= 0:
            idle_workouts += 1
            continue
        paused_total += paused
        kind = WORKOUT_TYPES.get(workout.activity, "other")
        column = "stretching_min" if kind == "stretching" else "exercise_min"
        day = workout.start[:10]
        add(column, day, begin.timestamp(), finish.timestamp(), minutes, workout.source)
        if column == "exercise_min":
            kinds[day].append((minutes, kind))

    totals = _totals(groups, names, priority)
    columns: dict[str, dict[str, float | str]] = {column: dict(by_day) for column, by_day in totals.values.items()}
    if "exercise_min" in columns:
        columns["exercise_type"] = {}
        for day in columns["exercise_min"]:
            counted = [item for item, kept in zip(kinds[day], totals.kept["exercise_min", day], strict=True) if kept]
            columns["exercise_type"][day] = max(counted, key=lambda item: item[0])[1]
        totals.sources["exercise_type"] = totals.sources["exercise_min"]

    unreadable = (
        sum(found.bad_units.values())
        + sum(found.bad_values.values())
        + sum(found.bad_dates.values())
        + unreadable_sleep
        + unreadable_workouts
    )
    if found.read and unreadable == found.read:
        why = "; ".join(
            [f"{count:,} {kind}: unit {unit!r} cannot be converted" for (kind, unit), count in found.bad_units.items()]
            + [f"{count:,} {kind}: no number in the value" for kind, count in found.bad_values.items()]
            + [f"{count:,} {kind}: unreadable date" for kind, count in found.bad_dates.items()]
            + [f"{unreadable_sleep:,} sleep records: unreadable date"] * bool(unreadable_sleep)
            + [f"{unreadable_workouts:,} workouts: unreadable date"] * bool(unreadable_workouts)
        )
        raise ImportFormatError(
            f"{files[0]}: none of its {found.read:,} records of the kinds spasmlog uses could be read ({why}); "
            "nothing was imported.",
            file=files[0],
        )

    all_days = sorted({day for by_day in columns.values() for day in by_day})
    dates = pd.to_datetime(pd.Series(all_days, dtype="str"), format="%Y-%m-%d", errors="coerce")
    bad_days = [day for day, date in zip(all_days, dates, strict=True) if pd.isna(date)]
    good = dates.notna().to_numpy()
    days = [day for day, ok in zip(all_days, good, strict=True) if ok]
    frame = pd.DataFrame({"date": dates[good].astype("datetime64[us]").reset_index(drop=True)})
    order = [name for name in field_specs("daily") if name in columns] + [c for c in _EXTRA_COLUMNS if c in columns]
    for column in order:
        cells = [columns[column].get(day) for day in days]
        if column == "exercise_type":
            frame[column] = pd.Series(cells, dtype="str")
        else:
            frame[column] = pd.Series(cells, dtype="float64")

    # Tuples, not a DataFrame: pandas compares attrs in concat and merge (see spasmlog.importers).
    detail = [
        (pd.Timestamp(day), column, totals.sources[column][day])
        for column in order
        for day in days
        if day in totals.sources[column]
    ]

    person, profile_notes = _person_from_me(found.me)
    notes += profile_notes
    if found.old_dates:
        notes.append(f"{found.old_dates:,} records with dates in the iOS 8/9 form (20151107171924+0100) read")
    if found.repaired:
        listed = ", ".join(f"{name!r} ({count:,})" for name, count in found.repaired.most_common(3))
        notes.append(
            f"{found.repaired.total():,} attribute names with spaces, which XML does not allow, read as if "
            f"written with underscores: {listed}"
        )
    notes += _skip_notes(found, bad_days, unreadable_sleep, unreadable_workouts, idle_workouts, paused_total)
    if "alcohol_g" in columns:
        notes.append(
            f"alcohol_g: alcoholic drinks counted as {drink_g:g} g of ethanol each"
            + (" (WHO standard drink)" if drink_g == STANDARD_DRINK_G else "")
        )
    notes += totals.notes
    frame.attrs = {"source": "apple-health", "files": files, "notes": notes, "detail": detail}
    if person:
        frame.attrs["people"] = [person]
    frame.attrs["records"] = found.read + sum(found.unmapped.values())  # records spasmlog uses or not
    frame.attrs["unreadable"] = unreadable
    return frame


def _skip_notes(
    found: _Collected,
    bad_days: list[str],
    unreadable_sleep: int,
    unreadable_workouts: int,
    idle_workouts: int,
    paused_total: float,
) -> list[str]:
    notes = []
    if found.unmapped:
        total = sum(found.unmapped.values())
        top = ", ".join(
            f"{str(kind).removeprefix(_HK).removeprefix('HKCategoryTypeIdentifier')} {count:,}"
            for kind, count in Counter(found.unmapped).most_common(3)
        )
        notes.append(f"{total:,} records of {len(found.unmapped)} types spasmlog does not use skipped (most: {top})")
    if found.elements:
        listed = ", ".join(f"{name} {count:,}" for name, count in found.elements.most_common())
        notes.append(f"elements spasmlog does not use skipped: {listed}")
    for kind, count in found.correlation_children.items():
        what = _CORRELATIONS.get(kind, f"Correlation elements of type {kind or '(none)'}")
        notes.append(
            f"{count:,} records inside {what} skipped: Apple repeats each as a top-level record, "
            "where it is read or counted once"
        )
    for (kind, unit), count in found.bad_units.items():
        notes.append(f"{count:,} {kind} records skipped: their unit {unit!r} cannot be converted")
    for kind, count in found.bad_values.items():
        notes.append(f"{count:,} {kind} records skipped: no readable number in their value")
    for kind, count in found.bad_dates.items():
        notes.append(f"{count:,} {kind} records skipped: unreadable start or end date")
    if found.sleep_values:
        listed = ", ".join(f"{value!r} ({count:,})" for value, count in found.sleep_values.items())
        notes.append(f"sleep records with values spasmlog does not know counted as not asleep: {listed}")
    if unreadable_sleep:
        notes.append(f"{unreadable_sleep:,} sleep records skipped: unreadable start or end date")
    if unreadable_workouts:
        notes.append(f"{unreadable_workouts:,} workouts skipped: unreadable start or end date")
    if idle_workouts:
        notes.append(f"{idle_workouts:,} workouts skipped: no active time")
    if paused_total > 0:
        notes.append(f"exercise_min: {paused_total:,.0f} min of workout pauses left out")
    if bad_days:
        notes.append(f"values on {len(bad_days)} unreadable dates skipped (e.g. {bad_days[0]!r})")
    if found.control_chars:
        notes.append(f"{found.control_chars:,} control characters that XML forbids (such as \\x0b) removed")
    return notes


# ---------------------------------------------------------------------------------------------- the person

_CHARACTERISTIC = "HKCharacteristicTypeIdentifier"
_SEXES = {"HKBiologicalSexFemale": "female", "HKBiologicalSexMale": "male", "HKBiologicalSexOther": "other"}
_SEX_NOT_SET = "HKBiologicalSexNotSet"
# A date of birth as Apple writes it (1984-06-02), as iOS 8 and 9 did (19840602), perhaps with a time after it.
_BIRTH_DATE = re.compile(r"(\d{4})(-?)(\d\d)\2(\d\d)(?:[T ]?\d\d:?\d\d:?\d\d\S*(?: ?[+-]\d\d:?\d\d)?)?")
_FIRST_BIRTH_YEAR = 1900  # people.birth_year's lowest value in the log format
_NOT_SET_ENDINGS = ("NotSet", "None")  # unset characteristics (HKBloodTypeNotSet; CardioFitnessMedicationsUse="None")


def _person_from_me(elements: list[dict[str, str]]) -> tuple[dict[str, Any], list[str]]:
    """The person's ``sex`` and ``birth_year`` from the export's ``<Me>`` element (the Health profile), for
    ``people.csv``, and the notes that say what was taken, left unset or unreadable.

    Only the year of the date of birth is kept: the full date is more identifying than the analysis needs
    (it uses the age in years). A characteristic the person left unset (``HKBiologicalSexNotSet``, an empty
    date of birth) is not recorded, never guessed; a value Apple does not write, a date of birth that is
    not a date, lies in the future or before 1900 is not recorded either, and the notes say which and why.
    Blood type, skin type and cardio-fitness medication use are not imported (spasmlog does not use them).
    ``"detail"`` says how each value was got (for its provenance row in the log).
    """
    if not elements:
        return {}, ["no <Me> element (the Health profile) in the export: sex and birth year not imported"]
    me = elements[0]
    notes = []
    if len(elements) > 1:
        same = all(other == me for other in elements[1:])
        notes.append(
            f"{len(elements)} <Me> elements in the export (Apple writes one): the first one read"
            + ("" if same else "; the others say something else")
        )
    person: dict[str, Any] = {}
    detail: dict[str, str] = {}  # how each value was got, for its provenance row
    taken: list[str] = []
    unset: list[str] = []

    sex_text = me.get(f"{_CHARACTERISTIC}BiologicalSex", "").strip()
    if sex_text in _SEXES:
        person["sex"] = _SEXES[sex_text]
        detail["sex"] = f"the Health profile's {sex_text}"
        taken.append(f"sex {person['sex']}")
    elif sex_text in ("", _SEX_NOT_SET):
        unset.append("sex")
    else:
        notes.append(f"Health profile: sex {sex_text!r} is none of {', '.join(_SEXES)} or {_SEX_NOT_SET}: not recorded")

    birth_text = me.get(f"{_CHARACTERISTIC}DateOfBirth", "").strip()
    if not birth_text:
        unset.append("date of birth")
    else:
        year, problem = _birth_year(birth_text)
        if problem:
            notes.append(f"Health profile: date of birth {birth_text!r} {problem}: birth year not recorded")
        else:
            person["birth_year"] = str(year)
            taken.append(f"birth year {year}")
            detail["birth_year"] = "the year of the Health profile's date of birth (the full date is not kept)"

    if taken:
        notes.insert(
            0,
            f"Health profile (<Me>): {' and '.join(taken)} for people.csv"
            + (
                " (the year of birth only: the full date of birth is more identifying than the analysis needs, "
                "and is not kept)"
                if "birth_year" in person
                else ""
            ),
        )
    if unset:
        notes.append(f"Health profile: {' and '.join(unset)} not set in the Health app: not recorded")
    others = [
        name.removeprefix(_CHARACTERISTIC)
        for name, text in me.items()
        if name.startswith(_CHARACTERISTIC)
        and name not in (f"{_CHARACTERISTIC}BiologicalSex", f"{_CHARACTERISTIC}DateOfBirth")
        and text.strip()
        and not text.strip().endswith(_NOT_SET_ENDINGS)
    ]
    if others:
        notes.append(f"Health profile: {', '.join(others)} not imported (spasmlog does not use them)")
    if person:
        person["detail"] = detail
    return person, notes


def _birth_year(text: str) -> tuple[int | None, str]:
    """The year of a date of birth (``1984-06-02``, ``19840602``), or why there is none (a few words)."""
    match = _BIRTH_DATE.fullmatch(text)
    if match is None:
        return None, "is not a date in the form Apple writes (1984-06-02)"
    try:
        born = dt.date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None, "is not a date of the calendar"
    if born > today().date():
        return None, "lies in the future"
    if born.year < _FIRST_BIRTH_YEAR:
        return None, f"is before {_FIRST_BIRTH_YEAR}, the earliest birth year the log format accepts"
    return born.year, ""
