"""Which app an export file comes from, told by its content (never its name), peeking at its first bytes."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from pathlib import Path

from spasmlog.errors import ImportFormatError, UnsafeFileError
from spasmlog.importers._csv import normalise_header
from spasmlog.importers.bearable import export_kind as bearable_kind
from spasmlog.importers.cronometer import export_kind as cronometer_kind
from spasmlog.importers.flaredown import export_kind as flaredown_kind
from spasmlog.importers.garmin import export_kind as garmin_kind
from spasmlog.importers.garmin import looks_like_activities
from spasmlog.importers.myfitnesspal import export_kind as myfitnesspal_kind
from spasmlog.importers.visible import export_kind as visible_kind
from spasmlog.io.archives import open_entry, open_zip
from spasmlog.io.sources import sniff

__all__ = ["APP_NAMES", "FORMATS", "detect", "looks_like"]

FORMATS: tuple[str, ...] = ("apple-health", "cronometer", "myfitnesspal", "garmin", "bearable", "visible", "flaredown")
"""The export formats :func:`detect` tells apart, as ``spasmlog import`` names them."""

APP_NAMES: dict[str, str] = {
    "apple-health": "Apple Health",
    "cronometer": "Cronometer",
    "myfitnesspal": "MyFitnessPal",
    "garmin": "Garmin Connect",
    "bearable": "Bearable",
    "visible": "Visible",
    "flaredown": "Flaredown",
}
"""Each format of :data:`FORMATS` as people name the app."""

PEEK_BYTES = 64 * 1024
"""How much of a file (or zip entry) is read to tell its format: enough to pass Apple Health's inline DTD."""
MAX_ZIP_ENTRIES = 64
"""How many entries of a zip are peeked at, at most (Apple Health zips hold thousands of route files)."""

_HEALTH_ROOT = re.compile(r"<HealthData[\s>/]")
_DESCRIPTIONS = (
    "Apple Health (export.zip, the export.xml inside it, or the folder it unzips to), "
    "Cronometer (Daily Nutrition, Servings, Exercises or Biometrics CSV), "
    "MyFitnessPal (Nutrition or Exercise Summary CSV, or its export zip), Garmin Connect "
    "(Activities.csv), Bearable and Visible (their CSV exports) and Flaredown (data.csv or the research export)"
)


def _text(head: bytes) -> str:
    """The peeked bytes as text: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    for cut in range(4):  # the peek may end inside a multi-byte character
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return head.decode("cp1252", errors="replace")


def _is_health_xml(text: str) -> bool:
    """An XML document whose root is ``<HealthData``: past the declaration, comments and the inline DTD."""
    stripped = text.lstrip()
    return stripped.startswith("<") and _HEALTH_ROOT.search(stripped) is not None


def _csv_format(text: str, name: str = "") -> str | None:
    """The export format of a CSV file from its header row (and, for MyFitnessPal's measurement summary,
    whose ``Date,Weight`` header any weight table has, from its file ``name``), or ``None``."""
    lines = text.splitlines()[:50]
    if len(lines) > 1:
        lines = lines[:-1] if not text.endswith(("\n", "\r")) else lines  # the peek may cut the last line
    if not any(line.strip() for line in lines):
        return None
    delimiter, start, _ = sniff(lines)
    try:
        header = next(csv.reader(io.StringIO(lines[start]), delimiter=delimiter))
    except (StopIteration, csv.Error, IndexError):
        return None
    headers = [normalise_header(cell) for cell in header]
    if flaredown_kind(headers):
        return "flaredown"
    if garmin_kind(headers, strict=True):
        return "garmin"
    if myfitnesspal_kind(headers) in ("nutrition", "exercise"):
        return "myfitnesspal"
    if cronometer_kind(headers, strict=True):
        return "cronometer"
    if bearable_kind(headers):
        return "bearable"
    if visible_kind(headers):
        return "visible"
    if myfitnesspal_kind(headers) == "measurement" and _MEASUREMENT_NAME.search(name):
        return "myfitnesspal"  # its reader says, in one line, that the weights have no place in the log
    # Last: Garmin Connect's activity list with headers in a language spasmlog has no words for, by its values.
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines[start + 1 :])), delimiter=delimiter))
    except csv.Error:
        return None
    if looks_like_activities(header, rows):
        return "garmin"
    return None


_MEASUREMENT_NAME = re.compile(r"measurement[\s_-]*summary", re.IGNORECASE)
"""How MyFitnessPal names its measurement export (``Measurement-Summary-2024-01-01-to-2024-12-31.csv``)."""


def _format_of(head: bytes, name: str = "") -> str | None:
    text = _text(head)
    if _is_health_xml(text):
        return "apple-health"
    return _csv_format(text, Path(name).name)


def _holds_health_xml(folder: Path) -> bool:
    """An unzipped Apple Health export: a ``.xml`` file with a ``<HealthData`` root directly in ``folder``."""
    for file in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file()):
        with file.open("rb") as stream:
            if _format_of(stream.read(PEEK_BYTES)) == "apple-health":
                return True
    return False


def _unknown(path: Path, why: str) -> ImportFormatError:
    return ImportFormatError(
        f"Cannot tell which app {path} comes from: {why}. spasmlog reads {_DESCRIPTIONS}. "
        "Name the format instead of --auto (e.g. `spasmlog import cronometer FILE`), or export the data "
        "again from the app.",
        file=str(path),
        formats=FORMATS,
        reason=why,
    )


def _detect_zip(path: Path) -> str:
    found: set[str] = set()
    try:
        with open_zip(path) as bundle:
            entries = [e for e in bundle.infolist() if not e.is_dir() and not Path(e.filename).name.startswith("._")]
            # Apple Health's export.xml (its name is translated on some phones) is the biggest XML entry.
            xml = sorted((e for e in entries if e.filename.lower().endswith(".xml")), key=lambda e: -e.file_size)
            rest = sorted((e for e in entries if not e.filename.lower().endswith(".xml")), key=lambda e: -e.file_size)
            for entry in [*xml, *rest][:MAX_ZIP_ENTRIES]:
                with open_entry(bundle, entry, str(path)) as stream:
                    kind = _format_of(stream.read(PEEK_BYTES), entry.filename)
                if kind == "apple-health":
                    return kind
                if kind is not None:
                    found.add(kind)
    except UnsafeFileError:
        raise
    except ImportFormatError as error:  # not a zip after all, or a damaged or encrypted entry
        raise _unknown(path, f"it is a zip that cannot be read ({error.__cause__ or error})") from error
    if len(found) == 1:
        return found.pop()
    if found:
        raise _unknown(path, f"the zip holds exports of several apps ({', '.join(sorted(found))})")
    raise _unknown(path, "the zip holds no file of a known export")


def detect(path: str | os.PathLike[str]) -> str:
    """The app an export comes from: ``"apple-health"``, ``"cronometer"``, ``"myfitnesspal"`` or ``"garmin"``.

    Told by content, never by the file's name, reading at most the first 64 KB of a file (of a few
    entries, for a zip): Apple Health's ``export.xml`` by its ``<HealthData`` root (past the XML
    declaration and the inline DTD), alone, inside ``export.zip`` whatever the entry is called, or in
    the folder the zip unzips to (``apple_health_export/export.xml``, given that folder or the one
    holding it); the CSV exports by their header row (Garmin Connect's in any of its languages, and, in a
    language spasmlog has no words for, by the shape of its values: activity type, date-time, ``hh:mm:ss``
    time).

    Parameters
    ----------
    path : str or path-like
        An export file, a zip, or a folder of exports of one app.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When the content matches no known export (the message lists the formats spasmlog reads, and the
        error's ``formats`` attribute holds them), or a folder or zip mixes exports of several apps.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "download.csv").write_text("Aktivitätstyp,Datum,Zeit\\nLaufen,2026-01-27 07:30:00,00:30:00\\n")
    >>> detect(folder / "download.csv")
    'garmin'
    >>> _ = (folder / "notes.csv").write_text("when,what\\nmonday,cramp\\n")
    >>> detect(folder / "notes.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spasmlog.errors.ImportFormatError: Cannot tell which app ... comes from: ...
    """
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"{path} does not exist. Give the path of an app's export file.", file=str(path))
    if path.is_dir():
        found: dict[str, str] = {}
        for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
            try:
                found[child.name] = detect(child)
            except ImportFormatError:
                continue
        # An unzipped Apple Health export one level down (apple_health_export/export.xml, as phones and
        # macOS unzip it), as read_apple_health reads it.
        for child in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if _holds_health_xml(child):
                found[f"{child.name}/"] = "apple-health"
        kinds = set(found.values())
        if len(kinds) == 1:
            return kinds.pop()
        if kinds:
            listed = ", ".join(f"{name} ({kind})" for name, kind in found.items())
            raise _unknown(path, f"the folder holds exports of several apps: {listed}")
        raise _unknown(path, "no file in the folder is a known export")
    with path.open("rb") as stream:
        head = stream.read(PEEK_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(path)
    if not head.strip():
        raise _unknown(path, "the file is empty")
    kind = _format_of(head, path.name)
    if kind is None:
        first = _text(head).lstrip().splitlines()[0][:120] if _text(head).strip() else ""
        raise _unknown(path, f"its first line ({first!r}) is not the header of a known export")
    return kind


def looks_like(path: str | os.PathLike[str], source: str) -> str | None:
    """The format a file comes from when :func:`detect` tells it is another app's than ``source``'s.

    ``None`` when the file is ``source``'s, or when its app cannot be told (a damaged file, a file of no
    known app): then only the reader of ``source`` can say what is wrong with it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "download.csv"
    >>> _ = file.write_text("Date,Meal,Calories,Sodium (mg),Potassium\\n2026-01-01,Lunch,600,800,900\\n")
    >>> looks_like(file, "garmin"), looks_like(file, "myfitnesspal")
    ('myfitnesspal', None)
    """
    try:
        kind = detect(path)
    except (ImportFormatError, UnsafeFileError, OSError):
        return None
    return kind if kind != source else None
