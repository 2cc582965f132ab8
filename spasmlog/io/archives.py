"""Zip archives opened safely: one set of limits for every importer that reads an app's export zip.

An export zip is untrusted input. Before any entry is read, every entry's name is checked (no absolute path,
no drive letter, no ``..``: path traversal), and an entry is refused when it declares that it would unpack to
more than :data:`MAX_ENTRY_BYTES`, or to more than :data:`BOMB_MIN_BYTES` at more than :data:`MAX_RATIO`
times its packed size (a zip bomb). :mod:`zipfile` never returns more bytes than an entry declares (and checks
its CRC at the end), so the declared size is a bound on what is read.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from spasmlog.errors import ImportFormatError, UnsafeFileError

__all__ = [
    "BOMB_MIN_BYTES",
    "MAX_ENTRY_BYTES",
    "MAX_RATIO",
    "check_entry",
    "check_names",
    "copy_entry",
    "is_zip",
    "open_entry",
    "open_zip",
]

MAX_RATIO = 100
"""Unpacked / packed size above which a big entry is a zip bomb: real exports (CSV text, Apple Health's XML)
compress about 5-30 times."""

BOMB_MIN_BYTES = 64 << 20
"""Below this unpacked size (64 MiB) any ratio is harmless: a small file of blanks compresses 1000 times."""

MAX_ENTRY_BYTES = 16 << 30
"""No entry of an app export unpacks to more than this (16 GiB; Apple Health's ``export.xml`` of ten years of
a watch is a few GB)."""

READ_ERRORS = (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, zlib.error, lzma.LZMAError)
"""What reading a damaged entry raises: a bad CRC or truncation, an encrypted entry (RuntimeError), a
compression method :mod:`zipfile` lacks (NotImplementedError), compressed data that is damaged (zlib's and
lzma's errors; bzip2's is an OSError)."""


def is_zip(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a zip archive, told by its first bytes (never by its name).

    Examples
    --------
    >>> import tempfile, zipfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "export.zip", "w") as bundle:
    ...     bundle.writestr("a.csv", "date\\n")
    >>> _ = (folder / "renamed.zip").write_text("date,water_ml\\n")
    >>> is_zip(folder / "export.zip"), is_zip(folder / "renamed.zip")
    (True, False)
    """
    with Path(path).open("rb") as stream:
        return stream.read(4) in (b"PK\x03\x04", b"PK\x05\x06")  # an entry, or the end of an empty archive


def _traverses(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) is not None or ".." in parts


def check_entry(info: zipfile.ZipInfo, label: str, *, advice: str = "") -> None:
    """Refuse an entry that would land outside its folder, or whose declared size is that of a zip bomb.

    Parameters
    ----------
    info : zipfile.ZipInfo
        The entry.
    label : str
        How the person names the archive (its path), for the message.
    advice : str
        A sentence ending the message: what to do instead (e.g. export again from the app).

    Raises
    ------
    spasmlog.errors.UnsafeFileError
        With ``file``, ``entry`` and, for a zip bomb, ``ratio`` in its detail.

    Examples
    --------
    >>> import zipfile
    >>> check_entry(zipfile.ZipInfo("apple_health_export/export.xml"), "export.zip")
    >>> check_entry(zipfile.ZipInfo("../../evil.xml"), "export.zip")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spasmlog.errors.UnsafeFileError: export.zip was refused: its entry '../../evil.xml' would be written outside ...
    """
    name = info.filename
    ending = f" {advice}" if advice else ""
    if _traverses(name):
        raise UnsafeFileError(
            f"{label} was refused: its entry {name!r} would be written outside the folder it is unzipped to "
            f"(path traversal). App exports never hold such entries.{ending}",
            file=label,
            entry=name,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MAX_ENTRY_BYTES or (info.file_size > BOMB_MIN_BYTES and ratio > MAX_RATIO):
        raise UnsafeFileError(
            f"{label} was refused: its entry {name} would expand from {info.compress_size:,} to "
            f"{info.file_size:,} bytes ({ratio:,.0f}:1), far beyond the 5-30:1 of real app exports (limit "
            f"{MAX_RATIO}:1 above {BOMB_MIN_BYTES >> 20} MiB, {MAX_ENTRY_BYTES >> 30} GiB in all). It may be a zip "
            f"bomb.{ending}",
            file=label,
            entry=name,
            ratio=ratio,
        )


@contextlib.contextmanager
def open_zip(path: str | os.PathLike[str], *, label: str | None = None, advice: str = "") -> Iterator[zipfile.ZipFile]:
    """Open an export zip after checking the names of all its entries (see :func:`check_entry`).

    Parameters
    ----------
    path : str or path-like
        The archive.
    label : str, optional
        How the person names it (default: the path).
    advice : str
        A sentence ending the messages: what to do instead.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        The file is not a zip, or a damaged one.
    spasmlog.errors.UnsafeFileError
        An entry's name would land outside the folder it is unzipped to.

    Examples
    --------
    >>> import tempfile, zipfile, pathlib
    >>> archive = pathlib.Path(tempfile.mkdtemp()) / "export.zip"
    >>> with zipfile.ZipFile(archive, "w") as bundle:
    ...     bundle.writestr("a.csv", "date,water_ml\\n2026-01-01,1500\\n")
    >>> with open_zip(archive) as bundle, open_entry(bundle, bundle.getinfo("a.csv"), str(archive)) as stream:
    ...     stream.readline()
    b'date,water_ml\\n'
    """
    shown = label if label is not None else str(path)
    ending = f" {advice}" if advice else ""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportFormatError(
            f"{shown} looks like a zip file but cannot be opened ({error}).{ending}", file=shown
        ) from error
    with archive:
        check_names(archive, shown, advice=advice)
        yield archive


def check_names(archive: zipfile.ZipFile, label: str, *, advice: str = "") -> None:
    """Refuse an archive any of whose entries would land outside the folder it is unzipped to (path
    traversal: an absolute path, a drive letter, ``..``), whether or not that entry is read."""
    for info in archive.infolist():
        if _traverses(info.filename):
            check_entry(info, label, advice=advice)


@contextlib.contextmanager
def open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, *, advice: str = "") -> Iterator[IO[bytes]]:
    """An entry of an archive opened for reading, after :func:`check_entry`; a damaged or encrypted entry
    raises :class:`~spasmlog.errors.ImportFormatError` (not zipfile's own errors)."""
    check_entry(info, label, advice=advice)
    ending = f" {advice}" if advice else ""
    try:
        with archive.open(info) as stream:
            yield stream
    except READ_ERRORS as error:
        raise ImportFormatError(
            f"{label}: the entry {info.filename} cannot be read ({error}). Unzip it with your system's tool and "
            f"pass the file inside.{ending}",
            file=label,
            entry=info.filename,
        ) from error


def copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, label: str, *, advice: str = "") -> Path:
    """Unpack one entry to ``target`` (a name the caller chose: the entry's own path never decides where it
    lands), after :func:`check_entry`; returns ``target``."""
    with open_entry(archive, info, label, advice=advice) as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, 1 << 20)
    return target
