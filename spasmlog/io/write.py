"""Writing files safely: never half-written, never a live formula.

Every file spasmlog writes goes through this module. A file is written to a temporary file beside it and
renamed over the target only when complete (:func:`atomic_path`); a folder (a caseload report) is written
to a temporary folder beside it and swapped in (:func:`atomic_folder`). An error on the way (a full disk)
leaves what was there before as it was and raises :class:`~spasmlog.errors.WriteError`, which names the
file and the cause. Text cells of CSV files and workbooks are neutralised
(:func:`spasmlog.io.cells.neutralise`) so that no spreadsheet runs them as formulas.

:func:`write_log` writes a :class:`~spasmlog.log.Log` back to files that :func:`spasmlog.read_log` reads
to equal tables.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from spasmlog import _checks
from spasmlog._interrupt import was_interrupted
from spasmlog.errors import SpasmlogError, WriteError
from spasmlog.io.cells import neutralise, neutralise_frame
from spasmlog.logformat.schemas import TABLES_READ, field_specs

if TYPE_CHECKING:
    from openpyxl import Workbook

    from spasmlog.log import Log

__all__ = [
    "atomic_folder",
    "atomic_path",
    "atomic_write_csv",
    "atomic_write_text",
    "deferred_interrupt",
    "save_workbook",
    "to_text_frame",
    "write_csv",
    "write_log",
]


def _default_mode(kind: int = 0o666) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return kind & ~mask


_FILE_MODE = _default_mode()
_FOLDER_MODE = _default_mode(0o777)


def to_text_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table with its dates and yes/no cells as text the reader parses back to the same values.

    Dates are written ``YYYY-MM-DD``, date-times ``YYYY-MM-DD HH:MM:SS``, yes/no columns ``yes``/``no``.
    Numbers stay numbers: pandas writes floats in their shortest round-trip form, so they read back equal.
    """
    specs = field_specs(table)
    out = frame.copy(deep=False)
    for name in frame.columns:
        column = frame[name]
        kind = specs[name].kind if name in specs else None
        if pd.api.types.is_datetime64_any_dtype(column):
            with_time = kind == "datetime" or (
                kind is None and (column.dropna() != column.dropna().dt.normalize()).any()
            )
            out[name] = column.dt.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(column):
            out[name] = column.map({True: "yes", False: "no"}).astype("str")
    return out


def _write_error(error: OSError, path: Path, *, existed: bool, what: str = "file") -> WriteError:
    """The :class:`WriteError` for ``error`` met while writing ``path``: names the file and the cause."""
    if isinstance(error, WriteError):
        return error
    cause = error.strerror or str(error) or type(error).__name__
    kept = f"the previous {what} is unchanged" if existed else "nothing was written there"
    return WriteError(f"Could not write {path}: {cause}; {kept}.", file=str(path), cause=cause, errno=error.errno)


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block ends, so that steps that belong together all happen.

    Used around renames that must not be separated (a report folder swapped in, ``daily.csv`` and its
    ``provenance.csv``). An interrupt during the block raises :class:`KeyboardInterrupt` when it ends.
    Outside the main thread (where signals cannot be handled) the block runs as it is.
    """
    if was_interrupted():  # Ctrl-C was pressed earlier and swallowed on its way up: put nothing in place
        raise KeyboardInterrupt
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; renamed to ``path`` when the block ends without error.

    An error (or Ctrl-C) in the block removes the temporary file and leaves ``path`` as it was; an
    :class:`OSError` is raised as :class:`~spasmlog.errors.WriteError` naming ``path`` and the cause.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_path(target) as temporary:
    ...     _ = temporary.write_text("complete", encoding="utf-8")
    >>> target.read_text(encoding="utf-8"), sorted(p.name for p in target.parent.iterdir())
    ('complete', ['notes.txt'])
    """
    existed = path.exists()
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        temporary = Path(name)
        os.close(handle)
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes the file private; give it the usual permissions
        yield temporary
        if was_interrupted():  # Ctrl-C pressed and swallowed on its way up: leave the previous file
            raise KeyboardInterrupt
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise _write_error(error, path, existed=existed) from error
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file beside it (see :func:`atomic_path`)."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding=encoding)


def atomic_write_csv(
    frame: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8", lineterminator: str = "\n"
) -> None:
    """Write ``frame`` as CSV to ``path`` through a temporary file in the same folder, then rename.

    Text cells and headers that a spreadsheet would run as formulas are neutralised
    (:func:`spasmlog.io.cells.neutralise`); :func:`spasmlog.read_log` reads them back as they were. An
    interrupted or failed write leaves the old file as it was (see :func:`atomic_path`).
    """
    with atomic_path(path) as temporary:
        write_csv(frame, temporary, sep=sep, encoding=encoding, lineterminator=lineterminator)


def write_csv(
    frame: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8", lineterminator: str = "\n"
) -> None:
    """Write ``frame`` as CSV to ``path`` directly, text cells and headers neutralised.

    For a temporary file from :func:`atomic_path` (several files replaced together); otherwise use
    :func:`atomic_write_csv`.
    """
    safe = neutralise_frame(frame)
    # Python's CSV writer quotes a cell holding a line break only if the break is part of ``lineterminator``:
    # a lone carriage return in a "\n" file would split the row. Such a (rare) file has every cell quoted.
    every_cell = "\r" not in lineterminator and _holds_carriage_return(safe)
    quoting: Literal[0, 1] = 1 if every_cell else 0  # csv.QUOTE_ALL, csv.QUOTE_MINIMAL
    with path.open("w", encoding=encoding, newline="") as stream:
        safe.to_csv(stream, index=False, sep=sep, lineterminator=lineterminator, quoting=quoting)


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    if any("\r" in str(c) for c in frame.columns):
        return True
    for _, column in frame.items():
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        try:
            found = bool(column.str.contains("\r", regex=False, na=False).any())
        except AttributeError:  # an object column without text: cell by cell
            found = bool(column.map(lambda v: isinstance(v, str) and "\r" in v).any())
        if found:
            return True
    return False


def _text_cells(workbook: Workbook) -> None:
    """Make every text cell of ``workbook`` a neutralised text cell: none is, or becomes, a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value: Any = cell.value
                if isinstance(value, str):
                    cell.value = neutralise(value)
                    cell.data_type = "s"  # text, whatever openpyxl guessed from the value


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save an openpyxl ``workbook`` atomically, every text cell written as neutralised text.

    Text cells that begin like a formula (``=1+1``) are stored as text with a quote in front
    (:func:`spasmlog.io.cells.neutralise`), never as formulas; :func:`spasmlog.read_log` reads them back
    as they were.

    Examples
    --------
    >>> import tempfile
    >>> from openpyxl import Workbook, load_workbook
    >>> book = Workbook()
    >>> book.active["A1"] = "=1+1"
    >>> path = Path(tempfile.mkdtemp()) / "book.xlsx"
    >>> save_workbook(book, path)
    >>> cell = load_workbook(path).active["A1"]
    >>> cell.value, cell.data_type
    ("'=1+1", 's')
    """
    _text_cells(workbook)
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def _is_previous_report(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but HTML pages (a report written before, which may be replaced whole)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return all(entry.is_file() and entry.name.lower().endswith(".html") for entry in folder.iterdir())


@contextmanager
def atomic_folder(folder: Path) -> Iterator[Path]:
    """A temporary folder beside ``folder`` to write into; put in its place when the block ends without error.

    A new ``folder`` is the temporary folder renamed. An existing one that holds only HTML pages (a previous
    report) is swapped whole: renamed to a backup, the new folder renamed into place, the backup deleted
    (pages of people no longer in the report go with it). An existing folder holding anything else keeps it:
    the new files are renamed into it one by one. Ctrl-C is held back during the renames.

    An error (or Ctrl-C) in the block deletes the temporary folder and leaves ``folder`` as it was; an
    :class:`OSError` is raised as :class:`~spasmlog.errors.WriteError` naming the file in ``folder`` that
    was being written and the cause.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_folder(target) as temporary:
    ...     _ = (temporary / "index.html").write_text("<p>new</p>", encoding="utf-8")
    >>> sorted(p.name for p in target.iterdir()), sorted(p.name for p in target.parent.iterdir())
    (['index.html'], ['report'])
    """
    existed = folder.exists()
    temporary: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
        yield temporary
        try:
            with deferred_interrupt():
                _put_in_place(temporary, folder)
        except OSError as error:
            raise _write_error(error, folder, existed=existed, what="report") from error
    except OSError as error:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        named = Path(error.filename) if isinstance(error.filename, str) else None
        if named is None or temporary is None or temporary in (named, *named.parents):
            written = folder / named.relative_to(temporary) if named is not None and temporary is not None else folder
            raise _write_error(error, written, existed=existed, what="report") from error
        raise  # not a file being written (a file read on the way): the error as it is
    except BaseException:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        raise


def _put_in_place(temporary: Path, folder: Path) -> None:
    if not folder.exists():
        os.chmod(temporary, _FOLDER_MODE)  # mkdtemp makes the folder private
        os.rename(temporary, folder)
        return
    if _is_previous_report(folder):
        os.chmod(temporary, folder.stat().st_mode & 0o7777)
        backup = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
        os.rmdir(backup)  # only its unique name is wanted
        os.rename(folder, backup)
        try:
            os.rename(temporary, folder)
        except BaseException:
            os.rename(backup, folder)  # put the previous report back
            raise
        shutil.rmtree(backup, ignore_errors=True)
        return
    for entry in sorted(temporary.iterdir()):
        os.replace(entry, folder / entry.name)
    temporary.rmdir()


def _existing_tables(path: Path) -> list[Path]:
    """Log tables already in ``path`` (a folder) or ``path`` itself (a workbook)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    from spasmlog.io.sources import TABLE_SUFFIXES

    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def write_log(
    log: Log, path: Path, *, format: Literal["csv", "xlsx", "parquet"] = "csv", overwrite: bool = False
) -> Path:
    """Write the non-empty tables of ``log``; see :meth:`spasmlog.Log.write`."""
    _checks.one_of(format, "format", "Log.write", ("csv", "xlsx", "parquet"))  # before anything is written
    target = path if format != "xlsx" or path.suffix.lower() == ".xlsx" else path / "log.xlsx"
    existing = _existing_tables(target if format == "xlsx" else path)
    if existing and not overwrite:
        raise SpasmlogError(
            f"{existing[0]} already exists: write the log to an empty folder, or pass overwrite=True to replace "
            "the tables (other files in the folder are left as they are, and would be read with it).",
            file=str(existing[0]),
        )
    tables = {name: log.table(name) for name in TABLES_READ if len(log.table(name))}
    if format == "xlsx":
        with atomic_path(target) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as workbook:
            for name, frame in tables.items():
                to_text_frame(frame, name).to_excel(workbook, sheet_name=name, index=False)
            _text_cells(workbook.book)  # before the writer saves: no cell is a formula
        return target
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if format == "parquet":
            with atomic_path(path / f"{name}.parquet") as temporary:
                frame.to_parquet(temporary, index=False)
        elif format == "csv":
            atomic_write_csv(to_text_frame(frame, name), path / f"{name}.csv")
        else:  # pragma: no cover - refused on entry
            raise AssertionError(format)
    return path
